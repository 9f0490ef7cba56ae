"""Calendar's judge goal: an event with the attributes a task asks for.

AndroidLab's calendar judges (evaluation/tasks/calendar/calendar.py, SingleTask_calendar_N)
look for the title, then the date ("Today", "May 21"), the time, the reminder ("N minutes
before"), the note or the repeat on the judged screen; here the same sub-goals are read from
the events table. ``new`` is True for "arrange an event" (a row the seed did not write),
False for "edit the event" (a seeded row), None for either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vab_gym.envs.mobile.apps.calendar import data
from vab_gym.envs.mobile.judge import State, SubGoals, minutes_of


def event(
    state: State,
    title: str | None = None,
    new: bool | None = None,
    day: str | None = None,
    start: str | None = None,
    end: str | None = None,
    all_day: bool | None = None,
    repeat: str | None = None,
    reminders: list[int] | None = None,
    note: str | None = None,
) -> SubGoals:
    """The best-matching event (titled ``title`` when given) and each asked attribute."""
    wanted: list[tuple[str, Callable[[dict[str, Any]], bool]]] = []
    if day is not None:
        wanted.append((f"on {data.day_text(day)}", lambda e: e["starts_on"] == day))
    if start is not None:
        wanted.append(
            (
                f"starts at {data.time_text(minutes_of(start))}",
                lambda e: not e["all_day"] and e["start_min"] == minutes_of(start),
            )
        )
    if end is not None:
        wanted.append(
            (
                f"ends at {data.time_text(minutes_of(end))}",
                lambda e: not e["all_day"] and e["end_min"] == minutes_of(end),
            )
        )
    if all_day is not None:
        wanted.append(
            ("all-day" if all_day else "not all-day", lambda e: bool(e["all_day"]) == all_day)
        )
    if repeat is not None:
        wanted.append((f"repeats {repeat or 'never'}", lambda e: e["repeat"] == repeat))
    if reminders is not None:
        reminders = sorted(int(m) for m in reminders)  # a prototype's filling gives strings
        texts = ", ".join(data.reminder_text(m) for m in sorted(reminders)) or "none"
        wanted.append(
            (f"notifications {texts}", lambda e: data.reminder_list(e["reminders"]) == reminders)
        )
    if note is not None:
        wanted.append(
            (f"note {note!r}", lambda e: e["note"].strip().casefold() == note.strip().casefold())
        )
    where, args = [], []
    if title is not None:
        where.append("title = ?")
        args.append(title)
    if new is not None:
        where.append("seeded = ?")
        args.append(0 if new else 1)
    rows = state.sql(
        "SELECT * FROM events" + (" WHERE " + " AND ".join(where) if where else ""), tuple(args)
    )
    best = max(rows, key=lambda e: sum(check(e) for _, check in wanted), default=None)
    named = f"{'a new' if new else 'the' if new is False else 'an'} event" + (
        f" {title!r}" if title is not None else ""
    )
    return [(named, best is not None)] + [
        (name, best is not None and check(best)) for name, check in wanted
    ]


GOALS = {"event": event}
