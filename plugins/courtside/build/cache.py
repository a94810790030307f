"""Reuse what did not change since the last build: one entry per client file.

An entry holds what the process that writes the site needs of that file
(``render.StagedClient``): its problems and tokens, the studio's events, and
each project's row of the studio's view (what ranks and counts it, and its
row of the dashboard, rendered), but not the client's model, which only
rendering reads; for the pages and feeds it keeps their hashes, and the
manifest records what was written to the output folder. So a rebuild after
one edit reads small entries, renders one client's pages and rows, and
joins the dashboard from the rows kept. A file whose entry is found, and whose
pages are still in the output folder as written, is neither built nor
written again. An entry is
found by a hash of the file's bytes together with everything else its output
depends on: Courtside's own code, the theme's templates, the agreement
templates, the settings, the holidays package's version, the working folder
(file names in messages) and the build's moment ("today", and the feeds' timestamps). Change any of them and
the entry is simply not found. Entries not used by a build are removed.

Entries are pickles, written and read by this machine's builds only; the
cache folder is as trusted as the code (keep it out of the repository).

Each file's history (``HistoryStore``) is kept apart, in the folder a
deploy keeps between runs (the build cache is not kept there): a deploy
builds every page again, but reads no past version whose history it has.
Those are pickles too (as fast to read as a hand-written JSON form, and
nothing to keep in step with ``ProjectHistory``), but read by an unpickler
that knows a history's classes and no other (``_HistoryUnpickler``): the
CI cache restores that folder, and nothing read from it may run code.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import importlib.metadata
import io
import json
import os
import pickle
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..files import read_regular, write_atomically, write_cache_file
from ..gitlog import FileHistory, HistoryIndex, history_key, read_index
from ..history import Due, Edit, MilestoneHistory, ProjectHistory
from ..settings import CourtsideSettings
from .render import BuildContext, StagedClient, build_client
from .staging import Staging

if TYPE_CHECKING:
    from hashlib import _Hash

SUFFIX = ".pickle"


def _hash_files(digest: _Hash, folders: Iterable[Path | str]) -> None:
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())


@functools.cache
def code_key() -> str:
    """Courtside's own code: every file of the package (a build runs as its
    own process, so the code cannot change under it)."""
    digest = hashlib.sha256()
    _hash_files(digest, [Path(__file__).parent.parent])
    return digest.hexdigest()


def context_key(context: BuildContext) -> str:
    digest = hashlib.sha256(code_key().encode())
    _hash_files(digest, [*context.template_paths, context.options.agreements_folder])
    digest.update(repr(context).encode())
    digest.update(os.getcwd().encode())
    # Public holidays come from this package's tables, which change between releases.
    digest.update(importlib.metadata.version("holidays").encode())
    return digest.hexdigest()


class BuildCache:
    def __init__(self, folder: Path, context: BuildContext) -> None:
        self.folder = folder
        self.context_key = context_key(context)
        self.used: set[str] = set()

    def key(self, path: Path, history: HistoryIndex | None, text: str | None = None) -> str:
        """The file's text (``text``, as a build read it, or else as the file
        holds it now, read as the loader reads it), its history and
        everything else it is rendered with."""
        if text is None:
            text = path.read_bytes().decode("utf-8-sig", "surrogateescape")
        versions = history_key(history, path).encode()
        return hashlib.sha256(self.context_key.encode() + text.encode("utf-8", "surrogateescape")
                              + versions).hexdigest()

    def get(self, path: Path, history: HistoryIndex | None) -> StagedClient | None:
        key = self.key(path, history)
        self.used.add(key)
        entry = self.folder / (key + SUFFIX)
        try:
            build = pickle.loads(read_regular(entry))
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        return build if isinstance(build, StagedClient) and build.path == path else None

    def found(self, paths: Iterable[Path], history: HistoryIndex | None,
              manifest: Manifest) -> dict[Path, StagedClient]:
        """The entries of ``paths`` whose pages are in the output folder as
        the last build wrote them: nothing to build or write for those.
        Read with the garbage collector paused: unpickled entries hold no
        cycles, and collecting while a thousand of them arrive (each a
        few hundred objects) took a third of the time."""
        found = {}
        collecting = gc.isenabled()
        gc.disable()
        try:
            for path in paths:
                entry = self.get(path, history)
                if entry is not None and manifest.holds(entry):
                    found[path] = entry
        finally:
            if collecting:
                gc.enable()
        return found

    def put(self, build: StagedClient, history: HistoryIndex | None, text: str) -> None:
        """Store ``build`` (as staged: its files as hashes), made from the
        file's ``text``; safe to call from a worker."""
        key = self.key(build.path, history, text)
        self.used.add(key)
        write_cache_file(self.folder / (key + SUFFIX), pickle.dumps(build, protocol=pickle.HIGHEST_PROTOCOL))

    def keep(self, path: Path, history: HistoryIndex | None) -> None:
        """Mark the entry of ``path`` as used (when a worker stored it)."""
        self.used.add(self.key(path, history))

    def prune(self) -> None:
        """Forget entries this build did not use."""
        _prune(self.folder, self.used)


