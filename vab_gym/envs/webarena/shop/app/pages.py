"""Rendering the shop's pages: the Jinja2 templates with their filters, the storefront's
header (category menu, mini-cart, account links) and the admin panel's frame.

Pages render on the server; every change is a plain HTML form posted and answered with a
redirect, so a page's HTML depends only on the database and the session.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from ..catalog import ORDER_STATUSES
from ..formats import admin_datetime, long_date, money, short_date
from .addresses import US_STATES
from .web import query_url

TEMPLATES = Path(__file__).parent.parent / "templates"
PAGE_SIZES = (12, 24, 36)
SORTS = {"position": "Position", "name": "Product Name", "price": "Price", "rating": "Rating"}
CARRIERS = ("DHL", "FedEx", "UPS", "USPS")


def stars(rating: float | None) -> str:
    full = round(rating or 0)
    return "★" * full + "☆" * (5 - full)


def percent(rating: float | None) -> int:
    return round((rating or 0) * 20)


def options_of(text: str) -> list[list[str]]:
    return json.loads(text or "[]")


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.filters.update(
        money=money,
        stars=stars,
        percent=percent,
        short_date=short_date,
        long_date=long_date,
        admin_datetime=admin_datetime,
        options=options_of,
    )
    env.globals.update(
        query_url=query_url,
        ORDER_STATUSES=ORDER_STATUSES,
        US_STATES=US_STATES,
        SORTS=SORTS,
        PAGE_SIZES=PAGE_SIZES,
        CARRIERS=CARRIERS,
    )
    return templates


def category_tree(conn: sqlite3.Connection) -> list[dict]:
    rows = [dict(r) for r in conn.execute("SELECT * FROM categories ORDER BY level, position")]
    by_id = {row["id"]: {**row, "children": []} for row in rows}
    for row in rows:
        if row["parent_id"]:
            by_id[row["parent_id"]]["children"].append(by_id[row["id"]])
    return [by_id[row["id"]] for row in rows if row["level"] == 1]


def customer_of(request: Request, conn: sqlite3.Connection) -> sqlite3.Row | None:
    cid = request.session.get("customer_id")
    if cid is None:
        return None
    return conn.execute("SELECT * FROM customers WHERE id = ?", (cid,)).fetchone()


def cart_owner(request: Request, create: bool = True) -> str:
    """Whose cart: the customer's, else this browser's guest cart (made on first use)."""
    if request.session.get("customer_id") is not None:
        return f"customer:{request.session['customer_id']}"
    token = request.session.get("cart_token")
    if token is None and create:
        token = request.session["cart_token"] = secrets.token_hex(8)
    return f"guest:{token}"


def cart_lines(conn: sqlite3.Connection, owner: str) -> list[dict]:
    rows = conn.execute(
        "SELECT c.id, c.qty, c.options, p.id AS product_id, p.name, p.sku, p.url_key, "
        "p.image_color, p.qty AS stock, p.is_in_stock, COALESCE(p.special_price, p.price) "
        "AS price FROM cart_items c JOIN products p ON p.id = c.product_id "
        "WHERE c.owner = ? AND p.status = 1 ORDER BY c.id",
        (owner,),
    ).fetchall()
    return [{**dict(r), "row_total": round(r["price"] * r["qty"], 2)} for r in rows]


def render(
    request: Request, conn: sqlite3.Connection, name: str, status: int = 200, **context: Any
) -> Response:
    """A storefront page with the header's menu, mini-cart and account links filled in."""
    lines = cart_lines(conn, cart_owner(request, create=False))
    context.update(
        store=dict(conn.execute("SELECT key, value FROM store_config").fetchall()),
        menu=category_tree(conn),
        customer=customer_of(request, conn),
        cart_count=sum(line["qty"] for line in lines),
        cart_subtotal=round(sum(line["row_total"] for line in lines), 2),
        messages=request.session.pop("messages", []),
    )
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


def render_admin(request: Request, conn: sqlite3.Connection, name: str, **context: Any) -> Response:
    admin = conn.execute(
        "SELECT * FROM admin_users WHERE id = ?", (request.session.get("admin_id"),)
    ).fetchone()
    context.update(admin=admin, messages=request.session.pop("messages", []))
    return request.app.state.templates.TemplateResponse(request, f"admin/{name}", context)
