"""Calendar (AndroidLab's com.skuld.calendario): events with times, notifications, notes
and repeats; month, day and schedule views; an edit form with date, time, repeat and
notification dialogs. Its 14 tasks are operations judged from the events table."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np

from vab_gym.core.templates import Prototype
from vab_gym.envs.mobile.apps import PhoneApp
from vab_gym.envs.mobile.apps.calendar import data, goals, plans, screens

NEW_TITLES = (
    "dinner",
    "yoga",
    "call mom",
    "interview",
    "concert",
    "haircut",
    "report due",
    "picnic",
)
NOTES = ("room 204", "bring the slides", "library 3F", "meet at the gate", "online")

PROTOTYPES = (
    Prototype(
        "calendar_new_at",
        'I want to add an event at {time_text} on {date_text}, whose Title is "{title}".',
        {
            "title": "title",
            "date": "date",
            "time": "time",
            "date_text": "text",
            "time_text": "text",
        },
        {
            "kind": "state",
            "goal": "event",
            "params": {"title": "{title}", "new": True, "day": "{date}", "start": "{time}"},
        },
    ),
    Prototype(
        "calendar_new_reminder",
        'Arrange an event titled "{title}" for me at '
        "{date_text}, and set the notification time to be {reminder_text}.",
        {
            "title": "title",
            "date": "date",
            "reminder": "minutes",
            "date_text": "text",
            "reminder_text": "text",
        },
        {
            "kind": "state",
            "goal": "event",
            "params": {
                "title": "{title}",
                "new": True,
                "day": "{date}",
                "reminders": ["{reminder}"],
            },
        },
    ),
    Prototype(
        "calendar_new_note",
        'Help me arrange an event titled "{title}" at {date_text} with note "{note}".',
        {"title": "title", "date": "date", "note": "note", "date_text": "text"},
        {
            "kind": "state",
            "goal": "event",
            "params": {"title": "{title}", "new": True, "day": "{date}", "note": "{note}"},
        },
    ),
    Prototype(
        "calendar_edit_note",
        'add the note "{note}" to the event "{title}"',
        {"title": "event", "note": "note"},
        {
            "kind": "state",
            "goal": "event",
            "params": {"title": "{title}", "new": False, "note": "{note}"},
        },
    ),
    Prototype(
        "calendar_edit_repeat",
        'edit the event titled "{title}", and make it repeat {repeat_word}',
        {"title": "event", "repeat": "repeat", "repeat_word": "text"},
        {
            "kind": "state",
            "goal": "event",
            "params": {"title": "{title}", "new": False, "repeat": "{repeat}"},
        },
    ),
    Prototype(
        "calendar_edit_end",
        'Edit the event with title "{title}", change the end time to be {time_text}.',
        {"title": "event", "time": "time", "time_text": "text"},
        {
            "kind": "state",
            "goal": "event",
            "params": {"title": "{title}", "new": False, "end": "{time}"},
        },
    ),
    Prototype(
        "calendar_edit_all_day",
        'Edit the event titled "{title}" and make it an all-day event.',
        {"title": "event"},
        {
            "kind": "state",
            "goal": "event",
            "params": {"title": "{title}", "new": False, "all_day": True},
        },
    ),
)


def _spoken_date(day: dt.date) -> str:
    return "today" if day == data.TODAY else f"{day:%B} {day.day}"


def ground(
    conn: sqlite3.Connection, rng: np.random.Generator, prototype: Prototype
) -> dict[str, Any] | None:
    """A filling of ``prototype`` from the events in ``conn``: new events get a title the
    calendar does not hold; edits pick an event whose title is unique, with a change it
    does not have yet."""
    rows = [dict(r) for r in conn.execute("SELECT * FROM events WHERE seeded = 1 ORDER BY id")]
    titles = [r["title"] for r in rows]
    unique = [r for r in rows if titles.count(r["title"]) == 1 and r["title"] != "Today"]
    day = data.TODAY + dt.timedelta(days=int(rng.integers(0, 40)))
    minutes = int(rng.integers(8, 21)) * 60 + int(rng.choice([0, 15, 30, 45]))
    filling: dict[str, Any] = {
        "date": day.isoformat(),
        "date_text": _spoken_date(day),
        "time": f"{minutes // 60:02d}:{minutes % 60:02d}",
        "time_text": data.time_text(minutes).replace(" ", ""),
        "note": NOTES[int(rng.integers(len(NOTES)))],
    }
    if prototype.id.startswith("calendar_new"):
        free = [t for t in NEW_TITLES if t not in titles]
        filling["title"] = free[int(rng.integers(len(free)))]
        reminder = int(rng.choice([5, 10, 15, 30]))
        filling.update(reminder=str(reminder), reminder_text=data.reminder_text(reminder))
        return filling
    if not unique:
        return None
    target = unique[int(rng.integers(len(unique)))]
    filling["title"] = target["title"]
    if prototype.id == "calendar_edit_repeat":
        options = [r for r in data.REPEATS if r != target["repeat"]]
        filling["repeat"] = options[int(rng.integers(len(options)))]
        filling["repeat_word"] = filling["repeat"].lower()
    elif prototype.id == "calendar_edit_end":
        end = min(target["start_min"] + int(rng.integers(2, 5)) * 30, 23 * 60 + 30)
        filling.update(time=f"{end // 60:02d}:{end % 60:02d}", time_text=data.time_text(end))
    elif prototype.id == "calendar_edit_all_day" and target["all_day"]:
        return None
    return filling


APP = PhoneApp(
    key="calendar",
    title="Calendar",
    start="/calendar/month",
    package="com.skuld.calendario",
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
