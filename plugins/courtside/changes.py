"""Change requests: decisions waiting on the client, and what changes add up to.

A proposed change is a decision in the client's court, whoever holds the
ball for the current step: it waits on the client's business days, against
the client's agreed response time. Approved changes count towards the
project's totals of time and money.

Pure: functions of the project, the day and the client's calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .model import Change, LogEntry, Project
from .workdays import PLAIN, WorkingCalendar


@dataclass(frozen=True)
class Decision:
    """A proposed change request, waiting for the client's yes or no."""

    entry: LogEntry
    #: The entry's change (proposed).
    change: Change
    #: Business days since it was proposed, on the client's calendar.
    waiting_days: int
    #: The client's agreed response time, when the terms give one.
    response_days: int | None

    @property
    def overdue(self) -> bool:
        return self.response_days is not None and self.waiting_days > self.response_days


def decisions_waiting(project: Project, today: dt.date,
                      calendar: WorkingCalendar = PLAIN) -> tuple[Decision, ...]:
    """Every proposed change request, oldest first."""
    response = project.agreement.per_party("response_days").get("client")
    waiting = [(entry, entry.change) for entry in project.log
               if entry.change is not None and entry.change.status == "proposed"]
    return tuple(Decision(entry, change, max(calendar.business_days_between(entry.date, today), 0),
                          response)
                 for entry, change in sorted(waiting, key=lambda pair: pair[0].date))


@dataclass(frozen=True)
class ChangeTotal:
    """Change requests of one status, added up."""

    count: int
    #: Business days, of those that give any; None when none does.
    days: int | None
    #: The costs added up ("€3,200") when they can be, else listed ("€800 + two days' work").
    cost: str | None


_AMOUNT = re.compile(r"(?P<before>[^\d\s.,+-]*\s?)(?P<number>\d{1,3}(?:,\d{3})+|\d+)"
                     r"(?P<decimals>\.\d{1,2})?(?P<after>\s?[^\d\s.,+-]*)")


def add_costs(costs: list[str]) -> str | None:
    """``["€800", "€2,400", "$5"]`` → ``"€3,200 + $5"``. Amounts written the
    same way (the same currency sign on the same side) are added; anything
    else is listed as written rather than guessed at."""
    if not costs:
        return None
    # In order: each sign (before and after the number) with its amounts, and
    # each cost that is kept as written, in its place.
    parts: list[tuple[str, str] | str] = []
    amounts: dict[tuple[str, str], list[re.Match[str]]] = {}
    for cost in costs:
        match = _AMOUNT.fullmatch(cost.strip())
        if match is None or not (match["before"].strip() or match["after"].strip()):
            parts.append(cost)
            continue
        sign = (match["before"], match["after"])
        if sign not in amounts:
            parts.append(sign)
        amounts.setdefault(sign, []).append(match)
    return " + ".join(part if isinstance(part, str) else _sum(part, amounts[part]) for part in parts)


def _sum(sign: tuple[str, str], matches: list[re.Match[str]]) -> str:
    if len(matches) == 1:
        return matches[0].string.strip()
    cents = sum(int(m["number"].replace(",", "")) * 100
                + int((m["decimals"] or ".0")[1:].ljust(2, "0")) for m in matches)
    whole, rest = divmod(cents, 100)
    number = f"{whole:,}" if any("," in m["number"] for m in matches) or whole >= 10_000 \
        else str(whole)
    if any(m["decimals"] for m in matches):
        number += f".{rest:02d}"
    return f"{sign[0]}{number}{sign[1]}"


def change_total(project: Project, status: str) -> ChangeTotal:
    changes = [entry.change for entry in project.log
               if entry.change is not None and entry.change.status == status]
    days = [change.days for change in changes if change.days is not None]
    return ChangeTotal(
        count=len(changes),
        days=sum(days) if days else None,
        cost=add_costs([change.cost for change in changes if change.cost]),
    )
