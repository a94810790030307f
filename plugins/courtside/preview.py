"""``courtside serve``: a local preview that rebuilds when anything changes.

Pelican's own autoreload watches only the settings file, the theme and the
content folder, so an edit to a client file would not show. This watches the
client files too, rebuilds with the real ``pelican`` command in a separate
process (every build starts from a clean slate, as in CI), and serves the
output folder. A build that fails prints its problems and leaves the last
good build in place and served, and until a build succeeds every page served
says so at its top (the files in the output folder stay as built). A build
refused because another one is writing the output folder is tried again
once that one has finished.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from watchfiles import Change, watch

from . import files
from .build.publishing import output_lock
from .problems import EXIT_SYSTEM, FAILURE_NOTE
from .tokens import masked

#: What every page says while the last build failed (the studio's own
#: preview, so in English only).
STALE = "This preview is out of date: the last build failed. See the terminal for what to fix."


@dataclass(frozen=True)
class Result:
    """How one build ended."""

    ok: bool
    busy: bool = False  # refused: another build was writing the output folder
    line: str = ""  # the first problem, when the build said it


class Staleness:
    """Whether the pages served are out of date, and the banner that says so."""

    def __init__(self) -> None:
        self.banner: bytes | None = None  # None: the last build succeeded

    def record(self, result: Result) -> None:
        if result.ok:
            self.banner = None
            return
        line = f"<br>{html.escape(masked(result.line))}" if result.line else ""
        self.banner = (f'<p class="preview-banner" role="alert" lang="en" dir="ltr" '
                       f'data-courtside-stale>{html.escape(STALE)}{line}</p>').encode()


_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def with_banner(page: bytes, banner: bytes) -> bytes:
    """``page`` with ``banner`` first in its body."""
    found = _BODY.search(page)
    at = found.end() if found else 0
    return page[:at] + banner + page[at:]


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder as a static host would: no folder listings
    (a listing of ``p/`` would show every portal's link), the site's own
    ``404.html``, and a plain 400 for an address no file can have. While
    the last build failed, every HTML page it sends begins with a banner
    that says so."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".ics": "text/calendar; charset=utf-8"}

    def __init__(self, *args: Any, staleness: Staleness | None = None, **kwargs: Any) -> None:
        self.staleness = staleness or Staleness()
        super().__init__(*args, **kwargs)

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        try:
            return self._stale_page() or super().send_head()
        except ValueError:  # a NUL byte (``/%00``): not a path on any system
            self.send_error(400, "Bad request")
            return None

    def _stale_page(self) -> io.BytesIO | None:
        """The HTML page asked for, with the banner, while the last build
        failed; None for everything else (the usual way answers it)."""
        banner = self.staleness.banner
        if banner is None:
            return None
        address = urllib.parse.urlsplit(self.path).path
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not address.endswith("/"):
                return None  # the usual redirect to the folder's address
            path = os.path.join(path, "index.html")
        elif address.endswith("/"):
            return None
        if self.guess_type(path) != "text/html" or not os.path.isfile(path):
            return None
        try:
            body = with_banner(Path(path).read_bytes(), banner)
        except OSError:
            return None
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        self.send_error(404)
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory, "404.html")
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        if (banner := self.staleness.banner) is not None:
            body = with_banner(body, banner)
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        # The same promises the _headers file makes on a real host.
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Robots-Tag", "noindex, nofollow")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # keep the terminal for build output
        pass


#: A preview's moment is fixed to a quarter of an hour: every time zone's
#: midnight falls on one (India's on the half hour, Nepal's on a quarter
#: past), so "today" stays right everywhere, as it would not with the hour
#: (India's first half hour of a day would be built as the day before, and a
#: milestone `courtside done` had just marked would be "after today").
MOMENT_STEP = 15 * 60


def moment(now: float) -> int:
    """The build moment of a preview at ``now`` (seconds since the epoch)."""
    return int(now) // MOMENT_STEP * MOMENT_STEP


def build(settings_file: Path) -> Result:
    """One ``pelican`` build; its messages go straight to the terminal.

    Unless ``SOURCE_DATE_EPOCH`` is set, the build's moment is the current
    quarter of an hour (``moment``): rebuilds within it reuse the pages of
    every client file that did not change (the cache keys on the moment)."""
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", str(moment(time.time())))
    with tempfile.TemporaryDirectory(prefix="courtside-serve-") as folder:
        note = Path(folder, "failure.json")
        env[FAILURE_NOTE] = str(note)
        process = subprocess.Popen([sys.executable, "-m", "pelican", "-s", str(settings_file)],
                                   cwd=settings_file.parent, env=env)
        try:
            returncode = process.wait()
        except KeyboardInterrupt:
            # Not ``subprocess.run``: it kills the build a quarter of a second
            # after Ctrl-C, half-way through moving pages in, with its staging
            # folder left behind. The build ends itself on an interrupt (the
            # terminal sent it one too; this one is for a ``kill`` of serve
            # alone), leaving the output whole; serve exits once it has.
            process.send_signal(signal.SIGINT)
            process.wait()
            raise
        if returncode == 0:
            return Result(ok=True)
        try:
            said = json.loads(note.read_text("utf-8"))
        except (OSError, ValueError):
            said = {}
    result = Result(ok=False, busy=said.get("busy") is True, line=str(said.get("line", "")))
    if not result.busy:
        print("Courtside: the build failed; still serving the last good build.", flush=True)
    return result


def output_busy(output: Path) -> bool:
    """Whether another build is writing ``output`` right now (its lock is
    taken for a moment to see)."""
    try:
        os.close(files.hold_lock(output_lock(files.real_path(output))))
    except files.Busy:
        return True
    except OSError:
        return False  # the build itself will say what is wrong
    return False


#: A build refused because another one was writing the output folder is
#: tried again once that one has finished, looking every RETRY_EVERY seconds
#: for at most RETRY_FOR seconds after the refusal.
RETRY_EVERY, RETRY_FOR = 1.0, 60.0


#: How long the watcher waits for a change before it yields a quiet moment (ms).
WAKE_MS = 200


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file or folder is at ``path`` now (None: nothing)."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _changes(watched: list[Path], stop: threading.Event | None
             ) -> Generator[set[tuple[Change, str]], None, None]:
    """Every change under ``watched``, and an empty set at each quiet moment.

    The system watches a folder, not a path: once a watched folder is
    removed (``git rm clients/*.yaml`` removes ``clients/`` too), nothing
    made at its path again would be seen. So the paths are watched anew
    whenever a watched folder goes, or what is at a watched path is new
    (a quiet moment checks); the change is reported once the new watch is
    in place, so that nothing made meanwhile is missed."""
    pending: set[tuple[Change, str]] = set()
    while True:
        identities = [_identity(path) for path in watched]
        roots = {os.path.abspath(path) for path in watched}
        with contextlib.closing(watch(*[path for path in watched if path.exists()],
                                      stop_event=stop, raise_interrupt=True,
                                      yield_on_timeout=True, rust_timeout=WAKE_MS)) as changes_seen:
            for changes in changes_seen:
                now = [_identity(path) for path in watched]
                if any(os.path.abspath(path) in roots for _, path in changes) or now != identities:
                    pending |= changes or {(Change.added, str(path)) for path, old, new
                                           in zip(watched, identities, now, strict=True) if old != new}
                    break
                changes, pending = pending | changes, set()
                yield changes
            else:
                return  # stopped


def changed_names(paths: Iterable[str]) -> list[str]:
    """The names of the changed files a studio knows: an editor's or a
    command's temporary file (``.acme.yaml.x1y2.tmp``, which a safe write
    renames into place) is hidden like the file it stands for, unless
    nothing else changed."""
    names = sorted({Path(path).name for path in paths})
    return [name for name in names if not name.startswith(".")] or names


def serve(settings_file: Path, output: Path, watched: list[Path], *, bind: str, port: int,
          stop: threading.Event | None = None) -> None:
    """Build, serve ``output`` on ``bind:port``, rebuild on every change."""
    staleness = Staleness()
    handler = functools.partial(_Handler, directory=str(output), staleness=staleness)
    try:  # before building: a port in use is known at once
        server = http.server.ThreadingHTTPServer((bind, port), handler)
    except OSError as error:
        print(f"courtside: cannot serve on {bind}:{port} ({error.strerror}); "
              "choose another with --port", file=sys.stderr)
        raise SystemExit(EXIT_SYSTEM) from None
    # Watch first, then build: the watcher's first step (a change, or a
    # quiet moment) comes once the folders are registered, so an edit made
    # during the first build, or the moment the page first shows, is seen.
    changes_seen = _changes(watched, stop)
    next(changes_seen, None)
    refused = _built(build(settings_file), staleness, None)
    output.mkdir(parents=True, exist_ok=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Courtside: serving {output} at http://{bind}:{server.server_port}/ ; "
          f"watching {', '.join(str(p) for p in watched)}", flush=True)
    try:
        for changes in changes_seen:
            now = time.monotonic()
            if changes:
                print(f"Courtside: {', '.join(changed_names(path for _, path in changes))} "
                      "changed; rebuilding", flush=True)
                refused = None  # a new edit: a new minute of waiting
            elif refused is None or now < refused[1]:  # a quiet moment, nothing to try again
                continue
            elif now - refused[0] > RETRY_FOR:
                print(f"Courtside: another build is still writing {output} after "
                      f"{RETRY_FOR:.0f} seconds; not trying again until the next change.",
                      flush=True)
                refused = None
                continue
            elif output_busy(output):
                refused = refused[0], now + RETRY_EVERY
                continue
            else:
                print("Courtside: the other build has finished; rebuilding", flush=True)
            refused = _built(build(settings_file), staleness, refused)
    finally:
        changes_seen.close()
        server.shutdown()


def _built(result: Result, staleness: Staleness, refused: tuple[float, float] | None
           ) -> tuple[float, float] | None:
    """Note how a build ended; when it was refused, since when and when to
    try again (``refused`` is the earlier refusal of the same edit, if any)."""
    staleness.record(result)
    if not result.busy:
        return None
    now = time.monotonic()
    if refused is None:
        print("Courtside: another build is writing the output folder; "
              "building again once it has finished.", flush=True)
    return (refused[0] if refused else now), now + RETRY_EVERY
