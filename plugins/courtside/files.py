"""Writing files so that nothing is ever half-written or lost.

A client file is the studio's work, kept in git and edited by hand and by
``courtside``: a crash, an interrupt or a second command at the same moment
must leave either the old file or the new one, never a mix, never a lost
edit. So every write goes to a unique temporary file beside the target, is
flushed to disk, and replaces the target in one rename; a read-modify-write
holds an exclusive lock on the file for its whole length. Writes go through
a symbolic link to the file it points at, and keep the file's permissions.

What a cache restored (a CI cache restores whatever was archived) is read
only when it is a regular file, and paths are resolved without raising on
a link that leads back to itself: such an entry costs time, never a build
that waits for ever or ends in a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


class Busy(Exception):
    """Another process holds the file's lock."""


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some file systems cannot open a folder; the rename stands anyway
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_atomically(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Replace ``path`` (the file a link points at, when it is one) with
    ``data`` in one step, keeping its permissions. ``exclusive``: create it,
    and fail with ``FileExistsError`` if it exists, without ever replacing it."""
    target = Path(os.path.realpath(path))
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                             suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        try:  # the target's permissions, or a new file's (mkstemp's are 600)
            mode = os.stat(target).st_mode & 0o7777
        except OSError:  # none there, or a link that leads back to itself: replaced as none
            mode = 0o666 & ~_umask()
        os.chmod(temporary, mode)
        if exclusive:
            os.link(temporary, target)  # fails if it exists: never overwrites
            os.unlink(temporary)
        else:
            os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            if error.filename == temporary:  # a rename onto a folder: name the file, not the step
                error.filename, error.filename2 = None, None
            _name(error, path)
        raise
    _fsync_folder(target.parent)


def replace_if_changed(path: Path, data: bytes) -> None:
    """Make ``path`` hold ``data``: in one step (a server reading it
    meanwhile gets the old file or the new), and not at all when it holds
    exactly that already (a rebuild writes most files the same again)."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)


def real_path(path: Path | str) -> Path:
    """``path`` absolute, every symbolic link followed: ``Path.resolve()``
    without its RuntimeError for a link that leads back to itself (Python
    3.11), which stays as it is for the caller's own check to find (it is
    no file, and no folder)."""
    return Path(os.path.realpath(path))


def read_regular(path: Path) -> bytes:
    """The bytes of the regular file at ``path``; ``OSError`` for anything
    else. For folders a CI cache restores, which may hold whatever was put
    there: a named pipe read as a file would keep the build waiting for ever."""
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:  # a pipe opens at once
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return file.read()


def write_cache_file(path: Path, data: bytes) -> None:
    """``data`` as ``path``, renamed into place from a temporary name of
    this process's own (two processes writing one file each rename a whole
    one), not flushed to disk: what a cache loses in a crash is only made
    again, and a torn file is read as none. A cache that cannot be written
    costs time, not the build: nothing is raised."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)


def write_bytes(path: Path, data: bytes) -> None:
    """``path.write_bytes(data)`` for a file nothing reads yet (a staged
    page), where a failure names the file."""
    try:
        path.write_bytes(data)
    except OSError as error:
        _name(error, path)
        raise


def _name(error: OSError, path: Path) -> None:
    """A failed write (a full disk) names no file; the message must."""
    if not error.filename:
        error.filename = str(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def hold_lock(path: Path) -> int:
    """Take an exclusive lock on ``path`` (created if need be) and keep it
    until the returned descriptor is closed, or the process ends; raise
    ``Busy`` at once if another process holds it."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    _lock_or_close(descriptor, path)
    return descriptor


def _lock_or_close(descriptor: int, path: Path) -> None:
    """Lock the open file exclusively, or close it and raise ``Busy``."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        os.close(descriptor)
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise Busy(str(path)) from None
        raise


@contextlib.contextmanager
def locked(path: Path) -> Iterator[bytes]:
    """Hold an exclusive lock on ``path`` and yield its bytes as they are
    under the lock; raise ``Busy`` at once if another process holds it."""
    target = Path(os.path.realpath(path))
    while True:
        descriptor = os.open(target, os.O_RDONLY)
        _lock_or_close(descriptor, target)
        # The file may have been replaced between opening and locking: then
        # the lock is on the old one, and the new one is what must be read.
        try:
            current = os.stat(target)
        except FileNotFoundError:
            current = None
        opened = os.fstat(descriptor)
        if current is not None and (current.st_ino, current.st_dev) == (opened.st_ino, opened.st_dev):
            break
        os.close(descriptor)
    try:
        with open(descriptor, "rb", closefd=False) as file:
            data = file.read()
        yield data
    finally:
        os.close(descriptor)
