"""Bluecoins' judge goal: a transaction with the type, amount, date and note a task asks for.

AndroidLab's judges (evaluation/tasks/bluecoins/bluecoins.py) read the edit-transaction
screen (``extract_bills_NewEditBK``: type, date, the amount beside "CNY", the last note
field); the edit tasks (SingleTask_bluecoins_11..15) first wait for the original record on
screen. Here the same sub-goals are read from the transactions table: ``new`` asks for a
row added on the phone, ``record`` names a seeded row by its pristine date and type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vab_gym.envs.mobile.apps.bluecoins import data
from vab_gym.envs.mobile.judge import State, SubGoals
from vab_gym.envs.mobile.phone import formats


def transaction(
    state: State,
    record: dict[str, str] | None = None,
    new: bool | None = None,
    type: str | None = None,
    amount: str | None = None,
    date: str | None = None,
    note: str | None = None,
) -> SubGoals:
    """The best-matching transaction and each asked attribute. ``note`` is the text of the
    item field (its hint is "Payee or item purchased" / "Name of income") or of Notes."""
    wanted: list[tuple[str, Callable[[dict[str, Any]], bool]]] = []
    if type is not None:
        wanted.append((type, lambda t: t["type"] == type))
    if amount is not None:
        cents = data.parse_cents(str(amount))
        wanted.append(
            (f"amount {data.money(cents or 0)} {data.CURRENCY}", lambda t: t["cents"] == cents)
        )
    if date is not None:
        wanted.append((f"dated {formats.long_date(date)}", lambda t: t["day"] == date))
    if note is not None:
        text = note.strip().casefold()
        wanted.append(
            (
                f"note {note!r}",
                lambda t: text in (t["item"].strip().casefold(), t["notes"].strip().casefold()),
            )
        )
    if record is not None:
        rows = state.sql(
            "SELECT * FROM transactions WHERE orig_date = ? AND orig_type = ?",
            (record["date"], record["type"]),
        )
        named = f"the {formats.long_date(record['date'])} {record['type']}"
    else:
        rows = state.sql(
            "SELECT * FROM transactions"
            + ("" if new is None else f" WHERE orig_date IS {'' if new else 'NOT '}NULL")
        )
        named = "a new transaction" if new else "a transaction"
    best = max(rows, key=lambda t: sum(check(t) for _, check in wanted), default=None)
    return [(named, best is not None)] + [
        (name, best is not None and check(best)) for name, check in wanted
    ]


GOALS = {"transaction": transaction}
