"""The parser harness of ``feed_parsers`` on feeds written by hand here:
every parser runs, reads the same events, and the checks it reports work.
The project's own feeds are compared in the calendar tests."""

from __future__ import annotations

import json

import pytest

from feed_parsers import PARSERS, read_with_all

#: Real parsers in other languages (Node.js, Ruby, C): end to end, not the
#: fast layer, which needs nothing but the Python packages.
pytestmark = pytest.mark.e2e

#: The calendar's name and description, with "," and ";" written as look-alikes
#: no parser treats as separators: U+201A SINGLE LOW-9 QUOTATION MARK for the
#: comma, U+037E GREEK QUESTION MARK (the same glyph as ";") for the semicolon.
NAME = "Zeit\u201a Raum & Co\u037e KG · Website redesign\u201a phase 2\u037e DE"
DESCRIPTION = "Milestones of Website redesign\u201a phase 2\u037e DE\u201a with who must act."

SUMMARY = "✓ Zeit, Raum & Co; KG: Final copy, v2; signed"
NOTES = "Project: Website redesign, phase 2; DE\nOwner: Zeit, Raum & Co; KG\nState: Done; a \\ backslash"


def escape(text: str) -> str:
    """RFC 5545 TEXT escaping, as icalendar writes an event's text."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets, never inside a character."""
    out, current, limit = [], "", 75
    for char in line:
        if len((current + char).encode()) > limit:
            out.append(current)
            current, limit = "", 74
        current += char
    return "\r\n ".join([*out, current])


def feed(*, method: str | None = None, organizer: bool = False) -> str:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Courtside//Client portal milestones//EN",
        "UID:zeit.website@courtside", f"NAME:{NAME}", f"X-WR-CALNAME:{NAME}",
        f"X-WR-CALDESC:{DESCRIPTION}", f"DESCRIPTION:{DESCRIPTION}", "CALSCALE:GREGORIAN",
        *([f"METHOD:{method}"] if method else []),
        "REFRESH-INTERVAL;VALUE=DURATION:PT4H", "X-PUBLISHED-TTL:PT4H", "X-WR-TIMEZONE:Europe/Berlin",
        "BEGIN:VEVENT", f"SUMMARY:{escape(SUMMARY)}", "DTSTART;VALUE=DATE:20261016",
        "DTEND;VALUE=DATE:20261017", "DTSTAMP:20261123T120000Z", "UID:zeit.website.copy@courtside",
        *(["ORGANIZER;CN=Studio:mailto:studio@example.org"] if organizer else []),
        "SEQUENCE:1522800", f"DESCRIPTION:{escape(NOTES)}", "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT", "END:VEVENT",
        "BEGIN:VEVENT", "SUMMARY:Northwind Studio: Launch", "DTSTART:20261120T163000Z",
        "DTSTAMP:20261123T120000Z", "UID:zeit.website.launch@courtside",
        *(["ORGANIZER;CN=Studio:mailto:studio@example.org"] if organizer else []),
        "SEQUENCE:1522800", "DESCRIPTION:Due: Fri 20 Nov 2026\\, 17:30", "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT", "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


@pytest.fixture(scope="module")
def seen(tmp_path_factory):
    folder = tmp_path_factory.mktemp("feeds")
    paths = []
    for name, text in [("none", feed()), ("publish", feed(method="PUBLISH")),
                       ("organizer", feed(method="PUBLISH", organizer=True))]:
        paths.append(folder / f"{name}.ics")
        paths[-1].write_bytes(text.encode())
    return read_with_all(paths)


def test_every_parser_runs(seen):
    assert list(seen) == list(PARSERS)
    for parser, calendars in seen.items():
        assert len(calendars) == 3, parser
        json.dumps(calendars)  # plain JSON values only


def test_every_parser_reads_the_same_events(seen):
    expected = [
        {"uid": "zeit.website.copy@courtside", "summary": SUMMARY, "description": NOTES,
         "start": "2026-10-16"},
        {"uid": "zeit.website.launch@courtside", "summary": "Northwind Studio: Launch",
         "description": "Due: Fri 20 Nov 2026, 17:30", "start": "2026-11-20T16:30:00Z"},
    ]
    for parser, calendars in seen.items():
        for calendar in calendars:
            assert calendar["events"] == expected, parser


def test_look_alike_punctuation_reads_whole_everywhere(seen):
    for parser, calendars in seen.items():
        calendar = calendars[0]
        assert calendar["name"] == NAME, parser
        assert calendar["x_wr_calname"] == NAME, parser
        assert calendar["x_wr_caldesc"] == DESCRIPTION, parser
        assert calendar["description"] == DESCRIPTION, parser


def test_libical_checks_the_method_rules(seen):
    none, publish, organizer = seen["libical"]
    assert none["method"] is None and publish["method"] == "PUBLISH"
    assert none["parse_errors"] == publish["parse_errors"] == organizer["parse_errors"] == []
    # Without METHOD, RFC 5546's rules do not apply; PUBLISH requires an ORGANIZER.
    assert none["restriction_ok"] and none["restriction_errors"] == []
    assert not publish["restriction_ok"]
    assert [e["type"] for e in publish["restriction_errors"]] == ["INVALID-ITIP"]
    assert "ORGANIZER" in publish["restriction_errors"][0]["message"]
    assert organizer["restriction_ok"] and organizer["restriction_errors"] == []
