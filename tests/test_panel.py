"""The ball-in-court panel, client first: addressed to whoever must act ("Your
turn", "Our turn"), the step's note, one count per line with its meaning,
what is left of the grace period and what comes after it, a reply, the
studio's phone and website, and before the start no waiting at all. Built for
real on Mon 23 Nov 2026, read as a reader sees it, and at 390 px in Chromium;
the words and the page's script's table come from one source each."""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import unquote

import pytest

from courtside.actions import tel_link, website_text
from courtside.filters import words_of
from courtside.i18n import SHIPPED
from courtside.rules import DueState
from helpers import EXAMPLE_TOKENS, TODAY, new_site, served, text_of

NAMES = ("within-grace", "last-day", "past-grace", "our-turn", "overdue", "before-start",
         "laden", "long-names")
TOKENS = {name: secrets.token_urlsafe(16) for name in NAMES}
PAUSES = "The project moves to our next free slot."
DISCOUNT = "We take 10% off the fee for the current phase."
NOTE = "Ten photos of your bread, and the opening hours over the holidays."

TERMS = f"""
      template: plain
      terms:
        grace_days: {{studio: 5, client: 5}}
        consequences: {{studio: {DISCOUNT}, client: {PAUSES}}}"""


def project(name: str, milestones: str, *, start: str = "2026-11-02", terms: str = TERMS,
            extra: str = "") -> str:
    return f"""
  - id: {name}
    title: Shop {name}
    token: {TOKENS[name]}
    start: {start}{extra}
    agreement:{terms}
    milestones:{milestones}"""


PHOTOS = f"""
      - id: photos
        title: Photos and opening hours
        owner: client
        due: {{due}}
        note: {NOTE}
      - {{{{id: build, title: Build the shop, owner: studio, due: 2026-12-18}}}}"""
#: Long names, as a German bakery writes them, for the timeline on a phone.
LONG = """
      - {id: fotos, title: "Fotos von Brot, Brötchen und Torten für die Startseite und alle Produktseiten", owner: client, due: 2026-11-06, done: 2026-11-10}
      - {id: texte, title: "Texte über die Backstube, die Zutaten und die Geschichte der Familie Krume", owner: client, due: 2026-11-27}
      - {id: shop, title: "Online-Shop mit Vorbestellung, Abholung im Laden und Lieferung im Stadtteil", owner: studio, due: 2026-12-11}
      - {id: abnahme, title: Abnahme, owner: client, due: 2026-12-18}"""

CLIENT = "name: Bäckerei Elbkrume\ntimezone: Europe/Berlin\nholidays: DE-HH\nprojects:" + "".join([
    # Due Wed 18 Nov: on Mon 23 Nov three business days late, two of five left.
    project("within-grace", PHOTOS.format(due="2026-11-18")),
    # Due Mon 16 Nov: five business days late, the grace period's last day.
    project("last-day", PHOTOS.format(due="2026-11-16")),
    project("past-grace", PHOTOS.format(due="2026-11-06")),
    project("our-turn", """
      - {id: photos, title: Photos, owner: client, due: 2026-11-16, done: 2026-11-16}
      - {id: build, title: Build the shop, owner: studio, due: 2026-11-27}"""),
    # No grace period agreed: late, and nothing more to say.
    project("overdue", """
      - {id: logo, title: Logo drafts, owner: studio, due: 2026-11-10}""",
            terms="\n      template: plain"),
    project("before-start", """
      - {id: questions, title: Questionnaire, owner: client, due: 2026-12-11, note: Ten questions about your shop.}""",
            start="2026-11-30"),
    project("laden", PHOTOS.format(due="2026-11-18"), extra="\n    language: de"),
    project("long-names", LONG),
])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = new_site(tmp_path_factory.mktemp("panel") / "site", examples=False)
    (site.root / "content" / "agreements" / "plain.md").write_text("We work well.\n", "utf-8")
    site.write_client("elbkrume", CLIENT)
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def panel(site, name: str):
    return site.portal(TOKENS[name]).select_one("section.court")


