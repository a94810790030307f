"""A portal's link is its only lock: nothing in the built site reveals it,
and a rotated or archived link stops working with the next build. Real
builds (``e2e``), but for the token checks, which run in-process as
``courtside check`` with the production settings. (The commands that edit
client files: ``test_edit.py``.)"""

from __future__ import annotations

import json
import re
import sys

import pytest

from helpers import EXAMPLE_TOKENS, STUDIO_TOKEN, assert_no_leaks

PUBLISHED = {key: token for key, token in EXAMPLE_TOKENS.items() if key[1] != "brand-refresh"}


@pytest.fixture(scope="module")
def with_sitemap(tmp_path_factory):
    """The examples built with Pelican's sitemap plugin switched on, as a
    studio might, a production SITEURL and the dashboard's secret (which
    production takes from the environment only)."""
    from helpers import new_site

    site = new_site(tmp_path_factory.mktemp("sitemap") / "site")
    (site.root / "content" / "pages").mkdir()  # a public page of the studio's own
    (site.root / "content" / "pages" / "about.md").write_text("Title: About us\n\nWho we are.\n")
    result = site.run(sys.executable, "-m", "pelican", "-s", "publishconf.py",
                      "-e", 'PLUGINS=["courtside", "sitemap"]', 'SITEMAP={"format": "xml"}',
                      env={"SITEURL": "https://portals.example", "COURTSIDE_STUDIO_TOKEN": STUDIO_TOKEN})
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.mark.e2e
def test_no_file_outside_a_portals_own_folder_names_its_token(with_sitemap):
    files = with_sitemap.files()
    names = {p.relative_to(with_sitemap.output).as_posix() for p in files}
    assert {"sitemap.xml", "robots.txt", "404.html", "index.html", "_headers"} <= names
    assert_no_leaks(with_sitemap.output)
    for path in files:
        relative = path.relative_to(with_sitemap.output).as_posix()
        if not relative.startswith(("p/", "studio/")):
            assert b"/p/" not in path.read_bytes() or relative in ("robots.txt", "_headers"), relative


@pytest.mark.e2e
def test_the_sitemap_lists_only_public_pages(with_sitemap):
    sitemap = (with_sitemap.output / "sitemap.xml").read_text("utf-8")
    locations = re.findall(r"<loc>(.*?)</loc>", sitemap)
    assert "https://portals.example/pages/about-us.html" in locations
    assert all("/p/" not in loc and "/studio/" not in loc for loc in locations)


@pytest.mark.e2e
def test_every_folder_on_the_way_to_a_portal_has_an_index_that_reveals_nothing(with_sitemap):
    for folder in [*(with_sitemap.output / "p" / t for t in PUBLISHED.values()),
                   with_sitemap.output / "studio" / STUDIO_TOKEN]:
        while folder != with_sitemap.output:
            assert (folder / "index.html").is_file(), folder
            folder = folder.parent
    for placeholder in ("p/index.html", "studio/index.html"):
        text = (with_sitemap.output / placeholder).read_text("utf-8")
        assert 'content="noindex, nofollow"' in text
        assert not re.search(r'href="[^"]*(p|studio)/', text)


@pytest.mark.e2e
@pytest.mark.parametrize("key", sorted(PUBLISHED))
def test_every_portal_page_keeps_its_address_to_itself(with_sitemap, key):
    page = with_sitemap.portal(PUBLISHED[key])
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    assert page.find("meta", attrs={"name": "referrer"})["content"] == "no-referrer"
    csp = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in csp and "style-src 'self'" in csp
    for tag in page.find_all(src=True):  # nothing at all is loaded from another origin
        assert tag["src"].startswith("https://portals.example/"), tag
    for tag in page.find_all("link", href=True):
        assert tag["href"].startswith("https://portals.example/"), tag
    # The only links that leave the site are the calendar apps' own subscribe
    # pages and the studio's own website (from its settings), which the client
    # follows on purpose; no referrer goes with them.
    for link in page.find_all("a", href=True):
        href = link["href"]
        if href.startswith(("https://portals.example/", "webcal://portals.example/", "mailto:",
                            "tel:+493012345678", "#")):
            continue
        assert href.startswith(("https://calendar.google.com/", "https://outlook.live.com/",
                                "https://outlook.office.com/")) or href == "https://northwind.example", href
        assert link["rel"] == ["noopener", "noreferrer"]


@pytest.mark.e2e
def test_headers_file_for_hosts_that_read_one(with_sitemap):
    headers = (with_sitemap.output / "_headers").read_text("utf-8")
    block = headers.split("/p/*/*.ics")[0]
    assert block.startswith("/p/*\n")
    assert "  X-Robots-Tag: noindex" in block
    assert "  Referrer-Policy: no-referrer" in block
    assert re.search(r"  Content-Security-Policy: default-src 'none';.*frame-ancestors 'none'", block)
    assert "/p/*/*.ics\n  Content-Type: text/calendar; charset=utf-8" in headers
    assert "/studio/*\n  X-Robots-Tag: noindex" in headers
    assert "/studio/*/*.ics\n  Content-Type: text/calendar; charset=utf-8" in headers
    robots = (with_sitemap.output / "robots.txt").read_text("utf-8")
    assert robots == "User-agent: *\nDisallow: /p/\nDisallow: /studio/\n"


