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

from vab_gym.core.errors import BackendUnavailable

SITE_VARIABLES = {
    "shopping": "WA_SHOPPING",
    "shopping_admin": "WA_SHOPPING_ADMIN",
    "reddit": "WA_REDDIT",
    "gitlab": "WA_GITLAB",
    "map": "WA_MAP",
    "wikipedia": "WA_WIKIPEDIA",
    "homepage": "WA_HOMEPAGE",
}


class SiteUnavailable(BackendUnavailable):
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
    "shopping": Login(
        "/customer/account/login/",
        ("get_by_label", "Email"),
        ("get_by_label", "Password"),
        "Sign In",
    ),
    "shopping_admin": Login(
        "", ("get_by_placeholder", "user name"), ("get_by_placeholder", "password"), "Sign in"
    ),
    "reddit": Login("/login", ("get_by_label", "Username"), ("get_by_label", "Password"), "Log in"),
    "gitlab": Login(
        "/users/sign_in",
        ("get_by_test_id", "username-field"),
        ("get_by_test_id", "password-field"),
        "Sign in",
    ),
}
# WebArena's accounts on its Docker sites (VisualWebArena's browser_env/env_config.py:
# ACCOUNTS, which VAB-WebArena-Lite uses).
WEBARENA_ACCOUNTS = {
    "shopping": ("emma.lopez@gmail.com", "Password.123"),
    "shopping_admin": ("admin", "admin1234"),
    "reddit": ("MarvelsGrantMan136", "test1234"),
    "gitlab": ("byteblaze", "hello1234"),
}
# VAB logs in the sites its ``storage_state`` file names (run.py: auto_login.py with
# get_site_comb_from_filepath). In test_webarena_lite.raw.json that is every site of the
# task with a log-in, except these two: task 144 (shopping + reddit) has
# reddit_state.json, task 158 (map + shopping_admin) has none.
STORAGE_STATE_SITES = {"wal-test-144": ("reddit",), "wal-test-158": ()}
# VAB's names for the sites in prompts (VisualWebArena's env_config.py: URL_MAPPINGS).
URL_ALIASES = {
    "reddit": "http://reddit.com",
    "shopping": "http://onestopmarket.com",
    "shopping_admin": "http://luma.com/admin",
    "gitlab": "http://gitlab.com",
    "wikipedia": "http://wikipedia.org",
    "map": "http://openstreetmap.org",
    "homepage": "http://homepage.com",
}
# Hosts the browser may reach besides the task's sites, comma-separated host[:port]
# (WebArena's map page loads tiles from :8080, Nominatim :8085 and OSRM :5000-5002).
EXTRA_HOSTS_VARIABLE = "WA_EXTRA_HOSTS"


def login_sites(task_id: str, sites: list[str]) -> list[str]:
    """The sites VAB's storage_state logs in for this task."""
    return list(STORAGE_STATE_SITES.get(task_id, sites))


def to_alias(url: str, urls: dict[str, str]) -> str:
    """A site URL as VAB shows it (prompt_constructor.py:map_url_to_real); the longest
    configured URL first, so the shop's admin (base + /admin) is not read as the shop."""
    for site, real in sorted(urls.items(), key=lambda item: -len(item[1])):
        if site in URL_ALIASES and real in url:
            url = url.replace(real, URL_ALIASES[site])
    return url


def from_alias(text: str, urls: dict[str, str]) -> str:
    """VAB's map_url_to_local on a reply: each alias (and its https form) -> the site's URL."""
    for site, real in urls.items():
        alias = URL_ALIASES.get(site)
        if alias is None:
            continue
        text = text.replace(alias, real).replace(alias.replace("http", "https"), real)
    return text


def allowed_extra_hosts(configured: tuple[str, ...] = ()) -> tuple[str, ...]:
    """``configured`` plus the hosts in $WA_EXTRA_HOSTS."""
    listed = os.environ.get(EXTRA_HOSTS_VARIABLE, "")
    return tuple(configured) + tuple(h.strip() for h in listed.split(",") if h.strip())


def webarena_hosts() -> list[str]:
    """The hosts of the WebArena sites configured in the environment."""
    return [host_of(os.environ[v]) for v in SITE_VARIABLES.values() if os.environ.get(v)]


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
