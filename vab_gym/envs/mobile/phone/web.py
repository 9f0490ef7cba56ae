"""What every screen of the phone's apps uses: the request's database, templates, redirects
and form reading.

Each request opens its own SQLite connection, so the server can swap the database under it
at reset. Templates are found in ``phone/templates`` (the launcher, Clock, Contacts, the
shared ``base.html`` and ``macros.html``) and, as ``<key>/<name>.html``, in each app
package's ``templates`` folder (:mod:`vab_gym.envs.mobile.apps`).
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from vab_gym.core.webapp import local_path, redirect, request_database
from vab_gym.envs.mobile.phone import formats, seed

__all__ = [
    "database",
    "local_path",
    "page",
    "picked_minutes",
    "put_setting",
    "redirect",
    "setting",
    "templates",
    "to_int",
    "url_with",
]
HERE = Path(__file__).parent


def database(request: Request) -> AbstractContextManager[sqlite3.Connection]:
    """One connection per request, committed on success."""
    return request_database(request, seed.connect)


def url_with(path: str, **params: Any) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(kept) if kept else "")


@cache
def templates() -> Jinja2Templates:
    from vab_gym.envs.mobile.apps import installed

    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(HERE / "templates"),
            jinja2.PrefixLoader(
                {app.key: jinja2.FileSystemLoader(app.folder / "templates") for app in installed()}
            ),
        ]
    )
    env = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape())
    env.filters.update(
        clock_time=formats.clock_time, phone=formats.phone_number, long_date=formats.long_date
    )
    env.globals.update(NOW=seed.NOW, DAYS=seed.DAYS, DAY_NAMES=seed.DAY_NAMES, url_with=url_with)
    return Jinja2Templates(env=env)


def page(request: Request, name: str, **context: Any) -> Response:
    """The screen rendered from template ``name``."""
    return templates().TemplateResponse(request, name, context)


def to_int(value: Any, default: int = 0) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def setting(conn: sqlite3.Connection, app: str, key: str) -> str:
    row = conn.execute(
        "SELECT value FROM settings WHERE app = ? AND key = ?", (app, key)
    ).fetchone()
    return row["value"] if row else ""


def put_setting(conn: sqlite3.Connection, app: str, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?, ?)", (app, key, value))


def picked_minutes(form: FormData) -> int | None:
    """The time of a time-picker dialog (hour 1-12, minute 0-59, AM/PM), or None."""
    hour, minute = to_int(form.get("hour"), -1), to_int(form.get("minute"), -1)
    if not (1 <= hour <= 12 and 0 <= minute <= 59):
        return None
    return (hour % 12 + (12 if form.get("ampm") == "PM" else 0)) * 60 + minute
