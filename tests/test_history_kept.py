"""Each client file's history kept between builds (``cache/courtside-history``),
as a deploy keeps it: the output folder and the build cache gone, the
history's folder restored. Real builds of a real repository; which git
commands a build runs is what git itself says with ``GIT_TRACE``, as a
studio could see it."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import time

import pytest
from test_history_builds import MARKERS, TOKEN, acme, committed_site, git

from helpers import EPOCH, text_of, tree

pytestmark = pytest.mark.e2e

DAY = 24 * 60 * 60


def kept(site) -> dict[str, bytes]:
    """The kept histories, by file name."""
    return {path.name: path.read_bytes()
            for path in sorted((site.root / "cache" / "courtside-history").glob("*.pickle"))}


def as_a_deploy(site) -> None:
    """What a deploy starts from: a checkout, with only the history's folder
    restored from the last run."""
    for name in ("output", "cache/courtside", "cache/courtside-templates"):
        shutil.rmtree(site.root / name, ignore_errors=True)


def traced_build(site, tmp_path, name: str, **kwargs) -> list[str]:
    """Build, and the git commands the build ran."""
    trace = tmp_path / f"{name}.trace"
    result = site.build(env={"GIT_TRACE": str(trace)}, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return git_commands(trace)


def git_commands(trace) -> list[str]:
    return [line.split("trace: built-in: ", 1)[1] for line in trace.read_text().splitlines()
            if "trace: built-in: " in line]


def reads_blobs(commands: list[str]) -> bool:
    return any(" cat-file " in command for command in commands)


def moves(site) -> list[str]:
    page = site.portal(TOKEN)
    return [text_of(li) for li in page.select("details.moves li")]


def test_a_deploy_with_the_history_kept_reads_no_past_version_and_writes_the_same_bytes(tmp_path):
    site = committed_site(tmp_path)
    assert reads_blobs(traced_build(site, tmp_path, "first"))
    first = tree(site.output)
    entries = kept(site)
    assert len(entries) == 2  # acme and the other client
    # Built again on this machine, every page comes whole from the build
    # cache and no history is derived: the kept ones are still in use.
    assert not reads_blobs(traced_build(site, tmp_path, "again"))
    assert kept(site) == entries

    as_a_deploy(site)
    commands = traced_build(site, tmp_path, "deploy")
    assert not reads_blobs(commands) and not any(" log " in c for c in commands)
    assert tree(site.output) == first
    assert kept(site) == entries

    # An entry holds dates and the values the portal shows, nothing of a
    # commit (message, author, e-mail, branch) and no token, past or present.
    acmes = [data for data in entries.values() if b"Texts and images" in data]
    assert len(acmes) == 1
    for data in entries.values():
        found = {marker for marker in (*MARKERS, TOKEN) if marker.encode() in data}
        # The other client's entry holds its own step's title, which its portal shows.
        assert found == (set() if data in acmes else {"OTHER-CLIENT-MARKER"})


def test_a_new_commit_to_one_file_derives_that_files_history_alone(tmp_path):
    site = committed_site(tmp_path)
    assert site.build().returncode == 0
    before = {path.name: path.stat().st_mtime_ns
              for path in (site.root / "cache" / "courtside-history").glob("*.pickle")}
    site.write_client("acme", acme(due="2026-11-27", grace=5, title="Texts and images", launch=False))
    git(site, "commit", "-qam", "MESSAGE-MARKER moved", day="2026-11-18")

    as_a_deploy(site)
    assert reads_blobs(traced_build(site, tmp_path, "deploy"))
    after = {path.name: path.stat().st_mtime_ns
             for path in (site.root / "cache" / "courtside-history").glob("*.pickle")}
    # The other client's entry is the one it had, untouched; acme's is new,
    # and its old one gone.
    assert len(after) == 2 and len(set(after) & set(before)) == 1
    same = (set(after) & set(before)).pop()
    assert after[same] == before[same]
    assert moves(site)[-1] == "Wed 18 Nov 2026: Fri 20 Nov 2026 → Fri 27 Nov 2026"


def test_a_rewritten_history_is_shown_as_it_is_now(tmp_path):
    site = committed_site(tmp_path)
    assert site.build().returncode == 0
    assert len(moves(site)) == 2
    # Force-pushed: the last two commits made again, the second to last with
    # another due date; the file as it is now is the same text as before.
    git(site, "reset", "-q", "--hard", "HEAD~2")
    site.write_client("acme", acme(due="2026-11-27", grace=5, status="paused"))
    git(site, "commit", "-qam", "MESSAGE-MARKER", day="2026-11-02")
    site.write_client("acme", acme(due="2026-11-20", grace=5, title="Texts and images", launch=False))
    git(site, "commit", "-qam", "MESSAGE-MARKER", day="2026-11-10")

    as_a_deploy(site)
    assert site.build().returncode == 0
    assert moves(site) == ["Tue 20 Oct 2026: Fri 6 Nov 2026 → Fri 13 Nov 2026",
                           "Mon 2 Nov 2026: Fri 13 Nov 2026 → Fri 27 Nov 2026",
                           "Tue 10 Nov 2026: Fri 27 Nov 2026 → Fri 20 Nov 2026"]
    # And with the build cache kept too (a build on the studio's machine).
    git(site, "reset", "-q", "--hard", "HEAD~1")
    site.write_client("acme", acme(due="2026-11-20", grace=5, title="Texts and images", launch=False))
    git(site, "commit", "-qam", "MESSAGE-MARKER", day="2026-11-11")
    assert site.build().returncode == 0
    assert moves(site)[-1] == "Wed 11 Nov 2026: Fri 27 Nov 2026 → Fri 20 Nov 2026"


def test_a_branch_previewed_then_merged_shows_the_day_it_was_merged_as_a_fresh_clone_does(tmp_path):
    """The studio builds a branch on its machine (its commits each on their
    day), then merges it: the portal shows the move on the merge's day, as a
    deploy from a fresh clone does, not the branch's unpublished steps."""
    site = committed_site(tmp_path)
    git(site, "checkout", "-q", "-b", "BRANCH-MARKER-edit")
    for day, due in (("2026-11-12", "2026-11-25"), ("2026-11-13", "2026-11-27")):
        site.write_client("acme", acme(due=due, grace=5, title="Texts and images", launch=False))
        git(site, "commit", "-qam", "MESSAGE-MARKER", day=day)
    assert site.build().returncode == 0
    assert moves(site)[-2:] == ["Thu 12 Nov 2026: Fri 20 Nov 2026 → Wed 25 Nov 2026",
                                "Fri 13 Nov 2026: Wed 25 Nov 2026 → Fri 27 Nov 2026"]
    git(site, "checkout", "-q", "BRANCH-MARKER")
    git(site, "merge", "-q", "--no-ff", "-m", "MESSAGE-MARKER", "BRANCH-MARKER-edit", day="2026-11-16")
    assert site.build().returncode == 0  # with everything the branch's build kept
    assert moves(site)[-1] == "Mon 16 Nov 2026: Fri 20 Nov 2026 → Fri 27 Nov 2026"
    merged = tree(site.output)
    shutil.rmtree(site.root / "cache")
    shutil.rmtree(site.output)
    assert site.build().returncode == 0
    assert tree(site.output) == merged


