"""Where a task's websites are, and how the env logs into them.

Backend ``local`` serves the shop (and its admin panel) itself; backend ``webarena`` reads
the sites' URLs from the environment variables WebArena and BrowserGym use. Log-ins follow
WebArena's ``auto_login.py``: the same pages, fields and buttons.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

SITE_VARIABLES = {
    "shopping": "WA_SHOPPING",
    "shopping_admin": "WA_SHOPPING_ADMIN",
    "reddit": "WA_REDDIT",
    "gitlab": "WA_GITLAB",
    "map": "WA_MAP",
    "wikipedia": "WA_WIKIPEDIA",
    "homepage": "WA_HOMEPAGE",
}


class SiteUnavailable(RuntimeError):
    """A task's website is not configured or does not answer."""


@dataclass(frozen=True)
class Login:
    """WebArena's log-in for one site: a page, two fields found by label/placeholder, a button."""

    path: str
    user_field: tuple[str, str]  # (Playwright getter, its argument)
    password_field: tuple[str, str]
    button: str

    def perform(self, page: Any, base_url: str, user: str, password: str) -> None:
        page.goto(base_url.rstrip("/") + self.path)
        _field(page, self.user_field).fill(user)
        _field(page, self.password_field).fill(password)
        page.get_by_role("button", name=self.button).click()
        page.wait_for_load_state()


def _field(page: Any, spec: tuple[str, str]) -> Any:
    getter, argument = spec
    return getattr(page, getter)(argument)


LOGINS = {
    "shopping": Login("/customer/account/login/", ("get_by_label", "Email"),
                      ("get_by_label", "Password"), "Sign In"),
    "shopping_admin": Login("", ("get_by_placeholder", "user name"),
                            ("get_by_placeholder", "password"), "Sign in"),
    "reddit": Login("/login", ("get_by_label", "Username"), ("get_by_label", "Password"),
                    "Log in"),
    "gitlab": Login("/users/sign_in", ("get_by_test_id", "username-field"),
                    ("get_by_test_id", "password-field"), "Sign in"),
}
# WebArena's accounts on its Docker sites.
WEBARENA_ACCOUNTS = {
    "shopping": ("emma.lopez@gmail.com", "Password.123"),
    "shopping_admin": ("admin", "admin1234"),
    "reddit": ("MarvelsGrandpa", "test1234"),
    "gitlab": ("byteblaze", "hello1234"),
}


def webarena_urls(sites: list[str]) -> dict[str, str]:
    """The URLs of ``sites`` from the environment; a clear error naming what is missing."""
    urls = {}
    for site in sites:
        variable = SITE_VARIABLES.get(site)
        if variable is None:
            raise SiteUnavailable(f"unknown WebArena site {site!r}")
        value = os.environ.get(variable)
        if not value:
            raise SiteUnavailable(
                f"this task needs the WebArena site {site!r}: set {variable} to its URL "
                f"(e.g. {variable}=http://localhost:7770), or use backend='local'"
            )
        urls[site] = value.rstrip("/")
    return urls


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or "")
