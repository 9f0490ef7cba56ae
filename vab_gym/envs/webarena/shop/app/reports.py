"""The admin's reports: the reports index, the Sales (orders), Shipping and Bestsellers
reports by day, month or year, and the Search Terms report.

Mirrors Magento's ``/admin/reports/``, ``/admin/reports/report_sales/sales/``,
``/admin/reports/report_sales/shipping/``, ``/admin/reports/report_sales/bestsellers/``
(filtered by ``from``/``to`` in Magento's ``2/1/23`` dates, ``period_type`` and
``order_statuses``) and ``/admin/search/term/report/``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..catalog import ORDER_STATUSES
from ..formats import short_date
from .admin import GridQuery, admin_grid
from .guards import admin_page
from .pages import render_admin
from .web import database, parse_date

PERIODS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def report_filter(request: Request) -> dict[str, Any]:
    """The report form's state: dates (shown back as Magento's ``2/1/23``), period, statuses."""
    q = request.query_params
    start, end = parse_date(q.get("from")), parse_date(q.get("to"))
    statuses = [s for s in q.getlist("order_statuses") if s in ORDER_STATUSES]
    return {
        "start": start,
        "end": end,
        "from": short_date(start) if start else q.get("from", ""),
        "to": short_date(end) if end else q.get("to", ""),
        "period": q.get("period_type") if q.get("period_type") in PERIODS else "day",
        "show_all": q.get("show_order_statuses", "0") != "1",
        "statuses": statuses,
        "submitted": "from" in q or "to" in q,
        "error": ("from" in q or "to" in q) and not (start and end),
    }


def report_orders(f: dict[str, Any], exclude_canceled: bool = False) -> tuple[str, list[Any]]:
    where = ["substr(o.created_at, 1, 10) BETWEEN ? AND ?"]
    params: list[Any] = [f["start"].isoformat(), f["end"].isoformat()]
    if not f["show_all"] and f["statuses"]:
        where.append(f"o.status IN ({','.join('?' * len(f['statuses']))})")
        params += f["statuses"]
    if exclude_canceled:
        where.append("o.status != 'canceled'")
    return " AND ".join(where), params


@admin_page
async def admin_reports(request: Request) -> Response:
    with database(request) as conn:
        return render_admin(request, conn, "reports.html")


@admin_page
async def admin_report_sales(request: Request) -> Response:
    """Sales (orders) and Shipping reports: totals per day, month or year."""
    kind = request.path_params["kind"]
    if kind not in ("sales", "shipping"):
        raise HTTPException(404)
    f = report_filter(request)
    rows: list[sqlite3.Row] = []
    with database(request) as conn:
        if f["submitted"] and not f["error"]:
            where, params = report_orders(f)
            period = f"strftime('{PERIODS[f['period']]}', o.created_at)"
            if kind == "sales":
                rows = conn.execute(
                    f"SELECT {period} AS period, COUNT(*) AS orders, SUM(o.total_qty) AS items, "
                    "ROUND(SUM(o.subtotal), 2) AS subtotal, ROUND(SUM(o.shipping_amount), 2) "
                    "AS shipping, ROUND(SUM(o.discount_amount), 2) AS discount, "
                    "ROUND(SUM(o.grand_total), 2) AS total, "
                    "ROUND(SUM(CASE WHEN o.status = 'canceled' THEN o.grand_total ELSE 0 END), "
                    f"2) AS canceled FROM orders o WHERE {where} GROUP BY 1 ORDER BY 1",
                    params,
                ).fetchall()
            else:
                rows = conn.execute(
                    f"SELECT {period} AS period, o.shipping_method AS carrier, COUNT(*) AS "
                    "orders, ROUND(SUM(o.shipping_amount), 2) AS shipping FROM orders o "
                    f"WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2",
                    params,
                ).fetchall()
        return render_admin(request, conn, f"report_{kind}.html", f=f, rows=rows, periods=PERIODS)


@admin_page
async def admin_report_bestsellers(request: Request) -> Response:
    f = report_filter(request)
    rows: list[dict] = []
    with database(request) as conn:
        if f["submitted"] and not f["error"]:
            where, params = report_orders(f, exclude_canceled=True)
            period = f"strftime('{PERIODS[f['period']]}', o.created_at)"
            ranked = conn.execute(
                f"SELECT {period} AS period, i.product_id, MAX(i.name) AS name, "
                "MAX(i.sku) AS sku, MAX(i.price) AS price, SUM(i.qty) AS qty FROM order_items "
                f"i JOIN orders o ON o.id = i.order_id WHERE {where} GROUP BY 1, 2 "
                "ORDER BY 1, qty DESC, MAX(i.price) DESC, i.product_id",
                params,
            ).fetchall()
            rank: dict[str, int] = {}
            for row in ranked:
                rank[row["period"]] = rank.get(row["period"], 0) + 1
                if rank[row["period"]] <= 10:
                    rows.append({**dict(row), "rank": rank[row["period"]]})
        return render_admin(
            request, conn, "report_bestsellers.html", f=f, rows=rows, periods=PERIODS
        )


@admin_page
async def admin_search_terms(request: Request) -> Response:
    query = GridQuery()
    query.contains(request.query_params.get("search", ""), ("query_text",), "Search Query")
    with database(request) as conn:
        grid = admin_grid(request, conn, "SELECT * FROM search_terms", query, "popularity DESC, id")
        return render_admin(request, conn, "search_terms.html", grid=grid, filters=query.shown)


ROUTES = [
    Route("/admin/reports/", admin_reports, methods=["GET"]),
    Route("/admin/reports/report_sales/bestsellers/", admin_report_bestsellers, methods=["GET"]),
    Route("/admin/reports/report_sales/{kind:str}/", admin_report_sales, methods=["GET"]),
    Route("/admin/search/term/report/", admin_search_terms, methods=["GET"]),
]
