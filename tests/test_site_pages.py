"""The site's own pages, and the studio in one place: the front page and the
404 page in the studio's language, the studio's name, contacts, colour and
logo on every page from the settings alone, and a site that builds with no
clients at all (the repository is a template)."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from helpers import EXAMPLE_TOKENS, STUDIO_TOKEN, Site, text_of

PORTAL = EXAMPLE_TOKENS["acme", "website-redesign"]


def page(site: Site, path: str) -> BeautifulSoup:
    return BeautifulSoup((site.output / path).read_text("utf-8"), "html.parser")


def own_page(site: Site, name: str, text: str) -> None:
    """A page of the studio's own in content/pages, built by Pelican."""
    (site.root / "content" / "pages").mkdir(exist_ok=True)
    (site.root / "content" / "pages" / name).write_text(text, "utf-8")


def edit_settings(site: Site, old: str, new: str) -> None:
    conf = site.root / "pelicanconf.py"
    text = conf.read_text("utf-8")
    assert old in text
    conf.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.e2e
def test_every_page_names_the_studio_with_its_contacts_and_colour(site):
    own_page(site, "imprint.md", "Title: Imprint\n\nNorthwind Studio GmbH, Berlin.\n")
    result = site.build()
    assert result.returncode == 0, result.stderr
    pages = {"front": "index.html", "404": "404.html", "imprint": "pages/imprint.html",
             "dashboard": f"studio/{STUDIO_TOKEN}/index.html", "portal": f"p/{PORTAL}/index.html"}
    for name, path in pages.items():
        shown = page(site, path)
        contacts = shown.select_one(".site-footer .contacts")
        assert text_of(contacts).startswith("Northwind Studio · hello@northwind.example · "
                                            "+49 30 1234 5678 · northwind.example"), name
        assert contacts.find("a", href="tel:+493012345678"), name
        assert contacts.find("a", href="https://northwind.example"), name
        assert contacts.find("a", href="mailto:hello@northwind.example"), name
        assert ":root{--brand:#2f5d8a}" in shown.style.get_text(), name
        assert shown.select_one("img.logo")["alt"] == "Northwind Studio", name
    titles = {name: page(site, path).title.get_text() for name, path in pages.items()}
    assert titles["front"] == "Client portals · Northwind Studio"  # the studio named once
    assert titles["404"] == "Page not found · Northwind Studio"
    assert titles["imprint"] == "Imprint · Northwind Studio"
    front = page(site, "index.html")
    assert front.h1.get_text() == "Client portals"
    assert "the clients of Northwind Studio" in text_of(front.main)
    # The 404 page is shown at any depth (p/<an old token>/): its links start at the root.
    assert page(site, "404.html").find("link", rel="stylesheet")["href"] == "/theme/css/courtside.css"
    assert front.find("link", rel="stylesheet")["href"] == "./theme/css/courtside.css"
    assert PORTAL not in (site.output / "index.html").read_text("utf-8")


@pytest.mark.e2e
def test_the_front_page_speaks_the_studios_language_and_shows_a_dark_logo_in_dark_mode(site):
    edit_settings(site, '"studio": {', '"studio": {"language": "de", ')
    result = site.build()
    assert result.returncode == 0, result.stderr
    front = page(site, "index.html")
    assert (front.html["lang"], front.title.get_text(), front.h1.get_text()) == (
        "de", "Kundenportale · Northwind Studio", "Kundenportale")
    assert page(site, "404.html").h1.get_text() == "Seite nicht gefunden"
    # The page a client meets who shortens a portal's link (and the studio's
    # folder's) is in that language too, and still names no portal.
    for path in ("p/index.html", "studio/index.html"):
        shown = page(site, path)
        assert (shown.html["lang"], shown.title.get_text(), shown.h1.get_text(),
                shown.select_one("a.skip").get_text()) == (
            "de", "Private Seiten · Northwind Studio", "Private Seiten", "Zum Inhalt springen"), path
        assert PORTAL not in str(shown), path
    for path in ("index.html", f"p/{PORTAL}/index.html"):
        picture = page(site, path).select_one(".site-header picture")
        source = picture.find("source")
        assert source["media"] == "(prefers-color-scheme: dark)"
        assert source["srcset"].endswith("images/northwind-dark.svg")
        assert picture.find("img", class_="logo")["src"].endswith("images/northwind.svg")
    assert (site.output / "images" / "northwind-dark.svg").is_file()
    edit_settings(site, '"dark_src": "images/northwind-dark.svg",', "")
    assert site.build().returncode == 0
    assert page(site, "index.html").select_one(".site-header picture") is None
    assert page(site, "index.html").select_one(".site-header > img.logo")["src"] == "./images/northwind.svg"


