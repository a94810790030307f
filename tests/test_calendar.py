"""Milestone feeds: parsed back by icalendar and by Mozilla's ical.js, they
hold every milestone once, at the right date or instant, with identities
that survive edits."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import Contentline

from courtside.calendar import PRODID, REFRESH_INTERVAL, _feed, calendar_text, folded, serialize_event
from helpers import EPOCH, EXAMPLE_TOKENS, REPO, STUDIO_TOKEN, text_of

ICAL_JS = REPO / "tests" / "js" / "parse_ics.mjs"
TOKEN = "Ca1endarTest0Token1Abcd"
SITEURL = "https://portals.example"

DST_CLIENT = """\
name: Zeit, Raum & Co; KG
timezone: Europe/Berlin
projects:
  - id: launch
    title: Launch
    token: {token}
    agreement:
      template: plain
    milestones:
      - id: brief
        title: Brief
        owner: client
        due: 2026-10-23
        done: 2026-10-23
      - id: before
        title: Call before the change
        owner: studio
        due: 2026-10-24 14:00
      - id: night
        title: Late call, still summer time
        owner: client
        due: 2026-10-25 01:30
      - id: twice
        title: Call at 02:30, a time that happens twice
        owner: client
        due: 2026-10-25 02:30
      - id: after
        title: Call after the change
        owner: studio
        due: 2026-10-25 03:30
      - id: review
        title: "Review, sign-off; and \\"final\\" check — Übergabe"
        owner: client
        due: 2026-10-26 09:00
      - id: handover
        title: Handover
        owner: studio
        due: 2026-11-02
