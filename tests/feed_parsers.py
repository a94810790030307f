"""Read .ics feeds with several independent, real iCalendar parsers.

``read_with_all(paths)`` runs every parser below on the same files and
returns what each of them sees, so that a test can compare them::

    from feed_parsers import read_with_all

    seen = read_with_all([feed])          # {"icalendar": [...], "ical.js": [...], ...}
    for parser, calendars in seen.items():
        assert calendars[0]["x_wr_calname"] == "…", parser

Each parser is a small program in ``tests/parsers/`` (the two Node.js ones in
``tests/js/``, where Node finds their packages) that prints one JSON list,
one object per file, in the order given::

    {"path": ..., "name": NAME, "x_wr_calname": X-WR-CALNAME,
     "x_wr_caldesc": X-WR-CALDESC, "description": DESCRIPTION,
     "method": METHOD,
     "events": [{"uid", "summary", "description", "start"}, ...]}

``start`` is "YYYY-MM-DD" for an all-day event, "YYYY-MM-DDTHH:MM:SSZ" (UTC)
for a timed one. Every value is what that parser returns, not cleaned up: a
value it keeps escaped has its backslashes, one it splits is a JSON list,
a property it does not expose is ``None``. Some parsers add keys of their
own: icalendar its accessors ``calendar_name`` and ``calendar_description``;
icalendar and ical.js ``alarms``, every VALARM with its event's ``uid``,
``action``, ``description``, ``trigger`` in seconds (negative: before) and
``related`` (its RELATED parameter, ``None`` when not given);
libical ``parse_errors``, ``restriction_ok`` and ``restriction_errors`` (its
RFC 5546 check of the VCALENDAR, ``icalrestriction_check``, as Evolution
runs it).

The parsers and what they need (``.ci/install-system-packages`` installs the
Debian packages, ``npm ci --prefix tests/js`` the npm ones, the project's
test extras the PyPI ones):

=================  ==========================================================
``icalendar``      PyPI ``icalendar`` (the library the feeds are written with)
``ical.js``        npm ``ical.js`` (Mozilla: Thunderbird, many web apps)
``vobject``        PyPI ``vobject`` (Radicale, khal)
``ics.py``         PyPI ``ics``
``node-ical``      npm ``node-ical`` (MagicMirror and many Node.js apps)
``ruby-icalendar`` Debian ``ruby`` and ``ruby-icalendar`` (the icalendar gem)
``libical``        Debian ``libical-dev``, ``pkg-config``, ``gcc`` (Evolution,
                   GNOME, KDE's older stack): ``libical_dump.c``, compiled once
                   per test process into a temporary folder
=================  ==========================================================

A parser whose tool is missing makes ``read_with_all`` skip the test, saying
what to install; where the environment variable ``CI`` is set it fails
instead, since CI installs all of them.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PARSERS_DIR = REPO / "tests" / "parsers"
JS_DIR = REPO / "tests" / "js"
LIBICAL_SOURCE = PARSERS_DIR / "libical_dump.c"
TIMEOUT = 120  # seconds, per parser run


class ParserFailed(AssertionError):
    """A parser's program exited with an error (or printed no JSON)."""


@dataclass(frozen=True)
class Parser:
    name: str
    #: Why the parser cannot run here and what to install, or None.
    missing: Callable[[], str | None]
    #: The command that reads the given files.
    command: Callable[[Sequence[str]], list[str]]


def _python_module(module: str, package: str) -> Callable[[], str | None]:
    def missing() -> str | None:
        if importlib.util.find_spec(module) is None:
            return f"the Python package {package!r} is not installed ({sys.executable} -m pip install {package})"
        return None
    return missing


def _node_package(package: str) -> Callable[[], str | None]:
    def missing() -> str | None:
        if shutil.which("node") is None:
            return "Node.js is not installed (.ci/install-system-packages installs nodejs and npm)"
        if not (JS_DIR / "node_modules" / package / "package.json").is_file():
            return f"the npm package {package!r} is not installed (npm ci --prefix tests/js)"
        return None
    return missing


@functools.cache
def _ruby_missing() -> str | None:
    if shutil.which("ruby") is None:
        return "Ruby is not installed (.ci/install-system-packages installs ruby and ruby-icalendar)"
    check = subprocess.run(["ruby", "-e", 'require "icalendar"'], capture_output=True, text=True,
                           timeout=TIMEOUT)
    if check.returncode != 0:
        return ("Ruby's icalendar gem is not installed (.ci/install-system-packages installs "
                f"the Debian package ruby-icalendar): {check.stderr.strip()}")
    return None


def _compiler() -> str | None:
    return shutil.which("gcc") or shutil.which("cc")


