"""Bluecoins (AndroidLab's com.rammigsoftware.bluecoins): expense and income transactions in
CNY with dates, categories, items and notes; lists by day, week, month or all; the
new/edit-transaction form. 5 query tasks (answers from finish) and 10 operations judged from
the transactions table."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from vab_gym.core.templates import Prototype
from vab_gym.envs.mobile.apps import PhoneApp
from vab_gym.envs.mobile.apps.bluecoins import data, goals, plans, screens
from vab_gym.envs.mobile.phone import formats

NOTES = ("salary", "bonus", "lunch", "gift for Li", "train ticket", "red packet")

PROTOTYPES = (
    Prototype(
        "bluecoins_spent_on",
        "Could you tell me how much I spent on {date_text}?",
        {"date_text": "date", "answer": "amount"},
        {
            "kind": "query",
            "answer": "{answer} CNY",
            "match": {"type": "amount", "value": "{answer}"},
        },
    ),
    Prototype(
        "bluecoins_count_on",
        "How many transactions did I make all together on {date_text}?",
        {"date_text": "date", "answer": "count"},
        {"kind": "query", "answer": "{answer}", "match": {"type": "number", "value": "{answer}"}},
    ),
    Prototype(
        "bluecoins_reason",
        "What was the reason behind the {amount} CNY I spent on {date_text}?",
        {"amount": "amount", "date_text": "date", "answer": "item"},
        {"kind": "query", "answer": "{answer}", "match": {"type": "text", "value": "{answer}"}},
    ),
    Prototype(
        "bluecoins_log_expense",
        "Log an expenditure of {amount} CNY in the books.",
        {"amount": "amount"},
        {
            "kind": "state",
            "goal": "transaction",
            "params": {"new": True, "type": "expense", "amount": "{amount}"},
        },
    ),
    Prototype(
        "bluecoins_income_on",
        "For {date_text}, jot down an income of {amount} CNY with '{note}' as the note.",
        {"date": "date", "date_text": "text", "amount": "amount", "note": "note"},
        {
            "kind": "state",
            "goal": "transaction",
            "params": {
                "new": True,
                "type": "income",
                "date": "{date}",
                "amount": "{amount}",
                "note": "{note}",
            },
        },
    ),
    Prototype(
        "bluecoins_adjust",
        "Adjust the expenditure on {date_text}, to {amount} CNY.",
        {"date": "record", "date_text": "text", "amount": "amount"},
        {
            "kind": "state",
            "goal": "transaction",
            "params": {
                "record": {"date": "{date}", "type": "expense"},
                "date": "{date}",
                "amount": "{amount}",
            },
        },
    ),
    Prototype(
        "bluecoins_to_income",
        "Switch the {date_text} transaction from 'expense' to "
        "'income' and add '{note}' as the note.",
        {"date": "record", "date_text": "text", "note": "note"},
        {
            "kind": "state",
            "goal": "transaction",
            "params": {
                "record": {"date": "{date}", "type": "expense"},
                "type": "income",
                "date": "{date}",
                "note": "{note}",
            },
        },
    ),
)


def _amount_text(cents: int) -> str:
    return data.plain_amount(cents).removesuffix(".00")


def ground(
    conn: sqlite3.Connection, rng: np.random.Generator, prototype: Prototype
) -> dict[str, Any] | None:
    """A filling of ``prototype`` from the transactions in ``conn``; query answers are
    computed from them (totals formatted as the list shows them, ``11,400.00``)."""
    rows = [dict(r) for r in conn.execute("SELECT * FROM transactions ORDER BY id")]
    days = sorted({r["day"] for r in rows})

    def pick(items: list) -> Any:
        return items[int(rng.integers(len(items)))]

    cents = int(rng.integers(1, 2000)) * 100 + int(rng.choice([0, 0, 50, int(rng.integers(100))]))
    filling: dict[str, Any] = {"amount": _amount_text(cents), "note": pick(NOTES)}
    if prototype.id in ("bluecoins_spent_on", "bluecoins_count_on"):
        day = pick(days)
        on_day = [r for r in rows if r["day"] == day]
        spent = sum(r["cents"] for r in on_day if r["type"] == "expense")
        if prototype.id == "bluecoins_spent_on" and not spent:
            return None
        answer = data.money(spent) if prototype.id == "bluecoins_spent_on" else len(on_day)
        return {**filling, "date_text": formats.long_date(day), "answer": str(answer)}
    if prototype.id == "bluecoins_reason":
        unique = Counter((r["day"], r["cents"]) for r in rows if r["type"] == "expense")
        choices = [
            r
            for r in rows
            if r["type"] == "expense" and r["item"] and unique[(r["day"], r["cents"])] == 1
        ]
        chosen = pick(choices)
        return {
            "amount": data.plain_amount(chosen["cents"]),
            "date_text": formats.long_date(chosen["day"]),
            "answer": chosen["item"],
        }
    if prototype.id == "bluecoins_income_on":
        day = data.TODAY - dt.timedelta(days=int(rng.integers(-10, 60)))
        return {**filling, "date": day.isoformat(), "date_text": formats.long_date(day.isoformat())}
    if prototype.id in ("bluecoins_adjust", "bluecoins_to_income"):
        seeded = Counter((r["orig_date"], r["orig_type"]) for r in rows if r["orig_date"])
        per_day = Counter(r["day"] for r in rows)
        choices = [
            r
            for r in rows
            if r["orig_type"] == "expense"
            and r["day"] == r["orig_date"]
            and seeded[(r["orig_date"], "expense")] == 1
            and (prototype.id == "bluecoins_adjust" or per_day[r["day"]] == 1)
        ]
        if not choices:
            return None
        chosen = pick(choices)
        return {**filling, "date": chosen["day"], "date_text": formats.long_date(chosen["day"])}
    return filling


APP = PhoneApp(
    key="bluecoins",
    title="Bluecoins",
    start="/bluecoins/transactions",
    package="com.rammigsoftware.bluecoins",
    folder=Path(__file__).parent,
    routes=screens.routes,
    schema=data.SCHEMA,
    seed=data.seed,
    goals=goals.GOALS,
    plans=plans.PLANS,
    prototypes=PROTOTYPES,
    ground=ground,
    vary=data.vary,
)
