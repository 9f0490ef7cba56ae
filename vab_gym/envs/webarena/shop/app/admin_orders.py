"""The admin's orders: the orders grid, one order's page, its actions (cancel, hold,
unhold, complete, comment, tracking number) and editing its addresses.

Mirrors Magento's ``/admin/sales/order/``, ``/admin/sales/order/view/order_id/{id}/``,
``/admin/sales/order/{action}/order_id/{id}/`` and
``/admin/sales/order/address/address_id/{id}/``.
"""

from __future__ import annotations

import sqlite3

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.core.webapp import redirect

from .. import catalog
from ..catalog import ORDER_STATUSES
from ..formats import short_date
from .account_orders import order_details
from .addresses import ADDRESS_FIELDS, address_from_form
from .admin import GridQuery, admin_grid
from .guards import admin_page
from .pages import CARRIERS, render_admin
from .web import database, flash, parse_date, shop_now, to_int


@admin_page
async def admin_orders(request: Request) -> Response:
    q = request.query_params
    query = GridQuery()
    query.contains(
        q.get("search", ""),
        (
            "o.increment_id",
            "o.customer_firstname || ' ' || o.customer_lastname",
            "o.customer_email",
        ),
    )
    if (status := q.get("status", "")) in ORDER_STATUSES:
        query.require("o.status = ?", status, "Status", ORDER_STATUSES[status], "status")
    for key, op, label in (("from", ">=", "Purchase Date from"), ("to", "<=", "Purchase Date to")):
        if day := parse_date(q.get(key)):
            query.require(
                f"substr(o.created_at, 1, 10) {op} ?", day.isoformat(), label, short_date(day), key
            )
    sort = {
        "id": "o.id",
        "created_at": "o.created_at",
        "grand_total": "o.grand_total",
        "status": "o.status",
    }.get(q.get("sort", ""), "o.id")
    direction = "ASC" if q.get("dir") == "asc" else "DESC"
    with database(request) as conn:
        grid = admin_grid(
            request,
            conn,
            "SELECT o.*, s.firstname || ' ' || s.lastname AS ship_name, "
            "b.firstname || ' ' || b.lastname AS bill_name FROM orders o LEFT JOIN "
            "order_addresses s ON s.order_id = o.id AND s.type = 'shipping' LEFT JOIN "
            "order_addresses b ON b.order_id = o.id AND b.type = 'billing'",
            query,
            f"{sort} {direction}, o.id {direction}",
        )
        return render_admin(request, conn, "orders.html", grid=grid, filters=query.shown)


def admin_order_context(conn: sqlite3.Connection, order_id: int | None) -> dict | None:
    details = order_details(conn, order_id)
    if details is None:
        return None
    customer = conn.execute(
        "SELECT * FROM customers WHERE id = ?", (details["order"]["customer_id"],)
    ).fetchone()
    return {**details, "customer": customer}


@admin_page
async def admin_order_view(request: Request) -> Response:
    with database(request) as conn:
        context = admin_order_context(conn, to_int(request.path_params["order_id"]))
        if context is None:
            flash(request, "This order no longer exists.", "error")
            return redirect("/admin/sales/order/")
        tab = request.path_params.get("tab", "")
        return render_admin(request, conn, "order.html", tab=tab, **context)


ORDER_ACTIONS = {
    # action: (allowed from, new status, history comment, message)
    "cancel": (
        ("pending", "processing", "holded"),
        "canceled",
        "Order canceled.",
        "You canceled the order.",
    ),
    "hold": (
        ("pending", "processing"),
        "holded",
        "Order put on hold.",
        "You put the order on hold.",
    ),
    "unhold": (
        ("holded",),
        "processing",
        "Order released from hold.",
        "You released the order from holding status.",
    ),
    "complete": (
        ("pending", "processing"),
        "complete",
        "Order shipped and completed.",
        "You completed the order.",
    ),
}


@admin_page
async def admin_order_action(request: Request) -> Response:
    action = request.path_params["action"]
    order_id = to_int(request.path_params["order_id"])
    back = f"/admin/sales/order/view/order_id/{order_id}/"
    form = await request.form()
    with database(request) as conn:
        order = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
        if order is None:
            raise HTTPException(404)
        now = catalog.stamp(shop_now())
        if action in ORDER_ACTIONS:
            allowed, status, comment, message = ORDER_ACTIONS[action]
            if order["status"] not in allowed:
                flash(request, f"You cannot {action} this order.", "error")
                return redirect(back)
            conn.execute("UPDATE orders SET status = ? WHERE id = ?", (status, order_id))
            conn.execute(
                "INSERT INTO order_history (order_id, status, comment, created_at) "
                "VALUES (?, ?, ?, ?)",
                (order_id, status, comment, now),
            )
            flash(request, message)
        elif action == "addComment":
            comment = str(form.get("history[comment]", "")).strip()
            status = str(form.get("history[status]", order["status"]))
            if not comment or status not in ORDER_STATUSES:
                flash(request, "Please enter a comment.", "error")
                return redirect(back)
            conn.execute("UPDATE orders SET status = ? WHERE id = ?", (status, order_id))
            conn.execute(
                "INSERT INTO order_history (order_id, status, comment, "
                "is_customer_notified, created_at) VALUES (?, ?, ?, ?, ?)",
                (
                    order_id,
                    status,
                    comment,
                    int(bool(form.get("history[is_customer_notified]"))),
                    now,
                ),
            )
            flash(request, "The comment has been added to the order.")
        elif action == "addTrack":
            carrier = str(form.get("carrier", ""))
            number = str(form.get("number", "")).strip()
            if carrier not in CARRIERS or not number:
                flash(request, "Please choose a carrier and enter a tracking number.", "error")
                return redirect(back)
            conn.execute(
                "INSERT INTO order_history (order_id, status, comment, created_at) "
                "VALUES (?, ?, ?, ?)",
                (
                    order_id,
                    order["status"],
                    f"Tracking number {number} for {carrier} assigned",
                    now,
                ),
            )
            flash(request, "The tracking number has been added.")
        else:
            raise HTTPException(404)
    return redirect(back)


@admin_page
async def admin_order_address(request: Request) -> Response:
    address_id = to_int(request.path_params["address_id"])
    with database(request) as conn:
        address = conn.execute(
            "SELECT * FROM order_addresses WHERE id = ?", (address_id,)
        ).fetchone()
        if address is None:
            raise HTTPException(404)
        back = f"/admin/sales/order/view/order_id/{address['order_id']}/"
        if request.method == "POST":
            values = address_from_form(await request.form())
            if values is None:
                flash(request, "Please fill in all required fields.", "error")
                return redirect(request.url.path)
            conn.execute(
                f"UPDATE order_addresses SET "
                f"{', '.join(f'{k} = ?' for k in ADDRESS_FIELDS)} WHERE id = ?",
                (*values.values(), address_id),
            )
            flash(request, "You updated the order address.")
            return redirect(back)
        return render_admin(request, conn, "order_address.html", address=address, back=back)


ROUTES = [
    Route("/admin/sales/order/", admin_orders, methods=["GET"]),
    Route("/admin/sales/order/view/order_id/{order_id}/", admin_order_view, methods=["GET"]),
    Route(
        "/admin/sales/order/commentsHistory/order_id/{order_id}/active_tab/{tab}/",
        admin_order_view,
        methods=["GET"],
    ),
    Route(
        "/admin/sales/order/{action:str}/order_id/{order_id}/", admin_order_action, methods=["POST"]
    ),
    Route(
        "/admin/sales/order/address/address_id/{address_id}/",
        admin_order_address,
        methods=["GET", "POST"],
    ),
]
