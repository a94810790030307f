"""What ``courtside check`` accepts, the build builds.

Hypothesis writes client files across the whole of what the format allows
(every year from 1970 to 2199, local times at any minute in far-flung time
zones, the longest tokens, huge and negative numbers of days, closures,
holidays, change requests, any text), checks each with the loader the
command uses, and renders every file it accepts as a build does: page, feed
and the studio's events, written to disk under their real names. Nothing the
check lets through may fail there; the examples that it rejects are the
check's to explain (see ``test_ranges.py``)."""

from __future__ import annotations

import datetime as dt
import os
import string

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from courtside.schema import YEARS
from helpers import new_site

#: Hundreds of client files rendered and written as a build does: about half
#: a minute, too long for the fast layer's budget (``make test-fast``).
pytestmark = pytest.mark.e2e

MOMENT = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
#: The years the format accepts, from where it says so: widen them there
#: and this test draws from the wider range.
FIRST, LAST = dt.date(YEARS[0], 1, 1), dt.date(YEARS[-1], 12, 31)
TODAY_AT_THE_LATEST = dt.date(2026, 11, 22)  # "today" in every time zone below
TIME_ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Pacific/Kiritimati",
              "Pacific/Pago_Pago", "Asia/Kathmandu", "Australia/Lord_Howe"]
REGIONS = [None, "DE-BY", "AT", "US-NY", "JP", "GB-SCT"]
TOKEN_CHARACTERS = string.ascii_letters + string.digits + "_-"

texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60) \
    .filter(str.strip)
dates = st.dates(FIRST, LAST)
past = st.dates(FIRST, TODAY_AT_THE_LATEST)
local_times = st.builds(lambda day, hour, minute: f"{day} {hour:02d}:{minute:02d}",
                        dates, st.integers(0, 23), st.integers(0, 59))
days = st.integers(0, 10**9)
tokens = st.builds(lambda characters, size: "".join(characters[:size]),
                   st.permutations(TOKEN_CHARACTERS), st.integers(22, 64))
#: Reminders as a file writes them, 1 to 999 of a unit; two alike are the check's to refuse.
reminders = st.lists(st.builds(lambda count, unit: f"{count}{unit}", st.integers(1, 999),
                               st.sampled_from("wdhm")), max_size=3)
#: A milestone's note: any text, sometimes over several lines.
notes = st.one_of(texts, st.lists(texts, min_size=2, max_size=3).map("\n".join))


@st.composite
def closures(draw):
    start = draw(st.dates(FIRST, LAST - dt.timedelta(days=366)))
    return {"from": start, "to": start + dt.timedelta(days=draw(st.integers(0, 365)))}


@st.composite
def notices(draw):
    # Often around the build day, so that some are active, some ended, some to come.
    start = draw(st.one_of(dates, st.dates(dt.date(2026, 10, 1), dt.date(2026, 12, 31))))
    until = start + dt.timedelta(days=draw(st.integers(0, 400)))
    return {"text": draw(texts), "from": start,
            **({"until": until} if until <= LAST and draw(st.booleans()) else {}),
            **({"kind": draw(st.sampled_from(["info", "warning"]))} if draw(st.booleans()) else {})}


