"""Android 13 Settings' screens: the pages AndroidLab's 23 tasks go through.

Most screens are lists of rows, so one template (``settings/page.html``) draws every page
from a list of rows built here: links, switches (the whole row toggles, as Android's
``SwitchPreference``), radio choices, sliders and headers. A slider is a row of steps: a tap
on a step sets the level there, as a tap on Android's seek bar track does (the agent taps
element centres, so each step is one element). Dialogs (rename, private DNS, date picker,
uninstall) are the page's ``dialog`` parameter. The strings AndroidLab's judges search for
(evaluation/tasks/setting/setting.py) are the rows' own titles.
"""

from __future__ import annotations

import calendar
import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vab_gym.envs.mobile.apps.settings import data
from vab_gym.envs.mobile.apps.settings.data import WIFI
from vab_gym.envs.mobile.phone.web import database, page, put_setting, redirect, url_with

Row = dict[str, Any]


def _values(conn: sqlite3.Connection) -> dict[str, str]:
    return {
        r["key"]: r["value"]
        for r in conn.execute("SELECT key, value FROM settings WHERE app = 'settings'")
    }


def link(title: str, href: str, summary: str = "", icon: str = "") -> Row:
    return {"kind": "link", "title": title, "href": href, "summary": summary, "icon": icon}


def switch(
    title: str, key: str, values: dict[str, str], summary: str = "", enabled: bool = True
) -> Row:
    return {
        "kind": "switch",
        "title": title,
        "key": key,
        "on": values[key] == "1",
        "summary": summary,
        "enabled": enabled,
    }


def choice(title: str, key: str, value: str, current: str) -> Row:
    return {
        "kind": "choice",
        "title": title,
        "key": key,
        "value": value,
        "selected": value == current,
    }


def slider(
    title: str, key: str, steps: list[int], current: int, unit: str = "", icon: str = ""
) -> Row:
    return {
        "kind": "slider",
        "title": title,
        "key": key,
        "steps": steps,
        "value": current,
        "unit": unit,
        "icon": icon,
    }


def header(title: str) -> Row:
    return {"kind": "header", "title": title}


def info(title: str, summary: str = "") -> Row:
    return {"kind": "info", "title": title, "summary": summary}


# -- the pages: name -> (title, parent page, rows) ---------------------------------------


