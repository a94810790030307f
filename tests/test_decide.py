"""``courtside decide`` and ``courtside done``: a decision and a done date
recorded by changing one value and adding at most one key, in block and flow
style, LF and CRLF; every refusal leaves the file byte for byte. In-process
through ``cli.main``; one real build shows what was recorded."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re

import pytest

from helpers import EXAMPLE_TOKENS, text_of

BLOCK = """\
# yaml-language-server: $schema=../plugins/courtside/client.schema.json
# Gamma: signed in October.

name: "Gamma Ltd"   # as on the invoice
timezone: Europe/London

projects:
  # The big one.
  - id: shop          # keep this id
    title: 'Shop'
    token: Gx8qW3rT5yU7iO9pA1sD2f
    start: 2026-10-20
    agreement:
      template: plain
    milestones:
      # Kickoff first.
      - title: Kickoff
        owner: studio
        due: 2026-10-22   # moved once
        done: 2026-10-22

      - title: Content
        owner: client
        due: 2026-11-20   # Kim promised
        note: Texts and photos.
    log:
      - date: 2026-11-02
        by: client
        text: Extra careers page.
        change:
          status: approved
          days: 5

      # Asked on the phone.
      - date: 2026-11-16
        by: client
        text: A German version of the whole site.
        change:
          days: 10
          status: "proposed"   # waiting for Kim
          cost: "€2,400"
# Trailing comment.
"""

FLOW = """\
# Gamma, flow style.
name: Gamma Ltd
projects:
  - id: shop
    title: Shop
    token: Gx8qW3rT5yU7iO9pA1sD2f
    start: 2026-10-20
    agreement: {template: plain}
    milestones:
      - {title: Kickoff, owner: studio, due: 2026-10-22, done: 2026-10-22}   # on time
      - {title: Content, owner: client, due: 2026-11-20}

    log:
      - {date: 2026-11-02, by: client, text: Extra careers page., change: {status: approved, days: 5}}
      # Asked on the phone.
      - {date: 2026-11-16, by: client, text: "A German version, please", change: {status: proposed, days: 10}}
