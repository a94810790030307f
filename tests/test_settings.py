"""The COURTSIDE settings are checked by ``settings.schema.json`` with the
messages client files get, plus the rules that need more than one key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from courtside.problems import CourtsideError
from courtside.settings import courtside_settings
from helpers import EXAMPLE_TOKENS

STUDIO = {"name": "Northwind Studio"}


def problems_of(courtside, **pelican) -> list[str]:
    with pytest.raises(CourtsideError) as raised:
        courtside_settings({"PATH": "content", **pelican, "COURTSIDE": courtside}, environ={})
    return [f"{p.path}: {p.message}" for p in raised.value.problems]


@pytest.mark.parametrize("courtside, expected", [
    ({}, ["COURTSIDE.studio: required key is missing; give at least the studio's name: "
          '{"studio": {"name": "Your Studio"}}']),
    ({"studio": "Northwind"}, ['COURTSIDE.studio: expected a mapping of keys to values, got '
                               '"Northwind" (text); give at least the studio\'s name: {"name": "Your Studio"}']),
    ({"studio": {"name": " "}}, ['COURTSIDE.studio.name: " " is not allowed; give the studio\'s name: '
                                  '{"name": "Your Studio"}']),
    ({"studio": {**STUDIO, "fax": "1"}}, ["COURTSIDE.studio.fax: unknown key (allowed here: email, language, name, phone, url, website)"]),
    ({"studio": {**STUDIO, "phone": "ring us"}},
     ['COURTSIDE.studio.phone: "ring us" is not allowed; write the number in digits, with an '
      'optional leading + and spaces, such as "+49 40 1234 5678"']),
    ({"studio": {**STUDIO, "website": "northwind.example"}},
     ['COURTSIDE.studio.website: "northwind.example" is not allowed; write the whole address, '
      'such as "https://northwind.example"']),
    ({"studio": {**STUDIO, "website": "javascript:alert(1)"}},
     ['COURTSIDE.studio.website: "javascript:alert(1)" is not allowed; write the whole address, '
      'such as "https://northwind.example"']),
    ({"studio": STUDIO, "terms": {"revisions": {"studio": 2}}},
     ["COURTSIDE.terms.revisions.client: required key is missing; a term is text, a number, true "
      "or false, or one such value for each party: {studio: …, client: …}"]),
    ({"studio": STUDIO, "terms": {"revisions": {"studio": 2, "client": 1, "agency": 3}}},
     ["COURTSIDE.terms.revisions.agency: unknown key (allowed here: client, studio)"]),
    ({"studio": STUDIO, "terms": {"revisions": {"studio": {"rounds": 2}, "client": 1}}},
     ["COURTSIDE.terms.revisions.studio: expected text or a number or true or false, got a mapping"]),
    ({"studio": STUDIO, "studios": 1}, ["COURTSIDE.studios: unknown key; did you mean studio?"]),
    ({"studio": STUDIO, "accent": "red"}, ['COURTSIDE.accent: "red" is not allowed; write the colour as #rrggbb']),
    ({"studio": STUDIO, "accent": "#eeeeee"}, ["COURTSIDE.accent: #eeeeee is too light to see against "
                                               "the page (contrast 1.1:1, at least 3:1 needed); the "
                                               "nearest colour that is dark enough is #919191 (the "
                                               "same hue, darker)"]),
    ({"studio": {**STUDIO, "email": "hello"}}, ['COURTSIDE.studio.email: "hello" is not allowed; '
                                               "write the address as name@example.com"]),
    ({"studio": STUDIO, "logo": {"src": "images/logo.svg", "width": 160}},
     ['COURTSIDE.logo.height: required key is missing; give {"src": "images/logo.svg", "width": 160, "height": 32}']),
    ({"studio": STUDIO, "workers": 0}, ["COURTSIDE.workers: 0 must be 1 or more"]),
    ({"studio": STUDIO, "workers": True}, ["COURTSIDE.workers: expected a whole number or empty, got true (true or false)"]),
    ({"studio": STUDIO, "cache": "yes"}, ['COURTSIDE.cache: expected true or false, got "yes" (text)']),
    ({"studio": STUDIO, "closed": {"2026-12-24"}},
     ["COURTSIDE.closed: expected a list, got {'2026-12-24'} (a Python set)"]),
    ({"studio": STUDIO, "workers": 2.5}, ["COURTSIDE.workers: expected a whole number or empty, got 2.5 (a number)"]),
    ({"studio": STUDIO, "workers": 1000}, ["COURTSIDE.workers: 1000 must be 256 or less"]),
    ({"studio": STUDIO, "logo": {"src": "images/logo.svg", "width": 10**400, "height": 32}},
     [f"COURTSIDE.logo.width: {str(10**400)[:59]}… must be 2000 or less"]),
    ({"studio": STUDIO, "timezone": "Europe/Berlni"},
     ['COURTSIDE.timezone: "Europe/Berlni" is not a known time zone (use an IANA name such as Europe/Berlin)']),
    ({"studio": STUDIO, "studio_token": "short"},
     ["COURTSIDE.studio_token: a token is 22 to 64 URL-safe characters (A-Z a-z 0-9 _ -); make one with: courtside token"]),
    ({"studio": STUDIO, "notices": [{"text": "Closed.", "from": "2026-12-24", "kind": "urgent"}]},
     ['COURTSIDE.notices[0].kind: "urgent" is not allowed; use one of: info, warning']),
    ({"studio": STUDIO, "notices": [{"text": "Closed.", "from": dt.date(2026, 12, 24),
                                     "until": dt.date(2026, 12, 1)}]},
     ["COURTSIDE.notices[0].until: 2026-12-01 is before the notice's first day (2026-12-24)"]),
    ({"studio": STUDIO, "notices": [{"text": " ", "from": "2026-12-24"}]},
     ['COURTSIDE.notices[0].text: " " is not allowed; must not be blank']),

    ({"studio": STUDIO, "reminders": "2d"},
     ['COURTSIDE.reminders: expected a list, got "2d" (text); write a list such as ["2d", "1d"]: '
      "how long before each of the client's steps their calendar reminds them"]),
    ({"studio": STUDIO, "reminders": ["2x", "-1d"]},
     ['COURTSIDE.reminders[0]: "2x" is not a reminder; write a number and a unit, such as 2d: '
      "w weeks, d days, h hours, m minutes",
      'COURTSIDE.reminders[1]: "-1d" would remind after the step is due; a reminder comes '
      "before it, so write 1d"]),
    ({"studio": STUDIO, "reminders": ["1w", "7d"]},
     ["COURTSIDE.reminders[1]: 7d is the same as 1w, given before it; give each reminder once, "
      "such as [2d, 1d]"]),
])
def test_wrong_settings_name_the_key_and_say_what_to_write(courtside, expected):
    assert problems_of(courtside) == expected


def test_every_wrong_key_is_named_at_once():
    assert [line.split(":")[0] for line in problems_of(
        {"studio": STUDIO, "accent": "red", "workers": -1, "strict": "no"})] == [
        "COURTSIDE.accent", "COURTSIDE.strict", "COURTSIDE.workers"]


def test_a_production_build_needs_a_full_siteurl():
    assert problems_of({"studio": STUDIO, "strict": True}, SITEURL="portals.example") == [
        "SITEURL: 'portals.example' is not a full address; a production build needs one, such as "
        "https://portals.example.com (publishconf.py reads it from the SITEURL environment variable)"]


def test_python_values_are_read_as_what_they_stand_for(tmp_path):
    options = courtside_settings({
        "PATH": str(tmp_path / "content"), "TIMEZONE": "Europe/Vienna",
        "COURTSIDE": {"studio": STUDIO, "clients_path": Path("studio-clients"), "workers": 2.0,
                      "closed": ({"from": dt.date(2026, 12, 24), "to": "2026-12-31"},)}}, environ={})
    assert options.clients_folder == (tmp_path / "studio-clients").resolve()
    assert options.workers == 2 and isinstance(options.workers, int)
    assert options.timezone == "Europe/Vienna"  # Pelican's, when Courtside names none
    assert not options.calendar.is_business_day(dt.date(2026, 12, 28))
    assert options.calendar.is_business_day(dt.date(2027, 1, 4))


def test_the_dashboard_token_from_the_environment_wins_and_is_checked_by_its_name():
    with pytest.raises(CourtsideError) as raised:
        courtside_settings({"PATH": "content", "COURTSIDE": {"studio": STUDIO}},
                           environ={"COURTSIDE_STUDIO_TOKEN": "weak"})
    assert [p.path for p in raised.value.problems] == ["COURTSIDE_STUDIO_TOKEN"]


def test_settings_are_checked_once_and_again_when_they_or_their_world_change(tmp_path, monkeypatch):
    # A build asks for them three times (the plugin, its generator, the
    # pages' context): the same settings are checked once.
    settings = {"PATH": "content", "COURTSIDE": {"studio": STUDIO}}
    first = courtside_settings(settings, environ={})
    assert courtside_settings({"PATH": "content", "COURTSIDE": {"studio": {**STUDIO}}},
                              environ={}) is first
    # A changed key, a token from the environment or another working folder is checked anew.
    with pytest.raises(CourtsideError):
        courtside_settings({**settings, "COURTSIDE": {"studio": STUDIO, "strict": True}}, environ={})
    with pytest.raises(CourtsideError):
        courtside_settings(settings, environ={"COURTSIDE_STUDIO_TOKEN": "weak"})
    monkeypatch.chdir(tmp_path)
    assert courtside_settings(settings, environ={}).clients_folder == tmp_path.resolve() / "clients"


@pytest.mark.e2e
def test_a_build_with_python_values_in_the_settings_shows_them_as_written(site):
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text("utf-8") + (
        "\nimport datetime\nfrom pathlib import Path\n"
        "COURTSIDE['clients_path'] = Path('clients')\n"
        "COURTSIDE['closed'] = [{'from': datetime.date(2026, 12, 24), 'to': '2027-01-01'}]\n"
        "COURTSIDE['logo'] = {**COURTSIDE['logo'], 'width': 196.0}\n"), "utf-8")
    result = site.build()
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    page = site.portal(EXAMPLE_TOKENS["acme", "website-redesign"])
    logo = page.select_one("img.logo")
    assert (logo["width"], logo["alt"]) == ("196", "Northwind Studio")


def test_the_studios_website_keeps_its_former_name_url():
    def studio(**given):
        return courtside_settings({"PATH": "content", "COURTSIDE": {"studio": {**STUDIO, **given}}},
                                  environ={}).studio

    assert studio(url="https://old.example")["website"] == "https://old.example"
    assert "url" not in studio(url="https://old.example")
    assert studio(url="https://old.example", website="https://new.example")["website"] == \
        "https://new.example"
    assert studio(phone="+49 (0)40 1234-5678")["phone"] == "+49 (0)40 1234-5678"
