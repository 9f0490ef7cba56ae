"""Calendar's table, its pristine events and how its screens write dates, times and
reminders.

The seed holds the events AndroidLab's calendar tasks edit (shared/research/androidlab.md
section 3, from the ground truth in evaluation/tasks/calendar/calendar.py): "work" today at
5:00 PM with a reminder 30 minutes before (calendar_8 and calendar_9 look for "Today",
"5:00 PM" and "30 minutes before"), "homework" on May 21 with one 10 minutes before
(calendar_6), "meeting" on May 13 with the note "conference room B202" (calendar_7), "this
day" (calendar_11) and "exam" (calendar_14). calendar_12 edits an event titled "Today"; the
seed has one (AndroidLab's judge looks at "this day" instead). Rows the seed writes are
marked ``seeded``, so a task that asks to arrange an event is judged on a new one.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import numpy as np

from vab_gym.envs.mobile.phone import formats
from vab_gym.envs.mobile.phone.seed import NOW

TODAY = NOW.date()
REPEATS = ("Daily", "Weekly", "Monthly", "Yearly")  # "" = Does not repeat
# The notification choices of the form's dialog, in minutes before the event.
REMINDER_CHOICES = (0, 5, 10, 15, 30, 60, 24 * 60)

SCHEMA = """
CREATE TABLE events (id INTEGER PRIMARY KEY, title TEXT NOT NULL, starts_on TEXT NOT NULL,
    start_min INTEGER NOT NULL, ends_on TEXT NOT NULL, end_min INTEGER NOT NULL,
    all_day INTEGER NOT NULL DEFAULT 0, repeat TEXT NOT NULL DEFAULT '',
    reminders TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
    seeded INTEGER NOT NULL DEFAULT 0);
"""

EVENTS = (  # title, date, start, end (minutes), all day, repeat, reminders, note
    ("work", "2024-05-10", 17 * 60, 18 * 60, 0, "", "30", ""),
    ("this day", "2024-05-10", 9 * 60, 10 * 60, 0, "", "", ""),
    ("meeting", "2024-05-13", 10 * 60, 11 * 60, 0, "", "30", "conference room B202"),
    ("Today", "2024-05-16", 14 * 60, 15 * 60, 0, "", "", ""),
    ("homework", "2024-05-21", 19 * 60, 20 * 60, 0, "", "10", ""),
    ("exam", "2024-05-24", 9 * 60, 11 * 60, 0, "", "", ""),
)


def seed(conn: sqlite3.Connection) -> None:
    conn.executemany(
        "INSERT INTO events (title, starts_on, start_min, ends_on, end_min, all_day, repeat, "
        "reminders, note, seeded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [(t, d, s, d, e, a, r, m, n) for t, d, s, e, a, r, m, n in EVENTS],
    )


def day_text(iso: str) -> str:
    """An event's date line: ``Today`` for the phone's date, else ``Tue, May 21, 2024``
    (zero-padded, as calendar_4's "Jun 01")."""
    day = dt.date.fromisoformat(iso)
    return "Today" if day == TODAY else f"{day:%a, %b %d, %Y}"


def time_text(minutes: int) -> str:
    """``5:00 PM`` (a plain space, as AndroidLab's calendar judges write it)."""
    return formats.clock_time(minutes, " ")


def reminder_text(minutes: int) -> str:
    """``30 minutes before``, ``1 hour before``, ``1 day before``, ``At time of event``."""
    if minutes == 0:
        return "At time of event"
    for size, unit in ((24 * 60, "day"), (60, "hour"), (1, "minute")):
        if minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''} before"
    return f"{minutes} minutes before"


def reminder_list(text: str) -> list[int]:
    return sorted({int(m) for m in text.split(",") if m.strip().isdigit()})


# -- train variants -------------------------------------------------------------------------
VARIANT_TITLES = (
    "dentist",
    "gym",
    "lunch with Li",
    "project review",
    "piano lesson",
    "team sync",
    "flight to Shanghai",
    "book club",
)
VARIANT_NOTES = ("room 305", "bring laptop", "online", "call first", "floor 2")


def vary(conn: sqlite3.Connection, rng: np.random.Generator) -> None:
    """Other events beside the pristine ones: new titles, dates in May and June, times,
    reminders and notes, all drawn from ``rng``."""
    titles = rng.choice(len(VARIANT_TITLES), size=4, replace=False)
    for index in titles:
        day = TODAY + dt.timedelta(days=int(rng.integers(-9, 30)))
        start = int(rng.integers(8, 20)) * 60 + int(rng.choice([0, 30]))
        reminder = str(int(rng.choice([5, 10, 15, 30, 60])))
        note = VARIANT_NOTES[int(rng.integers(len(VARIANT_NOTES)))] if rng.random() < 0.5 else ""
        conn.execute(
            "INSERT INTO events (title, starts_on, start_min, ends_on, end_min, reminders, note,"
            " seeded) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            (
                VARIANT_TITLES[int(index)],
                day.isoformat(),
                start,
                day.isoformat(),
                start + 60,
                reminder,
                note,
            ),
        )
