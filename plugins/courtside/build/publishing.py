"""A production build publishes all of the new site or nothing.

With ``DELETE_OUTPUT_DIRECTORY`` (``publishconf.py``) Pelican empties the
output folder and writes the site into it piece by piece: an interrupt, a
full disk or a crash half-way leaves a host serving a half-deleted site. So
such a build is written into a fresh folder beside the output, and only when
Pelican has finished is that folder swapped with the output, in one step
where the system allows it (Linux's ``renameat2`` with ``RENAME_EXCHANGE``),
else by two renames. Anything short of finishing leaves the output exactly as
it was.

Interrupts (SIGINT, SIGTERM) end the build with 128 + the signal's number:
Pelican itself catches Ctrl-C and would exit 0, which a deploy script would
take for success. (An interrupt in the moment before Pelican loads this
plugin is still Pelican's own.)
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import functools
import hashlib
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol

from .. import _pelican, files, interrupts

if TYPE_CHECKING:
    from .staging import Staging

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


_PR_SET_PDEATHSIG = 1


@functools.cache
def _linux_call(name: str) -> Callable[..., int] | None:
    """The C library's function ``name`` on Linux, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)[name]
    except (OSError, AttributeError):
        return None


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step; False where the system cannot."""
    renameat2 = _linux_call("renameat2")
    return renameat2 is not None and renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0


def die_with_parent() -> None:
    """Have the system kill this process when the one that started it ends
    (Linux; elsewhere nothing)."""
    prctl = _linux_call("prctl")
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


#: While above zero, an interrupt is noted rather than acted on.
_holding = 0
_held: list[int] = []


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends: what it writes is
    written whole (portals with the dashboard and headers of the same build),
    and an interrupt during it takes effect just after. Held twice over: the
    process's handler notes it (a signal can reach any thread, and Python
    runs the handler in the main thread whatever that thread's mask), and
    the main thread's mask blocks it, so that processes started in the block
    begin with it blocked."""
    global _holding
    main = threading.current_thread() is threading.main_thread()
    interrupts = {signal.SIGINT, signal.SIGTERM}
    _holding += 1
    if main:
        signal.pthread_sigmask(signal.SIG_BLOCK, interrupts)
    try:
        yield
    finally:
        if main:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupts)
        _holding -= 1
        if _held and not _holding:
            number = _held[0]
            _held.clear()
            signal.raise_signal(number)  # to the handler, now that it acts


def swap_in(fresh: Path, output: Path) -> None:
    """Make ``fresh`` the output folder and remove the old one. Run with
    interrupts held: it either finishes or has not begun."""
    if not output.exists():
        os.rename(fresh, output)
        return
    if _exchange(fresh, output):
        shutil.rmtree(fresh, ignore_errors=True)  # it holds the old site now
        return
    old = output.with_name(f".{output.name}.courtside-old")
    shutil.rmtree(old, ignore_errors=True)
    try:
        os.rename(output, old)
    except OSError:
        # The output folder cannot be renamed (a mount point, a folder a
        # server holds open): its contents are replaced instead.
        _replace_contents(fresh, output)
        shutil.rmtree(fresh, ignore_errors=True)
        return
    try:
        os.rename(fresh, output)
    except OSError:
        os.rename(old, output)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _replace_contents(fresh: Path, output: Path) -> None:
    """Replace what is in ``output`` with what is in ``fresh``, which may be
    on another file system. The new site is first copied whole into
    ``output`` (a full disk stops it there, with the old site untouched);
    then each entry is swapped by renames within ``output``."""
    incoming, retired = output / ".courtside-incoming", output / ".courtside-retired"
    for folder in (incoming, retired):
        shutil.rmtree(folder, ignore_errors=True)
    try:
        shutil.copytree(fresh, incoming, symlinks=True)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    retired.mkdir()
    for child in list(output.iterdir()):
        if child not in (incoming, retired):
            os.rename(child, retired / child.name)
    for child in list(incoming.iterdir()):
        os.rename(child, output / child.name)
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.rmtree(retired, ignore_errors=True)


def output_lock(output: Path) -> Path:
    """The file a build holds locked while it writes ``output`` (a real
    path). In the system's temporary folder: builds that could collide run
    on one machine, and the site's folders stay as the studio left them."""
    name = hashlib.sha256(os.fsencode(output)).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"courtside-output-{name}.lock"


class PelicanRun(Protocol):
    """What Courtside reads and sets of Pelican's ``Pelican`` object, which
    its signals pass (Pelican ships no types)."""

    settings: dict[str, Any]
    output_path: str


