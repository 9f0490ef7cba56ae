"""The page at rest: what makes two screenshots of an unchanged page the same pixels.

A page is captured mid-change when something moves on its own: a CSS transition started
by an edit (or by the page's script on load), a keyframe animation, a script timer, a
blinking caret, a web font or an image still loading, ``Date`` or ``Math.random`` in the
page's output. The judge then measures motion instead of the agent's CSS (an admin
dashboard with ``transition: margin .5s`` measured 0.28 against itself). Three pieces:

- :func:`init_script`, run in every document before the page's own scripts: seeds
  ``Math.random`` (per site, so the target and the broken page draw the same numbers),
  makes ``loading="lazy"`` images and frames eager (the full-page capture scrolls nothing,
  so lazy ones would never load), hides the caret (Playwright's ``caret="hide"``), and
  keeps the browser's own timers for :data:`SETTLE_JS`;
- Playwright's fake clock (installed by the renderer, paused at :data:`FROZEN_TIME`):
  ``Date``, ``performance.now``, timers and ``requestAnimationFrame`` run only when the
  renderer advances them, once, by :data:`SETTLE_MS` after the page loads;
- :data:`SETTLE_JS`, run before every capture: waits for web fonts and images (at most
  ``cap_ms``), then does what Playwright's ``animations="disabled"`` does: finite
  animations and transitions jump to their end, infinite ones are cancelled (their start).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

FROZEN_TIME = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)  # what Date says on every page
SETTLE_MS = 1000  # fake time the page's timers get after load (jQuery's ready, etc.)
WAIT_CAP_MS = 5000  # longest real wait for fonts and images before a capture
_NATIVE = "__vabNative"  # where the init script keeps the browser's own timers


def seed_for(site_name: str) -> int:
    """The ``Math.random`` seed of a site: from its folder name, the same on every machine."""
    return int.from_bytes(hashlib.sha256(site_name.encode("utf-8")).digest()[:4], "big")


def init_script(seed: int) -> str:
    """The script every document of the site runs first (see the module docstring)."""
    return _INIT_JS.replace("__SEED__", json.dumps(seed)).replace("__NATIVE__", _NATIVE)


_INIT_JS = """(() => {
  const native = {
    setTimeout: window.setTimeout.bind(window),
    clearTimeout: window.clearTimeout.bind(window),
    requestAnimationFrame: window.requestAnimationFrame.bind(window),
  };
  Object.defineProperty(window, "__NATIVE__", {value: native});

  let state = __SEED__ >>> 0;  // mulberry32: small, fast, and the same in every Chromium
  Math.random = function random() {
    state = (state + 0x6D2B79F5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const eager = (root) => {
    if (root.querySelectorAll) {
      for (const el of root.querySelectorAll("[loading=lazy]")) el.setAttribute("loading", "eager");
    }
  };
  new MutationObserver((records) => {
    for (const record of records) {
      const nodes = record.type === "attributes" ? [record.target] : record.addedNodes;
      for (const node of nodes) {
        if (node.nodeType !== 1) continue;
        if (node.getAttribute("loading") === "lazy") node.setAttribute("loading", "eager");
        eager(node);
      }
    }
  }).observe(document, {childList: true, subtree: true, attributes: true,
                        attributeFilter: ["loading"]});

  // Three ids in :not() outweigh any selector of the page short of inline !important.
  const caret = new CSSStyleSheet();
  caret.replaceSync("*:not(#vab-a#vab-b#vab-c) { caret-color: transparent !important; }");
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, caret];
})();"""

SETTLE_JS = (
    """async (capMs) => {
  const native = window."""
    + _NATIVE
    + """ || window;
  const doc = document.documentElement;
  for (const el of document.querySelectorAll("[loading=lazy]")) el.setAttribute("loading", "eager");
  let timer;
  const cap = new Promise((resolve) => { timer = native.setTimeout(resolve, capMs); });
  for (let round = 0; round < 3; round++) {  // a font swap can ask for more fonts
    doc.getBoundingClientRect();  // style and layout now: starts the loads the CSS needs
    const loads = [...document.images].filter((img) => !img.complete).map((img) =>
      new Promise((resolve) => {
        img.addEventListener("load", resolve, {once: true});
        img.addEventListener("error", resolve, {once: true});
      }));
    if (!loads.length && document.fonts.status === "loaded") break;
    await Promise.race([Promise.all([document.fonts.ready, ...loads]), cap]);
  }
  native.clearTimeout(timer);
  // Playwright's animations="disabled". Finishing fires transitionend, whose handlers
  // may start new transitions: let one frame dispatch the events, then finish those too.
  for (let round = 0; round < 3; round++) {
    let stopped = 0;
    for (const animation of document.getAnimations()) {
      if (!animation.effect || animation.playbackRate === 0) continue;
      if (animation.playState === "finished" || animation.playState === "idle") continue;
      try {
        if (Number.isFinite(animation.effect.getComputedTiming().endTime)) animation.finish();
        else animation.cancel();
        stopped++;
      } catch (e) { /* an animation that cannot finish keeps its frame */ }
    }
    if (!stopped) break;
    await new Promise((resolve) => {
      native.requestAnimationFrame(resolve);
      native.setTimeout(resolve, 100);  // no frame comes while the page is hidden
    });
  }
  const body = document.body || doc;  // Playwright's full-page size
  return {
    width: Math.max(body.scrollWidth, doc.scrollWidth, body.offsetWidth, doc.offsetWidth,
                    body.clientWidth, doc.clientWidth),
    height: Math.max(body.scrollHeight, doc.scrollHeight, body.offsetHeight,
                     doc.offsetHeight, body.clientHeight, doc.clientHeight),
  };
}"""
)