def lines(site, name: str) -> list[str]:
    """What a reader sees in the panel, line by line: hidden parts are for
    the page's script only."""
    court = panel(site, name)
    for hidden in court.select("[hidden]"):
        hidden.decompose()
    return [text_of(node) for node in court.select("h2, .court-step, .court-note, li, .actions a")]


# --- the words, in-process ------------------------------------------------------------------

def due(kind: str, days: int, side: int = 0) -> DueState:
    return DueState(kind, days, side=side)  # type: ignore[arg-type]


def test_the_due_line_says_when_in_words_of_its_own():
    words = words_of("en")
    assert words.due_when(due("on_time", 6)) == "in 6 business days"
    assert words.due_when(due("due_soon", 1)) == "in 1 business day"
    assert words.due_when(due("overdue", 6)) == "6 business days ago"
    assert [words.due_when(due("due_soon", 0, side)) for side in (-1, 0, 1)] == [
        "no business day left", "today", "no business day since"]
    german = words_of("de")
    assert german.due_when(due("on_time", 6)) == "in 6 Arbeitstagen"  # dative, not "6 Arbeitstage"
    assert german.due_when(due("overdue", 1)) == "vor 1 Arbeitstag"
    assert [words_of("ru").due_when(due("on_time", n)) for n in (1, 2, 5, 21)] == [
        "через 1 рабочий день", "через 2 рабочих дня", "через 5 рабочих дней",
        "через 21 рабочий день"]


def test_the_grace_period_is_told_as_what_is_left_and_what_comes_after():
    words = words_of("en")
    assert words.grace_left(2, PAUSES) == f"2 business days left before: {PAUSES}"
    assert words.grace_left(1, PAUSES) == f"1 business day left before: {PAUSES}"
    assert words.grace_left(0, PAUSES) == f"Last business day before: {PAUSES}"
    assert words.grace_left(3, None) == "3 business days of the agreed grace period left."
    assert words_of("ru").grace_left(2, "Пауза.") == "Осталось 2 рабочих дня, затем: Пауза."
    assert words_of("de").grace_left(1, "Pause.") == "Noch 1 Arbeitstag, dann: Pause."


def live(table: dict[str, str], tag: str, count: int) -> str:
    """What the page's script picks for ``count``: the phrase of its plural
    category (``Intl.PluralRules``; Babel has the same CLDR rules)."""
    from babel import Locale

    return table[Locale.parse(tag, sep="-").plural_form(count)].replace("{n}", str(count))


@pytest.mark.parametrize("tag", SHIPPED)
def test_the_scripts_table_says_what_the_page_says_for_every_count(tag):
    words, phrases = words_of(tag), words_of(tag).live_phrases(2)
    for count in (*range(0, 40), 101, 111, 1000000):
        assert live(phrases["days"], tag, count) == words.business_days(count)
        assert live(phrases["ago"], tag, count) == words.ago(count)
        assert live(phrases["in"], tag, count) == words.in_business_days(count)
        if count:
            assert live(phrases["grace"][0], tag, count).replace("{consequence}", "X.") == \
                words.grace_left(count, "X.")
            assert live(phrases["grace_plain"][0], tag, count) == words.grace_left(count, None)
    assert phrases["grace"][1].replace("{consequence}", "X.") == words.grace_left(0, "X.")
    assert phrases["grace_plain"][1] == words.grace_left(0, None)
    assert phrases["due_day"] == [words.due_when(due("due_soon", 0, side)) for side in (-1, 0, 1)]


def test_a_phone_is_a_link_a_phone_can_call_and_a_website_reads_as_its_name():
    assert tel_link("+49 40 1234 5678") == "tel:+494012345678"
    assert tel_link("+49 (0)40 1234-5678") == "tel:+494012345678"  # no trunk 0 abroad
    assert tel_link("(040) 1234 5678") == "tel:04012345678"
    assert website_text("https://www.northwind.example/") == "northwind.example"
    assert website_text("https://northwind.example/studio/") == "northwind.example/studio"


