"""The worker processes a build shares its client files among.

A worker forked from the build has Pelican, Courtside and their libraries
imported already; one started by the fork server (or spawned) imports them
all again, about a second of CPU each before it builds anything, so two
workers were 1.6 times as fast as one instead of nearly twice. Forking is
safe only while the process runs a single thread: a fork copies the thread
that calls it and no other, and a lock another thread held at that moment
stays locked in the copy for good (a worker writing a log line would wait
forever). Pelican starts a thread of its own before it builds anything (its
"Generating..." status display), so the workers are forked early, when
Pelican has read the settings (its ``initialized`` signal), and wait for
work. Where that cannot be done (not Linux: macOS's system libraries do not
survive a fork; or a program that runs threads builds the site), they are
started by the fork server when the work comes, as a clean copy.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .. import _pelican
from ..settings import CourtsideSettings
from .publishing import die_with_parent, interrupts_deferred

#: With this many client files to build, the work is spread over every core.
PARALLEL_FROM = 40

#: The workers forked when the settings were read, until a build takes them.
_waiting: tuple[ProcessPoolExecutor, int] | None = None
#: Every pool started here, until it is shut down. Held, so that an
#: interrupt ending the build at any moment never leaves one to the garbage
#: collector while Python stops its threads on the way out: a pool collected
#: then wakes its own thread a second time, racing Python's exit handler for
#: the pools ("Exception ignored ... Bad file descriptor" on a busy machine).
_held: set[ProcessPoolExecutor] = set()


def worker_count(options: CourtsideSettings, files: int) -> int:
    """How many processes build ``files`` client files: one for a few
    files, unless the settings ask for more (``COURTSIDE["workers"]``)."""
    workers = options.workers or (os.cpu_count() or 1)
    if options.workers is None and files < PARALLEL_FROM:
        workers = 1
    return max(1, min(workers, files))


def _ignore_interrupts() -> None:
    """In a worker: interrupts are the main process's to handle (it lets the
    workers finish the share under way, then stops them). A worker that died
    of one could die mid-reply, and the executor would wait for the rest of
    that reply for good. The worker starts with interrupts held (it is
    started inside ``interrupts_deferred``), so one pending from its first
    moments is discarded here."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    # Ignoring SIGTERM, a worker must not outlive the build: it dies with
    # the process that started it (the build, or the fork server, which ends with it).
    die_with_parent()


def _can_fork() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods() \
        and threading.active_count() == 1


def _pool(count: int, method: str) -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context(method),
                               initializer=_ignore_interrupts)
    _held.add(pool)
    return pool


def shut_down(pool: ProcessPoolExecutor, *, cancel: bool = False) -> None:
    """Stop ``pool``'s workers once the share under way is done (``cancel``:
    what is queued is dropped), and let it go."""
    pool.shutdown(wait=True, cancel_futures=cancel)
    _held.discard(pool)


def fork_early(count: int) -> None:
    """Fork ``count`` workers now, while this process has one thread, for
    the build to take (``take``); nothing where forking is not safe."""
    global _waiting
    discard()
    if count < 2 or not _can_fork():
        return
    pool = _pool(count, "fork")
    _waiting = (pool, count)
    # What this process holds is the workers' too, page by page, until one
    # of them writes to a page; their garbage collector, walking every
    # object, would write to all of them. Frozen objects are not walked.
    gc.freeze()
    try:
        with interrupts_deferred():
            # The first task forks every worker at once (``fork`` workers are
            # never started one by one), before the executor starts its
            # threads. Its result is waited for, so that the pool's thread is
            # idle from then on until the build takes the pool: on the way out
            # (an interrupt before that), Python stops every pool's thread,
            # and 3.11 does it racing a thread that is busy at that moment
            # ("Exception ignored ... Bad file descriptor"; fixed in 3.12).
            pool.submit(int).result()
    except BrokenProcessPool:  # a worker could not start: the fork server will be tried
        discard()
    finally:
        gc.unfreeze()


def take(count: int) -> ProcessPoolExecutor:
    """A pool of at least ``count`` workers: the ones forked early when there
    are enough of them, or else new ones, started by the fork server."""
    global _waiting
    if _waiting is not None and _waiting[1] >= count:
        pool, _waiting = _waiting[0], None
        return pool
    discard()
    _pelican.importable_in_workers()
    methods = multiprocessing.get_all_start_methods()
    return _pool(count, "forkserver" if "forkserver" in methods else "spawn")


def discard() -> None:
    """Stop the workers forked early when no build took them (a rebuild
    with little to build, or a build that stopped before it built)."""
    global _waiting
    if _waiting is not None:
        pool, _waiting = _waiting[0], None
        shut_down(pool, cancel=True)


__all__ = ["PARALLEL_FROM", "discard", "fork_early", "shut_down", "take", "worker_count"]
