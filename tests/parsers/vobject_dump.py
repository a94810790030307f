"""Read .ics files with ``vobject`` (the parser of Radicale and khal) and
print, as one JSON list, what it gives: one object per file with the
calendar's NAME, X-WR-CALNAME, X-WR-CALDESC, DESCRIPTION, METHOD and its
events.

Each value is ``.value`` of the first content line of that name, exactly as
``vobject.readOne`` leaves it (vobject applies its TEXT behaviour, which
unescapes, and keeps only the first of several comma-separated values); a
value that is a list is reported as a JSON list.

Usage: python vobject_dump.py FILE.ics [FILE.ics ...]
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import vobject


def plain(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return str(value)


def first(component, name: str):
    lines = component.contents.get(name.lower())
    return plain(lines[0].value) if lines else None


def start(event) -> str | None:
    lines = event.contents.get("dtstart")
    if not lines:
        return None
    value = lines[0].value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # floating: reported as written
            return value.strftime("%Y-%m-%dT%H:%M:%S")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return plain(value)


def read(path: str) -> dict:
    with open(path, encoding="utf-8", newline="") as handle:
        calendar = vobject.readOne(handle.read())
    return {
        "path": path,
        "name": first(calendar, "NAME"),
        "x_wr_calname": first(calendar, "X-WR-CALNAME"),
        "x_wr_caldesc": first(calendar, "X-WR-CALDESC"),
        "description": first(calendar, "DESCRIPTION"),
        "method": first(calendar, "METHOD"),
        "events": [
            {
                "uid": first(event, "UID"),
                "summary": first(event, "SUMMARY"),
                "description": first(event, "DESCRIPTION"),
                "start": start(event),
            }
            for event in calendar.contents.get("vevent", [])
        ],
    }


if __name__ == "__main__":
    json.dump([read(path) for path in sys.argv[1:]], sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
