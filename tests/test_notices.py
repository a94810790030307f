"""Notices at the three levels (studio-wide in settings, a client's, a
project's), built into a real site on Mon 23 Nov 2026: active ones are
banners above the panel and on the dashboard, future ones are not shown yet,
ended ones are gone but stay in the paper trail; the page's script hides a
banner whose last day has passed when the page is opened later."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from helpers import STUDIO_TOKEN, new_site, served, text_of

TOKENS = {"site": "Nt4kQ9vTnW2yLp7RbM4cHd", "shop": "Nt5kQ9vTnW2yLp7RbM4cHd",
          "done": "Nt6kQ9vTnW2yLp7RbM4cHd"}

STUDIO_NOTICES = """
COURTSIDE = {**COURTSIDE, "notices": [
    {"text": "We are closed from 24 December to 1 January.", "from": "2026-11-16",
     "until": "2026-12-04", "kind": "warning"},
    {"text": "New prices from March.", "from": "2026-12-01"},
    {"text": "Moved to a new office.", "from": "2026-10-01", "until": "2026-10-31"},
]}
"""

CLIENT = f"""\
name: Huber AG
timezone: Europe/Berlin
notices:
  - text: Your invoices now come by email.
    from: 2026-11-20
projects:
  - id: site
    title: Website
    token: {TOKENS["site"]}
    start: 2026-09-01
    agreement:
      template: plain
    milestones:
      - {{id: copy, title: Copy, owner: client, due: 2026-12-10}}
    notices:
      - text: "Staging is down on Tuesday. <script>alert(1)</script> **Sorry.**"
        from: 2026-11-23
        until: 2026-11-24
        kind: warning
      - text: Launch freeze in January.
        from: 2026-12-15
      - text: The kickoff moved to Thursday.
        from: 2026-09-07
        until: 2026-09-10
  - id: done
    title: Flyer
    token: {TOKENS["done"]}
    agreement:
      template: plain
    milestones:
      - {{id: print, title: Print, owner: studio, due: 2026-11-02, done: 2026-11-02}}
