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
"""

from __future__ import annotations

import gc
import hashlib
import importlib.metadata
import json
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import write_atomically
from ..gitlog import HistoryIndex, history_key
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


def context_key(context: BuildContext) -> str:
    digest = hashlib.sha256()
    _hash_files(digest, [Path(__file__).parent.parent, *context.template_paths,
                         context.options.agreements_folder])
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

    def key(self, path: Path, history: HistoryIndex | None) -> str:
        """The file's text, its history and everything else it is rendered with."""
        versions = history_key(history, path).encode()
        return hashlib.sha256(self.context_key.encode() + path.read_bytes() + versions).hexdigest()

    def get(self, path: Path, history: HistoryIndex | None) -> StagedClient | None:
        key = self.key(path, history)
        self.used.add(key)
        entry = self.folder / (key + SUFFIX)
        try:
            build = pickle.loads(entry.read_bytes())
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

    def put(self, build: StagedClient, history: HistoryIndex | None) -> None:
        """Store ``build`` (as staged: its files as hashes); safe to call
        from a worker."""
        key = self.key(build.path, history)
        self.used.add(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        # Renamed into place, not flushed to disk: an entry lost in a crash
        # is only rebuilt, a torn one fails to unpickle and is rebuilt too.
        temporary = self.folder / f".{key}.{os.getpid()}.tmp"
        temporary.write_bytes(pickle.dumps(build, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, self.folder / (key + SUFFIX))

    def keep(self, path: Path, history: HistoryIndex | None) -> None:
        """Mark the entry of ``path`` as used (when a worker stored it)."""
        self.used.add(self.key(path, history))

    def prune(self) -> None:
        """Forget entries this build did not use."""
        if self.folder.is_dir():
            for entry in self.folder.iterdir():
                if entry.suffix == SUFFIX and entry.stem not in self.used:
                    entry.unlink(missing_ok=True)


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
            data = json.loads(self.path.read_text("utf-8"))
            if data.get("output") == str(output):
                self.files = data["files"]
        except (OSError, ValueError, KeyError, AttributeError):
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
    if cache is not None and not any(p.project.password_env for p in rendered.projects):
        cache.put(build, context.history)
    return build


def build_and_store_all(paths: list[Path], context: BuildContext, staging: Staging,
                        cache: BuildCache | None) -> list[StagedClient]:
    """``build_and_store`` for a worker's share of the files."""
    return [build_and_store(path, context, staging, cache) for path in paths]
