"""The rules of the portal, as pure functions of a project and a date.

No Pelican, no files, no clock: "today" is an argument, so every rule can be
tested on its own and a build with ``SOURCE_DATE_EPOCH`` is reproducible.
Business days are Monday to Friday; public holidays are not modelled.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Literal, Mapping
from zoneinfo import ZoneInfo

from .model import Milestone, Party, Project

#: A current step due within this many business days is "due soon".
DUE_SOON_DAYS = 2


# --- today -------------------------------------------------------------------

def build_moment(environ: Mapping[str, str] = os.environ) -> dt.datetime:
    """The instant a build happens: ``SOURCE_DATE_EPOCH`` when set (so two
    builds of the same input agree), else the clock. Always in UTC."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)


def local_today(moment: dt.datetime, timezone: str) -> dt.date:
    """The date it is at ``moment`` for someone in ``timezone``."""
    return moment.astimezone(ZoneInfo(timezone)).date()


# --- business days -----------------------------------------------------------

def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Business days after ``start`` up to and including ``end``; negative
    when ``end`` comes first. Tue → next Tue is 5; Fri → Sat is 0."""
    if end < start:
        return -business_days_between(end, start)
    whole_weeks, extra = divmod((end - start).days, 7)
    count = whole_weeks * 5
    for offset in range(1, extra + 1):
        count += is_business_day(start + dt.timedelta(days=whole_weeks * 7 + offset))
    return count


# --- the current step and the ball -------------------------------------------

def current_step(project: Project) -> Milestone | None:
    """The first milestone, in listed order, that is not done."""
    return next((m for m in project.milestones if m.done is None), None)


def is_complete(project: Project) -> bool:
    return project.status == "done" or current_step(project) is None


def ball_in_court(project: Project) -> Party | None:
    """Who must act now; None when the project is paused or complete."""
    if project.status == "paused" or is_complete(project):
        return None
    return current_step(project).owner


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


def due_state(step: Milestone, today: dt.date, grace_days: Mapping[str, int],
              consequences: Mapping[str, str]) -> DueState:
    """How the current step stands against its due date on ``today``.

    A due date that falls over a weekend is not late until a business day
    has passed, the same way slips are counted.
    """
    remaining = business_days_between(today, step.due)
    grace = grace_days.get(step.owner)
    if remaining >= 0:
        kind: DueKind = "due_soon" if remaining <= DUE_SOON_DAYS else "on_time"
        return DueState(kind, remaining, grace)
    late = -remaining
    past_grace = grace is not None and late > grace
    return DueState("overdue", late, grace, past_grace,
                    consequences.get(step.owner) if past_grace else None)


SlipKind = Literal["early", "on_time", "late"]


@dataclass(frozen=True)
class Slip:
    kind: SlipKind
    business_days: int  # always >= 0; the kind says which way


def slip(milestone: Milestone) -> Slip | None:
    """How a finished milestone's ``done`` compares with its ``due``."""
    if milestone.done is None:
        return None
    days = business_days_between(milestone.due, milestone.done)
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
    since: dt.date | None
    waiting_days: int | None
    due: DueState | None
    slips: Mapping[str, Slip]


def project_state(project: Project, today: dt.date) -> ProjectState:
    slips = {m.id: s for m in project.milestones if (s := slip(m)) is not None}
    if is_complete(project):
        return ProjectState(today, "complete", None, None, None, None, None, slips)
    step = current_step(project)
    if project.status == "paused":
        return ProjectState(today, "paused", step, None, None, None, None, slips)
    started = since(project, step)
    waiting = business_days_between(started, today) if started else None
    terms = project.agreement
    due = due_state(step, today, terms.per_party("grace_days"), terms.per_party("consequences"))
    return ProjectState(today, "active", step, step.owner, started,
                        max(waiting, 0) if waiting is not None else None, due, slips)
