"""How the phone writes times, days, phone numbers and dates: one place for the apps, the
judges and the task data, so what a judge expects is what a screen shows."""

from __future__ import annotations

import datetime as dt
import re

from vab_gym.envs.mobile.phone.seed import DAYS, NOW

HAIR_SPACE = "\u200a"  # Android's Clock writes "7:30\u200aAM" (AndroidLab's clock judges)


def clock_time(minutes: int, space: str = HAIR_SPACE) -> str:
    """``7:30\u200aAM`` for 450."""
    hour, minute = divmod(int(minutes) % (24 * 60), 60)
    return f"{hour % 12 or 12}:{minute:02d}{space}{'AM' if hour < 12 else 'PM'}"


def parse_days(days: str) -> list[str]:
    return [d for d in DAYS if d in days.split(",")]


def days_summary(days: str, minutes: int, enabled: bool) -> str:
    """The day line of an alarm row, as Android's Clock writes it."""
    chosen = parse_days(days)
    if len(chosen) == 7:
        return "Every day"
    if chosen:
        return ", ".join(chosen)
    if not enabled:
        return "Not scheduled"
    return "Today" if minutes > NOW.hour * 60 + NOW.minute else "Tomorrow"


def phone_number(digits: str) -> str:
    """A number as Android's US as-you-type formatter shows it: ``1 (234) 567-8`` for
    12345678, ``(223) 311-44`` for 22331144; numbers starting with 0 stay as typed."""
    if not digits.isdigit() or digits.startswith("0"):
        return digits
    if digits.startswith("1") and len(digits) > 4:
        rest = digits[1:]
        return "1 " + _grouped(rest) if len(rest) <= 10 else digits
    if len(digits) <= 3 or len(digits) > 10:
        return digits
    if len(digits) <= 7:
        return f"{digits[:3]}-{digits[3:]}"
    return _grouped(digits)


def _grouped(digits: str) -> str:
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def long_date(iso: str) -> str:
    """``October 24, 1996`` for ``1996-10-24``."""
    day = dt.date.fromisoformat(iso)
    return f"{day:%B} {day.day}, {day.year}"


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%Y.%m.%d",
)


def parse_date(text: str) -> str | None:
    """An ISO date from what a person types (``1996/10/24``, ``October 24, 1996``, ...)."""
    text = re.sub(r"\s+", " ", text.strip())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)
