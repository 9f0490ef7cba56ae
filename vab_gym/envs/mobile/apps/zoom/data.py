"""Zoom's pristine state on AndroidLab's emulator (us.zoom.videomeetings, signed out).

AndroidLab's judges (evaluation/tasks/zoom/zoom.py) need the join page empty, its two join
options off ("On, switch" only after the agent turns them on), "Auto-connect to audio" not
yet "WiFi or cellular data" and the reaction skin tone not yet "Medium-light". The screen
name a signed-out Zoom offers is the device's name.
"""

from __future__ import annotations

import sqlite3

AUTO_AUDIO = ("Off", "WiFi or cellular data", "WiFi only")
SKIN_TONES = ("Default", "Light", "Medium-light", "Medium", "Medium-dark", "Dark")
SWITCHES = {  # settings key -> the Meetings settings row
    "mute_mic": "Always mute my microphone",
    "video_off": "Always turn off my video",
    "connected_time": "Show my connected time",
    "names_in_video": "Show names when video is off",
}
SETTINGS = {
    "auto_connect_audio": "Off",
    "reaction_skin_tone": "Default",
    "mute_mic": "0",
    "video_off": "0",
    "connected_time": "0",
    "names_in_video": "1",
}
DEFAULT_NAME = "sdk_gphone64_x86_64"

SCHEMA = """
CREATE TABLE zoom_join (id INTEGER PRIMARY KEY CHECK (id = 1), meeting_id TEXT NOT NULL,
    link_mode INTEGER NOT NULL, link_name TEXT NOT NULL, name TEXT NOT NULL,
    no_audio INTEGER NOT NULL, no_video INTEGER NOT NULL, joined INTEGER NOT NULL);
"""


def seed(conn: sqlite3.Connection) -> None:
    conn.executemany("INSERT INTO settings VALUES ('zoom', ?, ?)", SETTINGS.items())
    conn.execute("INSERT INTO zoom_join VALUES (1, '', 0, '', ?, 0, 0, 0)", (DEFAULT_NAME,))


def meeting_id_text(digits: str) -> str:
    """The meeting ID as Zoom's field shows it while it is typed: ``123 456 7890`` (10
    digits), ``123 4567 8901`` (11), groups of three before."""
    if len(digits) <= 3:
        return digits
    if len(digits) <= 6:
        return f"{digits[:3]} {digits[3:]}"
    if len(digits) <= 10:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return f"{digits[:3]} {digits[3:7]} {digits[7:11]}"
