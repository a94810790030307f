"""Template filters for dates and counts, independent of the machine's locale
so every build writes the same words."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

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


def signed_business_days(count: int) -> str:
    """``+5 business days``, ``−1 business day``: a change to a schedule."""
    return ("+" if count >= 0 else "−") + business_days(abs(count))


class Effect(Protocol):
    """A change request, or a total of them (``changes.ChangeTotal``)."""

    @property
    def days(self) -> int | None: ...

    @property
    def cost(self) -> str | None: ...


def change_effect(change: Effect) -> str:
    """What a change request (or a total of them) does to time and budget:
    ``+10 business days, €2,400``; empty when it says neither."""
    parts = [signed_business_days(change.days)] if change.days is not None else []
    return ", ".join(parts + ([change.cost] if change.cost else []))


def quoted(text: str, limit: int = 80) -> str:
    """A text named in a sentence (a change request): on one line, quoted,
    shortened when long."""
    text = " ".join(text.split())
    return "“" + (text if len(text) <= limit else text[: limit - 1].rstrip() + "…") + "”"


def due_now(side: int) -> str:
    """The due state with no business day left, by where today lies against
    the due date (-1 before, 0 on, 1 after): only on the day is it "due
    today"; a deadline over a weekend or a holiday is not late yet."""
    return ("due before the next business day", "due today",
            "no business day since it was due")[side + 1]


FILTERS = {
    "long_date": long_date,
    "clock_time": clock_time,
    "business_days": business_days,
    "signed_business_days": signed_business_days,
    "change_effect": change_effect,
    "quoted": quoted,
    "due_now": due_now,
}
