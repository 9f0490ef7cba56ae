"""Bluecoins' table, its pristine transactions and how its screens write money.

The seed makes AndroidLab's answers hold (evaluation/tasks/bluecoins/bluecoins.py,
SingleTask_bluecoins_1..5): on May 10, 2024 the expenses are 34.42 + 10,000.00 + 1,365.58 =
"11,400.00 CNY"; the 388.88 expense of May 3 is "Buying cake"; May 6 has three transactions,
12.30 + 15.21 + 42.00 = "69.51 CNY"; the taxis of the week of May 10 (Mon May 6 to Sun May
12, or Sun to Sat: no taxi on May 5, 11 or 12) are 12.30 + 13.40 + 34.42 = "60.12 CNY".
The edit tasks' records (SingleTask_bluecoins_11..15 first look for them): the May 15
expense of 400.00, the May 12 income of 18000.00, the one May 13 expense, the one May 2
income and the May 12 expense of 794.20. Amounts are kept in cents. Each seeded row keeps
its pristine date and type (``orig_date``, ``orig_type``), which name it in the edit tasks'
judges; rows added on the phone have none.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

import numpy as np

from vab_gym.envs.mobile.phone.seed import NOW

TODAY = NOW.date()
CURRENCY = "CNY"
TYPES = ("expense", "income")
TYPE_WORDS = ("Expense, ", "Income, ")  # how a list row's description starts
CATEGORIES = {
    "expense": ("Food", "Taxi", "Shopping", "Housing", "Bills", "Entertainment", "Others"),
    "income": ("Salary", "Gift", "Bonus", "Refund", "Others"),
}
ITEM_HINTS = {"expense": "Payee or item purchased", "income": "Name of income"}

SCHEMA = """
CREATE TABLE transactions (id INTEGER PRIMARY KEY, day TEXT NOT NULL, type TEXT NOT NULL,
    cents INTEGER NOT NULL, category TEXT NOT NULL, item TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '', account TEXT NOT NULL DEFAULT 'Cash',
    orig_date TEXT, orig_type TEXT);
"""

TRANSACTIONS = (  # date, type, cents, category, item
    ("2024-04-28", "expense", 5000, "Taxi", "Taxi"),
    ("2024-05-02", "income", 20000, "Refund", "Refund"),
    ("2024-05-03", "expense", 38888, "Food", "Buying cake"),
    ("2024-05-03", "expense", 2500, "Taxi", "Taxi to the station"),
    ("2024-05-06", "expense", 1230, "Taxi", "Taxi"),
    ("2024-05-06", "expense", 1521, "Food", "Breakfast"),
    ("2024-05-06", "expense", 4200, "Food", "Lunch"),
    ("2024-05-08", "expense", 1340, "Taxi", "Taxi"),
    ("2024-05-08", "expense", 8900, "Shopping", "Books"),
    ("2024-05-10", "expense", 3442, "Taxi", "Taxi"),
    ("2024-05-10", "expense", 1000000, "Housing", "Rent"),
    ("2024-05-10", "expense", 136558, "Shopping", "Headphones"),
    ("2024-05-12", "income", 1800000, "Salary", "Salary"),
    ("2024-05-12", "expense", 79420, "Food", "Supermarket"),
    ("2024-05-13", "expense", 6600, "Food", "Dinner"),
    ("2024-05-15", "expense", 40000, "Bills", "Electricity bill"),
)


def seed(conn: sqlite3.Connection) -> None:
    conn.executemany(
        "INSERT INTO transactions (day, type, cents, category, item, orig_date, orig_type) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(*t, t[0], t[1]) for t in TRANSACTIONS],
    )


def money(cents: int) -> str:
    """``11,400.00`` for 1140000."""
    return f"{cents / 100:,.2f}"


def plain_amount(cents: int) -> str:
    """The amount field's text: ``18000.00`` (no grouping, as AndroidLab's judges read it)."""
    return f"{cents / 100:.2f}"


def parse_cents(text: str) -> int | None:
    """Cents from what a person types: ``512``, ``18,250``, ``936.02``; None if not money."""
    text = text.strip().replace(",", "").replace(" ", "")
    if not re.fullmatch(r"\d+(\.\d{1,2})?|\.\d{1,2}", text):
        return None
    whole, _, fraction = text.partition(".")
    return int(whole or 0) * 100 + int(fraction.ljust(2, "0") or 0)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday around ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


# -- train variants -------------------------------------------------------------------------
VARIANT_ITEMS = {
    "Food": ("Coffee", "Noodles", "Fruit", "Milk tea"),
    "Taxi": ("Taxi", "Didi"),
    "Shopping": ("T-shirt", "Umbrella", "Phone case"),
    "Entertainment": ("Movie", "Concert ticket"),
    "Bills": ("Water bill",),
}


def vary(conn: sqlite3.Connection, rng: np.random.Generator) -> None:
    """More expenses in April and May with other items and amounts, all drawn from ``rng``
    (they change the days' totals, which grounded query answers recompute)."""
    names = sorted(VARIANT_ITEMS)
    for _ in range(int(rng.integers(4, 9))):
        category = names[int(rng.integers(len(names)))]
        items = VARIANT_ITEMS[category]
        day = TODAY - dt.timedelta(days=int(rng.integers(-5, 20)))
        cents = int(rng.integers(300, 30000))
        conn.execute(
            "INSERT INTO transactions (day, type, cents, category, item, orig_date, orig_type)"
            " VALUES (?, 'expense', ?, ?, ?, ?, 'expense')",
            (
                day.isoformat(),
                cents,
                category,
                items[int(rng.integers(len(items)))],
                day.isoformat(),
            ),
        )