"""

#: What each milestone above is, in UTC, worked out by hand: Berlin leaves
#: summer time (UTC+2) for winter time (UTC+1) at 03:00 on Sun 25 Oct 2026;
#: a time that happens twice is taken at its first occurrence.
EXPECTED_INSTANTS = {
    "before": "2026-10-24T12:00:00Z",
    "night": "2026-10-24T23:30:00Z",
    "twice": "2026-10-25T00:30:00Z",
    "after": "2026-10-25T02:30:00Z",
    "review": "2026-10-26T08:00:00Z",
}
EXPECTED_DAYS = {"brief": ("2026-10-23", "2026-10-24"), "handover": ("2026-11-02", "2026-11-03")}


def ical_js(*paths: Path) -> list[dict]:
    """The feeds as Mozilla's ical.js reads them."""
    result = subprocess.run(["node", str(ICAL_JS), *map(str, paths)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def parse(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def events_by_id(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]).split(".")[2].split("@")[0]: e for e in calendar.walk("VEVENT")}


@pytest.fixture
def dst_site(empty_site):
    (empty_site.root / "content" / "agreements" / "plain.md").write_text("We work well.\n", "utf-8")
    empty_site.write_client("zeit", DST_CLIENT.format(token=TOKEN))
    return empty_site


#: Fri 23 Oct 2026, 12:00 UTC: the brief is done, and every other milestone
#: above is still ahead, so no date is forecast apart from its agreed one.
BEFORE = int(dt.datetime(2026, 10, 23, 12, tzinfo=dt.UTC).timestamp())


def build(site, epoch=BEFORE, **kwargs):
    result = site.build("publishconf.py", env={"SITEURL": SITEURL}, epoch=epoch, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return site.output / "p" / TOKEN / "calendar.ics"


@pytest.mark.e2e
def test_every_milestone_appears_once_at_the_right_day_or_instant(dst_site):
    feed = build(dst_site)
    events = events_by_id(parse(feed))
    assert sorted(events) == sorted([*EXPECTED_INSTANTS, *EXPECTED_DAYS])
    for key, (start, end) in EXPECTED_DAYS.items():
        assert events[key].decoded("DTSTART") == dt.date.fromisoformat(start)
        assert events[key].decoded("DTEND") == dt.date.fromisoformat(end)
        assert "VALUE=DATE" in events[key]["DTSTART"].to_ical().decode() or \
            events[key]["DTSTART"].params.get("VALUE") == "DATE"
    for key, instant in EXPECTED_INSTANTS.items():
        start = events[key].decoded("DTSTART")
        assert start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") == instant, key
        assert "DTEND" not in events[key]


@pytest.mark.e2e
def test_ical_js_reads_the_same_days_and_instants(dst_site):
    feed = build(dst_site)
    [calendar] = ical_js(feed)
    events = {e["uid"].split(".")[2].split("@")[0]: e for e in calendar["events"]}
    assert len(calendar["events"]) == len(events) == 7
    for key, instant in EXPECTED_INSTANTS.items():
        assert events[key]["start"] == {"utc": instant.replace("Z", ".000Z")}, key
        assert events[key]["end"] is None
    for key, (start, end) in EXPECTED_DAYS.items():
        assert events[key]["start"] == {"date": start}
        assert events[key]["end"] == {"date": end}


@pytest.mark.e2e
def test_text_with_commas_semicolons_newlines_and_umlauts_survives(dst_site):
    feed = build(dst_site)
    title = 'Review, sign-off; and "final" check — Übergabe'
    summary = f"Zeit, Raum & Co; KG: {title}"
    ours = events_by_id(parse(feed))["review"]
    assert str(ours["SUMMARY"]) == summary
    description = str(ours["DESCRIPTION"])
    assert description.splitlines()[:3] == [
        "Project: Launch", "Owner: Zeit, Raum & Co; KG",
        "Due: Mon 26 Oct 2026, 09:00 (Europe/Berlin)"]
    [theirs] = ical_js(feed)
    js_review = next(e for e in theirs["events"] if e["uid"].startswith("zeit.launch.review@"))
    assert js_review["summary"] == summary
    assert js_review["description"] == description
    assert theirs["name"] == "Zeit\u201a Raum & Co\u037e KG · Launch"  # see calendar_text


@pytest.mark.e2e
def test_lines_are_folded_at_75_octets_and_end_in_crlf(dst_site):
    data = build(dst_site).read_bytes()
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # long text really was folded


# Escapes next to the cut; all-ASCII lines and lines with umlauts, euro signs
# and emoji (2, 3 and 4 octets), which a cut must never split.
ASCII_LINE = st.text(st.sampled_from(list("ab,;:\\^ x")), min_size=60, max_size=400)
MIXED_LINE = st.text(st.sampled_from(list("ab,;:\\^ x") + ["ü", "€", "🙂"]), max_size=400)
LINE_TEXT = st.one_of(ASCII_LINE, MIXED_LINE)


@settings(max_examples=2000, deadline=None)
@given(LINE_TEXT)
def test_lines_fold_exactly_as_icalendar_folds_them(text):
    line = "DESCRIPTION:" + text
    assert folded(line) == Contentline(line).to_ical()


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200), st.dates(max_value=dt.date(9000, 1, 1)),
       st.datetimes(timezones=st.just(dt.UTC)))
def test_events_serialize_exactly_as_icalendar_serializes_them(title, text, day, moment):
    properties = [
        ("SUMMARY", icalendar.vText(title)),
        ("DTSTART", icalendar.vDDDTypes(day)),  # a parameter: VALUE=DATE
        ("DTEND", icalendar.vDDDTypes(day + dt.timedelta(days=1))),
        ("DTSTAMP", icalendar.vDDDTypes(moment)),
        ("UID", icalendar.vText(f"{title}@courtside")),
        ("SEQUENCE", icalendar.vInt(len(text))),
        ("DESCRIPTION", icalendar.vText(text)),
        ("STATUS", icalendar.vText("CONFIRMED")),
        ("URL", icalendar.vUri("https://portals.example/p/x/")),
    ]
    event = icalendar.Event()
    for name, value in properties:
        event[name] = value
    assert serialize_event(properties) == event.to_ical()


@pytest.mark.e2e
def test_a_feed_is_what_icalendar_writes_for_what_it_reads(dst_site):
    data = build(dst_site).read_bytes()
    assert icalendar.Calendar.from_ical(data).to_ical() == data