"""

#: (style, command, removed lines, added lines)
EDITS = [
    (BLOCK, ["decide", "gamma", "shop", "2", "--approved"],
     ['          status: "proposed"   # waiting for Kim'],
     ['          status: "approved"   # waiting for Kim', "          decided: 2026-11-23"]),
    (BLOCK, ["decide", "gamma", "shop", "a german", "--declined", "--date", "2026-11-20"],
     ['          status: "proposed"   # waiting for Kim'],
     ['          status: "declined"   # waiting for Kim', "          decided: 2026-11-20"]),
    (BLOCK, ["done", "gamma", "shop", "content"],
     [], ["        done: 2026-11-23"]),
    (BLOCK, ["done", "gamma", "shop", "kickoff", "--date", "2026-10-23"],
     ["        done: 2026-10-22"], ["        done: 2026-10-23"]),
    (FLOW, ["decide", "gamma", "shop", "2", "--approved", "--date", "2026-11-18"],
     ['      - {date: 2026-11-16, by: client, text: "A German version, please", '
      "change: {status: proposed, days: 10}}"],
     ['      - {date: 2026-11-16, by: client, text: "A German version, please", '
      "change: {status: approved, decided: 2026-11-18, days: 10}}"]),
    (FLOW, ["done", "gamma", "shop", "content", "--date", "2026-11-21"],
     ["      - {title: Content, owner: client, due: 2026-11-20}"],
     ["      - {title: Content, owner: client, due: 2026-11-20, done: 2026-11-21}"]),
    (FLOW, ["done", "gamma", "shop", "kickoff", "--date", "2026-10-21"],
     ["      - {title: Kickoff, owner: studio, due: 2026-10-22, done: 2026-10-22}   # on time"],
     ["      - {title: Kickoff, owner: studio, due: 2026-10-22, done: 2026-10-21}   # on time"]),
]


@pytest.fixture(autouse=True)
def _plain_agreement(request):
    if "empty_site" in request.fixturenames:
        site = request.getfixturevalue("empty_site")
        (site.root / "content" / "agreements" / "plain.md").write_text("Fine.\n", "utf-8")


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))[2:]
    return ([line[1:] for line in diff if line.startswith("-")],
            [line[1:] for line in diff if line.startswith("+")])


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("text, argv, removed, added", EDITS,
                         ids=[f"{'block' if t is BLOCK else 'flow'}-{' '.join(a[0:1] + a[3:])}"
                              for t, a, *_ in EDITS])
def test_an_edit_changes_exactly_the_lines_it_means(empty_site, courtside, text, argv,
                                                    removed, added, newline):
    path = empty_site.clients / "gamma.yaml"
    path.write_bytes(text.replace("\n", newline).encode())
    result = courtside(empty_site, *argv)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1 and "clients/gamma.yaml:" in result.stdout
    data = path.read_bytes()
    # Every line still ends as the file's lines end (old Mac files: a CR alone).
    assert not {b"\r", b"\n"} & set(re.findall(rb"[\r\n]", data.replace(newline.encode(), b"")))
    assert changed_lines(text, data.decode().replace(newline, "\n")) == (removed, added)
    check = courtside(empty_site, "check", "--format", "json")
    assert json.loads(check.stdout) == [], check.stdout


def test_a_tab_where_yaml_allows_one_does_not_stop_an_edit(empty_site, courtside):
    """A tab after a key's colon or before a comment is YAML: `courtside check`
    and the build read it, ruamel.yaml does not. The commands edit such a file
    as any other (they used to call it "not valid YAML" and send the studio to
    `courtside check`, which found nothing), and keep its tabs."""
    text = (BLOCK.replace("    token: Gx8", "    token:\tGx8")
            .replace("due: 2026-11-20   # Kim", "due: 2026-11-20\t# Kim")
            .replace('status: "proposed"   # waiting', 'status: "proposed"\t# waiting'))
    path = empty_site.clients / "gamma.yaml"
    path.write_text(text, "utf-8")
    assert courtside(empty_site, "check").returncode == 0
    for argv, removed, added in [
            (["done", "gamma", "shop", "content"], [], ["        done: 2026-11-23"]),
            (["decide", "gamma", "shop", "2", "--approved"],
             ['          status: "proposed"\t# waiting for Kim'],
             ['          status: "approved"\t# waiting for Kim', "          decided: 2026-11-23"]),
            (["rotate", "gamma", "shop"], ["    token:\tGx8qW3rT5yU7iO9pA1sD2f"], None)]:
        path.write_text(text, "utf-8")
        result = courtside(empty_site, *argv)
        assert result.returncode == 0, result.stderr
        lines = changed_lines(text, path.read_text("utf-8"))
        if added is None:  # a fresh token, where the old one stood
            assert lines[0] == removed and re.fullmatch(r"    token:\t[\w-]{22}", lines[1][0])
        else:
            assert lines == (removed, added)
        assert courtside(empty_site, "check").returncode == 0
    # Adding a project rewrites the file through ruamel.yaml, which would drop
    # the tabs: refused, named as every command names a file.
    path.write_text(text, "utf-8")
    refused = courtside(empty_site, "add-project", "gamma", "web", "--title", "Web")
    assert (refused.returncode, refused.stderr) == (1, (
        "courtside: clients/gamma.yaml is written in a style this command cannot keep exactly; "
        "add the project by hand (nothing was changed)\n"))
    assert path.read_text("utf-8") == text


def test_the_lines_printed(empty_site, courtside):
    empty_site.write_client("gamma", BLOCK)
    result = courtside(empty_site, "decide", "gamma", "shop", "2", "--approved")
    assert result.stdout == ("Approved change request 2 of gamma/shop, 'A German version of the "
                             "whole site.' (proposed 2026-11-16), on 2026-11-23: "
                             "clients/gamma.yaml:40\n")
    result = courtside(empty_site, "done", "gamma", "shop", "content", "--date", "2026-11-20")
    assert result.stdout == ("Marked 'content' of gamma/shop done on 2026-11-20: "
                             "clients/gamma.yaml:25\n")
    result = courtside(empty_site, "done", "gamma", "shop", "content", "--date", "2026-11-19")
    assert result.stdout == ("Changed the done date of 'content' of gamma/shop from 2026-11-20 "
                             "to 2026-11-19: clients/gamma.yaml:25\n")


REFUSED = [
    (["decide", "gama", "shop", "2", "--approved"],
     "clients/gama.yaml does not exist (clients: gamma); did you mean 'gamma'?"),
    (["decide", "gamma", "shopp", "2", "--approved"],
     "has no project 'shopp' (it has: shop); did you mean 'shop'?"),
    (["decide", "gamma", "shop", "3", "--approved"],
     "courtside: clients/gamma.yaml: project 'shop' has no change request '3' (give its number "
     "in file order, or the start of its text: 1 'Extra careers page.' (approved, 2026-11-02); "
     "2 'A German version of the whole site.' (proposed, 2026-11-16))\n"),
    (["decide", "gamma", "shop", "A Germn", "--approved"], "; did you mean 2?\n"),
    (["decide", "gamma", "shop", "1", "--declined"],
     "courtside: clients/gamma.yaml:31:19: projects[0].log[0].change.status: change request 1 "
     "is already approved; only a proposed change can be decided"),
    (["decide", "gamma", "shop", "2", "--approved", "--date", "2026-11-13"],
     # Named at the line the refused one would have followed: line 41 is the cost's.
     "courtside: clients/gamma.yaml:40: projects[0].log[1].change.decided: 2026-11-13 is "
     "before the change was proposed (2026-11-16, the entry's date); nothing was changed\n"),
    (["decide", "gamma", "shop", "2", "--approved", "--date", "2026-11-24"],
     "projects[0].log[1].change.decided: 2026-11-24 is after today (2026-11-23 in "
     "Europe/London)"),
    (["done", "gamma", "shop", "contnt"],
     "courtside: clients/gamma.yaml: project 'shop' has no milestone 'contnt' (its milestones: "
     "kickoff, content); did you mean 'content'?\n"),
    (["done", "gamma", "shop", "kickoff"],
     "courtside: clients/gamma.yaml:20:15: projects[0].milestones[0].done: 'kickoff' is already "
     "done (2026-10-22); give --date to correct the day it was finished\n"),
    (["done", "gamma", "shop", "kickoff", "--date", "2026-10-22"], "nothing to change"),
    (["done", "gamma", "shop", "content", "--date", "2026-11-24"],
     "courtside: clients/gamma.yaml:24: projects[0].milestones[1].done: 2026-11-24 is after "
     "today (2026-11-23 in Europe/London); write the day it was finished, once it is; nothing "
     "was changed\n"),
    (["done", "gamma", "shop", "content", "--date", "2026-10-19"],
     "projects[0].milestones[1].done: 2026-10-19 is before the project's start (2026-10-20); "
     "nothing was changed"),
]


@pytest.mark.parametrize("argv, words", REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_a_refusal_is_one_line_and_leaves_the_file_untouched(empty_site, courtside, argv, words):
    path = empty_site.write_client("gamma", BLOCK)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    before = path.read_bytes()
    result = courtside(empty_site, *argv)
    assert result.returncode == 1 and result.stdout == ""
    assert words in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert path.read_bytes() == before and path.stat().st_mtime == 1_000_000_000


#: Refusals of an edit within one line (flow style): at that line, and at a
#: column only where the line as it is still has the refused text there.
REFUSED_IN_FLOW = [
    # Column 110 was the refused date's in the edited line; in line 17 as it is, the last brace.
    (["decide", "gamma", "shop", "2", "--approved", "--date", "2026-11-13"],
     "courtside: clients/gamma.yaml:17: projects[0].log[1].change.decided: 2026-11-13 is before "
     "the change was proposed (2026-11-16, the entry's date); nothing was changed\n"),
    (["done", "gamma", "shop", "content", "--date", "2026-11-24"],
     # (Column 64 was past the end of line 12.)
     "courtside: clients/gamma.yaml:12: projects[0].milestones[1].done: 2026-11-24 is after "
     "today (2026-11-23 in Europe/London); write the day it was finished, once it is; nothing "
     "was changed\n"),
    # A date corrected in place: its column is the old date's.
    (["done", "gamma", "shop", "kickoff", "--date", "2026-10-19"],
     "courtside: clients/gamma.yaml:11:64: projects[0].milestones[0].done: 2026-10-19 is before "
     "the project's start (2026-10-20); nothing was changed\n"),
]


@pytest.mark.parametrize("argv, message", REFUSED_IN_FLOW,
                         ids=[" ".join(a) for a, _ in REFUSED_IN_FLOW])
def test_a_refusal_in_flow_style_names_a_place_the_file_has(empty_site, courtside, argv, message):
    text = FLOW.replace("name: Gamma Ltd\n", "name: Gamma Ltd\ntimezone: Europe/London\n")
    path = empty_site.write_client("gamma", text)
    before = path.read_bytes()
    result = courtside(empty_site, *argv)
    assert (result.returncode, result.stderr) == (1, message)
    assert path.read_bytes() == before


def test_a_change_text_that_starts_two_requests_is_ambiguous(empty_site, courtside):
    path = empty_site.write_client("gamma", BLOCK.replace("text: Extra careers", "text: A careers"))
    before = path.read_bytes()
    result = courtside(empty_site, "decide", "gamma", "shop", "a", "--approved")
    assert result.returncode == 1
    assert "2 change requests of project 'shop' start with 'a'" in result.stderr
    assert path.read_bytes() == before


def test_an_edit_that_cannot_keep_the_style_is_refused(empty_site, courtside):
    # Two milestones share one mapping through an alias: writing done once
    # would mark both.
    text = FLOW.replace("      - {title: Content, owner: client, due: 2026-11-20}\n",
                        "      - &c {title: Content, owner: client, due: 2026-11-20}\n"
                        "      - *c\n")
    path = empty_site.write_client("gamma", text)
    result = courtside(empty_site, "done", "gamma", "shop", "content")
    assert result.returncode == 1 and "cannot keep exactly" in result.stderr
    assert path.read_text("utf-8") == text


def test_an_invalid_file_is_not_edited(empty_site, courtside):
    text = BLOCK.replace("    start: 2026-10-20\n", "    start: 2026-10-20\n    colour: red\n")
    path = empty_site.write_client("gamma", text)
    result = courtside(empty_site, "done", "gamma", "shop", "content")
    assert result.returncode == 1
    # Named at its line, as check names it, not only "has errors".
    assert result.stderr == (
        "courtside: clients/gamma.yaml:13:5: projects[0].colour: unknown key (allowed here: "
        "agreement, calendar, id, language, log, milestones, notices, password_env, paused_reason, "
        "reminders, start, status, title, token); fix it first (courtside check), nothing was "
        "changed\n")
    assert path.read_text("utf-8") == text
    # Two mistakes: the first is named, and check lists the rest.
    text = text.replace("    colour: red\n", "    colour: red\n    size: big\n")
    path.write_text(text, "utf-8")
    result = courtside(empty_site, "done", "gamma", "shop", "content")
    assert result.returncode == 1 and result.stderr.startswith(
        "courtside: clients/gamma.yaml:13:5: projects[0].colour: unknown key")
    assert result.stderr.endswith("; fix it first (1 more, courtside check), nothing was changed\n")
    assert path.read_text("utf-8") == text


@pytest.mark.e2e
def test_a_decision_and_a_done_date_show_on_the_built_page(site):
    for argv in (["decide", "acme", "website-redesign", "2", "--approved", "--date", "2026-11-20"],
                 ["done", "acme", "website-redesign", "content", "--date", "2026-11-19"]):
        result = site.courtside(*argv)
        assert result.returncode == 0, result.stderr
    assert site.courtside("check").returncode == 0
    built = site.build()
    assert built.returncode == 0, built.stderr
    page = site.portal(EXAMPLE_TOKENS["acme", "website-redesign"])
    changes = [[text_of(cell) for cell in row.find_all(["th", "td"])]
               for row in page.select("table.changes tbody tr")]
    assert changes[0] == ["Mon 16 Nov 2026", "Would like a German version of the whole site.",
                          "Approved Fri 20 Nov 2026", "+10 business days", "€2,400"]
    assert "awaiting decision" not in text_of(page.select_one(".change-totals"))
    assert "Current step: Build and first review" in text_of(page)


def test_without_a_date_it_is_today_where_the_client_is(empty_site, courtside):
    # 03:00 UTC on Fri 27 Nov is still Thu 26 Nov in New York: the client's
    # today is the default, and the loader measures "not after today" there too.
    text = (empty_site.root / "pelicanconf.py").read_text("utf-8")
    assert "Europe/Berlin" in text
    empty_site.write_client("ny", """\
name: New York Client
timezone: America/New_York
projects:
  - id: site
    title: Site
    token: NewYorkClientTokenAbcd
    agreement: {template: short}
    milestones:
      - {id: drafts, title: Drafts, owner: client, due: 2026-11-20}
""")
    (empty_site.root / "content" / "agreements" / "short.md").write_text("Short.\n", "utf-8")
    epoch = int(dt.datetime(2026, 11, 27, 3, tzinfo=dt.UTC).timestamp())
    result = courtside(empty_site, "done", "ny", "site", "drafts", epoch=epoch)
    assert result.returncode == 0, result.stderr
    assert "done: 2026-11-26" in (empty_site.clients / "ny.yaml").read_text("utf-8")
