"""Judge goals of AndroidLab's Settings tasks, read from the phone's state.

AndroidLab reads most of these from the screen's XML or an ``adb shell settings`` query
(evaluation/tasks/setting/setting.py); here each reads the value the screens write.
"""

from __future__ import annotations

from vab_gym.envs.mobile.judge import State, SubGoals, setting


def device_setting(state: State, key: str, value: str) -> SubGoals:
    """A value of Settings' own (airplane mode, Bluetooth, brightness, volumes, ...)."""
    return setting(state, "settings", key, value)


def private_dns(state: State, host: str) -> SubGoals:
    values = {
        r["key"]: r["value"]
        for r in state.sql(
            "SELECT key, value FROM settings WHERE app = 'settings' AND key LIKE 'private_dns_%'"
        )
    }
    return [
        ("Private DNS provider hostname chosen", values.get("private_dns_mode") == "hostname"),
        (f"hostname {host}", values.get("private_dns_host", "").casefold() == host.casefold()),
    ]


def tts_language(state: State, language: str) -> SubGoals:
    """The text-to-speech language is ``language`` (any of its regions: Chinese (China))."""
    rows = state.sql(
        "SELECT value FROM settings WHERE app = 'settings' AND key = ?", ("tts_language",)
    )
    current = rows[0]["value"] if rows else ""
    return [
        (
            f"text-to-speech language {language}",
            current == language or current.startswith(language + " ("),
        )
    ]


def system_language(state: State, name: str, position: int | str) -> SubGoals:
    """``name`` among the system languages, at ``position`` (from 1): setting_15's "1", "2"."""
    position = int(position)  # a grounded train task's slot is text
    order = [r["name"] for r in state.sql("SELECT name FROM settings_languages ORDER BY position")]
    return [
        (f"{name} added", name in order),
        (
            f"{name} is language #{position}",
            order.index(name) + 1 == position if name in order else False,
        ),
    ]


def app_notifications(state: State, app: str, allowed: bool) -> SubGoals:
    rows = state.sql("SELECT notifications FROM settings_apps WHERE name = ?", (app,))
    return [
        (
            f"{app} notifications {'allowed' if allowed else 'not allowed'}",
            bool(rows) and bool(rows[0]["notifications"]) == allowed,
        )
    ]


def app_installed(state: State, package: str, installed: bool) -> SubGoals:
    rows = state.sql("SELECT 1 FROM settings_apps WHERE package = ?", (package,))
    return [(f"{package} {'installed' if installed else 'uninstalled'}", bool(rows) == installed)]


GOALS = {
    "device_setting": device_setting,
    "private_dns": private_dns,
    "tts_language": tts_language,
    "system_language": system_language,
    "app_notifications": app_notifications,
    "app_installed": app_installed,
}
