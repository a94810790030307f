"""The git reading layer (``gitlog.py``) against real repositories made in
temporary folders with plain ``git``: dates in the studio's zone, one version
per day, deletions, shallow clones, the working tree, and no trace of who
committed what or why."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import multiprocessing
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from courtside import gitlog
from courtside.gitlog import (
    HistoryIndex,
    Version,
    blob_id,
    blob_texts,
    history_inputs,
    history_key,
    read_index,
    versions_with_worktree,
)
from courtside.loader import load_client
from helpers import REPO

#: Words that must never reach the index: they are in messages, names, addresses and branches.
MARKERS = ("SECRET-MESSAGE", "Secret Author", "secret-author@example.invalid", "Secret Committer",
           "secret-committer@example.invalid", "secret-branch")


class Repo:
    """A git repository in a temporary folder, committed at chosen moments,
    without the machine's own git configuration."""

    def __init__(self, root: Path, branch: str = "secret-branch") -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)
        self.git("config", "user.name", "Secret Author")
        self.git("config", "user.email", "secret-author@example.invalid")

    def git(self, *args: str, when: str | None = None, cwd: Path | None = None) -> str:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
               "GIT_COMMITTER_NAME": "Secret Committer",
               "GIT_COMMITTER_EMAIL": "secret-committer@example.invalid"}
        if when:
            env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
        return subprocess.run(["git", *args], cwd=cwd or self.root, env=env, check=True,
                              capture_output=True, text=True).stdout

    def commit(self, when: str, files: dict[str, str | bytes | None]) -> None:
        """Write (or, for None, delete) ``files`` and commit them at ``when`` (ISO, with offset)."""
        for name, content in files.items():
            path = self.root / name
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
        self.git("add", "-A")
        self.git("commit", "-q", "-m", f"SECRET-MESSAGE at {when}", when=when)

    def blob(self, revision: str, name: str) -> str:
        return self.git("rev-parse", f"{revision}:{name}").strip()


@pytest.fixture
def repo(tmp_path) -> Repo:
    return Repo(tmp_path / "site")


