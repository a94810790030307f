"""The calendar as a client meets it: a plain subscribe block on the page,
with the technical details behind "More about the calendar"; reminders
(VALARMs) on the client's own open steps, as the client file asks for them;
and each step's note at the end of its event's description.

Real builds, the feeds read by icalendar and by Mozilla's ical.js; the
messages for wrong reminders are in ``test_bad_files.py`` and
``test_settings.py``."""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlsplit

import pytest

from courtside.filters import words_of
from courtside.i18n import SHIPPED, SOURCE
from helpers import AXE, new_site, text_of

pytestmark = pytest.mark.e2e

SITEURL = "https://portals.example"
STUDIO_TOKEN = secrets.token_urlsafe(16)
ENV = {"SITEURL": SITEURL, "COURTSIDE_STUDIO_TOKEN": STUDIO_TOKEN}
TOKENS = {name: secrets.token_urlsafe(16) for name in (
    "website", "menu", "flyer", "sign", "plain",
    *(f"{tag}-{kind}" for tag in SHIPPED for kind in ("reminded", "quiet")))}
DAY, HOUR = 86400, 3600

#: A note that needs escaping and folding: commas, a semicolon, quotes, a
#: backslash, two lines, umlauts, an emoji, and more than a content line holds.
PHOTOS_NOTE = ('Photos of the shop, at least 2,000 px wide; texts for "About us" '
               "(C:\\Fotos).\nBäckerei-Logo als SVG 🙂 – " + "bitte vollständig " * 12).strip()
ELBKRUME = f"""\
name: Bäckerei Elbkrume
timezone: Europe/Berlin
reminders: [1d, 2d]
projects:
  - id: website
    title: Website
    token: {TOKENS["website"]}
    agreement: {{template: plain}}
    milestones:
      - {{id: brief, title: Brief, owner: client, due: 2026-11-02, done: 2026-11-02}}
      - {{id: concepts, title: Concepts, owner: studio, due: 2026-11-20, done: 2026-11-20}}
      - id: photos
        title: Photos and texts
        owner: client
        due: 2026-12-04
        note: {json.dumps(PHOTOS_NOTE, ensure_ascii=False)}
      - id: build
        title: Build
        owner: studio
        due: 2026-12-18
        note: We build it on a staging site.
      - {{id: review, title: Review call, owner: client, due: 2027-01-08 10:00}}
  - id: menu
    title: Menu cards
    token: {TOKENS["menu"]}
    reminders: [3h]
    agreement: {{template: plain}}
    milestones:
      - {{id: texts, title: Menu texts, owner: client, due: 2026-12-01 09:00}}
  - id: flyer
    title: Flyer
    token: {TOKENS["flyer"]}
    reminders: []
    agreement: {{template: plain}}
    milestones:
      - {{id: copy, title: Flyer copy, owner: client, due: 2026-12-02}}
  - id: sign
    title: Shop sign
    token: {TOKENS["sign"]}
    status: paused
    paused_reason: Waiting for the landlord.
    agreement: {{template: plain}}
    milestones:
      - {{id: sketch, title: Sketch approval, owner: client, due: 2026-12-03}}
"""
PLAIN = f"""\
name: Harbour Café
projects:
  - id: site
    title: Site
    token: {TOKENS["plain"]}
    agreement: {{template: plain}}
    milestones:
      - {{id: texts, title: Texts, owner: client, due: 2026-12-04, note: "Menu, prices; hours."}}
      - {{id: build, title: Build, owner: studio, due: 2026-12-18}}
"""


def polyglot(tag: str) -> str:
    """A client in ``tag``'s language with reminders, and a project of it without."""
    return f"""\
name: Client {tag}
language: {tag}
timezone: Europe/Berlin
reminders: [2d, 1d]
projects:
""" + "".join(f"""\
  - id: {kind}
    title: Project {kind}
    token: {TOKENS[f"{tag}-{kind}"]}
    {"reminders: []" if kind == "quiet" else ""}
    agreement: {{template: plain}}
    milestones:
      - {{id: texts, title: Texte, owner: client, due: 2026-12-04}}
""" for kind in ("reminded", "quiet"))


def agreements(site) -> None:
    """The one agreement, in every language (a missing one is a warning,
    which a production build refuses)."""
    for tag in SHIPPED:
        name = "plain.md" if tag == SOURCE else f"plain.{tag}.md"
        (site.root / "content" / "agreements" / name).write_text("We work well.\n", "utf-8")


def make_site(root):
    site = new_site(root, examples=False)
    agreements(site)
    site.write_client("elbkrume", ELBKRUME)
    site.write_client("harbour", PLAIN)
    for tag in SHIPPED:
        site.write_client(f"client-{tag}", polyglot(tag))
    return site