def test_an_uncommitted_edit_is_the_days_own_and_a_clean_checkout_is_kept_every_day(tmp_path):
    site = committed_site(tmp_path)
    committed = (site.clients / "acme.yaml").read_text("utf-8")
    site.write_client("acme", acme(due="2026-11-27", grace=5, title="Texts and images", launch=False))
    assert site.build(epoch=EPOCH).returncode == 0  # `courtside serve` on Monday ...
    assert moves(site)[-1] == "Mon 23 Nov 2026: Fri 20 Nov 2026 → Fri 27 Nov 2026"
    assert site.build(epoch=EPOCH + DAY).returncode == 0  # ... and on Tuesday
    assert moves(site)[-1] == "Tue 24 Nov 2026: Fri 20 Nov 2026 → Fri 27 Nov 2026"

    # Back to the committed text: the daily build of a clean checkout finds
    # every history kept, day after day.
    (site.clients / "acme.yaml").write_text(committed, "utf-8")
    assert site.build(epoch=EPOCH + DAY).returncode == 0
    entries = kept(site)
    for day in (2, 3):
        as_a_deploy(site)
        assert not reads_blobs(traced_build(site, tmp_path, f"day{day}", epoch=EPOCH + day * DAY))
        assert kept(site) == entries
    assert len(moves(site)) == 2


