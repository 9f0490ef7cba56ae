"""Who may see a page: the storefront's signed-in customer pages and the admin panel.

Both are decorators around a handler, so each page states its audience once instead of
repeating the session check. They mirror Magento: a customer page redirects to the sign-in
page (which comes back afterwards); an admin page shows the admin sign-in form in place.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from vab_gym.core.webapp import redirect

from .pages import customer_of
from .web import database

Handler = Callable[[Request], Awaitable[Response]]
CustomerHandler = Callable[[Request, sqlite3.Connection, sqlite3.Row], Awaitable[Response]]


def customer_page(handler: CustomerHandler) -> Handler:
    """Run ``handler(request, conn, customer)`` for the signed-in customer, inside the
    request's database transaction; anyone else is sent to sign in and come back here."""

    @functools.wraps(handler)
    async def page(request: Request) -> Response:
        with database(request) as conn:
            customer = customer_of(request, conn)
            if customer is None:
                request.session.pop("customer_id", None)
                return redirect(
                    "/customer/account/login/?" + urlencode({"referer": request.url.path})
                )
            return await handler(request, conn, customer)

    return page


def admin_page(handler: Handler) -> Handler:
    """Run ``handler`` once an admin is signed in; until then the page's URL shows the
    admin sign-in form, which posts back to this URL (Magento's behaviour)."""

    @functools.wraps(handler)
    async def page(request: Request) -> Response:
        if request.session.get("admin_id") is not None:
            return await handler(request)
        templates = request.app.state.templates
        return templates.TemplateResponse(
            request,
            "admin/login.html",
            {
                "next": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
                "messages": request.session.pop("messages", []),
            },
        )

    return page
