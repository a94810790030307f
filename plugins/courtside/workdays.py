"""Working calendars: which days are business days for one party.

A business day is Monday to Friday, minus the public holidays of the party's
region (``DE-BY``, as the ``holidays`` package names countries and their
subdivisions) and the party's own closures. Days counted against a party —
waiting, overdue, grace, slip, due soon — are counted on that party's
calendar, so a client in Bavaria is never "late" because of Epiphany.

Pure: the holiday tables come from the ``holidays`` package (computed, not
read from disk) and are remembered per region and year, so a build of
thousands of portals looks each year up once.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

#: Public holidays are looked up for these years only; the holidays package
#: knows nothing useful outside them, and a typo such as 0026 must not make
#: a build ask for two thousand years of holidays.
HOLIDAY_YEARS = range(1900, 2200)

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, order=True)
class Closure:
    """Days a party does not work, ``first`` to ``last`` inclusive."""

    first: dt.date
    last: dt.date

    def __contains__(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def _weekdays_through(day: dt.date) -> int:
    """Mondays to Fridays from Monday 1 January of year 1 up to ``day``."""
    days = day.toordinal() - 1  # day 0 was a Monday
    return days // 7 * 5 + min(days % 7 + 1, 5)


def weekdays_between(start: dt.date, end: dt.date) -> int:
    """Mondays to Fridays after ``start`` up to and including ``end``
    (``end`` >= ``start``)."""
    return _weekdays_through(end) - _weekdays_through(start)


#: A closure longer than this is not a holiday but a stop: pause the project.
LONGEST_CLOSURE = dt.timedelta(days=366)


def closure_problem(closure: Closure) -> str | None:
    """Why a closure as written cannot be one; None when it is fine."""
    if closure.last < closure.first:
        return f"{closure.last} is before the closure's first day ({closure.first})"
    if closure.last - closure.first >= LONGEST_CLOSURE:
        return (f"{closure.first} to {closure.last} is longer than a year; a closure is days "
                "off, not a stop (pause the project instead: status: paused)")
    return None


# --- regions -------------------------------------------------------------------

@cache
def supported_regions() -> dict[str, tuple[str, ...]]:
    """Every country code the holidays package knows, with its subdivisions."""
    import holidays  # imported on first use: most builds never need it

    # Two-letter codes only: the package also answers to three-letter aliases.
    return {country: tuple(subdivisions)
            for country, subdivisions in holidays.list_supported_countries().items()
            if len(country) == 2}


def split_region(region: str) -> tuple[str, str | None]:
    """``"DE-BY"`` → ``("DE", "BY")``; ``"FR"`` → ``("FR", None)``."""
    country, _, subdivision = region.partition("-")
    return country, subdivision or None


@lru_cache(maxsize=256)
def region_problem(region: str) -> str | None:
    """Why ``region`` is not a holiday region the holidays package knows,
    listing the valid choices; None when it is fine."""
    import difflib

    import holidays

    country, subdivision = split_region(region)
    if len(country) == 2:  # the package also answers to three-letter codes; not here
        try:  # one country's class, not the list of all (which loads every country)
            holidays.country_holidays(country, subdiv=subdivision, years=())
            return None
        except NotImplementedError:
            pass
    regions = supported_regions()
    if region != region.upper() and region_problem(region.upper()) is None:
        return f"{region!r}: write region codes in capitals, {region.upper()}"
    if country not in regions:
        close = difflib.get_close_matches(country.upper(), regions, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return (f"{region!r} is not a country the holidays package knows{hint}; use an "
                f"ISO 3166-1 code, optionally with a subdivision (DE-BY); countries: "
                f"{', '.join(sorted(regions))}")
    if subdivision is not None and subdivision not in regions[country]:
        choices = regions[country]
        if not choices:
            return f"{country} has no subdivisions in the holidays package; write {country}"
        close = difflib.get_close_matches(subdivision.upper(), choices, n=1)
        hint = f" (did you mean {country}-{close[0]}?)" if close else ""
        return (f"{country} has no subdivision {subdivision!r}{hint}; use one of: "
                + ", ".join(f"{country}-{code}" for code in choices))
    return None


@cache
def public_holidays(region: str, year: int) -> tuple[dt.date, ...]:
    """The public holidays of ``region`` in ``year`` that fall on a weekday,
    sorted (the weekend is off anyway)."""
    if year not in HOLIDAY_YEARS:
        return ()
    import holidays

    country, subdivision = split_region(region)
    table = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return tuple(sorted(day for day in table if day.weekday() < 5 and day.year == year))


@cache
def region_name(region: str, language: str = "en") -> str:
    """``"DE-BY"`` → ``"Bayern, Germany"``: the subdivision as the holidays
    package names it, the country in ``language`` (CLDR's names); codes
    where no name is known."""
    from babel import Locale

    country, subdivision = split_region(region)
    country_name: str = Locale(language).territories.get(country, country)
    if subdivision is None:
        return country_name
    import holidays

    aliases = getattr(holidays.country_holidays(country, subdiv=subdivision, years=()),
                      "subdivisions_aliases", {}) or {}
    local = next((name for name, code in aliases.items() if code == subdivision), subdivision)
    return f"{local}, {country_name}"


# --- the calendar ----------------------------------------------------------------

@dataclass(frozen=True)
class WorkingCalendar:
    """One party's working days. With neither region nor closures it is
    plain Monday to Friday."""

    #: The holidays package's region: ``"DE"``, ``"DE-BY"``; None for none.
    region: str | None = None
    #: Closures, merged, sorted and non-overlapping (see ``working_calendar``).
    closures: tuple[Closure, ...] = ()
    #: Each year's weekdays off (by year), worked out when first asked for.
    _off: dict[int, tuple[dt.date, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False)
    #: The browser's ranges (by span), likewise.
    _ranges: dict[tuple[dt.date, dt.date], tuple[tuple[dt.date, dt.date], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __reduce__(self) -> tuple[type[WorkingCalendar], tuple[str | None, tuple[Closure, ...]]]:
        # The memo is worked out again where it is needed, not carried along.
        return WorkingCalendar, (self.region, self.closures)

    @property
    def plain(self) -> bool:
        return self.region is None and not self.closures

    def weekdays_off(self, year: int) -> tuple[dt.date, ...]:
        """The weekdays of ``year`` that are not worked: public holidays and
        closed days, sorted, each once."""
        off = self._off.get(year)
        if off is None:
            days = set(public_holidays(self.region, year)) if self.region else set()
            for closure in self.closures:
                first = max(closure.first, dt.date(year, 1, 1)).toordinal()
                last = min(closure.last, dt.date(year, 12, 31)).toordinal()
                days.update(day for day in map(dt.date.fromordinal, range(first, last + 1))
                            if day.weekday() < 5)
            off = self._off[year] = tuple(sorted(days))
        return off

    def is_business_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5:
            return False
        if self.plain:
            return True
        off = self.weekdays_off(day.year)
        index = bisect.bisect_left(off, day)
        return index == len(off) or off[index] != day

    def days_off(self, start: dt.date, end: dt.date) -> int:
        """Weekdays after ``start`` up to and including ``end`` that are not
        worked: holidays and closed days, each day counted once."""
        if self.plain or end <= start:
            return 0
        off = 0
        for year in range(start.year, end.year + 1):
            table = self.weekdays_off(year)
            if table:
                off += bisect.bisect_right(table, end) - bisect.bisect_right(table, start)
        return off

    def business_days_between(self, start: dt.date, end: dt.date) -> int:
        """Business days after ``start`` up to and including ``end``;
        negative when ``end`` comes first. Tue → next Tue is 5; Fri → Sat is 0."""
        if end < start:
            return -self.business_days_between(end, start)
        return weekdays_between(start, end) - self.days_off(start, end)

    def add_business_days(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th business day after ``day`` (``day`` itself for 0):
        the first date ``d`` with ``business_days_between(day, d) == count``;
        the last date there is when the calendar runs out first."""
        try:
            return self._add_business_days(day, count)
        except OverflowError:
            return dt.date.max

    def _add_business_days(self, day: dt.date, count: int) -> dt.date:
        current = day
        while count > 5:
            # Whole weeks hold at most 5 business days each, so this jump
            # leaves at least one to count: it never reaches the answer, and
            # the day-by-day steps below find the first day that is it.
            jump = current + dt.timedelta(days=(count - 1) // 5 * 7)
            count -= self.business_days_between(current, jump)
            current = jump
        while count > 0:
            current += _DAY
            if self.closures:
                closure = next((c for c in self.closures if current in c), None)
                if closure is not None:
                    current = closure.last  # nothing inside a closure counts
                    continue
            if self.is_business_day(current):
                count -= 1
        return current

    def off_ranges(self, start: dt.date, end: dt.date) -> tuple[tuple[dt.date, dt.date], ...]:
        """The days off between ``start`` and ``end`` as inclusive ranges:
        each weekday holiday as a one-day range, each closure as itself
        (clipped); for the browser script, which counts the same way."""
        key = (start, end)
        if key not in self._ranges:
            ranges = [(max(c.first, start), min(c.last, end))
                      for c in self.closures if c.last >= start and c.first <= end]
            for year in range(start.year, end.year + 1) if self.region else ():
                ranges += [(day, day) for day in public_holidays(self.region, year)
                           if start <= day <= end and not any(day in c for c in self.closures)]
            self._ranges[key] = tuple(ranges)
        return self._ranges[key]


PLAIN = WorkingCalendar()


def merge_closures(closures: Iterable[Closure]) -> tuple[Closure, ...]:
    """Sorted, with overlapping and touching closures joined."""
    merged: list[Closure] = []
    for closure in sorted(closures):
        if merged and closure.first <= merged[-1].last + _DAY:
            if closure.last > merged[-1].last:
                merged[-1] = Closure(merged[-1].first, closure.last)
        else:
            merged.append(closure)
    return tuple(merged)


def working_calendar(region: str | None = None, closures: Iterable[Closure] = ()) -> WorkingCalendar:
    return WorkingCalendar(region, merge_closures(closures))
