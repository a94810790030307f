"""``courtside invite`` and the link that ``new``, ``add-project`` and
``rotate`` end with: the whole link as production publishes it, never a
relative one passed off as whole, and a message in the client's language
that names no other project's link. In-process through ``cli.main``."""

from __future__ import annotations

import json
import re

import pytest

from helpers import EXAMPLE_TOKENS, STUDIO_TOKEN

SITEURL = "https://portals.example"
PRODUCTION = {"SITEURL": SITEURL}


def other_tokens(client: str, project: str) -> list[str]:
    return [token for key, token in EXAMPLE_TOKENS.items() if key != (client, project)] + [
        STUDIO_TOKEN]


def test_invite_prints_the_whole_link_and_a_german_message_for_a_german_client(site, courtside):
    result = courtside(site, "invite", "mueller", "online-shop", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    token = EXAMPLE_TOKENS["mueller", "online-shop"]
    url = f"{SITEURL}/p/{token}/"
    lines = result.stdout.splitlines()
    # The studio's lines in the studio's language (English here), then the mail in German.
    assert lines[:3] == [f"Link: {url}",
                         "To: Jürgen Müller <juergen@mueller-baeckerei.example>",
                         "Subject: Ihre Projektseite: Online-Shop für das Brötchen-Abo"]
    body = result.stdout.split("\n\n", 1)[1]
    assert body.startswith("Hallo Jürgen Müller,\n\nhier ist die Seite Ihres Projekts "
                           "„Online-Shop für das Brötchen-Abo“:\n" + url + "\n")
    assert "Bitte leiten Sie ihn deshalb nicht weiter." in body  # private
    assert f"\nwebcal://portals.example/p/{token}/calendar.ics\n" in body
    assert ("\nhttps://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fportals.example"
            f"%2Fp%2F{token}%2Fcalendar.ics\n") in body
    assert body.endswith("Viele Grüße\nNorthwind Studio\n")
    assert not re.search(r"\b(the|your|please)\b", body)  # no English left in it
    for other in other_tokens("mueller", "online-shop"):
        assert other not in result.stdout + result.stderr


@pytest.mark.parametrize("client, project, language, words", [
    ("acme", "website-redesign", "en", "please do not forward it"),
    ("harbor", "annual-report", "ru", "пожалуйста, не пересылайте её"),
    ("harbor", "podcast-site", "fr", "merci donc de ne pas le transférer"),
])
def test_invite_json_in_each_projects_own_language(site, courtside, client, project, language,
                                                    words):
    result = courtside(site, "invite", client, project, "--json", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    mail = json.loads(result.stdout)
    token = EXAMPLE_TOKENS[client, project]
    assert mail["language"] == language and words in mail["body"]
    assert mail["url"] == f"{SITEURL}/p/{token}/"
    assert mail["webcal"] == f"webcal://portals.example/p/{token}/calendar.ics"
    assert mail["google"].startswith("https://calendar.google.com/calendar/render?cid=webcal")
    assert mail["url"] in mail["body"] and mail["webcal"] in mail["body"]
    for other in other_tokens(client, project):
        assert other not in result.stdout


def test_invite_for_a_password_protected_project_mentions_the_password(site, courtside):
    acme = site.clients / "acme.yaml"
    acme.write_text(acme.read_text("utf-8").replace(
        "    start: 2026-10-20\n", "    start: 2026-10-20\n    password_env: ACME_PW\n", 1), "utf-8")
    result = courtside(site, "invite", "acme", "website-redesign",
                       env={**PRODUCTION, "ACME_PW": "correct horse"})
    assert result.returncode == 0, result.stderr
    assert "The page asks for a password, which we send you separately." in result.stdout
    assert "correct horse" not in result.stdout


def test_invite_without_a_siteurl_says_how_to_set_it_and_prints_no_link(site, courtside):
    result = courtside(site, "invite", "acme", "website-redesign")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "SITEURL is not set" in result.stderr
    assert "SITEURL=https://portals.example.com courtside invite acme website-redesign" \
        in result.stderr
    assert EXAMPLE_TOKENS["acme", "website-redesign"] not in result.stderr


def test_a_siteurl_without_its_scheme_is_said_to_be_incomplete_not_missing(site, courtside):
    env = {"SITEURL": "portals.example"}
    result = courtside(site, "invite", "acme", "website-redesign", env=env)
    assert result.returncode == 1 and result.stdout == ""
    assert "SITEURL is not set" not in result.stderr
    assert ("SITEURL 'portals.example' is not a full address, so the site's address is unknown "
            "here") in result.stderr
    assert "SITEURL=https://portals.example.com courtside invite acme website-redesign" \
        in result.stderr
    new = courtside(site, "new", "delta", "--name", "Delta", "--project", "site", env=env)
    assert new.returncode == 0, new.stderr
    assert ". SITEURL 'portals.example' is not a full address" in new.stdout


@pytest.mark.parametrize("argv, words", [
    (["acme", "brand-refresh"], "project 'brand-refresh' is archived: it has no page"),
    (["acme", "nope"], "has no project 'nope' (it has: website-redesign, brand-refresh)"),
    (["acmee", "website-redesign"], "does not exist (clients: acme, harbor, mueller); did you "
                                    "mean 'acme'?"),
])
def test_invite_refuses_a_project_without_a_page(site, courtside, argv, words):
    result = courtside(site, "invite", *argv, env=PRODUCTION)
    assert result.returncode == 1 and result.stdout == ""
    assert words in result.stderr


def test_invite_refuses_a_draft_it_would_send_to_nowhere(site, courtside):
    added = courtside(site, "add-project", "acme", "pilot", "--title", "Pilot", "--draft")
    assert added.returncode == 0, added.stderr
    result = courtside(site, "invite", "acme", "pilot", env=PRODUCTION)
    assert result.returncode == 1 and result.stdout == ""
    assert "project 'pilot' is a draft: production builds leave it out" in result.stderr


# --- the link new, add-project and rotate end with -------------------------------------------

def test_new_add_project_and_rotate_end_with_the_whole_link(empty_site, courtside):
    new = courtside(empty_site, "new", "delta", "--name", "Delta", "--project", "site",
                    env=PRODUCTION)
    assert new.returncode == 0, new.stderr
    token = re.search(r"token: (\S+)", (empty_site.clients / "delta.yaml").read_text("utf-8"))[1]
    assert f"Its link: {SITEURL}/p/{token}/\n" in new.stdout
    assert "courtside invite delta site" in new.stdout

    added = courtside(empty_site, "add-project", "delta", "shop", "--title", "Shop", env=PRODUCTION)
    assert re.search(rf"Its link: {SITEURL}/p/[\w-]{{22}}/\n", added.stdout), added.stdout

    rotated = courtside(empty_site, "rotate", "delta", "site", env=PRODUCTION)
    fresh = re.search(r"token: (\S+)", (empty_site.clients / "delta.yaml").read_text("utf-8"))[1]
    assert fresh != token
    assert f"Its link: {SITEURL}/p/{fresh}/\n" in rotated.stdout
    assert "The old link and calendar feed stop working with the next deploy" in rotated.stdout


def test_without_a_siteurl_the_link_is_never_printed_as_if_whole(empty_site, courtside):
    new = courtside(empty_site, "new", "delta", "--name", "Delta", "--project", "site")
    assert new.returncode == 0, new.stderr
    token = re.search(r"token: (\S+)", (empty_site.clients / "delta.yaml").read_text("utf-8"))[1]
    assert f"Its link is <SITEURL>/p/{token}/. SITEURL is not set" in new.stdout
    assert "SITEURL=https://portals.example.com courtside invite delta site" in new.stdout
    assert not re.search(rf"(^|\s)/?p/{token}/", new.stdout)  # never bare


def test_new_draft_says_where_the_preview_shows_it_and_promises_no_link(empty_site, courtside):
    new = courtside(empty_site, "new", "delta", "--name", "Delta", "--draft", env=PRODUCTION)
    assert new.returncode == 0, new.stderr
    text = (empty_site.clients / "delta.yaml").read_text("utf-8")
    assert "\n    status: draft\n" in text
    assert SITEURL not in new.stdout
    assert "It is a draft: previews show it at /p/" in new.stdout
    assert courtside(empty_site, "check").returncode == 0


def test_new_and_add_project_write_placeholders_in_the_studios_language(empty_site, courtside):
    settings = empty_site.root / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8").replace(
        '"studio": {', '"studio": {"language": "de", ', 1), "utf-8")
    assert courtside(empty_site, "new", "delta", "--name", "Delta").returncode == 0
    added = courtside(empty_site, "add-project", "delta", "shop", "--title", "Shop", "--draft")
    assert added.returncode == 0, added.stderr
    text = (empty_site.clients / "delta.yaml").read_text("utf-8")
    assert text.count("- title: Auftaktgespräch\n") == 2
    assert "    title: Projekt für Delta\n" in text  # the title new makes up, not "Delta project"
    assert "studio: Wir ziehen 10 % vom Honorar der laufenden Phase ab.\n" in text
    assert "Kickoff" not in text
    assert "    status: draft\n" in text.split("- id: shop")[1]
    assert courtside(empty_site, "check").returncode == 0


def test_a_broken_production_settings_file_does_not_undo_or_hide_the_edit(empty_site, courtside):
    (empty_site.root / "publishconf.py").write_text("SITEURL = (\n", "utf-8")
    new = courtside(empty_site, "new", "delta", "--name", "Delta", "--project", "site")
    assert new.returncode == 0, new.stderr
    token = re.search(r"token: (\S+)", (empty_site.clients / "delta.yaml").read_text("utf-8"))[1]
    assert (f"Its link is <SITEURL>/p/{token}/; the production settings could not be read to "
            "say it whole (publishconf.py:1:") in new.stdout
