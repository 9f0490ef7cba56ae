"""Android 13 Settings' pristine state on AndroidLab's emulator (Pixel_7_Pro_API_33).

AndroidLab's judges fix what the tasks start from (evaluation/tasks/setting/setting.py):
airplane mode off (setting_0, setting_22's "not open"), Bluetooth on (setting_3),
"Turn on Wi‑Fi automatically" on (setting_1), Contacts' notifications allowed (setting_18),
Chrome the default browser (setting_19), com.booking installed (setting_20), one system
language, "English (United States)" (setting_15, setting_16). The time zone is UTC+8, as
Clock's home time zone and clock_16's "6 hours behind" Barcelona show. The rest (volume
levels, brightness, storage sizes, the device name) is an AVD's ordinary state, not read
from AndroidLab (its snapshot is not public).
"""

from __future__ import annotations

import sqlite3

# U+2011 (non-breaking hyphen), as Android writes "Wi‑Fi" (setting_1's judge searches it).
WIFI = "Wi\u2011Fi"
ANDROID_VERSION = "13"  # API 33
DEVICE_NAME = "sdk_gphone64_x86_64"
TIME_ZONE = "GMT+08:00 China Standard Time"
TIME_ZONE_ID = "Asia/Shanghai"
BROWSERS = ("Chrome", "Firefox")
# Google's text-to-speech engine's languages (a sample), "Use system language" first.
TTS_LANGUAGES = (
    "Use system language",
    "Chinese (China)",
    "Chinese (Taiwan)",
    "English (United Kingdom)",
    "English (United States)",
    "French (France)",
    "German (Germany)",
    "Japanese (Japan)",
    "Korean (South Korea)",
    "Spanish (Spain)",
    "Spanish (United States)",
)
# Locales offered by "Add a language" (Android names each in its own language).
LOCALES = (
    "Deutsch (Deutschland)",
    "English (Australia)",
    "English (United Kingdom)",
    "English (United States)",
    "Español (España)",
    "Español (Estados Unidos)",
    "Español (México)",
    "Français (France)",
    "Italiano (Italia)",
    "日本語 (日本)",
    "한국어 (대한민국)",
    "Português (Brasil)",
    "Русский (Россия)",
    "中文 (简体)",
    "中文 (繁體)",
)
VOLUMES = {  # key -> (title, lowest level, highest level); Android's emulator has 8 steps
    "media_volume": ("Media volume", 0, 7),
    "call_volume": ("Call volume", 1, 7),
    "ring_volume": ("Ring & notification volume", 0, 7),
    "alarm_volume": ("Alarm volume", 1, 7),
}
BRIGHTNESS_STEPS = tuple(range(0, 101, 10))
SWITCHES = (
    "airplane_mode",
    "wifi",
    "wifi_auto",
    "notify_open_networks",
    "bluetooth",
    "battery_percentage",
    "battery_saver",
    "dark_theme",
    "adaptive_brightness",
    "ring_vibration",
    "haptics",
    "auto_time",
    "auto_zone",
)

SETTINGS = {
    "airplane_mode": "0",
    "wifi": "1",
    "wifi_auto": "1",
    "notify_open_networks": "0",
    "private_dns_mode": "Automatic",
    "private_dns_host": "",
    "bluetooth": "1",
    "bt_name": DEVICE_NAME,
    "battery_percentage": "0",
    "battery_saver": "0",
    "dark_theme": "0",
    "adaptive_brightness": "1",
    "brightness": "50",
    "media_volume": "5",
    "call_volume": "5",
    "ring_volume": "5",
    "alarm_volume": "5",
    "ring_vibration": "1",
    "haptics": "1",
    "auto_time": "1",
    "auto_zone": "1",
    "date": "2024-05-10",
    "tts_language": TTS_LANGUAGES[0],
    "default_browser": "Chrome",
}
# Installed apps: name, package, storage (MB), notifications allowed.
APPS = (
    ("Bluecoins", "com.rammigsoftware.bluecoins", 62.1, 1),
    ("Booking.com", "com.booking", 301.4, 1),
    ("Calendar", "com.google.android.calendar", 48.3, 1),
    ("Camera", "com.android.camera2", 12.6, 1),
    ("Cantook", "com.aldiko.android", 88.0, 1),
    ("Chrome", "com.android.chrome", 412.9, 1),
    ("Clock", "com.google.android.deskclock", 21.7, 1),
    ("Contacts", "com.google.android.contacts", 36.2, 1),
    ("Files", "com.google.android.documentsui", 9.8, 1),
    ("Firefox", "org.mozilla.firefox", 355.0, 1),
    ("Maps.me", "com.mapswithme.maps.pro", 190.5, 1),
    ("Messages", "com.google.android.apps.messaging", 118.4, 1),
    ("Phone", "com.google.android.dialer", 74.9, 1),
    ("Photos", "com.google.android.apps.photos", 236.1, 1),
    ("Pi Music Player", "com.Project100Pi.themusicplayer", 44.6, 1),
    ("Settings", "com.android.settings", 30.2, 1),
    ("Zoom", "us.zoom.videomeetings", 588.3, 1),
)
STORAGE_OTHER = (
    ("Images", "12 MB"),
    ("Videos", "0 B"),
    ("Audio", "0 B"),
    ("Documents & other", "5.6 MB"),
    ("Games", "0 B"),
    ("Trash", "0 B"),
    ("System", "6.3 GB"),
)
TOTAL_STORAGE = "64 GB"

SCHEMA = """
CREATE TABLE settings_apps (package TEXT PRIMARY KEY, name TEXT NOT NULL, storage_mb REAL NOT
    NULL, notifications INTEGER NOT NULL);
CREATE TABLE settings_languages (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
"""


def seed(conn: sqlite3.Connection) -> None:
    conn.executemany("INSERT INTO settings VALUES ('settings', ?, ?)", SETTINGS.items())
    conn.executemany(
        "INSERT INTO settings_apps VALUES (?, ?, ?, ?)",
        [(package, name, size, allowed) for name, package, size, allowed in APPS],
    )
    conn.execute("INSERT INTO settings_languages VALUES (1, 'English (United States)')")


def size_text(megabytes: float) -> str:
    """Android's short file size (decimal units): ``2.6 GB``, ``301 MB``, ``9.8 MB``."""
    if megabytes >= 1000:
        return f"{megabytes / 1000:.1f} GB"
    return f"{megabytes:.0f} MB" if megabytes >= 100 else f"{megabytes:.1f} MB"


def apps_storage(conn: sqlite3.Connection) -> str:
    """Storage's "Apps" line: the installed apps' sizes summed."""
    total = conn.execute("SELECT COALESCE(SUM(storage_mb), 0) FROM settings_apps").fetchone()[0]
    return size_text(total)
