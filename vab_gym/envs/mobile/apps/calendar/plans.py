"""The solver's plan for Calendar's goal, through the public actions: open the event from
the schedule (or the new-event button), set each asked field in the edit form, save."""

from __future__ import annotations

import datetime as dt

from vab_gym.core.actions import format_call
from vab_gym.envs.mobile.apps.calendar import data
from vab_gym.envs.mobile.judge import minutes_of
from vab_gym.envs.mobile.solver import MobileSolver, NotOnScreen, Plan


def event(
    solver: MobileSolver,
    title: str | None = None,
    new: bool | None = None,
    day: str | None = None,
    start: str | None = None,
    end: str | None = None,
    all_day: bool | None = None,
    repeat: str | None = None,
    reminders: list[int] | None = None,
    note: str | None = None,
) -> Plan:
    if new is False:
        yield from solver.tap(lambda e: e.text == "Schedule", "Schedule tab")
        yield from solver.tap(
            lambda e: e.clickable and e.content.startswith(f"{title} "), repr(title)
        )
        yield from solver.tap_named("Edit event")
    else:
        yield from solver.tap_named("New event")
        if title is not None:
            yield from solver.fill("Title", title)
    if day is not None and not solver.on_screen(f"Start date {data.day_text(day)}"):
        yield from solver.tap(lambda e: e.desc.startswith("Start date "), "Start date")
        yield from solver.fill("Date", f"{dt.date.fromisoformat(day):%m/%d/%Y}")
        yield from solver.tap_named("OK")
    if all_day is not None:
        switch = yield from solver.find(lambda e: e.desc == "All-day", "All-day switch")
        if solver.elements()[switch - 1].checked != all_day:
            yield format_call("tap", [switch])
    for row, value in (("Start time", start), ("End time", end)):
        if value is None or solver.on_screen(f"{row} {data.time_text(minutes_of(value))}"):
            continue
        yield from solver.tap(lambda e, r=row: e.desc.startswith(f"{r} "), row)
        yield from solver.pick_time(minutes_of(value))
    if repeat is not None and not solver.on_screen(f"Repeat {repeat or 'Does not repeat'}"):
        yield from solver.tap(lambda e: e.desc.startswith("Repeat "), "Repeat")
        yield from solver.tap(
            lambda e: (
                e.cls == "RadioButton" and (repeat or "Does not repeat") in (e.text, e.content)
            ),
            repeat,
        )
    if reminders is not None:
        reminders = [int(m) for m in reminders]  # a prototype's filling gives strings
        for _ in range(len(data.REMINDER_CHOICES)):  # drop the notifications not asked for
            extra = solver.index(
                lambda e: (
                    e.desc.startswith("Remove notification ")
                    and e.desc.removeprefix("Remove notification ")
                    not in [data.reminder_text(m) for m in reminders]
                )
            )
            if extra is None:
                break
            yield format_call("tap", [extra])
        for minutes in reminders:
            text = data.reminder_text(minutes)
            if solver.on_screen(f"Remove notification {text}"):
                continue
            yield from solver.tap_named("Add notification")
            yield from solver.tap(lambda e, t=text: e.clickable and e.content == t, text)
    if note is not None:
        field = yield from solver.find(lambda e: e.editable and e.desc == "Note", "Note")
        if solver.elements()[field - 1].text != note:
            yield format_call("tap", [field])
            yield format_call("text", [note])
    if solver.index(lambda e: e.text == "Save") is None:
        raise NotOnScreen("Save")
    yield from solver.tap_named("Save")
    yield "finish()"


PLANS = {"event": event}
