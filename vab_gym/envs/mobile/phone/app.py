"""The phone as an ASGI app: a launcher and AndroidLab's apps, each with its own screens.

Pages render on the server from Jinja2 templates; a change is a form posted and answered
with a redirect, so a screen depends only on the database and its URL (the one exception is
a message draft, saved as it is typed, as Android's Messages does). Each page names the
screen Android's Back goes to (``data-back`` on ``<body>``); the status bar shows the frozen
AndroidLab time. The request helpers every app uses are in :mod:`.web`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from vab_gym.envs.mobile.apps import by_key, installed
from vab_gym.envs.mobile.phone import formats, seed
from vab_gym.envs.mobile.phone.web import (
    database,
    local_path,
    page,
    picked_minutes,
    put_setting,
    redirect,
    setting,
    to_int,
)

HERE = Path(__file__).parent
# The launcher's icons: AndroidLab's nine apps (the yaml ``APP`` names they are asked by).
APPS = (
    ("clock", "Clock", "/clock/alarm"),
    ("contacts", "Contacts", "/contacts"),
    ("calendar", "Calendar", None),
    ("settings", "Settings", None),
    ("bluecoins", "Bluecoins", None),
    ("cantook", "Cantook", None),
    ("pimusic", "Pi Music Player", None),
    ("mapme", "Maps.me", None),
    ("zoom", "Zoom", None),
)
CLOCK_TABS = ("Alarm", "Clock", "Timer", "Stopwatch", "Bedtime")


def launcher() -> list[tuple[str, str, str | None]]:
    """The launcher's icons: (key, title, start screen or None while the app is missing)."""
    apps = by_key()
    return [(key, title, apps[key].start if key in apps else url) for key, title, url in APPS]


