"""The portal's mail links in a real production build of a German client:
each where it applies and nowhere else, none without the studio's address,
never the portal's secret address in a mail; and in a browser, reachable by
Tab, named, and opening exactly the intended mail."""

from __future__ import annotations

import secrets
from urllib.parse import unquote, urlsplit

import pytest

from helpers import new_site, served, text_of

pytestmark = pytest.mark.e2e

TOKENS = {name: secrets.token_urlsafe(16) for name in ("client", "studio", "paused")}
SITEURL = "https://portals.example"
ENV = {"SITEURL": SITEURL, "COURTSIDE_STUDIO_TOKEN": secrets.token_urlsafe(16)}

CLIENT = f"""\
name: Bäckerei "Müller" & Söhne
timezone: Europe/Berlin
language: de
projects:
  - id: shop
    title: 'Shop "Brötchen" & <script>alert(1)</script>'
    token: {TOKENS["client"]}
    start: 2026-11-02
    agreement: {{template: short}}
    milestones:
      - {{id: texte, title: 'Texte & "Bilder"', owner: client, due: 2026-11-27}}
      - {{id: launch, title: Launch, owner: studio, due: 2026-12-11}}
    log:
      - date: 2026-11-16
        by: studio
        text: Gutscheine
        change: {{status: approved, days: 2}}
      - date: 2026-11-17
        by: client
        text: Newsletter
        change: {{status: declined, cost: "300 €"}}
      - date: 2026-11-19
        by: studio
        text: 'Kasse & "Abo" für Тест'
        change: {{status: proposed, days: 3, cost: "1.200 €"}}
  - id: studio-step
    title: Newsletter
    token: {TOKENS["studio"]}
    start: 2026-11-02
    agreement: {{template: short}}
    milestones:
      - {{id: entwurf, title: Entwurf, owner: studio, due: 2026-11-27}}
  - id: paused
    title: Pausiert
    token: {TOKENS["paused"]}
    status: paused
    start: 2026-11-02
    agreement: {{template: short}}
    milestones:
      - {{id: fotos, title: Fotos, owner: client, due: 2026-11-27}}
"""

DECISION_SUBJECT = "Änderungswunsch {}: „Kasse & \"Abo\" für Тест“, „Shop \"Brötchen\" & " \
    "<script>alert(1)</script>“"
DECISION_BODY = (
    "Hallo Northwind Studio,\r\n\r\nwir {} den Änderungswunsch „Kasse & \"Abo\" für Тест“ für "
    "„Shop \"Brötchen\" & <script>alert(1)</script>“ vom Do., 19. Nov. 2026 {}(+3 Arbeitstage, "
    "1.200 €).\r\n\r\nFür die Projektdatei, die Zeile „change“ im Eintrag vom 2026-11-19:\r\n"
    "change: {{status: {}, days: 3, cost: \"1.200 €\"}}\r\n")
#: Each link of the client's project: its accessible name, subject and body.
EXPECTED = {
    "Zu diesem Schritt antworten": (
        "Zum Schritt „Texte & \"Bilder\"“ im Projekt „Shop \"Brötchen\" & <script>alert(1)</script>“",
        "Hallo Northwind Studio,\r\n\r\nzum Schritt „Texte & \"Bilder\"“ im Projekt „Shop "
        "\"Brötchen\" & <script>alert(1)</script>“, fällig am Fr., 27. Nov. 2026:\r\n\r\n"),
    "Genehmigen „Kasse & \"Abo\" für Тест“": (
        DECISION_SUBJECT.format("genehmigt"),
        DECISION_BODY.format("genehmigen", "", "approved")),
    "Ablehnen „Kasse & \"Abo\" für Тест“": (
        DECISION_SUBJECT.format("abgelehnt"),
        DECISION_BODY.format("lehnen", "ab ", "declined")),
}


def mail(href: str) -> tuple[str, str, str]:
    split = urlsplit(href)
    assert split.scheme == "mailto"
    fields = dict(field.split("=", 1) for field in split.query.split("&"))
    return unquote(split.path), unquote(fields["subject"]), unquote(fields["body"])


