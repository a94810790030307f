"""The committed versions of each client file, read from the site's git repository.

A client's page can show every date that moved and every term that changed
only if the build knows each earlier version of the client's file and the day
it was published. This module reads that from git, and nothing else: the
committer's timestamp of each commit and the blob ids and contents of the
client files. Commit messages, names, e-mail addresses and branch names are
never asked for, so they cannot reach a page.

A whole build costs one ``git log`` over the clients folder (``read_index``),
and each process that renders clients one long-lived ``git cat-file --batch``
(``blob_texts``): never a git process per commit or per file, and no
``cat-file`` at all for a file whose history an earlier build kept
(``client_history``'s ``kept``, found by ``history_inputs``). The index is
plain frozen data, so it pickles into the build's worker processes.

What counts as a version:

- the history of the published line: ``--first-parent``, with a merge dated
  by its own commit (the day its changes reached the branch that is built);
- one version per day in the studio's time zone, the day's last one, when
  it differs from the one before (an edit committed and reverted on one day
  never happened; a commit that only changes a file's mode changes nothing
  a client sees); a commit dated before
  its parent (a skewed clock) keeps its own day, so one clock far ahead
  does not take the dates of the commits after it;
- a file deleted (or no longer a regular file) and later added again keeps
  its history, as a renamed file does (``history.same_client`` starts it
  afresh when it became another client's);
- without git (no work tree, no ``git`` executable, git failing) there is no
  history and no error; a shallow clone says so (``shallow``) and gives the
  versions it has.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import functools
import hashlib
import importlib.resources
import json
import logging
import os
import re
import subprocess
import tempfile
import threading
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from .files import read_regular, real_path, write_cache_file
from .history import ProjectHistory, project_histories
from .loader import MAX_FILE_BYTES
from .model import Client, with_studio_terms
from .pastversions import Known, Reader
from .problems import display_path
from .yamlsource import Document

logger = logging.getLogger(__name__)

#: Only the committer's timestamp: no message, name, e-mail or ref is requested.
LOG_FORMAT = "%ct"
#: A raw line's status for a file that is gone after the commit.
DELETED = "D"
#: Modes of a regular file in a tree; anything else (a symlink, a submodule) is no client file.
REGULAR_FILE_MODES = frozenset({"100644", "100755"})
#: The user's configuration that would change what ``git log`` prints, pinned.
CONFIG = ("core.quotepath=off", "log.showSignature=false", "log.follow=false", "color.ui=never",
          "diff.relative=false", "core.pager=cat",
          # Objects are read in order, each a delta of the one read just before:
          # git's default cache of 96 MB per process held three times what the
          # reading needs, in every worker's `cat-file` and every `log`.
          "core.deltaBaseCacheLimit=16m")
#: Environment variables that name a repository's parts by a path, perhaps relative.
PATH_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE",
                  "GIT_OBJECT_DIRECTORY")
#: Environment variables that would change how a pathspec is matched.
PATHSPEC_VARIABLES = ("GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS",
                      "GIT_ICASE_PATHSPECS")


@dataclass(frozen=True)
class Version:
    """One published version of a client file."""

    day: dt.date  # the committer's date in the studio's time zone; today for the working tree
    blob: str     # the git blob id; "" for the working tree's text


class DatedFiles(Mapping[str, tuple[Version, ...]]):
    """Each client file's versions by path, held as the days' ordinals and
    the blob ids (the shape ``versions.json`` saves them in) and made into
    versions only for the files asked for: a rebuild after one edit
    needs one file's versions and every other file's key alone."""

    def __init__(self, columns: Mapping[str, tuple[Sequence[int], Sequence[str]]]) -> None:
        self._columns = columns
        self._made: dict[str, tuple[Version, ...]] = {}

    def __getitem__(self, path: str) -> tuple[Version, ...]:
        made = self._made.get(path)
        if made is None:
            days, blobs = self._columns[path]
            made = self._made[path] = tuple(map(Version, map(dt.date.fromordinal, days), blobs))
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __reduce__(self) -> tuple[type[DatedFiles], tuple[Mapping[str, Any]]]:
        return DatedFiles, (self._columns,)  # sent to a worker without the versions made here

    def columns(self, path: str) -> tuple[Sequence[int], Sequence[str]]:
        return self._columns.get(path, ((), ()))

    def only(self, paths: Iterable[str]) -> DatedFiles:
        return DatedFiles({path: self._columns[path] for path in paths if path in self._columns})


def versions_key(days: Sequence[int], blobs: Sequence[str]) -> str:
    """What identifies a file's versions (their days' ordinals and blob ids):
    made from the columns, not from ``Version`` objects."""
    return " ".join(map("{}:{}".format, days, blobs))


@dataclass(frozen=True)
class HistoryIndex:
    """Every client file's versions, read once per build."""

    root: Path           # the repository's top level, symlinks resolved
    files: DatedFiles    # by resolved absolute path; oldest first, one per day
    shallow: bool        # a shallow clone: older versions are missing
    _folders: dict[Path, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def only(self, paths: Iterable[Path]) -> HistoryIndex:
        """The index of ``paths`` alone: what a worker building them needs
        (the whole index is megabytes, and was sent with every share of work)."""
        return replace(self, files=self.files.only({self._resolved(path) for path in paths}))

    def _resolved(self, path: Path) -> str:
        """``str(path.resolve())``, with the folder resolved once: a file in
        it that is no symbolic link is named by the folder's real path."""
        if os.path.islink(path):
            return str(real_path(path))
        folder = self._folders.get(path.parent)
        if folder is None:
            folder = self._folders[path.parent] = str(real_path(path.parent))
        return os.path.join(folder, path.name)

    def versions(self, path: Path) -> tuple[Version, ...]:
        """The committed versions of the file at ``path``, oldest first."""
        name = self._resolved(path)
        return self.files.get(name, ())

    def key(self, path: Path) -> str:
        """What identifies the file's committed versions (``versions_key``)."""
        return versions_key(*self.files.columns(self._resolved(path)))

    def latest_day(self, path: Path) -> dt.date | None:
        """The latest of the days of the file's versions (a commit's clock may
        put one before the version before)."""
        days = self.files.columns(self._resolved(path))[0]
        return dt.date.fromordinal(max(days)) if days else None


class HistoryUnreadable(OSError):
    """Git could not give the contents of a repository's blobs."""

    def __init__(self, root: Path, reason: str) -> None:
        #: What is said of the repository, without its path (``reason``: git's own words).
        self.problem = f"cannot read the history of the client files: {reason}"
        super().__init__(f"{root}: {self.problem}")
        self.root = root
        self.reason = reason


def _environment() -> dict[str, str]:
    """The caller's environment (it may name the repository: GIT_DIR), with no
    prompt, no pager, untranslated messages and pathspecs as written."""
    environment = {name: value for name, value in os.environ.items() if name not in PATHSPEC_VARIABLES}
    # Git reads these from the folder it starts in, which is the clients
    # folder (-C), not the one the caller named them from.
    for name in PATH_VARIABLES:
        if environment.get(name) and not os.path.isabs(environment[name]):
            environment[name] = os.path.abspath(environment[name])
    environment.update(GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat", PAGER="cat", LC_ALL="C")
    return environment


def _git(folder: Path, *args: str) -> list[str]:
    return ["git", "--no-pager", "-C", str(folder), *(part for item in CONFIG for part in ("-c", item)),
            *args]


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    """``git args`` in ``folder``; None when git cannot be started at all."""
    try:
        return subprocess.run(_git(folder, *args), stdin=subprocess.DEVNULL, capture_output=True,
                              env=_environment(), check=False)
    except OSError:  # no git executable, or not one we may run
        return None


def read_index(clients_folder: Path, zone: str, saved: Path | None = None) -> HistoryIndex | None:
    """The versions of every ``*.yaml`` directly in ``clients_folder``, dated
    in the IANA time zone ``zone``; None when git cannot tell. With ``saved``
    (a file in the build's cache), the changes read last time are kept there
    and only the commits since are read: a rebuild costs no ``git log`` of
    the whole history."""
    folder = real_path(clients_folder)
    if not folder.is_dir():  # no clients yet: no history to read
        return None
    found = _run(folder, "rev-parse", "--show-toplevel", "--is-shallow-repository",
                 "--verify", "-q", "HEAD")
    if found is None or b"not a git repository" in found.stderr:
        return None  # no git, or no repository: no history, and nothing to say
    if found.returncode not in (0, 1):  # a repository git will not read ("dubious ownership")
        raise HistoryUnreadable(folder, _refusal(found.stderr))
    lines = found.stdout.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 2:
        return None
    root, shallow = Path(lines[0]), lines[1] == "true"
    has_commits = found.returncode == 0 and len(lines) == 3
    if not has_commits:  # a fresh `git init`: a repository, with no history yet
        return HistoryIndex(root=root, files=DatedFiles({}), shallow=shallow)
    if not folder.is_relative_to(root):  # GIT_DIR and GIT_WORK_TREE name another tree
        return None
    wanted, head = folder.relative_to(root), lines[2]
    # The folder's path from the top level, as the changes' paths start.
    inside = wanted.as_posix() + "/" if wanted.parts else ""
    if shallow:  # deepened later (`git fetch --unshallow`), the same HEAD has more history
        saved = None
    dated = saved.with_name(_DATED) if saved else None
    files = _saved_versions(dated, folder, inside, head, zone) if dated else None
    if files is None:  # something committed since the last build, or another time zone
        files = _dated_changes(folder, inside, head, zone, saved, dated)
    files = _with_staged_renames(files, folder, inside)
    return HistoryIndex(root=root, files=DatedFiles(
        {os.path.join(root, path): columns for path, columns in files.items()}), shallow=shallow)


def _dated_changes(folder: Path, inside: str, head: str, zone: str, saved: Path | None,
                   dated: Path | None) -> dict[str, tuple[list[int], list[str]]]:
    """The versions of the changes git lists (only those since the ones
    ``saved``), dated in ``zone``; both saved for the next build."""
    known = _saved_changes(saved, folder, head) if saved else None
    since = known[0] if known else None
    # The folder as --relative, not as a pathspec: the same changes (renames
    # are found among the folder's files only), named from the folder, at
    # half the cost (a pathspec makes git diff every commit's tree twice).
    log = ["log", "--first-parent", "--diff-merges=first-parent", "--root", "--raw", "--no-abbrev",
           "--find-renames", f"--relative={inside}" if inside else "--no-relative", "--no-color",
           "--no-ext-diff", "-z", f"--format={LOG_FORMAT}"]
    outputs = _run_all(folder, [[*log, revisions] for revisions in _ranges(folder, since, head)]
                       if since != head else [])  # nothing committed since the last build
    changes = [*(known[1] if known else ()),
               *((timestamp, inside + path, blob, renamed and inside + renamed)
                 for timestamp, path, blob, renamed in parse_raw_log(b"".join(outputs))
                 if _is_client_file(path))]
    if saved and not (known and known[0] == head):  # written again only when there is more
        _save_changes(saved, folder, head, changes)
    files = {path: ([version.day.toordinal() for version in versions], [version.blob for version in versions])
             for path, versions in collapse(changes, ZoneInfo(zone)).items()}
    if dated:
        _save_versions(dated, folder, head, zone, files)
    return files


#: A history of at least this many commits per process is read by several ``git log`` at once.
COMMITS_PER_PROCESS = 4096
#: And by at most this many.
MAX_PROCESSES = 4


def _ranges(folder: Path, since: str | None, head: str) -> list[str]:
    """The commits to read, newest first: ``since..head``, or the whole
    history of ``head``, cut into consecutive stretches of its first-parent
    line (one ``git log`` each, run at once) when it is long and there are
    cores to read it on."""
    if since is not None:
        return [f"{since}..{head}"]
    cores = min(os.cpu_count() or 1, MAX_PROCESSES)
    counted = _run(folder, "rev-list", "--first-parent", "--count", head) if cores > 1 else None
    commits = int(counted.stdout) if counted is not None and counted.returncode == 0 else 0
    parts = max(1, min(cores, commits // COMMITS_PER_PROCESS))
    # head~n is n commits down head's first-parent line: each stretch ends where the next starts.
    ends = [head, *(f"{head}~{commits * part // parts}" for part in range(1, parts))]
    return [f"{older}..{newer}" for newer, older in zip(ends, ends[1:], strict=False)] + [ends[-1]]


def _run_all(folder: Path, commands: list[list[str]]) -> list[bytes]:
    """The output of ``git`` with each of ``commands``, all running at once
    (into files, so that none waits for its output to be read); raises
    ``HistoryUnreadable`` when one fails."""
    with contextlib.ExitStack() as stack:
        started = []
        for command in commands:
            output = stack.enter_context(tempfile.TemporaryFile())
            errors = stack.enter_context(tempfile.TemporaryFile())
            try:
                process = stack.enter_context(subprocess.Popen(
                    _git(folder, *command), stdin=subprocess.DEVNULL, stdout=output, stderr=errors,
                    env=_environment()))
            except OSError as error:  # no git executable, or not one we may run
                raise HistoryUnreadable(folder, str(error)) from error
            stack.callback(_stop, process)
            started.append((process, output, errors))
        outputs = []
        for process, output, errors in started:
            if process.wait() != 0:
                errors.seek(0)
                raise HistoryUnreadable(folder, _refusal(errors.read()))
            output.seek(0)
            outputs.append(output.read())
        return outputs


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End ``process`` if it still runs (an error in another: nothing waits for its output)."""
    if process.poll() is None:
        process.kill()


def _saved_changes(saved: Path, folder: Path, head: str) -> tuple[str, list[Change]] | None:
    """The commit and changes read last time, when that commit is still in
    this history (not after a rebase or a reset to another line). Plain JSON,
    every field checked: a deploy may keep the file between runs (a CI cache),
    so it is data, never code, and a commit or blob id in it is never taken
    for an option or a second request."""
    kept = _read_saved(saved, folder)
    if kept is None:
        return None
    was, columns = kept.get("head"), kept.get("changes")
    if not (isinstance(was, str) and _OBJECT_ID.fullmatch(was) and isinstance(columns, list)
            and len(columns) == 4 and all(isinstance(column, list) for column in columns)):
        return None
    timestamps, paths, blobs, renamed = columns
    # Checked a column at a time (30,000 changes at a rebuild).
    if not (len(timestamps) == len(paths) == len(blobs) == len(renamed)
            and set(map(type, timestamps)) <= {int} and set(map(type, paths + renamed)) <= {str}
            and min(timestamps, default=_FIRST_TIME) >= _FIRST_TIME
            and max(timestamps, default=_LAST_TIME) <= _LAST_TIME
            and _are_ids(blobs, deletions=True)):
        return None
    if was != head and not _on_the_published_line(folder, was, head):
        return None
    return was, list(zip(timestamps, paths, blobs, renamed, strict=True))


def _on_the_published_line(folder: Path, was: str, head: str) -> bool:
    """Whether the commit ``was`` is on ``head``'s first-parent line: the
    changes saved up to it are then the first of the line's. Being an
    ancestor is not enough: a branch built once (its commits dated on their
    own days) and merged since was published on the merge's day. Told by
    the oldest commit the line has since ``was``: its first parent is ``was``."""
    listed = _run(folder, "rev-list", "--first-parent", "--parents", f"{was}..{head}")
    if listed is None or listed.returncode != 0:
        return False
    lines = listed.stdout.split(b"\n")
    oldest = next((line.split() for line in reversed(lines) if line.strip()), [])
    return len(oldest) > 1 and oldest[1] == was.encode("ascii")


def _read_saved(saved: Path, folder: Path) -> dict[str, Any] | None:
    """A file saved for the clients ``folder`` by this shape of saving, as
    plain JSON; None when it is not one (missing, torn, tampered with)."""
    try:
        kept = json.loads(read_regular(saved).decode("utf-8", "surrogateescape"))
    except (OSError, ValueError, RecursionError):  # RecursionError: nested too deep to read
        return None
    if not (isinstance(kept, dict) and kept.get("folder") == str(folder)
            and kept.get("version") == _SAVED_VERSION):
        return None
    return kept


def _are_ids(blobs: list[Any], *, deletions: bool) -> bool:
    """Whether every one of ``blobs`` is a blob id (or, with ``deletions``,
    "", a deletion): checked a column at a time, each of an id's length and
    all of them hex digits together (30,000 at a rebuild)."""
    return set(map(type, blobs)) <= {str} \
        and set(map(len, blobs)) <= ({0, 40, 64} if deletions else {40, 64}) \
        and not "".join(blobs).encode("ascii", "replace").translate(None, _HEX_DIGITS)


#: Changes when what is saved changes shape, or what was saved may be wrong:
#: 5 since a branch's build, merged since, could leave its commits in the
#: changes of the line it was merged into (``_on_the_published_line``).
_SAVED_VERSION = 5
#: A commit's or blob's id: SHA-1 or SHA-256, in hex.
_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
#: Deleted from the ids joined, nothing is left (five times as fast as a regular expression).
_HEX_DIGITS = b"0123456789abcdef"


#: Beside the saved changes: the versions they were dated into, for a build
#: with nothing committed since (a rebuild after an edit, a daily build).
_DATED = "versions.json"


def _saved_versions(saved: Path, folder: Path, inside: str, head: str, zone: str
                    ) -> dict[str, tuple[list[int], list[str]]] | None:
    """The versions ``collapse`` made of the changes up to ``head``, in
    ``zone``, as the last build saved them (each file's days, as ordinals,
    and blob ids): read instead of dating the changes again (a rebuild's
    tenth), only when nothing was committed since, the time zone and its
    rules are the same and this code dated them. Checked as the changes are, a column at a
    time: plain data, each id an id, each day a day, each path a client
    file's as ``_dated_changes`` names it (from the top level, through
    ``inside``, the clients folder's path): no two spellings of one file."""
    kept = _read_saved(saved, folder)
    if not (kept is not None and kept.get("head") == head and kept.get("zone") == zone
            and kept.get("dated_by") == _dating_code() and kept.get("rules") == _zone_rules(zone)):
        return None
    paths, counts, days, blobs = (kept.get(column) for column in ("paths", "counts", "days", "blobs"))
    if not (isinstance(paths, list) and isinstance(counts, list) and isinstance(days, list)
            and isinstance(blobs, list) and set(map(type, paths)) <= {str}
            and len(paths) == len(counts) == len(set(paths))
            and all(path.startswith(inside) and _is_client_file(path[len(inside):]) for path in paths)
            and set(map(type, counts)) <= {int}
            and set(map(type, days)) <= {int} and min(counts, default=1) > 0
            and sum(counts) == len(days) == len(blobs)
            and min(days, default=_FIRST_DAY) >= _FIRST_DAY and max(days, default=_LAST_DAY) <= _LAST_DAY
            and _are_ids(blobs, deletions=False)):
        return None
    files = {}
    start = 0
    for path, count in zip(paths, counts, strict=True):
        files[path] = days[start:start + count], blobs[start:start + count]
        start += count
    return files


@functools.cache
def _dating_code() -> str:
    """This module's source, hashed: saved versions dated by other code (an
    upgrade of Courtside) are dated again."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@functools.cache
def _zone_rules(zone: str) -> str:
    """The rules of the time zone ``zone`` as ``zoneinfo`` finds them (the
    system's zone database first, then the tzdata package), hashed: versions
    dated by other rules (the zone's offsets changed in a new tzdata) are
    dated again; "" when there is no file to tell (then the name must do)."""
    for database in zoneinfo.TZPATH:
        with contextlib.suppress(OSError):
            return hashlib.sha256(Path(database, zone).read_bytes()).hexdigest()
    with contextlib.suppress(ImportError, OSError):
        return hashlib.sha256(importlib.resources.files("tzdata.zoneinfo").joinpath(
            *zone.split("/")).read_bytes()).hexdigest()
    return ""


#: The days a saved version may have (what ``dt.date`` can hold).
_FIRST_DAY, _LAST_DAY = dt.date.min.toordinal(), dt.date.max.toordinal()
#: The commit times a saved change may have: what ``collapse`` can date in any zone.
_FIRST_TIME, _LAST_TIME = (int(dt.datetime(*day, tzinfo=dt.UTC).timestamp())
                           for day in ((1, 1, 2), (9999, 12, 30)))


def _save_versions(saved: Path, folder: Path, head: str, zone: str,
                   files: Mapping[str, tuple[list[int], list[str]]]) -> None:
    """A column per field, each file's versions one after the other (the
    next build reads it in a tenth of the time a list per file took)."""
    _write_saved(saved, {"version": _SAVED_VERSION, "folder": str(folder), "head": head,
                         "zone": zone, "rules": _zone_rules(zone), "dated_by": _dating_code(),
                         "paths": list(files),
                         "counts": [len(days) for days, _ in files.values()],
                         "days": [day for days, _ in files.values() for day in days],
                         "blobs": [blob for _, blobs in files.values() for blob in blobs]})


def _write_saved(saved: Path, data: dict[str, Any]) -> None:
    """As plain JSON (file names as git gave them, undecodable bytes kept);
    one that cannot be encoded is not saved: it costs time, not the build."""
    try:
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", errors="surrogateescape")
    except UnicodeError:
        return
    write_cache_file(saved, encoded)


def _save_changes(saved: Path, folder: Path, head: str, changes: list[Change]) -> None:
    """Kept for the next build, a column per field (a third the time to read
    and check)."""
    columns = [list(column) for column in zip(*changes, strict=True)] if changes else [[]] * 4
    _write_saved(saved, {"version": _SAVED_VERSION, "folder": str(folder), "head": head,
                         "changes": columns})


def _refusal(stderr: bytes) -> str:
    """Why git failed, in its own first line, and the command it gives to
    set it right, when it gives one (``git config --global --add
    safe.directory …`` for a checkout owned by another user)."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").strip().splitlines()]
    if not lines:
        return "git failed"
    remedy = next((line for line in lines[1:] if line.startswith("git config ")), None)
    return f"{lines[0]} (`{remedy}` lets it read it)" if remedy else lines[0]


def _with_staged_renames(files: dict[str, tuple[list[int], list[str]]], folder: Path, inside: str
                         ) -> dict[str, tuple[list[int], list[str]]]:
    """``files``, with a client file renamed by ``git mv`` and not committed
    yet under its new name, with the versions of the name it had: the
    preview shows the history the next push keeps (a rename git finds when
    it is committed). Renames git has not been told of (``mv`` alone) are
    a deleted file and a new one until they are added."""
    staged = _run(folder, "diff", "--cached", "--find-renames", "--name-status", "-z", "--no-ext-diff",
                  "--no-color", f"--relative={inside}" if inside else "--no-relative", "HEAD")
    if staged is None or staged.returncode != 0 or not staged.stdout:
        return files
    renamed: dict[str, tuple[list[int], list[str]]] = {}
    tokens = iter(staged.stdout.decode("utf-8", "surrogateescape").split("\0"))
    for status in tokens:
        # A rename or copy (R or C, with its similarity) names the old path, then the new.
        old = next(tokens, "") if status[:1] in ("R", "C") else ""
        path = next(tokens, "")
        if status[:1] == "R" and _is_client_file(path) and inside + path not in files \
                and inside + old in files:
            renamed[inside + path] = files[inside + old]
    return {**files, **renamed} if renamed else files


def _is_client_file(path: str) -> bool:
    """Whether ``path``, from the clients folder, names a client file directly
    in it (a ``*.yaml``, not ``.yaml``). Git writes ``/`` between folders."""
    return "/" not in path and path.endswith(".yaml") and path != ".yaml"


#: One file's change in one commit: (committer timestamp, path from the top level,
#: new blob id, or "" when the file is gone or no longer a regular file, and the
#: path it was renamed from, or "").
Change = tuple[int, str, str, str]


def parse_raw_log(output: bytes) -> Iterator[Change]:
    """The changes in ``git log -z --raw --format=%ct`` output, oldest commit first.

    The output is NUL-separated: a commit's timestamp, then for each file a
    raw line (``:oldmode newmode oldblob newblob status``) and its path.
    Paths are read by position, so no file name is mistaken for a line.
    """
    commits: list[tuple[int, list[tuple[str, str, str]]]] = []
    tokens = iter(output.decode("utf-8", "surrogateescape").split("\0"))
    for token in tokens:
        field = token.strip("\n")
        if field.startswith(":"):
            # A rename (R, with its similarity) names the old path, then the new.
            renamed = next(tokens, "") if field.split(" ")[-1].startswith("R") else ""
            path = next(tokens, "")
            if commits:
                commits[-1][1].append((field, path, renamed))
        elif field:  # a time no date can hold (a clock far ahead) is the last there is
            commits.append((min(max(int(field), _FIRST_TIME), _LAST_TIME), []))
    for timestamp, raw_lines in reversed(commits):
        for line, path, renamed in raw_lines:
            _old_mode, new_mode, _old_blob, new_blob, status = line[1:].split(" ", 4)
            gone = status == DELETED or new_mode not in REGULAR_FILE_MODES
            yield timestamp, path, "" if gone else new_blob, renamed


#: Seconds in which a time zone's offset is taken to be the same when it is
#: at both ends: no zone has changed its offset twice within a quarter of an hour.
_QUARTER_HOUR = 900


def _day_in(zone: ZoneInfo) -> Callable[[int], dt.date]:
    """The day a timestamp falls on in ``zone``: the zone's offset found once
    per quarter of an hour (a history of 30,000 commits dated each through
    the time zone took half the time of reading it again)."""
    offsets: dict[int, int | None] = {}

    def offset(quarter: int) -> int | None:
        """The offset in seconds throughout the quarter, or None when it changes in it."""
        if quarter not in offsets:
            start, end = (dt.datetime.fromtimestamp(quarter * _QUARTER_HOUR + at, zone).utcoffset()
                          for at in (0, _QUARTER_HOUR - 1))
            offsets[quarter] = int(start.total_seconds()) if start is not None and start == end \
                else None
        return offsets[quarter]

    def day(timestamp: int) -> dt.date:
        seconds = offset(timestamp // _QUARTER_HOUR)
        if seconds is None:
            return dt.datetime.fromtimestamp(timestamp, zone).date()
        return _EPOCH_DAY + dt.timedelta(days=(timestamp + seconds) // 86400)

    return day


_EPOCH_DAY = dt.date(1970, 1, 1)


def collapse(changes: Iterable[Change], zone: ZoneInfo) -> dict[str, tuple[Version, ...]]:
    """Each path's versions from its changes (oldest first): one per day in
    ``zone``, the day's last, and only when it differs from the day before;
    a path deleted and added again, or renamed, keeps its versions."""
    by_path: dict[str, list[Version]] = {}
    gone: set[str] = set()
    dated = _day_in(zone)
    for timestamp, path, blob, renamed in changes:
        if renamed:  # a renamed file keeps its history (history.py checks it is the same client)
            # and so does the name it left, should it be added again: git pairs
            # a file deleted with one added in the same commit (a finished
            # client's file removed as a new client's is added) by their likeness.
            by_path[path] = list(by_path.get(renamed, []))
            gone.add(renamed)
            gone.discard(path)
        if not blob:  # kept: a file deleted and added again keeps its history too
            gone.add(path)
            continue
        gone.discard(path)
        versions = by_path.setdefault(path, [])
        day = dated(timestamp)
        if versions and day == versions[-1].day:  # of one day, the last
            versions.pop()
        if versions and versions[-1].blob == blob:  # back to the text before: no change
            continue
        versions.append(Version(day=day, blob=blob))
    return {path: tuple(versions) for path, versions in by_path.items() if path not in gone}


def versions_of(index: HistoryIndex | None, path: Path) -> tuple[Version, ...]:
    """The committed versions of the client file at ``path``; none without an index."""
    if index is None:
        return ()
    return index.versions(path)


def _same_text(one: str, other: str) -> bool:
    """Equal but for line endings: a checkout with ``core.autocrlf`` changes
    nothing a client sees."""
    return one.replace("\r\n", "\n") == other.replace("\r\n", "\n")


def versions_with_worktree(index: HistoryIndex | None, path: Path, current_text: str,
                           today: dt.date, read: Mapping[str, str] | None = None
                           ) -> tuple[Version, ...]:
    """The committed versions, and the text on disk as today's version when it
    differs from the last commit (``courtside serve`` previews what the next
    push publishes; a build of a clean checkout adds nothing). Today's version
    follows the rules of the committed ones: it replaces a version committed
    today, and disappears when it is back to the text before that. Without an
    index there is no history, and nothing is added. ``read``: the committed
    texts by blob, when the caller has read them."""
    if index is None:
        return ()
    committed = versions_of(index, path)
    replaced = bool(committed) and committed[-1].day >= today
    earlier = committed[:-1] if replaced else committed
    compared = [version.blob for version in (*committed[-1:], *(earlier[-1:] if replaced else ()))]
    texts = [read[blob] for blob in compared] if read is not None \
        else blob_texts(index.root, compared) if compared else []
    if texts and _same_text(texts[0], current_text):
        return committed
    if len(texts) == 2 and _same_text(texts[1], current_text):
        return earlier
    return (*earlier, Version(day=today, blob=""))


def history_key(index: HistoryIndex | None, path: Path) -> str:
    """What a client's output depends on in its history, for the build cache:
    "" without history."""
    return index.key(path) if index is not None else ""


def blob_id(data: bytes, like: str) -> str:
    """The id git gives a blob holding ``data``, in the hash of ``like`` (an
    id from the same repository: SHA-1, or SHA-256 in a repository made so)."""
    digest = hashlib.sha256 if len(like) == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(data) + data).hexdigest()


def _is_committed(committed: Sequence[Version], latest: dt.date | None, data: bytes,
                  today: dt.date) -> bool:
    """Whether ``data`` (the file's text as the loader reads it, in UTF-8) is
    the last of the ``committed`` versions (as a checkout, or one with
    ``core.autocrlf``), and ``today`` is no earlier than any commit's day
    (``latest``, which a commit's clock may put after the last one's): then
    its history is the same whatever day it is built
    (``versions_with_worktree`` adds nothing, ``_until`` moves no version).
    Told by the blob id of the text, without reading the blob; the loader
    drops a byte order mark before the text (Windows editors write one), so
    that is tried too."""
    if not committed or latest is None or today < latest:
        return False
    last = committed[-1].blob
    texts = (data, data.replace(b"\r\n", b"\n")) if b"\r\n" in data else (data,)
    return any(blob_id(mark + text, last) == last for text in texts for mark in (b"", codecs.BOM_UTF8))


def history_inputs(index: HistoryIndex | None, path: Path, current_text: str, today: dt.date) -> bytes:
    """All that the file's history (``client_history``) depends on but for
    Courtside's code and the studio's settings: its committed versions, its
    text, and today only where the history changes with it (an edit not
    committed yet is today's version; a build dated back cuts the history
    short). A rebuild of the same commit on another day has the same inputs."""
    data = current_text.encode("utf-8")
    inputs = f"{history_key(index, path)}\n".encode() + data
    if index is None or not _is_committed(index.versions(path), index.latest_day(path), data, today):
        inputs += f"\0today {today.isoformat()}".encode()
    return inputs


@dataclass(frozen=True)
class FileHistory:
    """What ``client_history`` derives from a client file's versions: each
    project's history, and how many past versions did not load."""

    projects: Mapping[str, ProjectHistory]
    unreadable: int = 0


class KeptHistories(Protocol):
    """Where file histories are kept between builds, each under a name made
    of its inputs (``history_inputs``); ``build.cache.HistoryStore`` keeps
    them on disk."""

    def name(self, inputs: bytes) -> str: ...

    def get(self, name: str) -> FileHistory | None: ...

    def put(self, name: str, history: FileHistory) -> None: ...


# --- blob contents: one `git cat-file --batch` per process and repository ----------------------


class _BlobReader:
    """A running ``git cat-file --batch``: one blob id in, its header and bytes out."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.Lock()
        try:
            self.process = subprocess.Popen(_git(root, "cat-file", "--batch"), stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                            env=_environment(), bufsize=PIPE_BUFFER)
        except OSError as error:
            raise HistoryUnreadable(root, str(error)) from error

    def read(self, blobs: Sequence[str]) -> list[bytes]:
        """The blobs' contents, asked for a batch at a time (each batch's ids
        fit in the pipe, so git never waits for us to read while we write)."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        contents: list[bytes] = []
        missing: list[str] = []
        with self.lock:
            try:
                for start in range(0, len(blobs), BATCH):
                    batch = blobs[start:start + BATCH]
                    stdin.write(b"".join(blob.encode("ascii") + b"\n" for blob in batch))
                    stdin.flush()
                    for blob in batch:  # every answer is read, a missing blob's too
                        header = stdout.readline().split()
                        if len(header) == 3 and header[1] == b"blob":
                            contents.append(stdout.read(int(header[2]) + 1)[:-1])  # and its newline
                        elif len(header) == 3:  # another kind of object: read past it
                            stdout.read(int(header[2]) + 1)
                            missing.append(blob)
                        else:
                            missing.append(blob)
            except (OSError, ValueError) as error:
                raise HistoryUnreadable(self.root, str(error)) from error
        if missing:
            raise HistoryUnreadable(self.root, f"no blob {missing[0]}")
        return contents

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()  # cat-file ends at the end of its input
        self.process.wait()


#: What is read from ``git cat-file`` at a time: a few client files, not a part of one.
PIPE_BUFFER = 1 << 16
#: Blob ids written to ``git cat-file`` at once: 41 bytes each, well under a pipe's 64 KiB.
BATCH = 256
#: The readers started by this process, by repository; a forked worker starts its own.
_readers: dict[Path, _BlobReader] = {}
_readers_pid = os.getpid()
_readers_lock = threading.Lock()


def _reader(root: Path) -> _BlobReader:
    global _readers_pid
    with _readers_lock:
        if _readers_pid != os.getpid():  # inherited through fork: the parent's pipes, not ours
            _readers.clear()
            _readers_pid = os.getpid()
        reader = _readers.get(root)
        if reader is None or reader.process.poll() is not None:
            reader = _readers[root] = _BlobReader(root)
        return reader


def blob_texts(root: Path, blobs: Sequence[str]) -> list[str]:
    """The texts of ``blobs`` in the repository at ``root``, as the loader reads
    a file (UTF-8, a BOM dropped; a blob that is no UTF-8, or over the
    loader's size limit, is "", which no loader accepts: a past version the
    page could not show faithfully, or the loader would refuse today, is
    left out); raises ``HistoryUnreadable``."""
    return [_text(data) for data in _reader(root).read(blobs)]


def _text(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        return ""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ""


def close_readers() -> None:
    """End this process's ``git cat-file`` processes (each also ends when the
    process that started it does)."""
    with _readers_lock:
        if _readers_pid == os.getpid():
            for reader in _readers.values():
                reader.close()
        _readers.clear()


# --- past versions as clients ------------------------------------------------------------------


def past_clients(index: HistoryIndex | None, path: Path, current_text: str, current: Client,
                 today: dt.date, default_timezone: str, default_language: str,
                 terms: Mapping[str, Any] | None = None, document: Document | None = None
                 ) -> tuple[list[tuple[dt.date, Client]], int]:
    """Every version of the client file at ``path`` as the loader reads it,
    with the studio's default ``terms`` under each, oldest first, the current
    one (``current``, read from ``current_text``, with its terms) last; and
    how many past versions did not load (left out: a file that once broke a
    rule is no reason to lose the rest of its history). Nothing without
    history. With the current version's ``document``, each older version is
    read as an edit of the one after it where it can be (``pastversions``)."""
    if index is None:
        return [], 0
    committed = [version.blob for version in versions_of(index, path)]  # read at once
    texts = dict(zip(committed, blob_texts(index.root, committed), strict=True))
    versions = _until(versions_with_worktree(index, path, current_text, today, texts), today)
    if not versions:
        return [], 0
    reader = Reader(path, default_timezone, default_language, terms or {})
    known = Known.of(document, current) if document is not None \
        and document.text == current_text else None
    loaded: list[tuple[dt.date, Client]] = []
    unreadable = 0
    for position in range(len(versions) - 1, -1, -1):  # the newest first, each read against the one after
        version = versions[position]
        if position == len(versions) - 1 and (not version.blob
                                              or _same_text(texts[version.blob], current_text)):
            loaded.append((version.day, current))
            continue
        client, known = reader.older(texts[version.blob], known)
        if client is None:
            unreadable += 1
        else:
            loaded.append((version.day, client))
    loaded.reverse()
    return loaded, unreadable


def _until(versions: tuple[Version, ...], today: dt.date) -> tuple[Version, ...]:
    """The versions as of ``today``: one committed after it (a build dated
    back with SOURCE_DATE_EPOCH) counts as today's, and of today's the last."""
    kept: list[Version] = []
    for version in versions:
        day = min(version.day, today)
        if kept and kept[-1].day == day:
            kept.pop()
        kept.append(Version(day, version.blob))
    return tuple(kept)


def _current_text(path: Path, document: Document | None) -> str | None:
    """The file's text as the loader read it (``document``), or read again."""
    if document is not None and document.text:
        return document.text
    try:
        return path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def client_history(index: HistoryIndex | None, path: Path, client: Client, *, today: dt.date,
                   timezone: str, language: str, terms: Mapping[str, Any] | None = None,
                   document: Document | None = None, kept: KeptHistories | None = None
                   ) -> Mapping[str, ProjectHistory]:
    """Each project's history (``history.project_histories``) from the client
    file's versions; empty without history. ``today`` is the studio's: the
    day an uncommitted edit would be published. ``document`` is what the
    loader read ``client`` from, when the caller has it: the file is not read
    again, and older versions are read as edits of it. ``kept``: histories
    kept by an earlier build, found by their inputs; one found there is
    neither read from git nor parsed again, and one derived here is kept.
    One git cannot read is logged as a warning, and empty."""
    try:
        return kept_history(index, path, client, today=today, timezone=timezone,
                            language=language, terms=terms, document=document, kept=kept)[0]
    except HistoryUnreadable as error:
        logger.warning("Courtside: %s: %s", display_path(path), unreadable_history(error))
        return {}


def unreadable_history(error: HistoryUnreadable) -> str:
    """What is said of a client file whose past versions git cannot give."""
    return f"cannot read its history ({error.reason}); its portals are built without it"


def kept_history(index: HistoryIndex | None, path: Path, client: Client, *, today: dt.date,
                 timezone: str, language: str, terms: Mapping[str, Any] | None = None,
                 document: Document | None = None, kept: KeptHistories | None = None
                 ) -> tuple[Mapping[str, ProjectHistory], str | None]:
    """``client_history``, and the name the history is kept under in ``kept``
    (None when nothing is kept): carried with the file's build, so that a
    build that takes the file whole from its cache knows the history is in
    use without working the name out again. Raises ``HistoryUnreadable``
    when git cannot give the file's past versions."""
    if index is None:
        return {}, None
    current_text = _current_text(path, document)
    if current_text is None:
        return {}, None
    name = kept.name(history_inputs(index, path, current_text, today)) if kept is not None else None
    found = kept.get(name) if kept is not None and name is not None else None
    if found is None:
        # Past versions read the studio's default terms as the current one does:
        # a term the file leaves to the studio has not changed because of that.
        client = with_studio_terms(client, terms or {})
        past, unreadable = past_clients(index, path, current_text, client, today, timezone,
                                        language, terms, document)
        found = FileHistory(project_histories(past), unreadable)
        if kept is not None and name is not None:
            kept.put(name, found)
    if found.unreadable:
        logger.info("Courtside: %s: %d past %s did not load; its history leaves %s out",
                    display_path(path), found.unreadable,
                    "version" if found.unreadable == 1 else "versions",
                    "it" if found.unreadable == 1 else "them")
    return found.projects, name