#: A temporary entry older than this was left by a process that died
#: writing it (a younger one may be another build's, being written).
STALE_TEMPORARY = 3600


def _prune(folder: Path, used: set[str]) -> None:
    """Remove the entries not ``used``, and temporary ones left behind by a
    process that died writing one (a CI cache would carry them from run to
    run); one that cannot be removed (a folder restored read-only, or owned
    by another user) stays, as an entry that cannot be written costs time,
    not the build."""
    if folder.is_dir():
        left_before = time.time() - STALE_TEMPORARY
        for entry in folder.iterdir():
            with contextlib.suppress(OSError):
                if entry.suffix == SUFFIX and entry.stem not in used or \
                        entry.suffix == ".tmp" and entry.name.startswith(".") \
                        and entry.stat().st_mtime < left_before:
                    entry.unlink(missing_ok=True)


class _HistoryUnpickler(pickle.Unpickler):
    """Reads a kept history and nothing else. Unlike the build cache, the
    folder it is kept in comes back from a CI cache (the workflows restore
    it), which is no place for anything that could run code when read: a
    pickle may name any function to call, and this one may name only the
    classes a history is made of (plain data: dates and the values of
    fields, in containers pickle builds itself), so the worst an entry
    planted there can do is to be refused, and the history derived again."""

    ALLOWED: ClassVar[frozenset[tuple[str, str]]] = frozenset({
        (FileHistory.__module__, FileHistory.__qualname__),
        *((cls.__module__, cls.__qualname__)
          for cls in (ProjectHistory, MilestoneHistory, Edit, Due)),
        *(("datetime", name) for name in ("date", "time", "datetime", "timedelta", "timezone")),
    })

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"a kept history does not name {module}.{name}")
        return super().find_class(module, name)


class HistoryStore:
    """Each client file's history (``gitlog.client_history``), kept between
    builds in ``CACHE_PATH/courtside-history/`` beside the git log's index,
    so that a deploy that keeps the folder (the shipped workflows do) reads
    and parses no past version of a file whose history it has. An entry is
    found by a hash of all the history depends on: Courtside's code, the
    studio's time zone, language and default terms, and the file's inputs
    (``gitlog.history_inputs``: its committed versions, its text, and today
    where that matters). It holds a ``ProjectHistory`` per project: days and
    the values of the file's fields (every term's, though a page shows only
    those its agreement names), never a commit's message, author or branch,
    nor a token. Sent to the workers with the build's
    context: each stores what it derives."""

    def __init__(self, folder: Path, timezone: str, language: str, terms: Mapping[str, Any]) -> None:
        self.folder = folder
        # The terms in their order: it is the order of the changes found in them.
        self.salt = hashlib.sha256(f"{code_key()}\0{timezone}\0{language}\0{terms!r}\0".encode()
                                   ).digest()

    def name(self, inputs: bytes) -> str:
        """The entry's name: a hash of all the history depends on."""
        return hashlib.sha256(self.salt + inputs).hexdigest()

    def get(self, name: str) -> FileHistory | None:
        """The history kept under ``name``; None when there is none, or it
        cannot be read (torn, written by other code, or naming anything but
        a history's own classes): it is derived again."""
        try:
            data = read_regular(self.folder / (name + SUFFIX))
            found = _HistoryUnpickler(io.BytesIO(data)).load()
        except Exception:  # noqa: BLE001 - whatever the bytes are, the history is derived again
            return None
        if not (isinstance(found, FileHistory) and type(found.unreadable) is int
                and isinstance(found.projects, dict)
                and all(type(name) is str and isinstance(history, ProjectHistory)
                        for name, history in found.projects.items())):
            return None
        return found

    def put(self, name: str, history: FileHistory) -> None:
        write_cache_file(self.folder / (name + SUFFIX), pickle.dumps(history, pickle.HIGHEST_PROTOCOL))

    def prune(self, used: Iterable[str]) -> None:
        """Forget the entries of files no longer there or changed since:
        ``used`` names the history of every file as it is now (each file's
        build carries it, ``gitlog.kept_history``, whether this build derived
        the history or took the file whole from the build cache)."""
        _prune(self.folder, set(used))