@pytest.mark.e2e
def test_calendar_properties(dst_site):
    data = build(dst_site).read_bytes().decode()
    calendar = parse(dst_site.output / "p" / TOKEN / "calendar.ics")
    assert str(calendar["PRODID"]) == "-//Courtside//Client portal milestones//EN"
    assert str(calendar["UID"]) == "zeit.launch@courtside"
    assert str(calendar["X-WR-CALNAME"]) == "Zeit\u201a Raum & Co\u037e KG · Launch"
    assert "METHOD" not in calendar  # a subscribed feed is not an iTIP message
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n" in data
    assert "\r\nX-PUBLISHED-TTL:PT4H\r\n" in data
    assert str(calendar["SOURCE"]) == f"{SITEURL}/p/{TOKEN}/calendar.ics"
    for event in calendar.walk("VEVENT"):
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert event["DTSTAMP"].to_ical().endswith(b"Z")
        assert str(event["URL"]) == f"{SITEURL}/p/{TOKEN}/"
        assert f"Portal: {SITEURL}/p/{TOKEN}/" in str(event["DESCRIPTION"])


@pytest.mark.e2e
def test_description_gives_owner_and_state(dst_site):
    build(dst_site, epoch=EPOCH)  # on Mon 23 Nov 2026 everything after the brief is overdue
    events = events_by_id(parse(dst_site.output / "p" / TOKEN / "calendar.ics"))
    assert "State: Done, on time (finished Fri 23 Oct 2026)" in str(events["brief"]["DESCRIPTION"])
    assert str(events["brief"]["SUMMARY"]).startswith("✓ ")
    assert "State: Current step, overdue by 21 business days" in str(events["before"]["DESCRIPTION"])
    assert "Owner: Northwind Studio" in str(events["before"]["DESCRIPTION"])
    # Handover waits for the late calls before it: expected later, not past due.
    handover = str(events["handover"]["DESCRIPTION"])
    assert "Due: Mon 2 Nov 2026 (agreed)\nExpected: Tue 1 Dec 2026, 21 business days later" in handover
    assert "State: Upcoming" in handover


@pytest.mark.e2e
def test_two_builds_of_the_same_input_give_identical_feeds(dst_site):
    first = build(dst_site).read_bytes()
    assert build(dst_site).read_bytes() == first


@pytest.mark.e2e
def test_renamed_moved_and_removed_milestones_update_the_same_events(dst_site):
    first = events_by_id(parse(build(dst_site)))
    client = dst_site.clients / "zeit.yaml"
    text = client.read_text("utf-8")
    text = text.replace("title: Handover", "title: Final handover")       # rename
    text = text.replace("due: 2026-10-26 09:00", "due: 2026-10-27 10:00")  # move
    text = text.replace("""      - id: night
        title: Late call, still summer time
        owner: client
        due: 2026-10-25 01:30
""", "")                                                                    # remove
    client.write_text(text, "utf-8")
    second = events_by_id(parse(build(dst_site, epoch=BEFORE + 3600)))
    assert set(second) == set(first) - {"night"}
    assert second["handover"]["UID"] == first["handover"]["UID"]
    assert str(second["handover"]["SUMMARY"]) == "Northwind Studio: Final handover"
    assert second["review"]["UID"] == first["review"]["UID"]
    assert second["review"].decoded("DTSTART") == dt.datetime(2026, 10, 27, 9, tzinfo=dt.UTC)
    assert second["review"]["SEQUENCE"] > first["review"]["SEQUENCE"]
    assert second["handover"]["SEQUENCE"] > first["handover"]["SEQUENCE"]


@pytest.mark.e2e
def test_no_two_events_share_a_uid_across_all_example_projects(site):
    result = site.build()
    assert result.returncode == 0, result.stderr
    feeds = sorted(site.output.glob("p/*/calendar.ics"))
    published = [t for (c, p), t in EXAMPLE_TOKENS.items() if p != "brand-refresh"]
    assert sorted(f.parent.name for f in feeds) == sorted(published)
    uids = [str(e["UID"]) for feed in feeds for e in parse(feed).walk("VEVENT")]
    milestones = sum(len(site.portal(t).select("table.schedule tbody tr")) for t in published)
    assert len(uids) == len(set(uids)) == milestones
    assert sorted(e["uid"] for c in ical_js(*feeds) for e in c["events"]) == sorted(uids)


