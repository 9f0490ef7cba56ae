"""What every part of the shop's web app shares about a request: its database connection,
the store's clock, flash messages, and reading the values a form or query string sends."""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from vab_gym.core.webapp import request_database

from .. import catalog
from ..catalog import TODAY


def shop_now() -> dt.datetime:
    """The store's clock: its fixed 'today' with the real time of day, so new orders and
    reviews sort after the seeded history (which ends the day before)."""
    return dt.datetime.combine(TODAY, dt.datetime.now().time().replace(microsecond=0))


def database(request: Request) -> AbstractContextManager[sqlite3.Connection]:
    """One connection per request, committed on success."""
    return request_database(request, catalog.connect)


def flash(request: Request, text: str, kind: str = "success") -> None:
    request.session.setdefault("messages", []).append([kind, text])


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


def to_int(value: Any, default: int | None = None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def to_money(value: Any) -> float | None:
    try:
        number = round(float(str(value).replace("$", "").replace(",", "").strip()), 2)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def parse_date(text: str | None) -> dt.date | None:
    """Admin report dates as Magento shows them (``2/1/23``) or ISO (``2023-02-01``)."""
    if not text:
        return None
    for fmt in ("%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def query_url(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters changed (``None`` drops one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return request.url.path + ("?" + urlencode(params) if params else "")
