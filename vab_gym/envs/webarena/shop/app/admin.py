"""The admin panel's frame: signing in and out, the dashboard, and the grids every admin
list page is built from.

Mirrors Magento's ``/admin/``, ``/admin/auth/login/``, ``/admin/auth/logout/`` and
``/admin/dashboard/`` (also ``/admin/admin/dashboard/``). Each admin page is wrapped in
:func:`~.guards.admin_page`, which shows the sign-in form in place until an admin signs in.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.core.webapp import local_path, redirect

from .. import catalog
from .guards import admin_page
from .pages import render_admin
from .web import database, flash, to_int

ADMIN_PAGE_SIZE = 20


async def admin_login(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("login[username]", "")).strip()
    password = str(form.get("login[password]", ""))
    target = local_path(str(form.get("next", "")), "/admin/dashboard/")
    with database(request) as conn:
        user = conn.execute("SELECT * FROM admin_users WHERE username = ?", (username,)).fetchone()
    if user is None or not catalog.verify_password(password, user["password_hash"]):
        flash(
            request,
            "The account sign-in was incorrect or your account is disabled "
            "temporarily. Please wait and try again later.",
            "error",
        )
        return redirect(target if target.startswith("/admin") else "/admin/")
    request.session["admin_id"] = user["id"]
    return redirect(target if target not in ("/admin", "/admin/") else "/admin/dashboard/")


async def admin_logout(request: Request) -> Response:
    request.session.pop("admin_id", None)
    flash(request, "You have logged out.")
    return redirect("/admin/")


@admin_page
async def admin_home(request: Request) -> Response:
    return redirect("/admin/dashboard/")


@admin_page
async def admin_dashboard(request: Request) -> Response:
    with database(request) as conn:
        totals = conn.execute(
            "SELECT COALESCE(SUM(grand_total), 0) AS lifetime, "
            "COALESCE(AVG(grand_total), 0) AS average, COUNT(*) AS orders "
            "FROM orders WHERE status != 'canceled'"
        ).fetchone()
        return render_admin(
            request,
            conn,
            "dashboard.html",
            totals=totals,
            customers=conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0],
            last_orders=conn.execute("SELECT * FROM orders ORDER BY id DESC LIMIT 5").fetchall(),
            top_terms=conn.execute(
                "SELECT * FROM search_terms ORDER BY popularity DESC, id LIMIT 5"
            ).fetchall(),
            last_terms=conn.execute(
                "SELECT * FROM search_terms ORDER BY updated_at DESC, id DESC LIMIT 5"
            ).fetchall(),
            bestsellers=conn.execute(
                "SELECT i.name, i.product_id, SUM(i.qty) AS qty, MAX(i.price) AS price FROM "
                "order_items i JOIN orders o ON o.id = i.order_id WHERE o.status != 'canceled' "
                "GROUP BY i.product_id ORDER BY qty DESC, i.product_id LIMIT 5"
            ).fetchall(),
            new_customers=conn.execute(
                "SELECT * FROM customers ORDER BY id DESC LIMIT 5"
            ).fetchall(),
        )


@dataclass
class GridQuery:
    """An admin grid's filters: the SQL conditions, their parameters, and the chips the page
    shows for them (``(label, value shown, query parameter that removes it)``)."""

    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    shown: list[tuple[str, str, str]] = field(default_factory=list)

    def contains(
        self, text: str, columns: tuple[str, ...], label: str = "Keyword", param: str = "search"
    ) -> None:
        """Keep rows where any of ``columns`` contains ``text`` (nothing when it is empty)."""
        if not (text := text.strip()):
            return
        self.where.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns) + ")")
        self.params += [like(text)] * len(columns)
        self.shown.append((label, text, param))

    def require(self, condition: str, value: Any, label: str, shown: str, param: str) -> None:
        """Keep rows meeting ``condition``, SQL with one ``?`` that ``value`` fills."""
        self.where.append(condition)
        self.params.append(value)
        self.shown.append((label, shown, param))


@dataclass
class Grid:
    """One page of an admin grid."""

    rows: list[sqlite3.Row]
    total: int
    page: int
    pages: int


def admin_grid(
    request: Request, conn: sqlite3.Connection, select: str, query: GridQuery, order_by: str
) -> Grid:
    """The request's page (``p``) of ``select`` filtered by ``query``, ``ADMIN_PAGE_SIZE``
    rows a page."""
    clause = f" WHERE {' AND '.join(query.where)}" if query.where else ""
    total = conn.execute(f"SELECT COUNT(*) FROM ({select}{clause})", query.params).fetchone()[0]
    pages = max(1, math.ceil(total / ADMIN_PAGE_SIZE))
    page = min(max(1, to_int(request.query_params.get("p"), 1) or 1), pages)
    rows = conn.execute(
        f"{select}{clause} ORDER BY {order_by} LIMIT ? OFFSET ?",
        [*query.params, ADMIN_PAGE_SIZE, (page - 1) * ADMIN_PAGE_SIZE],
    ).fetchall()
    return Grid(rows, total, page, pages)


def like(text: str) -> str:
    """A LIKE pattern for "contains ``text``", its wildcards escaped (``ESCAPE '\\'``)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


ROUTES = [
    Route("/admin", admin_home, methods=["GET"]),
    Route("/admin/", admin_home, methods=["GET"]),
    Route("/admin/auth/login/", admin_login, methods=["POST"]),
    Route("/admin/auth/logout/", admin_logout, methods=["GET"]),
    Route("/admin/dashboard/", admin_dashboard, methods=["GET"]),
    Route("/admin/admin/dashboard/", admin_dashboard, methods=["GET"]),
]