@pytest.mark.e2e
def test_the_portal_offers_every_way_to_subscribe(dst_site):
    build(dst_site)
    page = dst_site.portal(TOKEN)
    block = page.select_one("section.subscribe")
    feed = f"{SITEURL}/p/{TOKEN}/calendar.ics"
    hrefs = [a["href"] for a in block.find_all("a")]
    assert f"webcal://portals.example/p/{TOKEN}/calendar.ics" in hrefs
    assert ("https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fportals.example%2Fp%2F"
            f"{TOKEN}%2Fcalendar.ics") in hrefs
    assert any(h.startswith("https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2F") for h in hrefs)
    assert feed in hrefs
    for link in block.find_all("a", href=lambda h: h.startswith("https://") and "portals.example" not in h):
        assert link["rel"] == ["noopener", "noreferrer"]
    text = text_of(block)
    assert "Google Calendar only every 8 to 24 hours" in text
    assert "last updated on Fri 23 Oct 2026, 12:00 UTC" in text


@pytest.mark.e2e
def test_without_a_siteurl_the_page_links_its_feed_beside_it(site):
    assert site.build().returncode == 0
    token = EXAMPLE_TOKENS["acme", "website-redesign"]
    block = site.portal(token).select_one("section.subscribe")
    assert [a["href"] for a in block.find_all("a")] == ["calendar.ics"]
    feed = site.output / "p" / token / "calendar.ics"
    assert "URL" not in parse(feed).walk("VEVENT")[0]


@pytest.mark.e2e
def test_a_project_can_turn_its_feed_off(dst_site):
    client = dst_site.clients / "zeit.yaml"
    client.write_text(client.read_text("utf-8").replace("    title: Launch\n",
                                                        "    title: Launch\n    calendar: false\n"))
    feed = build(dst_site)
    assert not feed.exists()
    assert dst_site.portal(TOKEN).select_one("section.subscribe") is None


# --- every parser, the forecast, and a time the clocks skip ----------------------------

FORECAST_TOKEN = "F0recastTest0Token1Abcd"
FORECAST_CLIENT = """\
name: Zeit, Raum & Co; KG
timezone: Europe/Berlin
holidays: DE-BY
projects:
  - id: website
    title: Website redesign, phase 2; DE
    token: {token}
    agreement:
      template: plain
    milestones:
      - id: content
        title: Content, copy; "final" \\ v2
        owner: client
        due: 2026-11-06
      - id: build
        title: Build
        owner: studio
        due: 2026-12-04
      - id: launch
        title: Launch call
        owner: client
        due: 2026-12-10 15:00
"""

#: The names as every parser must read them: "," and ";" as look-alikes.
LOOKS_LIKE = str.maketrans({"\u201a": ",", "\u037e": ";", "\u29f5": "\\"})


@pytest.fixture(scope="module")
def forecast_feed(tmp_path_factory):
    from helpers import new_site

    site = new_site(tmp_path_factory.mktemp("forecast") / "site", examples=False)
    (site.root / "content" / "agreements" / "plain.md").write_text("We work well.\n", "utf-8")
    site.write_client("zeit", FORECAST_CLIENT.format(token=FORECAST_TOKEN))
    result = site.build("publishconf.py", env={"SITEURL": SITEURL})  # Mon 23 Nov 2026
    assert result.returncode == 0, result.stdout + result.stderr
    return site.output / "p" / FORECAST_TOKEN / "calendar.ics"


@pytest.mark.e2e
def test_every_parser_reads_the_names_whole_and_the_events_alike(forecast_feed):
    from feed_parsers import read_with_all

    seen = read_with_all([forecast_feed])
    name = "Zeit, Raum & Co; KG · Website redesign, phase 2; DE"
    description = "Milestones of Website redesign, phase 2; DE, with who must act."
    events = None
    for parser, [calendar] in seen.items():
        for key, whole in (("name", name), ("x_wr_calname", name),
                           ("x_wr_caldesc", description), ("description", description)):
            value = calendar[key]
            assert isinstance(value, str) and value.translate(LOOKS_LIKE) == whole, (parser, key, value)
        events = events or calendar["events"]
        assert calendar["events"] == events, parser
    assert len(events) == 3
    assert seen["libical"][0]["restriction_ok"], seen["libical"][0]["restriction_errors"]


