"""What the format accepts, the build can build: dates within the years a
page can draw, tokens that fit a folder name, finite numbers, local times in
minutes, real places for time zones, nothing done after today."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest

from courtside import cli
from courtside.loader import load_client
from helpers import tree

BASE = """\
name: Range GmbH
timezone: Europe/Berlin
projects:
  - id: site
    title: Site
    token: Rang3Test0Token1Abcdefg
    agreement:
      template: plain
      terms: {payment_days: 14}
    milestones:
      - {id: brief, title: Brief, owner: client, due: 2026-11-02, done: 2026-11-02}
      - {id: build, title: Build, owner: studio, due: "2026-12-01 14:00"}
    log:
      - {date: 2026-11-02, by: client, text: Brief sent.}
"""
MOMENT = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)


def problems_of(tmp_path: Path, text: str):
    path = tmp_path / "range.yaml"
    path.write_text(textwrap.dedent(text), "utf-8")
    _, _, problems = load_client(path, "UTC", MOMENT)
    return [(p.path, p.message, p.severity) for p in problems]


def test_the_base_file_is_fine(tmp_path):
    assert problems_of(tmp_path, BASE) == []


@pytest.mark.parametrize("old, new, path, words", [
    ("due: 2026-11-02, done", "due: 0026-11-02, done", "projects[0].milestones[0].due",
     "the year must be from 1970 to 2199 (a typo?)"),
    ('due: "2026-12-01 14:00"', 'due: "9999-12-31 14:00"', "projects[0].milestones[1].due",
     "the year must be from 1970 to 2199"),
    ("{date: 2026-11-02,", "{date: 2226-11-02,", "projects[0].log[0].date", "the year must be"),
    ('due: "2026-12-01 14:00"', 'due: "2026-12-01T14:00"', "projects[0].milestones[1].due",
     "YYYY-MM-DD HH:MM"),
    ('due: "2026-12-01 14:00"', 'due: "2026-12-01 14:00:30"', "projects[0].milestones[1].due",
     "YYYY-MM-DD HH:MM"),
    ("token: Rang3Test0Token1Abcdefg", "token: " + "Rang3Test0Token1Abcdefg" * 4,
     "projects[0].token", "a token is 22 to 64 URL-safe characters"),
    ("timezone: Europe/Berlin", "timezone: localtime", "timezone", "is not a known time zone"),
    ("name: Range GmbH", 'name: "   "', "name", "must not be blank"),
    ("    title: Site", '    title: "\t "', "projects[0].title", "must not be blank"),
    ("payment_days: 14", "payment_days: 1.0e+400", "projects[0].agreement.terms.payment_days",
     "1.0e+400 is not a number a page can show"),
    ("payment_days: 14", "payment_days: .nan", "projects[0].agreement.terms.payment_days",
     "is not a number a page can show"),
    ("done: 2026-11-02}", "done: 2026-12-15}", "projects[0].milestones[0].done",
     "2026-12-15 is after today (2026-11-23 in Europe/Berlin)"),
])
def test_what_the_build_could_not_show_is_an_error(tmp_path, old, new, path, words):
    assert old in BASE
    found = [p for p in problems_of(tmp_path, BASE.replace(old, new)) if p[0] == path]
    assert [(words in message, severity) for _, message, severity in found] == [(True, "error")], found


def test_a_log_entry_dated_after_today_is_a_warning(tmp_path):
    assert problems_of(tmp_path, BASE.replace("{date: 2026-11-02,", "{date: 2026-12-02,")) == [
        ("projects[0].log[0].date", "2026-12-02 is after today (2026-11-23 in Europe/Berlin)",
         "warning")]


@pytest.mark.parametrize("epoch", ["abc", "1.5", "253370764800", "-99999999999"])
def test_a_wrong_source_date_epoch_is_one_line_for_every_command(empty_site, monkeypatch, capsys,
                                                                 epoch):
    monkeypatch.chdir(empty_site.root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    for argv in (["status"], ["check"], ["links"]):
        assert cli.main(argv) == 1
        said = "".join(capsys.readouterr())  # check reports on stdout, the others on stderr
        assert "SOURCE_DATE_EPOCH: must be a whole number of seconds since 1970" in said, argv
        assert "Traceback" not in said


@pytest.mark.e2e
def test_a_wrong_source_date_epoch_stops_the_build(empty_site):
    result = empty_site.build(epoch=None, env={"SOURCE_DATE_EPOCH": "abc"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "SOURCE_DATE_EPOCH" in result.stderr


# --- the clients folder, read strictly ------------------------------------------------

def test_anything_named_like_a_client_file_that_is_not_one_is_an_error(empty_site, tmp_path,
                                                                       monkeypatch, capsys):
    monkeypatch.chdir(empty_site.root)
    (empty_site.root / "content" / "agreements" / "plain.md").write_text("Fine.\n", "utf-8")
    clients = empty_site.clients
    empty_site.write_client("good", BASE)
    (clients / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (clients / "loop.yaml").symlink_to("loop.yaml")  # Path.resolve raises on it (Python 3.11)
    (clients / "renamed.yaml").symlink_to("old-name.yaml")  # named by the link, not where it led
    (empty_site.root / "content" / "beside.yaml").write_text(BASE, "utf-8")
    (clients / "beside.yaml").symlink_to("../content/beside.yaml")
    outside = tmp_path / "outside.yaml"
    outside.write_text(BASE, "utf-8")
    (clients / "away.yaml").symlink_to(outside)
    (clients / "box.yaml").mkdir()
    os.mkfifo(clients / "pipe.yaml")
    (clients / "_notes.yaml").mkdir()  # "_" files and folders are left alone on purpose
    assert cli.main(["check"]) == 1
    out = capsys.readouterr().out
    assert "clients/gone.yaml: a symbolic link to nothing" in out
    assert "clients/loop.yaml: a symbolic link to nothing" in out
    assert "clients/renamed.yaml: a symbolic link to nothing" in out and "old-name" not in out
    assert "clients/beside.yaml: a symbolic link out of the clients folder" in out
    assert "clients/away.yaml: a symbolic link out of the clients folder" in out
    assert "clients/box.yaml: a folder named like a client file" in out
    assert "clients/pipe.yaml: not a regular file" in out
    assert "_notes" not in out and "good.yaml" not in out


@pytest.mark.e2e
def test_a_clients_folder_whose_link_leads_back_to_itself_is_an_error(site):
    """Not a folder that is not there yet: that would unpublish every portal
    and send the studio to `courtside new`, which cannot create it. An error
    naming it, the output as it was, without a traceback (Path.resolve
    raises on such a link)."""
    assert site.build().returncode == 0
    before = tree(site.output)
    shutil.rmtree(site.clients)
    site.clients.symlink_to(site.clients.name)
    for result in site.build(), site.courtside("check"), site.courtside("status"):
        out = result.stdout + result.stderr
        assert result.returncode == 1 and "Traceback" not in out, out
        assert "clients: the clients folder is a symbolic link to nothing" in out, out
        assert "no clients folder" not in out
    assert tree(site.output) == before


@pytest.mark.parametrize("kind", ["loop", "file"])
def test_new_names_a_clients_folder_it_cannot_create_a_file_in(empty_site, courtside, kind):
    """`courtside new`, which the build sends a studio without clients to,
    says why it cannot create the file, as check does, not 'File exists'."""
    shutil.rmtree(empty_site.clients, ignore_errors=True)
    if kind == "loop":
        empty_site.clients.symlink_to(empty_site.clients.name)
    else:
        empty_site.clients.write_text("", "utf-8")
    result = courtside(empty_site, "new", "acme", "--name", "Acme Ltd")
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in out, out
    assert "File exists" not in out and "Not a directory" not in out, out
    why = "a symbolic link to nothing" if kind == "loop" else "the clients folder is a file"
    assert f"clients: the clients folder is {why}" in out or f"clients: {why}" in out, out


def test_a_file_named_twice_is_checked_once(empty_site, monkeypatch, capsys):
    monkeypatch.chdir(empty_site.root)
    (empty_site.root / "content" / "agreements" / "plain.md").write_text("Fine.\n", "utf-8")
    empty_site.write_client("good", BASE.replace("    title: Site", "    titel: Site"))
    assert cli.main(["check", "--format", "json", "clients/good.yaml", "./clients/good.yaml"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert [p["path"] for p in problems] == ["projects[0].titel"]  # once, not once per name


def test_a_device_is_not_read(empty_site, monkeypatch, capsys):
    monkeypatch.chdir(empty_site.root)
    assert cli.main(["check", "/dev/zero"]) == 1
    assert "/dev/zero: not a regular file" in capsys.readouterr().out


# --- messages that say what to do ------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ("\tname: X\nprojects: []\n", "(a tab: indent with spaces, not tabs)"),
    ("name: X\nprojects:\n\t- id: p\n", "(a tab: indent with spaces, not tabs)"),
    ("just some text " * 40 + "\n", 'got "just some text just some text just some text just some tex… (text)'),
])
def test_a_file_that_is_not_yaml_or_not_a_mapping_gets_a_short_useful_message(tmp_path, text, words):
    path = tmp_path / "odd.yaml"
    path.write_text(text, "utf-8")
    _, _, problems = load_client(path, "UTC")
    assert len(problems) == 1 and words in problems[0].message, problems
    assert len(problems[0].message) < 200


def test_a_project_without_terms_gets_one_problem_naming_what_the_template_needs(empty_site,
                                                                                monkeypatch, capsys):
    monkeypatch.chdir(empty_site.root)
    empty_site.write_client("bare", """\
        name: Bare
        projects:
          - id: p
            title: P
            token: Bar3Test0Token1Abcdefgh
            milestones:
              - {title: A, owner: client, due: 2026-12-01}
        """)
    assert cli.main(["check"]) == 1
    [line, _] = capsys.readouterr().out.splitlines()
    assert line == ("clients/bare.yaml:3:5: projects[0]: the default agreement template 'standard' "
                    "(content/agreements/standard.md) needs terms: consequences, deposit, "
                    "grace_days, payment_days, response_days; add them under agreement: terms:, "
                    "or name another template")
