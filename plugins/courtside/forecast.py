"""When each open milestone can now be expected, and why.

Agreed due dates are the commitment and are never rewritten; the forecast
only ever moves a date later. The rule, for milestones in listed order:

- a done milestone happened when it happened (its ``done`` date);
- an open milestone keeps its planned length in business days — from the
  previous milestone's due date to its own, counted on its owner's
  calendar — after the previous milestone's expected (or done) date, plus
  the business days of approved changes recorded ``after`` that previous
  milestone; it is never expected before its own due date, and a date that
  would move by no business day stays the due date;
- the current step holds up what follows until it is done: once today is
  past its expected date, the steps after it keep their planned length
  after today; and a step done ahead of it frees nothing after it: what
  follows keeps its planned length after the current step's expected date
  (or after today, once that is past).

What others' delays and approved changes move is moved for its owner too:
the current step is late against its expected date, not against an agreed
date the other side or an approved change made impossible (a late current
step is the one date that does not move on with today; it stays the date it
is late against). Early finishes do not pull dates in. Every business day a
date moves is attributed to what moved it — a late or unfinished step of
either party, an approved change, or a plan listed out of order — so the
page can say why, in the party's own terms.

Pure: a function of the project, the day and the parties' calendars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .model import LogEntry, Milestone, Party, Project

if TYPE_CHECKING:
    from .rules import Calendars

CauseKind = Literal["late", "open", "finished_late", "change", "order"]


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
    #: The milestone that holds things up: late (``late``), not done yet
    #: though nobody is late on their own calendar (``open``), finished late
    #: (``finished_late``), or listed before this one while due after it
    #: (``order``).
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
    #: When it can be expected; its due date when nothing moved it. For the
    #: current step this is also the date it is late against.
    date: dt.date
    #: Business days later than agreed, on its owner's calendar.
    shift: int
    #: What moved it, oldest cause first; empty when it did not move.
    causes: tuple[Cause, ...] = ()
    #: The current step is late even against its expected date: what
    #: follows moves on with today, its own date stays (a debt, not a
    #: forecast).
    overdue: bool = False

    @property
    def moved(self) -> bool:
        """Whether it is expected later than agreed."""
        return self.shift > 0


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
            for (share, _, index), cause in zip(shares, causes, strict=True) if share + (index in bonus)]


def approved_shifts(project: Project) -> Mapping[str, tuple[tuple[LogEntry, int], ...]]:
    """Approved changes that move the plan, by the milestone they follow:
    each log entry with the business days its change adds."""
    shifts: dict[str, list[tuple[LogEntry, int]]] = {}
    for entry in project.log:
        change = entry.change
        if change and change.status == "approved" and change.after and change.days and change.days > 0:
            shifts.setdefault(change.after, []).append((entry, change.days))
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
    anchor = project.milestones[0].due  # the date the next step follows: done or expected
    carried: list[Cause] = []  # what moved ``anchor``, in ``previous``'s owner's days
    # When ``previous`` ended after its expected date (finished late, or still
    # open after it): that date, and why, so the next step can tell how much
    # of its move is that lateness, counted on its own calendar.
    late_from: dt.date | None = None
    holdup: Cause | None = None
    # What the current step holds up: the date nothing after it can be
    # expected before (today once it is late, else its expected date), not
    # even after a step done ahead of it, and why that date moved.
    holding: tuple[dt.date, list[Cause]] | None = None
    for milestone in project.milestones:
        calendar = calendars[milestone.owner]
        base = without = milestone.due
        inherited: list[Cause] = []
        if previous is not None:
            planned = max(calendar.business_days_between(previous.due, milestone.due), 0)
            changes = shifts.get(previous.id, ())
            planned += sum(days for _, days in changes)
            base = max(milestone.due, calendar.add_business_days(anchor, planned))
            without = base if late_from is None else \
                max(milestone.due, calendar.add_business_days(late_from, planned))
            inherited = carried + [Cause("change", days, days, entry=entry) for entry, days in changes]
        shift = max(calendar.business_days_between(milestone.due, base), 0)
        if shift == 0:
            base = milestone.due  # not one business day later: expected when due
        shift_without = min(max(calendar.business_days_between(milestone.due, without), 0), shift)
        causes = _apportion(inherited, shift_without)
        if shift_without and not causes:  # nothing late: the plan lists it after a later step
            causes = [Cause("order", shift_without, 0, previous)]
        if shift > shift_without:
            # Only a lateness (``late_from``, set with ``holdup``) keeps
            # ``without`` below ``base``.
            assert holdup is not None
            causes.append(Cause(holdup.kind, shift - shift_without, holdup.own_days, previous))
        late_from = holdup = None
        if milestone.done is not None:
            anchor, carried = milestone.done, causes
            if holding is not None and holding[0] > anchor:  # done ahead of the step holding things up
                anchor, carried = holding[0], causes or holding[1]
            if milestone.done > base:
                own = calendar.business_days_between(milestone.due, milestone.done)
                late_from, holdup = base, Cause("finished_late", 0, own, milestone)
        else:
            late = calendar.business_days_between(base, today) if milestone is current else 0
            result[milestone.id] = Expected(milestone, base, shift, tuple(causes), late > 0)
            anchor, carried = base, causes
            if milestone is current:
                holding = (base, causes)
            if milestone is current and today > base:  # what follows waits for it
                anchor, late_from = today, base
                holdup = Cause("late" if late > 0 else "open", 0, late, milestone)
                # days: its weight when shared out
                holding = (today, [Cause(holdup.kind, 1, late, milestone)])
        previous = milestone
    return result
