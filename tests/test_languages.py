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


# --- a native reader's counts: 1, 2, 5, 21, 22, 25 ----------------------------------------
#
# Each language's client has a project late by each count and a project
# closed with one or two of its milestones done; the studio's side is built
# and asked in each language in turn. A sentence whose English has no plural
# forms must not put a count beside a word that agrees with it ("quedan 1
# día", "1 jalons sur 5 ont été terminés").

TODAY = dt.date.fromtimestamp(EPOCH)
COUNTED = (1, 2, 5, 21, 22, 25)
COUNTED_TOKENS = {(tag, name): secrets.token_urlsafe(16) for tag in TRANSLATED
                  for name in [f"late{n}" for n in COUNTED] + ["soon1", "soon2", "closed1of5",
                                                              "closed2of5", "closed1of21",
                                                              "done1", "done2", "done21"]}


def business_days_from_today(count: int) -> dt.date:
    """The weekday ``count`` business days after today (before it, negative);
    these clients have no holidays, and the studio none near today."""
    day, step = TODAY, 1 if count > 0 else -1
    for _ in range(abs(count)):
        day += dt.timedelta(days=step)
        while day.weekday() >= 5:
            day += dt.timedelta(days=step)
    return day


def counted_project(tag: str, name: str, status: str, milestones: str, days: int = 1) -> str:
    return f"""
  - id: {name}
    title: {name}
    token: {COUNTED_TOKENS[tag, name]}
    status: {status}
    agreement:
      signed: 2026-06-01
      terms:
        response_days: {{studio: {days}, client: {days}}}
        grace_days: {{studio: {days}, client: {days}}}
        consequences: {{studio: A., client: B.}}
        deposit: 30%
        payment_days: {days}
    milestones:{milestones}"""


def counted_client(tag: str) -> str:
    def steps(count: int, done: int) -> str:
        return "".join(f"""
      - {{title: Step {index}, owner: studio, due: 2026-06-{index + 1:02d}"""
                       + (f", done: 2026-06-{index + 1:02d}}}" if index < done else "}")
                       for index in range(count))
    late = [counted_project(tag, f"late{n}", "active", f"""
      - {{title: Kickoff, owner: studio, due: 2026-06-02, done: 2026-06-02}}
      - {{title: Texts, owner: client, due: {business_days_from_today(-n)}}}""", n)
            for n in COUNTED]
    soon = [counted_project(tag, f"soon{n}", "active", f"""
      - {{title: Texts, owner: client, due: 2026-06-02, done: 2026-06-02}}
      - {{title: Design, owner: studio, due: {business_days_from_today(n)}}}""") for n in (1, 2)]
    closed = [counted_project(tag, f"closed{done}of{count}", "done", steps(count, done))
              for done, count in ((1, 5), (2, 5), (1, 21))]
    finished = [counted_project(tag, f"done{count}", "done", steps(count, count))
                for count in (1, 2, 21)]
    return f"""\
name: Client {tag}
language: {tag}
reminders: [1d]
projects:""" + "".join(late + soon + closed + finished) + "\n"


@pytest.fixture(scope="module")
def counted(tmp_path_factory):
    """The site, built, and settings for the studio in each language
    (``pelicanconf_<tag>.py``, ``publishconf_<tag>.py``), as ``courtside
    status --settings`` and ``courtside invite --settings`` read them."""
    site = new_site(tmp_path_factory.mktemp("counted") / "site", examples=False)
    for tag in TRANSLATED:
        site.write_client(f"client-{tag}", counted_client(tag))
        settings = site.root / "pelicanconf.py"
        (site.root / f"pelicanconf_{tag}.py").write_text(
            settings.read_text("utf-8")
            + f'\nCOURTSIDE["studio"] = {{**COURTSIDE["studio"], "language": "{tag}"}}\n', "utf-8")
        (site.root / f"publishconf_{tag}.py").write_text(
            (site.root / "publishconf.py").read_text("utf-8").replace(
                "from pelicanconf import", f"from pelicanconf_{tag} import"), "utf-8")
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def raw_text(soup) -> str:
    """Visible text with runs of spaces and newlines folded, no-break spaces
    kept (``text_of`` folds them too)."""
    for node in soup(["script", "style"]):
        node.decompose()
    return re.sub(r"[ \t\r\n]+", " ", soup.get_text(" ")).strip()


def counted_page(site, tag: str, name: str) -> str:
    """The portal's visible text, no-break spaces kept."""
    return raw_text(site.portal(COUNTED_TOKENS[tag, name]))


#: "Overdue by N business days" in the schedule's table, as a native reader writes it.
OVERDUE = {
    "de": {1: "1 Arbeitstag überfällig", 2: "2 Arbeitstage überfällig", 5: "5 Arbeitstage überfällig",
           21: "21 Arbeitstage überfällig", 22: "22 Arbeitstage überfällig",
           25: "25 Arbeitstage überfällig"},
    "ru": {1: "просрочен на 1 рабочий день", 2: "просрочен на 2 рабочих дня",
           5: "просрочен на 5 рабочих дней", 21: "просрочен на 21 рабочий день",
           22: "просрочен на 22 рабочих дня", 25: "просрочен на 25 рабочих дней"},
    "fr": {1: "en retard de 1 jour ouvré", 2: "en retard de 2 jours ouvrés",
           5: "en retard de 5 jours ouvrés", 21: "en retard de 21 jours ouvrés",
           22: "en retard de 22 jours ouvrés", 25: "en retard de 25 jours ouvrés"},
    "es": {1: "con 1 día hábil de retraso", 2: "con 2 días hábiles de retraso",
           5: "con 5 días hábiles de retraso", 21: "con 21 días hábiles de retraso",
           22: "con 22 días hábiles de retraso", 25: "con 25 días hábiles de retraso"},
}


