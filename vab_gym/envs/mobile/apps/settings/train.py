"""Settings' train-split prototypes (AndroidLab's phrasings with slots), their grounding in
the database and the seeded variations of the pristine data."""

from __future__ import annotations

import sqlite3
from typing import Any

import numpy as np

from vab_gym.core.templates import Prototype
from vab_gym.envs.mobile.apps.settings import data

SWITCH_TITLES = {  # key -> how a task names the switch
    "airplane_mode": "airplane mode",
    "bluetooth": "bluetooth",
    "battery_percentage": "battery percentage in status bar",
    "dark_theme": "Dark theme",
    "ring_vibration": "Ring vibration",
    "adaptive_brightness": "Adaptive brightness",
}
NAMES = ("my AVD", "Pixel Lab", "Office phone", "Test device", "Lab 7")
HOSTS = ("dns.google", "one.one.one.one", "dns.quad9.net", "dns.adguard.com")
ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}

PROTOTYPES = (
    Prototype(
        "settings_switch",
        "Turn {state} {title}",
        {"state": "on_off", "title": "switch", "key": "setting", "value": "flag"},
        {"kind": "state", "goal": "device_setting", "params": {"key": "{key}", "value": "{value}"}},
    ),
    Prototype(
        "settings_brightness",
        "Change my Brightness level to {level}%",
        {"level": "percent"},
        {
            "kind": "state",
            "goal": "device_setting",
            "params": {"key": "brightness", "value": "{level}"},
        },
    ),
    Prototype(
        "settings_volume",
        "Set my {volume} to {level}",
        {"volume": "volume", "key": "setting", "level": "step"},
        {"kind": "state", "goal": "device_setting", "params": {"key": "{key}", "value": "{level}"}},
    ),
    Prototype(
        "settings_bt_name",
        'change my bluetooth device name to "{name}"',
        {"name": "device_name"},
        {
            "kind": "state",
            "goal": "device_setting",
            "params": {"key": "bt_name", "value": "{name}"},
        },
    ),
    Prototype(
        "settings_dns",
        "set private DNS to {host}",
        {"host": "hostname"},
        {"kind": "state", "goal": "private_dns", "params": {"host": "{host}"}},
    ),
    Prototype(
        "settings_language",
        "Add {name} as {ordinal} favorite languages",
        {"name": "locale", "ordinal": "ordinal", "position": "position"},
        {
            "kind": "state",
            "goal": "system_language",
            "params": {"name": "{name}", "position": "{position}"},
        },
    ),
    Prototype(
        "settings_notifications",
        "Disable APP notifications of {app}",
        {"app": "app"},
        {
            "kind": "state",
            "goal": "app_notifications",
            "params": {"app": "{app}", "allowed": False},
        },
    ),
    Prototype(
        "settings_app_size",
        "How much storage does {app} use",
        {"app": "app", "answer": "size", "amount": "number", "unit": "unit"},
        {
            "kind": "query",
            "answer": "{answer}",
            "match": {
                "type": "all_of",
                "of": [
                    {"type": "number", "value": "{amount}"},
                    {"type": "text", "value": "{unit}"},
                ],
            },
        },
    ),
)


def _values(conn: sqlite3.Connection) -> dict[str, str]:
    return {
        r[0]: r[1] for r in conn.execute("SELECT key, value FROM settings WHERE app = 'settings'")
    }


def _pick(rng: np.random.Generator, options: list[Any]) -> Any:
    return options[int(rng.integers(len(options)))] if options else None


def ground(
    conn: sqlite3.Connection, rng: np.random.Generator, prototype: Prototype
) -> dict[str, Any] | None:
    values = _values(conn)
    kind = prototype.id.removeprefix("settings_")
    if kind == "switch":
        key = _pick(rng, sorted(SWITCH_TITLES))
        on = values[key] == "0"
        return {
            "state": "on" if on else "off",
            "title": SWITCH_TITLES[key],
            "key": key,
            "value": "1" if on else "0",
        }
    if kind == "brightness":
        level = _pick(rng, [s for s in data.BRIGHTNESS_STEPS if str(s) != values["brightness"]])
        return {"level": str(level)}
    if kind == "volume":
        key = _pick(rng, sorted(data.VOLUMES))
        title, low, high = data.VOLUMES[key]
        level = _pick(rng, [n for n in range(low, high + 1) if str(n) != values[key]])
        return {"volume": title.lower(), "key": key, "level": str(level)}
    if kind == "bt_name":
        return {"name": _pick(rng, [n for n in NAMES if n != values["bt_name"]])}
    if kind == "dns":
        return {"host": _pick(rng, [h for h in HOSTS if h != values["private_dns_host"]])}
    if kind == "language":
        chosen = {r[0] for r in conn.execute("SELECT name FROM settings_languages")}
        position = len(chosen) + 1
        name = _pick(rng, [n for n in data.LOCALES if n not in chosen])
        if name is None or position not in ORDINALS:
            return None
        return {"name": name, "ordinal": ORDINALS[position], "position": position}
    apps = [
        dict(r)
        for r in conn.execute(
            "SELECT name, storage_mb, notifications FROM settings_apps ORDER BY name"
        )
    ]
    if kind == "notifications":
        app = _pick(rng, [a["name"] for a in apps if a["notifications"]])
        return None if app is None else {"app": app}
    if kind == "app_size":
        app = _pick(rng, apps)
        answer = data.size_text(app["storage_mb"])
        number, unit = answer.split()
        return {"app": app["name"], "answer": answer, "amount": float(number), "unit": unit}
    return None


def vary(conn: sqlite3.Connection, rng: np.random.Generator) -> None:
    """Other levels, switches, names, sizes and notification choices than the pristine
    phone's (reproducible from ``rng``)."""
    values = _values(conn)
    changes = {
        "brightness": str(_pick(rng, list(data.BRIGHTNESS_STEPS))),
        **{
            key: str(int(rng.integers(low, high + 1)))
            for key, (_t, low, high) in data.VOLUMES.items()
        },
        **{
            key: str(int(rng.integers(2)))
            for key in ("wifi_auto", "battery_percentage", "dark_theme", "ring_vibration")
        },
        "bt_name": _pick(rng, [data.DEVICE_NAME, "Pixel 7 Pro", "Galaxy A54"]),
    }
    for key, value in changes.items():
        if key in values:
            conn.execute(
                "UPDATE settings SET value = ? WHERE app = 'settings' AND key = ?", (value, key)
            )
    if rng.random() < 0.5:  # a second system language, so a new one comes third
        extra = _pick(rng, [n for n in data.LOCALES if n != "English (United States)"])
        conn.execute("INSERT OR IGNORE INTO settings_languages VALUES (2, ?)", (extra,))
    for package, size in conn.execute("SELECT package, storage_mb FROM settings_apps").fetchall():
        conn.execute(
            "UPDATE settings_apps SET storage_mb = ?, notifications = ? WHERE package = ?",
            (round(size * float(rng.uniform(0.5, 1.8)), 1), int(rng.random() > 0.2), package),
        )
