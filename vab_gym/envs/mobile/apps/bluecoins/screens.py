"""Bluecoins' screens: the transaction list by day, week, month or all, and the
new/edit-transaction form AndroidLab's judges read (type, "+"/"-" sign, amount beside "CNY",
date "May 11, 2024", the item field "Payee or item purchased" / "Name of income", "Notes").

The form keeps the transaction being written in the page; its date and category rows post
it back and get it again with their dialog open (as the contact form's "Add phone" does).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.envs.mobile.apps.bluecoins import data
from vab_gym.envs.mobile.phone import formats
from vab_gym.envs.mobile.phone.web import database, page, redirect, to_int, url_with

PERIODS = ("day", "week", "month", "all")


def _day(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return data.TODAY


def _span(period: str, day: dt.date) -> tuple[dt.date, dt.date, str, dt.date, dt.date]:
    """First and last day of the period around ``day``, its title, the previous and next."""
    if period == "day":
        step = dt.timedelta(days=1)
        return day, day, formats.long_date(day.isoformat()), day - step, day + step
    if period == "week":
        first, last = data.week_of(day)
        week = dt.timedelta(days=7)
        return (
            first,
            last,
            f"{first:%b} {first.day} – {last:%b} {last.day}, {last.year}",
            first - week,
            first + week,
        )
    first = day.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return (
        first,
        last,
        f"{first:%B %Y}",
        (first - dt.timedelta(days=1)).replace(day=1),
        last + dt.timedelta(days=1),
    )


async def transactions(request: Request) -> Response:
    q = request.query_params
    period = q.get("period", "month") if q.get("period") in PERIODS else "month"
    day = _day(q.get("day", ""))
    first, last, title, previous, following = _span(period, day)
    with database(request) as conn:
        where, args = (
            ("", ())
            if period == "all"
            else ("WHERE day BETWEEN ? AND ?", (first.isoformat(), last.isoformat()))
        )
        rows = [
            dict(r)
            for r in conn.execute(
                f"SELECT * FROM transactions {where} ORDER BY day DESC, id DESC", args
            )
        ]
    groups: list[dict[str, Any]] = []
    for row in rows:
        row["date_text"] = formats.long_date(row["day"])
        row["shown"] = ("-" if row["type"] == "expense" else "+") + data.money(row["cents"])
        if not groups or groups[-1]["day"] != row["day"]:
            weekday = dt.date.fromisoformat(row["day"]).strftime("%A")
            groups.append(
                {"day": row["day"], "title": f"{weekday}, {row['date_text']}", "rows": [], "net": 0}
            )
        groups[-1]["rows"].append(row)
        groups[-1]["net"] += row["cents"] if row["type"] == "income" else -row["cents"]
    totals = {t: sum(r["cents"] for r in rows if r["type"] == t) for t in data.TYPES}
    for group in groups:
        group["net_text"] = ("-" if group["net"] < 0 else "+") + data.money(abs(group["net"]))
    return page(
        request,
        "bluecoins/transactions.html",
        period=period,
        periods=PERIODS,
        day=day,
        title=title,
        groups=groups,
        currency=data.CURRENCY,
        expense=data.money(totals["expense"]),
        income=data.money(totals["income"]),
        previous=url_with("/bluecoins/transactions", period=period, day=previous),
        following=url_with("/bluecoins/transactions", period=period, day=following),
        menu=q.get("menu") == "1",
    )


def _blank(kind: str) -> dict[str, Any]:
    kind = kind if kind in data.TYPES else "expense"
    return {
        "id": 0,
        "type": kind,
        "amount": "",
        "day": data.TODAY.isoformat(),
        "category": data.CATEGORIES[kind][0],
        "item": "",
        "notes": "",
    }


async def new(request: Request) -> Response:
    return _form(request, _blank(request.query_params.get("type", "expense")))


async def edit(request: Request) -> Response:
    with database(request) as conn:
        row = conn.execute(
            "SELECT * FROM transactions WHERE id = ?", (to_int(request.path_params["id"]),)
        ).fetchone()
    if row is None:
        return redirect("/bluecoins/transactions")
    record = dict(row)
    record["amount"] = data.plain_amount(record["cents"])
    return _form(request, record)


def _form(request: Request, record: dict[str, Any], dialog: str = "", error: str = "") -> Response:
    return page(
        request,
        "bluecoins/form.html",
        record=record,
        dialog=dialog,
        error=error,
        types=data.TYPES,
        categories=data.CATEGORIES[record["type"]],
        currency=data.CURRENCY,
        item_hint=data.ITEM_HINTS[record["type"]],
        date_text=formats.long_date(record["day"]),
    )


def _draft(form: FormData) -> dict[str, Any]:
    kind = str(form.get("type", "expense"))
    kind = kind if kind in data.TYPES else "expense"
    category = str(form.get("category", ""))
    return {
        "id": to_int(form.get("id")),
        "type": kind,
        "amount": str(form.get("amount", "")),
        "day": _day(form.get("day")).isoformat(),
        "category": category if category in data.CATEGORIES[kind] else data.CATEGORIES[kind][0],
        "item": str(form.get("item", "")),
        "notes": str(form.get("notes", "")),
    }


async def submit(request: Request) -> Response:
    """Every button of the form: ``open:<dialog>``, a dialog's choice, the type, ``save``."""
    form = await request.form()
    record = _draft(form)
    action, _, arg = str(form.get("action", "")).partition(":")
    if action == "open":
        return _form(request, record, dialog=arg)
    if action == "date":
        picked = formats.parse_date(str(form.get("date_text", "")))
        if picked is None:
            return _form(request, record, dialog="date", error="Invalid date")
        record["day"] = picked
    elif action in ("type", "sign"):
        record["type"] = (
            arg
            if action == "type" and arg in data.TYPES
            else ("income" if record["type"] == "expense" else "expense")
        )
        if record["category"] not in data.CATEGORIES[record["type"]]:
            record["category"] = data.CATEGORIES[record["type"]][0]
    elif action == "category" and arg in data.CATEGORIES[record["type"]]:
        record["category"] = arg
    elif action == "delete" and record["id"]:
        with database(request) as conn:
            conn.execute("DELETE FROM transactions WHERE id = ?", (record["id"],))
        return redirect("/bluecoins/transactions")
    elif action == "save":
        cents = data.parse_cents(record["amount"])
        if not cents:
            return _form(request, record, error="Enter an amount")
        values = (
            record["day"],
            record["type"],
            cents,
            record["category"],
            record["item"].strip(),
            record["notes"].strip(),
        )
        with database(request) as conn:
            if record["id"]:
                conn.execute(
                    "UPDATE transactions SET day = ?, type = ?, cents = ?, category = ?,"
                    " item = ?, notes = ? WHERE id = ?",
                    (*values, record["id"]),
                )
            else:
                conn.execute(
                    "INSERT INTO transactions (day, type, cents, category, item, notes)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    values,
                )
        return redirect(url_with("/bluecoins/transactions", period="day", day=record["day"]))
    return _form(request, record)


def routes() -> list[Route]:
    return [
        Route("/bluecoins", lambda request: redirect("/bluecoins/transactions")),
        Route("/bluecoins/transactions", transactions),
        Route("/bluecoins/new", new),
        Route("/bluecoins/form", submit, methods=["POST"]),
        Route("/bluecoins/t/{id:int}", edit),
    ]
