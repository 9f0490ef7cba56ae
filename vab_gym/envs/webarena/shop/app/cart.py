"""The cart and checkout: adding to the cart, the cart page, the one-page checkout and the
order it places.

Mirrors Magento's ``/checkout/cart/``, ``/checkout/cart/add/``,
``/checkout/cart/updatePost/``, ``/checkout/``, ``/checkout/placeOrder/`` and
``/checkout/onepage/success/``. A guest's cart belongs to the browser's session and moves
into the customer's cart on sign-in (:func:`add_to_cart`).
"""

from __future__ import annotations

import json
import re
import sqlite3

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.core.webapp import local_path, redirect

from .. import catalog
from ..catalog import FLAT_RATE, FREE_SHIPPING_FROM, PAYMENT_METHOD, SHIPPING_METHODS
from .addresses import ADDRESS_FIELDS, address_from_form, addresses_of, save_address
from .pages import cart_lines, cart_owner, customer_of, render
from .web import database, flash, shop_now, to_int


def chosen_options(
    form: FormData, conn: sqlite3.Connection, product_id: int
) -> tuple[list[list[str]], list[str]]:
    """The ``options[Attribute]`` picks of an add-to-cart form, and the attributes missing."""
    available: dict[str, list[str]] = {}
    for row in conn.execute(
        "SELECT attribute, value FROM product_options WHERE product_id = ? ORDER BY position",
        (product_id,),
    ):
        available.setdefault(row["attribute"], []).append(row["value"])
    picked, missing = [], []
    for attribute, values in available.items():
        value = str(form.get(f"options[{attribute}]", ""))
        if value in values:
            picked.append([attribute, value])
        else:
            missing.append(attribute)
    return picked, missing


def add_to_cart(
    conn: sqlite3.Connection, owner: str, product_id: int, qty: int, options: list[list[str]]
) -> None:
    encoded = json.dumps(options)
    existing = conn.execute(
        "SELECT id FROM cart_items WHERE owner = ? AND product_id = ? AND options = ?",
        (owner, product_id, encoded),
    ).fetchone()
    if existing:
        conn.execute("UPDATE cart_items SET qty = qty + ? WHERE id = ?", (qty, existing["id"]))
    else:
        conn.execute(
            "INSERT INTO cart_items (owner, product_id, options, qty, added_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (owner, product_id, encoded, qty, catalog.stamp(shop_now())),
        )


async def cart_add(request: Request) -> Response:
    form = await request.form()
    qty = to_int(form.get("qty"), 1) or 0
    with database(request) as conn:
        product = conn.execute(
            "SELECT * FROM products WHERE id = ? AND status = 1", (to_int(form.get("product")),)
        ).fetchone()
        if not product:
            raise HTTPException(404)
        page = f"/{product['url_key']}.html"
        options, missing = chosen_options(form, conn, product["id"])
        if missing:
            flash(
                request, f"You need to choose options for your item: {', '.join(missing)}.", "error"
            )
            return redirect(page)
        if qty < 1 or not product["is_in_stock"] or qty > product["qty"]:
            flash(request, "The requested qty is not available.", "error")
            return redirect(page)
        add_to_cart(conn, cart_owner(request), product["id"], qty, options)
    flash(request, f"You added {product['name']} to your shopping cart.")
    return redirect(local_path(str(form.get("return_url", "")), page))


async def cart(request: Request) -> Response:
    with database(request) as conn:
        lines = cart_lines(conn, cart_owner(request))
        return render(
            request,
            conn,
            "cart.html",
            lines=lines,
            subtotal=round(sum(line["row_total"] for line in lines), 2),
        )


async def cart_update(request: Request) -> Response:
    """Magento's cart form: new quantities (``cart[<id>][qty]``) or one ``remove_item``."""
    form = await request.form()
    owner = cart_owner(request)
    with database(request) as conn:
        remove = to_int(form.get("remove_item"))
        if remove is not None:
            conn.execute("DELETE FROM cart_items WHERE id = ? AND owner = ?", (remove, owner))
            return redirect("/checkout/cart/")
        for key, value in form.multi_items():
            match = re.fullmatch(r"cart\[(\d+)\]\[qty\]", key)
            qty = to_int(value)
            if not match or qty is None:
                continue
            if qty <= 0:
                conn.execute(
                    "DELETE FROM cart_items WHERE id = ? AND owner = ?", (int(match[1]), owner)
                )
            else:
                conn.execute(
                    "UPDATE cart_items SET qty = ? WHERE id = ? AND owner = ?",
                    (min(qty, 10000), int(match[1]), owner),
                )
    return redirect("/checkout/cart/")


def shipping_options(subtotal: float, qty: int) -> dict[str, tuple[str, float]]:
    methods = {"flatrate": (SHIPPING_METHODS["flatrate"], FLAT_RATE * qty)}
    if subtotal >= FREE_SHIPPING_FROM:
        methods["freeshipping"] = (SHIPPING_METHODS["freeshipping"], 0.0)
    return methods


async def checkout(request: Request) -> Response:
    if request.session.get("customer_id") is None:
        flash(request, "Please sign in to check out.", "notice")
        return redirect("/customer/account/login/?referer=/checkout/")
    with database(request) as conn:
        customer = customer_of(request, conn)
        if customer is None:
            request.session.pop("customer_id", None)
            return redirect("/customer/account/login/?referer=/checkout/")
        lines = cart_lines(conn, cart_owner(request))
        if not lines:
            return redirect("/checkout/cart/")
        subtotal = round(sum(line["row_total"] for line in lines), 2)
        return render(
            request,
            conn,
            "checkout.html",
            lines=lines,
            subtotal=subtotal,
            addresses=addresses_of(conn, customer["id"]),
            methods=shipping_options(subtotal, sum(li["qty"] for li in lines)),
        )


