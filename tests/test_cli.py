"""``courtside links``: the links a studio sends, from the same loader.
In-process through ``cli.main``; a real build shows every link works."""

from __future__ import annotations

import json

import pytest

from helpers import EXAMPLE_TOKENS, REPO, STUDIO_TOKEN

PUBLISHED = [key for key in EXAMPLE_TOKENS if key[1] != "brand-refresh"]


def test_links_json_lists_every_published_project_with_site_relative_urls(site, courtside):
    result = courtside(site, "links", "--json")
    assert result.returncode == 0, result.stderr
    dashboard, *links = json.loads(result.stdout)
    assert dashboard["studio"] is True
    assert sorted((link["client"], link["project"]) for link in links) == sorted(PUBLISHED)
    for link in links:
        token = EXAMPLE_TOKENS[link["client"], link["project"]]
        assert link["url"] == f"p/{token}/"
        assert link["calendar_url"] == f"p/{token}/calendar.ics"
        assert link["studio"] is link["draft"] is False


def test_links_lists_the_dashboard_first_marked_as_the_studios_own(site, courtside):
    result = courtside(site, "links")
    assert result.returncode == 0, result.stderr
    first, *portals = result.stdout.splitlines()
    assert first.split("  ")[0] == "studio dashboard (the studio's own: never send it)"
    assert first.endswith(f"  studio/{STUDIO_TOKEN}/")
    assert len(portals) == len(PUBLISHED) and STUDIO_TOKEN not in "".join(portals)
    [dashboard] = [row for row in json.loads(courtside(site, "links", "--json").stdout)
                   if row["studio"]]
    assert dashboard == {"client": None, "project": None, "url": f"studio/{STUDIO_TOKEN}/",
                         "calendar_url": f"studio/{STUDIO_TOKEN}/calendar.ics", "draft": False,
                         "studio": True}


def test_links_lists_no_dashboard_without_a_studio_token(site, courtside):
    """Production takes the token from the environment alone."""
    production = {"SITEURL": "https://portals.example"}
    result = courtside(site, "links", "--settings", "publishconf.py", env=production)
    assert result.returncode == 0, result.stderr
    assert "dashboard" not in result.stdout and STUDIO_TOKEN not in result.stdout
    fresh = "Pr0dDashb0ardT0kenAbcd"
    with_token = courtside(site, "links", "--settings", "publishconf.py",
                           env={**production, "COURTSIDE_STUDIO_TOKEN": fresh})
    assert with_token.stdout.splitlines()[0].endswith(f"  https://portals.example/studio/{fresh}/")


def test_links_are_absolute_with_a_siteurl(site, courtside):
    result = courtside(site, "links", "--json", "--settings", "publishconf.py",
                       env={"SITEURL": "https://portals.example/"})
    assert result.returncode == 0, result.stderr
    urls = {(link["client"], link["project"]): link["url"] for link in json.loads(result.stdout)
            if not link["studio"]}
    token = EXAMPLE_TOKENS["acme", "website-redesign"]
    assert urls["acme", "website-redesign"] == f"https://portals.example/p/{token}/"


@pytest.mark.e2e
def test_links_every_url_points_at_a_page_the_build_writes(site):
    assert site.build().returncode == 0
    links = json.loads(site.courtside("links", "--json").stdout)
    assert links[0]["studio"]  # the dashboard, too
    for link in links:
        assert (site.output / link["url"] / "index.html").is_file()


def test_a_project_without_a_calendar_has_no_calendar_url(site, courtside):
    acme = site.clients / "acme.yaml"
    acme.write_text(acme.read_text("utf-8").replace(
        "    start: 2026-10-20\n", "    start: 2026-10-20\n    calendar: false\n"), "utf-8")
    links = {link["project"]: link for link in json.loads(courtside(site, "links", "--json").stdout)
             if not link["studio"]}
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