class Phone:
    """The routes of the launcher, Clock and Contacts (the other apps are packages under
    :mod:`vab_gym.envs.mobile.apps`)."""

    def page(self, request: Request, name: str, **context: Any) -> Response:
        return page(request, name, **context)

    # -- launcher --------------------------------------------------------------------------
    async def home(self, request: Request) -> Response:
        return self.page(request, "home.html", apps=launcher())

    async def missing(self, request: Request) -> Response:
        name = {key: title for key, title, _ in launcher()}.get(request.path_params["app"], "App")
        return self.page(request, "missing.html", title=name)

    # -- clock -----------------------------------------------------------------------------
    async def clock(self, request: Request) -> Response:
        tab = request.path_params["tab"]
        if tab not in [t.lower() for t in CLOCK_TABS]:
            return redirect("/clock/alarm")
        q = request.query_params
        with database(request) as conn:
            settings = {
                r["key"]: r["value"]
                for r in conn.execute("SELECT key, value FROM settings WHERE app = 'clock'")
            }
            alarms = [dict(r) for r in conn.execute("SELECT * FROM alarms ORDER BY minutes, id")]
            cities = [r["city"] for r in conn.execute("SELECT city FROM world_clocks ORDER BY id")]
        for alarm in alarms:
            alarm["summary"] = formats.days_summary(
                alarm["days"], alarm["minutes"], bool(alarm["enabled"])
            )
            alarm["day_set"] = formats.parse_days(alarm["days"])
        home = settings["home_time_zone"]
        offset = seed.CITIES[home]
        world = []
        for city in cities:
            diff = seed.CITIES[city] - offset
            minutes = seed.NOW.hour * 60 + seed.NOW.minute + round(diff * 60)
            world.append(
                {
                    "city": city,
                    "time": formats.clock_time(minutes),
                    "diff": _difference(diff, minutes),
                }
            )
        digits = settings["timer_digits"].rjust(6, "0")
        return self.page(
            request,
            "clock.html",
            tab=tab,
            tabs=CLOCK_TABS,
            alarms=alarms,
            expanded=to_int(q.get("expanded"), -1),
            dialog=q.get("dialog", ""),
            settings=settings,
            world=world,
            home=home,
            selected_city=q.get("select", ""),
            menu=q.get("menu") == "1",
            timer={"h": digits[:2], "m": digits[2:4], "s": digits[4:]},
            bedtime=int(settings["bedtime"]),
            wake_up=int(settings["wake_up"]),
            ringtones=seed.RINGTONES,
            sleep_sounds=seed.SLEEP_SOUNDS,
        )

    async def alarm_new(self, request: Request) -> Response:
        form = await request.form()
        minutes = picked_minutes(form)
        if minutes is None:
            return redirect("/clock/alarm?dialog=new")
        with database(request) as conn:
            new = conn.execute(
                "INSERT INTO alarms (minutes, label, days, enabled, vibrate, ringtone) "
                "VALUES (?, '', '', 1, 1, ?)",
                (minutes, seed.RINGTONES[0]),
            ).lastrowid
        return redirect(f"/clock/alarm?expanded={new}")

    async def alarm_change(self, request: Request) -> Response:
        alarm_id = to_int(request.path_params["id"])
        what = request.path_params["what"]
        form = await request.form()
        back = f"/clock/alarm?expanded={alarm_id}"
        with database(request) as conn:
            row = conn.execute("SELECT * FROM alarms WHERE id = ?", (alarm_id,)).fetchone()
            if row is None:
                return redirect("/clock/alarm")
            if what == "toggle":
                conn.execute("UPDATE alarms SET enabled = 1 - enabled WHERE id = ?", (alarm_id,))
                back = "/clock/alarm" + (f"?expanded={alarm_id}" if form.get("open") else "")
            elif what == "vibrate":
                conn.execute("UPDATE alarms SET vibrate = 1 - vibrate WHERE id = ?", (alarm_id,))
            elif what == "day":
                days = set(formats.parse_days(row["days"])) ^ {form.get("day", "")}
                days &= set(seed.DAYS)
                conn.execute(
                    "UPDATE alarms SET days = ?, enabled = 1 WHERE id = ?",
                    (",".join(d for d in seed.DAYS if d in days), alarm_id),
                )
            elif what == "label":
                conn.execute(
                    "UPDATE alarms SET label = ? WHERE id = ?",
                    (str(form.get("label", "")).strip(), alarm_id),
                )
            elif what == "time":
                minutes = picked_minutes(form)
                if minutes is None:
                    return redirect(f"{back}&dialog=time")
                conn.execute(
                    "UPDATE alarms SET minutes = ?, enabled = 1 WHERE id = ?", (minutes, alarm_id)
                )
            elif what == "ringtone":
                if form.get("ringtone") in seed.RINGTONES:
                    conn.execute(
                        "UPDATE alarms SET ringtone = ? WHERE id = ?", (form["ringtone"], alarm_id)
                    )
            elif what == "delete":
                conn.execute("DELETE FROM alarms WHERE id = ?", (alarm_id,))
                back = "/clock/alarm"
        return redirect(back)

    async def ringtones(self, request: Request) -> Response:
        alarm_id = to_int(request.path_params["id"])
        with database(request) as conn:
            row = conn.execute("SELECT * FROM alarms WHERE id = ?", (alarm_id,)).fetchone()
        if row is None:
            return redirect("/clock/alarm")
        return self.page(request, "ringtones.html", alarm=dict(row), ringtones=seed.RINGTONES)

    async def clock_set(self, request: Request) -> Response:
        """A Clock setting from a dialog or list: ``key`` and ``value``, then ``next``."""
        form = await request.form()
        key, value = str(form.get("key", "")), str(form.get("value", ""))
        choices = {
            "style": seed.CLOCK_STYLES,
            "home_time_zone": tuple(seed.CITIES),
            "silence_after": seed.SILENCE_AFTER,
            "sleep_sound": seed.SLEEP_SOUNDS,
            "wake_up_enabled": ("0", "1"),
        }
        with database(request) as conn:
            if key in choices and value in choices[key]:
                put_setting(conn, "clock", key, value)
            elif key in ("bedtime", "wake_up"):
                minutes = picked_minutes(form)
                if minutes is None:
                    return redirect(f"/clock/bedtime?dialog={key}")
                put_setting(conn, "clock", key, str(minutes))
        return redirect(local_path(form.get("next"), "/clock/alarm"))

    async def clock_settings(self, request: Request) -> Response:
        with database(request) as conn:
            settings = {
                r["key"]: r["value"]
                for r in conn.execute("SELECT key, value FROM settings WHERE app = 'clock'")
            }
        return self.page(
            request,
            "clock_settings.html",
            settings=settings,
            dialog=request.query_params.get("dialog", ""),
            styles=seed.CLOCK_STYLES,
            silences=seed.SILENCE_AFTER,
        )

    async def cities(self, request: Request) -> Response:
        """The city list, for the world clock (``for=world``) or the home time zone."""
        purpose = request.query_params.get("for", "world")
        return self.page(request, "cities.html", cities=sorted(seed.CITIES), purpose=purpose)

    async def world_change(self, request: Request) -> Response:
        form = await request.form()
        city = str(form.get("city", ""))
        with database(request) as conn:
            if request.path_params["what"] == "add" and city in seed.CITIES:
                conn.execute("INSERT OR IGNORE INTO world_clocks (city) VALUES (?)", (city,))
            elif request.path_params["what"] == "delete":
                conn.execute("DELETE FROM world_clocks WHERE city = ?", (city,))
        return redirect("/clock/clock")

    async def timer(self, request: Request) -> Response:
        form = await request.form()
        key = str(form.get("key", ""))
        with database(request) as conn:
            digits = setting(conn, "clock", "timer_digits")
            if key in ("0", "00", *"123456789"):
                digits = (digits + key).lstrip("0")[:6]  # leading zeros are not entered
            elif key == "delete":
                digits = digits[:-1]
            elif key == "start" and digits:
                put_setting(conn, "clock", "timer_running", "1")
            elif key == "stop":
                put_setting(conn, "clock", "timer_running", "0")
                digits = ""
            put_setting(conn, "clock", "timer_digits", digits)
        return redirect("/clock/timer")

    async def stopwatch(self, request: Request) -> Response:
        form = await request.form()
        with database(request) as conn:
            running = form.get("key") == "start"
            put_setting(conn, "clock", "stopwatch_running", "1" if running else "0")
        return redirect("/clock/stopwatch")

    # -- contacts --------------------------------------------------------------------------
    async def contacts(self, request: Request) -> Response:
        with database(request) as conn:
            people = [
                dict(r)
                for r in conn.execute(
                    "SELECT * FROM contacts ORDER BY first COLLATE NOCASE, last COLLATE NOCASE"
                )
            ]
            labels = [
                dict(r)
                for r in conn.execute(
                    "SELECT l.*, COUNT(m.contact_id) AS size FROM labels l "
                    "LEFT JOIN label_members m ON m.label_id = l.id GROUP BY l.id ORDER BY l.name"
                )
            ]
        for person in people:
            person["name"] = _name(person)
        q = request.query_params
        return self.page(
            request,
            "contacts.html",
            people=people,
            labels=labels,
            menu=q.get("menu") == "1",
            dialog=q.get("dialog", ""),
        )

    async def contact(self, request: Request) -> Response:
        cid = to_int(request.path_params["id"])
        with database(request) as conn:
            person = _contact(conn, cid)
        if person is None:
            return redirect("/contacts")
        q = request.query_params
        return self.page(
            request,
            "contact.html",
            person=person,
            menu=q.get("menu") == "1",
            dialog=q.get("dialog", ""),
        )

    async def contact_form(self, request: Request) -> Response:
        cid = to_int(request.path_params.get("id", 0))
        person: dict[str, Any] = {
            "id": 0,
            "first": "",
            "last": "",
            "company": "",
            "birthday": "",
            "website": "",
            "phones": [],
            "emails": [],
        }
        if cid:
            with database(request) as conn:
                found = _contact(conn, cid)
            if found is None:
                return redirect("/contacts")
            person = found
        person["birthday_text"] = (
            formats.long_date(person["birthday"]) if person["birthday"] else ""
        )
        phones = [*person["phones"], {"number": "", "type": "Mobile"}]
        emails = [*person["emails"], {"address": "", "type": "Home"}]
        return self.page(
            request,
            "contact_form.html",
            person=person,
            phones=phones,
            emails=emails,
            phone_types=seed.PHONE_TYPES,
            email_types=seed.EMAIL_TYPES,
        )

    async def contact_save(self, request: Request) -> Response:
        form = await request.form()
        cid = to_int(form.get("id"))
        person = {k: str(form.get(k, "")).strip() for k in ("first", "last", "company", "website")}
        birthday = str(form.get("birthday", "")).strip()
        person["birthday"] = formats.parse_date(birthday) or "" if birthday else ""
        phones = [
            (formats.digits_of(str(n)) if str(n).strip() else "", str(t))
            for n, t in zip(form.getlist("phone"), form.getlist("phone_type"), strict=False)
        ]
        emails = [
            (str(a).strip(), str(t))
            for a, t in zip(form.getlist("email"), form.getlist("email_type"), strict=False)
        ]
        if form.get("action") in ("add_phone", "add_email"):
            # Android adds an empty row at once; here the form comes back with what was typed
            # and one empty row of each kind.
            phones_rows = [{"number": n, "type": t} for n, t in phones if n]
            emails_rows = [{"address": a, "type": t} for a, t in emails if a]
            phones_rows.append({"number": "", "type": "Mobile"})
            emails_rows.append({"address": "", "type": "Home"})
            draft = {"id": cid, **person, "birthday_text": birthday}
            return self.page(
                request,
                "contact_form.html",
                person=draft,
                phones=phones_rows,
                emails=emails_rows,
                phone_types=seed.PHONE_TYPES,
                email_types=seed.EMAIL_TYPES,
            )
        if not (
            person["first"] or person["last"] or person["company"] or any(n for n, _ in phones)
        ):
            return redirect(f"/contacts/{cid}" if cid else "/contacts")  # Android discards it
        with database(request) as conn:
            if cid:
                conn.execute(
                    "UPDATE contacts SET first = :first, last = :last, "
                    "company = :company, birthday = :birthday, website = :website "
                    "WHERE id = :id",
                    {**person, "id": cid},
                )
                conn.execute("DELETE FROM phones WHERE contact_id = ?", (cid,))
                conn.execute("DELETE FROM emails WHERE contact_id = ?", (cid,))
            else:
                cid = conn.execute(
                    "INSERT INTO contacts (first, last, company, birthday, website) VALUES "
                    "(:first, :last, :company, :birthday, :website)",
                    person,
                ).lastrowid
            conn.executemany(
                "INSERT INTO phones (contact_id, number, type) VALUES (?, ?, ?)",
                [(cid, n, t if t in seed.PHONE_TYPES else "Mobile") for n, t in phones if n],
            )
            conn.executemany(
                "INSERT INTO emails (contact_id, address, type) VALUES (?, ?, ?)",
                [(cid, a, t if t in seed.EMAIL_TYPES else "Home") for a, t in emails if a],
            )
        return redirect(f"/contacts/{cid}")

    async def contact_delete(self, request: Request) -> Response:
        with database(request) as conn:
            conn.execute("DELETE FROM contacts WHERE id = ?", (to_int(request.path_params["id"]),))
        return redirect("/contacts")

    async def call(self, request: Request) -> Response:
        cid = to_int(request.path_params["id"])
        form = await request.form()
        with database(request) as conn:
            person = _contact(conn, cid)
            if person is None or not person["phones"]:
                return redirect("/contacts")
            number = str(form.get("number") or person["phones"][0]["number"])
            call_id = conn.execute(
                "INSERT INTO calls (contact_id, number, active) VALUES (?, ?, 1)", (cid, number)
            ).lastrowid
        return redirect(f"/contacts/call/{call_id}")

    async def call_screen(self, request: Request) -> Response:
        with database(request) as conn:
            row = conn.execute(
                "SELECT * FROM calls WHERE id = ?", (to_int(request.path_params["id"]),)
            ).fetchone()
            person = _contact(conn, row["contact_id"]) if row else None
        if person is None:
            return redirect("/contacts")
        return self.page(request, "call.html", call=dict(row), person=person)

    async def call_end(self, request: Request) -> Response:
        call_id = to_int(request.path_params["id"])
        with database(request) as conn:
            conn.execute("UPDATE calls SET active = 0 WHERE id = ?", (call_id,))
            row = conn.execute("SELECT contact_id FROM calls WHERE id = ?", (call_id,)).fetchone()
        return redirect(f"/contacts/{row['contact_id']}" if row else "/contacts")

    async def message(self, request: Request) -> Response:
        cid = to_int(request.path_params["id"])
        with database(request) as conn:
            person = _contact(conn, cid)
            rows = [
                dict(r)
                for r in conn.execute(
                    "SELECT * FROM messages WHERE contact_id = ? ORDER BY id", (cid,)
                )
            ]
        if person is None:
            return redirect("/contacts")
        draft = next((r["body"] for r in rows if not r["sent"]), "")
        return self.page(
            request, "message.html", person=person, draft=draft, sent=[r for r in rows if r["sent"]]
        )

    async def message_change(self, request: Request) -> Response:
        """``draft`` saves the compose field (as it is typed); ``send`` sends it."""
        cid = to_int(request.path_params["id"])
        form = await request.form()
        body = str(form.get("body", ""))
        with database(request) as conn:
            conn.execute("DELETE FROM messages WHERE contact_id = ? AND sent = 0", (cid,))
            if request.path_params["what"] == "send" and body.strip():
                conn.execute(
                    "INSERT INTO messages (contact_id, body, sent) VALUES (?, ?, 1)",
                    (cid, body.strip()),
                )
            elif body:
                conn.execute(
                    "INSERT INTO messages (contact_id, body, sent) VALUES (?, ?, 0)", (cid, body)
                )
        if request.path_params["what"] == "draft":
            return Response(status_code=204)
        return redirect(f"/contacts/{cid}/message")

    async def label_new(self, request: Request) -> Response:
        form = await request.form()
        name = str(form.get("name", "")).strip()
        if not name:
            return redirect("/contacts?menu=1")
        with database(request) as conn:
            conn.execute("INSERT OR IGNORE INTO labels (name) VALUES (?)", (name,))
            label_id = conn.execute("SELECT id FROM labels WHERE name = ?", (name,)).fetchone()[0]
        return redirect(f"/contacts/label/{label_id}")

    async def label(self, request: Request) -> Response:
        label_id = to_int(request.path_params["id"])
        with database(request) as conn:
            label = conn.execute("SELECT * FROM labels WHERE id = ?", (label_id,)).fetchone()
            if label is None:
                return redirect("/contacts")
            people = [
                dict(r)
                for r in conn.execute(
                    "SELECT c.* FROM contacts c JOIN label_members m ON m.contact_id = c.id "
                    "WHERE m.label_id = ? ORDER BY c.first COLLATE NOCASE",
                    (label_id,),
                )
            ]
            everyone = [
                dict(r)
                for r in conn.execute(
                    "SELECT * FROM contacts ORDER BY first COLLATE NOCASE, last COLLATE NOCASE"
                )
            ]
        for person in (*people, *everyone):
            person["name"] = _name(person)
        members = {p["id"] for p in people}
        return self.page(
            request,
            "label.html",
            label=dict(label),
            people=people,
            choosing=request.query_params.get("add") == "1",
            candidates=[p for p in everyone if p["id"] not in members],
        )

    async def label_add(self, request: Request) -> Response:
        label_id = to_int(request.path_params["id"])
        form = await request.form()
        with database(request) as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO label_members VALUES (?, ?)",
                [(label_id, to_int(c)) for c in form.getlist("contact")],
            )
        return redirect(f"/contacts/label/{label_id}")

    def routes(self) -> list:
        return [
            Route("/", self.home),
            Route("/app/{app}", self.missing),
            Route("/clock/settings", self.clock_settings),
            Route("/clock/cities", self.cities),
            Route("/clock/set", self.clock_set, methods=["POST"]),
            Route("/clock/timer/key", self.timer, methods=["POST"]),
            Route("/clock/stopwatch/key", self.stopwatch, methods=["POST"]),
            Route("/clock/world/{what}", self.world_change, methods=["POST"]),
            Route("/clock/alarm/new", self.alarm_new, methods=["POST"]),
            Route("/clock/alarm/{id:int}/ringtone", self.ringtones),
            Route("/clock/alarm/{id:int}/{what}", self.alarm_change, methods=["POST"]),
            Route("/clock/{tab}", self.clock),
            Route("/contacts", self.contacts),
            Route("/contacts/new", self.contact_form),
            Route("/contacts/save", self.contact_save, methods=["POST"]),
            Route("/contacts/label/new", self.label_new, methods=["POST"]),
            Route("/contacts/label/{id:int}", self.label),
            Route("/contacts/label/{id:int}/add", self.label_add, methods=["POST"]),
            Route("/contacts/call/{id:int}", self.call_screen),
            Route("/contacts/call/{id:int}/end", self.call_end, methods=["POST"]),
            Route("/contacts/{id:int}", self.contact),
            Route("/contacts/{id:int}/edit", self.contact_form),
            Route("/contacts/{id:int}/delete", self.contact_delete, methods=["POST"]),
            Route("/contacts/{id:int}/call", self.call, methods=["POST"]),
            Route("/contacts/{id:int}/message", self.message),
            Route("/contacts/{id:int}/message/{what}", self.message_change, methods=["POST"]),
            *[route for app in installed() for route in app.routes()],
            Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        ]


