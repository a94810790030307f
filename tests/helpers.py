"""Shared test helpers: sites in temporary folders, built for real or checked
in-process.

Each site is a copy of the repository's layout (content, settings, example
clients) with the theme and plugin linked in. ``Site.build`` and
``Site.courtside`` run the real ``pelican`` and ``courtside`` commands in a
subprocess, exactly as a studio would run them (the e2e layer);
``in_process`` runs ``courtside`` through ``cli.main(argv)`` in this process,
with the same exit code and output (the fast layer). Fixtures and hooks are
in ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import os
import shlex
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
#: The example site as the tests know it: the repository's clients, content
#: and settings are the studio's to replace, so the tests bring their own.
EXAMPLE_SITE = REPO / "tests" / "fixtures" / "site"

#: Monday 23 November 2026, 12:00 UTC: the "today" of every site test.
TODAY = dt.date(2026, 11, 23)
EPOCH = int(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC).timestamp())

#: The example clients' portal tokens, by (client, project).
EXAMPLE_TOKENS = {
    ("acme", "website-redesign"): "qute3LotaOrLZmGxI5KBkw",
    ("acme", "brand-refresh"): "VeOAaKbrAGM6cszZG4UAGg",
    ("mueller", "online-shop"): "YGCWLymbbu71QX9t0o7nSw",
    ("mueller", "newsletter"): "l--OW63g9ta6CP7zKrUnWQ",
    ("harbor", "annual-report"): "U4xh6fv82umY7hvLmBBEAg",
    ("harbor", "podcast-site"): "MrPQxTKKA0ho3H4UaHEqGA",
    ("harbor", "office-signage"): "wmr14QTwVoyIDC2Y5mOVkA",
}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes, to compare whole outputs."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


#: The example site's studio dashboard token (pelicanconf.py).
STUDIO_TOKEN = "Sx3kQ9vTnW2yLp7RbM4cHd"


def assert_no_leaks(output: Path, project_tokens=tuple(EXAMPLE_TOKENS.values()),  # noqa: B008
                    studio_token: str | None = STUDIO_TOKEN) -> None:
    """No file names a private link outside the private page it belongs to:
    a portal's token appears only in its own folder and on the studio's
    dashboard; the dashboard's token only in the dashboard's folder."""
    dashboard = output / "studio" / studio_token if studio_token else None
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        content = path.read_bytes()
        on_dashboard = dashboard is not None and dashboard in path.parents
        for token in project_tokens:
            if token.encode() in content:
                assert path.parent.name == token or on_dashboard, f"{token} leaks into {path}"
        if studio_token and studio_token.encode() in content:
            assert on_dashboard, f"the studio token leaks into {path}"


@dataclass
class Site:
    root: Path

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def clients(self) -> Path:
        return self.root / "clients"

    def write_client(self, client_id: str, text: str) -> Path:
        path = self.clients / f"{client_id}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def run(self, *args: str, epoch: int | None = EPOCH, env: dict | None = None):
        environ = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        if epoch is not None:
            environ["SOURCE_DATE_EPOCH"] = str(epoch)
        environ.update(env or {})
        return subprocess.run(list(args), cwd=self.root, env=environ,
                              capture_output=True, text=True, timeout=120)

    def build(self, settings: str = "pelicanconf.py", **kwargs):
        return self.run(sys.executable, "-m", "pelican", "-s", settings, **kwargs)

    def courtside(self, *args: str, **kwargs):
        return self.run(sys.executable, "-m", "courtside.cli", *args, **kwargs)

    def portal_file(self, token: str) -> Path:
        return self.output / "p" / token / "index.html"

    def portal(self, token: str) -> BeautifulSoup:
        return BeautifulSoup(self.portal_file(token).read_text(encoding="utf-8"), "html.parser")

    def files(self) -> list[Path]:
        return sorted(p for p in self.output.rglob("*") if p.is_file())


def new_site(root: Path, *, examples: bool = True) -> Site:
    """A site folder like the example site (the tests' own copy, ``EXAMPLE_SITE``),
    with or without its example clients, and the repository's theme and plugin."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXAMPLE_SITE / "content", root / "content")
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(EXAMPLE_SITE / name, root / name)
    (root / "theme").symlink_to(REPO / "theme")
    (root / "plugins").symlink_to(REPO / "plugins")
    if examples:
        shutil.copytree(EXAMPLE_SITE / "clients", root / "clients")
    else:
        (root / "clients").mkdir()
    return Site(root)


def text_of(node) -> str:
    """Visible text with whitespace folded, as a reader would see it."""
    return " ".join(node.get_text().split())


# --- the browser -------------------------------------------------------------------------

#: Debian's chromium as root, kept off the network it cannot reach here.
#: Debian's chromium (Playwright cannot download its own browsers here).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = REPO / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(folder: Path, handler: type[http.server.SimpleHTTPRequestHandler] = _QuietHandler):
    """``folder`` over HTTP on a free local port with ``handler``; yields the
    base URL. (It checks for the end every 50 ms: a test waits no longer.)"""
    handler = functools.partial(handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def interrupted_build(site: Site, settings: str, delay: float, number: int, epoch: int,
                      env: dict | None = None, again: float | None = None) -> tuple[int, str]:
    """A real build in its own process group, sent ``number`` (as Ctrl-C
    sends SIGINT to the whole group) ``delay`` seconds after Courtside has
    started building (and once more ``again`` seconds later, as an impatient
    Ctrl-C does); its exit code and messages. Fails the test if it hangs
    (with every thread's stack) or leaves a process behind."""
    environ = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "PYTHONFAULTHANDLER": "1",
               **(env or {})}
    build = subprocess.Popen([sys.executable, "-m", "pelican", "-s", settings], cwd=site.root,
                             env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while build.poll() is None and time.monotonic() < deadline and not any(
            "courtside" in path.name for path in site.root.iterdir()):
        time.sleep(0.02)
    time.sleep(delay)
    for pause in (0, again) if again is not None else (0,):
        time.sleep(pause)
        with contextlib.suppress(ProcessLookupError):  # it had finished
            os.killpg(build.pid, number)
    try:
        out, err = build.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # a hang: show where every thread waits
        left = subprocess.run(["ps", "-o", "pid,stat,cmd", "-g", str(build.pid)],
                              capture_output=True, text=True).stdout
        os.kill(build.pid, signal.SIGABRT)  # faulthandler prints the stacks
        out, err = build.communicate(timeout=30)
        os.killpg(build.pid, signal.SIGKILL)
        pytest.fail(f"the build hung after a signal at {delay} s:\n{left}\n{err[-8000:]}")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # helpers get a moment to see their parent go
        try:
            os.killpg(build.pid, 0)
        except ProcessLookupError:
            return build.returncode, err
        time.sleep(0.1)
    left = subprocess.run(["ps", "-o", "pid,cmd", "-g", str(build.pid)], capture_output=True,
                          text=True).stdout
    os.killpg(build.pid, signal.SIGKILL)
    pytest.fail(f"processes outlived the build:\n{left}")


# --- the courtside command in this process -------------------------------------------------

def in_process(argv: list[str], capsys) -> subprocess.CompletedProcess:
    """``courtside ARGV`` through ``cli.main`` in this process (in the current
    folder, with the current environment): its exit code and what it printed,
    as the real command's process would give them. ``main`` returns the exit
    code, or raises ``SystemExit``: argparse's usage error (2), or the one-line
    message of a settings file that fails, which Python prints and exits 1 with."""
    from courtside import cli

    capsys.readouterr()  # only what this command prints
    try:
        code = cli.main(argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
        if isinstance(stop.code, str):
            print(stop.code, file=sys.stderr)
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["courtside", *argv], code, out, err)


# --- the layers ----------------------------------------------------------------------------

#: Set by conftest for each test: whether it is marked ``e2e`` or ``browser``.
real_processes_allowed = True


def starts_a_build_or_command(args) -> bool:
    """Whether a subprocess's command line runs Pelican, ``courtside`` or
    ``make`` (which runs them): what only the e2e layer may start."""
    if isinstance(args, str | bytes | os.PathLike):  # one word, or a shell command line
        words = shlex.split(os.fsdecode(args), posix=True) if not isinstance(args, os.PathLike) \
            else [os.fspath(args)]
    else:
        words = [os.fsdecode(word) for word in args]
    names = {os.path.basename(word) for word in words}
    return bool(names & {"pelican", "courtside", "courtside.cli", "make"})


class LayeredPopen(subprocess.Popen):
    """``subprocess.Popen`` that refuses a build or a command in a test of
    the fast layer, which must stay fast and in-process."""

    def __init__(self, args, *rest, **kwargs):
        if not real_processes_allowed and starts_a_build_or_command(args):
            shown = args if isinstance(args, str | os.PathLike) else " ".join(map(str, args))
            pytest.fail(f"{shown}: a real build or command in a subprocess "
                        "belongs to the e2e layer; mark the test e2e, or run it in-process "
                        "(helpers.in_process, the loader)", pytrace=False)
        super().__init__(args, *rest, **kwargs)