# --- built pages ----------------------------------------------------------------------------

@pytest.mark.e2e
def test_the_clients_turn_within_grace_says_what_is_left_and_what_comes_after(site):
    assert lines(site, "within-grace")[:6] == [
        "Your turn",
        "Photos and opening hours",
        NOTE,
        # Mon 2 Nov to Mon 23 Nov, on Hamburg's business days.
        "Waiting since Mon 2 Nov 2026: 15 business days",
        "Due Wed 18 Nov 2026: 3 business days ago",
        f"2 business days left before: {PAUSES}",
    ]
    assert "Past the" not in " ".join(lines(site, "within-grace"))


@pytest.mark.e2e
def test_on_the_grace_periods_last_day_the_panel_says_so(site):
    assert f"Last business day before: {PAUSES}" in lines(site, "last-day")
    assert "Due Mon 16 Nov 2026: 5 business days ago" in lines(site, "last-day")


@pytest.mark.e2e
def test_past_grace_the_agreed_consequence_stands_instead(site):
    shown = lines(site, "past-grace")
    assert shown[:5] == ["Your turn", "Photos and opening hours", NOTE,
                         "Waiting since Mon 2 Nov 2026: 15 business days",
                         "Due Fri 6 Nov 2026: 11 business days ago"]
    assert f"Past the 5-business-day grace period. As agreed: {PAUSES}" in shown
    assert not any("left before" in line for line in shown)


@pytest.mark.e2e
def test_the_studios_turn_is_ours_and_the_client_may_ask(site):
    shown = lines(site, "our-turn")
    assert shown[:4] == ["Our turn", "Build the shop",
                         "Waiting since Mon 16 Nov 2026: 5 business days",
                         "Due Fri 27 Nov 2026: in 4 business days"]
    assert "Ask about this step" in shown and "Reply about this step" not in shown
    assert "Your turn" not in shown and not panel(site, "our-turn").select(".court-note")


@pytest.mark.e2e
def test_overdue_without_a_grace_period_says_only_how_late(site):
    # The studio's own business days, Berlin's: Wed 11 Nov to Mon 23 Nov.
    assert lines(site, "overdue") == [
        "Our turn", "Logo drafts", "Waiting since Mon 2 Nov 2026: 15 business days",
        "Due Tue 10 Nov 2026: 9 business days ago", "Ask about this step",
        "Call +49 30 1234 5678", "northwind.example"]
    assert not panel(site, "overdue").select("[data-grace-left], [data-past-grace]")


@pytest.mark.e2e
def test_before_the_start_the_panel_says_when_it_starts_and_counts_no_waiting(site):
    shown = lines(site, "before-start")
    assert shown[:5] == ["Your turn", "Questionnaire", "Ten questions about your shop.",
                         "Starts Mon 30 Nov 2026", "Due Fri 11 Dec 2026: in 14 business days"]
    text = " ".join(shown)
    assert "Waiting" not in text and "since" not in text
    # The line the page's script shows from the start on is there, hidden.
    waiting = panel(site, "before-start").select_one("[data-since]")
    assert waiting.has_attr("hidden") and waiting["data-since"] == "2026-11-30"


@pytest.mark.e2e
def test_the_panel_has_the_reply_the_phone_and_the_website(site):
    court = panel(site, "within-grace")
    reply, call, web = court.select(".court-actions a")
    assert text_of(reply) == "Reply about this step"
    assert reply["href"].startswith("mailto:hello@northwind.example?subject=")
    assert "Photos and opening hours" in unquote(reply["href"])
    assert (text_of(call), call["href"]) == ("Call +49 30 1234 5678", "tel:+493012345678")
    assert (text_of(web), web["href"]) == ("northwind.example", "https://northwind.example")


