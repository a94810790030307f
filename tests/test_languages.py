"""One real build with a portal, a locked page and a feed in every shipped
language: no English chrome left in what a reader sees, the counts in the
language's plural forms, the dates as Babel formats them for the locale,
the agreement in its language's template."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import secrets
import sys

import pytest
from babel.dates import format_skeleton, get_timezone_location
from bs4 import BeautifulSoup

from courtside.filters import words_of
from courtside.i18n import SHIPPED, SOURCE
from helpers import AXE, EPOCH, REPO, new_site, served, text_of

pytestmark = pytest.mark.e2e

TRANSLATED = [tag for tag in SHIPPED if tag != SOURCE]
COUNTS = (1, 2, 5, 11, 21, 22)
PASSWORD = "correct horse battery staple"
#: Phrases of the page's chrome in English; none may be left in another language.
ENGLISH = ["Waiting on", "Your turn", "Our turn", "Waiting since", "Starts", "left before",
           "Due ", "Call ", "business day", "Schedule", "Milestones in your calendar",
           "How we work together", "Upcoming", "Current step", "Paper trail", "Skip to content",
           "As of", "overdue", "on time", "Expected", "expected", "Owner",
           "Change requests", "Approved", "Declined", "Monday to Friday", "public holidays",
           "Subscribe", "because", "later", "Today", "Timeline", "Done",
           "Mon ", "Tue ", "Wed ", "Thu ", "Fri "]
FEED_ENGLISH = ["Project:", "Owner:", "Due:", "Expected:", "State:", "business day",
                "Milestones of", "(expected)", "with who must act"]
#: Approved costs as a German reader writes them; the page adds them up in German.
GERMAN_COSTS = ("450 €", "2.400 €")
LOCKED_ENGLISH = ["Private page", "password", "Password", "Remember", "Open", "which is switched off",
                  "That password", "Forget this device", "secure (https) connection"]

#: A production build, with the studio's dashboard and feeds.
BUILD_ENV = {"POLYGLOT_PW": PASSWORD, "SITEURL": "https://portals.example",
             "COURTSIDE_STUDIO_TOKEN": secrets.token_urlsafe(16)}
TOKENS = {tag: (secrets.token_urlsafe(16), secrets.token_urlsafe(16)) for tag in SHIPPED}
#: A project of each language that starts after the build day, on the client's turn.
UPCOMING = {tag: secrets.token_urlsafe(16) for tag in SHIPPED}


TERMS = """
      terms:
        response_days: {studio: 1, client: 3}
        grace_days: {studio: 5, client: 10}
        consequences: {studio: A, client: B}
        deposit: 30%
        payment_days: 30"""


def project(tag: str, token: str, locked: bool) -> str:
    declined = "".join(f"""
      - date: 2026-11-0{index + 2}
        by: client
        text: Request {days}
        change: {{status: declined, days: {days}}}""" for index, days in enumerate(COUNTS))
    cost, more = (GERMAN_COSTS[0], f"""
      - date: 2026-11-19
        by: client
        text: Gutscheinmotive
        change: {{status: approved, cost: "{GERMAN_COSTS[1]}"}}""") if tag == "de" else ("€450", "")
    return f"""
  - id: {tag}{"-locked" if locked else ""}
    title: Projekt {tag}
    token: {token}
    language: {tag}
    start: 2026-11-02
    {"password_env: POLYGLOT_PW" if locked else ""}
    agreement:
      signed: 2026-10-29{TERMS}
    milestones:
      - {{id: fotos, title: Fotos, owner: client, due: 2026-11-13, done: 2026-11-16}}
      - {{id: entwurf, title: Entwurf, owner: studio, due: 2026-11-18, done: 2026-11-18}}
      - {{id: zahlung, title: Zahlung, owner: studio, due: 2026-11-20 14:00}}
      - {{id: abnahme, title: Abnahme, owner: client, due: 2026-12-11}}
    log:{declined}
      - date: 2026-11-19
        by: client
        text: Gutscheine
        change: {{status: approved, days: 3, cost: "{cost}", after: zahlung}}{more}
      - date: 2026-11-20
        by: client
        text: Kasse
        change: {{status: proposed, days: 2}}
