"""`make example-history`: the sample site built in a throwaway repository
with a short scripted history of Acme's client file, read as a client
would read the portal and its calendar."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import icalendar
import pytest
from bs4 import BeautifulSoup

from helpers import EPOCH, EXAMPLE_SITE, EXAMPLE_TOKENS, REPO, text_of, tree

pytestmark = pytest.mark.e2e

ACME = EXAMPLE_TOKENS[("acme", "website-redesign")]
SCRIPT = REPO / "scripts" / "example_history.py"


def run(*argv: str, path: str | None = None, **more: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH), **({"PATH": path} if path else {}), **more}
    return subprocess.run([sys.executable, str(SCRIPT), *argv], env=environ, capture_output=True,
                          text=True, check=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("example") / "history"
    result = run("--site", str(EXAMPLE_SITE), "--into", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    return folder, result


def portal(folder):
    page = folder / "output" / "p" / ACME / "index.html"
    return BeautifulSoup(page.read_text("utf-8"), "html.parser")


def test_the_portal_shows_the_scripted_moves_beside_their_dates(built):
    folder, result = built
    page = portal(folder)
    assert [text_of(d.summary) for d in page.select("details.moves")] == [
        "moved once, first agreed Fri 30 Oct 2026", "moved 2 times, first agreed Fri 20 Nov 2026"]
    build = next(r for r in page.select("table.schedule tbody tr") if "Build and first review" in text_of(r))
    assert [text_of(li) for li in build.select("details.moves li")] == [
        "Wed 28 Oct 2026: Fri 20 Nov 2026 → Fri 27 Nov 2026",
        "Tue 10 Nov 2026: Fri 27 Nov 2026 → Fri 4 Dec 2026"]
    page_path = folder / "output" / "p" / ACME / "index.html"
    assert result.stdout.strip().endswith(f"open {page_path}")


def test_the_paper_trail_and_the_agreement_show_what_was_recorded(built):
    page = portal(built[0])
    recorded = [text_of(li) for li in page.select("ol.trail li.trail--recorded")]
    assert any("Changed after signing on Tue 10 Nov 2026: grace period for Acme Corp: "
               "10 business days → 5 business days" in entry for entry in recorded)
    assert any("“Content workshop” was removed from the schedule" in entry for entry in recorded)
    assert all("recorded automatically" in entry for entry in recorded)


def test_the_feed_says_when_a_moved_date_was_first_agreed(built):
    feed = icalendar.Calendar.from_ical(
        (built[0] / "output" / "p" / ACME / "calendar.ics").read_bytes())
    descriptions = {str(e["SUMMARY"]): str(e["DESCRIPTION"]) for e in feed.walk("VEVENT")}
    build = next(text for summary, text in descriptions.items() if "Build and first review" in summary)
    assert "First agreed: Fri 20 Nov 2026" in build


def test_a_repository_named_by_the_caller_is_not_the_one_built(built, tmp_path):
    # As in a git hook or `git rebase --exec`, which set GIT_DIR: the build
    # must read the throwaway repository's history, not the caller's.
    folder, _ = built
    again = tmp_path / "history"
    result = run("--site", str(EXAMPLE_SITE), "--into", str(again),
                 GIT_DIR=str(REPO / ".git"), GIT_WORK_TREE=str(REPO))
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree(again / "output") == tree(folder / "output")


def test_two_runs_at_once_make_one_whole_site(built, tmp_path):
    # Before: each emptied the folder under the other, and git or the build
    # failed with a traceback, or both did and left a broken repository.
    folder, _ = built
    again = tmp_path / "history"
    environ = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)}
    runs = [subprocess.Popen([sys.executable, str(SCRIPT), "--site", str(EXAMPLE_SITE), "--into", str(again)],
                             env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    ended = [(run.wait(), run.stderr.read()) for run in runs]
    assert any(code == 0 for code, _ in ended)
    for code, said in ended:
        assert code == 0 or said == (f"example-history: another run is making {again}; "
                                     "open its page when it is done\n")
    assert tree(again / "output") == tree(folder / "output")


def test_a_second_run_makes_the_same_site_again(built, tmp_path):
    folder, _ = built
    again = tmp_path / "history"
    assert run("--site", str(EXAMPLE_SITE), "--into", str(again)).returncode == 0
    assert tree(again / "output") == tree(folder / "output")


def test_an_edited_example_is_said_and_nothing_is_built(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site)
    client = site / "clients" / "acme.yaml"
    client.write_text(client.read_text("utf-8").replace("due: 2026-12-04", "due: 2026-12-11"), "utf-8")
    result = run("--site", str(site), "--into", str(tmp_path / "history"))
    assert result.returncode == 1
    assert result.stderr.strip() == (f"example-history: {client} is no longer the shipped example "
                                      "(no line 'due: 2026-12-04'): the scripted history is of that file")
    assert not (tmp_path / "history").exists()


def test_a_folder_it_did_not_make_is_never_emptied(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", "utf-8")
    result = run("--site", str(EXAMPLE_SITE), "--into", str(mine))
    assert result.returncode == 1
    assert "is not one this script made" in result.stderr
    assert (mine / "notes.txt").read_text("utf-8") == "keep me"


def test_without_git_it_says_what_is_missing_in_one_line(tmp_path):
    result = run("--site", str(EXAMPLE_SITE), "--into", str(tmp_path / "history"), path=str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == ("example-history: git is needed to make the throwaway repository, "
                             "and is not on the PATH\n")
