"""The rules of the portal, as pure functions of a project and a date.

No Pelican, no files, no clock: "today" is an argument, so every rule can be
tested on its own and a build with ``SOURCE_DATE_EPOCH`` is reproducible.
Days counted against a party are counted on that party's working calendar
(``workdays``): the client's step waits on the client's business days, the
studio's on the studio's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from .changes import Decision, decisions_waiting
from .forecast import Expected, forecast
from .model import Client, Milestone, Party, Project
from .schema import YEARS
from .workdays import PLAIN, WorkingCalendar

#: A current step due within this many business days is "due soon".
DUE_SOON_DAYS = 2


# --- today -------------------------------------------------------------------

def build_moment(environ: Mapping[str, str] = os.environ) -> dt.datetime:
    """The instant a build happens: ``SOURCE_DATE_EPOCH`` when set (so two
    builds of the same input agree), else the clock. Always in UTC; a
    ``ValueError`` when it is not a whole number of seconds or lies outside
    the years a date may have (``schema.YEARS``)."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (OverflowError, OSError):
        raise ValueError(epoch) from None
    if moment.year not in YEARS:
        raise ValueError(epoch)
    return moment


def local_today(moment: dt.datetime, timezone: str) -> dt.date:
    """The date it is at ``moment`` for someone in ``timezone``."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def due_instant(milestone: Milestone, timezone: str, day: dt.date | None = None) -> dt.datetime:
    """The instant a timed milestone names (on ``day`` instead of its due
    date, for a forecast), in UTC. A local time that happens twice, when
    clocks go back, is its first occurrence; one that never happens, when
    clocks jump forward, is read as the time after the jump."""
    assert milestone.due_time is not None, "a timed milestone"
    local = dt.datetime.combine(day or milestone.due, milestone.due_time, ZoneInfo(timezone))
    return local.astimezone(dt.UTC)


def local_due_time(milestone: Milestone, timezone: str, day: dt.date | None = None) -> dt.time:
    """The wall-clock time of ``due_instant``: what the page and the feed
    state, so that "02:30" on the night clocks jump is shown as the 03:30 it
    really is."""
    return due_instant(milestone, timezone, day).astimezone(ZoneInfo(timezone)).time()


# --- business days -----------------------------------------------------------

#: Each party's working calendar.
Calendars = Mapping[Party, WorkingCalendar]
#: Monday to Friday for both sides: no holidays, no closures.
PLAIN_CALENDARS: Calendars = {"studio": PLAIN, "client": PLAIN}


def party_calendars(client: Client, studio: WorkingCalendar = PLAIN) -> Calendars:
    return {"studio": studio, "client": client.calendar}


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days after ``start`` up to and including ``end``;
    negative when ``end`` comes first. Tue → next Tue is 5; Fri → Sat is 0.
    A party's own count is ``calendars[party].business_days_between``."""
    return PLAIN.business_days_between(start, end)


# --- the current step and the ball -------------------------------------------

def current_step(project: Project) -> Milestone | None:
    """The first milestone, in listed order, that is not done."""
    return next((m for m in project.milestones if m.done is None), None)


def open_step(project: Project) -> Milestone | None:
    """The current step of a project that is not complete; None when it is."""
    return None if project.status == "done" else current_step(project)


def is_complete(project: Project) -> bool:
    return open_step(project) is None


def ball_in_court(project: Project) -> Party | None:
    """Who must act now; None when the project is paused or complete."""
    step = open_step(project)
    if project.status == "paused" or step is None:
        return None
    return step.owner


def since(project: Project, step: Milestone) -> dt.date | None:
    """When ``step`` became the current one: the latest ``done`` among the
    milestones before it, else the project's start, else the signing date."""
    earlier = project.milestones[: project.milestones.index(step)]
    finished = [m.done for m in earlier if m.done is not None]
    if finished:
        return max(finished)
    return project.start or project.agreement.signed


# --- lateness ------------------------------------------------------------------

DueKind = Literal["on_time", "due_soon", "overdue"]


@dataclass(frozen=True)
class DueState:
    kind: DueKind
    #: Business days left until the due date (on time, due soon), or past it (overdue).
    business_days: int
    #: The owner's agreed grace period, when the terms give one.
    grace_days: int | None = None
    past_grace: bool = False
    #: The agreed consequence, shown only once the grace period has passed.
    consequence: str | None = None
    #: The date it is measured against (see ``due_state``).
    date: dt.date | None = None
    #: With no business day left: how ``today`` lies against ``date``
    #: (-1 before it, 0 on it, 1 after it), so "due today" is said on the day.
    side: int = 0

    @property
    def grace_left(self) -> int | None:
        """Business days of the grace period still left, once overdue: 0 on
        its last day; None before the due date, past the grace period, or
        without one."""
        if self.kind != "overdue" or self.grace_days is None or self.past_grace:
            return None
        return self.grace_days - self.business_days