async def place_order(request: Request) -> Response:
    form = await request.form()
    if request.session.get("customer_id") is None:
        return redirect("/customer/account/login/?referer=/checkout/")
    with database(request) as conn:
        customer = customer_of(request, conn)
        lines = cart_lines(conn, cart_owner(request))
        if customer is None or not lines:
            return redirect("/checkout/cart/")
        subtotal = round(sum(line["row_total"] for line in lines), 2)
        total_qty = sum(line["qty"] for line in lines)
        methods = shipping_options(subtotal, total_qty)
        method = str(form.get("shipping_method", ""))
        shipping = address_for_order(conn, customer, form)
        problem = (
            "Please choose a shipping address."
            if shipping is None
            else "Please choose a shipping method."
            if method not in methods
            else "Please choose a payment method."
            if form.get("payment_method") != "checkmo"
            else next(
                (
                    f"The requested qty of {li['name']} is not available."
                    for li in lines
                    if not li["is_in_stock"] or li["qty"] > li["stock"]
                ),
                None,
            )
        )
        if problem or shipping is None:
            flash(request, problem or "", "error")
            return redirect("/checkout/")
        order_id = create_order(
            conn, customer, lines, shipping, methods[method], subtotal, total_qty
        )
        conn.execute("DELETE FROM cart_items WHERE owner = ?", (cart_owner(request),))
    request.session["last_order_id"] = order_id
    return redirect("/checkout/onepage/success/")


def address_for_order(
    conn: sqlite3.Connection, customer: sqlite3.Row, form: FormData
) -> dict[str, str] | None:
    """The chosen saved address, or a new one (saved to the address book if asked)."""
    choice = str(form.get("address_id", ""))
    if choice != "new":
        row = conn.execute(
            "SELECT * FROM addresses WHERE id = ? AND customer_id = ?",
            (to_int(choice), customer["id"]),
        ).fetchone()
        return {k: row[k] for k in ADDRESS_FIELDS} if row else None
    address = address_from_form(form, "shipping_")
    if address and form.get("save_in_address_book"):
        address_id = save_address(conn, customer["id"], address)
        if customer["default_shipping"] is None:
            conn.execute(
                "UPDATE customers SET default_shipping = ?, default_billing = "
                "COALESCE(default_billing, ?) WHERE id = ?",
                (address_id, address_id, customer["id"]),
            )
    return address


def create_order(
    conn: sqlite3.Connection,
    customer: sqlite3.Row,
    lines: list[dict],
    shipping: dict[str, str],
    method: tuple[str, float],
    subtotal: float,
    total_qty: int,
) -> int:
    order_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM orders").fetchone()[0]
    now = catalog.stamp(shop_now())
    conn.execute(
        "INSERT INTO orders (id, increment_id, customer_id, customer_firstname, "
        "customer_lastname, customer_email, status, created_at, subtotal, shipping_amount, "
        "grand_total, total_qty, shipping_method, payment_method) "
        "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)",
        (
            order_id,
            f"{order_id:09d}",
            customer["id"],
            customer["firstname"],
            customer["lastname"],
            customer["email"],
            now,
            subtotal,
            method[1],
            round(subtotal + method[1], 2),
            total_qty,
            method[0],
            PAYMENT_METHOD,
        ),
    )
    billing = conn.execute(
        "SELECT * FROM addresses WHERE id = ?", (customer["default_billing"],)
    ).fetchone()
    for kind, address in (
        ("shipping", shipping),
        ("billing", {k: billing[k] for k in ADDRESS_FIELDS} if billing else shipping),
    ):
        conn.execute(
            f"INSERT INTO order_addresses (order_id, type, country, {', '.join(ADDRESS_FIELDS)})"
            f" VALUES (?, ?, 'United States', {', '.join('?' * len(ADDRESS_FIELDS))})",
            (order_id, kind, *address.values()),
        )
    for line in lines:
        conn.execute(
            "INSERT INTO order_items (order_id, product_id, sku, name, options, price, "
            "qty, row_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                order_id,
                line["product_id"],
                line["sku"],
                line["name"],
                line["options"],
                line["price"],
                line["qty"],
                line["row_total"],
            ),
        )
        conn.execute(
            "UPDATE products SET qty = qty - ?, is_in_stock = (qty - ? > 0) WHERE id = ?",
            (line["qty"], line["qty"], line["product_id"]),
        )
    conn.execute(
        "INSERT INTO order_history (order_id, status, comment, is_customer_notified, "
        "created_at) VALUES (?, 'pending', 'Order placed.', 1, ?)",
        (order_id, now),
    )
    return int(order_id)


async def checkout_success(request: Request) -> Response:
    order_id = request.session.get("last_order_id")
    if order_id is None:
        return redirect("/checkout/cart/")
    with database(request) as conn:
        order = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
        return render(request, conn, "success.html", order=order)


ROUTES = [
    Route("/checkout/cart/", cart, methods=["GET"]),
    Route("/checkout/cart/add/", cart_add, methods=["POST"]),
    Route("/checkout/cart/updatePost/", cart_update, methods=["POST"]),
    Route("/checkout/", checkout, methods=["GET"]),
    Route("/checkout/placeOrder/", place_order, methods=["POST"]),
    Route("/checkout/onepage/success/", checkout_success, methods=["GET"]),
]
