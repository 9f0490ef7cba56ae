"""How the shop writes money and dates, shared by its pages and the task builder.

A task's reference answer must be the text its page shows (``$1,234.50``, ``February 1,
2023``), so ``webarena.tasks`` formats its answers with these same functions rather than a copy.
The formats are Magento's en_US ones as One Stop Market shows them.
"""

from __future__ import annotations

import datetime as dt


def money(value: float | None) -> str:
    """A price as the storefront and the admin show it: ``$1,234.50`` (none is ``$0.00``)."""
    return f"${(value or 0):,.2f}"


def as_date(value: str | dt.date) -> dt.date:
    """The day of a date or of a stored ``YYYY-MM-DD[ HH:MM:SS]`` stamp."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def short_date(value: str | dt.date | None) -> str:
    """Magento's short locale date: ``2/1/23`` (empty for no date)."""
    if not value:
        return ""
    day = as_date(value)
    return f"{day.month}/{day.day}/{day.year % 100:02d}"


def long_date(value: str | dt.date) -> str:
    """The storefront's order date: ``February 1, 2023``."""
    day = as_date(value)
    return f"{day:%B} {day.day}, {day.year}"


def admin_datetime(value: str) -> str:
    """The admin panel's timestamp: ``Feb 1, 2023 9:05:07 AM``."""
    when = dt.datetime.fromisoformat(str(value))
    hour = when.hour % 12 or 12
    return f"{when:%b} {when.day}, {when.year} {hour}:{when:%M:%S} {when:%p}"