@pytest.mark.e2e
def test_moved_milestones_sit_on_their_expected_dates_and_keep_the_agreed_one(forecast_feed):
    from feed_parsers import read_with_all

    for parser, [calendar] in read_with_all([forecast_feed], parsers=["icalendar", "ical.js", "vobject"]).items():
        events = {e["uid"].split(".")[2].split("@")[0]: e for e in calendar["events"]}
        # The client's late step is a debt, not a forecast: it stays on its agreed date.
        assert events["content"]["start"] == "2026-11-06", parser
        assert "(expected)" not in events["content"]["summary"]
        assert "State: Current step, overdue by 11 business days" in events["content"]["description"]
        # Build keeps its 20 planned business days after today (Mon 23 Nov):
        # Mon 21 Dec. Launch keeps its 4 Bavarian business days after that,
        # over Christmas: Tue 22, Wed 23, Thu 24, Mon 28 Dec, 15:00 in Berlin.
        assert events["build"]["start"] == "2026-12-21", parser
        assert events["build"]["summary"] == "Northwind Studio: Build (expected)"
        description = events["build"]["description"]
        assert "Due: Fri 4 Dec 2026 (agreed)" in description
        assert ("Expected: Mon 21 Dec 2026, 11 business days later because Content, copy; "
                '"final" \\ v2 (Zeit, Raum & Co; KG) is 11 business days late') in description
        assert events["launch"]["start"] == "2026-12-28T14:00:00Z", parser
        assert "Due: Thu 10 Dec 2026, 15:00 (Europe/Berlin) (agreed)" in events["launch"]["description"]
        assert "Expected: Mon 28 Dec 2026, 15:00 (Europe/Berlin), 11 business days later" \
            in events["launch"]["description"]



# Mon 23 Nov. Late: the client's Content (due Mon 2 Nov) is still open, the
# studio did Build ahead of it; Launch still waits for Content, so it keeps
# its 5 planned business days after today: Mon 30 Nov, not Fri 13 Nov, ten
# days ago. Moved: the studio finished Design late, so Content (due Mon 16
# Nov) is expected Fri 4 Dec and is not late; Launch keeps its 1 planned
# business day after that: Mon 7 Dec, not Wed 18 Nov, "3 business days past due".
DONE_AHEAD = {
    "late": ("""\
              - {id: content, title: Content, owner: client, due: 2026-11-02}
              - {id: build, title: Build, owner: studio, due: 2026-11-06, done: 2026-11-05}
              - {id: launch, title: Launch, owner: client, due: 2026-11-13}""", dt.date(2026, 11, 30), 11),
    "moved": ("""\
              - {id: design, title: Design, owner: studio, due: 2026-11-02, done: 2026-11-20}
              - {id: content, title: Content, owner: client, due: 2026-11-16}
              - {id: build, title: Build, owner: studio, due: 2026-11-17, done: 2026-11-12}
              - {id: launch, title: Launch, owner: client, due: 2026-11-18}""", dt.date(2026, 12, 7), 13),
}


@pytest.mark.e2e
@pytest.mark.parametrize("case", DONE_AHEAD)
def test_a_step_done_ahead_of_the_current_one_moves_nothing_into_the_past(empty_site, courtside, case):
    # The page, the feed, the dashboard and status all agree.
    milestones, expected, slip = DONE_AHEAD[case]
    (empty_site.root / "content" / "agreements" / "plain.md").write_text("We work well.\n", "utf-8")
    empty_site.write_client("zeit", f"""\
        name: Zeit KG
        timezone: Pacific/Kiritimati
        projects:
          - id: p
            title: Shop
            token: {TOKEN}
            agreement: {{template: plain}}
            milestones:
{milestones}
        """)
    result = empty_site.build(epoch=EPOCH - 12 * 3600)  # Mon 23 Nov, 14:00 in Kiritimati
    assert result.returncode == 0, result.stdout + result.stderr
    launch = events_by_id(parse(empty_site.output / "p" / TOKEN / "calendar.ics"))["launch"]
    assert launch.decoded("dtstart") == expected
    assert launch["summary"] == "Zeit KG: Launch (expected)"
    [row] = [r for r in empty_site.portal(TOKEN).select(".schedule tbody tr") if "Launch" in text_of(r)]
    shown = f"{expected:%a} {expected.day} {expected:%b %Y}"
    assert f"{shown} +{slip} business days" in text_of(row) and "past due" not in text_of(row)
    dashboard = (empty_site.output / "studio" / STUDIO_TOKEN / "index.html").read_text("utf-8")
    assert f'<time datetime="{expected}">{shown}</time>' in dashboard
    status = courtside(empty_site, "status", "--json", epoch=EPOCH - 12 * 3600)
    [row] = json.loads(status.stdout)
    assert (row["expected_end"], row["end_slip_days"]) == (str(expected), slip)