@pytest.mark.e2e
def test_the_panel_speaks_the_clients_language(site):
    assert lines(site, "laden")[:6] == [
        "Sie sind am Zug", "Photos and opening hours", NOTE,
        "Wartet seit Mo., 2. Nov. 2026: 15 Arbeitstage",
        "Fällig am Mi., 18. Nov. 2026: vor 3 Arbeitstagen",
        f"Noch 2 Arbeitstage, dann: {PAUSES}"]
    assert "+49 30 1234 5678 anrufen" in lines(site, "laden")


@pytest.mark.e2e
def test_without_a_phone_or_website_in_the_settings_the_panel_has_none(tmp_path):
    site = new_site(tmp_path / "site", examples=False)
    settings = site.root / "pelicanconf.py"
    text = settings.read_text("utf-8")
    settings.write_text(text.replace('"phone": "+49 30 1234 5678", "website": "https://northwind.example"',
                                     ""), "utf-8")
    (site.root / "content" / "agreements" / "plain.md").write_text("We work well.\n", "utf-8")
    site.write_client("elbkrume", CLIENT)
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    html = site.portal_file(TOKENS["within-grace"]).read_text("utf-8")
    assert 'href="tel:' not in html and 'href="https://northwind.example"' not in html
    assert [text_of(a) for a in panel(site, "within-grace").select(".court-actions a")] == [
        "Reply about this step"]


# --- in a browser at 390 px ------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}
MORNING = dt.datetime.combine(TODAY, dt.time(10))


@pytest.fixture(scope="module")
def base_url(site):
    with served(site.output) as url:
        yield url


def open_page(browser, url: str, viewport=PHONE):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.clock.install(time=MORNING)  # the build day: the script changes nothing
    page.goto(url, wait_until="networkidle")
    return context, page


