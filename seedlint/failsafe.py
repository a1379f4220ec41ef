"""The command line's last line of defence: whatever happens, a one-line message and exit status 2,
never a Python traceback (set SEEDLINT_DEBUG=1 to see it), and no crash on a console that cannot show a
character or a pipe closed early (`seedlint check | head`).
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from typing import TextIO

import click

from seedlint.escaping import inert

# A write that the system refused for want of room or a failing device (`seedlint check > /dev/full`): not a bug.
_CANNOT_WRITE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})

EXIT_ERROR, EXIT_INTERRUPTED, EXIT_TERMINATED = 2, 130, 143  # (143: 128 + SIGTERM, as a shell reports it)
DEBUG_VARIABLE = "SEEDLINT_DEBUG"


def debugging() -> bool:
    """SEEDLINT_DEBUG set to anything but nothing, 0, false, no or off (any case, blanks around)."""
    return os.environ.get(DEBUG_VARIABLE, "").strip().lower() not in ("", "0", "false", "no", "off")


def internal_error_message(message: str) -> str:
    """An engine's internal error ("where: internal error in X:" + traceback) as one line naming the
    exception, unless debugging."""
    if debugging():
        return message
    lines = [line for line in message.splitlines() if line.strip()]
    exception = lines[-1].strip() if len(lines) > 1 else ""
    return f"{lines[0] if lines else message} {exception} (a bug in seedlint; {DEBUG_VARIABLE}=1 shows the traceback)"


def _escape_unencodable(error: UnicodeError) -> tuple[str, int]:
    """`\\uXXXX` for characters the output encoding lacks (e.g. a cp1252 console): valid inside JSON strings
    (as UTF-16 code units), readable in text."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    units = error.object[error.start : error.end].encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{int.from_bytes(units[i : i + 2], 'big'):04x}" for i in range(0, len(units), 2)), error.end


codecs.register_error("seedlint-escape", _escape_unencodable)


def safe_streams() -> None:
    """Let stdout and stderr escape what their encoding cannot show instead of raising."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="seedlint-escape")


@contextlib.contextmanager
def batched_writes(stream: TextIO) -> Iterator[None]:
    """Writes to `stream` gathered into blocks while a report is written, then flushed: with PYTHONUNBUFFERED
    set (as in many CI environments), every line of a report of 60,000 findings would be one system call."""
    write_through = getattr(stream, "write_through", False) and hasattr(stream, "reconfigure")
    if write_through:
        stream.reconfigure(write_through=False)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        stream.flush()
        if write_through:
            stream.reconfigure(write_through=True)  # type: ignore[attr-defined]


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so that the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (e.g. under click's test runner)
        pass


class Terminated(KeyboardInterrupt):
    """SIGTERM while a command runs (`timeout`, a cancelled CI job, an editor ending its language server): the run
    ends as a Ctrl-C ends it, cleaning up as it does, with its own line and status. Killed outright by it, the run
    left multiprocessing's `pymp-*` folder in the temporary folder, and a fix its `.seedlint-tmp` file beside the
    document it was writing. (A KeyboardInterrupt: every cleanup that a Ctrl-C runs, this runs.)"""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


class FailsafeGroup(click.Group):
    """A click group whose commands never end in a traceback."""

    # Set by the entry point (seedlint/entry.py), which holds Ctrl-C back until the command starts; not by a test
    # that runs the commands in its own process.
    from_entry_point = False

    def invoke(self, ctx: click.Context) -> object:
        try:
            return self._invoke(ctx)
        finally:
            # The command is over, its report written. A Ctrl-C from here on could only interrupt what follows: the
            # cache closed, Python joining its threads. It printed a traceback, or click's "Aborted!", and ended the
            # run with status 1 whatever it found: it is ignored, and the run ends as it would have. (One that comes
            # just as the command ends, before it is ignored, is raised here: caught, and ignored as well.)
            try:
                self._ignore_interrupts()
            except KeyboardInterrupt:
                self._ignore_interrupts()

    def _ignore_interrupts(self) -> None:
        if self.from_entry_point and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (it still ends the run, at once: nothing is left to do)

    def _invoke(self, ctx: click.Context) -> object:
        try:
            if self.from_entry_point:
                signal.signal(signal.SIGTERM, _terminated)
                if hasattr(signal, "pthread_sigmask"):
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # (a Ctrl-C meanwhile is raised here)
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # (seedlint's usage errors are made inert where they are raised: cli.usage_error)
        except BrokenPipeError:
            _silence_stdout()
            ctx.exit(EXIT_ERROR)
        except Terminated:
            click.echo("seedlint: terminated", err=True)
            ctx.exit(EXIT_TERMINATED)
        except KeyboardInterrupt:
            click.echo("seedlint: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as error:  # a bug in seedlint: say so in one line
            if isinstance(error, OSError) and error.errno in _CANNOT_WRITE:  # (not a bug: the disk, not seedlint)
                with contextlib.suppress(OSError):  # (stderr may be on the full disk too)
                    click.echo(f"seedlint: a write failed: {error.strerror}; what it wrote is incomplete", err=True)
                ctx.exit(EXIT_ERROR)
            if debugging():
                traceback.print_exc()
            hint = "" if debugging() else f"; {DEBUG_VARIABLE}=1 shows the traceback"
            click.echo(
                f"seedlint: internal error: {type(error).__name__}: {inert(str(error))} (a bug in seedlint{hint})",
                err=True,
            )
            ctx.exit(EXIT_ERROR)