@pytest.mark.e2e
def test_a_time_the_clocks_skip_is_stated_as_the_time_it_really_is(empty_site):
    (empty_site.root / "content" / "agreements" / "plain.md").write_text("We work well.\n", "utf-8")
    empty_site.write_client("zeit", DST_CLIENT.format(token=TOKEN).replace(
        "due: 2026-11-02\n", "due: 2026-11-02\n      - id: spring\n        title: Spring call\n"
        "        owner: studio\n        due: 2027-03-28 02:30\n"))
    result = empty_site.build(epoch=BEFORE)  # a warning, which a production build refuses
    assert result.returncode == 0, result.stderr
    assert "02:30 does not exist on 2027-03-28 in Europe/Berlin" in result.stderr
    spring = events_by_id(parse(empty_site.output / "p" / TOKEN / "calendar.ics"))["spring"]
    # 02:30 never happens that night: it is read as 03:30 summer time, 01:30 UTC.
    assert spring.decoded("DTSTART") == dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.UTC)
    assert "Due: Sun 28 Mar 2027, 03:30 (Europe/Berlin)" in str(spring["DESCRIPTION"])
    row = empty_site.portal(TOKEN).select("table.schedule tbody tr")[-1]
    assert "Sun 28 Mar 2027, 03:30" in text_of(row)


@pytest.mark.e2e
def test_a_backslash_before_an_n_stays_a_backslash(dst_site):
    # icalendar's own escaping turns "\N" into a line break; the feed does not.
    client = dst_site.clients / "zeit.yaml"
    client.write_text(client.read_text("utf-8").replace(
        "title: Handover", 'title: "Handover of C:\\\\Nordic\\\\Notes\\u2028and more"'), "utf-8")
    from feed_parsers import read_with_all

    # ics.py and node-ical misread any escaped backslash before an N; the
    # others read what RFC 5545 says.
    parsers = ["icalendar", "ical.js", "vobject", "libical", "ruby-icalendar"]
    for parser, [calendar] in read_with_all([build(dst_site)], parsers=parsers).items():
        [handover] = [e for e in calendar["events"] if ".handover@" in e["uid"]]
        assert handover["summary"] == "Northwind Studio: Handover of C:\\Nordic\\Notes\nand more", parser


#: What a client file can name: no control characters (refused at their line), no surrogates.
NAME_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=150)
PORTAL_URL = st.one_of(st.none(), st.text(st.sampled_from(list("abZ09-_ü")), min_size=1, max_size=30)
                       .map(lambda token: f"https://portals.example/p/{token}/"))


def icalendar_feed(*, uid, name, description, timezone, url, source):
    """The feed's calendar as icalendar writes it: what ``_feed`` must write."""
    feed = icalendar.Calendar.new(prodid=PRODID, uid=uid, name=calendar_text(name),
                                  description=calendar_text(description),
                                  calscale="GREGORIAN", url=url, source=source)
    feed.add("refresh-interval", icalendar.vDuration(REFRESH_INTERVAL),
             parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL))
    feed.add("x-wr-timezone", timezone)
    return feed.to_ical()


@settings(max_examples=500, deadline=None)
@given(name=NAME_TEXT, description=NAME_TEXT, url=PORTAL_URL,
       uid=st.from_regex(r"[a-z0-9-]{1,40}\.[a-z0-9-]{1,40}@courtside", fullmatch=True),
       timezone=st.sampled_from(["Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5",
                                 "UTC"]))
def test_a_feed_is_written_as_icalendar_writes_it(name, description, url, uid, timezone):
    values = {"uid": uid, "name": name, "description": description, "timezone": timezone,
              "url": url, "source": url + "calendar.ics" if url else None}
    assert _feed(**values, events=[]) == icalendar_feed(**values)
