"""The solver's plans for Settings' goals: open the page by its rows' titles, then work the
switch, choice, slider step or dialog found there by its text, as a person would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from vab_gym.core.actions import format_call
from vab_gym.envs.mobile.apps.settings.data import VOLUMES, WIFI
from vab_gym.envs.mobile.solver import MobileSolver, NotOnScreen

Plan = Iterator[str]
AUTO_WIFI = f"Turn on {WIFI} automatically"
# key -> (the rows tapped from Settings' main page, the control: switch title, slider, ...)
WHERE: dict[str, tuple[tuple[str, ...], str]] = {
    "airplane_mode": (("Network & internet",), "switch:Airplane mode"),
    "wifi": (("Network & internet", "Internet"), f"switch:{WIFI}"),
    "wifi_auto": (("Network & internet", "Internet", "Network preferences"), f"switch:{AUTO_WIFI}"),
    "bluetooth": (
        ("Connected devices", "Connection preferences", "Bluetooth"),
        "switch:Use Bluetooth",
    ),
    "bt_name": (("Connected devices", "Pair new device"), "rename"),
    "battery_percentage": (("Battery",), "switch:Battery percentage"),
    "battery_saver": (("Battery",), "switch:Battery Saver"),
    "dark_theme": (("Display",), "switch:Dark theme"),
    "adaptive_brightness": (("Display",), "switch:Adaptive brightness"),
    "brightness": (("Display", "Brightness level"), "step:Brightness {}%"),
    "ring_vibration": (("Sound & vibration", "Vibration & haptics"), "switch:Ring vibration"),
    "haptics": (("Sound & vibration", "Vibration & haptics"), "switch:Touch feedback"),
    "auto_time": (("System", "Date & time"), "switch:Set time automatically"),
    "date": (("System", "Date & time"), "date"),
    "default_browser": (("Apps", "Default apps", "Browser app"), "choice"),
    **{
        key: (("Sound & vibration",), f"step:{title} {{}}")
        for key, (title, _low, _high) in VOLUMES.items()
    },
}


def go(solver: MobileSolver, rows: tuple[str, ...]) -> Plan:
    for row in rows:
        yield from solver.tap_named(row)


def set_switch(solver: MobileSolver, title: str, on: bool) -> Plan:
    number = yield from solver.find(lambda e: e.cls == "Switch" and e.desc == title, title)
    if solver.elements()[number - 1].checked != on:
        yield format_call("tap", [number])


def device_setting(solver: MobileSolver, key: str, value: str) -> Plan:
    rows, control = WHERE[key]
    yield from go(solver, rows)
    kind, _, name = control.partition(":")
    if kind == "switch":
        yield from set_switch(solver, name, value == "1")
    elif kind == "step":
        step = name.format(value)
        yield from solver.tap(lambda e: e.desc == step, step)
    elif kind == "choice":
        yield from solver.tap_named(value)
    elif kind == "rename":
        yield from solver.tap(lambda e: e.text == "Device name", "Device name")
        yield from solver.fill("Device name", value)
        yield from solver.tap_named("Rename")
    elif kind == "date":
        yield from pick_date(solver, dt.date.fromisoformat(value))
    yield "finish()"


def pick_date(solver: MobileSolver, day: dt.date) -> Plan:
    yield from set_switch(solver, "Set time automatically", False)
    yield from solver.tap(lambda e: e.text == "Date", "Date")
    for _ in range(24):
        shown = next((e.text for e in solver.elements() if _month(e.text)), "")
        if not shown:
            raise NotOnScreen("the date picker's month")
        month = _month(shown)
        if (month.year, month.month) == (day.year, day.month):
            break
        arrow = "Next month" if month < day.replace(day=1) else "Previous month"
        yield from solver.tap_named(arrow)
    yield from solver.tap(lambda e: e.desc == f"{day:%d %B %Y}", f"{day:%d %B %Y}")
    yield from solver.tap_named("OK")


def _month(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%B %Y").date()
    except ValueError:
        return None


def private_dns(solver: MobileSolver, host: str) -> Plan:
    yield from go(solver, ("Network & internet", "Private DNS"))
    yield from solver.tap(
        lambda e: e.cls == "RadioButton" and e.text == "Private DNS provider hostname",
        "hostname mode",
    )
    yield from solver.fill("Enter hostname of DNS provider", host)
    yield from solver.tap_named("Save")
    yield "finish()"


def tts_language(solver: MobileSolver, language: str) -> Plan:
    yield from go(solver, ("System", "Languages", "Text-to-speech output", "Language"))
    yield from solver.tap(
        lambda e: (
            not e.editable
            and any(t == language or t.startswith(language + " (") for t in (e.text, e.content))
        ),
        language,
    )
    yield "finish()"


def system_language(solver: MobileSolver, name: str, position: int) -> Plan:
    yield from go(solver, ("System", "Languages", "System languages", "Add a language"))
    yield from solver.fill("Search languages", name.split(" (")[0])
    yield from solver.tap_named(name)
    yield "finish()"


def app_notifications(solver: MobileSolver, app: str, allowed: bool) -> Plan:
    yield from go(solver, ("Notifications", "App notifications"))
    yield from set_switch(solver, app, allowed)
    yield "finish()"


def app_installed(solver: MobileSolver, package: str, installed: bool) -> Plan:
    names = solver.env.sql("SELECT name FROM settings_apps WHERE package = ?", (package,))
    if names and not installed:
        yield from go(solver, ("Apps",))
        yield from solver.tap(lambda e: e.text.startswith("See all "), "See all apps")
        yield from solver.tap_named(names[0]["name"])
        yield from solver.tap_named("Uninstall")
        yield from solver.tap_named("OK")
    yield "finish()"


PLANS = {
    "device_setting": device_setting,
    "private_dns": private_dns,
    "tts_language": tts_language,
    "system_language": system_language,
    "app_notifications": app_notifications,
    "app_installed": app_installed,
}