class Publication:
    """One Pelican run: where it really publishes, and how it ended."""

    def __init__(self) -> None:
        self.output: Path | None = None
        self.fresh: Path | None = None
        self.staging: Staging | None = None
        self.signal: int | None = None
        self.published = False
        self._catching = False
        #: An interrupt Python could not raise is sent again (``_unraisable``).
        self._again = False
        self._locks: dict[Path, int] = {}

    def start(self, pelican: PelicanRun) -> None:
        """At ``initialized``: make this the only build writing its output
        folder, and point a build that empties its output at a fresh folder
        instead."""
        from ..problems import CourtsideError, Problem, display_path
        from .staging import Staging  # here: the command line never needs it

        self.output = self.fresh = None
        self.published = False
        output = files.real_path(pelican.output_path)
        if output.is_symlink() and not output.exists():  # real_path leaves a loop as it is
            raise CourtsideError([Problem(
                display_path(Path(pelican.output_path)), 0, 0, "", "the output folder is a "
                "symbolic link that leads back to itself; remove it or point it at a folder")],
                "Courtside: nothing was built")
        self._lock(output)
        self.staging = Staging(output)
        if not pelican.settings.get("DELETE_OUTPUT_DIRECTORY"):
            return
        fresh = output.with_name(f".{output.name}.courtside-next")
        # An interrupt waits until the fresh folder exists and is known to
        # exist: then the exit removes it and truly says nothing was published.
        with interrupts_deferred():
            shutil.rmtree(fresh, ignore_errors=True)  # what a killed build left
            fresh.mkdir(parents=True)
            self.output, self.fresh = output, fresh
            self.staging = Staging(fresh)
            _pelican.redirect_output(pelican, fresh)

    def _lock(self, output: Path) -> None:
        """Two builds into one output folder would remove each other's
        staged pages and publish a mix: the second one is refused. The lock
        is the process's until it ends (Pelican's autoreload builds again in
        the same process, under the same lock)."""
        from ..problems import OutputBusy

        if output in self._locks:
            return
        try:
            self._locks[output] = files.hold_lock(output_lock(output))
        except files.Busy:
            raise OutputBusy([], (
                f"Courtside: another build is writing {output} right now; nothing was built "
                "(build again when it has finished)")) from None

    def finish(self, pelican: PelicanRun) -> None:
        """At ``finalized``: the site is complete; publish it."""
        if self.fresh is None or self.output is None or self.signal is not None:
            return
        with interrupts_deferred():  # published, and known to be, or not at all
            swap_in(self.fresh, self.output)
            self.fresh, self.published = None, True
        _pelican.redirect_output(pelican, self.output)

    def catch_interrupts(self) -> None:
        """Turn SIGINT and SIGTERM into an exit with their code (once per
        process, from the main thread only, where signals are handled)."""
        if self._catching or threading.current_thread() is not threading.main_thread():
            return
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, self._interrupted)
        atexit.register(self._exit)
        sys.unraisablehook = functools.partial(self._unraisable, sys.unraisablehook)
        self._catching = True

    def _unraisable(self, previous: Callable[[Any], object], unraisable: Any) -> None:
        """An interrupt that landed where Python cannot raise (a weak
        reference's callback inside an import, a ``__del__``) is taken again
        at the next place it can be: without this, Python printed its
        traceback ("Exception ignored in …") and the build went on to the
        end, publishing nothing, and exited 0."""
        if unraisable.exc_type is SystemExit and self.signal is not None:
            self._again = True
            interrupts.send_again(self.signal)
            return
        previous(unraisable)

    def _interrupted(self, number: int, frame: FrameType | None) -> None:
        # SystemExit, not KeyboardInterrupt: Pelican catches the latter and
        # exits 0. Everything on the way out still runs (the worker pool is
        # stopped, multiprocessing's own exit handlers end its helpers).
        if _holding:
            _held.append(number)
            return
        if self.signal is not None and not self._again:  # already on the way out: once is enough
            return
        self.signal, self._again = number, False
        raise SystemExit(128 + number)

    def _exit(self) -> None:
        if self.fresh is not None:  # not finished: nothing was published
            shutil.rmtree(self.fresh, ignore_errors=True)
        if self.staging is not None:  # pages an interrupted build had not moved in
            self.staging.clear()
        if self.signal is not None:
            print("Courtside: interrupted; " + (
                "the new site had already been published" if self.published else
                "nothing was published, the output folder is as it was" if self.output
                or self.staging is None else
                "the output folder may be incomplete until the next build"), file=sys.stderr)
