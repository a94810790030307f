"""The ``courtside`` command as installed (``[project.scripts]``).

Loading the command takes a noticeable part of a second (Pelican, ruamel.yaml,
jsonschema, Babel), and Ctrl-C in that moment, as a studio presses it on
seeing the wrong command, must end it as it ends any command: one line and
exit 130, not Python's traceback. The ``courtside`` package cannot catch it
while it is still being imported, so this module stands outside it and
imports nothing of it until its ``main`` runs.
"""

from __future__ import annotations

import signal
import sys

#: What an interrupted command says (``cli.main`` says it too), and its exit
#: code, 128 + the signal's number: ``problems.EXIT_INTERRUPTED``, which
#: cannot be imported before the package has loaded.
INTERRUPTED = "courtside: interrupted"
EXIT_INTERRUPTED = 128 + signal.SIGINT


def main() -> int:
    # Ctrl-C while the package loads is held until it has loaded, not raised
    # where it lands: Python wraps a KeyboardInterrupt raised inside a class
    # body's ``__set_name__`` in a RuntimeError, and one inside an import
    # lock's weak-reference callback is printed as "Exception ignored" and
    # lost. Loading takes under a second, so holding it is not felt.
    interrupts: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: interrupts.append(signum))
    try:
        try:
            from courtside.cli import main as command
        finally:
            signal.signal(signal.SIGINT, previous)
        if interrupts:
            raise KeyboardInterrupt
        return command()
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        # The command has ended and said how: Ctrl-C as Python exits would
        # end the process by the signal instead, its exit code lost.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
