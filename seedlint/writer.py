"""Writing a fixed file so that nothing is ever lost: a temporary file in the same folder, flushed and
fsynced, then `os.replace` (atomic on POSIX). A crash or a full disk at any point leaves either the old
file or the new one, never a mix; the file's mode is kept; a read-only file is reported, not forced."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from seedlint.document import FileTooLarge, read_bounded


class WriteError(Exception):
    """The file could not be written; the original is untouched. The message names the file and why."""


def write_atomically(path: Path, content: bytes, expected: bytes) -> None:
    """Replace `path`'s bytes with `content`, provided the file still holds `expected` (what was read and
    checked): a file changed by someone else meanwhile is left alone."""
    problem = why_unwritable(path)
    if problem is not None:
        raise WriteError(f"{path}: {problem}")
    target = path.resolve()
    try:
        info = target.stat()
    except OSError as error:
        raise WriteError(f"{path}: cannot write the fix: {error.strerror}") from None

    def unchanged() -> None:
        try:
            current = read_bounded(target)  # (regular files only, never blocking: as it was read)
        except FileTooLarge:
            current = None
        if current != expected:
            raise WriteError(f"{path}: file changed on disk while it was being fixed; not overwritten (run again)")

    try:
        replace_file(target, content, stat.S_IMODE(info.st_mode), unchanged)
    except OSError as error:
        raise WriteError(f"{path}: cannot write the fix: {error.strerror or error}; the file is unchanged") from None


def why_unwritable(path: Path, modes: bool = True) -> str | None:
    """Why a fix of `path` would not be written (a link, not a regular file, read-only), or None. Also asked
    before fixing: the copies of a value in other documents must not follow a fix that cannot be written.
    `modes`: a read-only file counts (not for a preview: it is fixed once made writable; a link never is)."""
    if path.is_symlink():  # only regular files are fixed: never a file elsewhere through a link
        return "a symbolic link; not fixed (fix the file it points to under its own name)"
    try:
        info = path.resolve().stat()
    except OSError as error:
        return f"cannot write the fix: {error.strerror}"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file; not fixed"
    if modes and not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return "file is read-only; not fixed (make it writable to apply the fix)"
    return None


def replace_file(
    target: Path, content: bytes | Iterable[bytes], mode: int, before_replace: Callable[[], None] | None = None
) -> None:
    """Write `content` (or its pieces, in order) to a temporary file beside `target` (flushed, fsynced, given
    `mode`), call `before_replace` (which may raise to give up), then `os.replace` it onto `target`. Raises
    OSError; the temporary file never outlives the call."""
    fd, temporary = None, None
    try:
        # (the name's first characters only: a name near the 255-byte limit made the temporary one too long)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".seedlint-tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as stream:
            fd = None
            for piece in [content] if isinstance(content, bytes) else content:
                stream.write(piece)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        if before_replace is not None:
            before_replace()
        os.replace(temporary, target)
        temporary = None
    finally:
        if fd is not None:
            os.close(fd)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
