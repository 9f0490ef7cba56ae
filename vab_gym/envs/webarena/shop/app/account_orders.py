"""The customer's orders: the order history, one order's page and reordering it.

Mirrors Magento's ``/sales/order/history/``, ``/sales/order/view/order_id/{id}/`` and
``/sales/order/reorder/order_id/{id}/``; :func:`order_details` is also the admin's order page.
"""

from __future__ import annotations

import math
import sqlite3
from sqlite3 import Connection, Row
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.core.webapp import redirect

from .cart import add_to_cart
from .guards import customer_page
from .pages import cart_owner, options_of, render
from .web import flash, to_int


def order_ship_to(conn: sqlite3.Connection, order_ids: list[int]) -> dict[int, str]:
    marks = ",".join("?" * len(order_ids)) or "NULL"
    return {
        r["order_id"]: f"{r['firstname']} {r['lastname']}"
        for r in conn.execute(
            f"SELECT * FROM order_addresses WHERE type = 'shipping' AND order_id IN ({marks})",
            order_ids,
        )
    }


@customer_page
async def order_history(request: Request, conn: Connection, customer: Row) -> Response:
    limit = to_int(request.query_params.get("limit"), 10)
    limit = limit if limit in (10, 20, 50) else 10
    total = conn.execute(
        "SELECT COUNT(*) FROM orders WHERE customer_id = ?", (customer["id"],)
    ).fetchone()[0]
    pages = max(1, math.ceil(total / limit))
    page = min(max(1, to_int(request.query_params.get("p"), 1) or 1), pages)
    orders = conn.execute(
        "SELECT * FROM orders WHERE customer_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
        (customer["id"], limit, (page - 1) * limit),
    ).fetchall()
    return render(
        request,
        conn,
        "account/orders.html",
        orders=orders,
        total=total,
        page=page,
        pages=pages,
        limit=limit,
        section="orders",
        ship_to=order_ship_to(conn, [o["id"] for o in orders]),
    )


def order_details(conn: sqlite3.Connection, order_id: int | None) -> dict[str, Any] | None:
    order = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
    if order is None:
        return None
    addresses = {
        r["type"]: r
        for r in conn.execute("SELECT * FROM order_addresses WHERE order_id = ?", (order_id,))
    }
    return {
        "order": order,
        "items": conn.execute(
            "SELECT i.*, p.url_key FROM order_items i LEFT JOIN products p "
            "ON p.id = i.product_id WHERE i.order_id = ? ORDER BY i.id",
            (order_id,),
        ).fetchall(),
        "history": conn.execute(
            "SELECT * FROM order_history WHERE order_id = ? ORDER BY created_at, id", (order_id,)
        ).fetchall(),
        "shipping": addresses.get("shipping"),
        "billing": addresses.get("billing"),
    }


@customer_page
async def order_view(request: Request, conn: Connection, customer: Row) -> Response:
    details = order_details(conn, to_int(request.path_params["order_id"]))
    if details is None or details["order"]["customer_id"] != customer["id"]:
        flash(request, "This order isn't available.", "error")
        return redirect("/sales/order/history/")
    return render(request, conn, "account/order.html", section="orders", **details)


@customer_page
async def reorder(request: Request, conn: Connection, customer: Row) -> Response:
    details = order_details(conn, to_int(request.path_params["order_id"]))
    if details is None or details["order"]["customer_id"] != customer["id"]:
        return redirect("/sales/order/history/")
    for item in details["items"]:
        product = conn.execute(
            "SELECT * FROM products WHERE id = ? AND status = 1", (item["product_id"],)
        ).fetchone()
        if product and product["is_in_stock"]:
            add_to_cart(
                conn, cart_owner(request), product["id"], item["qty"], options_of(item["options"])
            )
    return redirect("/checkout/cart/")


ROUTES = [
    Route("/sales/order/history/", order_history, methods=["GET"]),
    Route("/sales/order/view/order_id/{order_id}/", order_view, methods=["GET"]),
    Route("/sales/order/reorder/order_id/{order_id}/", reorder, methods=["POST"]),
]
