"""Calendar's screens: month, day and schedule views, an event's page and its edit form.

The edit form keeps the event being written in the page (hidden fields and the title and
note fields); each of its rows (dates, times, repeat, notifications) posts the form back and
gets it again with that row's dialog open, as the contact form's "Add phone" does, so
nothing typed is lost. Save writes the event.
"""

from __future__ import annotations

import calendar as cal
import datetime as dt
import sqlite3
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.envs.mobile.apps.calendar import data
from vab_gym.envs.mobile.phone import formats
from vab_gym.envs.mobile.phone.web import database, page, picked_minutes, redirect, to_int

VIEWS = ("month", "day", "schedule")


def _day(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return data.TODAY


def _shown(event: dict[str, Any]) -> dict[str, Any]:
    event["date_text"] = data.day_text(event["starts_on"])
    event["time_text"] = (
        "All day"
        if event["all_day"]
        else (f"{data.time_text(event['start_min'])} – {data.time_text(event['end_min'])}")
    )
    event["reminder_texts"] = [
        data.reminder_text(m)
        for m in data.reminder_list(
            event["reminders"]
            if isinstance(event["reminders"], str)
            else ",".join(map(str, event["reminders"]))
        )
    ]
    return event


def _events(conn: sqlite3.Connection, day: dt.date | None = None) -> list[dict[str, Any]]:
    where, args = ("WHERE starts_on = ?", (day.isoformat(),)) if day else ("", ())
    return [
        _shown(dict(r))
        for r in conn.execute(
            f"SELECT * FROM events {where} ORDER BY starts_on, all_day DESC, start_min, id", args
        )
    ]


async def view(request: Request) -> Response:
    name = request.path_params["view"]
    if name not in VIEWS:
        return redirect("/calendar/month")
    day = _day(request.query_params.get("day", ""))
    with database(request) as conn:
        events = _events(conn, None if name == "schedule" else day)
        busy = {r["starts_on"] for r in conn.execute("SELECT DISTINCT starts_on FROM events")}
    first = day.replace(day=1)
    weeks = cal.Calendar(firstweekday=6).monthdatescalendar(day.year, day.month)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    days: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        days.setdefault(event["starts_on"], []).append(event)
    return page(
        request,
        "calendar/calendar.html",
        view=name,
        views=VIEWS,
        day=day,
        today=data.TODAY,
        weeks=weeks,
        busy=busy,
        events=events,
        by_day=[(data.day_text(d), evs) for d, evs in days.items()],
        previous=previous,
        following=following,
        previous_day=day - dt.timedelta(days=1),
        next_day=day + dt.timedelta(days=1),
        day_title=data.day_text(day.isoformat()),
        month_title=f"{first:%B %Y}",
    )


async def event_page(request: Request) -> Response:
    with database(request) as conn:
        row = conn.execute(
            "SELECT * FROM events WHERE id = ?", (to_int(request.path_params["id"]),)
        ).fetchone()
    if row is None:
        return redirect("/calendar/month")
    return page(
        request,
        "calendar/event.html",
        event=_shown(dict(row)),
        menu=request.query_params.get("menu") == "1",
    )


async def delete(request: Request) -> Response:
    with database(request) as conn:
        conn.execute("DELETE FROM events WHERE id = ?", (to_int(request.path_params["id"]),))
    return redirect("/calendar/month")


def _blank(day: dt.date) -> dict[str, Any]:
    return {
        "id": 0,
        "title": "",
        "starts_on": day.isoformat(),
        "start_min": 13 * 60,
        "ends_on": day.isoformat(),
        "end_min": 14 * 60,
        "all_day": 0,
        "repeat": "",
        "reminders": [],
        "note": "",
    }


async def new(request: Request) -> Response:
    return _form(request, _blank(_day(request.query_params.get("day", ""))))


async def edit(request: Request) -> Response:
    with database(request) as conn:
        row = conn.execute(
            "SELECT * FROM events WHERE id = ?", (to_int(request.path_params["id"]),)
        ).fetchone()
    if row is None:
        return redirect("/calendar/month")
    event = dict(row)
    event["reminders"] = data.reminder_list(event["reminders"])
    return _form(request, event)


def _form(request: Request, event: dict[str, Any], dialog: str = "", error: str = "") -> Response:
    shown = _shown(dict(event))
    return page(
        request,
        "calendar/form.html",
        event=event,
        dialog=dialog,
        error=error,
        start_day=data.day_text(event["starts_on"]),
        end_day=data.day_text(event["ends_on"]),
        start_time=data.time_text(event["start_min"]),
        end_time=data.time_text(event["end_min"]),
        reminders=[(m, data.reminder_text(m)) for m in event["reminders"]],
        reminder_texts=shown["reminder_texts"],
        repeats=data.REPEATS,
        choices=[
            (m, data.reminder_text(m)) for m in data.REMINDER_CHOICES if m not in event["reminders"]
        ],
    )


def _draft(form: FormData) -> dict[str, Any]:
    return {
        "id": to_int(form.get("id")),
        "title": str(form.get("title", "")),
        "starts_on": _day(form.get("starts_on")).isoformat(),
        "start_min": to_int(form.get("start_min"), 13 * 60) % (24 * 60),
        "ends_on": _day(form.get("ends_on")).isoformat(),
        "end_min": to_int(form.get("end_min"), 14 * 60) % (24 * 60),
        "all_day": 1 if form.get("all_day") == "1" else 0,
        "repeat": str(form.get("repeat", "")) if form.get("repeat") in data.REPEATS else "",
        "reminders": data.reminder_list(str(form.get("reminders", ""))),
        "note": str(form.get("note", "")),
    }


async def submit(request: Request) -> Response:
    """Every button of the edit form: ``open:<dialog>``, a dialog's choice, or ``save``."""
    form = await request.form()
    event = _draft(form)
    action, _, arg = str(form.get("action", "")).partition(":")
    if action == "open":
        return _form(request, event, dialog=arg)
    if action == "date":
        picked = formats.parse_date(str(form.get("date_text", "")))
        if picked is None:
            return _form(request, event, dialog=f"{arg}_date", error="Invalid date")
        if arg == "start":
            length = _day(event["ends_on"]) - _day(event["starts_on"])
            event["starts_on"] = picked
            event["ends_on"] = (_day(picked) + length).isoformat()
        else:
            event["ends_on"] = max(picked, event["starts_on"])
    elif action == "time":
        minutes = picked_minutes(form)
        if minutes is None:
            return _form(request, event, dialog=f"{arg}_time", error="Invalid time")
        if arg == "start":  # the end keeps the event's length, as Android calendars do
            length = (event["end_min"] - event["start_min"]) % (24 * 60) or 60
            event["start_min"], event["end_min"] = minutes, (minutes + length) % (24 * 60)
        else:
            event["end_min"] = minutes
    elif action == "repeat":
        event["repeat"] = arg if arg in data.REPEATS else ""
    elif action == "remind":
        event["reminders"] = sorted({*event["reminders"], to_int(arg)})
    elif action == "unremind":
        event["reminders"] = [m for m in event["reminders"] if m != to_int(arg)]
    elif action == "allday":
        event["all_day"] = 1 - event["all_day"]
    elif action == "save":
        return _save(request, event)
    return _form(request, event)


def _save(request: Request, event: dict[str, Any]) -> Response:
    values = (
        event["title"].strip() or "(No title)",
        event["starts_on"],
        event["start_min"],
        event["ends_on"],
        event["end_min"],
        event["all_day"],
        event["repeat"],
        ",".join(map(str, event["reminders"])),
        event["note"].strip(),
    )
    with database(request) as conn:
        if event["id"]:
            conn.execute(
                "UPDATE events SET title = ?, starts_on = ?, start_min = ?, ends_on = ?,"
                " end_min = ?, all_day = ?, repeat = ?, reminders = ?, note = ? "
                "WHERE id = ?",
                (*values, event["id"]),
            )
            saved = event["id"]
        else:
            saved = conn.execute(
                "INSERT INTO events (title, starts_on, start_min, ends_on, end_min, all_day, "
                "repeat, reminders, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            ).lastrowid
    return redirect(f"/calendar/event/{saved}")


def routes() -> list[Route]:
    return [
        Route("/calendar", lambda request: redirect("/calendar/month")),
        Route("/calendar/new", new),
        Route("/calendar/form", submit, methods=["POST"]),
        Route("/calendar/event/{id:int}", event_page),
        Route("/calendar/event/{id:int}/edit", edit),
        Route("/calendar/event/{id:int}/delete", delete, methods=["POST"]),
        Route("/calendar/{view}", view),
    ]
