"""Read .ics files with ics.py (the PyPI package ``ics``) and print, as one
JSON list, what it gives: one object per file with the calendar's NAME,
X-WR-CALNAME, X-WR-CALDESC, DESCRIPTION, METHOD and its events.

ics.py has no field for a calendar's name or description: it keeps those
lines in ``Calendar.extra``, and their ``.value`` is what it gives (the
text as written, escapes included). Events are ``Calendar.events`` in file
order; ``Event.name`` is the SUMMARY, an all-day event's start is its date.

Usage: python ics_dump.py FILE.ics [FILE.ics ...]
"""

from __future__ import annotations

import json
import sys

import ics
from ics.grammar.parse import Container, string_to_container


def extra(calendar, name: str):
    for line in calendar.extra:
        if line.name.upper() == name:
            return line.value
    return None


def start(event) -> str | None:
    if event.begin is None:
        return None
    if event.all_day:
        return event.begin.date().isoformat()
    return event.begin.to("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def file_order(text: str) -> dict[str, int]:
    """Each event's place in the file by UID, from ics.py's own grammar:
    ``Calendar.events`` is a set, which has no order."""
    order: dict[str, int] = {}
    for container in string_to_container(text):
        for item in container:
            if isinstance(item, Container) and item.name == "VEVENT":
                for line in item:
                    if not isinstance(line, Container) and line.name == "UID":
                        order.setdefault(line.value, len(order))
    return order


def read(path: str) -> dict:
    with open(path, encoding="utf-8", newline="") as handle:
        text = handle.read()
    calendar = ics.Calendar(text)
    order = file_order(text)
    events = sorted(calendar.events, key=lambda event: order.get(event.uid, len(order)))
    return {
        "path": path,
        "name": extra(calendar, "NAME"),
        "x_wr_calname": extra(calendar, "X-WR-CALNAME"),
        "x_wr_caldesc": extra(calendar, "X-WR-CALDESC"),
        "description": extra(calendar, "DESCRIPTION"),
        "method": calendar.method,
        "events": [
            {
                "uid": event.uid,
                "summary": event.name,
                "description": event.description,
                "start": start(event),
            }
            for event in events
        ],
    }


if __name__ == "__main__":
    json.dump([read(path) for path in sys.argv[1:]], sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