@pytest.mark.e2e
def test_the_404_page_is_neutral(with_sitemap):
    page = (with_sitemap.output / "404.html").read_text("utf-8")
    assert "Page not found" in page
    assert not any(token in page for token in EXAMPLE_TOKENS.values())


# --- gone means gone -----------------------------------------------------------------

@pytest.mark.e2e
def test_rotating_a_token_kills_the_old_link_on_the_next_build(site):
    assert site.build().returncode == 0
    old = PUBLISHED["acme", "website-redesign"]
    assert site.portal_file(old).exists()
    result = site.courtside("rotate", "acme", "website-redesign")
    assert result.returncode == 0, result.stderr
    new = re.search(r"p/([A-Za-z0-9_-]{22,})/", result.stdout)[1]
    assert new != old and "stop working with the next deploy" in result.stdout
    assert site.build().returncode == 0  # pelicanconf.py: the output folder is not emptied
    assert not (site.output / "p" / old).exists()
    assert site.portal_file(new).exists()
    assert (site.output / "p" / new / "calendar.ics").exists()
    assert not any(old.encode() in p.read_bytes() for p in site.files())
    assert_no_leaks(site.output, [*EXAMPLE_TOKENS.values(), new])


@pytest.mark.e2e
def test_archiving_a_project_removes_its_page_and_feed_on_the_next_build(site):
    assert site.build().returncode == 0
    token = PUBLISHED["mueller", "newsletter"]
    assert (site.output / "p" / token / "calendar.ics").exists()
    client = site.clients / "mueller.yaml"
    client.write_text(client.read_text("utf-8").replace(
        "    start: 2026-11-16\n", "    start: 2026-11-16\n    status: archived\n"), "utf-8")
    assert site.build().returncode == 0
    assert not (site.output / "p" / token).exists()
    links = json.loads(site.courtside("links", "--json").stdout)
    assert ("mueller", "newsletter") not in {(link["client"], link["project"]) for link in links}


# --- tokens -----------------------------------------------------------------------------

def write_beta(site, token_line: str) -> None:
    site.write_client("beta", f"""\
        name: Beta
        projects:
          - id: app
            title: App
        {token_line.strip() and "    " + token_line.strip()}
            milestones:
              - {{title: Brief, owner: client, due: 2026-11-30}}
            agreement: {{template: none}}
        """.replace("\n    \n", "\n"))


@pytest.mark.parametrize("token_line, words", [
    ("", "projects[0].token: required key is missing"),
    ("    token: Zx8qW3rT5yU7\n", "is not allowed; a token is 22 to 64 URL-safe characters"),
    ("    token: Zx8qW3rT5yU7iO9pA1sD/f\n", "is not allowed; a token is 22 to 64"),
    ("    token: aaaaaaaaaaaaaaaaaaaaaaaa\n", "does not look random"),
])
def test_a_bad_token_fails_with_the_command_that_fixes_it(empty_site, courtside, token_line, words):
    write_beta(empty_site, token_line)
    result = courtside(empty_site, "check", "--settings", "publishconf.py",
                       env={"SITEURL": "https://x.example"})
    assert result.returncode == 1
    line = next(text for text in result.stdout.splitlines() if ".token:" in text)
    assert words in line and line.endswith("; run: courtside rotate beta app")


@pytest.mark.e2e
def test_a_bad_token_stops_the_production_build(empty_site):
    write_beta(empty_site, "    token: aaaaaaaaaaaaaaaaaaaaaaaa\n")
    result = empty_site.build("publishconf.py", env={"SITEURL": "https://x.example"})
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    line = next(text for text in result.stderr.splitlines() if ".token:" in text)
    assert "does not look random" in line and line.endswith("; run: courtside rotate beta app")
    assert not empty_site.output.exists()


def reuse_a_token(site) -> None:
    acme = site.clients / "acme.yaml"
    acme.write_text(acme.read_text("utf-8").replace(PUBLISHED["acme", "website-redesign"],
                                                   PUBLISHED["harbor", "podcast-site"]), "utf-8")


REUSED = ("projects[1].token: this token is already used by clients/acme.yaml:12; give this "
          "project a fresh one; run: courtside rotate harbor podcast-site")


def test_a_token_used_twice_names_the_fix(site, courtside):
    reuse_a_token(site)
    result = courtside(site, "check")
    assert result.returncode == 1
    assert REUSED in result.stdout


@pytest.mark.e2e
def test_a_token_used_twice_stops_the_build(site):
    # The build checks each file on its own, and the tokens across files after.
    reuse_a_token(site)
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert REUSED in result.stderr


@pytest.mark.e2e
def test_robots_txt_names_the_private_folders_under_a_sub_path(site):
    result = site.build("publishconf.py", env={"SITEURL": "https://example.com/portals/"})
    assert result.returncode == 0, result.stderr
    assert (site.output / "robots.txt").read_text("utf-8") == \
        "User-agent: *\nDisallow: /portals/p/\nDisallow: /portals/studio/\n"
