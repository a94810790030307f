"""The typed model of a client file: what the rules and templates work on.

Everything here has been validated; dates are dates, parties are
``"studio"`` or ``"client"``, and optional things are ``None``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from .workdays import Closure, WorkingCalendar, working_calendar

Party = Literal["studio", "client"]
PARTIES: tuple[Party, ...] = ("studio", "client")
PUBLISHED_STATUSES = ("active", "paused", "done")


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    email: str | None = None
    phone: str | None = None


ReminderUnit = Literal["w", "d", "h", "m"]
#: How long each unit of a reminder is.
REMINDER_UNITS: dict[ReminderUnit, dt.timedelta] = {
    "w": dt.timedelta(weeks=1), "d": dt.timedelta(days=1),
    "h": dt.timedelta(hours=1), "m": dt.timedelta(minutes=1)}


@dataclass(frozen=True)
class Reminder:
    """How long before one of the client's steps their calendar reminds
    them of it, as written: ``2d`` is ``Reminder(2, "d")``."""

    count: int
    unit: ReminderUnit

    @property
    def lead(self) -> dt.timedelta:
        return self.count * REMINDER_UNITS[self.unit]


@dataclass(frozen=True)
class Milestone:
    id: str
    title: str
    owner: Party
    due: dt.date
    #: Local time of day for a timed milestone ("2026-10-22 14:00"), else None.
    due_time: dt.time | None = None
    done: dt.date | None = None
    note: str | None = None


@dataclass(frozen=True)
class Change:
    status: Literal["proposed", "approved", "declined"]
    #: Effect on the schedule, in business days.
    days: int | None = None
    cost: str | None = None
    #: The milestone after which an approved change moves the forecast.
    after: str | None = None
    #: When it was approved or declined; the entry's date is when it was proposed.
    decided: dt.date | None = None


@dataclass(frozen=True)
class LogEntry:
    date: dt.date
    by: Party
    text: str
    change: Change | None = None


NoticeKind = Literal["info", "warning"]


@dataclass(frozen=True)
class Notice:
    """Something the studio warns of in advance (a closure, a price change):
    shown from ``first`` through ``until``, on every portal it applies to."""

    text: str
    #: The first day it is shown (``from`` in the file).
    first: dt.date
    #: The last day it is shown; None: until it is removed.
    until: dt.date | None = None
    kind: NoticeKind = "info"

    def active(self, today: dt.date) -> bool:
        return self.first <= today and (self.until is None or today <= self.until)

    def started(self, today: dt.date) -> bool:
        return self.first <= today

    def problem(self) -> str | None:
        """Why the notice as written cannot be shown; None when it can."""
        if self.until is not None and self.until < self.first:
            return f"{self.until} is before the notice's first day ({self.first})"
        return None


@dataclass(frozen=True)
class Agreement:
    template: str = "standard"
    signed: dt.date | None = None
    #: The terms as written, for the template's ``{{ terms.NAME }}``.
    terms: Mapping[str, Any] = field(default_factory=dict)
    clauses: str | None = None

    def per_party(self, name: str) -> Mapping[str, Any]:
        """A known per-party term (``response_days``, ``grace_days``,
        ``consequences``), or an empty mapping when the terms lack it."""
        return self.terms.get(name) or {}


@dataclass(frozen=True)
class Project:
    id: str
    title: str
    token: str
    milestones: tuple[Milestone, ...]
    status: Literal["active", "paused", "done", "archived", "draft"] = "active"
    paused_reason: str | None = None
    start: dt.date | None = None
    password_env: str | None = None
    calendar: bool = True
    agreement: Agreement = field(default_factory=Agreement)
    log: tuple[LogEntry, ...] = ()
    #: BCP 47 tag of this project's portal when it differs from its client's.
    language: str | None = None
    notices: tuple[Notice, ...] = ()
    #: This project's reminders when they differ from its client's; None: the client's.
    reminders: tuple[Reminder, ...] | None = None

    @property
    def published(self) -> bool:
        """Whether a production build publishes it (a draft it never does)."""
        return self.status in PUBLISHED_STATUSES

    @property
    def draft(self) -> bool:
        return self.status == "draft"

    def built(self, drafts: bool) -> bool:
        """Whether a build gets its page and feed: a published project
        always, a draft only in a build of ``drafts`` (the preview)."""
        return self.published or (drafts and self.draft)


@dataclass(frozen=True)
class Client:
    id: str
    name: str
    timezone: str
    projects: tuple[Project, ...]
    contact: Contact | None = None
    #: The file it came from, for messages.
    source: Path | None = None
    #: Public holidays (``"DE-BY"``) and closures of the client's working calendar.
    holidays: str | None = None
    closed: tuple[Closure, ...] = ()
    #: BCP 47 tag of the client's portals and feeds (``"de"``, ``"en-GB"``).
    language: str = "en"
    #: Notices for every project of the client.
    notices: tuple[Notice, ...] = ()
    #: Reminders of the client's own steps; None: the studio's default.
    reminders: tuple[Reminder, ...] | None = None

    def language_of(self, project: Project) -> str:
        """The language ``project``'s portal is written in."""
        return project.language or self.language

    def reminders_of(self, project: Project, default: tuple[Reminder, ...] = ()
                     ) -> tuple[Reminder, ...]:
        """The reminders of ``project``'s feed: the project's own, else the
        client's, else the studio's ``default``; an empty list means none."""
        for given in (project.reminders, self.reminders):
            if given is not None:
                return given
        return default

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return working_calendar(self.holidays, self.closed)

    def party_name(self, party: Party, studio_name: str) -> str:
        return studio_name if party == "studio" else self.name


def merged_terms(defaults: Mapping[str, Any], terms: Mapping[str, Any]) -> dict[str, Any]:
    """The studio's default terms with a project's own over them, key by key:
    a mapping is merged, any other value replaces the default."""
    merged = dict(defaults)
    for key, value in terms.items():
        default = merged.get(key)
        merged[key] = merged_terms(default, value) \
            if isinstance(default, Mapping) and isinstance(value, Mapping) else value
    return merged


def with_studio_terms(client: Client, defaults: Mapping[str, Any]) -> Client:
    """``client`` with the studio's default terms under each project's."""
    if not defaults:
        return client
    return replace(client, projects=tuple(
        replace(project, agreement=replace(project.agreement,
                                           terms=merged_terms(defaults, project.agreement.terms)))
        for project in client.projects))


def flat_terms(terms: Mapping[str, Any], at: tuple[str, ...] = ()
               ) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Each term by its place: ``(("grace_days", "client"), 10)``."""
    for key, value in terms.items():
        if isinstance(value, Mapping):
            yield from flat_terms(value, (*at, str(key)))
        else:
            yield (*at, str(key)), value


def term_sources(defaults: Mapping[str, Any], terms: Mapping[str, Any]
                 ) -> list[tuple[tuple[str, ...], Any, bool]]:
    """Each merged term (``merged_terms``) by its place: ``(("grace_days",
    "client"), 10, True)``, True when the project's own terms give it, False
    when it is the studio's default."""
    own = dict(flat_terms(terms))
    return [(key, value, key in own) for key, value in flat_terms(merged_terms(defaults, terms))]