def site_history(options: CourtsideSettings) -> tuple[HistoryIndex | None, HistoryStore | None]:
    """The client files' git history as every build and ``courtside status``
    read it (the git log's changes saved in ``options.history_folder`` and
    only the commits since read), and the file histories kept there; None
    for either when history is off, there is no git, or the cache is off.
    Raises ``gitlog.HistoryUnreadable`` for a repository git will not read."""
    if not options.history:
        return None, None
    folder = options.history_folder
    index = read_index(options.clients_folder, options.timezone,
                       folder / "index.json" if folder is not None else None)
    kept = HistoryStore(folder, options.timezone, options.language, options.terms) \
        if folder is not None and index is not None else None
    return index, kept


class Manifest:
    """What the last build wrote to the output folder: for each file its
    hash, size and modification time, so an unchanged file is known by a
    ``stat`` instead of being written again."""

    NAME = "manifest.json"

    def __init__(self, folder: Path, output: Path) -> None:
        self.path, self.output = folder / self.NAME, output
        #: By name under the output folder: ``[sha256, size, mtime_ns]`` (JSON).
        self.files: dict[str, list[str | int]] = {}
        try:
            data = json.loads(read_regular(self.path).decode("utf-8"))
            if data.get("output") == str(output):
                self.files = data["files"]
        except (OSError, ValueError, KeyError, AttributeError, RecursionError):
            pass

    def holds(self, build: StagedClient) -> bool:
        """Whether every page and feed of a cached ``build`` is in the
        output folder exactly as the last build wrote it."""
        output = os.fspath(self.output)
        for project in build.projects:
            for name, sha in project.hashes.items():
                record = self.files.get(name)
                if record is None or record[0] != sha:
                    return False
                try:
                    stat = os.stat(os.path.join(output, name))  # not a Path: a thousand files a build
                except OSError:
                    return False
                if stat.st_size != record[1] or stat.st_mtime_ns != record[2]:
                    return False
        return True

    def record(self, name: str, sha: str) -> None:
        stat = (self.output / name).stat()
        self.files[name] = [sha, stat.st_size, stat.st_mtime_ns]

    def save(self, keep: set[str]) -> None:
        self.files = {name: record for name, record in self.files.items() if name in keep}
        with contextlib.suppress(OSError):  # none: the next build writes every page again
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps({"output": str(self.output),
                                                    "files": self.files}).encode("utf-8"))


def build_and_store(path: Path, context: BuildContext, staging: Staging,
                    cache: BuildCache | None) -> StagedClient:
    """Build one client file, stage its pages and feeds and keep the result,
    in whichever process runs it: writing beside the work spreads the writes
    over the workers."""
    rendered = build_client(path, context)
    build = staging.write(rendered)
    # A portal with a password is never stored: its page depends on a secret
    # that must not leave a trace in the cache.
    if cache is not None and rendered.text is not None and not rendered.history_failed \
            and not any(p.project.password_env for p in rendered.projects):
        cache.put(build, context.history, rendered.text)
    return build


def build_and_store_all(paths: list[Path], context: BuildContext, staging: Staging,
                        cache: BuildCache | None) -> list[StagedClient]:
    """``build_and_store`` for a worker's share of the files."""
    return [build_and_store(path, context, staging, cache) for path in paths]