def build(site):
    result = site.build("publishconf.py", env=ENV)  # Mon 23 Nov 2026
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(make_site(tmp_path_factory.mktemp("reminders") / "site"))


def feed(site, name: str):
    return site.output / "p" / TOKENS[name] / "calendar.ics"


def read(site, *names: str) -> dict[str, list[dict]]:
    """The feeds of ``names`` as icalendar and ical.js read them."""
    from feed_parsers import read_with_all

    return read_with_all([feed(site, name) for name in names], parsers=["icalendar", "ical.js"])


def step(uid: str) -> str:
    return uid.split(".")[2].split("@")[0]


def triggers(calendar: dict) -> dict[str, list[int]]:
    """Each reminded step's alarms, as seconds from its start."""
    found: dict[str, list[int]] = {}
    for alarm in calendar["alarms"]:
        assert alarm["action"] == "DISPLAY" and alarm["related"] in (None, "START"), alarm
        found.setdefault(step(alarm["uid"]), []).append(alarm["trigger"])
    return found


def test_reminders_ring_before_the_clients_own_open_steps_only(built):
    for parser, (website, menu, flyer, sign) in read(built, "website", "menu", "flyer",
                                                     "sign").items():
        # Written [1d, 2d]: both, the longer first; none on the studio's steps
        # (concepts, build) nor on the client's finished brief.
        assert triggers(website) == {"photos": [-2 * DAY, -DAY], "review": [-2 * DAY, -DAY]}, parser
        # The project's own reminders win over the client's; [] means none.
        assert triggers(menu) == {"texts": [-3 * HOUR]}, parser
        assert flyer["alarms"] == [], parser
        # A paused project's dates wait: nothing reminds of them.
        assert sign["alarms"] == [], parser
        descriptions = {step(a["uid"]): a["description"] for a in website["alarms"]}
        assert descriptions == {
            "photos": "Your step “Photos and texts” of “Website” is due Fri 4 Dec 2026.",
            "review": "Your step “Review call” of “Website” is due Fri 8 Jan 2027, 10:00 "
                      "(Europe/Berlin)."}, parser
        starts = {step(e["uid"]): e["start"] for e in website["events"]}
        assert starts["photos"] == "2026-12-04" and starts["review"] == "2027-01-08T09:00:00Z"


def test_the_note_ends_the_description_escaped_and_folded(built):
    data = feed(built, "website").read_bytes()
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    for parser, [website] in read(built, "website").items():
        events = {step(e["uid"]): e for e in website["events"]}
        photos = events["photos"]["description"]
        assert photos.endswith(f"Portal: {SITEURL}/p/{TOKENS['website']}/\n\n{PHOTOS_NOTE}"), \
            (parser, photos)
        assert photos.startswith("Project: Website\nOwner: Bäckerei Elbkrume\nDue: Fri 4 Dec 2026")
        assert events["build"]["description"].endswith("\n\nWe build it on a staging site.")
        # A step without a note ends as before, with the portal's link.
        assert events["review"]["description"].endswith(f"/p/{TOKENS['website']}/"), parser


def test_the_studios_feeds_carry_the_steps_but_not_the_clients_reminders(built):
    from feed_parsers import read_with_all

    studio = built.output / "studio" / STUDIO_TOKEN
    for parser, calendars in read_with_all([studio / "calendar.ics", studio / "studio-steps.ics"],
                                           parsers=["icalendar", "ical.js"]).items():
        every, ours = calendars
        uids = {e["uid"] for e in every["events"]}
        assert "elbkrume.website.photos@courtside" in uids, parser
        assert every["alarms"] == [] and ours["alarms"] == [], parser


def test_a_client_without_reminders_gets_the_feed_it_got_before(built, tmp_path):
    for parser, [harbour] in read(built, "plain").items():
        assert harbour["alarms"] == [], parser
    # "reminders: []" and no reminders at all write the very same feed.
    again = make_site(tmp_path / "site")
    again.write_client("harbour", PLAIN.replace("projects:", "reminders: []\nprojects:"))
    assert feed(build(again), "plain").read_bytes() == feed(built, "plain").read_bytes()
    assert b"VALARM" not in feed(built, "plain").read_bytes()


#: How long before a step each language says the reminders ring ([2d, 1d]).
LEADS = {"en": "2 days and 1 day", "de": "2 Tage und 1 Tag", "ru": "2 дня и 1 день",
         "fr": "2\u00a0jours et 1\u00a0jour", "es": "2 días y 1 día"}


