"""Template filters for dates and counts, independent of the machine's locale
so every build writes the same words."""

from __future__ import annotations

import datetime as dt

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def long_date(day: dt.date) -> str:
    """``Tue 3 Nov 2026``."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def clock_time(moment: dt.time) -> str:
    """``14:00``."""
    return moment.strftime("%H:%M")


def business_days(count: int) -> str:
    """``1 business day``, ``14 business days``."""
    return f"{count} business day" + ("" if count == 1 else "s")


FILTERS = {
    "long_date": long_date,
    "clock_time": clock_time,
    "business_days": business_days,
}