def build(root, *, email: bool = True):
    site = new_site(root, examples=False)
    if not email:
        settings = site.root / "pelicanconf.py"
        text = settings.read_text(encoding="utf-8")
        settings.write_text(text.replace(', "email": "hello@northwind.example"', ""),
                            encoding="utf-8")
    (site.root / "content" / "agreements" / "short.de.md").write_text("Wir antworten rasch.\n",
                                                                  encoding="utf-8")
    site.write_client("mueller", CLIENT)
    result = site.build("publishconf.py", env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("actions") / "site")


def links(site, name):
    """The page's mail links (the panel's other actions call or visit the studio)."""
    return site.portal(TOKENS[name]).select('a.action[href^="mailto:"]')


def test_the_clients_step_and_the_proposed_change_get_their_links_in_german(site):
    found = links(site, "client")
    # The reply, then approve and decline for the one proposed change: none
    # for the approved or the declined one.
    assert [text_of(a) for a in found] == list(EXPECTED)
    assert found[0].find_parent("section")["class"][0] == "court"
    assert {a.find_parent(class_="court-decisions") is not None for a in found[1:]} == {True}
    for a, (subject, body) in zip(found, EXPECTED.values(), strict=True):
        assert mail(a["href"]) == ("hello@northwind.example", subject, body)
        # The page's secret address stays on the page.
        assert TOKENS["client"] not in a["href"] and "portals.example" not in a["href"]


def test_the_studios_step_gets_a_question_and_a_paused_project_none(site):
    found = links(site, "studio")
    assert [text_of(a) for a in found] == ["Frage zu diesem Schritt stellen"]
    assert mail(found[0]["href"])[1] == "Frage zum Schritt „Entwurf“ im Projekt „Newsletter“"
    assert links(site, "paused") == []


def test_without_the_studios_address_there_is_no_link(tmp_path):
    site = build(tmp_path / "site", email=False)
    assert all(links(site, name) == [] for name in TOKENS)
    assert "mailto:" not in site.portal_file(TOKENS["client"]).read_text(encoding="utf-8")


def test_the_html_escapes_the_href_as_usual(site):
    html = site.portal_file(TOKENS["client"]).read_text(encoding="utf-8")
    hrefs = [part.split('"', 1)[0] for part in html.split('class="action" href="')[1:]
             if part.startswith("mailto:")]
    assert len(hrefs) == 3
    # The only character an attribute escapes that a mailto: URL keeps: "&".
    assert all("&amp;body=" in href and "&" not in href.replace("&amp;", "") for href in hrefs)


@pytest.mark.browser
def test_the_links_are_reached_by_tab_named_and_open_the_intended_mail(browser, site):
    with served(site.output) as url:
        # The build's SITEURL is the production one: its stylesheet is served
        # from here, which the page's policy (its own origin) would refuse.
        context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
        page = context.new_page()
        page.route(f"{SITEURL}/**", lambda route: route.fulfill(
            path=str(site.output / route.request.url.removeprefix(f"{SITEURL}/"))))
        page.goto(f"{url}/p/{TOKENS['client']}/")
        reached = []
        for _ in range(40):
            page.keyboard.press("Tab")
            focused = page.evaluate("""() => {
                const a = document.activeElement;
                return a && a.classList.contains("action") && a.href.startsWith("mailto:")
                    ? a.getAttribute("href") : null;
            }""")
            if focused and focused not in reached:
                reached.append(focused)
        named = {}
        for name in EXPECTED:
            link = page.get_by_role("link", name=name, exact=True)
            assert link.count() == 1, name
            named[name] = link.get_attribute("href")
            box = link.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        width = page.evaluate("() => document.documentElement.scrollWidth")
        context.close()
    assert reached == list(named.values())
    for name, (subject, body) in EXPECTED.items():
        assert mail(named[name]) == ("hello@northwind.example", subject, body)
    assert width <= 360
