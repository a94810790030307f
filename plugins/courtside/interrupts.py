"""Ctrl-C in the awkward moments of a command or a build.

Python runs a signal's handler between any two steps of the main thread,
also inside a weak reference's callback as an import ends, or a ``__del__``:
the interrupt raised there is printed as "Exception ignored in …" and lost,
and the command or build went on to its end. It is sent again a moment
later, when Python can raise it.

Once a command has begun writing the studio's file, it finishes and says
what it did: an interrupt in that moment ended it with "courtside:
interrupted" and 130 over a file already changed, the message that goes
with the change (a new link) never said.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any


def send_again(number: int) -> threading.Timer:
    """Send the signal ``number`` to the main thread a moment from now, from
    another thread: raised from the hook that saw it lost, it would be lost
    the same way."""
    again = threading.Timer(0.05, signal.pthread_kill, (threading.main_thread().ident, number))
    again.daemon = True
    again.start()
    return again


def _ignored(number: int, frame: FrameType | None) -> None:
    """The command is finishing what it has begun writing (a handler of
    Python's own, unlike SIG_IGN, which a program it started would inherit)."""


#: Whether a command runs (``command``): outside one, nothing would give
#: Ctrl-C back its handling.
_in_command = False


def finish_uninterrupted() -> None:
    """From here to the end of the command (``command``), Ctrl-C is
    ignored: what it is about to write is written, and said."""
    if _in_command and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _ignored)


@contextlib.contextmanager
def command() -> Iterator[None]:
    """One run of a command: Ctrl-C Python could not raise is sent again;
    at the end, the handling of Ctrl-C is as it was before."""
    global _in_command
    main = threading.current_thread() is threading.main_thread()
    handler = signal.getsignal(signal.SIGINT) if main else None
    previous = sys.unraisablehook
    pending: list[threading.Timer] = []

    def unraisable(unraisable: Any) -> None:
        if main and unraisable.exc_type is KeyboardInterrupt:
            pending.append(send_again(signal.SIGINT))
            return
        previous(unraisable)

    sys.unraisablehook = unraisable
    _in_command, outer = main, _in_command
    try:
        yield
    finally:
        _in_command = outer
        sys.unraisablehook = previous
        for timer in pending:  # the command has ended meanwhile, and said how
            timer.cancel()
        if handler is not None:
            signal.signal(signal.SIGINT, handler)