"""


#: A Spanish project whose agreement has no Spanish version: the English
#: template, counting in English, marked as English.
FALLBACK_TOKEN = secrets.token_urlsafe(16)
FALLBACK = f"""
  - id: es-fallback
    title: Proyecto
    token: {FALLBACK_TOKEN}
    language: es
    agreement:
      template: short
      terms: {{response_days: {{studio: 1, client: 21}}}}
    milestones:
      - {{id: fotos, title: Fotos, owner: client, due: 2026-12-11}}
"""
SHORT_TEMPLATE = "We answer within {{ terms.response_days.studio | business_days }}; " \
    "you within {{ terms.response_days.client | business_days }}.\n"

def upcoming(tag: str) -> str:
    return f"""
  - id: {tag}-upcoming
    title: Bald {tag}
    token: {UPCOMING[tag]}
    language: {tag}
    start: 2026-11-30
    agreement:{TERMS}
    milestones:
      - {{id: fragen, title: Fragen, owner: client, due: 2026-12-11, note: Zehn Fragen.}}
"""


CLIENT = """\
name: Polyglot
timezone: Europe/Vienna
holidays: AT
closed:
  - {from: 2026-12-24, to: 2026-12-27}
projects:""" + "".join(project(tag, TOKENS[tag][0], False) + project(tag, TOKENS[tag][1], True)
                       + upcoming(tag) for tag in SHIPPED)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = new_site(tmp_path_factory.mktemp("languages") / "site", examples=False)
    site.write_client("polyglot", CLIENT)
    result = site.build("publishconf.py", env=BUILD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def visible(soup) -> str:
    for node in soup(["script", "style"]):
        node.decompose()
    return text_of(soup)


@pytest.mark.parametrize("tag", SHIPPED)
def test_every_page_is_in_its_language(site, tag):
    soup = site.portal(TOKENS[tag][0])
    assert soup.html["lang"] == tag and not soup.html.has_attr("dir")
    text = visible(soup) + " " + " ".join(
        node[attribute] for attribute in ("data-label", "aria-label")
        for node in soup.find_all(attrs={attribute: True}))
    if tag != SOURCE:
        assert [phrase for phrase in ENGLISH if phrase in text] == []
        assert "Log" not in {text_of(heading) for heading in soup(["h2", "h3"])}
        # No plural faked with "(s)": every count has its own forms.
        assert not re.search(r"\w\((s|e|es|n)\)", text)
    # The time zone as a reader of the language knows it: "(Wien)", "(Вена)".
    city = "Europe/Vienna" if tag == SOURCE else \
        get_timezone_location("Europe/Vienna", locale=tag, return_city=True)
    assert f"({city})" in text_of(soup.select_one(".as-of"))
    # The Google button names the app as the refresh paragraph beside it does.
    google = text_of(soup.select_one(".subscribe-links a[href*='google.com']"))
    assert google in " ".join(text_of(p) for p in soup.select("section.subscribe p.meta"))
    words = words_of(tag)
    for count in COUNTS:
        assert "+" + words.business_days(count) in text
    for day in (dt.date(2026, 11, 13), dt.date(2026, 12, 11)):
        shown = words.long_date(day) if tag == SOURCE else format_skeleton("yMMMEd", day, locale=tag)
        assert " ".join(shown.split()) in text


def panel_lines(soup) -> list[str]:
    court = soup.select_one("section.court")
    for hidden in court.select("[hidden]"):
        hidden.decompose()
    return [text_of(node) for node in court.select("h2, .court-step, .court-note, .court-counts li")]


@pytest.mark.parametrize("tag", SHIPPED)
def test_the_panel_says_whose_turn_and_each_count_in_its_language(site, tag):
    words = words_of(tag)
    _ = words.language.gettext

    def fold(text: str) -> str:  # as text_of reads the page: no-break spaces too
        return " ".join(text.split())

    # The studio's payment, due Fri 20 Nov 14:00, one business day late on
    # Mon 23 Nov: four of its five days of grace are left.
    ours = panel_lines(site.portal(TOKENS[tag][0]))
    assert ours[:2] == [fold(_("Our turn")), "Zahlung"]
    assert ours[2].endswith(fold(words.business_days(3)))
    assert fold(words.long_date(dt.date(2026, 11, 18))) in ours[2]
    assert ours[3].endswith(fold(words.ago(1)))
    assert fold(words.long_date(dt.date(2026, 11, 20))) in ours[3]
    assert ours[4] == fold(words.grace_left(4, "A"))
    # The client's, before the project starts: when it starts, no waiting.
    # (Tue 8 Dec, the Immaculate Conception, is a holiday in Austria.)
    yours = panel_lines(site.portal(UPCOMING[tag]))
    assert yours[:3] == [fold(_("Your turn")), "Fragen", "Zehn Fragen."]
    assert fold(words.long_date(dt.date(2026, 11, 30))) in yours[3]
    assert yours[4].endswith(fold(words.in_business_days(13)))
    assert len(yours) == 5
    if tag != SOURCE:
        text = " ".join(ours + yours)
        assert [phrase for phrase in ENGLISH if phrase in text] == []


def test_a_german_portal_adds_its_costs_the_german_way(site):
    totals = text_of(site.portal(TOKENS["de"][0]).select_one(".change-totals"))
    assert "+3 Arbeitstage, 2.850 €" in totals, totals
    english = text_of(site.portal(TOKENS["en"][0]).select_one(".change-totals"))
    assert "+3 business days, €450" in english, english


#: The day each language's week starts on (``date.weekday()``): an English
#: portal's is American, Sunday; the others start on Monday.
FIRST_WEEKDAY = {"en": 6, "de": 0, "ru": 0, "fr": 0, "es": 0}


@pytest.mark.parametrize("tag", SHIPPED)
def test_the_timelines_weeks_start_on_the_locales_first_day(site, tag):
    soup = site.portal(TOKENS[tag][0])
    for svg in soup.select("svg.timeline"):
        days = [dt.date.fromisoformat(tick["data-day"]) for tick in svg.select(".tl-week")]
        assert len(days) >= 5, days  # six weeks of project, a week apart
        assert {day.weekday() for day in days} == {FIRST_WEEKDAY[tag]}
        assert all(later - day == dt.timedelta(days=7) for day, later in itertools.pairwise(days))


@pytest.mark.parametrize("tag", TRANSLATED)
def test_the_feed_and_the_locked_page_are_in_its_language(site, tag):
    feed = (site.output / "p" / TOKENS[tag][0] / "calendar.ics").read_text("utf-8")
    unfolded = re.sub(r"\r\n[ \t]", "", feed)
    assert [phrase for phrase in FEED_ENGLISH if phrase in unfolded] == []
    assert "(Europe/Vienna)" not in unfolded and "X-WR-TIMEZONE:Europe/Vienna" in unfolded
    locked = site.portal(TOKENS[tag][1])
    assert locked.html["lang"] == tag
    for noscript in locked("noscript"):  # html.parser keeps its content as markup
        noscript.replace_with(BeautifulSoup(noscript.decode_contents(), "html.parser"))
    text = visible(locked) + " " + " ".join(locked.find(id="unlock").attrs.get(f"data-{name}", "")
                                            for name in ("opening", "wrong", "forget", "insecure"))
    assert "Polyglot" not in text and [phrase for phrase in LOCKED_ENGLISH if phrase in text] == []


LATER = EPOCH + 14 * 86400
LIVE = """() => [...document.querySelectorAll(
    "[data-starts], [data-since], [data-due], [data-proposed], [data-past-grace], [data-grace-left]")]
    .filter(e => !e.hidden).map(e => e.textContent.trim())"""


@pytest.fixture(scope="module")
def later(site):
    """The same site built two weeks after the build day."""
    result = site.run(sys.executable, "-m", "pelican", "-s", "publishconf.py", "-o", "out-later",
                      epoch=LATER, env=BUILD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    return site.root / "out-later"


@pytest.mark.browser
@pytest.mark.parametrize("tag", ["de", "ru", "fr"])
def test_the_script_says_what_a_later_build_says_in_its_language(browser, site, later, tag):
    scripted, static = browser.new_context(), browser.new_context(java_script_enabled=False)
    day = dt.datetime.fromtimestamp(LATER, dt.UTC).date()
    try:
        page, plain = scripted.new_page(), static.new_page()
        with served(site.output) as built:
            page.clock.set_fixed_time(dt.datetime.combine(day, dt.time(10)))
            for token in (TOKENS[tag][0], UPCOMING[tag]):  # past grace; started since
                plain.goto(f"file://{later}/p/{token}/index.html")
                expected = plain.evaluate(LIVE)
                page.goto(f"{built}/p/{token}/")
                assert page.evaluate(LIVE) == expected
            words = words_of(tag).live_phrases(2)
            shown = " ".join(page.locator("[data-as-of]").inner_text().split())
            assert shown == " ".join(words["your_date"].replace(
                "{date}", format_skeleton("yMMMEd", day, locale=tag)).split())
    finally:
        scripted.close()
        static.close()


@pytest.mark.browser
@pytest.mark.parametrize("tag", SHIPPED)
def test_axe_finds_nothing_in_any_language_and_people_get_a_screenshot(browser, site, tag):
    """Including html-has-lang and valid-lang; the screenshots go to
    test-artifacts/screenshots/ for a person to read."""
    screenshots = REPO / "test-artifacts" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        # The build's SITEURL is the production one: its stylesheet is served from here.
        page.route("https://portals.example/**", lambda route: route.fulfill(
            path=str(site.output / route.request.url.split("://portals.example/", 1)[1])))
        with served(site.output) as built:
            page.goto(f"{built}/p/{TOKENS[tag][0]}/")
            page.screenshot(path=str(screenshots / f"language-{tag}-desktop.png"), full_page=True)
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                ".violations.map(v => v.id)")
    finally:
        context.close()
    assert violations == []


def test_the_studios_feeds_stay_in_the_studios_language(site):
    feeds = list((site.output / "studio").glob("*/*.ics"))
    assert feeds
    for feed in feeds:
        text = re.sub(r"\r\n[ \t]", "", feed.read_text("utf-8"))
        assert "Project: Projekt de" in text and "Project: Projekt ru" in text
        assert "Projekt: " not in text and "Проект: " not in text and "Projet" not in text


def test_an_agreement_without_a_version_in_the_language_is_english_through_and_through(tmp_path):
    site = new_site(tmp_path / "site", examples=False)
    site.write_client("polyglot", CLIENT.split("projects:")[0] + "projects:" + FALLBACK)
    (site.root / "content" / "agreements" / "short.md").write_text(SHORT_TEMPLATE, "utf-8")
    result = site.build()  # a preview: in production (strict) the fallback's warning is fatal
    assert result.returncode == 0, result.stdout + result.stderr
    assert "short.es.md" in result.stdout + result.stderr
    page = BeautifulSoup(site.portal_file(FALLBACK_TOKEN).read_text("utf-8"), "html.parser")
    assert page.html["lang"] == "es"
    agreement = page.select_one("section.agreement [lang]")
    assert agreement["lang"] == "en"
    assert text_of(agreement) == "We answer within 1 business day; you within 21 business days."
    # The chrome around it stays Spanish.
    assert text_of(page.select_one("#agreement-heading")) != "How we work together"