"""

GERMAN = f"""\
name: Müller GmbH
language: de
projects:
  - id: shop
    title: Shop
    token: {TOKENS["shop"]}
    start: 2026-10-01
    agreement:
      template: plain
    milestones:
      - {{id: design, title: Entwurf, owner: studio, due: 2026-12-10}}
    notices:
      - text: Unser Server zieht um.
        from: 2026-11-23
        until: 2026-12-04
        kind: warning
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    built = new_site(tmp_path_factory.mktemp("notices") / "site", examples=False)
    (built.root / "content" / "agreements" / "plain.md").write_text("We work well.\n", "utf-8")
    (built.root / "content" / "agreements" / "plain.de.md").write_text("Wir arbeiten gut.\n", "utf-8")
    with (built.root / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write(STUDIO_NOTICES)
    built.write_client("huber", CLIENT)
    built.write_client("mueller", GERMAN)
    result = built.build()
    assert result.returncode == 0, result.stdout + result.stderr
    return built


def banners(page) -> list[str]:
    return [text_of(notice) for notice in page.select(".notices [role=note]")]


@pytest.mark.e2e
def test_active_notices_of_every_level_stand_above_the_panel(site):
    page = site.portal(TOKENS["site"])
    assert banners(page) == [
        "Warning · until Fri 4 Dec 2026 We are closed from 24 December to 1 January.",
        "Notice Your invoices now come by email.",
        "Warning · until Tue 24 Nov 2026 Staging is down on Tuesday. "
        "<script>alert(1)</script> Sorry.",
    ]
    # Above the ball-in-court panel, in the page's order.
    assert page.select_one(".notices").find_next("section")["class"][0] == "court"
    warning = page.select(".notices [role=note]")[0]
    assert warning["class"] == ["notice", "notice--warning"]
    assert warning["data-until"] == "2026-12-04"
    assert not page.select(".notices [role=note]")[1].has_attr("data-until")
    # A finished project's portal has them too.
    assert len(banners(site.portal(TOKENS["done"]))) == 2


@pytest.mark.e2e
def test_a_notice_is_shown_not_run(site):
    page = site.portal(TOKENS["site"])
    last = page.select(".notices [role=note]")[2]
    assert last.find("script") is None
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in str(last)
    assert last.select_one("strong:-soup-contains('Sorry.')") is not None


@pytest.mark.e2e
def test_ended_notices_stay_in_the_paper_trail_and_future_ones_wait(site):
    trail = [text_of(item) for item in site.portal(TOKENS["site"]).select("ol.trail li")]
    assert trail == [
        "Mon 23 Nov 2026 · Warning, until Tue 24 Nov 2026 Staging is down on Tuesday. "
        "<script>alert(1)</script> Sorry.",
        "Fri 20 Nov 2026 · Notice Your invoices now come by email.",
        "Mon 16 Nov 2026 · Warning, until Fri 4 Dec 2026 We are closed from 24 December to 1 January.",
        "Thu 1 Oct 2026 · Notice, until Sat 31 Oct 2026 Moved to a new office.",
        "Mon 7 Sep 2026 · Notice, until Thu 10 Sep 2026 The kickoff moved to Thursday.",
    ]
    text = text_of(site.portal(TOKENS["site"]))
    assert "New prices from March." not in text and "Launch freeze" not in text


@pytest.mark.e2e
def test_notices_speak_the_portals_language(site):
    page = site.portal(TOKENS["shop"])
    # The studio's text as written; its wording in the client's language.
    assert banners(page)[0] == ("Warnung · bis Fr., 4. Dez. 2026 We are closed from 24 December "
                                "to 1 January.")
    assert banners(page)[1] == "Warnung · bis Fr., 4. Dez. 2026 Unser Server zieht um."


@pytest.mark.e2e
def test_the_dashboard_shows_studio_notices_on_top_and_the_others_in_their_rows(site):
    page = BeautifulSoup((site.output / "studio" / STUDIO_TOKEN / "index.html").read_text("utf-8"),
                         "html.parser")
    assert banners(page) == [
        "Warning · until Fri 4 Dec 2026 We are closed from 24 December to 1 January."]
    rows = {text_of(row.select_one("th a")): [text_of(note) for note in row.select(".row-notice")]
            for row in page.select("table.dashboard tbody tr")}
    assert rows == {
        "Website": ["Notice: Your invoices now come by email.",
                    "Warning (until Tue 24 Nov 2026): Staging is down on Tuesday. "
                    "<script>alert(1)</script> Sorry."],
        "Flyer": ["Notice: Your invoices now come by email."],
        "Shop": ["Warning (until Fri 4 Dec 2026): Unser Server zieht um."],
    }


@pytest.mark.browser
@pytest.mark.parametrize("key", ["site", "done"])
def test_the_script_hides_a_notice_once_its_last_day_has_passed(browser, site, key):
    context = browser.new_context()
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        with served(site.output) as root:
            shown = "() => [...document.querySelectorAll('[role=note]')].map(n => !n.hidden)"
            page.clock.set_fixed_time(dt.datetime(2026, 11, 24, 10))
            page.goto(f"{root}/p/{TOKENS[key]}/")
            assert page.evaluate(shown) == ([True, True, True] if key == "site" else [True, True])
            page.clock.set_fixed_time(dt.datetime(2026, 11, 25, 10))
            page.goto(f"{root}/p/{TOKENS[key]}/")
            assert page.evaluate(shown) == ([True, True, False] if key == "site" else [True, True])
            page.clock.set_fixed_time(dt.datetime(2026, 12, 5, 10))
            page.goto(f"{root}/p/{TOKENS[key]}/")
            assert page.evaluate(shown) == ([False, True, False] if key == "site" else [False, True])
            assert page.locator("[role=note]").nth(0).is_hidden()
    finally:
        context.close()
    assert errors == []
