"""Problems found in the studio's input, and the error that stops a build.

Every mistake in a client file, an agreement template or the settings becomes
one ``Problem`` that points at the exact spot; a build collects all of them
before it gives up, so the studio can fix everything in one go.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from . import _pelican
from .files import real_path


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake, as ``file:line:column: key.path: message``."""

    file: str
    line: int = 0
    column: int = 0
    path: str = ""
    message: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        what = f"{self.path}: {self.message}" if self.path else self.message
        return f"{where}: {what}"


def display_path(path: Path | str) -> str:
    """A path as the studio would type it: relative to the working folder
    when it lies below it, absolute otherwise. Its folder is resolved, not
    the path itself: a symbolic link is named as it is, not by where it
    leads (a link to nothing, or out of the clients folder)."""
    path = Path(os.path.abspath(path))
    try:
        return str((real_path(path.parent) / path.name).relative_to(real_path(Path.cwd())))
    except ValueError:
        return str(path)


def report(problems: Iterable[Problem], stream: TextIO | None = None) -> None:
    """Print problems one per line, unwrapped, so editors and CI annotations
    can jump to each ``file:line:column``."""
    stream = stream or sys.stderr
    for problem in sorted(problems):
        severity = "" if problem.severity == "error" else f"{problem.severity}: "
        print(f"{severity}{problem}", file=stream)
    stream.flush()


#: Exit codes of every command and build (argparse's own 2 is "usage";
#: an interrupt is 128 + the signal's number, 130 for Ctrl-C).
EXIT_PROBLEMS, EXIT_SYSTEM, EXIT_INTERRUPTED = 1, 3, 130


def interrupt_behind(error: BaseException) -> KeyboardInterrupt | SystemExit | None:
    """The interrupt that ``error`` is, or that Python raised it because of:
    Ctrl-C (a KeyboardInterrupt; a build's signal handler raises SystemExit)
    landing in a class body's ``__set_name__``, as a library loads lazily,
    comes out as a RuntimeError caused by it."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, (KeyboardInterrupt, SystemExit)):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


class CourtsideError(Exception):
    """The studio's input is wrong; the message says where and why.

    Pelican ends a run on any exception with ``sys.exit(e.exitcode)``; the
    ``exitcode`` keeps that a plain 1, and ``QuietCourtsideErrors`` keeps the
    traceback out of the log, because the problems are the whole story.
    """

    exitcode = EXIT_PROBLEMS

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], summary: str):
        self.problems = tuple(sorted(problems))
        self.summary = summary
        lines = [summary, *(f"  {problem}" for problem in self.problems)]
        super().__init__("\n".join(lines))


class OutputBusy(CourtsideError):
    """Another build is writing the same output folder: nothing is wrong
    with the input, and the same build a moment later may succeed."""


#: ``courtside serve`` names a file in this environment variable for each
#: build it runs: a build that fails says there, as JSON, its first problem
#: line and whether another build held the output folder, so that serve
#: need not read the build's log.
FAILURE_NOTE = "COURTSIDE_FAILURE_NOTE"


def note_failure(line: str, *, busy: bool = False) -> None:
    """Write the failure note, if the build's runner asked for one."""
    where = os.environ.get(FAILURE_NOTE)
    if where:
        with contextlib.suppress(OSError):
            Path(where).write_text(json.dumps({"line": line, "busy": busy}), "utf-8")


def _without_tokens(path: str) -> str:
    """``path`` with the token of a private page left out: a build's log is
    read by more people than the client (CI logs)."""
    from .settings import PORTALS_FOLDER, STUDIO_FOLDER

    parts = path.split("/")
    return "/".join("…" if index and parts[index - 1] in (PORTALS_FOLDER, STUDIO_FOLDER) else part
                    for index, part in enumerate(parts))


def system_error(error: OSError) -> str:
    """What the system refused, in one line: the path (with no token in it)
    and the system's reason. Used by every command and by the build."""
    where = f"{_without_tokens(str(error.filename))}: " if error.filename else ""
    return f"{where}{error.strerror or error}"


class QuietCourtsideErrors(logging.Filter):
    """Print a ``CourtsideError``'s problems when Pelican logs it, and drop
    the traceback.

    Pelican logs a fatal exception with ``exc_info=True``; for an input
    mistake the traceback points into Courtside's code instead of at the
    studio's file. Its log handler also wraps long lines, so the problems
    are printed as plain lines and only the summary goes to the log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if exc_info and isinstance(exc_info[1], CourtsideError):
            # One unwrapped line per problem, then the summary in the log.
            report(exc_info[1].problems)
            errors = [p for p in exc_info[1].problems if p.severity == "error"] or exc_info[1].problems
            note_failure(str(errors[0]) if errors else exc_info[1].summary,
                         busy=isinstance(exc_info[1], OutputBusy))
            record.msg, record.args = "%s", (exc_info[1].summary,)
            record.exc_info = None
            record.exc_text = None
        elif exc_info and isinstance(exc_info[1], OSError):
            # The system said no (a full disk, a folder that cannot be
            # written): one line naming the path, and the command's exit code
            # for it, which Pelican reads from the exception.
            record.msg, record.args = "%s", (system_error(exc_info[1]),)
            note_failure(system_error(exc_info[1]))
            record.exc_info = None
            record.exc_text = None
            _pelican.set_exit_code(exc_info[1], EXIT_SYSTEM)
        elif exc_info and exc_info[1] is not None and isinstance(
                stop := interrupt_behind(exc_info[1]), SystemExit):
            # An interrupt Python wrapped in another error: the build says it
            # was interrupted (at exit) and ends with the interrupt's code.
            _pelican.set_exit_code(exc_info[1], stop.code if isinstance(stop.code, int) else 1)
            return False
        return True
