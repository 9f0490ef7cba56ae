"""Request helpers shared by the suite's local web apps (the WebArena shop, the phone)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse


@contextmanager
def request_database(
    request: Request,
    connect: Callable[[str | Path], sqlite3.Connection],
) -> Iterator[sqlite3.Connection]:
    """One connection per request to the app's ``state.db_path``, committed on success (so
    a server can swap the database under the app between requests)."""
    conn = connect(request.app.state.db_path)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def redirect(url: str) -> RedirectResponse:
    """See Other: the answer to a posted form."""
    return RedirectResponse(url, status_code=303)


def local_path(target: str | None, default: str) -> str:
    """``target`` if it is a path of this site, else ``default`` (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default
