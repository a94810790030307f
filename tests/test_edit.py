"""The studio's commands that edit client files, ``new``, ``add-project`` and
``rotate``: each changes what it says and keeps every other line, comment
and value. In-process through ``cli.main``; one real build shows a new
client file builds. (Line endings, permissions, links and two commands at
once: ``test_edit_safety.py``.)"""

from __future__ import annotations

import difflib
import json
import re

import pytest

from helpers import text_of

COMMENTED = """\
# yaml-language-server: $schema=../plugins/courtside/client.schema.json
# Gamma: signed in October. Ask Kim before changing the terms!

name: "Gamma Ltd"   # as on the invoice
timezone: Europe/London

projects:
  # The big one.
  - id: shop          # keep this id: calendar entries depend on it
    title: 'Shop'
    token: Gx8qW3rT5yU7iO9pA1sD2f   # sent to Kim on 2026-10-02

    agreement:
      terms: &gamma
        response_days: {studio: 1, client: 2}   # business days
        grace_days: {studio: 5, client: 10}
        consequences:
          studio: We take 10% off.
          client: "The project pauses."
        deposit: 50%
        payment_days: 14
    milestones:
      # Kickoff first.
      - title: Kickoff
        owner: studio
        due: 2026-10-22   # moved once
        done: 2026-10-22

      - title: Content
        owner: client
        due: 2026-12-01
# Trailing comment, about nothing.
"""


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    removed = [text[1:] for text in diff if text.startswith("-") and not text.startswith("---")]
    added = [text[1:] for text in diff if text.startswith("+") and not text.startswith("+++")]
    return removed, added


def test_rotate_changes_the_token_and_nothing_else(empty_site, courtside):
    path = empty_site.write_client("gamma", COMMENTED)
    result = courtside(empty_site, "rotate", "gamma", "shop")
    assert result.returncode == 0, result.stderr
    removed, added = changed_lines(COMMENTED, path.read_text("utf-8"))
    assert removed == ["    token: Gx8qW3rT5yU7iO9pA1sD2f   # sent to Kim on 2026-10-02"]
    [line] = added
    new = re.fullmatch(r"    token: ([A-Za-z][A-Za-z0-9_-]{21})   # sent to Kim on 2026-10-02", line)[1]
    assert f"p/{new}/" in result.stdout


def test_add_project_only_adds_lines(empty_site, courtside):
    path = empty_site.write_client("gamma", COMMENTED)
    result = courtside(empty_site, "add-project", "gamma", "app", "--title", "App: phase 2")
    assert result.returncode == 0, result.stderr
    removed, added = changed_lines(COMMENTED, path.read_text("utf-8"))
    assert removed == []
    assert added[:3] == ["  - id: app", "    title: 'App: phase 2'", added[2]]
    assert re.fullmatch(r"    token: [A-Za-z][A-Za-z0-9_-]{21}", added[2])
    assert "        deposit: 50%" in added  # the agreement terms of the project before
    check = courtside(empty_site, "check", "--format", "json")
    assert json.loads(check.stdout) == [], check.stdout


def test_new_creates_a_client_that_checks_and_refuses_to_overwrite_it(empty_site, courtside):
    result = courtside(empty_site, "new", "delta", "--name", "Delta & Co: \"Neu\"",
                       "--project", "site", "--title", "New site")
    assert result.returncode == 0, result.stderr
    text = (empty_site.clients / "delta.yaml").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../plugins/courtside/client.schema.json\n")
    token = re.search(r"token: (\S+)", text)[1]
    assert f"p/{token}/" in result.stdout
    assert courtside(empty_site, "check").returncode == 0
    again = courtside(empty_site, "new", "delta", "--name", "Other")
    assert again.returncode == 1 and "already exists" in again.stderr
    assert (empty_site.clients / "delta.yaml").read_text("utf-8") == text


@pytest.mark.e2e
def test_new_creates_a_client_that_builds(empty_site):
    result = empty_site.courtside("new", "delta", "--name", "Delta & Co: \"Neu\"",
                                  "--project", "site", "--title", "New site")
    assert result.returncode == 0, result.stderr
    text = (empty_site.clients / "delta.yaml").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../plugins/courtside/client.schema.json\n")
    assert empty_site.courtside("check").returncode == 0
    built = empty_site.build()
    assert built.returncode == 0, built.stderr
    token = re.search(r"token: (\S+)", text)[1]
    page = empty_site.portal(token)
    assert page.select_one("h1").get_text() == "New site"
    assert text_of(page.select_one(".eyebrow")) == 'Delta & Co: "Neu"'
    again = empty_site.courtside("new", "delta", "--name", "Other")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_the_commands_refuse_what_they_cannot_do(empty_site, courtside):
    path = empty_site.write_client("gamma", COMMENTED)
    for argv, words in [(["rotate", "gamma", "nope"], "has no project 'nope' (it has: shop)"),
                        (["add-project", "gamma", "shop", "--title", "X"],
                         "courtside: clients/gamma.yaml already has a project 'shop'"),
                        (["rotate", "nobody", "shop"], "does not exist")]:
        result = courtside(empty_site, *argv)
        assert result.returncode == 1 and words in result.stderr, argv
    assert path.read_text("utf-8") == COMMENTED


def test_a_client_file_that_is_no_yaml_is_named_at_its_line_by_the_commands(empty_site, courtside):
    """A tab or a wrong indentation, as a newcomer writes them: every command
    that edits the file names the line as `courtside check` does, changes
    nothing, and says no parser's class name."""
    for broken, where in [(COMMENTED.replace("        owner: client", "\towner: client"),
                           "clients/gamma.yaml:30:1: not valid YAML: "),
                          (COMMENTED.replace("        owner: client", "       owner: client"),
                           "clients/gamma.yaml:30:8: not valid YAML: ")]:
        path = empty_site.write_client("gamma", broken)
        check = courtside(empty_site, "check")
        assert where in check.stdout, check.stdout
        for argv in (["rotate", "gamma", "shop"], ["done", "gamma", "shop", "content"],
                     ["add-project", "gamma", "web", "--title", "Web"],
                     ["decide", "gamma", "shop", "1", "--approved"]):
            result = courtside(empty_site, *argv)
            assert result.returncode == 1, argv
            assert result.stderr.startswith(f"courtside: {where}"), result.stderr
            assert "nothing was changed" in result.stderr and "Error" not in result.stderr
            assert path.read_text("utf-8") == broken


@pytest.mark.parametrize("odd", ["a link to itself", "a link to nothing", "a folder"])
def test_a_client_file_that_is_no_file_is_named_as_such_by_the_commands(empty_site, courtside,
                                                                       odd):
    """The commands that edit a client file say what the loader says of it,
    not that it does not exist while listing it among the clients."""
    empty_site.write_client("other", COMMENTED)
    path = empty_site.clients / "gamma.yaml"
    if odd == "a folder":
        path.mkdir()
        why = "a folder named like a client file"
    else:
        path.symlink_to("gamma.yaml" if odd == "a link to itself" else "gone.yaml")
        why = "a symbolic link to nothing"
    for argv in (["rotate", "gamma", "shop"], ["done", "gamma", "shop", "brief"],
                 ["add-project", "gamma", "web", "--title", "Web"]):
        result = courtside(empty_site, *argv)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert f"gamma.yaml: {why}" in result.stderr, result.stderr
        assert "does not exist" not in result.stderr and "did you mean" not in result.stderr
