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
from functools import cache, cached_property
from typing import TYPE_CHECKING

from .model import Change, LogEntry, Project
from .workdays import PLAIN, WorkingCalendar

if TYPE_CHECKING:
    from babel import Locale


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


#: Spaces a locale that groups digits with a space is written with: a plain
#: space, a no-break space and a narrow no-break space.
_SPACES = " \u00a0\u202f"


@dataclass(frozen=True)
class NumberStyle:
    """How a locale writes an amount: the symbol that groups its thousands
    and the one before its decimals."""

    group: str
    decimal: str

    @property
    def groups(self) -> str:
        """The group symbols an amount may be written with: any space for a
        locale that groups with one, else the locale's own."""
        return _SPACES if self.group in _SPACES else self.group

    @cached_property
    def amount(self) -> re.Pattern[str]:
        """A sign (before or after), a number grouped by threes or not, up to
        two decimals: ``€2,400``, ``1.200,50 €``, ``2 400 €``."""
        group, decimal = f"[{re.escape(self.groups)}]", re.escape(self.decimal)
        sign = f"[^\\d\\s.,+{re.escape(self.groups + self.decimal)}-]*"
        return re.compile(f"(?P<before>{sign}\\s?)(?P<number>\\d{{1,3}}(?:{group}\\d{{3}})+|\\d+)"
                          f"(?P<decimals>{decimal}\\d{{1,2}})?(?P<after>\\s?{sign})")


#: English's: ``€3,200.50``.
ENGLISH = NumberStyle(",", ".")


@cache
def number_style(locale: Locale) -> NumberStyle:
    """The locale's group and decimal symbols, from Babel's CLDR data: ``de``
    → ``.`` and ``,``; ``fr`` → a narrow no-break space and ``,``."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return NumberStyle(get_group_symbol(locale), get_decimal_symbol(locale))


def add_costs(costs: list[str], style: NumberStyle = ENGLISH) -> str | None:
    """``["€800", "€2,400", "$5"]`` → ``"€3,200 + $5"``. Amounts written the
    same way (the same currency sign on the same side, the number in the
    portal's style) are added; anything else is listed as written rather
    than guessed at: ``"2.400 €"`` is a sum in German and a cost kept as
    written in English."""
    if not costs:
        return None
    # In order: each sign (before and after the number) with its amounts, and
    # each cost that is kept as written, in its place.
    parts: list[tuple[str, str] | str] = []
    amounts: dict[tuple[str, str], list[re.Match[str]]] = {}
    for cost in costs:
        match = style.amount.fullmatch(cost.strip())
        if match is None or not (match["before"].strip() or match["after"].strip()):
            parts.append(cost)
            continue
        sign = (match["before"], match["after"])
        if sign not in amounts:
            parts.append(sign)
        amounts.setdefault(sign, []).append(match)
    return " + ".join(part if isinstance(part, str) else _sum(part, amounts[part], style)
                      for part in parts)


def _sum(sign: tuple[str, str], matches: list[re.Match[str]], style: NumberStyle) -> str:
    if len(matches) == 1:
        return matches[0].string.strip()
    # The group symbol of the first input written grouped ("2 400" or "2\u202f400").
    groups = [m["number"].strip("0123456789")[0] for m in matches if not m["number"].isdigit()]
    cents = sum(int("".join(filter(str.isdigit, m["number"]))) * 100
                + (int(m["decimals"][1:].ljust(2, "0")) if m["decimals"] else 0) for m in matches)
    whole, rest = divmod(cents, 100)
    number = str(whole)
    if groups or whole >= 10_000:
        number = f"{whole:,}".replace(",", groups[0] if groups else style.group)
    if any(m["decimals"] for m in matches):
        number += f"{style.decimal}{rest:02d}"
    return f"{sign[0]}{number}{sign[1]}"


def change_total(project: Project, status: str, style: NumberStyle = ENGLISH) -> ChangeTotal:
    changes = [entry.change for entry in project.log
               if entry.change is not None and entry.change.status == status]
    days = [change.days for change in changes if change.days is not None]
    return ChangeTotal(
        count=len(changes),
        days=sum(days) if days else None,
        cost=add_costs([change.cost for change in changes if change.cost], style),
    )
