"""Right-to-left client text inside a sentence: an Arabic client, a Hebrew
project and Arabic steps, in a Russian and an English portal with a history
(a term changed after signing, a due date moved). Every sentence that names
them holds each name between FIRST STRONG ISOLATE and POP DIRECTIONAL
ISOLATE, on the page, in the calendar feeds, the updates feed, the studio's
dashboard and its commands, so the numbers and punctuation around a name
keep their places; a site without right-to-left text is built to the byte
as before."""

from __future__ import annotations

import sys

import feedparser
import icalendar
import pytest
from bs4 import BeautifulSoup
from test_history_builds import acme, git

from helpers import new_site, served, tree

pytestmark = pytest.mark.e2e

FSI, PDI = "\u2068", "\u2069"
NAME, TITLE = "شركة النور", "אתר חדש"  # the client (a party of every step) and its project
DONE, STEP, NEXT = "البداية", "المحتوى", "مراجعة"  # a step done, the current one, the next
TOKENS = {"ru": "BidiRussianPortal012345", "en": "BidiEnglishPortal012345"}
STUDIO_TOKEN = "Sx3kQ9vTnW2yLp7RbM4cHd"  # the example settings' dashboard


def isolated(text: str) -> str:
    return FSI + text + PDI


def client(language: str, *, due: str, grace: int) -> str:
    """The history tests' client (``test_history_builds.acme``), with
    right-to-left names, a step done before the current one and a step of
    the client's after it."""
    return acme(token=TOKENS[language], due=due, grace=grace, title=STEP, launch=False).replace(
        "name: Acme Corp\n",
        f"name: {NAME}\nlanguage: {language}\ncontact: {{name: {NAME}, email: nour@example.com}}\n",
    ).replace("title: Website", f"title: {TITLE}").replace("    milestones:\n", f"""\
    milestones:
      - {{id: kickoff, title: {DONE}, owner: studio, due: 2026-10-09, done: 2026-10-09}}
""").replace(
        "      - {id: build,", f"      - {{id: review, title: {NEXT}, owner: client, due: 2026-12-04}}\n"
                               "      - {id: build,")


def committed(root):
    """Both clients committed twice: the grace period and the current step's
    due date changed after signing."""
    site = new_site(root, examples=False)
    git(site, "init", "-q", "-b", "main")
    for day, due, grace in (("2026-10-01", "2026-11-06", 10), ("2026-11-02", "2026-11-13", 5)):
        for language in TOKENS:
            site.write_client(f"nour-{language}", client(language, due=due, grace=grace))
        git(site, "add", "-A")
        git(site, "commit", "-q", "-m", f"terms of {day}", day=day)
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = committed(tmp_path_factory.mktemp("bidi") / "site")
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def page_text(node) -> str:
    return " ".join(node.get_text().split())


#: The sentences each language says them in (the catalogs' words).
CHANGED = {"ru": f"льготный срок для стороны {isolated(NAME)}: 10 рабочих дней → 5 рабочих дней",
           "en": f"grace period for {isolated(NAME)}: 10 business days → 5 business days"}
MOVED = {"ru": f"«{isolated(STEP)}»", "en": f"“{isolated(STEP)}”"}
TIMELINE = {"ru": f"Временная шкала проекта «{isolated(TITLE)}»", "en": f"Timeline of {isolated(TITLE)}"}
CAPTION = {"ru": f"Этапы проекта «{isolated(TITLE)}» по порядку",
           "en": f"Milestones of {isolated(TITLE)}, in order"}


@pytest.mark.parametrize("language", TOKENS)
def test_the_page_isolates_every_right_to_left_name_in_its_sentences(built, language):
    page = built.portal(TOKENS[language])
    [changed] = page.select("section.agreement .changed-terms")
    assert CHANGED[language] in page_text(changed)
    trail = [page_text(li) for li in page.select("ol.trail li.trail--recorded")]
    assert any(CHANGED[language] in entry for entry in trail)
    assert any(MOVED[language] in entry for entry in trail)  # the step's moved due date
    assert {page_text(title) for title in page.select("svg.timeline title")} == {TIMELINE[language]}
    assert page_text(page.select_one("table.schedule caption")) == CAPTION[language]
    assert page.title.string == f"{isolated(TITLE)} · {isolated(NAME)}"
    # Whose calendar the business days are counted on: "<name>: Monday to Friday."
    assert f" {isolated(NAME)}: " in page_text(page.select_one("p.working-days"))
    # A name on its own (a heading, a table cell) is shown as written.
    assert page_text(page.select_one("p.eyebrow")) == NAME
    assert page_text(page.h1) == TITLE