def _main(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    rows = [
        link("Network & internet", "/settings/network", f"Mobile, {WIFI}, hotspot"),
        link("Connected devices", "/settings/connected", "Bluetooth, pairing"),
        link("Apps", "/settings/apps", "Recent apps, default apps"),
        link("Notifications", "/settings/notifications", "Notification history, conversations"),
        link("Battery", "/settings/battery", "100%"),
        link("Storage", "/settings/storage", f"{_used(conn)} used - {data.TOTAL_STORAGE}"),
        link("Sound & vibration", "/settings/sound", "Volume, haptics, Do Not Disturb"),
        link("Display", "/settings/display", "Dark theme, font size, brightness"),
        link("Security & privacy", "/settings/security", "App security, device lock"),
        link("Location", "/settings/location", "On - 3 apps have access to location"),
        link("System", "/settings/system", "Languages, gestures, time, backup"),
        link("About emulated device", "/settings/about", data.DEVICE_NAME),
    ]
    for row in rows:  # the category icons: a disc with the initial (Android draws glyphs)
        row["icon"] = row["title"][0]
    return rows


def _network(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    internet = (
        "Airplane mode"
        if v["airplane_mode"] == "1"
        else ("AndroidWifi" if v["wifi"] == "1" else "Networks available")
    )
    return [
        link("Internet", "/settings/internet", internet),
        link("Calls & SMS", "/settings/network", "T-Mobile"),
        link("SIMs", "/settings/network", "T-Mobile"),
        switch("Airplane mode", "airplane_mode", v),
        link("Hotspot & tethering", "/settings/network", "Off"),
        link("Data Saver", "/settings/network", "Off"),
        link("VPN", "/settings/network", "None"),
        link(
            "Private DNS",
            url_with("/settings/network", dialog="dns"),
            v["private_dns_host"] if v["private_dns_mode"] == "hostname" else v["private_dns_mode"],
        ),
    ]


def _internet(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    rows = [switch(WIFI, "wifi", v, enabled=v["airplane_mode"] == "0")]
    if v["wifi"] == "1" and v["airplane_mode"] == "0":
        rows += [info("AndroidWifi", "Connected"), info("Guest", "Saved")]
    return [
        *rows,
        link(
            "Network preferences",
            "/settings/wifi_prefs",
            f"{WIFI} turns back on automatically"
            if v["wifi_auto"] == "1"
            else f"{WIFI} doesn't turn back on automatically",
        ),
        link("Saved networks", "/settings/internet", "2 networks"),
    ]


def _wifi_prefs(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [
        switch(
            f"Turn on {WIFI} automatically",
            "wifi_auto",
            v,
            f"{WIFI} will turn back on near high\u2011quality saved networks, like your "
            "home network",
        ),
        switch(
            "Notify for public networks",
            "notify_open_networks",
            v,
            "Notify when a high\u2011quality public network is available",
        ),
        link("Install certificates", "/settings/wifi_prefs"),
    ]


def _connected(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [
        link("Pair new device", "/settings/pair", icon="+"),
        header("Saved devices"),
        info("No saved devices"),
        link(
            "Connection preferences", "/settings/connection_prefs", "Bluetooth, Android Auto, NFC"
        ),
    ]


def _connection_prefs(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [
        link("Bluetooth", "/settings/bluetooth", "On" if v["bluetooth"] == "1" else "Off"),
        link("Cast", "/settings/connection_prefs", "Not connected"),
        link("Printing", "/settings/connection_prefs", "1 print service on"),
        link("Android Auto", "/settings/connection_prefs", "Use apps on your car screen"),
    ]


def _bluetooth(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    rows = [switch("Use Bluetooth", "bluetooth", v)]
    if v["bluetooth"] == "1":
        rows += [
            link("Device name", url_with("/settings/bluetooth", dialog="rename"), v["bt_name"]),
            link("Pair new device", "/settings/pair", icon="+"),
        ]
    return [
        *rows,
        info(
            "",
            "When Bluetooth is turned on, your device can communicate with "
            "other nearby Bluetooth devices.",
        ),
    ]


def _pair(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    if v["bluetooth"] == "0":
        return [info("Bluetooth will turn on to pair"), switch("Use Bluetooth", "bluetooth", v)]
    return [
        link("Device name", url_with("/settings/pair", dialog="rename"), v["bt_name"]),
        header("Available devices"),
        info("Searching for devices…"),
        info("", f"Visible as “{v['bt_name']}” to other devices"),
    ]


def _apps(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    count = conn.execute("SELECT COUNT(*) FROM settings_apps").fetchone()[0]
    recent = [
        r["name"]
        for r in conn.execute(
            "SELECT name FROM settings_apps WHERE package IN ('us.zoom.videomeetings', "
            "'com.google.android.contacts', 'com.google.android.deskclock') ORDER BY name"
        )
    ]
    return [
        header("Recently opened apps"),
        *[link(name, "/settings/apps/" + _package(conn, name)) for name in recent],
        link(f"See all {count} apps", "/settings/apps/all"),
        header("General"),
        link(
            "Default apps",
            "/settings/default_apps",
            "Chrome, Phone, and Messages"
            if v["default_browser"] == "Chrome"
            else f"{v['default_browser']}, Phone, and Messages",
        ),
        link("Screen time", "/settings/apps", "Daily time in apps"),
        link("Special app access", "/settings/apps", "2 apps can use unrestricted data"),
    ]


def _default_apps(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [
        link("Browser app", "/settings/default_browser", v["default_browser"]),
        link("Caller ID & spam app", "/settings/default_apps", "Phone"),
        link("Home app", "/settings/default_apps", "Pixel Launcher"),
        link("Phone app", "/settings/default_apps", "Phone"),
        link("SMS app", "/settings/default_apps", "Messages"),
    ]


def _default_browser(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [choice(b, "default_browser", b, v["default_browser"]) for b in data.BROWSERS]


def _notifications(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [
        header("Manage"),
        link("App notifications", "/settings/app_notifications"),
        link("Notification history", "/settings/notifications"),
        header("Conversation"),
        link("Conversations", "/settings/notifications", "No priority conversations"),
        header("Privacy"),
        link(
            "Notifications on lock screen",
            "/settings/notifications",
            "Show conversations, default, and silent",
        ),
    ]


def _app_notifications(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    """The apps under "Allowed" and "Not allowed", each with its notifications switch."""
    apps = [dict(r) for r in conn.execute("SELECT * FROM settings_apps ORDER BY name")]
    rows: list[Row] = []
    for heading, allowed in (("Allowed", 1), ("Not allowed", 0)):
        rows.append(header(heading))
        rows += [
            {
                "kind": "app_switch",
                "title": a["name"],
                "package": a["package"],
                "on": bool(a["notifications"]),
            }
            for a in apps
            if a["notifications"] == allowed
        ]
    return rows


def _battery(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [
        info("100%", "Fully charged"),
        link("Battery usage", "/settings/battery"),
        switch("Battery Saver", "battery_saver", v, "Off"),
        link("Adaptive preferences", "/settings/battery"),
        switch(
            "Battery percentage", "battery_percentage", v, "Show battery percentage in status bar"
        ),
    ]


def _storage(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [
        info(f"{_used(conn)} used", f"Total {data.TOTAL_STORAGE}"),
        link("Free up space", "/settings/storage"),
        link("Apps", "/settings/apps/all", data.apps_storage(conn)),
        *[link(name, "/settings/storage", size) for name, size in data.STORAGE_OTHER],
    ]


def _sound(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    rows = [
        slider(title, key, list(range(low, high + 1)), int(v[key]))
        for key, (title, low, high) in data.VOLUMES.items()
    ]
    return [
        *rows,
        link(
            "Vibration & haptics",
            "/settings/vibration",
            "On" if v["ring_vibration"] == "1" or v["haptics"] == "1" else "Off",
        ),
        link("Do Not Disturb", "/settings/sound", "Off"),
        link("Phone ringtone", "/settings/sound", "The Big Adventure"),
        link("Default notification sound", "/settings/sound", "Popcorn"),
        link("Default alarm sound", "/settings/sound", "Bright Morning"),
    ]


def _vibration(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [switch("Ring vibration", "ring_vibration", v), switch("Touch feedback", "haptics", v)]


def _display(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [
        header("Brightness"),
        link("Brightness level", "/settings/brightness", f"{v['brightness']}%"),
        switch("Adaptive brightness", "adaptive_brightness", v),
        header("Lock display"),
        link("Lock screen", "/settings/display", "Show all notification content"),
        link("Screen timeout", "/settings/display", "After 1 minute of inactivity"),
        header("Appearance"),
        switch(
            "Dark theme",
            "dark_theme",
            v,
            "Will never turn on automatically"
            if v["dark_theme"] == "0"
            else "Will never turn off automatically",
        ),
        link("Font size", "/settings/display", "Default"),
        link("Display size", "/settings/display", "Default"),
    ]


def _brightness(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [
        slider(
            "Brightness", "brightness", list(data.BRIGHTNESS_STEPS), int(v["brightness"]), "%", "☀"
        ),
        info("Brightness level", f"{v['brightness']}%"),
    ]


def _security(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [
        link("App security", "/settings/security", "No harmful apps found"),
        link("Device lock", "/settings/security", "Screen lock is not set"),
        link("Privacy", "/settings/security", "Permissions, account activity"),
    ]


def _location(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [info("Use location", "On"), link("App location permissions", "/settings/location")]


def _system(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    first = conn.execute("SELECT name FROM settings_languages ORDER BY position").fetchone()
    return [
        link("Languages", "/settings/languages_input", first["name"] if first else ""),
        link("Keyboard", "/settings/system", "On-screen keyboard"),
        link("Gestures", "/settings/system"),
        link("Date & time", "/settings/datetime", "GMT+08:00"),
        link("Backup", "/settings/system", "Off"),
        link("Reset options", "/settings/system"),
    ]


def _languages_input(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    first = conn.execute("SELECT name FROM settings_languages ORDER BY position").fetchone()
    return [
        link("System languages", "/settings/languages", first["name"] if first else ""),
        link("App languages", "/settings/languages_input", "Choose the language for each app"),
        header("Speech"),
        link("Text-to-speech output", "/settings/tts", "Speech Services by Google"),
    ]


def _tts(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [
        link("Preferred engine", "/settings/tts", "Speech Services by Google"),
        link("Language", "/settings/tts_language", v["tts_language"]),
        info("Speech rate", "Normal"),
        info("Pitch", "Normal"),
        link("Play", "/settings/tts"),
        link("Reset", "/settings/tts"),
    ]


def _tts_language(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [choice(name, "tts_language", name, v["tts_language"]) for name in data.TTS_LANGUAGES]


def _datetime(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    auto = v["auto_time"] == "1"
    day = dt.date.fromisoformat(v["date"])
    date_row = link("Date", url_with("/settings/datetime", dialog="date"), _long_date(day))
    date_row["enabled"] = not auto
    return [
        switch("Set time automatically", "auto_time", v),
        date_row,
        info("Time", "12:00 PM"),
        header("Time zone"),
        switch("Set time zone automatically", "auto_zone", v),
        info("Time zone", data.TIME_ZONE),
        header("Time format"),
        info("Use locale default", "12:00 PM"),
    ]


def _about(v: dict[str, str], conn: sqlite3.Connection) -> list[Row]:
    return [
        info("Device name", data.DEVICE_NAME),
        info("Phone number", "+1 555-521-5554"),
        info("Android version", data.ANDROID_VERSION),
        info("Model", data.DEVICE_NAME),
        info("IP address", "10.0.2.16"),
        info("Build number", "TE1A.220922.010"),
    ]


Builder = Callable[[dict[str, str], sqlite3.Connection], list[Row]]
PAGES: dict[str, tuple[str, str, Builder]] = {  # page -> (title, parent, rows)
    "network": ("Network & internet", "/settings", _network),
    "internet": ("Internet", "/settings/network", _internet),
    "wifi_prefs": ("Network preferences", "/settings/internet", _wifi_prefs),
    "connected": ("Connected devices", "/settings", _connected),
    "connection_prefs": ("Connection preferences", "/settings/connected", _connection_prefs),
    "bluetooth": ("Bluetooth", "/settings/connection_prefs", _bluetooth),
    "pair": ("Pair new device", "/settings/connected", _pair),
    "apps": ("Apps", "/settings", _apps),
    "default_apps": ("Default apps", "/settings/apps", _default_apps),
    "default_browser": ("Default browser app", "/settings/default_apps", _default_browser),
    "notifications": ("Notifications", "/settings", _notifications),
    "app_notifications": ("App notifications", "/settings/notifications", _app_notifications),
    "battery": ("Battery", "/settings", _battery),
    "storage": ("Storage", "/settings", _storage),
    "sound": ("Sound & vibration", "/settings", _sound),
    "vibration": ("Vibration & haptics", "/settings/sound", _vibration),
    "display": ("Display", "/settings", _display),
    "brightness": ("Brightness level", "/settings/display", _brightness),
    "security": ("Security & privacy", "/settings", _security),
    "location": ("Location", "/settings", _location),
    "system": ("System", "/settings", _system),
    "languages_input": ("Languages & input", "/settings/system", _languages_input),
    "tts": ("Text-to-speech output", "/settings/languages_input", _tts),
    "tts_language": ("Language", "/settings/tts", _tts_language),
    "datetime": ("Date & time", "/settings/system", _datetime),
    "about": ("About emulated device", "/settings", _about),
}
# What a switch or choice may set (the date, DNS and device name have their own forms).
CHOICES: dict[str, tuple[str, ...]] = {
    **{key: ("0", "1") for key in data.SWITCHES},
    "default_browser": data.BROWSERS,
    "tts_language": data.TTS_LANGUAGES,
    "brightness": tuple(str(s) for s in data.BRIGHTNESS_STEPS),
    **{
        key: tuple(str(n) for n in range(low, high + 1))
        for key, (_title, low, high) in data.VOLUMES.items()
    },
}


def _used(conn: sqlite3.Connection) -> str:
    apps = conn.execute("SELECT COALESCE(SUM(storage_mb), 0) FROM settings_apps").fetchone()[0]
    return data.size_text(apps + 6300 + 17.6)  # apps, System's 6.3 GB, images and documents


def _long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"  # "May 1, 2024", as setting_12's judge reads


def _package(conn: sqlite3.Connection, name: str) -> str:
    row = conn.execute("SELECT package FROM settings_apps WHERE name = ?", (name,)).fetchone()
    return row["package"] if row else ""


def _body(values: dict[str, str]) -> str:
    return "dark" if values.get("dark_theme") == "1" else ""


def _month_grid(month: dt.date) -> list[list[dt.date | None]]:
    weeks = calendar.Calendar(firstweekday=6).monthdatescalendar(month.year, month.month)
    return [[d if d.month == month.month else None for d in week] for week in weeks]


# -- routes --------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    with database(request) as conn:
        values = _values(conn)
        rows = _main(values, conn)
    return page(
        request,
        "settings/page.html",
        title="Settings",
        back="/",
        rows=rows,
        main=True,
        here="/settings",
        dialog="",
        body=_body(values),
    )


async def settings_page(request: Request) -> Response:
    name = request.path_params["page"]
    if name not in PAGES:
        return redirect("/settings")
    title, parent, build = PAGES[name]
    q = request.query_params
    dialog = q.get("dialog", "")
    with database(request) as conn:
        values = _values(conn)
        rows = build(values, conn)
    context: dict[str, Any] = {}
    if dialog == "date":
        picked = _iso(q.get("picked")) or dt.date.fromisoformat(values["date"])
        month = _iso((q.get("month") or "") + "-01") or picked.replace(day=1)
        context = {
            "picked": picked,
            "month": month,
            "weeks": _month_grid(month),
            "prev_month": (month - dt.timedelta(days=1)).replace(day=1),
            "next_month": (month + dt.timedelta(days=32)).replace(day=1),
        }
    here = f"/settings/{name}"
    return page(
        request,
        "settings/page.html",
        title=title,
        back=parent,
        rows=rows,
        main=False,
        here=here,
        dialog=dialog,
        values=values,
        body=_body(values),
        **context,
    )


def _iso(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


def _next(form: Any, default: str) -> str:
    target = str(form.get("next") or "")
    return target if target.startswith("/settings") else default


async def set_value(request: Request) -> Response:
    """A switch, choice or slider step: ``key`` = ``value``, then back to ``next``."""
    form = await request.form()
    key, value = str(form.get("key", "")), str(form.get("value", ""))
    with database(request) as conn:
        if value in CHOICES.get(key, ()):
            put_setting(conn, "settings", key, value)
            if key == "airplane_mode":  # airplane mode turns the radios off, and back on
                put_setting(conn, "settings", "wifi", "0" if value == "1" else "1")
    return redirect(_next(form, "/settings"))


async def rename(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("name", "")).strip()
    with database(request) as conn:
        if name:
            put_setting(conn, "settings", "bt_name", name)
    return redirect(_next(form, "/settings/connected"))


async def private_dns(request: Request) -> Response:
    form = await request.form()
    mode, host = str(form.get("mode", "")), str(form.get("host", "")).strip()
    if mode not in ("Off", "Automatic", "hostname") or (mode == "hostname" and not host):
        return redirect("/settings/network?dialog=dns")  # Android keeps the dialog open
    with database(request) as conn:
        put_setting(conn, "settings", "private_dns_mode", mode)
        if mode == "hostname":
            put_setting(conn, "settings", "private_dns_host", host)
    return redirect("/settings/network")


async def set_date(request: Request) -> Response:
    form = await request.form()
    day = _iso(form.get("date"))
    with database(request) as conn:
        if day is not None and _values(conn)["auto_time"] == "0":
            put_setting(conn, "settings", "date", day.isoformat())
    return redirect("/settings/datetime")


async def all_apps(request: Request) -> Response:
    with database(request) as conn:
        values = _values(conn)
        apps = [dict(r) for r in conn.execute("SELECT * FROM settings_apps ORDER BY name")]
    rows = [
        link(a["name"], f"/settings/apps/{a['package']}", data.size_text(a["storage_mb"]))
        for a in apps
    ]
    return page(
        request,
        "settings/page.html",
        title="All apps",
        back="/settings/apps",
        rows=rows,
        main=False,
        here="/settings/apps/all",
        dialog="",
        body=_body(values),
    )


async def app_info(request: Request) -> Response:
    package = request.path_params["package"]
    with database(request) as conn:
        values = _values(conn)
        row = conn.execute("SELECT * FROM settings_apps WHERE package = ?", (package,)).fetchone()
    if row is None:
        return redirect("/settings/apps/all")
    app = dict(row)
    rows = [
        link(
            "Notifications",
            f"/settings/apps/{package}/notifications",
            "On" if app["notifications"] else "Off",
        ),
        link("Permissions", f"/settings/apps/{package}", "No permissions requested"),
        link(
            "Storage & cache",
            f"/settings/apps/{package}",
            f"{data.size_text(app['storage_mb'])} used in internal storage",
        ),
        link("Mobile data & Wi\u2011Fi", f"/settings/apps/{package}", "No data used"),
        link("Screen time", f"/settings/apps/{package}", "0 minutes today"),
        link("Open by default", f"/settings/apps/{package}", "Allow app to open supported links"),
    ]
    here = f"/settings/apps/{package}"
    return page(
        request,
        "settings/app_info.html",
        app=app,
        rows=rows,
        here=here,
        dialog=request.query_params.get("dialog", ""),
        body=_body(values),
        system=package == "com.android.settings",
    )


async def app_notifications(request: Request) -> Response:
    package = request.path_params["package"]
    with database(request) as conn:
        values = _values(conn)
        row = conn.execute("SELECT * FROM settings_apps WHERE package = ?", (package,)).fetchone()
    if row is None:
        return redirect("/settings/apps/all")
    app = dict(row)
    rows = [
        {
            "kind": "app_switch",
            "title": f"All {app['name']} notifications",
            "package": package,
            "on": bool(app["notifications"]),
        },
        info(
            "",
            "Notifications from this app are turned off"
            if not app["notifications"]
            else "Notification categories appear here",
        ),
    ]
    here = f"/settings/apps/{package}/notifications"
    return page(
        request,
        "settings/page.html",
        title="App notifications",
        back=f"/settings/apps/{package}",
        rows=rows,
        main=False,
        here=here,
        dialog="",
        body=_body(values),
    )


async def app_change(request: Request) -> Response:
    package, what = request.path_params["package"], request.path_params["what"]
    form = await request.form()
    with database(request) as conn:
        if what == "notify":
            conn.execute(
                "UPDATE settings_apps SET notifications = 1 - notifications WHERE package = ?",
                (package,),
            )
        elif what == "uninstall" and package != "com.android.settings":
            conn.execute("DELETE FROM settings_apps WHERE package = ?", (package,))
            return redirect("/settings/apps/all")
    return redirect(_next(form, f"/settings/apps/{package}"))


async def languages(request: Request) -> Response:
    with database(request) as conn:
        values = _values(conn)
        chosen = [
            r["name"] for r in conn.execute("SELECT name FROM settings_languages ORDER BY position")
        ]
    return page(
        request,
        "settings/languages.html",
        chosen=chosen,
        body=_body(values),
        adding=False,
        locales=[],
    )


async def add_language_page(request: Request) -> Response:
    with database(request) as conn:
        values = _values(conn)
        chosen = {r["name"] for r in conn.execute("SELECT name FROM settings_languages")}
    return page(
        request,
        "settings/languages.html",
        chosen=[],
        body=_body(values),
        adding=True,
        locales=[name for name in data.LOCALES if name not in chosen],
    )


async def add_language(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("name", ""))
    with database(request) as conn:
        if name in data.LOCALES:
            last = conn.execute(
                "SELECT COALESCE(MAX(position), 0) FROM settings_languages"
            ).fetchone()[0]
            conn.execute("INSERT OR IGNORE INTO settings_languages VALUES (?, ?)", (last + 1, name))
    return redirect("/settings/languages")


async def search(request: Request) -> Response:
    with database(request) as conn:
        values = _values(conn)
    entries = [(title, f"/settings/{name}") for name, (title, _p, _b) in PAGES.items()]
    extra = [
        (f"Turn on {WIFI} automatically", "/settings/wifi_prefs"),
        ("Airplane mode", "/settings/network"),
        ("Private DNS", "/settings/network"),
        ("Battery percentage", "/settings/battery"),
        ("Dark theme", "/settings/display"),
        ("Ring vibration", "/settings/vibration"),
        ("Alarm volume", "/settings/sound"),
        ("Ring & notification volume", "/settings/sound"),
        ("Android version", "/settings/about"),
        ("Time zone", "/settings/datetime"),
        ("See all apps", "/settings/apps/all"),
        ("System languages", "/settings/languages"),
    ]
    return page(
        request, "settings/search.html", entries=sorted(entries + extra), body=_body(values)
    )


def routes() -> list[Route]:
    return [
        Route("/settings", home),
        Route("/settings/search", search),
        Route("/settings/set", set_value, methods=["POST"]),
        Route("/settings/rename", rename, methods=["POST"]),
        Route("/settings/dns", private_dns, methods=["POST"]),
        Route("/settings/date", set_date, methods=["POST"]),
        Route("/settings/languages", languages),
        Route("/settings/languages/add", add_language_page),
        Route("/settings/languages/add", add_language, methods=["POST"]),
        Route("/settings/apps/all", all_apps),
        Route("/settings/apps/{package}", app_info),
        Route("/settings/apps/{package}/notifications", app_notifications),
        Route("/settings/apps/{package}/{what}", app_change, methods=["POST"]),
        Route("/settings/{page}", settings_page),
    ]