@pytest.mark.parametrize("tag", TRANSLATED)
def test_each_count_of_business_days_reads_as_a_native_writes_it(counted, tag):
    for count, phrase in OVERDUE[tag].items():
        text = " ".join(counted_page(counted, tag, f"late{count}").split())
        assert phrase in text, (count, phrase)


#: A closed project with some of its milestones done: a label and its numbers,
#: not a plural chosen by the count of milestones and read with the count done.
CLOSED = {
    "de": "Das Studio hat dieses Projekt abgeschlossen; erledigte Meilensteine: {done} von {count}.",
    "ru": "Студия закрыла этот проект; завершено этапов: {done} из {count}.",
    "fr": "Le studio a clos ce projet\u00a0; jalons terminés\u00a0: {done} sur {count}.",
    "es": "El estudio ha cerrado este proyecto; hitos terminados: {done} de {count}.",
}


@pytest.mark.parametrize("tag", TRANSLATED)
def test_a_closed_project_counts_its_milestones_done_as_a_label(counted, tag):
    for done, count in ((1, 5), (2, 5), (1, 21)):
        text = counted_page(counted, tag, f"closed{done}of{count}")
        assert CLOSED[tag].format(done=done, count=count) in text, text


#: The studio's row for a step due in one and in two business days.
DUE_SOON = {
    "de": ("bald fällig: noch 1 Arbeitstag", "bald fällig: noch 2 Arbeitstage"),
    "ru": ("срок скоро: через 1 рабочий день", "срок скоро: через 2 рабочих дня"),
    "fr": ("échéance proche\u00a0: encore 1 jour ouvré", "échéance proche\u00a0: encore 2 jours ouvrés"),
    "es": ("vence pronto: dentro de 1 día hábil", "vence pronto: dentro de 2 días hábiles"),
}


@pytest.mark.parametrize("tag", TRANSLATED)
def test_status_says_a_step_due_soon_with_one_day_as_with_two(counted, tag):
    result = counted.courtside("status", "--settings", f"pelicanconf_{tag}.py")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for name, phrase in zip(("soon1", "soon2"), DUE_SOON[tag], strict=True):
        row = next(line for line in lines if f"Client {tag}" in line and f" {name} " in line)
        assert phrase in row, row
    # Not "quedan 1 día", "осталось 1 рабочий день".
    assert "quedan 1 " not in result.stdout and "осталось 1 " not in result.stdout


#: French puts a no-break space before : ; ? ! and inside « »; a plain space
#: there lets the mark wrap onto a line of its own.
FRENCH_LOOSE = re.compile(r"(?<=\S) [:;?!»]|« ")


def test_french_keeps_its_no_break_spaces_on_the_page_in_the_invite_and_in_status(counted):
    page = counted_page(counted, "fr", "late2")
    assert FRENCH_LOOSE.findall(page) == [], FRENCH_LOOSE.findall(page)
    invite = counted.courtside("invite", "--settings", "publishconf_fr.py", "client-fr", "late2",
                               env={"SITEURL": "https://portals.example"})
    assert invite.returncode == 0, invite.stderr
    assert "Voici la page de votre projet «\u00a0late2\u00a0»\u00a0:" in invite.stdout
    assert "Des questions\u00a0? " in invite.stdout and "Lien\u00a0: https://" in invite.stdout
    assert FRENCH_LOOSE.findall(invite.stdout) == [], invite.stdout
    status = counted.courtside("status", "--settings", "pelicanconf_fr.py")
    counts = status.stdout.splitlines()[-1]
    assert counts == ("56 portails pour 4 clients\u00a0; 24 en attente des clients "
                      "(0 hors délai de grâce), 8 en attente du studio (0 en retard)"), counts


@pytest.mark.parametrize("tag", TRANSLATED)
def test_a_sentence_ending_in_a_date_ends_in_one_full_stop(counted, tag):
    # A Russian date ends in its own full stop ("2026 г."): the page, the feed
    # and its reminders ("срок — пт, 20 нояб. 2026 г.") say it once.
    for name in ("done1", "done2", "done21", "late1"):
        folder = counted.output / "p" / COUNTED_TOKENS[tag, name]
        page = counted_page(counted, tag, name)
        feed = re.sub(r"\r\n[ \t]", "", (folder / "calendar.ics").read_text("utf-8"))
        assert not re.search(r"(?<!\.)\.\.(?!\.)", page + feed), name
    if tag == "ru":
        one = words_of("ru").long_date(dt.date(2026, 6, 1))
        assert f"Единственный этап завершён {one} " in counted_page(counted, "ru", "done1")


#: The agreement's payment term with one day and with several, in the
#: language's cases: not "innerhalb von 1 Kalendertagen".
PAYMENT = {
    "de": ("Zahlungsziel für Rechnungen: 1 Kalendertag ab Rechnungsdatum.",
           "Zahlungsziel für Rechnungen: 21 Kalendertage ab Rechnungsdatum."),
    "ru": ("Срок оплаты счёта — 1 календарный день", "Срок оплаты счёта — 21 календарный день"),
    "fr": ("payables sous 1 jour calendaire", "payables sous 21 jours calendaires"),
    "es": ("en un plazo de 1 día natural", "en un plazo de 21 días naturales"),
}


@pytest.mark.parametrize("tag", TRANSLATED)
def test_the_agreements_payment_term_agrees_with_its_count(counted, tag):
    for name, phrase in zip(("late1", "late21"), PAYMENT[tag], strict=True):
        text = " ".join(counted_page(counted, tag, name).split())
        assert phrase in text, (name, phrase)