def _difference(hours: float, minutes: int) -> str:
    """The world clock's line under a city: ``Today, 6 hours behind``."""
    day = "Today" if 0 <= minutes < 24 * 60 else ("Yesterday" if minutes < 0 else "Tomorrow")
    if hours == 0:
        return f"{day}, same time"
    size = abs(hours)
    amount = f"{size:g} hour{'s' if size != 1 else ''}"
    return f"{day}, {amount} {'behind' if hours < 0 else 'ahead'}"


def _name(person: dict[str, Any]) -> str:
    return (
        " ".join(p for p in (person["first"], person["last"]) if p)
        or person["company"]
        or "(No name)"
    )


def _contact(conn: sqlite3.Connection, cid: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM contacts WHERE id = ?", (cid,)).fetchone()
    if row is None:
        return None
    person = dict(row)
    person["name"] = _name(person)
    person["phones"] = [
        dict(r)
        for r in conn.execute(
            "SELECT number, type FROM phones WHERE contact_id = ? ORDER BY id", (cid,)
        )
    ]
    person["emails"] = [
        dict(r)
        for r in conn.execute(
            "SELECT address, type FROM emails WHERE contact_id = ? ORDER BY id", (cid,)
        )
    ]
    person["labels"] = [
        r["name"]
        for r in conn.execute(
            "SELECT l.name FROM labels l JOIN label_members m ON m.label_id = l.id "
            "WHERE m.contact_id = ? ORDER BY l.name",
            (cid,),
        )
    ]
    return person


def create_app(db_path: str | Path) -> Starlette:
    app = Starlette(routes=Phone().routes())
    app.state.db_path = str(db_path)
    return app