@pytest.mark.parametrize("language", TOKENS)
def test_the_calendar_feed_isolates_them_in_its_texts(built, language):
    raw = (built.output / "p" / TOKENS[language] / "calendar.ics").read_bytes()
    for line in raw.split(b"\r\n"):  # folded between characters: each piece is UTF-8
        line.decode("utf-8")
    feed = icalendar.Calendar.from_ical(raw)
    assert isolated(TITLE) in str(feed["X-WR-CALDESC"])
    events = {str(event["UID"]).split(".")[2].split("@")[0]: event for event in feed.walk("VEVENT")}
    content = events["content"]
    assert str(content["SUMMARY"]) == f"{isolated(NAME)}: {isolated(STEP)}"
    description = str(content["DESCRIPTION"])
    assert isolated(TITLE) in description and isolated(NAME) in description
    assert str(events["kickoff"]["SUMMARY"]) == f"✓ Northwind Studio: {isolated(DONE)}"


@pytest.mark.parametrize("language", TOKENS)
def test_the_updates_feed_isolates_them_in_its_titles(built, language):
    feed = feedparser.parse((built.output / "p" / TOKENS[language] / "updates.atom").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    updates = {"ru": "Обновления", "en": "Updates"}[language]
    assert feed.feed.title == f"{updates}: {isolated(f'{NAME} · {TITLE}')}"
    titles = [entry.title for entry in feed.entries]
    done = {"ru": "Выполнено", "en": "Done"}[language]
    assert f"{done}: {isolated(DONE)}" in titles
    assert any(CHANGED[language] in title for title in titles)


def test_the_dashboard_and_the_studios_feed_isolate_them(built):
    folder = built.output / "studio" / STUDIO_TOKEN
    page = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    notes = [page_text(note) for note in page.select("td .note")]
    # The next step's party and date: "شركة النور, Fri 4 Dec 2026".
    assert f"{isolated(NAME)}, Fri 4 Dec 2026" in notes
    [studio_feed] = [path for path in folder.glob("*.ics") if b"all projects" in path.read_bytes()]
    feed = icalendar.Calendar.from_ical(studio_feed.read_bytes())
    summaries = {str(event["SUMMARY"]) for event in feed.walk("VEVENT")}
    assert f"{isolated(NAME)} · {isolated(NAME)}: {isolated(STEP)}" in summaries


def test_the_commands_keep_the_isolates_and_still_show_a_stray_one_as_replaced(built, courtside):
    site = built
    draft = client("en", due="2026-11-13", grace=5).replace("status: active", "status: draft")
    path = site.write_client("nour-en", draft)
    try:
        status = courtside(site, "status", "--client", "nour-en")
        assert status.returncode == 0, status.stderr
        assert f"{isolated(TITLE)} (draft)" in status.stdout
        # The current and the next step with their dates: "<step> (13 Nov)".
        assert f"{isolated(STEP)} (13 Nov)" in status.stdout
        assert f"{isolated(NEXT)} (4 Dec)" in status.stdout
        invite = courtside(site, "invite", "nour-ru", "web", env={"SITEURL": "https://portals.example"})
        assert invite.returncode == 0, invite.stderr
        assert f"To: {isolated(NAME)} <nour@example.com>" in invite.stdout
        # A bidirectional control of the client's own, unclosed, is shown, not obeyed.
        site.write_client("nour-en", draft.replace(f"title: {TITLE}", f"title: {TITLE}\u2067 x"))
        status = courtside(site, "status", "--client", "nour-en")
        assert "\u2067" not in status.stdout and "\ufffd" in status.stdout
    finally:
        path.write_text(client("en", due="2026-11-13", grace=5), encoding="utf-8")


#: A Python start-up file that takes every character for left-to-right:
#: with it, nothing is ever isolated, as before isolating existed.
NO_RIGHT_TO_LEFT = "import unicodedata\nunicodedata.bidirectional = lambda character: 'L'\n"


def build_without_isolates(site, tmp_path, output: str):
    (tmp_path / "startup").mkdir(exist_ok=True)
    (tmp_path / "startup" / "sitecustomize.py").write_text(NO_RIGHT_TO_LEFT)
    result = site.run(sys.executable, "-m", "pelican", "-s", "pelicanconf.py", "-o", output,
                      env={"PYTHONPATH": str(tmp_path / "startup")})
    assert result.returncode == 0, result.stdout + result.stderr
    return tree(site.root / output)


def test_a_site_without_right_to_left_text_is_built_to_the_byte_as_before(examples, built, tmp_path):
    """The example site (English, German, Russian, French, Spanish: no
    right-to-left letter) gives the same bytes as a build that never
    isolates; the right-to-left site does not, so the comparison can fail."""
    assert build_without_isolates(examples, tmp_path, "output-before") == tree(examples.output)
    assert build_without_isolates(built, tmp_path, "output-before") != tree(built.output)


@pytest.mark.browser
def test_the_number_after_a_right_to_left_name_stays_after_it_in_chromium(browser, built):
    """In "… для стороны شركة النور: 10 рабочих дней …" the 10 is shown to the
    right of the name, the name to the right of "стороны"; without the
    isolates (the defect) the 10 jumps to the left of the name."""
    measure = """([name, strip]) => {
        const line = document.querySelector("section.agreement .changed-terms strong");
        line.style.whiteSpace = "nowrap";  // one line: left and right mean before and after
        const node = line.firstChild;
        if (strip) node.data = node.data.replace(/[\\u2068\\u2069]/g, "");
        const box = (start, text) => {
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + text.length);
            const rect = range.getBoundingClientRect();
            return [rect.left, rect.right];
        };
        const at = node.data.indexOf(name);
        return {word: box(node.data.lastIndexOf("стороны", at), "стороны"), name: box(at, name),
                ten: box(node.data.indexOf("10", at), "10")};
    }"""
    with served(built.output) as url:
        context = browser.new_context(viewport={"width": 1600, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/p/{TOKENS['ru']}/")
        shown = page.evaluate(measure, [NAME, False])
        assert shown["word"][1] <= shown["name"][0] + 1 <= shown["ten"][0] + 2, shown
        page.reload()
        scrambled = page.evaluate(measure, [NAME, True])
        assert scrambled["ten"][1] <= scrambled["name"][0] + 1, scrambled
        context.close()


def test_isolates_leave_every_piece_of_a_folded_line_whole():
    """The feeds fold long lines between characters: an isolate (three octets)
    is never cut, wherever the fold falls."""
    from courtside.calendar import folded

    for padding in range(80):
        line = "DESCRIPTION:" + "x" * padding + f"Project: {isolated(TITLE)}, {isolated(NAME)}" * 2
        pieces = folded(line).split(b"\r\n ")
        assert "".join(piece.decode("utf-8") for piece in pieces) == line
        assert all(len(piece) <= 75 for piece in pieces)


def test_a_clients_own_bidirectional_controls_stay_inside_the_isolate(tmp_path):
    """A name with a stray POP DIRECTIONAL ISOLATE of its own (pasted from
    somewhere) would end its isolate early and put the rest of it into the
    sentence; a Latin consequence with an unclosed RIGHT-TO-LEFT OVERRIDE
    would turn the sentence after it around. Each is isolated, balanced."""
    site = new_site(tmp_path / "site", examples=False)
    site.write_client("nour", client("en", due="2026-11-13", grace=5).replace(
        f"name: {NAME}\n", f'name: "{NAME}\\u2069 Ltd"\n', 1).replace(
        "client: The project pauses.", 'client: "Pause \\u202Efor 10 days"'))
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    page = site.portal(TOKENS["en"])
    late = [page_text(li) for li in page.select("section li") if "is 6 business days late" in li.get_text()]
    assert late and all(f"({isolated(NAME + ' Ltd')}) is 6" in text for text in late), late
    grace = page_text(page.select_one("li.court-grace"))
    assert grace.endswith(f"As agreed: {isolated(chr(0x202E).join(['Pause ', 'for 10 days']))}"), grace


def test_a_right_to_left_term_changed_after_signing_reads_old_then_new(tmp_path):
    """A consequence in Arabic changed after signing: "old → new" between
    two right-to-left texts would be one right-to-left run, shown as
    "new → old", unless each value is isolated."""
    old, new = "يتوقف المشروع", "يتوقف المشروع 10 أيام"
    site = new_site(tmp_path / "site", examples=False)
    git(site, "init", "-q", "-b", "main")
    for day, consequence in (("2026-10-01", old), ("2026-11-02", new)):
        site.write_client("nour", client("en", due="2026-11-13", grace=5).replace(
            "client: The project pauses.", f"client: {consequence}"))
        git(site, "add", "-A")
        git(site, "commit", "-q", "-m", f"terms of {day}", day=day)
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    page = site.portal(TOKENS["en"])
    [changed] = page.select("section.agreement .changed-terms")
    assert (f"consequences for {isolated(NAME)}: {isolated(old)} → {isolated(new)}"
            in page_text(changed)), page_text(changed)


@pytest.mark.parametrize("language", TOKENS)
def test_the_agreement_isolates_the_names_its_template_puts_in_its_sentences(built, language):
    """The agreement's own text is the studio's template: every value it
    writes into a sentence ("… and {{ client.name }} work together on
    {{ project.title }}.") is isolated there too, as the theme's sentences are."""
    page = BeautifulSoup(built.portal_file(TOKENS[language]).read_text("utf-8"), "html.parser")
    first = page.select_one("section.agreement p:not([class])").get_text()
    assert isolated(NAME) in first and isolated(TITLE) in first, first
    assert FSI + FSI not in str(page)