@pytest.mark.e2e
def test_a_front_page_of_the_studios_own_takes_the_place_of_courtsides(site):
    own_page(site, "home.md", "Title: Welcome\nSave_as: index.html\nURL:\n\nOur own words.\n")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "Our own words." in text_of(page(site, "index.html").main)
    assert page(site, "404.html").h1.get_text() == "Page not found"


@pytest.mark.e2e
@pytest.mark.parametrize("clients", ["missing", "empty"])
def test_a_site_without_clients_builds_its_front_page(empty_site, clients):
    if clients == "missing":
        empty_site.clients.rmdir()
    result = empty_site.build()
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr
    assert ("Courtside: no clients folder (clients/) yet, so no portals; `courtside new` creates "
            "it with a client's file" in said) == (clients == "missing")
    # The closing line says so as `courtside status` does, not "0 portals for 0 clients; 0 …".
    assert "Courtside: No portal is published." in said and "0 portals" not in said
    assert "Traceback" not in said
    assert page(empty_site, "index.html").h1.get_text() == "Client portals"
    assert (empty_site.output / "404.html").is_file()
    assert not (empty_site.output / "p").exists()
    production = empty_site.build("publishconf.py", env={"SITEURL": "https://portals.example"})
    assert production.returncode == 0, production.stderr
    assert (empty_site.output / "index.html").is_file()


def test_the_commands_take_a_missing_clients_folder_for_no_clients(empty_site, courtside):
    empty_site.clients.rmdir()
    # Exit 0, a new site is right, but not silently: a mistyped clients_path checks nothing.
    checked = courtside(empty_site, "check")
    assert (checked.returncode, checked.stdout) == (0, (
        "courtside: no clients folder (clients/) yet, so no portals; `courtside new` creates it "
        "with a client's file\ncourtside: 0 client files checked: no problems\n"))
    empty_site.clients.mkdir()
    assert courtside(empty_site, "check").stdout == "courtside: 0 client files checked: no problems\n"
    empty_site.clients.rmdir()
    assert [row["studio"] for row in json.loads(courtside(empty_site, "links", "--json").stdout)] \
        == [True]  # the dashboard alone
    made = courtside(empty_site, "new", "acme", "--name", "Acme")
    assert made.returncode == 0, made.stderr
    assert (empty_site.clients / "acme.yaml").is_file()


def test_a_clients_folder_that_is_a_file_is_a_problem(empty_site, courtside):
    empty_site.clients.rmdir()
    empty_site.clients.write_text("")
    result = courtside(empty_site, "check")
    assert result.returncode == 1
    assert "clients: the clients folder is a file; client files go into a folder of that name" \
        in result.stdout


def test_a_hand_written_accent_too_light_is_refused_with_the_nearest_that_passes(site, courtside):
    edit_settings(site, '"accent": "#2f5d8a"', '"accent": "#7fb3e8"')
    result = courtside(site, "check")
    assert result.returncode == 1
    assert ("settings: COURTSIDE.accent: #7fb3e8 is too light to see against the page (contrast "
            "2.1:1, at least 3:1 needed); the nearest colour that is dark enough is #4d95df (the "
            "same hue, darker)") in result.stdout


@pytest.mark.parametrize("colour", ["#f5c242", "#eeeeee", "#ffffff", "#00ff00", "#7fb3e8",
                                    "#ffb3c6", "#c0ffee", "#2f5d8a", "#000000"])
def test_the_nearest_passing_accent_keeps_the_hue_and_is_the_lightest_that_passes(colour):
    import colorsys

    from courtside.settings import ACCENT_CONTRAST, LIGHT_BACKGROUND, contrast, passing_accent

    def hls(text: str) -> tuple[float, float, float]:
        return colorsys.rgb_to_hls(*(int(text[i:i + 2], 16) / 255 for i in (1, 3, 5)))

    found = passing_accent(colour)
    assert contrast(found, LIGHT_BACKGROUND) >= ACCENT_CONTRAST
    if contrast(colour, LIGHT_BACKGROUND) >= ACCENT_CONTRAST:
        assert found == colour
        return
    (hue, lightness, saturation), (old_hue, old_lightness, old_saturation) = hls(found), hls(colour)
    assert lightness < old_lightness  # darker...
    if old_saturation > 0.05:  # ...of the same colour (a grey has no hue to keep)...
        assert abs(hue - old_hue) < 0.02 and abs(saturation - old_saturation) < 0.05
    assert contrast(found, LIGHT_BACKGROUND) < ACCENT_CONTRAST + 0.05  # ...and no darker than needed
