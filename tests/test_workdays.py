"""Working calendars on their own: business days are Monday to Friday minus
a party's public holidays (the holidays package) and its own closures."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courtside.workdays import (
    PLAIN,
    Closure,
    merge_closures,
    region_name,
    region_problem,
    working_calendar,
)

D = dt.date
BAVARIA = working_calendar("DE-BY")
SAXONY = working_calendar("DE-SN")
BETWEEN_THE_YEARS = working_calendar(None, [Closure(D(2026, 12, 24), D(2027, 1, 1))])
BOTH = working_calendar("DE-BY", [Closure(D(2026, 12, 24), D(2027, 1, 1))])
CALENDARS = [PLAIN, BAVARIA, SAXONY, BETWEEN_THE_YEARS, BOTH,
             working_calendar("US-NY", [Closure(D(2026, 7, 1), D(2026, 7, 20)),
                                        Closure(D(2026, 7, 15), D(2026, 8, 2))])]


def count_by_hand(calendar, start, end):
    return sum(calendar.is_business_day(start + dt.timedelta(days=i))
               for i in range(1, (end - start).days + 1))


@pytest.mark.parametrize("calendar, start, end, expected", [
    (PLAIN, D(2026, 12, 18), D(2027, 1, 8), 15),
    # Christmas Day, St Stephen's Day (a Saturday), New Year's Day and Epiphany.
    (BAVARIA, D(2026, 12, 18), D(2027, 1, 8), 12),
    # Saxony keeps Buß- und Bettag (Wed 18 Nov 2026), Bavaria does not.
    (SAXONY, D(2026, 11, 16), D(2026, 11, 20), 3),
    (BAVARIA, D(2026, 11, 16), D(2026, 11, 20), 4),
    # Closed from Christmas Eve to New Year's Day: seven weekdays fewer.
    (BETWEEN_THE_YEARS, D(2026, 12, 18), D(2027, 1, 8), 8),
    # A holiday inside the closure is one day off, not two; Epiphany is one more.
    (BOTH, D(2026, 12, 18), D(2027, 1, 8), 7),
    # Easter 2027: Good Friday 26 Mar and Easter Monday 29 Mar.
    (BAVARIA, D(2027, 3, 24), D(2027, 3, 31), 3),
    (BAVARIA, D(2027, 1, 8), D(2026, 12, 18), -12),  # backwards is negative
])
def test_business_days_between(calendar, start, end, expected):
    assert calendar.business_days_between(start, end) == expected
    assert count_by_hand(calendar, *sorted((start, end))) == abs(expected)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CALENDARS), st.dates(D(2025, 1, 1), D(2028, 12, 31)),
       st.integers(0, 400), st.integers(0, 70))
def test_counting_and_adding_agree_with_a_day_by_day_walk(calendar, start, span, count):
    end = start + dt.timedelta(days=span)
    assert calendar.business_days_between(start, end) == count_by_hand(calendar, start, end)
    later = calendar.add_business_days(start, count)
    assert calendar.business_days_between(start, later) == count
    if count:  # the first such day: a business day, with one fewer before it
        assert calendar.is_business_day(later)
        assert calendar.business_days_between(start, later - dt.timedelta(days=1)) == count - 1
    else:
        assert later == start


def test_years_the_holidays_package_does_not_cover_are_plain_weekdays():
    assert BAVARIA.business_days_between(D(26, 11, 20), D(26, 11, 27)) == 5
    assert BAVARIA.business_days_between(D(1900, 1, 1), D(2199, 12, 31)) > 70_000


def test_closures_are_merged_and_listed_for_the_browser():
    merged = merge_closures([Closure(D(2026, 12, 28), D(2027, 1, 2)),
                             Closure(D(2026, 12, 24), D(2026, 12, 27)),
                             Closure(D(2027, 3, 1), D(2027, 3, 1))])
    assert merged == (Closure(D(2026, 12, 24), D(2027, 1, 2)), Closure(D(2027, 3, 1), D(2027, 3, 1)))
    ranges = list(BOTH.off_ranges(D(2026, 12, 1), D(2027, 1, 31)))
    assert ranges == [(D(2026, 12, 24), D(2027, 1, 1)), (D(2027, 1, 6), D(2027, 1, 6))]


@pytest.mark.parametrize("region, words", [
    ("DE-BY", None),
    ("FR", None),
    ("DE-XX", "DE has no subdivision 'XX'; use one of: DE-BB, DE-BE, DE-BW, DE-BY,"),
    ("DE-BYY", "(did you mean DE-BY?)"),
    ("de-by", "write region codes in capitals, DE-BY"),
    ("XX", "'XX' is not a country the holidays package knows"),
    ("GE", None),  # Georgia, not Germany: a real country
    ("DEU", "is not a country the holidays package knows (did you mean DE?)"),
])
def test_unknown_regions_are_named_with_the_valid_choices(region, words):
    problem = region_problem(region)
    assert (problem is None) if words is None else (words in problem), problem


def test_regions_have_readable_names():
    assert region_name("DE-BY") == "Bayern, Germany"
    assert region_name("FR") == "France"
    assert region_name("US-CA") == "California, United States"
