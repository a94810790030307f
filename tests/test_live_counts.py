"""The page's script counts business days exactly as the build does, on the
client's and the studio's own calendars, on any day after the build: a page
built on Mon 14 Dec 2026 and opened on a later day in Chromium says what a
build on that later day says, across Christmas, New Year and Easter."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import sys

import pytest

from helpers import new_site, served

D = dt.date
BUILD_DAY = D(2026, 12, 14)
#: Both sides of Christmas (a holiday in both), St Stephen's Day (Bavaria
#: only), New Year, Epiphany (Bavaria only), and Easter: Good Friday is a
#: holiday in Bavaria, not in France; Easter Monday in both.
VIEWING_DAYS = [D(2026, 12, 24), D(2026, 12, 28), D(2027, 1, 4), D(2027, 1, 7),
                D(2027, 3, 26), D(2027, 3, 29), D(2027, 3, 30), D(2027, 4, 12)]
TOKENS = {"client": "Bav4riaClient0Token1Abc", "studio": "Bav4riaStudio0Token1Abc",
          "easter": "Bav4riaEaster0Token1Abc", "later": "Bav4riaLater00Token1Abc"}

CLIENT = f"""\
name: Brauerei Huber
timezone: Europe/Berlin
holidays: DE-BY
projects:
  - id: labels
    title: Labels
    token: {TOKENS["client"]}
    start: 2026-12-01
    agreement:
      template: plain
      terms:
        response_days: {{studio: 1, client: 2}}
        grace_days: {{studio: 3, client: 5}}
        consequences: {{studio: The studio pays., client: The client waits.}}
    milestones:
      - {{id: artwork, title: Artwork, owner: client, due: 2026-12-22}}
      - {{id: print, title: Print run, owner: studio, due: 2027-01-15}}
    log:
      - date: 2026-12-10
        by: client
        text: Gold foil on the labels?
        change: {{status: proposed, days: 4, cost: "€600"}}
  - id: shop
    title: Shop
    token: {TOKENS["studio"]}
    start: 2026-12-08
    agreement:
      template: plain
      terms:
        grace_days: {{studio: 3, client: 5}}
        consequences: {{studio: The studio pays., client: The client waits.}}
    milestones:
      - {{id: build, title: Build, owner: studio, due: 2026-12-30}}
  - id: easter
    title: Easter campaign
    token: {TOKENS["easter"]}
    start: 2026-12-01
    agreement:
      template: plain
    milestones:
      - {{id: copy, title: Copy, owner: client, due: 2027-03-25}}
  - id: later
    title: Starts after the holidays
    token: {TOKENS["later"]}
    start: 2026-12-28
    agreement:
      template: plain
      terms:
        grace_days: {{studio: 3, client: 2}}
        consequences: {{studio: The studio pays., client: The client waits.}}
    milestones:
      - {{id: brief, title: Brief, owner: client, due: 2027-01-04}}
"""


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The site built on the build day, and on every viewing day."""
    site = new_site(tmp_path_factory.mktemp("live") / "site", examples=False)
    (site.root / "content" / "agreements" / "plain.md").write_text("We work well.\n", "utf-8")
    with (site.root / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        # The studio works in Lyon: French public holidays, no closures.
        settings.write('\nCOURTSIDE = {**COURTSIDE, "holidays": "FR", "closed": []}\n')
    site.write_client("huber", CLIENT)

    def build(day: D):
        epoch = int(dt.datetime.combine(day, dt.time(12), dt.UTC).timestamp())
        result = site.run(sys.executable, "-m", "pelican", "-s", "pelicanconf.py",
                          "-o", f"out-{day}", epoch=epoch)
        assert result.returncode == 0, result.stdout + result.stderr
        return day, site.root / f"out-{day}"

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        return dict(pool.map(build, [BUILD_DAY, *VIEWING_DAYS]))


#: Every count the panel shows, as a reader sees it (a page built before the
#: start has the waiting line hidden, one built after it has no "Starts").
COUNTS = """() => [...document.querySelectorAll(
    "[data-starts], [data-since], [data-due], [data-proposed], [data-past-grace], [data-grace-left]")]
    .filter(e => !e.hidden).map(e => e.textContent.trim())"""


@pytest.mark.browser
@pytest.mark.parametrize("key", sorted(TOKENS))
def test_the_script_counts_what_a_build_on_that_day_says(browser, builds, key):
    scripted, static = browser.new_context(), browser.new_context(java_script_enabled=False)
    try:
        page, plain = scripted.new_page(), static.new_page()
        with served(builds[BUILD_DAY]) as built:
            for day in VIEWING_DAYS:
                # What a build on that day wrote, read with the script off.
                plain.goto(f"file://{builds[day]}/p/{TOKENS[key]}/index.html")
                expected = plain.evaluate(COUNTS)
                # The page built on the build day, opened on that day.
                page.clock.set_fixed_time(dt.datetime.combine(day, dt.time(10)))
                page.goto(f"{built}/p/{TOKENS[key]}/")
                assert page.evaluate(COUNTS) == expected, day
                assert page.locator("[data-as-of]").inner_text().endswith("(your date)")
    finally:
        scripted.close()
        static.close()


@pytest.mark.e2e
def test_the_counts_really_do_skip_the_holidays(builds):
    from bs4 import BeautifulSoup

    def panel(day, key):
        html = (builds[day] / "p" / TOKENS[key] / "index.html").read_text("utf-8")
        court = BeautifulSoup(html, "html.parser").select_one("section.court")
        for hidden in court.select("[hidden]"):
            hidden.decompose()
        return " ".join(court.get_text().split())

    # Artwork, due Tue 22 Dec, on Mon 28 Dec: Wed 23, Thu 24 (Christmas Eve is
    # a working day in Bavaria), Mon 28; the 25th and 26th are holidays.
    assert "Due Tue 22 Dec 2026: 3 business days ago" in panel(D(2026, 12, 28), "client")
    # Build, the studio's, due Wed 30 Dec, on Thu 7 Jan: Thu 31, Mon 4 ... Thu 7
    # (New Year's Day is French; Epiphany is not).
    assert "Due Wed 30 Dec 2026: 5 business days ago" in panel(D(2027, 1, 7), "studio")
    # Copy, due Thu 25 Mar 2027, on Tue 30 Mar: Good Friday and Easter Monday are off.
    assert "Due Thu 25 Mar 2027: 1 business day ago" in panel(D(2027, 3, 30), "easter")
    # Before the start nothing waits; from it on, the Bavarian business days
    # count: the brief, due Mon 4 Jan, is on Thu 7 Jan two business days late
    # (Epiphany, Wed 6 Jan, is off): the grace period's last day.
    before = panel(D(2026, 12, 24), "later")
    assert "Starts Mon 28 Dec 2026" in before and "Waiting" not in before
    assert "Waiting since Mon 28 Dec 2026: 0 business days" in panel(D(2026, 12, 28), "later")
    assert "Last business day before: The client waits." in panel(D(2027, 1, 7), "later")