def due_state(step: Milestone, today: dt.date, grace_days: Mapping[str, int],
              consequences: Mapping[str, str], calendar: WorkingCalendar = PLAIN,
              due: dt.date | None = None) -> DueState:
    """How the current step stands against its due date on ``today`` (or
    against ``due``, the date the forecast moved it to when the other side's
    delays or approved changes made its own impossible), counted on its
    owner's ``calendar``.

    A due date that falls over a weekend or a holiday is not late until a
    business day has passed, the same way slips are counted.
    """
    due = due or step.due
    remaining = calendar.business_days_between(today, due)
    side = (today > due) - (today < due)
    grace = grace_days.get(step.owner)
    if remaining >= 0:
        kind: DueKind = "due_soon" if remaining <= DUE_SOON_DAYS else "on_time"
        return DueState(kind, remaining, grace, date=due, side=side)
    late = -remaining
    past_grace = grace is not None and late > grace
    return DueState("overdue", late, grace, past_grace,
                    consequences.get(step.owner) if past_grace else None, due, side)


SlipKind = Literal["early", "on_time", "late"]


@dataclass(frozen=True)
class Slip:
    kind: SlipKind
    business_days: int  # always >= 0; the kind says which way


def slip(milestone: Milestone, calendar: WorkingCalendar = PLAIN) -> Slip | None:
    """How a finished milestone's ``done`` compares with its ``due``, on its
    owner's ``calendar``."""
    if milestone.done is None:
        return None
    days = calendar.business_days_between(milestone.due, milestone.done)
    kind: SlipKind = "late" if days > 0 else "early" if days < 0 else "on_time"
    return Slip(kind, abs(days))


# --- the whole picture -----------------------------------------------------------

ProjectPhase = Literal["active", "paused", "complete"]


@dataclass(frozen=True)
class ProjectState:
    """Everything the portal says about where a project stands on ``today``."""

    today: dt.date
    phase: ProjectPhase
    current: Milestone | None
    ball: Party | None
    #: When the current step became current (``since``); a future day
    #: before the project starts, and then ``starts`` too.
    since: dt.date | None
    #: Business days the ball has waited; None before it starts waiting.
    waiting_days: int | None
    due: DueState | None
    slips: Mapping[str, Slip]
    #: The forecast of every open milestone, by id (active projects only).
    expected: Mapping[str, Expected] = field(default_factory=dict)
    #: Proposed change requests: decisions in the client's court.
    decisions: tuple[Decision, ...] = ()

    #: The project's last milestone's forecast, while it is open.
    end: Expected | None = None
    #: When the project can end at the earliest (the last milestone's
    #: expected date, or today once it is late), and how many business days
    #: after the agreed end that is; None unless the last milestone is open.
    expected_end: dt.date | None = None
    end_slip_days: int | None = None
    #: The day the first step starts waiting, while that is after ``today``
    #: (the project's start, or its signing): nothing waits yet.
    starts: dt.date | None = None

    def summary(self) -> ProjectState:
        """The state without each milestone's slip and forecast: what the
        studio's rows read, and all a build keeps of it (cache entries and
        workers' results are unpickled by the thousand)."""
        return dataclasses.replace(self, slips={}, expected={}, end=None)


def project_state(project: Project, today: dt.date,
                  calendars: Calendars = PLAIN_CALENDARS) -> ProjectState:
    slips = {m.id: s for m in project.milestones
             if (s := slip(m, calendars[m.owner])) is not None}
    step = open_step(project)
    if step is None:  # complete
        return ProjectState(today, "complete", None, None, None, None, None, slips)
    decisions = decisions_waiting(project, today, calendars["client"])
    if project.status == "paused":
        return ProjectState(today, "paused", step, None, None, None, None, slips,
                            decisions=decisions)
    started = since(project, step)
    calendar = calendars[step.owner]
    starts = started if started is not None and started > today else None
    waiting = calendar.business_days_between(started, today) \
        if started is not None and starts is None else None
    terms = project.agreement
    expected = forecast(project, today, calendars, step)
    due = due_state(step, today, terms.per_party("grace_days"), terms.per_party("consequences"),
                    calendar, expected[step.id].date)
    last = project.milestones[-1]
    end = expected.get(last.id)
    end_date = (max(end.date, today) if end.overdue else end.date) if end else None
    return ProjectState(today, "active", step, step.owner, started, waiting, due, slips,
                        expected, decisions, end, end_date,
                        calendars[last.owner].business_days_between(last.due, end_date)
                        if end_date else None, starts)


StepState = Literal["done", "current", "upcoming", "unfinished"]


def step_state(milestone: Milestone, state: ProjectState) -> StepState:
    """How one milestone of the project ``state`` describes stands: done;
    the current step (of an active or a paused project); still to come; or
    unfinished, left open in a project marked done: neither late nor to
    come, so the page, the feed and the studio's rows say nothing is."""
    if milestone.done is not None:
        return "done"
    if state.phase == "complete":
        return "unfinished"
    # By id: a state the build kept (``summary``) holds a copy of its step.
    current = state.current
    return "current" if current is not None and milestone.id == current.id else "upcoming"


def reminded(milestone: Milestone, state: ProjectState) -> bool:
    """Whether the client's reminders go on ``milestone``'s calendar event:
    the client's own steps not done yet, in an active project; never the
    studio's, nor a finished step, nor any step of a paused project."""
    return milestone.owner == "client" and milestone.done is None and state.phase == "active"