def test_an_alarm_speaks_the_clients_language(built):
    expected = {
        "en": "Your step “Texte” of “Project reminded” is due Fri 4 Dec 2026.",
        "de": "Ihr Schritt „Texte“ im Projekt „Project reminded“ ist am Fr., 4. Dez. 2026 fällig.",
    }
    for parser, calendars in read(built, "en-reminded", "de-reminded").items():
        for tag, calendar in zip(("en", "de"), calendars, strict=True):
            assert [a["description"] for a in calendar["alarms"]] == [expected[tag]] * 2, parser


@pytest.mark.parametrize("tag", SHIPPED)
def test_the_subscribe_block_says_it_plainly_and_keeps_the_details_for_later(built, tag):
    _ = words_of(tag).language.gettext
    for kind in ("reminded", "quiet"):
        block = built.portal(TOKENS[f"{tag}-{kind}"]).select_one("section.subscribe")
        lead = block.select_one("p.subscribe-lead").get_text()
        if kind == "reminded":
            assert LEADS[tag] in lead
            assert lead == _("Add these dates to your calendar: it updates itself when we change "
                             "a date, and reminds you %(leads)s before each of your steps is "
                             "due.") % {"leads": LEADS[tag]}
        else:
            assert lead == _("Add these dates to your calendar: it updates itself when we "
                             "change a date.")
        if tag != SOURCE:
            assert "Add these dates" not in lead and "More about" not in text_of(block)
        # One tap: the apps' buttons come before the details, outside them.
        buttons = block.select(".subscribe-links a")
        assert [a["href"].split(":", 1)[0] for a in buttons] == ["webcal", "https", "https", "https"]
        assert all(a.find_parent("details") is None for a in buttons)
        details = block.find("details")
        assert details is not None and not details.has_attr("open")
        assert text_of(details.find("summary")) == _("More about the calendar")
        # What is technical waits behind it: the address, refresh times, UTC.
        assert details.select_one("a.feed-url")["href"] == \
            f"{SITEURL}/p/{TOKENS[f'{tag}-{kind}']}/calendar.ics"
        meta = " ".join(p.get_text() for p in details.select("p.meta"))
        assert "UTC" in meta and "8" in meta and "24" in meta
        assert all(p.find_parent("details") is details for p in block.select("p.meta"))
        caveat = _("Not every calendar app keeps the reminders of a calendar it subscribes to; "
                   "if yours does not, it shows the dates without them.")
        assert (caveat in meta) == (kind == "reminded")


@pytest.fixture(scope="module")
def studio_default(tmp_path_factory):
    site = new_site(tmp_path_factory.mktemp("studio-default") / "site", examples=False)
    agreements(site)
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8") + '\nCOURTSIDE["reminders"] = ["1w"]\n', "utf-8")
    site.write_client("harbour", PLAIN)
    site.write_client("elbkrume", ELBKRUME)
    return build(site)


def test_the_studios_default_reminds_clients_who_name_none(studio_default):
    for parser, (harbour, website, flyer) in read(studio_default, "plain", "website",
                                                  "flyer").items():
        assert triggers(harbour) == {"texts": [-7 * DAY]}, parser
        # A client's or a project's own reminders win, [] included.
        assert triggers(website) == {"photos": [-2 * DAY, -DAY], "review": [-2 * DAY, -DAY]}
        assert flyer["alarms"] == [], parser


def from_output(site, context) -> None:
    """The production build names its SITEURL: the browser gets it from the output folder."""
    context.route(f"{SITEURL}/**", lambda route: route.fulfill(path=str(
        site.output / urlsplit(route.request.url).path.lstrip("/")
        / ("index.html" if route.request.url.endswith("/") else ""))))


@pytest.mark.browser
def test_the_details_open_without_javascript_on_a_phone(built, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    from_output(built, context)
    page = context.new_page()
    page.goto(f"{SITEURL}/p/{TOKENS['en-reminded']}/")
    block = page.locator("section.subscribe")
    block.scroll_into_view_if_needed()
    buttons = block.locator(".subscribe-links a")
    assert buttons.count() == 4
    for index in range(4):  # each a button to tap, on the screen
        box = buttons.nth(index).bounding_box()
        assert box is not None and box["height"] >= 44 and 0 <= box["x"] <= box["x"] + box["width"] <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    technical = block.locator("p.meta").first
    assert not technical.is_visible()
    block.locator("summary").click()
    assert technical.is_visible() and "UTC" in technical.inner_text()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_wrong_with_the_buttons_and_the_details(built, browser, scheme):
    context = browser.new_context(bypass_csp=True, color_scheme=scheme,
                                  viewport={"width": 390, "height": 844})
    from_output(built, context)
    page = context.new_page()
    page.goto(f"{SITEURL}/p/{TOKENS['de-reminded']}/")
    page.locator("section.subscribe summary").click()  # open: its text is checked too
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const r = await axe.run(document.querySelector("section.subscribe"),
                                {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(" "))}));
    }""")
    context.close()
    assert violations == []
