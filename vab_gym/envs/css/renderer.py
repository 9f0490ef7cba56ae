"""A static site rendered in Chromium, its stylesheet replaceable in place.

The site is served by the env itself from its folder (no server process): requests to
``SITE_ORIGIN`` are answered from disk, the edited stylesheet from memory, 127.0.0.1 is
let through, ``https://HOST/PATH`` is answered from ``assets/HOST/PATH`` when the caller
gave an assets folder holding that file (local copies of CDN stylesheets and web fonts),
and everything else is blocked. Stylesheet edits go through the DevTools protocol
(``CSS.setStyleSheetText``), which restyles the page without reloading it. Every capture
shows the page at rest (:mod:`vab_gym.envs.css.at_rest`).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
import math
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import numpy as np
from PIL import Image

from vab_gym.core.browser import BrowserUnavailable, ChromiumProcess, is_local
from vab_gym.core.images import fit
from vab_gym.envs.css import at_rest

SITE_ORIGIN = "http://site.vab-css.invalid"
VIEWPORT = {"width": 1280, "height": 720}  # VAB's default Playwright viewport
MAX_PAGE_HEIGHT = 16_384  # Chromium's largest capture; taller pages are cut
# An asset without a known suffix (``/css?family=...``) gets the type its request expects.
_TYPE_BY_RESOURCE = {"stylesheet": "text/css", "script": "text/javascript"}


@dataclass
class Shot:
    """A full-page screenshot: PNG bytes and the page size it shows."""

    png: bytes
    width: int
    height: int

    def array(self) -> np.ndarray:
        return np.asarray(Image.open(io.BytesIO(self.png)).convert("RGB"))


@dataclass
class _Page:
    context: Any
    page: Any
    cdp: Any
    sheet_id: str
    blocked: list[str] = field(default_factory=list)


class SiteRenderer:
    """One open site in one browser context. All calls run on the Chromium thread."""

    _assets: Path | None = None  # local copies of the site's outside requests (see open)

    def __init__(self, chromium: ChromiumProcess) -> None:
        self.chromium = chromium
        self._page: _Page | None = None
        self._site: tuple[Path, str] | None = None
        self._css = ""
        # The page is static between CSS changes, so its full-page shot (the judge's, the
        # model view's, the frozen turn images') is taken once per change, not per caller.
        self._full: Shot | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def open(
        self, site_dir: Path, css_file: str, css_text: str, *, assets: Path | None = None
    ) -> None:
        """Open ``site_dir/index.html`` in a fresh context with ``css_file`` as ``css_text``;
        requests outside the site are answered from ``assets/HOST/PATH`` when it exists."""
        self._site = (site_dir.resolve(), css_file)
        self._assets = assets.resolve() if assets is not None else None
        self._css = css_text
        self._call(lambda page: None, reopen=True)

    def shows(self, site_dir: Path, css_file: str, assets: Path | None = None) -> bool:
        """Whether ``site_dir`` with ``css_file`` (and ``assets``) is the page open now, so
        that :meth:`set_css` is all it takes to show it with another stylesheet text."""
        return (
            self._page is not None
            and self._site == (site_dir.resolve(), css_file)
            and self._assets == (assets.resolve() if assets is not None else None)
        )

    def close(self) -> None:
        if self._page is not None:
            with contextlib.suppress(Exception):  # the browser may be gone already
                self.chromium.run(lambda _browser: self._discard())
            self._page = None

    @property
    def blocked(self) -> list[str]:
        """URLs the page tried to reach and was refused, oldest first."""
        return list(self._page.blocked) if self._page else []

    # -- actions --------------------------------------------------------------------------
    def set_css(self, css_text: str) -> None:
        self._css = css_text
        self._full = None
        self._call(
            lambda p: p.cdp.send(
                "CSS.setStyleSheetText", {"styleSheetId": p.sheet_id, "text": css_text}
            )
        )

    def full_page(self) -> Shot:
        """The full page at its own size (what VAB's judge compares)."""
        if self._full is None:
            self._full = self._call(lambda p: self._capture(p, None))
        return self._full

    def fitted(self, height: int, width: int) -> np.ndarray:
        """The full page scaled (by Chromium, without distortion) into ``height x width``,
        padded with grey."""
        shot = self._call(lambda p: self._capture(p, (height, width)))
        return fit(shot.array(), (height, width))

    def areas(self, selectors: list[str]) -> list[float]:
        """The share of the page each selector's elements cover (0 for a bad selector)."""
        return self._call(lambda p: p.page.evaluate(_AREAS_JS, selectors))

    def media_matches(self, queries: list[str]) -> list[bool]:
        """Whether each media query applies to the open page, as the browser decides
        (``matchMedia``); a query it cannot read applies nowhere."""
        return self._call(lambda p: p.page.evaluate(_MEDIA_JS, queries))

    def applying(self, queries: list[str]) -> frozenset[str]:
        """The ``queries`` that apply to the open page (:meth:`media_matches`)."""
        if not queries:
            return frozenset()
        return frozenset(
            q for q, ok in zip(queries, self.media_matches(queries), strict=True) if ok
        )

    # -- internals ------------------------------------------------------------------------
    def _call(self, fn, *, reopen: bool = False):
        """Run ``fn(page)`` on the Chromium thread. The site is reopened (a new context at
        the current CSS) when asked, when the browser is a new one (the old one crashed or
        hung), and once more after a failed call (e.g. the page's renderer crashed: its
        context is closed at once, since a crashed page's DevTools session never answers).
        Only this renderer's context is replaced: other envs on a shared browser keep theirs.
        """

        def attempt(browser):
            page = self._page
            if page is not None and (
                reopen or page.context.browser is not browser or page.page.is_closed()
            ):
                if page.context.browser is browser:
                    self._discard()  # a live browser's context: close it
                self._page = None  # a dead browser's context: nothing to close
            if self._page is None:
                self._open(browser)
                context = self._page.context
                self._page.page.on("crash", lambda _page: close_quietly(context))
            return fn(self._page)

        try:
            return self.chromium.run(attempt)
        except BrowserUnavailable:
            raise
        except Exception:
            reopen = True
            return self.chromium.run(attempt)

    def _open(self, browser) -> None:
        assert self._site is not None
        self._full = None
        self._discard()
        site_dir, css_file = self._site
        context = browser.new_context(
            viewport=VIEWPORT,
            service_workers="block",
            java_script_enabled=True,
            timezone_id="UTC",
            locale="en-US",
        )
        blocked: list[str] = []
        context.route("**/*", lambda route: self._serve(route, site_dir, css_file, blocked))
        # Before the clock: the init script keeps the browser's own timers for captures.
        context.add_init_script(at_rest.init_script(at_rest.seed_for(site_dir.name)))
        page = context.new_page()
        page.clock.install(time=at_rest.FROZEN_TIME)
        page.clock.pause_at(at_rest.FROZEN_TIME + dt.timedelta(seconds=1))
        page.goto(f"{SITE_ORIGIN}/index.html", wait_until="load")
        page.clock.run_for(at_rest.SETTLE_MS)
        cdp = context.new_cdp_session(page)
        sheets: list[dict[str, Any]] = []
        cdp.on("CSS.styleSheetAdded", lambda event: sheets.append(event["header"]))
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        css_url = f"{SITE_ORIGIN}/{css_file}"
        sheet = next((s for s in sheets if s.get("sourceURL") == css_url), None)
        if sheet is None:
            context.close()
            raise RuntimeError(f"index.html does not load the stylesheet {css_file!r}")
        self._page = _Page(context, page, cdp, sheet["styleSheetId"], blocked)

    def _discard(self) -> None:
        if self._page is not None:
            with contextlib.suppress(Exception):
                self._page.context.close()
            self._page = None

    def _serve(self, route, site_dir: Path, css_file: str, blocked: list[str]) -> None:
        url = route.request.url
        if url.startswith(SITE_ORIGIN + "/"):
            rel = unquote(urlsplit(url).path.lstrip("/")) or "index.html"
            if rel == css_file:
                route.fulfill(body=self._css, content_type="text/css; charset=utf-8")
                return
            path = (site_dir / rel).resolve()
            if path.is_relative_to(site_dir) and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                route.fulfill(body=path.read_bytes(), content_type=kind)
            else:
                route.fulfill(status=404, body="not found")
        elif is_local(url):
            route.continue_()
        elif (asset := self._asset(url)) is not None:
            kind = (
                mimetypes.guess_type(asset.name)[0]
                or _TYPE_BY_RESOURCE.get(route.request.resource_type)
                or "application/octet-stream"
            )
            # Playwright adds the CORS header a cross-origin font needs (tested).
            route.fulfill(body=asset.read_bytes(), content_type=kind)
        else:
            blocked.append(url[:200])
            route.abort("blockedbyclient")

    def _asset(self, url: str) -> Path | None:
        """The local copy of ``http(s)://HOST/PATH``: ``assets/HOST/PATH`` (a path ending
        in ``/`` names its ``index.html``), or None."""
        parts = urlsplit(url)
        if self._assets is None or parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        rel = unquote(parts.path).lstrip("/")
        if not rel or rel.endswith("/"):
            rel += "index.html"
        path = (self._assets / parts.hostname / rel).resolve()
        return path if path.is_relative_to(self._assets) and path.is_file() else None

    @staticmethod
    def _capture(p: _Page, fit_to: tuple[int, int] | None) -> Shot:
        """The page at rest (one evaluate: it waits, stops motion and measures the page, as
        Playwright's ``full_page`` does), then one capture."""
        size = p.page.evaluate(at_rest.SETTLE_JS, at_rest.WAIT_CAP_MS)
        width = max(math.ceil(size["width"]), VIEWPORT["width"])
        height = min(max(math.ceil(size["height"]), VIEWPORT["height"]), MAX_PAGE_HEIGHT)
        scale = 1.0 if fit_to is None else min(fit_to[0] / height, fit_to[1] / width)
        data = p.cdp.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "optimizeForSpeed": True,
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": scale},
            },
        )["data"]
        return Shot(base64.b64decode(data), width, height)


_AREAS_JS = """(selectors) => {
  const doc = document.documentElement;
  const page = Math.max(1, doc.scrollWidth * doc.scrollHeight);
  return selectors.map((selector) => {
    let area = 0;
    try {
      for (const el of document.querySelectorAll(selector)) {
        const r = el.getBoundingClientRect();
        area += r.width * r.height;
      }
    } catch (e) { return 0; }
    return Math.min(1, area / page);
  });
}"""


_MEDIA_JS = "(queries) => queries.map((query) => window.matchMedia(query).matches)"


def close_quietly(context: Any) -> None:
    """Close a browser context that may be gone already."""
    with contextlib.suppress(Exception):
        context.close()
