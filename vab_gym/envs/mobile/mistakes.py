"""VAB-Mobile's mistake model: the wrong element tapped, or the wrong text typed.

Both are drawn from the screen's labelled elements, as an agent reading the screenshot would
pick them:

- ``wrong_tap``: a labelled element whose tap follows a link (what the phone's touch at its
  centre hits) to another screen of the phone whose Back (``data-back``: the phone's parent
  screen) is this one; never a switch, box, field or button (those change state or open a
  dialog), never a screen whose visit changes state (Maps.me's route close). Recovered by
  AndroidLab's Back (``back()``).
- ``wrong_text``: a misspelling of a text the task gives (its quoted strings, else its
  judge's values) typed into the focused field while it is still empty; recovered by typing
  over it (AndroidLab's ``text`` deletes what the field holds first) with nothing.

Offered only on a screen that a reload gives back as it is: nothing typed or ticked yet,
nothing scrolled, no dialog open (the screens depend only on the database and the URL,
phone/app.py). So after the recovery the screen and its numbering are as before, and the
solver goes on with the action it had planned. The ``appium`` backend offers no mistakes.
"""

from __future__ import annotations

import re
from typing import Any

import gymnasium as gym
import numpy as np

from vab_gym.core.actions import format_call
from vab_gym.core.mistakes import Mistake, misspell
from vab_gym.envs.mobile.device import PIXEL_RATIO
from vab_gym.envs.mobile.screen import Node

STATEFUL_PATHS = ("/route/close",)  # GET screens that write (mapme/screens.py route_close)
# The screen as a reload would give it back, and which link taps lead to a screen whose
# Back returns here (its data-back, fetched: GET screens only read).
PROBE = """async ([taps, ratio, stateful]) => {
  const here = location.pathname + location.search;
  const fields = [...document.querySelectorAll('input, textarea, select')];
  const dirty = fields.some((f) => (f.type === 'checkbox' || f.type === 'radio')
    ? f.checked !== f.defaultChecked : f.tagName !== 'SELECT' && f.value !== f.defaultValue);
  const scrolled = window.scrollY > 0
    || [...document.querySelectorAll('*')].some((e) => e.scrollTop > 0 || e.scrollLeft > 0);
  const dialog = !!document.querySelector('.dialog.client:not(.hidden)');
  if (dirty || scrolled || dialog) return {reloadable: false, links: []};
  const links = [];
  for (const [number, x, y] of taps) {
    const hit = document.elementFromPoint(x / ratio, y / ratio);
    const link = hit && hit.closest('a[href]');
    if (!link || (link.target && link.target !== '_self')) continue;
    const url = new URL(link.href, location.href);
    const to = url.pathname + url.search;
    if (url.origin !== location.origin || to === here || stateful.some((s) => to.includes(s)))
      continue;
    const reply = await fetch(to);
    const doc = new DOMParser().parseFromString(await reply.text(), 'text/html');
    if (!reply.ok || !doc.body || doc.body.dataset.back !== here) continue;
    const bar = doc.querySelector('.appbar-title h1');
    const title = (bar ? bar.textContent : doc.title === 'Phone' ? '' : doc.title);
    links.push({number, to, title: title.replace(/\\s+/g, ' ').trim()});
  }
  return {reloadable: true, links};
}"""


def propose(
    env: gym.Env, obs: dict[str, Any], info: dict[str, Any], rng: np.random.Generator
) -> Mistake | None:
    phone = env.unwrapped
    device = getattr(phone.screen, "screen", None)  # ChromiumPhone's page; None on Appium
    if device is None or phone.obs_mode != "som":
        return None
    elements: list[Node] = list(phone.elements)
    taps = [
        [n, *e.center]
        for n, e in enumerate(elements, 1)
        if e.clickable and not (e.editable or e.checkable or e.long_clickable)
    ]
    probe = phone.screen.chromium.run(
        lambda _browser: device.page.evaluate(PROBE, [taps, PIXEL_RATIO, list(STATEFUL_PATHS)])
    )
    if not probe["reloadable"]:
        return None
    makers = [_wrong_tap, _wrong_text]
    for index in rng.permutation(len(makers)):
        mistake = makers[index](phone, elements, probe["links"], rng)
        if mistake is not None:
            return mistake
    return None


def _wrong_tap(
    phone: Any, elements: list[Node], links: list[dict[str, Any]], rng: np.random.Generator
) -> Mistake | None:
    if not links:
        return None
    link = links[int(rng.integers(len(links)))]
    number = link["number"]
    name = elements[number - 1].label[:60] or link["title"]
    landed = f"the {link['title']} screen" if link["title"] else "another screen"
    return Mistake(
        action=format_call("tap", [number]),
        thought=f"'{name}' looks like the way to what the task needs, so I tap it.",
        kind="wrong_tap",
        recovery=(
            (
                "back()",
                f"Tapping '{name}' opened {landed}, which is not where the "
                "task is done. I press Back to return.",
            ),
        ),
        details={"index": number, "element": name, "to": link["to"]},
    )


def _wrong_text(
    phone: Any, elements: list[Node], links: list[dict[str, Any]], rng: np.random.Generator
) -> Mistake | None:
    field = next((e for e in elements if e.focused and e.editable and not e.text), None)
    if field is None:
        return None
    texts = re.findall(r'"([^"]+)"', phone.task.instruction) or _strings(
        phone.task.judge.get("params", {})
    )
    if not texts:
        return None
    meant = texts[int(rng.integers(len(texts)))]
    typed = misspell(meant, rng)
    if typed is None:
        return None
    where = f"the {field.desc} field" if field.desc else "the field"
    return Mistake(
        action=format_call("text", [typed]),
        thought=f"{where[:1].upper()}{where[1:]} has the focus; I type '{typed}'.",
        kind="wrong_text",
        recovery=(
            (
                format_call("text", [""]),
                f"I typed '{typed}' into {where}, a "
                f"misspelling of '{meant}'. I clear the field to type it again.",
            ),
        ),
        details={"field": field.desc, "typed": typed, "meant": meant},
    )


def _strings(value: Any) -> list[str]:
    """The words of a judge's parameters (names, titles, numbers to type)."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
