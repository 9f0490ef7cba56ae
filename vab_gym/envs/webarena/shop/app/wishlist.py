"""The customer's wish list: the list, adding a product, and moving an item to the cart or
removing it.

Mirrors Magento's ``/wishlist/``, ``/wishlist/index/add/`` and ``/wishlist/index/cart/`` and
``/wishlist/index/remove/``.
"""

from __future__ import annotations

from sqlite3 import Connection, Row
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.core.webapp import redirect

from .. import catalog
from .cart import add_to_cart
from .guards import customer_page
from .listing import PRODUCT_SELECT
from .pages import cart_owner, customer_of, render
from .web import database, flash, shop_now, to_int


@customer_page
async def wishlist(request: Request, conn: Connection, customer: Row) -> Response:
    items = conn.execute(
        "SELECT w.id AS item_id, w.qty AS wish_qty, w.added_at, s.* FROM wishlist_items w "
        f"JOIN ({PRODUCT_SELECT}) s ON s.id = w.product_id WHERE w.customer_id = ? "
        "ORDER BY w.id",
        (customer["id"],),
    ).fetchall()
    return render(request, conn, "account/wishlist.html", items=items, section="wishlist")


async def wishlist_add(request: Request) -> Response:
    form = await request.form()
    with database(request) as conn:
        product = conn.execute(
            "SELECT * FROM products WHERE id = ? AND status = 1", (to_int(form.get("product")),)
        ).fetchone()
        if not product:
            raise HTTPException(404)
        customer = customer_of(request, conn)
        if customer is None:
            flash(request, "You must login or register to add items to your wishlist.", "error")
            return redirect(
                "/customer/account/login/?" + urlencode({"referer": f"/{product['url_key']}.html"})
            )
        conn.execute(
            "INSERT INTO wishlist_items (customer_id, product_id, qty, added_at) "
            "VALUES (?, ?, 1, ?) ON CONFLICT(customer_id, product_id) DO NOTHING",
            (customer["id"], product["id"], catalog.stamp(shop_now())),
        )
    flash(request, f"{product['name']} has been added to your Wish List.")
    return redirect("/wishlist/")


@customer_page
async def wishlist_item_action(request: Request, conn: Connection, customer: Row) -> Response:
    """Remove a wish-list item, or move it to the cart (``action=cart``)."""
    form = await request.form()
    item = conn.execute(
        "SELECT w.*, p.url_key, p.name, p.is_in_stock, "
        "(SELECT COUNT(*) FROM product_options o WHERE o.product_id = "
        "p.id) AS option_count FROM wishlist_items w JOIN products p ON "
        "p.id = w.product_id WHERE w.id = ? AND w.customer_id = ?",
        (to_int(form.get("item")), customer["id"]),
    ).fetchone()
    action = request.path_params["action"]
    if action not in ("cart", "remove"):
        raise HTTPException(404)
    if item is None:
        return redirect("/wishlist/")
    if action == "cart":
        if item["option_count"]:
            flash(request, "You need to choose options for your item.", "notice")
            return redirect(f"/{item['url_key']}.html")
        if not item["is_in_stock"]:
            flash(request, "This product is out of stock.", "error")
            return redirect("/wishlist/")
        add_to_cart(conn, cart_owner(request), item["product_id"], item["qty"], [])
        flash(request, f"You added {item['name']} to your shopping cart.")
    conn.execute("DELETE FROM wishlist_items WHERE id = ?", (item["id"],))
    return redirect("/wishlist/")


ROUTES = [
    Route("/wishlist/", wishlist, methods=["GET"]),
    Route("/wishlist/index/add/", wishlist_add, methods=["POST"]),
    Route("/wishlist/index/{action:str}/", wishlist_item_action, methods=["POST"]),
]
