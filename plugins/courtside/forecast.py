"""When each open milestone can now be expected, and why.

Agreed due dates are the commitment and are never rewritten; the forecast
only ever moves a date later. The rule, for milestones in listed order:

- a done milestone happened when it happened (its ``done`` date);
- an open milestone keeps its planned length in business days — from the
  previous milestone's due date to its own, counted on its owner's
  calendar — after the previous milestone's expected (or done) date, plus
  the business days of approved changes recorded ``after`` that previous
  milestone; it is never expected before its own due date;
- the current step, once overdue, is expected no earlier than today;
- a date that would move by no business day stays the due date.

Early finishes do not pull dates in: every expected date is at least the
due date. Every business day a date moves is attributed to what moved it —
a late step of either party, or an approved change — so the page can say
why, in the party's own terms.

Pure: a function of the project, the day and the parties' calendars.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Mapping

from .model import LogEntry, Milestone, Party, Project

if TYPE_CHECKING:
    from .rules import Calendars

CauseKind = Literal["late", "finished_late", "change"]


@dataclass(frozen=True)
class Cause:
    """One reason a date moved."""

    kind: CauseKind
    #: How many of the moved date's business days it accounts for, on the
    #: calendar of the milestone that moved; the causes of one date add up
    #: to its shift.
    days: int
    #: Its own size on its own party's calendar: how late the milestone is
    #: (or was), or the business days the change adds.
    own_days: int
    #: The late milestone (``late``, ``finished_late``).
    milestone: Milestone | None = None
    #: The approved change request (``change``).
    entry: LogEntry | None = None

    @property
    def party(self) -> Party | None:
        return self.milestone.owner if self.milestone is not None else None


@dataclass(frozen=True)
class Expected:
    """An open milestone's forecast."""

    milestone: Milestone
    #: When it can be expected; its due date when nothing moved it.
    date: dt.date
    #: Business days later than agreed, on its owner's calendar.
    shift: int
    #: What moved it, oldest cause first; empty when it did not move.
    causes: tuple[Cause, ...] = ()
    #: The current step is late even against its forecast: it is expected
    #: "today at the earliest", which moves what follows. Its own date is
    #: not a forecast then but a debt, and stays the agreed one on the page
    #: and in the calendar.
    overdue: bool = False

    @property
    def moved(self) -> bool:
        """Whether the page shows an expected date apart from the agreed one."""
        return self.shift > 0 and not self.overdue


def _apportion(causes: list[Cause], total: int) -> list[Cause]:
    """Share ``total`` business days among ``causes`` in proportion to what
    each accounted for so far (largest remainders first, then the older
    cause): a move measured on one party's calendar is told in another's
    days, and what a step made up for shrinks every cause alike."""
    weight = sum(cause.days for cause in causes)
    if total <= 0 or weight <= 0:
        return []
    if weight == total:  # the usual case: one calendar, nothing made up
        return causes
    shares = [(cause.days * total // weight, -(cause.days * total % weight), index)
              for index, cause in enumerate(causes)]
    left = total - sum(share for share, _, _ in shares)
    bonus = {index for _, _, index in sorted(shares, key=lambda s: (s[1], s[2]))[:left]}
    return [Cause(cause.kind, share + (index in bonus), cause.own_days, cause.milestone, cause.entry)
            for (share, _, index), cause in zip(shares, causes) if share + (index in bonus)]


def approved_shifts(project: Project) -> Mapping[str, tuple[LogEntry, ...]]:
    """Approved changes that move the plan, by the milestone they follow."""
    shifts: dict[str, list[LogEntry]] = {}
    for entry in project.log:
        change = entry.change
        if change and change.status == "approved" and change.after and (change.days or 0) > 0:
            shifts.setdefault(change.after, []).append(entry)
    return {key: tuple(entries) for key, entries in shifts.items()}


def forecast(project: Project, today: dt.date, calendars: Calendars,
             current: Milestone | None) -> dict[str, Expected]:
    """The forecast of every open milestone, by id. ``current`` is the
    current step (None when the project is paused or complete: then nothing
    is forecast, since nobody is working to a date)."""
    if current is None:
        return {}
    shifts = approved_shifts(project)
    result: dict[str, Expected] = {}
    previous: Milestone | None = None
    anchor: dt.date | None = None  # the previous milestone's expected or done date
    carried: list[Cause] = []
    for milestone in project.milestones:
        calendar = calendars[milestone.owner]
        base, causes = milestone.due, []
        if previous is not None:
            planned = max(calendar.business_days_between(previous.due, milestone.due), 0)
            changes = shifts.get(previous.id, ())
            extra = sum(entry.change.days for entry in changes)
            base = max(milestone.due, calendar.add_business_days(anchor, planned + extra))
            causes = carried + [Cause("change", entry.change.days, entry.change.days, entry=entry)
                                for entry in changes]
        if milestone.done is not None:
            finished = calendar.business_days_between(base, milestone.done)
            if finished > 0:
                late = calendar.business_days_between(milestone.due, milestone.done)
                causes.append(Cause("finished_late", finished, late, milestone))
            end, expected_date, overdue = milestone.done, None, False
        else:
            end, overdue = base, False
            late = calendar.business_days_between(base, today) if milestone is current else 0
            if late > 0:
                own = calendar.business_days_between(milestone.due, today)
                causes.append(Cause("late", late, own, milestone))
                end, overdue = today, True
            expected_date = end
        shift = calendar.business_days_between(milestone.due, end)
        if expected_date is not None and shift <= 0:
            # Not one business day later (a step before it finished on a
            # Saturday): it is expected when it is due.
            end = expected_date = milestone.due
        causes = _apportion(causes, shift)
        if expected_date is not None:
            result[milestone.id] = Expected(milestone, expected_date, max(shift, 0),
                                            tuple(causes), overdue)
        anchor, carried, previous = end, causes, milestone
    return result
