"""The solver's plan for Bluecoins' goal, through the public actions: open the record from
the "All" list (or the add button), set type, amount, date and note in the form, save."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from vab_gym.core.actions import format_call
from vab_gym.envs.mobile.apps.bluecoins import data
from vab_gym.envs.mobile.phone import formats
from vab_gym.envs.mobile.screen import Node
from vab_gym.envs.mobile.solver import MobileSolver, NotOnScreen, Plan

LIST_SWIPES = 12  # the "All" list is longer than MobileSolver.find's three swipes reach


def transaction(
    solver: MobileSolver,
    record: dict[str, str] | None = None,
    new: bool | None = None,
    type: str | None = None,
    amount: str | None = None,
    date: str | None = None,
    note: str | None = None,
) -> Plan:
    if record is not None:
        yield from solver.tap(lambda e: e.text == "All" and e.cls == "TabView", "All")
        start = f"{record['type'].capitalize()}, {formats.long_date(record['date'])}, "
        row = yield from _scroll_to(solver, lambda e: e.desc.startswith(start), start)
        yield format_call("tap", [row])
    else:
        yield from solver.tap_named("Add transaction")
        yield from solver.tap_named((type or "expense").capitalize())
    if type is not None and not solver.on_screen(data.ITEM_HINTS[type]):
        yield from solver.tap(lambda e: e.cls == "TabView" and e.text == type.capitalize(), type)
    if amount is not None:
        yield from solver.fill("Amount", str(amount))
    if date is not None and not solver.on_screen(f"Date {formats.long_date(date)}"):
        yield from solver.tap(lambda e: e.desc.startswith("Date "), "Date row")
        yield from solver.fill("Date", f"{dt.date.fromisoformat(date):%m/%d/%Y}")
        yield from solver.tap_named("OK")
    if note is not None:
        hint = next(h for h in data.ITEM_HINTS.values() if solver.on_screen(h))
        yield from solver.fill(hint, note)
    yield from solver.tap_named("Save")
    yield "finish()"


PLANS = {"transaction": transaction}


def _scroll_to(solver: MobileSolver, accept: Callable[[Node], bool], what: str) -> Plan:
    """Swipe the list up (its content moves on) until a row passes ``accept``. The swipe
    starts on a transaction row: the list itself is not a labelled element."""
    for _ in range(LIST_SWIPES):
        number = solver.index(accept)
        if number is not None:
            return number
        rows = [n for n, e in enumerate(solver.elements(), 1) if e.desc.startswith(data.TYPE_WORDS)]
        if not rows:
            break
        yield format_call("swipe", [rows[len(rows) // 2], "up", "medium"])
    raise NotOnScreen(what)