@functools.cache
def _libical_missing() -> str | None:
    if _compiler() is None:
        return "no C compiler (.ci/install-system-packages installs gcc)"
    if shutil.which("pkg-config") is None:
        return "pkg-config is not installed (.ci/install-system-packages installs it)"
    check = subprocess.run(["pkg-config", "--exists", "libical"], capture_output=True, timeout=TIMEOUT)
    if check.returncode != 0:
        return "libical's headers are not installed (.ci/install-system-packages installs libical-dev)"
    return None


@functools.cache
def libical_program() -> Path:
    """``libical_dump.c`` compiled, once per process, in a temporary folder
    removed when the process ends."""
    folder = Path(tempfile.mkdtemp(prefix="libical-dump-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libical"], capture_output=True,
                           text=True, check=True, timeout=TIMEOUT).stdout.split()
    program = folder / "libical_dump"
    build = subprocess.run([_compiler(), "-std=c11", "-D_DEFAULT_SOURCE", "-O1", "-Wall",
                            "-o", str(program), str(LIBICAL_SOURCE), *flags],
                           capture_output=True, text=True, timeout=TIMEOUT)
    if build.returncode != 0:
        raise ParserFailed(f"compiling {LIBICAL_SOURCE.name} failed:\n{build.stderr}")
    return program


PARSERS: dict[str, Parser] = {parser.name: parser for parser in (
    Parser("icalendar", _python_module("icalendar", "icalendar"),
           lambda paths: [sys.executable, str(PARSERS_DIR / "icalendar_dump.py"), *paths]),
    Parser("ical.js", _node_package("ical.js"),
           lambda paths: ["node", str(JS_DIR / "icaljs_dump.mjs"), *paths]),
    Parser("vobject", _python_module("vobject", "vobject"),
           lambda paths: [sys.executable, str(PARSERS_DIR / "vobject_dump.py"), *paths]),
    Parser("ics.py", _python_module("ics", "ics"),
           lambda paths: [sys.executable, str(PARSERS_DIR / "ics_dump.py"), *paths]),
    Parser("node-ical", _node_package("node-ical"),
           lambda paths: ["node", str(JS_DIR / "node_ical_dump.mjs"), *paths]),
    Parser("ruby-icalendar", _ruby_missing,
           lambda paths: ["ruby", str(PARSERS_DIR / "ruby_dump.rb"), *paths]),
    Parser("libical", _libical_missing,
           lambda paths: [str(libical_program()), *paths]),
)}


def missing_parsers(names: Iterable[str] | None = None) -> dict[str, str]:
    """The parsers (of ``names``, default all) that cannot run here, with why."""
    reasons = {name: PARSERS[name].missing() for name in (names or PARSERS)}
    return {name: reason for name, reason in reasons.items() if reason}


def read_with(name: str, paths: Iterable[str | os.PathLike]) -> list[dict]:
    """The files as the parser ``name`` reads them: one dict per file."""
    paths = [str(path) for path in paths]
    command = PARSERS[name].command(paths)
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                            timeout=TIMEOUT, cwd=REPO)
    if result.returncode != 0:
        raise ParserFailed(f"{name} failed on {paths} (exit {result.returncode}):\n{result.stderr}")
    try:
        calendars = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise ParserFailed(f"{name} printed no JSON ({error}):\n{result.stdout[:2000]}\n{result.stderr}") from None
    if len(calendars) != len(paths):
        raise ParserFailed(f"{name} read {len(calendars)} calendars from {len(paths)} files")
    return calendars


def read_with_all(paths: Iterable[str | os.PathLike],
                  parsers: Iterable[str] | None = None) -> dict[str, list[dict]]:
    """What every parser (or those named in ``parsers``) sees in the .ics
    files ``paths``: ``{parser name: [one dict per file, in order]}``.

    Skips the calling test if any of them cannot run here (fails instead
    where ``CI`` is set); raises ``ParserFailed`` if one of them errs."""
    paths = [str(path) for path in paths]
    names = list(parsers or PARSERS)
    unknown = [name for name in names if name not in PARSERS]
    if unknown:
        raise ValueError(f"unknown parsers {unknown}; known: {list(PARSERS)}")
    missing = missing_parsers(names)
    if missing:
        reason = "calendar parsers missing: " + "; ".join(f"{k}: {v}" for k, v in missing.items())
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI must install them: make test)", pytrace=False)
        pytest.skip(reason)
    if "libical" in names:
        libical_program()  # compiled once, before the parsers run side by side
    with ThreadPoolExecutor(max_workers=min(len(names), 4)) as pool:
        results = dict(zip(names, pool.map(lambda name: read_with(name, paths), names), strict=True))
    return results


if __name__ == "__main__":  # python tests/feed_parsers.py FILE.ics ...: all of them, as JSON
    missing = missing_parsers()
    for name, reason in missing.items():
        print(f"skipping {name}: {reason}", file=sys.stderr)
    names = [name for name in PARSERS if name not in missing]
    json.dump({name: read_with(name, sys.argv[1:]) for name in names}, sys.stdout,
              ensure_ascii=False, indent=1)
    print()
