"""Read .ics files with the Python ``icalendar`` library and print, as one
JSON list, what it gives: one object per file with the calendar's NAME,
X-WR-CALNAME, X-WR-CALDESC, DESCRIPTION, METHOD and its events.

Values are reported as ``str()`` of what ``Calendar.from_ical`` returns,
with no clean-up: a property given twice is a JSON list, a value the
library keeps escaped keeps its backslashes. ``calendar_name`` and
``calendar_description`` are the library's own accessors (icalendar >= 6),
what a program built on it would show. ``alarms`` lists every VALARM with
its event's UID: ACTION, DESCRIPTION, TRIGGER in seconds (negative: before)
and its RELATED parameter (None when not given: the start).

Usage: python icalendar_dump.py FILE.ics [FILE.ics ...]
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import icalendar


def text(value):
    """A property value as icalendar returns it: a list stays a list."""
    if value is None:
        return None
    if isinstance(value, list):
        return [text(item) for item in value]
    return str(value)


def start(event) -> str | None:
    prop = event.get("DTSTART")
    if prop is None:
        return None
    value = prop.dt
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # floating: reported as written
            return value.strftime("%Y-%m-%dT%H:%M:%S")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def accessor(calendar, name: str):
    try:
        return text(getattr(calendar, name))
    except AttributeError:  # an older icalendar without it
        return None


def alarms(calendar) -> list[dict]:
    return [
        {
            "uid": text(event.get("UID")),
            "action": text(alarm.get("ACTION")),
            "description": text(alarm.get("DESCRIPTION")),
            "trigger": int(alarm["TRIGGER"].dt.total_seconds()) if "TRIGGER" in alarm else None,
            "related": alarm["TRIGGER"].params.get("RELATED") if "TRIGGER" in alarm else None,
        }
        for event in calendar.walk("VEVENT") for alarm in event.walk("VALARM")
    ]


def read(path: str) -> dict:
    with open(path, "rb") as handle:
        calendar = icalendar.Calendar.from_ical(handle.read())
    return {
        "path": path,
        "name": text(calendar.get("NAME")),
        "x_wr_calname": text(calendar.get("X-WR-CALNAME")),
        "x_wr_caldesc": text(calendar.get("X-WR-CALDESC")),
        "description": text(calendar.get("DESCRIPTION")),
        "method": text(calendar.get("METHOD")),
        "calendar_name": accessor(calendar, "calendar_name"),
        "calendar_description": accessor(calendar, "description"),
        "events": [
            {
                "uid": text(event.get("UID")),
                "summary": text(event.get("SUMMARY")),
                "description": text(event.get("DESCRIPTION")),
                "start": start(event),
            }
            for event in calendar.walk("VEVENT")
        ],
        "alarms": alarms(calendar),
    }


if __name__ == "__main__":
    json.dump([read(path) for path in sys.argv[1:]], sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
