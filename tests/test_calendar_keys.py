"""The keys that set working calendars and move the forecast: ``holidays``
and ``closed`` in a client file and in the settings, ``after`` on a change.
Read by the loader in-process; one real build shows a mistake stops it."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from courtside.loader import load_client
from courtside.problems import CourtsideError
from courtside.settings import courtside_settings
from courtside.workdays import Closure, working_calendar

GOOD = """\
name: Sachsen Druck GmbH
holidays: DE-SN
closed:
  - {from: 2026-12-24, to: 2027-01-01}
  - from: 2027-02-15
projects:
  - id: relaunch
    title: Relaunch
    token: Rel4unchTest0Token1Abcd
    milestones:
      - id: layout
        title: Layout
        owner: studio
        due: 2026-11-20
      - id: shop
        title: Shop
        owner: client
        due: 2026-12-01
    log:
      - date: 2026-11-10
        by: client
        text: Would like a small shop as well.
        change: {status: approved, days: 8, cost: "€1,900", after: layout}
"""


def load(tmp_path: Path, text: str):
    path = tmp_path / "druck.yaml"
    path.write_text(textwrap.dedent(text), "utf-8")
    client, _, problems = load_client(path, "Europe/Berlin")
    return client, [(p.line, p.column, p.path, p.message, p.severity) for p in problems]


def test_a_client_names_its_holidays_and_closures(tmp_path):
    client, problems = load(tmp_path, GOOD)
    assert problems == []
    assert client.holidays == "DE-SN"
    assert client.closed == (Closure(dt.date(2026, 12, 24), dt.date(2027, 1, 1)),
                             Closure(dt.date(2027, 2, 15), dt.date(2027, 2, 15)))
    assert client.calendar == working_calendar("DE-SN", client.closed)
    assert client.projects[0].log[0].change.after == "layout"


@pytest.mark.parametrize("old, new, line, path, words", [
    ("holidays: DE-SN", "holidays: DE-XY", 2, "holidays",
     "DE has no subdivision 'XY'; use one of: DE-BB, DE-BE, DE-BW, DE-BY"),
    ("holidays: DE-SN", "holidays: Germany", 2, "holidays",
     "'Germany' is not a country the holidays package knows"),
    ("holidays: DE-SN", "holidays: NO", 2, "holidays",
     'YAML reads NO as false: put it in quotes, "NO"'),
    ("holidays: DE-SN", "holidays: DE-", 2, "holidays", "write a country code such as DE"),
    ("  - from: 2027-02-15", "  - from: 2027-02-15\n    to: 2028-03-01", 6, "closed[1].to",
     "is longer than a year"),
    ("days: 8, ", "days: 1001, ", 23, "projects[0].log[0].change.days", "1001 must be 1000 or less"),
    ("holidays: DE-SN", "holidays: 49", 2, "holidays",
     "49 is not a holiday region (use a country code such as DE, or DE-BY)"),
    ("  - from: 2027-02-15", "  - from: 2027-02-15\n    to: 2027-02-01", 6, "closed[1].to",
     "2027-02-01 is before the closure's first day (2027-02-15)"),
    ("  - from: 2027-02-15", "  - until: 2027-02-15", 5, "closed[1].from", "required key is missing"),
    ("  - from: 2027-02-15", "  - from: 2027-02-30", 5, "closed[1].from", "is not a date"),
    ("after: layout}", "after: layuot}", 23, "projects[0].log[0].change.after",
     "'layuot' is not a milestone of this project; did you mean layout?"),
    ("days: 8, ", "", 23, "projects[0].log[0].change.after",
     "an approved change moves the milestones after 'layout' by its days"),
    ("days: 8, ", "days: 1.5, ", 23, "projects[0].log[0].change.days", "expected a whole number"),
])
def test_a_mistake_in_the_new_keys_is_reported_at_its_line(tmp_path, old, new, line, path, words):
    assert old in GOOD
    client, problems = load(tmp_path, GOOD.replace(old, new))
    assert client is None
    assert [(found_line, found_path) for found_line, _, found_path, message, _ in problems
            if words in message] == [(line, path)], problems


def test_after_the_last_milestone_is_a_warning(tmp_path):
    client, problems = load(tmp_path, GOOD.replace("after: layout", "after: shop"))
    assert client is not None
    assert [(p[2], p[4]) for p in problems] == [("projects[0].log[0].change.after", "warning")]
    assert "nothing comes after it to move" in problems[0][3]


def settings(**courtside):
    return {"PATH": "content", "COURTSIDE": {"studio": {"name": "S"}, **courtside}}


def test_the_studios_calendar_comes_from_the_settings():
    options = courtside_settings(settings(
        holidays="DE-BE", closed=[{"from": "2026-12-24", "to": dt.date(2027, 1, 1)},
                                  {"from": dt.date(2027, 3, 1)}]))
    assert options.calendar == working_calendar("DE-BE", [
        Closure(dt.date(2026, 12, 24), dt.date(2027, 1, 1)),
        Closure(dt.date(2027, 3, 1), dt.date(2027, 3, 1))])
    assert courtside_settings(settings()).calendar.plain


@pytest.mark.parametrize("given, expected", [
    ({"holidays": "DE-XX"}, [("COURTSIDE.holidays", "DE has no subdivision 'XX'")]),
    ({"holidays": 49}, [("COURTSIDE.holidays", "49 is not a holiday region (use a country code")]),
    ({"closed": "Christmas"}, [("COURTSIDE.closed", 'expected a list, got "Christmas"')]),
    ({"closed": [{"from": "2026-12-24", "to": "2026-12-01"}]},
     [("COURTSIDE.closed[0].to", "2026-12-01 is before the closure's first day")]),
    ({"closed": [{"from": "24.12.2026"}]}, [("COURTSIDE.closed[0].from", "is not a date")]),
    ({"closed": [{"start": "2026-12-24"}]},
     [("COURTSIDE.closed[0].from", 'required key is missing; give {"from"'),
      ("COURTSIDE.closed[0].start", "unknown key (allowed here: from, to)")]),
])
def test_wrong_calendar_settings_are_reported_up_front(given, expected):
    with pytest.raises(CourtsideError) as raised:
        courtside_settings(settings(**given))
    problems = raised.value.problems
    assert [p.path for p in problems] == [key for key, _ in expected]
    for problem, (_, words) in zip(problems, expected, strict=True):
        assert words in problem.message, problem


def test_check_gives_an_unknown_region_at_its_line_and_column(empty_site, courtside):
    empty_site.write_client("druck", GOOD.replace("holidays: DE-SN", "holidays: DE-XY"))
    (empty_site.root / "content" / "agreements" / "standard.md").write_text("Fine.\n", "utf-8")
    result = courtside(empty_site, "check")
    assert result.returncode == 1
    assert "clients/druck.yaml:2:11: holidays: DE has no subdivision 'XY'" in result.stdout


@pytest.mark.e2e
def test_a_build_stops_on_an_unknown_region(empty_site):
    empty_site.write_client("druck", GOOD.replace("holidays: DE-SN", "holidays: DE-XY"))
    (empty_site.root / "content" / "agreements" / "standard.md").write_text("Fine.\n", "utf-8")
    result = empty_site.build()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "clients/druck.yaml:2:11: holidays: DE has no subdivision 'XY'" in result.stderr
    assert not empty_site.output.exists() or not list(empty_site.output.glob("p/*/index.html"))