def bottom(page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box["y"] + box["height"]


@pytest.mark.browser
@pytest.mark.parametrize("name", ["within-grace", "before-start"])
def test_on_a_phone_the_note_the_counts_and_the_reply_are_on_the_first_screen(browser, base_url,
                                                                              name):
    context, page = open_page(browser, f"{base_url}/p/{TOKENS[name]}/")
    try:
        court = page.locator("section.court")
        assert court.locator(".court-note").is_visible()
        counts = court.locator(".court-counts li:visible")
        assert counts.count() >= 2
        for selector in ("section.court .court-note", "section.court .court-counts",
                         "section.court .court-actions"):
            assert bottom(page, selector) <= PHONE["height"], selector
        assert court.get_by_role("link", name="Reply about this step").is_visible()
        if name == "before-start":
            assert court.locator("[data-starts]").inner_text() == "Starts Mon 30 Nov 2026"
            assert not court.locator("[data-since]").is_visible()
        width = page.evaluate("() => document.documentElement.scrollWidth")
    finally:
        context.close()
    assert width <= PHONE["width"]


@pytest.mark.browser
def test_the_examples_panel_under_two_notices_still_fits_the_first_screen(browser, examples):
    with served(examples.output) as url:
        context, page = open_page(browser, f"{url}/p/{EXAMPLE_TOKENS['acme', 'website-redesign']}/")
        try:
            assert page.locator(".notice").count() == 2
            for selector in (".court-note", ".court-counts", ".court-actions"):
                assert bottom(page, f"section.court {selector}") <= PHONE["height"], selector
        finally:
            context.close()


@pytest.mark.browser
def test_a_page_opened_after_the_start_counts_from_the_start(browser, base_url):
    # Built on Mon 23 Nov before the start on Mon 30 Nov; opened on Wed 2 Dec.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.clock.install(time=dt.datetime(2026, 12, 2, 9))
    page.goto(f"{base_url}/p/{TOKENS['before-start']}/")
    try:
        assert not page.locator("[data-starts]").is_visible()
        assert page.locator("[data-since]").inner_text() == \
            "Waiting since Mon 30 Nov 2026: 2 business days"
        assert page.locator("[data-due]").inner_text() == "Due Fri 11 Dec 2026: in 7 business days"
    finally:
        context.close()


#: Every text and every piece of the today line in an SVG, with its box on the page.
BOXES = """svg => [...svg.querySelectorAll("text, line.tl-today, line.tl-row")].map(e => {
    const r = e.getBoundingClientRect();
    return {kind: e.getAttribute("class"), text: [...e.querySelectorAll("tspan")].map(t => t.textContent).join(" ") || e.textContent,
            shortened: !!e.querySelector("title"), left: r.left, right: r.right, top: r.top, bottom: r.bottom};
})"""


def overlap(a, b) -> bool:
    return a["left"] <= b["right"] and b["left"] <= a["right"] \
        and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.browser
@pytest.mark.parametrize("viewport, layout", [(PHONE, "narrow"), ({"width": 1280, "height": 800}, "wide")])
def test_the_timeline_shows_whole_names_and_draws_nothing_through_text(browser, base_url,
                                                                       viewport, layout):
    context, page = open_page(browser, f"{base_url}/p/{TOKENS['long-names']}/", viewport)
    try:
        svg = page.locator(f"svg.timeline--{layout}")
        assert svg.is_visible()
        frame = svg.bounding_box()
        boxes = svg.evaluate(BOXES)
    finally:
        context.close()
    labels = [box for box in boxes if box["kind"].startswith("tl-label")]
    texts = [box for box in boxes if box["kind"] not in ("tl-today", "tl-row")]
    today = [box for box in boxes if box["kind"] == "tl-today"]
    assert [box["text"] for box in labels] == [
        "Fotos von Brot, Brötchen und Torten für die Startseite und alle Produktseiten",
        "Texte über die Backstube, die Zutaten und die Geschichte der Familie Krume",
        "Online-Shop mit Vorbestellung, Abholung im Laden und Lieferung im Stadtteil",
        "Abnahme"]
    assert not any(box["shortened"] for box in labels)
    for box in texts:  # whole: inside the picture, not cut at its edge
        assert frame["x"] <= box["left"] and box["right"] <= frame["x"] + frame["width"], box
    for index, box in enumerate(texts):  # no text over another
        assert not any(overlap(box, other) for other in texts[index + 1:]), box
    assert today and not any(overlap(line, box) for line in today for box in texts)
    if layout == "wide":  # beside the track, never into it
        track = min(box["left"] for box in boxes if box["kind"] == "tl-row")
        assert all(box["right"] < track for box in labels), track


@pytest.mark.browser
def test_the_example_timeline_on_a_phone_keeps_the_today_line_off_the_names(browser, examples):
    with served(examples.output) as url:
        context, page = open_page(browser, f"{url}/p/{EXAMPLE_TOKENS['acme', 'website-redesign']}/")
        try:
            boxes = page.locator("svg.timeline--narrow").evaluate(BOXES)
        finally:
            context.close()
    texts = [box for box in boxes if box["kind"] not in ("tl-today", "tl-row")]
    today = [box for box in boxes if box["kind"] == "tl-today"]
    assert len(today) > 1  # it passes between the names, not through them
    assert not any(overlap(line, box) for line in today for box in texts)


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 390, 1280])
def test_every_name_on_the_examples_timelines_lies_inside_the_picture(browser, examples, width):
    # A month whose tick falls near the axis's end is named inside the
    # picture, or not at all: the podcast's "Dec" was cut off at the edge.
    shown = {}
    with served(examples.output) as url:
        context = browser.new_context(viewport={"width": width, "height": 800})
        try:
            page = context.new_page()
            page.clock.install(time=MORNING)
            for (client, project), token in EXAMPLE_TOKENS.items():
                if page.goto(f"{url}/p/{token}/").status != 200:
                    continue  # archived: no page
                svg = page.locator("svg.timeline--narrow" if width < 700 else "svg.timeline--wide")
                shown[client, project] = (svg.bounding_box(), svg.evaluate(BOXES))
        finally:
            context.close()
    assert len(shown) == 6
    for name, (frame, boxes) in shown.items():
        for box in boxes:
            if box["kind"] not in ("tl-today", "tl-row"):
                assert frame["x"] - 0.5 <= box["left"] and \
                    box["right"] <= frame["x"] + frame["width"] + 0.5, (name, box)
