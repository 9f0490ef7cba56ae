"""Grounding for VAB-WebArena-Lite: the concrete calls worth trying on the current page.

RL policies over ``Discrete`` actions (:class:`vab_gym.wrappers.GroundedActions`) pick from
this list, so it is built only from what the env's last observation holds (the
Set-of-Marks marks, the open tabs, the task's instruction and sites) plus one small page
read (:func:`page_state`: can the page scroll, can its history move). The same state always
gives the same list in the same order, so an index means the same call across runs.

Order, most useful first, each kind capped so the list never exceeds :data:`MAX_CALLS`:
clicks of the marks in view (document order), typing into text fields the strings of the
instruction (quoted, then names, then numbers) and then a few short texts of the page
(each with and without Enter), clearing those fields, scrolling, stopping (``''``,
``'N/A'`` and short answers read from the page's text: prices, short texts, ``Label:``
values, numbers, names), navigation (back, forward, the task's sites' home pages), tabs,
and last hovers, which fill what room is left.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from vab_gym.core.actions import format_call
from vab_gym.envs.webarena.solver import in_view
from vab_gym.envs.webarena.som import Mark

MAX_CALLS = 256  # GroundedActions' default max_actions: no call is cut off there
MAX_CLICKS = 96  # marks clicked (the shop's pages show 20-35 controls in view)
MAX_FIELDS = 8  # text fields typed into and cleared
MAX_TYPED = 6  # strings typed into each field (instruction's first, then the page's)
MAX_PAGE_TYPED = 2  # of which at most this many come from the page
MAX_ANSWERS = 32  # stop candidates read from the page, besides '' and 'N/A'
MAX_TABS = 8  # tabs new_tab opens up to, and tab_focus reaches
MAX_ANSWER_CHARS = 60  # a page text longer than this is no short answer
MAX_TYPED_CHARS = 200

# What the marks do not say: one read of the scrolling element and the Navigation API
# (the element the scroll action moves, as session.py's _do_scroll).
PAGE_STATE_JS = """() => {
  const e = document.scrollingElement || document.body;
  const nav = window.navigation;
  return {up: e.scrollTop > 0, down: Math.ceil(e.scrollTop + e.clientHeight) < e.scrollHeight,
          back: nav ? nav.canGoBack : true, forward: nav ? nav.canGoForward : true};
}"""

_QUOTED = re.compile(r'"([^"]+)"|\u201c([^\u201d]+)\u201d')
# A price as the shop writes it, and a number not part of a price or a word.
_PRICE = re.compile(r"\$\d[\d,]*(?:\.\d+)?")
_NUMBER = re.compile(r"(?<![\w.,$/])\d[\d,]*(?:\.\d+)?(?![\w$/])")
# A run of capitalised words (or numbers after one): products, brands, people, places.
_NAME = re.compile(r"(?<![\w'-])[A-Z][\w'&-]*(?:(?: | - | & )(?:[A-Z][\w'&-]*|\d[\d.]*\w*))*")
_LABELLED = re.compile(r"^[A-Z][\w /#-]{0,30}:\s*(\S.*)$")
_SENTENCE_END = (".", "!", "?", ":", ";")


@dataclass(frozen=True)
class PageState:
    """Whether the page can scroll up/down and its history go back/forward; all True when
    unknown (each of those calls is harmless where it does nothing)."""

    scroll_up: bool = True
    scroll_down: bool = True
    back: bool = True
    forward: bool = True


def page_state(page: Any) -> PageState:
    """One ``page.evaluate`` (on the Chromium thread); :class:`PageState` () if the page is
    between documents."""
    try:
        read = page.evaluate(PAGE_STATE_JS)
    except Exception:  # a navigation replaced the document under the script
        return PageState()
    return PageState(
        bool(read["up"]), bool(read["down"]), bool(read["back"]), bool(read["forward"])
    )


def grounded_calls(
    marks: Sequence[Mark],
    instruction: str,
    state: PageState,
    *,
    tabs: int,
    active: int,
    homes: Sequence[str],
) -> list[str]:
    """The calls, in canonical syntax, for a page showing ``marks`` (see the module's
    docstring for the order and the caps); ``tabs`` open, ``active`` the current one,
    ``homes`` the task's sites' home URLs."""
    live = [m for m in marks if m.interactive and in_view(m)]
    fields = [m for m in live if m.typeable][:MAX_FIELDS]
    calls = [format_call("click", [m.id]) for m in live[:MAX_CLICKS]]
    page_texts = short_texts(marks)
    typed = _unique(
        [
            *instruction_strings(instruction),
            *[t for t in page_texts if not _NUMBER.fullmatch(t)][:MAX_PAGE_TYPED],
        ]
    )
    for text in typed[:MAX_TYPED]:
        for field in fields:
            calls += [format_call("type", [field.id, text, enter]) for enter in (True, False)]
    calls += [format_call("clear", [m.id]) for m in fields]
    calls += [
        format_call("scroll", [d])
        for d, can in (("down", state.scroll_down), ("up", state.scroll_up))
        if can
    ]
    answers = _unique(["", "N/A", *answer_candidates(marks)[:MAX_ANSWERS]])
    calls += [format_call("stop", [a]) for a in answers]
    calls += [
        format_call(name, [])
        for name, can in (("go_back", state.back), ("go_forward", state.forward))
        if can
    ]
    calls += [format_call("goto", [url]) for url in _unique(homes)]
    if tabs < MAX_TABS:
        calls.append(format_call("new_tab", []))
    calls += [format_call("tab_focus", [i]) for i in range(min(tabs, MAX_TABS)) if i != active]
    if tabs > 1:
        calls.append(format_call("close_tab", []))
    room = MAX_CALLS - len(calls)
    calls += [format_call("hover", [m.id]) for m in live[: max(room, 0)]]
    return calls[:MAX_CALLS]


def instruction_strings(instruction: str) -> list[str]:
    """What a task may want typed: its quoted strings, the names it mentions (a sentence's
    first word left out) and its numbers (without ``$`` or ``#``), in that order."""
    quoted = [a or b for a, b in _QUOTED.findall(instruction)]
    unquoted = _QUOTED.sub(" ", instruction)
    numbers = [n.replace(",", "") for n in _NUMBER.findall(unquoted.replace("$", " "))]
    return [
        s
        for s in _unique([*quoted, *names(unquoted), *numbers])
        if s.strip() and len(s) <= MAX_TYPED_CHARS and "```" not in s
    ]


def names(text: str) -> list[str]:
    """Runs of capitalised words in ``text``; a run that starts a sentence loses its first
    word (``Add``, ``What``), and a run of numbers alone is no name."""
    found = []
    for match in _NAME.finditer(text):
        run = match.group().rstrip(".-'&")
        before = text[: match.start()].rstrip()
        if not before or before.endswith(_SENTENCE_END):
            run = run.partition(" ")[2].strip(" -&")
        if len(run) > 1 and any(c.isalpha() for c in run):
            found.append(run)
    return _unique(found)


def short_texts(marks: Sequence[Mark]) -> list[str]:
    """The page's static texts short enough to be an answer, that are no control's label
    (``My Account`` is a link, not a fact), in document order."""
    labels = {_squash(m.text) for m in marks if m.interactive}
    texts = [_squash(m.text) for m in marks if m.shown and not m.interactive]
    return _unique(
        t
        for t in texts
        if t
        and len(t) <= MAX_ANSWER_CHARS
        and t not in labels
        and any(c.isalnum() for c in t)
        and "```" not in t
    )


def prose(marks: Sequence[Mark]) -> list[str]:
    """The page's static texts that are sentences (six words or more) and hold no control's
    label: descriptions and reviews, not the menus that repeat their links' names."""
    labels = {t for m in marks if m.interactive and len(t := _squash(m.text)) >= 4}
    texts = [_squash(m.text) for m in marks if m.shown and not m.interactive]
    return _unique(
        t for t in texts if len(t.split()) >= 6 and not any(label in t for label in labels)
    )


def answer_candidates(marks: Sequence[Mark]) -> list[str]:
    """Short answers the page's text shows: prices, short static texts, the values of
    ``Label: value`` texts, numbers, then the names in its prose, each in document
    order."""
    shown = [_squash(m.text) for m in marks if m.shown and m.text.strip()]
    static = [_squash(m.text) for m in marks if m.shown and not m.interactive and m.text]
    prices = [p for t in shown for p in _PRICE.findall(t)]
    labelled = [m.group(1) for t in static if (m := _LABELLED.match(t))]
    numbers = [n for t in shown for n in _NUMBER.findall(t)]
    found = [n for t in prose(marks) for n in names(t)]
    return [
        a
        for a in _unique([*prices, *short_texts(marks), *labelled, *numbers, *found])
        if len(a) <= MAX_ANSWER_CHARS and "```" not in a
    ]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
