"""VAB-WebArena-Lite's mistake model: the wrong link, or the wrong text typed into a field.

Both are drawn from the live page's Set-of-Marks, as an agent reading the screenshot would
pick them:

- ``wrong_link``: a link mark in the viewport (what VAB's click at its box centre would
  follow) to another page of the same site, never one whose visit changes state (signing
  out; a search, which the shop records as a search term), nor from such a page (going
  back loads it again); recovered by ``go_back``.
- ``wrong_text``: a misspelling of a text the task types (its search query, city, review,
  price) into an empty text field in view, without Enter, so nothing is submitted;
  recovered by ``clear`` on that field.

Either way the page is as it was (same URL, scroll and marks), so the solver goes on with
the action it had planned.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import gymnasium as gym
import numpy as np

from vab_gym.core.mistakes import Mistake, misspell
from vab_gym.envs.webarena.solver import in_view
from vab_gym.envs.webarena.som import Mark

# GET pages whose visit changes the shop's state (shop/app.py routes: logout, record_search).
STATEFUL_PATHS = ("/logout", "/catalogsearch/")
TYPED_KEYS = ("query", "city", "title", "detail", "new_price")  # the plans' typed texts
TEXT_INPUTS = ("", "text", "search", "email", "tel", "number")
# What VAB's click at each mark's centre would hit: the link there, and whether an empty
# text field is the mark.
PROBE = """(marks) => ({here: location.href, marks: marks.map(([id, x, y]) => {
  const el = document.querySelector(`[data-som-id="${id}"]`);
  const hit = document.elementFromPoint(x, y);
  if (!el || !hit || !(el.contains(hit) || hit.contains(el))) return null;
  const link = hit.closest('a[href]');
  const field = (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT') && !el.disabled
    && !el.readOnly && el.value === '' ? (el.type || '') : null;
  return {id, href: link ? link.href : '', target: link ? link.target : '',
          text: link ? link.innerText.replace(/\\s+/g, ' ').trim().slice(0, 60) : '', field};
})})"""


def propose(
    env: gym.Env, obs: dict[str, Any], info: dict[str, Any], rng: np.random.Generator
) -> Mistake | None:
    web = env.unwrapped
    if web.session is None:
        return None
    marks = [m for m in web.session.marks if m.interactive and in_view(m)]
    args = [[m.id, *m.center] for m in marks]
    found = web.in_session(lambda session: session.page.evaluate(PROBE, args))
    probes = {p["id"]: p for p in found["marks"] if p}
    makers = [_wrong_link, _wrong_text]
    for index in rng.permutation(len(makers)):
        mistake = makers[index](web, found["here"], marks, probes, rng)
        if mistake is not None:
            return mistake
    return None


def _wrong_link(
    web: Any,
    url: str,
    marks: list[Mark],
    probes: dict[int, dict[str, Any]],
    rng: np.random.Generator,
) -> Mistake | None:
    here = urlsplit(url)
    if any(p in here.path for p in STATEFUL_PATHS):  # go_back would load this page again
        return None
    links = []
    for mark in marks:
        probe = probes.get(mark.id)
        if not probe or not probe["href"] or probe["target"] not in ("", "_self"):
            continue
        to = urlsplit(probe["href"])
        if (
            (to.scheme, to.netloc) != (here.scheme, here.netloc)
            or (to.path, to.query) == (here.path, here.query)
            or any(p in to.path for p in STATEFUL_PATHS)
        ):
            continue
        links.append((mark, probe, to.path + (f"?{to.query}" if to.query else "")))
    if not links:
        return None
    mark, probe, path = links[int(rng.integers(len(links)))]
    name = probe["text"] or mark.text.strip() or path
    return Mistake(
        action=f"click [{mark.id}]",
        thought=f"The link [{mark.id}] '{name}' looks like the way to what the task needs, "
        "so I click it.",
        kind="wrong_link",
        recovery=(
            (
                "go_back",
                f"Clicking [{mark.id}] '{name}' opened {path}, which is not "
                "the page I need. I go back to the previous page.",
            ),
        ),
        details={"mark": mark.id, "link": name, "to": path},
    )


def _wrong_text(
    web: Any,
    url: str,
    marks: list[Mark],
    probes: dict[int, dict[str, Any]],
    rng: np.random.Generator,
) -> Mistake | None:
    solution = web.task.metadata.get("solution", {})
    texts = [str(solution[k]) for k in TYPED_KEYS if k in solution]
    fields = [m for m in marks if (probes.get(m.id) or {}).get("field") in TEXT_INPUTS]
    if not texts or not fields:
        return None
    field = fields[int(rng.integers(len(fields)))]
    meant = texts[int(rng.integers(len(texts)))]
    typed = misspell(meant, rng)
    if typed is None or "[" in typed or "]" in typed:
        return None
    label = (field.label.strip().rstrip(".").strip() or "text").split("  ")[0]
    return Mistake(
        action=f"type [{field.id}] [{typed}] [0]",
        thought=f"I type '{typed}' into the field [{field.id}] ({label}).",
        kind="wrong_text",
        recovery=(
            (
                f"clear [{field.id}]",
                f"The field [{field.id}] ({label}) now holds "
                f"'{typed}', a misspelling of '{meant}'. I clear it before going on.",
            ),
        ),
        details={"mark": field.id, "field": label, "typed": typed, "meant": meant},
    )
