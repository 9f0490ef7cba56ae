"""The phone's pristine state: one SQLite database holding every app's data.

The seed is the data AndroidLab's tasks ask about (shared/research/androidlab.md, section 3):
Clock's alarms 7:30 AM (on), 9:00 AM (off) and 4:00 PM (on, vibrate, not every day), so
"two" alarms are on and the earliest open one is 7:30 AM; Barcelona on the world clock, six
hours behind the home time zone (UTC+8); Contacts' ABC (22331144, born October 24, 1996),
AAA (Tsinghua university), Li (work email 22334455@gmail.com), Chen, Lee and Xu.
The phone's clock is frozen at AndroidLab's ``adb shell date "2024-05-10 12:00:00"``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

from vab_gym.envs.mobile.apps import installed

NOW = dt.datetime(2024, 5, 10, 12, 0)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
RINGTONES = (
    "Default (Cesium)",
    "Argon",
    "Carbon",
    "Helium",
    "Krypton",
    "Neon",
    "Oxygen",
    "Osmium",
    "Platinum",
    "Silent",
)
SLEEP_SOUNDS = ("None", "Deep space", "Gentle rain", "Calm ocean", "Forest night", "White noise")
SILENCE_AFTER = (
    "1 minute",
    "5 minutes",
    "10 minutes",
    "15 minutes",
    "20 minutes",
    "25 minutes",
    "Never",
)
CLOCK_STYLES = ("Analog", "Digital")
# City -> UTC offset in hours on 2024-05-10 (summer time where it applies).
CITIES = {
    "Barcelona": 2,
    "Beijing": 8,
    "Berlin": 2,
    "Chicago": -5,
    "Dubai": 4,
    "Hong Kong": 8,
    "London": 1,
    "Los Angeles": -7,
    "Madrid": 2,
    "Moscow": 3,
    "Mumbai": 5.5,
    "New York": -4,
    "Paris": 2,
    "Rome": 2,
    "Seoul": 9,
    "Singapore": 8,
    "Sydney": 10,
    "Tokyo": 9,
    "Toronto": -4,
}
HOME_CITY = "Beijing"
PHONE_TYPES = ("Mobile", "Work", "Home", "Main", "Other")
EMAIL_TYPES = ("Home", "Work", "Other")

SCHEMA = """
CREATE TABLE alarms (id INTEGER PRIMARY KEY, minutes INTEGER NOT NULL, label TEXT NOT NULL
    DEFAULT '', days TEXT NOT NULL DEFAULT '', enabled INTEGER NOT NULL, vibrate INTEGER NOT NULL,
    ringtone TEXT NOT NULL);
CREATE TABLE world_clocks (id INTEGER PRIMARY KEY, city TEXT NOT NULL UNIQUE);
CREATE TABLE settings (app TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (app, key));
CREATE TABLE contacts (id INTEGER PRIMARY KEY, first TEXT NOT NULL, last TEXT NOT NULL
    DEFAULT '', company TEXT NOT NULL DEFAULT '', birthday TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '');
CREATE TABLE phones (id INTEGER PRIMARY KEY, contact_id INTEGER NOT NULL REFERENCES contacts
    ON DELETE CASCADE, number TEXT NOT NULL, type TEXT NOT NULL);
CREATE TABLE emails (id INTEGER PRIMARY KEY, contact_id INTEGER NOT NULL REFERENCES contacts
    ON DELETE CASCADE, address TEXT NOT NULL, type TEXT NOT NULL);
CREATE TABLE labels (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE label_members (label_id INTEGER NOT NULL REFERENCES labels ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts ON DELETE CASCADE,
    PRIMARY KEY (label_id, contact_id));
CREATE TABLE messages (id INTEGER PRIMARY KEY, contact_id INTEGER NOT NULL REFERENCES contacts
    ON DELETE CASCADE, body TEXT NOT NULL, sent INTEGER NOT NULL);
CREATE TABLE calls (id INTEGER PRIMARY KEY, contact_id INTEGER NOT NULL REFERENCES contacts
    ON DELETE CASCADE, number TEXT NOT NULL, active INTEGER NOT NULL);
"""

ALARMS = (  # minutes after midnight, label, days, enabled, vibrate
    (7 * 60 + 30, "", "", 1, 0),
    (9 * 60, "", "Mon,Tue,Wed,Thu,Fri", 0, 0),
    (16 * 60, "", "Mon,Wed,Fri", 1, 1),
)
CLOCK_SETTINGS = {
    "style": "Digital",
    "home_time_zone": HOME_CITY,
    "silence_after": "10 minutes",
    "timer_digits": "",
    "timer_running": "0",
    "stopwatch_running": "0",
    "bedtime": str(23 * 60),
    "wake_up": str(7 * 60),
    "wake_up_enabled": "0",
    "sleep_sound": "None",
}
CONTACTS = (  # first, last, company, birthday, website, phones, emails
    ("AAA", "", "Tsinghua university", "", "", (("13900001111", "Mobile"),), ()),
    ("ABC", "", "", "1996-10-24", "", (("22331144", "Mobile"),), ()),
    ("Chen", "", "", "", "", (("13812345678", "Mobile"),), ()),
    ("Lee", "", "", "", "", (("13698765432", "Mobile"),), ()),
    ("Li", "", "", "", "", (("13577778888", "Mobile"),), (("22334455@gmail.com", "Work"),)),
    ("Xu", "", "", "", "", (("13455556666", "Mobile"),), ()),
)


def connect(path: str | Path, **options: Any) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=10, **options)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def build(path: str | Path, variant: int = 0) -> None:
    """Write the pristine database of data ``variant`` (0: the test tasks' data) to ``path``."""
    conn = connect(path)
    try:
        populate(conn, variant)
    finally:
        conn.close()


def populate(conn: sqlite3.Connection, variant: int = 0) -> None:
    """Create every app's tables in ``conn`` and write the seed; a ``variant`` other than 0
    then lets each app's ``vary`` change its data reproducibly (train tasks, see
    :mod:`vab_gym.envs.mobile.train`)."""
    from vab_gym.envs.mobile.train import vary  # it reads this module's constants

    with conn:
        conn.executescript(SCHEMA)
        conn.executemany(
            "INSERT INTO alarms (minutes, label, days, enabled, vibrate, ringtone) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(*a, RINGTONES[0]) for a in ALARMS],
        )
        conn.execute("INSERT INTO world_clocks (city) VALUES ('Barcelona')")
        conn.executemany("INSERT INTO settings VALUES ('clock', ?, ?)", CLOCK_SETTINGS.items())
        for first, last, company, birthday, website, phones, emails in CONTACTS:
            cid = conn.execute(
                "INSERT INTO contacts (first, last, company, birthday, website) "
                "VALUES (?, ?, ?, ?, ?)",
                (first, last, company, birthday, website),
            ).lastrowid
            conn.executemany(
                "INSERT INTO phones (contact_id, number, type) VALUES (?, ?, ?)",
                [(cid, n, t) for n, t in phones],
            )
            conn.executemany(
                "INSERT INTO emails (contact_id, address, type) VALUES (?, ?, ?)",
                [(cid, a, t) for a, t in emails],
            )
        for app in installed():
            conn.executescript(app.schema)
            app.seed(conn)
        if variant:
            vary(conn, variant)
