"""The milestone feed of one portal, built with the icalendar library.

A client subscribes once; from then on the feed must update their calendar
without ever duplicating an event or showing a date a day off:

- an event's UID comes from the client, project and milestone ids only, so a
  renamed or moved milestone updates the same entry;
- date-only milestones are all-day events (``VALUE=DATE``, exclusive end);
  timed ones are the instant they name in the client's time zone, written in
  UTC, which every parser reads the same way (no VTIMEZONE to misread);
- ``SEQUENCE`` rises with each build's moment (see ``revision``), DTSTAMP is
  the build's moment in UTC, so two builds of one commit are byte-identical;
- a step left open in a project marked done is ``STATUS:CANCELLED``, and
  its description says why (``ScheduleRow.status``);
- the client's reminders (``reminders: [2d, 1d]``) are VALARMs on the
  client's own open steps, in the client's feed only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from icalendar import Parameters, vDuration, vUri
from icalendar.parser import Contentline
from icalendar.parser_tools import to_unicode

from .i18n import isolated, one_stop
from .model import Milestone
from .portal import Portal, ScheduleRow, calendar_name, is_absolute
from .recorded import first_agreed
from .rules import due_instant

PRODID = "-//Courtside//Client portal milestones//EN"
#: How often calendar apps are asked to fetch the feed again.
REFRESH_INTERVAL = dt.timedelta(hours=4)
UID_DOMAIN = "courtside"
_REVISION_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
#: RFC 5545: a content line longer than this many octets is folded.
_FOLD_AT = 75


def folded(line: str) -> bytes:
    """A content line as UTF-8, folded exactly as icalendar folds it, on its
    octets instead of one character at a time: a line under 75 octets stays
    as it is; a longer one is cut before the character that would make a
    piece 75 octets long (never inside a character's octets), one character
    earlier where the cut would split a ``\\`` or ``^`` escape from what it
    escapes, as icalendar does. A feed has a dozen lines per event, German
    and Russian ones are long and not ASCII, and icalendar's character loop
    was a fifth of a build."""
    data = line.encode("utf-8")
    if len(data) < _FOLD_AT:
        return data
    chunks, start = [], 0
    while len(data) - start >= _FOLD_AT:
        end = start + _FOLD_AT - 1
        while data[end] & 0xC0 == 0x80:  # a continuation octet: back to its character's start
            end -= 1
        if data[end - 1] in _ESCAPES:
            end -= 1
        chunks.append(data[start:end])
        start = end
    chunks.append(data[start:])
    return b"\r\n ".join(chunks)


#: The octets of ``\\`` and ``^``, which start an escape that a fold must not split.
_ESCAPES = frozenset(b"\\^")


def content_line(name: str, value: object) -> str:
    """One property as ``Contentline.from_parts`` makes it, unfolded. Most
    have no parameters: those are written without its checks and
    conversions. A plain ``str`` is a value already written as iCalendar
    text (dates, numbers, ids), with any parameters in ``name``."""
    if type(value) is str:
        return f"{name}:{value}"
    params = getattr(value, "params", None)
    if params or not hasattr(value, "to_ical"):
        return str(Contentline.from_parts(
            name, params if params is not None else Parameters(), value))
    return f"{name}:{to_unicode(value.to_ical())}"


_BEGIN_EVENT, _END_EVENT = b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n"


def serialize_lines(properties: Sequence[tuple[str, object]]) -> bytes:
    """The content lines of ``properties``, each folded and ending in CRLF."""
    return b"".join(folded(content_line(name, value)) + b"\r\n" for name, value in properties)


def serialize_event(properties: Sequence[tuple[str, object]]) -> bytes:
    """A VEVENT of ``properties`` (icalendar values, in the order icalendar
    writes them: its canonical order, then by name), byte for byte what
    ``icalendar.Event`` with those properties gives from ``to_ical()``, in
    half the time: a feed is mostly events, and events were most of a build."""
    return _BEGIN_EVENT + serialize_lines(properties) + _END_EVENT


def event_uid(client_id: str, project_id: str, milestone_id: str) -> str:
    return f"{client_id}.{project_id}.{milestone_id}@{UID_DOMAIN}"


def calendar_uid(client_id: str, project_id: str) -> str:
    return f"{client_id}.{project_id}@{UID_DOMAIN}"


def revision(moment: dt.datetime) -> int:
    """The SEQUENCE of every event in a feed built at ``moment``: whole
    minutes since 2024.

    A static build keeps no memory of the feeds it wrote before, so it cannot
    tell which events changed. A number that rises with the build's moment
    rises with every change (Google ignores a changed event otherwise), and
    stays put for two builds of the same input at the same
    ``SOURCE_DATE_EPOCH``. Unchanged events going up too is harmless: a
    calendar app just takes them again.
    """
    return max(int((moment - _REVISION_EPOCH).total_seconds() // 60), 0)


#: Line separators some parsers do not take as text (node-ical drops the
#: whole property): written as the line breaks they mean.
_LINE_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\x85": "\n"})


def escaped_text(text: str) -> str:
    """``text`` as a TEXT value, escaped as RFC 5545 says. icalendar's own
    escaping first turns a literal ``\\N`` into a line break ("C:\\Nordic"
    would read as "C:" and "ordic" in every calendar app); otherwise the same."""
    if not text.isascii():
        text = text.translate(_LINE_BREAKS)
    text = text.replace("\\", "\\\\").replace(";", r"\;")
    text = text.replace(",", r"\,").replace("\r\n", r"\n").replace("\n", r"\n")
    return text.replace("\r", r"\n")


def _date(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _instant(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC)
    return f"{_date(moment)}T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}Z"


def _when(portal: Portal, milestone: Milestone, day: dt.date) -> str:
    """A milestone's date as the description states it; a timed one with
    the time it really has in the client's zone (see ``local_due_time``)."""
    words = portal.words
    if milestone.due_time is None:
        return words.long_date(day)
    return f"{words.long_date(day)}, {words.clock_time(portal.due_time(milestone, day))} " \
        f"({words.zone_name(portal.client.timezone)})"


def milestone_events(portal: Portal, row: ScheduleRow, *prefixes: str) -> tuple[bytes, ...]:
    """One milestone as a serialized event for each summary prefix: none in
    the project's feed, the client's name in the studio's; the same UID
    wherever it appears. The events differ in their SUMMARY only, which comes
    first in icalendar's order, so the rest is serialized once for all.

    A milestone the forecast moved sits on its expected date, and says so;
    its description keeps the agreed date and gives the reason. A late
    current step stays on its agreed date: that is a debt, not a forecast.
    """
    milestone, client = row.milestone, portal.client
    owner = portal.party_name(milestone.owner)
    done = "✓ " if milestone.done else ""
    expected = row.expected if row.expected is not None and row.expected.moved else None
    day = expected.date if expected is not None else milestone.due
    # A late current step stays on the date it is late against: a debt, not a forecast.
    forecast = expected is not None and not expected.overdue
    if milestone.due_time is None:
        when = [("DTSTART;VALUE=DATE", _date(day)),
                ("DTEND;VALUE=DATE", _date(day + dt.timedelta(days=1)))]
    else:  # an instant: no DTEND
        when = [("DTSTART", _instant(due_instant(milestone, client.timezone, day)))]
    _, status = row.status
    _ = portal.words.language.gettext
    due = _when(portal, milestone, milestone.due)
    lines = [
        _("Project: %(title)s") % {"title": isolated(portal.project.title)},
        _("Owner: %(name)s") % {"name": isolated(owner)},
        (_("Due: %(date)s (agreed)") if expected else _("Due: %(date)s")) % {"date": due},
    ]
    if row.history and row.history.moved:
        lines.append(first_agreed(row.history, portal.words, portal.client.timezone))
    if expected:
        values = {"date": _when(portal, milestone, day), "why": portal.moved_text(expected)}
        lines.append((_("Expected: %(date)s, %(why)s") if forecast
                      else _("Moved to: %(date)s, %(why)s")) % values)
    lines.append(_("State: %(state)s (finished %(date)s)") % {
        "state": status, "date": portal.words.long_date(milestone.done)} if milestone.done
        else _("State: %(state)s") % {"state": status})
    if portal.url:
        lines.append(_("Portal: %(url)s") % {"url": portal.url})
    if milestone.note:  # the studio's words, after a blank line
        lines += ["", milestone.note.strip()]
    # Written as icalendar writes them (a property test compares the two);
    # ids are slugs and need no escaping.
    rest = serialize_lines([
        *when,
        ("DTSTAMP", _instant(portal.updated)),
        ("UID", event_uid(client.id, portal.project.id, milestone.id)),
        ("SEQUENCE", str(revision(portal.updated))),
        ("DESCRIPTION", escaped_text("\n".join(lines))),
        # A step left open in a finished project is not coming: calendar
        # apps strike a cancelled event through or leave it out (RFC 5545 3.8.1.11).
        ("STATUS", "CANCELLED" if row.state == "unfinished" else "CONFIRMED"),
        ("TRANSP", "TRANSPARENT"),  # a deadline does not block anyone's time
        *([("URL", vUri(portal.url))] if portal.url else []),
    ])
    summary = _("%(party)s: %(milestone)s (expected)") if forecast else _("%(party)s: %(milestone)s")
    # The client's reminders ring in the client's own feed only (no prefix).
    alarms = _alarms(portal, milestone, day) if portal.reminds(row) else b""
    return tuple(_BEGIN_EVENT + serialize_lines([("SUMMARY", escaped_text(
        done + summary % {"party": prefix + isolated(owner), "milestone": isolated(milestone.title)}))])
                 + rest + (b"" if prefix else alarms) + _END_EVENT for prefix in prefixes)


_BEGIN_ALARM, _END_ALARM = b"BEGIN:VALARM\r\n", b"END:VALARM\r\n"


def _alarms(portal: Portal, milestone: Milestone, day: dt.date) -> bytes:
    """A VALARM for each of the portal's reminders, before the event's start
    (``day``), with its properties in icalendar's order."""
    words = portal.words
    sentence = words.language.gettext("Your step %(step)s of %(project)s is due %(date)s.")
    text = escaped_text(one_stop(sentence % {
        "step": words.quoted(milestone.title), "project": words.quoted(portal.project.title),
        "date": _when(portal, milestone, day)}))
    return b"".join(
        _BEGIN_ALARM + serialize_lines([("ACTION", "DISPLAY"), ("DESCRIPTION", text),
                                        ("TRIGGER", vDuration(-reminder.lead))]) + _END_ALARM
        for reminder in portal.reminders)


def portal_calendar(portal: Portal, events: list[bytes] | None = None) -> bytes:
    """The feed of every milestone of ``portal``'s project; ``events``, when
    given, are those milestones as ``milestone_events`` serialized them."""
    client, project = portal.client, portal.project
    feed = portal.subscription.url if portal.subscription else None
    return _feed(
        uid=calendar_uid(client.id, project.id),
        name=calendar_name(client, project),
        description=portal.words.language.gettext(
            "Milestones of %(title)s, with who must act.") % {"title": isolated(project.title)},
        timezone=client.timezone,
        url=portal.url,
        source=feed if feed and is_absolute(feed) else None,
        events=events if events is not None
        else [milestone_events(portal, row, "")[0] for row in portal.schedule],
    )


def studio_calendar(events: list[bytes], *, name: str, uid: str, timezone: str,
                    description: str, url: str | None = None,
                    source: str | None = None) -> bytes:
    """A feed of many projects' events, each serialized where its project
    was built (``milestone_events(..., prefix)``), so that every event
    is built once however many feeds it appears in. Their UIDs are the ones
    the project feeds use."""
    return _feed(uid=uid, name=name, description=description, timezone=timezone,
                 url=url, source=source, events=events)


#: Calendar-level text (NAME, X-WR-CALNAME, X-WR-CALDESC, DESCRIPTION) is
#: read differently by every parser when it holds a comma, a semicolon or a
#: backslash: raw, vobject (Radicale, khal) cuts the name at the comma and
#: Ruby's icalendar splits it into a list; escaped, icalendar, ical.js and
#: ics.py show the backslashes. Measured with seven parsers
#: (tests/feed_parsers.py), only look-alikes read whole everywhere: U+201A
#: for the comma, U+037E (the Greek question mark, drawn as a semicolon) for
#: the semicolon, U+29F5 for the backslash. Events' own text is escaped as
#: RFC 5545 says, which every one of them reads right.
_LOOK_ALIKES = str.maketrans({",": "\u201a", ";": "\u037e", "\\": "\u29f5"})


def calendar_text(text: str) -> str:
    """Text for a calendar-level property: on one line (icalendar does not
    escape X-WR-CALNAME, so a line break would break the feed), with the
    look-alikes above for what no escaping makes every parser read alike."""
    return " ".join(text.split()).translate(_LOOK_ALIKES)


def _feed(*, uid: str, name: str, description: str, timezone: str, url: str | None,
          source: str | None, events: list[bytes]) -> bytes:
    # No METHOD: a subscribed feed is not an iTIP message (RFC 5546), and
    # METHOD:PUBLISH without an ORGANIZER fails libical's iTIP check
    # (Evolution) for every event. Google, Outlook and Apple read feeds
    # without it; an ORGANIZER would make each deadline a meeting invitation.
    text_name, text_description = (escaped_text(calendar_text(text)) for text in (name, description))
    every = escaped_text(vDuration(REFRESH_INTERVAL).to_ical().decode())  # type: ignore[no-untyped-call]
    # In icalendar's order (its canonical order, then by name), as
    # ``icalendar.Calendar.new(...).to_ical()`` writes them (a property test compares the two).
    header = serialize_lines([
        ("VERSION", "2.0"), ("PRODID", escaped_text(PRODID)), ("CALSCALE", "GREGORIAN"),
        ("DESCRIPTION", text_description), ("X-WR-CALDESC", text_description),
        ("NAME", text_name), ("X-WR-CALNAME", text_name),
        # icalendar writes REFRESH-INTERVAL without the VALUE=DURATION that
        # RFC 7986 requires, and a bare timedelta in X-PUBLISHED-TTL as "4:00:00".
        ("REFRESH-INTERVAL;VALUE=DURATION", every),
        *([("SOURCE", vUri(source))] if source else []),
        ("UID", escaped_text(uid)),
        *([("URL", vUri(url))] if url else []),
        ("X-PUBLISHED-TTL", every),
        ("X-WR-TIMEZONE", escaped_text(timezone)),
    ])
    return _BEGIN_CALENDAR + header + b"".join(events) + _END_CALENDAR


_BEGIN_CALENDAR, _END_CALENDAR = b"BEGIN:VCALENDAR\r\n", b"END:VCALENDAR\r\n"
