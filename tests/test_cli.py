"""``courtside links``: the links a studio sends, from the same loader.
In-process through ``cli.main``; a real build shows every link works."""

from __future__ import annotations

import json

import pytest

from helpers import EXAMPLE_TOKENS, REPO

PUBLISHED = [key for key in EXAMPLE_TOKENS if key[1] != "brand-refresh"]


def test_links_json_lists_every_published_project_with_site_relative_urls(site, courtside):
    result = courtside(site, "links", "--json")
    assert result.returncode == 0, result.stderr
    links = json.loads(result.stdout)
    assert sorted((link["client"], link["project"]) for link in links) == sorted(PUBLISHED)
    for link in links:
        token = EXAMPLE_TOKENS[link["client"], link["project"]]
        assert link["url"] == f"p/{token}/"
        assert link["calendar_url"] == f"p/{token}/calendar.ics"


def test_links_are_absolute_with_a_siteurl(site, courtside):
    result = courtside(site, "links", "--json", "--settings", "publishconf.py",
                       env={"SITEURL": "https://portals.example/"})
    assert result.returncode == 0, result.stderr
    urls = {(link["client"], link["project"]): link["url"] for link in json.loads(result.stdout)}
    token = EXAMPLE_TOKENS["acme", "website-redesign"]
    assert urls["acme", "website-redesign"] == f"https://portals.example/p/{token}/"


@pytest.mark.e2e
def test_links_every_url_points_at_a_page_the_build_writes(site):
    assert site.build().returncode == 0
    for link in json.loads(site.courtside("links", "--json").stdout):
        assert (site.output / link["url"] / "index.html").is_file()


def test_a_project_without_a_calendar_has_no_calendar_url(site, courtside):
    acme = site.clients / "acme.yaml"
    acme.write_text(acme.read_text("utf-8").replace(
        "    start: 2026-10-20\n", "    start: 2026-10-20\n    calendar: false\n"), "utf-8")
    links = {link["project"]: link for link in json.loads(courtside(site, "links", "--json").stdout)}
    assert links["website-redesign"]["calendar_url"] is None
    assert links["online-shop"]["calendar_url"] is not None


def test_links_with_a_broken_client_file_fails_with_the_problem(site, courtside):
    site.write_client("zeta", "name: Zeta\nprojects: []\n")
    result = courtside(site, "links", "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "clients/zeta.yaml:2:11: projects: needs at least one entry" in result.stderr
    assert "Traceback" not in result.stderr


def test_links_with_a_missing_settings_file_says_so(site, courtside):
    result = courtside(site, "links", "--settings", "nope.py")
    assert result.returncode != 0
    assert "settings file 'nope.py' not found" in result.stderr


@pytest.mark.parametrize("line, message", [
    ("X = (", "settings.py:2:5: '(' was never closed (the settings file is Python)"),
    ("X = undefined_name", "settings.py:2: NameError: name 'undefined_name' is not defined"),
    ("import sys; sys.exit(5)", "settings.py: the settings file called sys.exit(5) while it was read"),
])
@pytest.mark.parametrize("command", ["check", "links", "status", "serve"])
def test_a_settings_file_that_fails_gives_its_line_not_a_traceback(tmp_path, monkeypatch, capsys,
                                                                    command, line, message):
    from courtside.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "settings.py").write_text(f'SITENAME = "Studio"\n{line}\n')
    with pytest.raises(SystemExit) as stop:
        main([command, "--settings", "settings.py"])
    assert stop.value.code == message


def test_every_command_has_help_and_is_shown_in_the_readme():
    from courtside.cli import build_parser

    parser = build_parser()
    commands = next(action for action in parser._actions if action.choices and action.dest == "command")
    readme = (REPO / "README.md").read_text("utf-8")
    helps = {action.dest: action.help for action in commands._choices_actions}
    for name, command in commands.choices.items():
        assert helps.get(name) and command.description, name
        assert f"courtside {name}" in readme, f"the README does not show `courtside {name}`"