@st.composite
def projects(draw, index: int):
    count = draw(st.integers(1, 6))
    milestones = [{
        "id": f"m{number}", "title": draw(texts), "owner": draw(st.sampled_from(["client", "studio"])),
        "due": draw(st.one_of(dates, local_times)),
        **({"done": draw(past)} if draw(st.booleans()) else {}),
        **({"note": draw(notes)} if draw(st.booleans()) else {}),
    } for number in range(count)]
    log = [{
        "date": draw(past), "by": draw(st.sampled_from(["client", "studio"])), "text": draw(texts),
        **({"change": {
            "status": draw(st.sampled_from(["proposed", "approved", "declined"])),
            "days": draw(st.integers(-1000, 1000)), "cost": draw(texts),
            **({"after": f"m{draw(st.integers(0, count - 1))}"} if draw(st.booleans()) else {}),
            **({"decided": draw(past)} if draw(st.booleans()) else {}),
        }} if draw(st.booleans()) else {}),
    } for _ in range(draw(st.integers(0, 3)))]
    terms = {
        "response_days": {"studio": draw(days), "client": draw(days)},
        "grace_days": {"studio": draw(days), "client": draw(days)},
        "consequences": {"studio": draw(texts), "client": draw(texts)},
        "payment_days": draw(st.one_of(st.integers(-10**9, 10**9),
                                       st.floats(allow_nan=False, allow_infinity=False))),
        "deposit": draw(texts),
        # A term of the studio's own, one value for each party.
        **({"revisions": {"studio": draw(days), "client": draw(texts)}} if draw(st.booleans()) else {}),
    }
    return {
        "id": f"project-{index}", "title": draw(texts), "token": draw(tokens),
        "status": draw(st.sampled_from(["active", "active", "paused", "done", "archived",
                                         "draft"])),
        **({"start": draw(dates)} if draw(st.booleans()) else {}),
        "agreement": {"terms": terms, **({"signed": draw(past)} if draw(st.booleans()) else {})},
        "milestones": milestones,
        **({"log": log} if log else {}),
        **({"notices": given} if (given := draw(st.lists(notices(), max_size=2))) else {}),
        **({"reminders": draw(reminders)} if draw(st.booleans()) else {}),
    }


@st.composite
def client_files(draw):
    region = draw(st.sampled_from(REGIONS))
    closed = draw(st.lists(closures(), max_size=3))
    return {
        "name": draw(texts),
        "timezone": draw(st.sampled_from(TIME_ZONES)),
        **({"holidays": region} if region else {}),
        **({"closed": closed} if closed else {}),
        **({"notices": given} if (given := draw(st.lists(notices(), max_size=2))) else {}),
        **({"reminders": draw(reminders)} if draw(st.booleans()) else {}),
        "projects": [draw(projects(index)) for index in range(draw(st.integers(1, 2)))],
    }


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """A site with an empty clients folder and a studio dashboard, and the
    context its build renders with."""
    from pelican.settings import read_settings

    from courtside.build.render import site_context

    site = new_site(tmp_path_factory.mktemp("accepted") / "site", examples=False)
    settings = read_settings(str(site.root / "pelicanconf.py"), override={
        "SITEURL": "https://portals.example",
        "COURTSIDE": {**read_settings(str(site.root / "pelicanconf.py"))["COURTSIDE"],
                      "studio_token": "Sx3kQ9vTnW2yLp7RbM4cHd"}})
    templates = (os.path.join(settings["THEME"], "templates"),)
    return site, site_context(settings, templates, MOMENT)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=client_files())
def test_every_client_file_the_check_accepts_builds(studio, data):
    from courtside.build.render import build_client
    from courtside.build.staging import Staging

    site, context = studio
    path = site.clients / "generated.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    build = build_client(path, context)
    if any(problem.severity == "error" for problem in build.problems):
        event("rejected by the check")
        return
    event("accepted")
    staging = Staging(site.output)
    staging.clear()
    staging.write(build)  # under the names the build gives them
    staged = staging.folder
    published = [p for p in data["projects"] if p["status"] != "archived"]
    assert len(build.projects) == len(published)
    for project in build.projects:
        page = BeautifulSoup((staged / project.path / "index.html").read_text("utf-8"),
                             "html.parser")
        assert page.h1.get_text() == project.project.title
        # A draft is built by a preview, and says so.
        assert bool(page.select(".draft-banner")) == project.project.draft
        today = project.state.today
        active = [notice for notice in (*context.options.notices, *build.client.notices,
                                        *project.project.notices) if notice.active(today)]
        assert len(page.select(".notices > aside.notice")) == len(active)
        feed = staged / project.path / "calendar.ics"
        if feed.exists():
            calendar = Calendar.from_ical(feed.read_bytes())
            assert len(calendar.walk("VEVENT")) == len(project.project.milestones)
            # The client's reminders, on each of the client's open steps of an active project.
            reminded = [m for m in project.project.milestones if m.owner == "client"
                        and m.done is None and project.state.phase == "active"]
            given = build.client.reminders_of(project.project, context.options.reminders)
            assert len(calendar.walk("VALARM")) == len(reminded) * len(given)
        for _, event_lines in project.studio_events:
            assert event_lines.startswith(b"BEGIN:VEVENT") and b"VALARM" not in event_lines
