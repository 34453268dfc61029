"""Files only their owner may read: private directories, and opens that never follow a link.

Everything weatherbot keeps under WEATHERBOT_HOME (state, its lock, the REPL input history, the
provider cache) may hold what a person asked and where they live. So every directory weatherbot
creates is 0700 and every file 0600, whatever the umask; a path that is a symbolic link is
refused, never followed (a link planted in a shared or copied home would otherwise make
weatherbot append to, chmod or read a file of the link's choosing); and only regular files of
a sane size are read (a FIFO would block forever, /dev/zero would fill the memory).

A leaf module: the state store, the saved places, the cache and the input history share it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from pathlib import Path

# The largest private file weatherbot reads (or appends to). Each is read whole into memory and
# parsed; a JSON state costs ~10x its size there. Real files stay far below: a stored thread is
# capped (history.py: 200 messages of at most 32,000 characters) and a typical one is a few KB,
# so 64 MB is thousands of threads, and a cache entry or a typed history is smaller still.
_MB = 1024 * 1024
MAX_PRIVATE_FILE_BYTES = 64 * _MB

# A file is read in pieces, so one that grows while it is read still stops at the cap.
_CHUNK = _MB

_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


class RefusedFile(OSError):
    """A private file weatherbot will not use: a link, not a regular file, or too large.

    An OSError, so code that already treats an unreadable file as absent (the cache) skips it;
    `advice` says what the user can do, for the callers that report it.
    """

    def __init__(self, path: Path, problem: str, advice: str) -> None:
        super().__init__(f"{path} {problem}")
        self.path = path
        self.problem = problem
        self.advice = advice

    def __str__(self) -> str:
        return f"{self.path} {self.problem}"


def _link(path: Path) -> RefusedFile:
    return RefusedFile(
        path,
        "is a symbolic link; weatherbot does not follow links for its private files",
        "remove the link",
    )


def _not_regular(path: Path, mode: int) -> RefusedFile:
    kind = _KINDS.get(stat.S_IFMT(mode), "not a file")
    return RefusedFile(path, f"is {kind}, not a regular file", "remove it")


def _too_large(path: Path) -> RefusedFile:
    cap = MAX_PRIVATE_FILE_BYTES
    size = f"{cap // _MB} MB" if cap % _MB == 0 else f"{cap} bytes"
    return RefusedFile(
        path, f"is larger than {size}, more than weatherbot reads", "move it elsewhere"
    )


def _refusal(path: Path) -> RefusedFile | None:
    """Why `path` (not followed) cannot be a private file, or None (regular, or absent)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return _link(path)
    if not stat.S_ISREG(mode):
        return _not_regular(path, mode)
    return None


def make_private_dir(path: Path) -> None:
    """Create `path` and any missing parents, each 0700 whatever the umask.

    A directory that exists already is left as it is: the user made it (or chose it), and
    weatherbot has no business changing its mode. Parents weatherbot creates are private too:
    one left writable by others (umask 000) would let them swap WEATHERBOT_HOME underneath it.
    """
    if path.is_dir():
        return
    missing: list[Path] = []
    for directory in (path, *path.parents):
        if directory.is_dir():
            break
        missing.append(directory)
    for directory in reversed(missing):
        try:
            # The umask can only take bits away from 0700: never more open than that, even
            # for a moment.
            os.mkdir(directory, 0o700)
        except FileExistsError:
            if directory.is_dir():
                continue  # made meanwhile (another weatherbot): not ours to chmod
            raise
        # Put back what a umask such as 0o277 took (an owner who cannot write is no use); by
        # path, as a directory of mode 0000 cannot be opened, and only if it is still ours.
        info = os.lstat(directory)
        if stat.S_ISDIR(info.st_mode) and stat.S_IMODE(info.st_mode) != 0o700:
            os.chmod(directory, 0o700)


def _open(path: Path, flags: int, mode: int = 0o600) -> int:
    """`os.open` never following a link at `path` and never blocking on a FIFO, then checked.

    Returns a descriptor of a regular file no larger than MAX_PRIVATE_FILE_BYTES, in blocking
    mode; raises RefusedFile for anything else.
    """
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK, mode)
    except OSError:
        # ELOOP (Linux; EMLINK on FreeBSD) for a link, ENXIO for a FIFO opened to write with
        # no reader, EISDIR: say what the path is rather than the system's riddle.
        refusal = _refusal(path)
        if refusal is not None:
            raise refusal from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        if info.st_size > MAX_PRIVATE_FILE_BYTES:
            raise _too_large(path)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_private(path: Path) -> bytes:
    """The bytes of the regular file `path`; RefusedFile for a link, a FIFO, a device, or a
    file over MAX_PRIVATE_FILE_BYTES; FileNotFoundError when it is absent."""
    fd = _open(path, os.O_RDONLY)
    try:
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, _CHUNK):
            size += len(chunk)
            if size > MAX_PRIVATE_FILE_BYTES:
                raise _too_large(path)
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def append_private(path: Path, data: bytes) -> None:
    """Append `data` to `path` (created 0600 if absent) in one write, never through a link.

    An existing file weatherbot owns is set back to 0600 (one written by an older version, or
    under a wide umask). `append_private(path, b"")` creates and checks the file only.
    """
    fd = _open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        info = os.fstat(fd)
        if stat.S_IMODE(info.st_mode) != 0o600 and info.st_uid == os.geteuid():
            os.fchmod(fd, 0o600)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def write_private(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace `path` with `data` atomically (temp file + rename), mode 0600, in a private
    directory. A link at `path` is replaced itself, its target untouched.

    `durable`: flush to the disk before the rename (the state must survive a power cut; the
    cache can be rebuilt).
    """
    make_private_dir(path.parent)
    # mkstemp creates the file with O_EXCL (a name planted in advance is never opened), 0600
    # minus the umask: fchmod puts back what a umask such as 0o277 takes.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def aside_path(path: Path, kind: str, now: float) -> Path:
    """A free `<name>.<kind>-<UTC time>[-n]` path beside `path` (never an earlier one's)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
    target = path.with_name(f"{path.name}.{kind}-{stamp}")
    n = 1
    while os.path.lexists(target):
        n += 1
        target = path.with_name(f"{path.name}.{kind}-{stamp}-{n}")
    return target


def move_aside(path: Path, kind: str, now: float) -> Path:
    """Rename `path` to a free `aside_path` and return it; OSError when it cannot be moved."""
    target = aside_path(path, kind, now)
    os.replace(path, target)
    # The copy holds what the user kept: private like every file here, even when the damaged
    # file was not (made by hand, or by an older weatherbot).
    with contextlib.suppress(OSError):
        os.chmod(target, 0o600, follow_symlinks=False)
    return target