@pytest.fixture(autouse=True)
def _no_repository_above_tmp(tmp_path, monkeypatch):
    """Git looks no further up than the test's folder, whatever holds it; the
    test's ``git cat-file`` processes end with it."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.resolve()))
    yield
    gitlog.close_readers()


def versions(index: HistoryIndex | None, path: Path) -> list[tuple[str, str]]:
    assert index is not None
    return [(version.day.isoformat(), version.blob) for version in index.files.get(str(path.resolve()), ())]


def test_versions_are_dated_in_the_studios_zone(repo):
    # 23:30 UTC is the next day in Vienna (UTC+1 in winter); 07:00 UTC is the
    # day before in Los Angeles.
    repo.commit("2026-01-05T23:30:00+00:00", {"clients/a.yaml": "v1\n"})
    repo.commit("2026-01-07T23:30:00+00:00", {"clients/a.yaml": "v2\n"})
    repo.commit("2026-01-09T07:00:00+00:00", {"clients/a.yaml": "v3\n"})
    blobs = [repo.blob(f"HEAD~{n}", "clients/a.yaml") for n in (2, 1, 0)]
    path = repo.root / "clients" / "a.yaml"

    vienna = read_index(repo.root / "clients", "Europe/Vienna")
    assert versions(vienna, path) == list(zip(["2026-01-06", "2026-01-08", "2026-01-09"], blobs,
                                              strict=True))
    los_angeles = read_index(repo.root / "clients", "America/Los_Angeles")
    assert versions(los_angeles, path) == list(zip(["2026-01-05", "2026-01-07", "2026-01-08"], blobs,
                                                   strict=True))
    assert vienna is not None and vienna.root == repo.root.resolve() and not vienna.shallow


def test_one_version_per_day_the_days_last(repo):
    path = repo.root / "clients" / "a.yaml"
    repo.commit("2026-02-02T09:00:00+01:00", {"clients/a.yaml": "v1\n"})
    repo.commit("2026-02-03T09:00:00+01:00", {"clients/a.yaml": "v2\n"})
    repo.commit("2026-02-03T17:00:00+01:00", {"clients/a.yaml": "v3\n"})
    repo.commit("2026-02-04T09:00:00+01:00", {"clients/a.yaml": "moved by mistake\n"})
    repo.commit("2026-02-04T09:30:00+01:00", {"clients/a.yaml": "v3\n"})  # reverted the same day
    index = read_index(repo.root / "clients", "Europe/Berlin")
    assert versions(index, path) == [("2026-02-02", repo.blob("HEAD~4", "clients/a.yaml")),
                                     ("2026-02-03", repo.blob("HEAD~2", "clients/a.yaml"))]


def test_a_clock_behind_keeps_its_own_day_and_the_order_of_commits(repo):
    # One commit with a clock far ahead must not take the dates of the ones after it.
    path = repo.root / "clients" / "a.yaml"
    repo.commit("2026-02-05T09:00:00+00:00", {"clients/a.yaml": "v1\n"})
    repo.commit("2026-02-03T09:00:00+00:00", {"clients/a.yaml": "v2\n"})
    repo.commit("2026-02-04T09:00:00+00:00", {"clients/a.yaml": "v3\n"})
    index = read_index(repo.root / "clients", "UTC")
    assert versions(index, path) == [("2026-02-05", repo.blob("HEAD~2", "clients/a.yaml")),
                                     ("2026-02-03", repo.blob("HEAD~1", "clients/a.yaml")),
                                     ("2026-02-04", repo.blob("HEAD", "clients/a.yaml"))]


def test_each_client_file_its_own_versions_and_only_client_files(repo):
    repo.commit("2026-03-02T10:00:00+00:00", {"clients/a.yaml": "a1\n", "clients/b.yaml": "b1\n",
                                              "clients/notes.txt": "n\n", "clients/old/c.yaml": "c\n",
                                              "content/page.md": "p\n"})
    repo.commit("2026-03-03T10:00:00+00:00", {"clients/b.yaml": "b2\n", "clients/old/c.yaml": "c2\n"})
    index = read_index(repo.root / "clients", "UTC")
    assert index is not None
    a, b = (str((repo.root / "clients" / name).resolve()) for name in ("a.yaml", "b.yaml"))
    assert sorted(index.files) == [a, b]
    assert [v.day.day for v in index.files[a]] == [2]
    assert [v.day.day for v in index.files[b]] == [2, 3]


def test_a_clients_folder_below_the_top_level_and_through_a_symlink(repo, tmp_path):
    repo.commit("2026-03-02T10:00:00+00:00", {"sites/studio/clients/a.yaml": "a1\n"})
    repo.commit("2026-03-04T10:00:00+00:00", {"sites/studio/clients/a.yaml": "a2\n"})
    link = tmp_path / "link"
    link.symlink_to(repo.root / "sites" / "studio" / "clients")
    for folder in (repo.root / "sites" / "studio" / "clients", link):
        index = read_index(folder, "UTC")
        assert [day for day, _ in versions(index, link / "a.yaml")] == ["2026-03-02", "2026-03-04"]
        assert history_key(index, folder / "a.yaml") == history_key(index, link / "a.yaml") != ""


def test_no_repository_no_history(tmp_path):
    (tmp_path / "clients").mkdir()
    assert read_index(tmp_path / "clients", "UTC") is None
    assert versions_with_worktree(None, tmp_path / "clients" / "a.yaml", "x", dt.date(2026, 1, 1)) == ()
    assert history_key(None, tmp_path / "clients" / "a.yaml") == ""


def test_no_git_no_history(repo, tmp_path, monkeypatch):
    repo.commit("2026-03-02T10:00:00+00:00", {"clients/a.yaml": "a1\n"})
    (tmp_path / "empty-bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert read_index(repo.root / "clients", "UTC") is None


def test_git_failing_no_history(repo, tmp_path, monkeypatch):
    repo.commit("2026-03-02T10:00:00+00:00", {"clients/a.yaml": "a1\n"})
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "nowhere"))
    assert read_index(repo.root / "clients", "UTC") is None


def test_a_fresh_repository_and_an_untracked_folder_have_no_versions(repo):
    (repo.root / "clients").mkdir()
    (repo.root / "clients" / "a.yaml").write_text("a\n")
    fresh = read_index(repo.root / "clients", "UTC")
    assert fresh == HistoryIndex(root=repo.root.resolve(), files={}, shallow=False)
    repo.commit("2026-03-02T10:00:00+00:00", {".gitignore": "clients/\n"})
    untracked = read_index(repo.root / "clients", "UTC")
    assert untracked is not None and untracked.files == {}


def test_a_shallow_clone_says_so_and_gives_what_it_has(repo, tmp_path):
    for day in range(1, 5):
        repo.commit(f"2026-04-0{day}T10:00:00+00:00", {"clients/a.yaml": f"v{day}\n"})
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "2", f"file://{repo.root}", str(clone))
    index = read_index(clone / "clients", "UTC")
    assert index is not None and index.shallow
    assert versions(index, clone / "clients" / "a.yaml") == [
        ("2026-04-03", repo.blob("HEAD~1", "clients/a.yaml")),
        ("2026-04-04", repo.blob("HEAD", "clients/a.yaml"))]


def test_a_file_deleted_and_added_again_or_renamed_keeps_its_history(repo):
    # Deleting and restoring (or `git mv`) must not wipe a history; whether the
    # file is still the same client is history.py's to decide.
    path = repo.root / "clients" / "a.yaml"
    text = "name: Acme\n" + "".join(f"line {n}\n" for n in range(20))
    repo.commit("2026-05-01T10:00:00+00:00", {"clients/a.yaml": text})
    repo.commit("2026-05-02T10:00:00+00:00", {"clients/a.yaml": text + "moved\n"})
    repo.commit("2026-05-03T10:00:00+00:00", {"clients/a.yaml": None})
    deleted = read_index(repo.root / "clients", "UTC")
    assert deleted is not None and deleted.files == {}
    repo.commit("2026-05-06T10:00:00+00:00", {"clients/a.yaml": text + "moved\n"})
    readded = read_index(repo.root / "clients", "UTC")
    assert [day for day, _ in versions(readded, path)] == ["2026-05-01", "2026-05-02"]
    repo.git("mv", "clients/a.yaml", "clients/acme.yaml")
    repo.commit("2026-05-07T10:00:00+00:00", {})
    renamed = read_index(repo.root / "clients", "UTC")
    assert [day for day, _ in versions(renamed, repo.root / "clients" / "acme.yaml")] == [
        "2026-05-01", "2026-05-02"]


def test_a_merge_is_dated_when_it_reached_the_built_branch(repo):
    path = repo.root / "clients" / "a.yaml"
    repo.commit("2026-06-01T10:00:00+00:00", {"clients/a.yaml": "v1\n"})
    repo.git("checkout", "-q", "-b", "edit")
    repo.commit("2026-06-02T10:00:00+00:00", {"clients/a.yaml": "draft\n"})
    repo.commit("2026-06-03T10:00:00+00:00", {"clients/a.yaml": "v2\n"})
    repo.git("checkout", "-q", "secret-branch")
    repo.git("merge", "-q", "--no-ff", "-m", "SECRET-MESSAGE merge", "edit", when="2026-06-05T10:00:00+00:00")
    index = read_index(repo.root / "clients", "UTC")
    assert versions(index, path) == [("2026-06-01", repo.blob("HEAD~1", "clients/a.yaml")),
                                     ("2026-06-05", repo.blob("HEAD", "clients/a.yaml"))]


def test_a_repository_named_by_paths_relative_to_where_the_build_starts_is_read(repo, monkeypatch):
    """``GIT_DIR=.git GIT_WORK_TREE=. make html`` names the repository from
    the site's folder, as git reads it there: the history is the same as
    without them, not missing because git runs in the clients folder."""
    path = repo.root / "clients" / "a.yaml"
    repo.commit("2026-06-01T10:00:00+00:00", {"clients/a.yaml": "v1\n"})
    repo.commit("2026-06-02T10:00:00+00:00", {"clients/a.yaml": "v2\n"})
    plain = read_index(repo.root / "clients", "UTC")
    assert [day for day, _ in versions(plain, path)] == ["2026-06-01", "2026-06-02"]
    monkeypatch.chdir(repo.root)
    for variables in ({"GIT_DIR": ".git", "GIT_WORK_TREE": "."},
                      {"GIT_DIR": "./.git", "GIT_WORK_TREE": ".", "GIT_INDEX_FILE": ".git/index"}):
        with monkeypatch.context() as env:
            for name, value in variables.items():
                env.setenv(name, value)
            assert read_index(Path("clients"), "UTC") == plain, variables
            assert blob_texts(repo.root, [versions(plain, path)[0][1]]) == ["v1\n"]
            gitlog.close_readers()


def test_a_saved_index_of_a_branch_merged_since_reads_the_published_line_again(repo, tmp_path):
    """A build of a branch (its saved index kept in the site's cache folder),
    then of the branch it was merged into: the branch's own commits were never
    published, so the versions are those a build without the saved index
    reads, the merge's day and not the branch's."""
    saved = tmp_path / "cache" / "index.json"
    path = repo.root / "clients" / "a.yaml"
    repo.commit("2026-06-01T10:00:00+00:00", {"clients/a.yaml": "v1\n"})
    repo.git("checkout", "-q", "-b", "edit")
    repo.commit("2026-06-02T10:00:00+00:00", {"clients/a.yaml": "draft\n"})
    repo.commit("2026-06-03T10:00:00+00:00", {"clients/a.yaml": "v2\n"})
    assert read_index(repo.root / "clients", "UTC", saved) is not None  # the branch, previewed
    repo.git("checkout", "-q", "secret-branch")
    repo.commit("2026-06-04T10:00:00+00:00", {"clients/b.yaml": "b\n"})
    repo.git("merge", "-q", "--no-ff", "-m", "SECRET-MESSAGE merge", "edit", when="2026-06-05T10:00:00+00:00")
    fresh = read_index(repo.root / "clients", "UTC")
    assert versions(fresh, path) == [("2026-06-01", repo.blob("HEAD~1", "clients/a.yaml")),
                                     ("2026-06-05", repo.blob("HEAD", "clients/a.yaml"))]
    assert read_index(repo.root / "clients", "UTC", saved) == fresh
    # And a commit on the published line since is read from the saved index as before.
    repo.commit("2026-06-06T10:00:00+00:00", {"clients/a.yaml": "v3\n"})
    assert read_index(repo.root / "clients", "UTC", saved) == read_index(repo.root / "clients", "UTC")


def test_a_commit_dated_beyond_the_year_9999_is_dated_on_the_last_day_there_is(repo):
    """Git keeps any committer time a clock gives it; one past what a date
    can hold is a clock far ahead like any other, not a build that stops."""
    path = repo.root / "clients" / "a.yaml"
    repo.commit("2026-06-01T10:00:00+00:00", {"clients/a.yaml": "v1\n"})
    repo.commit("@253402300800 +0000", {"clients/a.yaml": "v2\n"})  # 1 January 10000
    repo.commit("@99999999999999 +0000", {"clients/a.yaml": "v3\n"})
    repo.commit("2026-06-02T10:00:00+00:00", {"clients/a.yaml": "v4\n"})
    for zone in ("UTC", "Asia/Kathmandu", "America/Los_Angeles"):
        dated = versions(read_index(repo.root / "clients", zone), path)
        assert [day[:8] for day, _ in dated] == ["2026-06-", "9999-12-", "2026-06-"], zone
        assert [day for day, _ in dated][::2] == ["2026-06-01", "2026-06-02"]


def test_the_working_tree_is_todays_version_only_when_it_differs(repo):
    path = repo.root / "clients" / "a.yaml"
    repo.commit("2026-07-01T10:00:00+00:00", {"clients/a.yaml": "v1\n"})
    repo.commit("2026-07-02T10:00:00+00:00", {"clients/a.yaml": "v2\n"})
    index = read_index(repo.root / "clients", "UTC")
    assert index is not None
    committed = index.files[str(path.resolve())]
    today = dt.date(2026, 7, 9)
    assert versions_with_worktree(index, path, "v2\n", today) == committed  # a CI build
    assert versions_with_worktree(index, path, "v2\r\n", today) == committed  # an autocrlf checkout
    assert versions_with_worktree(index, path, "v3\n", today) == (*committed, Version(today, ""))
    # Committed today and edited since: the edit is today's version; back to
    # yesterday's text, today has no version.
    on_the_2nd = dt.date(2026, 7, 2)
    assert versions_with_worktree(index, path, "v3\n", on_the_2nd) == (committed[0], Version(on_the_2nd, ""))
    assert versions_with_worktree(index, path, "v1\n", on_the_2nd) == committed[:1]
    # A new file, not committed yet: what the next push publishes.
    assert versions_with_worktree(index, repo.root / "clients" / "new.yaml", "n\n", today) == (
        Version(today, ""),)


def test_a_files_kept_history_depends_on_today_only_where_its_history_does(repo):
    """``history_inputs``: a clean checkout's history is the same every day
    (a daily rebuild finds it kept), an edit not committed yet or a build
    dated before the last commit is the day's own; told by the text's blob
    id, which is git's own."""
    path = repo.root / "clients" / "a.yaml"
    repo.commit("2026-07-01T10:00:00+00:00", {"clients/a.yaml": "v1\n"})
    repo.commit("2026-07-03T10:00:00+00:00", {"clients/a.yaml": "v2 ü\n"})
    index = read_index(repo.root / "clients", "UTC")
    last = repo.blob("HEAD", "clients/a.yaml")
    assert blob_id("v2 ü\n".encode(), last) == last
    on = [dt.date(2026, 7, day) for day in (3, 4, 30)]
    assert len({history_inputs(index, path, "v2 ü\n", day) for day in on}) == 1  # a CI build, any day
    assert len({history_inputs(index, path, "v2 ü\r\n", day) for day in on}) == 1  # autocrlf
    edited = {history_inputs(index, path, "v3\n", day) for day in on}
    assert len(edited) == 3 and history_inputs(index, path, "v2 ü\n", on[0]) not in edited
    dated_back = dt.date(2026, 7, 2)  # SOURCE_DATE_EPOCH before the last commit
    assert history_inputs(index, path, "v2 ü\n", dated_back) != history_inputs(index, path, "v2 ü\n", on[0])
    # Another history of the same text (a rewritten past version) is other inputs.
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.commit("2026-07-02T10:00:00+00:00", {"clients/a.yaml": "v1.5\n"})
    repo.commit("2026-07-03T10:00:00+00:00", {"clients/a.yaml": "v2 ü\n"})
    rewritten = read_index(repo.root / "clients", "UTC")
    assert history_inputs(rewritten, path, "v2 ü\n", on[1]) != history_inputs(index, path, "v2 ü\n", on[1])


def test_a_blob_id_is_gits_in_either_hash(tmp_path):
    for form in ("sha1", "sha256"):
        folder = tmp_path / form
        subprocess.run(["git", "init", "-q", f"--object-format={form}", str(folder)], check=True)
        data = "name: Ä\r\n".encode()
        told = subprocess.run(["git", "-C", str(folder), "hash-object", "--stdin"], input=data,
                              capture_output=True, check=True).stdout.decode().strip()
        assert blob_id(data, told) == told and len(told) == (40 if form == "sha1" else 64)


def started_git(monkeypatch) -> list[list[str]]:
    """Every git command this process starts from now on (``subprocess.run``
    starts its process through ``Popen`` too)."""
    started: list[list[str]] = []
    popen = subprocess.Popen

    def spy(args, *rest, **kwargs):
        started.append(list(args))
        return popen(args, *rest, **kwargs)

    monkeypatch.setattr(gitlog.subprocess, "Popen", spy)
    return started


def test_nothing_about_who_committed_or_why_is_read(repo, monkeypatch):
    started = started_git(monkeypatch)
    repo.commit("2026-08-01T10:00:00+00:00", {"clients/a.yaml": "a1\n", "clients/b.yaml": "b1\n"})
    repo.commit("2026-08-02T10:00:00+00:00", {"clients/a.yaml": "a2\n"})
    index = read_index(repo.root / "clients", "UTC")
    assert index is not None and len(index.files) == 2
    shown = repr(index) + repr(pickle.loads(pickle.dumps(index)))
    assert [marker for marker in MARKERS if marker.lower() in shown.lower()] == []
    formats = [arg for args in started for arg in args if arg.startswith(("--format", "--pretty"))]
    assert formats == ["--format=%ct"]


def test_blob_texts_are_the_committed_texts(repo):
    texts = {"clients/a.yaml": "name: Müller & Söhne — Вена\n", "clients/b.yaml": "a: 1\r\nb: 2\r\n",
             "clients/c.yaml": ""}
    repo.commit("2026-08-01T10:00:00+00:00", texts)
    index = read_index(repo.root / "clients", "UTC")
    assert index is not None
    blobs = [index.files[str((repo.root / name).resolve())][0].blob for name in texts]
    assert blob_texts(index.root, blobs) == list(texts.values())
    assert blob_texts(index.root, blobs[:1]) == list(texts.values())[:1]  # the same reader, again
    with pytest.raises(gitlog.HistoryUnreadable):
        blob_texts(index.root, ["0" * 40])


def _texts_in_a_worker(index: HistoryIndex, blobs: list[str]) -> list[str]:
    return blob_texts(index.root, blobs)


def test_a_forked_worker_reads_through_its_own_reader(repo):
    repo.commit("2026-08-01T10:00:00+00:00", {"clients/a.yaml": "a1\n"})
    index = read_index(repo.root / "clients", "UTC")
    assert index is not None
    blobs = [v.blob for v in index.files[str((repo.root / "clients" / "a.yaml").resolve())]]
    assert blob_texts(index.root, blobs) == ["a1\n"]  # this process's reader, started before the fork
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(_texts_in_a_worker, (index, blobs)) == ["a1\n"]
    assert blob_texts(index.root, blobs) == ["a1\n"]


def test_the_history_key_changes_with_a_new_version(repo):
    path = repo.root / "clients" / "a.yaml"
    repo.commit("2026-09-01T10:00:00+00:00", {"clients/a.yaml": "a1\n", "clients/b.yaml": "b1\n"})
    before = read_index(repo.root / "clients", "UTC")
    repo.commit("2026-09-02T10:00:00+00:00", {"clients/b.yaml": "b2\n"})
    other_file = read_index(repo.root / "clients", "UTC")
    repo.commit("2026-09-03T10:00:00+00:00", {"clients/a.yaml": "a2\n"})
    after = read_index(repo.root / "clients", "UTC")
    assert history_key(before, path) == history_key(other_file, path) != history_key(after, path)


def test_the_benchmarks_history_is_honest_edits_of_valid_files(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synthetic import write_clients, write_history

    site = tmp_path / "site"
    write_clients(site / "clients", 3)
    assert write_history(site / "clients", 6, repository=site) == 18
    index = read_index(site / "clients", "Europe/Berlin")
    assert index is not None and len(index.files) == 3
    for name, history in index.files.items():
        assert len(history) == 6 and len({version.day for version in history}) == 6
        texts = blob_texts(index.root, [version.blob for version in history])
        assert texts[-1] == Path(name).read_text("utf-8")
        for earlier, later in zip(texts, texts[1:], strict=False):
            changed = [line for line in difflib.ndiff(earlier.splitlines(), later.splitlines())
                       if line[:1] in "+-"]
            assert 1 <= len(changed) <= 2, changed  # one line changed, or a done added
            (tmp_path / "version.yaml").write_text(earlier, "utf-8")
            client, _, problems = load_client(tmp_path / "version.yaml", "Europe/Berlin")
            assert client is not None, problems


def test_a_repository_git_refuses_to_read_is_said_not_silent(repo, monkeypatch):
    # As a CI container's checkout owned by another user: "dubious ownership".
    repo.commit("2026-03-02T10:00:00+00:00", {"clients/a.yaml": "a1\n"})
    refused = subprocess.CompletedProcess([], 128, b"", b"fatal: detected dubious ownership in repository\n")
    monkeypatch.setattr(gitlog, "_run", lambda folder, *args: refused)
    with pytest.raises(gitlog.HistoryUnreadable, match="dubious ownership"):
        read_index(repo.root / "clients", "UTC")
    # Not a repository at all: no history, and nothing to say.
    outside = subprocess.CompletedProcess([], 128, b"", b"fatal: not a git repository\n")
    monkeypatch.setattr(gitlog, "_run", lambda folder, *args: outside)
    assert read_index(repo.root / "clients", "UTC") is None


def test_a_saved_index_reads_only_the_commits_since_and_gives_the_same_versions(repo, tmp_path,
                                                                               monkeypatch):
    saved = tmp_path / "cache" / "index.json"
    path = repo.root / "clients" / "a.yaml"
    repo.commit("2026-03-02T10:00:00+00:00", {"clients/a.yaml": "a1\n"})
    first = read_index(repo.root / "clients", "UTC", saved)
    assert saved.is_file() and first is not None
    repo.commit("2026-03-03T10:00:00+00:00", {"clients/a.yaml": "a2\n"})
    calls = started_git(monkeypatch)
    again = read_index(repo.root / "clients", "UTC", saved)
    log = next(args for args in calls if "log" in args)
    assert any(".." in arg for arg in log)  # only the commits since the saved one
    assert again == read_index(repo.root / "clients", "UTC")  # as a full read gives
    assert [day for day, _ in versions(again, path)] == ["2026-03-02", "2026-03-03"]
    # Nothing committed since: no git log at all, and the saved index is left as it is.
    written = saved.stat().st_mtime_ns
    calls.clear()
    assert read_index(repo.root / "clients", "UTC", saved) == again
    assert not [args for args in calls if "log" in args] and saved.stat().st_mtime_ns == written
    # After a history rewritten under it, the saved changes are not used.
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.commit("2026-03-04T10:00:00+00:00", {"clients/a.yaml": "a3\n"})
    rewritten = read_index(repo.root / "clients", "UTC", saved)
    assert [day for day, _ in versions(rewritten, path)] == ["2026-03-02", "2026-03-04"]


def test_with_nothing_committed_since_the_versions_dated_last_time_are_read_in_that_zone_only(
        repo, tmp_path):
    """A rebuild with nothing committed since reads the versions the last
    build dated (versions.json beside the saved changes); in another time
    zone, or after another commit, they are dated again; a file that is not
    what a build wrote is not read."""
    saved = tmp_path / "cache" / "index.json"
    dated = saved.with_name("versions.json")
    # Committed late on 2 March in UTC: 3 March in Tokyo, 2 March in New York.
    repo.commit("2026-03-02T20:00:00+00:00", {"clients/a.yaml": "a1\n", "clients/b.yaml": "b1\n"})
    repo.git("mv", "clients/b.yaml", "clients/c.yaml")
    repo.commit("2026-03-03T20:00:00+00:00", {"clients/a.yaml": "a2\n"})
    fresh = {zone: read_index(repo.root / "clients", zone) for zone in ("Asia/Tokyo", "America/New_York")}
    assert fresh["Asia/Tokyo"] != fresh["America/New_York"]
    for zone in ("Asia/Tokyo", "America/New_York", "Asia/Tokyo"):
        assert read_index(repo.root / "clients", zone, saved) == fresh[zone]  # dates and saves
        assert json.loads(dated.read_text("utf-8"))["zone"] == zone
        assert read_index(repo.root / "clients", zone, saved) == fresh[zone]  # reads the saved
    kept = json.loads(dated.read_text("utf-8"))
    assert kept["paths"] and sum(kept["counts"]) == len(kept["days"]) == len(kept["blobs"])
    blob = kept["blobs"][0]
    one = {"paths": ["clients/a.yaml"], "counts": [1], "days": [739000], "blobs": [blob]}
    for tampered in ({**one, "days": [10 ** 9]}, {**one, "blobs": ["--output=/tmp/x".ljust(40, "0")]},
                     {**one, "days": ["1"]}, {**one, "days": [True]}, {**one, "days": [1, 2]},
                     {**one, "counts": [2]}, {**one, "counts": [0], "days": [], "blobs": []},
                     {**one, "paths": ["clients/a.yaml", "clients/a.yaml"], "counts": [1, 0]},
                     {**one, "paths": [7]}, {**one, "counts": [1.0]}, {**one, "blobs": blob},
                     {"head": "0" * 40}, {"paths": None}):
        dated.write_text(json.dumps({**kept, **tampered}), "utf-8")
        assert read_index(repo.root / "clients", "Asia/Tokyo", saved) == fresh["Asia/Tokyo"]
    # Dated by other code (an older Courtside, dating otherwise): dated again.
    read_index(repo.root / "clients", "Asia/Tokyo", saved)
    kept = json.loads(dated.read_text("utf-8"))
    shifted = [day + 1 for day in kept["days"]]
    dated.write_text(json.dumps({**kept, "days": shifted, "dated_by": "0" * 64}), "utf-8")
    assert read_index(repo.root / "clients", "Asia/Tokyo", saved) == fresh["Asia/Tokyo"]
    # Dated by other rules of the same zone (the tzdata of another year): dated again.
    assert kept["rules"]
    dated.write_text(json.dumps({**kept, "days": shifted, "rules": "0" * 64}), "utf-8")
    assert read_index(repo.root / "clients", "Asia/Tokyo", saved) == fresh["Asia/Tokyo"]
    # And what the same code dated is what is read (the check is not too strict).
    dated.write_text(json.dumps({**kept, "days": shifted}), "utf-8")
    assert [v.day for v in read_index(repo.root / "clients", "Asia/Tokyo", saved).files[
        str((repo.root / "clients" / "a.yaml").resolve())]] == \
        [v.day + dt.timedelta(days=1) for v in fresh["Asia/Tokyo"].files[
            str((repo.root / "clients" / "a.yaml").resolve())]]
    repo.commit("2026-03-05T10:00:00+00:00", {"clients/a.yaml": "a3\n"})
    assert read_index(repo.root / "clients", "Asia/Tokyo", saved) == \
        read_index(repo.root / "clients", "Asia/Tokyo")


def test_a_long_history_read_in_stretches_at_once_gives_the_same_versions(repo, monkeypatch):
    """Several ``git log`` of consecutive stretches of the first-parent line
    give exactly the versions one gives: merges, renames, deletions included."""
    repo.commit("2026-04-01T10:00:00+00:00", {"clients/a.yaml": "a1\n", "clients/b.yaml": "b1\n"})
    repo.git("checkout", "-q", "-b", "edit")
    repo.commit("2026-04-02T10:00:00+00:00", {"clients/a.yaml": "draft\n"})
    repo.git("checkout", "-q", "secret-branch")
    repo.commit("2026-04-03T10:00:00+00:00", {"clients/b.yaml": "b2\n"})
    repo.git("merge", "-q", "--no-ff", "-m", "SECRET-MESSAGE merge", "edit", when="2026-04-04T10:00:00+00:00")
    repo.git("mv", "clients/b.yaml", "clients/c.yaml")
    repo.commit("2026-04-05T10:00:00+00:00", {"clients/d.yaml": "d1\n"})
    repo.commit("2026-04-06T10:00:00+00:00", {"clients/d.yaml": None, "clients/a.yaml": "a3\n"})
    repo.commit("2026-04-07T10:00:00+00:00", {"clients/c.yaml": "c2\n", "content/page.md": "p\n"})
    whole = read_index(repo.root / "clients", "UTC")
    started = started_git(monkeypatch)
    monkeypatch.setattr(gitlog, "COMMITS_PER_PROCESS", 1)
    monkeypatch.setattr(gitlog.os, "cpu_count", lambda: 3)
    assert read_index(repo.root / "clients", "UTC") == whole
    assert len([args for args in started if "log" in args]) == 3
    assert versions(whole, repo.root / "clients" / "c.yaml") == [
        ("2026-04-01", repo.blob("HEAD~5", "clients/b.yaml")),
        ("2026-04-03", repo.blob("HEAD~4", "clients/b.yaml")),
        ("2026-04-07", repo.blob("HEAD", "clients/c.yaml"))]


def test_a_file_moved_into_or_out_of_the_clients_folder_is_added_or_deleted(repo):
    repo.commit("2026-05-01T10:00:00+00:00", {"clients/a.yaml": "name: A\n" * 20,
                                              "drafts/b.yaml": "name: B\n" * 20})
    repo.git("mv", "clients/a.yaml", "archive.yaml")
    repo.git("mv", "drafts/b.yaml", "clients/b.yaml")
    repo.commit("2026-05-03T10:00:00+00:00", {})
    index = read_index(repo.root / "clients", "UTC")
    assert index is not None
    assert sorted(Path(name).name for name in index.files) == ["b.yaml"]
    assert [day for day, _ in versions(index, repo.root / "clients" / "b.yaml")] == ["2026-05-03"]


def test_a_missing_blob_among_others_is_said_and_the_reader_reads_on(repo):
    repo.commit("2026-08-01T10:00:00+00:00", {"clients/a.yaml": "a1\n"})
    repo.commit("2026-08-02T10:00:00+00:00", {"clients/a.yaml": "a2\n"})
    index = read_index(repo.root / "clients", "UTC")
    assert index is not None
    blobs = [v.blob for v in index.files[str((repo.root / "clients" / "a.yaml").resolve())]]
    with pytest.raises(gitlog.HistoryUnreadable):
        blob_texts(index.root, [blobs[0], "0" * 40, blobs[1]])
    assert blob_texts(index.root, blobs * 300) == ["a1\n", "a2\n"] * 300  # in batches, in order


def test_a_saved_index_is_data_and_one_tampered_with_is_read_again(repo, tmp_path, monkeypatch):
    """A deploy may keep the saved index between runs (a CI cache): it is
    JSON, and a commit or blob id in it that is not one is never passed to git."""
    saved = tmp_path / "cache" / "index.json"
    repo.commit("2026-03-02T10:00:00+00:00", {"clients/a.yaml": "a1\n"})
    whole = read_index(repo.root / "clients", "UTC", saved)
    kept = json.loads(saved.read_text("utf-8"))
    assert kept["changes"] and "SECRET" not in saved.read_text("utf-8")
    for tampered in ({**kept, "head": "--output=/tmp/x"},
                     {**kept, "changes": [[1], ["a.yaml"], ["0" * 40 + "\nmissing"], [""]]},
                     {**kept, "changes": [[1, 2], ["a.yaml"], ["0" * 40], [""]]},
                     {**kept, "changes": [["1"], ["a.yaml"], ["0" * 40], [""]]},
                     {**kept, "changes": [[True], ["a.yaml"], ["0" * 40], [""]]},
                     {**kept, "changes": [[1], [7], ["0" * 40], [""]]},
                     {**kept, "changes": [[1], ["a.yaml"], ["-" + "0" * 39], [""]]},
                     {**kept, "changes": [[1, 2], ["a.yaml", "a.yaml"], ["0" * 39, "0" * 41], ["", ""]]},
                     {**kept, "changes": "a.yaml"}, [kept]):
        saved.write_text(json.dumps(tampered), "utf-8")
        started = started_git(monkeypatch)
        assert read_index(repo.root / "clients", "UTC", saved) == whole
        assert not [args for args in started if any("--output" in arg or "missing" in arg for arg in args)]
    saved.write_bytes(b"\x80 not JSON")
    assert read_index(repo.root / "clients", "UTC", saved) == whole


def test_a_workers_share_of_the_index_keys_its_files_as_the_whole_does(repo):
    repo.commit("2026-03-02T10:00:00+00:00", {"clients/a.yaml": "a1\n", "clients/b.yaml": "b1\n"})
    repo.commit("2026-03-03T10:00:00+00:00", {"clients/a.yaml": "a2\n"})
    index = read_index(repo.root / "clients", "UTC")
    a, b = repo.root / "clients" / "a.yaml", repo.root / "clients" / "b.yaml"
    share = index.only([a])
    assert share is not None and list(share.files) == [str(a.resolve())]
    assert history_key(share, a) == history_key(index, a) != ""
    assert versions_with_worktree(share, a, "a2\n", dt.date(2026, 3, 9)) == index.files[str(a.resolve())]
    assert history_key(share, b) == ""


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Australia/Lord_Howe", "America/St_Johns",
                                  "Asia/Kathmandu", "Pacific/Apia", "America/Sao_Paulo"])
def test_each_change_is_dated_on_the_studios_day_across_every_change_of_offset(zone):
    # Changes are dated by the zone's offset per quarter of an hour; a change
    # every seven minutes of two years (DST both ways, half-hour shifts, the
    # day Samoa skipped in 2011) keeps, of each day the zone itself says,
    # that day's last.
    changes = [(stamp, "a.yaml", f"{stamp:040x}", "")
               for stamp in range(1_293_840_000, 1_293_840_000 + 730 * 86_400, 7 * 60 + 1)]
    last_of_day = {dt.datetime.fromtimestamp(stamp, gitlog.ZoneInfo(zone)).date(): blob
                   for stamp, _, blob, _ in changes}
    versions = gitlog.collapse(changes, gitlog.ZoneInfo(zone))["a.yaml"]
    assert [(version.day, version.blob) for version in versions] == sorted(last_of_day.items())