class Planted:
    """What someone able to write a CI cache could plant: an entry that,
    unpickled, calls a function of their choosing (here: creates a file)."""

    def __init__(self, marker) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


#: Entries that are not a kept history: the history is derived again, without a word.
SPOILED = {
    "torn": lambda data, marker: data[:len(data) // 2],
    "foreign": lambda data, marker: pickle.dumps({"not": "a history"}),
    # The workflows restore this folder from a CI cache: reading it must not
    # run code, whatever was put there.
    "planted": lambda data, marker: pickle.dumps(Planted(marker)),
}


@pytest.mark.parametrize("spoiled", SPOILED)
def test_an_entry_that_is_no_kept_history_is_derived_again_and_runs_nothing(tmp_path, spoiled):
    site = committed_site(tmp_path)
    assert site.build().returncode == 0
    first = tree(site.output)
    entries = kept(site)
    folder = site.root / "cache" / "courtside-history"
    marker = tmp_path / "ran"
    for name, data in entries.items():
        (folder / name).write_bytes(SPOILED[spoiled](data, marker))

    as_a_deploy(site)
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "history" not in (result.stdout + result.stderr).lower()
    assert not marker.exists()
    assert tree(site.output) == first
    assert kept(site) == entries  # derived again, and kept whole


def test_without_the_cache_nothing_is_kept(tmp_path):
    site = committed_site(tmp_path)
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8") + '\nCOURTSIDE["cache"] = False\n', "utf-8")
    assert site.build().returncode == 0
    assert len(moves(site)) == 2
    assert not (site.root / "cache" / "courtside-history").exists()


def test_an_entry_that_cannot_be_removed_costs_nothing_but_its_place(tmp_path):
    """A kept folder restored read-only, or owned by another user, cannot
    lose its stale entries: the build goes on and is the same. (Tests run as
    root, for whom no permission stops a removal: a folder in a stale
    entry's place is what cannot be removed here.)"""
    site = committed_site(tmp_path)
    folder = site.root / "cache" / "courtside-history"
    stale = folder / ("0" * 64 + ".pickle")
    stale.mkdir(parents=True)
    (stale / "inside").write_bytes(b"")
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(moves(site)) == 2
    assert stale.is_dir()
    assert len([path for path in folder.glob("*.pickle") if path.is_file()]) == 2


def test_a_file_saved_with_a_byte_order_mark_is_kept_from_day_to_day(tmp_path):
    """Notepad saves UTF-8 with a byte order mark, which the loader drops:
    the committed file is still its last commit's, and the next day's deploy
    reads no past version."""
    site = committed_site(tmp_path)
    path = site.clients / "acme.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    git(site, "commit", "-qam", "MESSAGE-MARKER saved on Windows", day="2026-11-15")
    assert site.build().returncode == 0
    entries = kept(site)
    as_a_deploy(site)
    assert not reads_blobs(traced_build(site, tmp_path, "next", epoch=EPOCH + DAY))
    assert kept(site) == entries
    assert len(moves(site)) == 2


def test_what_a_process_that_died_writing_left_is_removed_once_it_is_old(tmp_path):
    # An entry is written to a temporary file and renamed into place; a
    # build killed in between (or a full disk) leaves the temporary file,
    # which a CI cache would carry from run to run. One left an hour ago
    # goes; a fresh one may be another build's, being written, and stays.
    site = committed_site(tmp_path)
    folder = site.root / "cache" / "courtside-history"
    folder.mkdir(parents=True)
    left, writing = folder / f".{'1' * 64}.4242.tmp", folder / f".{'2' * 64}.4343.tmp"
    for path in (left, writing):
        path.write_bytes(b"half an entry")
    two_hours_ago = time.time() - 7200
    os.utime(left, (two_hours_ago, two_hours_ago))
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert not left.exists() and writing.exists()
    assert len(kept(site)) == 2


def test_status_reads_the_history_builds_keep_and_keeps_what_it_derives(tmp_path):
    """`courtside status` counts a project's moved dates from the history as
    a build reads it: a daily status of a studio's thousand clients reads no
    past version a build has kept, and a build after a status none that the
    status derived; the counts are the same either way."""
    site = committed_site(tmp_path)

    def status(name: str) -> tuple[int, list[str]]:
        trace = tmp_path / f"{name}.trace"
        result = site.courtside("status", "--json", "--client", "acme", env={"GIT_TRACE": str(trace)})
        assert result.returncode == 0, result.stderr
        [row] = json.loads(result.stdout)
        return row["moved_last_30_days"], git_commands(trace)

    # Today is 23 Nov 2026: of the two moves, 2 Nov is in the last 30 days, 20 Oct is not.
    moved, commands = status("first")
    assert moved == 1 and reads_blobs(commands)
    entries = kept(site)
    assert len(entries) == 2
    assert not reads_blobs(traced_build(site, tmp_path, "build"))
    assert kept(site) == entries
    assert len(moves(site)) == 2
    moved, commands = status("again")
    assert moved == 1 and not reads_blobs(commands)
    # The same counts without anything kept.
    shutil.rmtree(site.root / "cache")
    assert status("fresh")[0] == 1


def first_column_spoiled(saved: dict, column: str, spoil) -> dict:
    """``saved`` with the first value of its ``column`` (in versions.json a
    column; in index.json the changes' column by its position) spoiled."""
    if column in saved:
        return {**saved, column: [spoil(saved[column][0], saved), *saved[column][1:]]}
    changes = [list(values) for values in saved["changes"]]
    changes[int(column)][0] = spoil(changes[int(column)][0], saved)
    return {**saved, "changes": changes}


#: What the kept folder's two JSON files may hold, restored from a CI cache
#: that someone could write to, in a shape no build writes: (the file, its
#: column, the first value made into ...).
TAMPERED = {
    # Not a name at all (a list cannot even be counted among the others).
    "a list for a path": ("versions.json", "paths", lambda path, saved: [path]),
    # Another client's versions under acme's name, spelled from the root.
    "an absolute path": ("versions.json", "paths",
                         lambda path, saved: os.path.join(os.path.dirname(saved["folder"]),
                                                          saved["paths"][1])),
    "a path outside the clients folder": ("versions.json", "paths", lambda path, saved: "../" + path),
    # Changes dated where no calendar reaches.
    "a commit after the year 9999": ("index.json", "0", lambda timestamp, saved: 10 ** 15),
    "a commit before the year 1": ("index.json", "0", lambda timestamp, saved: -10 ** 15),
}


@pytest.mark.parametrize("tampered", TAMPERED)
def test_a_kept_index_in_a_shape_no_build_writes_is_read_again_from_git(tmp_path, courtside,
                                                                         tampered):
    """The build and `courtside status` (which reads the same folder) go on
    without a word, as if nothing were kept: the same pages as the first
    build, the same count of moved dates."""
    site = committed_site(tmp_path)
    assert site.build().returncode == 0
    first = tree(site.output)
    folder = site.root / "cache" / "courtside-history"
    name, column, spoil = TAMPERED[tampered]
    saved = json.loads((folder / name).read_text("utf-8"))
    spoiled = json.dumps(first_column_spoiled(saved, column, spoil))
    if name == "index.json":  # read only when the versions are to be dated again
        (folder / "versions.json").unlink()

    def acme_moved() -> int:
        (folder / name).write_text(spoiled, "utf-8")
        for entry in folder.glob("*.pickle"):
            entry.unlink()
        result = courtside(site, "status", "--json", "--client", "acme")
        assert result.returncode == 0, result.stderr
        [row] = json.loads(result.stdout)
        return row["moved_last_30_days"]

    assert acme_moved() == 1
    (folder / name).write_text(spoiled, "utf-8")
    as_a_deploy(site)
    for entry in folder.glob("*.pickle"):
        entry.unlink()
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree(site.output) == first


def test_a_cache_folder_no_path_leads_to_costs_the_commands_nothing(tmp_path, courtside):
    """CACHE_PATH through a symbolic link that leads to itself (a link left
    behind, an odd mount): the commands that read no cache work as before,
    and `courtside status`, which keeps nothing it cannot write, counts the
    moved dates from git."""
    site = committed_site(tmp_path)
    (site.root / "loop").symlink_to("loop")
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8") + '\nCACHE_PATH = "loop/cache"\n', "utf-8")
    result = courtside(site, "check")
    assert result.returncode == 0, result.stderr
    result = courtside(site, "status", "--json", "--client", "acme")
    assert result.returncode == 0, result.stderr
    assert [row["moved_last_30_days"] for row in json.loads(result.stdout)] == [1]


@pytest.mark.parametrize("name", ["index.json", "versions.json", "an entry"])
def test_a_named_pipe_in_the_history_folder_is_no_reason_to_wait(tmp_path, name):
    """A CI cache restores the folder as it was archived, named pipes too:
    one in a file's place is read as no file, not waited on for ever."""
    site = committed_site(tmp_path)
    assert site.build().returncode == 0
    first = tree(site.output)
    folder = site.root / "cache" / "courtside-history"
    path = folder / name if name != "an entry" else sorted(folder.glob("*.pickle"))[0]
    path.unlink()
    os.mkfifo(path)
    if name == "index.json":  # else the versions dated from it are read, and it is not
        (folder / "versions.json").unlink()
    as_a_deploy(site)
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert tree(site.output) == first
    status = site.courtside("status", "--json")
    assert status.returncode == 0, status.stderr


def _self_loop(path) -> None:
    path.symlink_to(path.name)


@pytest.mark.parametrize("odd", [os.mkfifo, _self_loop], ids=["a named pipe", "a link to itself"])
@pytest.mark.parametrize("name", ["courtside/manifest.json", "courtside/*.pickle",
                                  "courtside-templates/*/*.cache"])
def test_an_odd_entry_in_the_build_cache_costs_the_rebuild_nothing(tmp_path, name, odd):
    """The build cache and the compiled templates (which a CI cache restores
    too) hold whatever was put there: a named pipe in an entry's place is read
    as no entry, not waited on for ever, and a link to itself is no entry
    either, not the end of the build; the rebuild writes what it wrote."""
    site = committed_site(tmp_path)
    assert site.build().returncode == 0
    first = tree(site.output)
    path = sorted((site.root / "cache").glob(name))[0]
    if name.endswith(".pickle"):  # the portal's own entry: read on the rebuild
        (site.output / "p" / TOKEN / "index.html").unlink()
    path.unlink()
    odd(path)
    result = site.build()  # helpers.Site.run: a TimeoutExpired after 120 s
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert tree(site.output) == first


@pytest.mark.parametrize("odd", [os.mkfifo, _self_loop], ids=["a named pipe", "a link to itself"])
@pytest.mark.parametrize("name", ["cache", "cache/courtside"])
def test_a_cache_folder_that_is_no_folder_costs_the_build_nothing(site, name, odd):
    """The build cache's folder (or the whole cache) in a state no cache can
    be kept in: the build writes what it wrote before, without one."""
    assert site.build().returncode == 0
    first = tree(site.output)
    shutil.rmtree(site.root / name)
    odd(site.root / name)
    shutil.rmtree(site.output)
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert tree(site.output) == first
