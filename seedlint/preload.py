"""What the worker processes' fork server loads once, so that every worker forked from it starts with it
(seedlint/engine.py): the checking code, the Public Suffix List and the packaged schema, compiled. Imported by
the fork server only.

Ctrl-C is the main process's to handle: a terminal sends it to every process of the run, and a worker stopped in the
middle of a task leaves the pool waiting for it forever. The fork server ignores it from its first step here (not
only once its preloading is done, as multiprocessing has it: a traceback of the interrupted imports), and every
worker forked from it inherits that."""

import signal
import sys
from types import TracebackType

signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_start_failed(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """How the fork server reports its own end, or a worker that could not start. When the run that asked ended
    meanwhile (Ctrl-C), its request is cut short (EOFError, a broken connection) or the worker finds the run's
    semaphores gone (FileNotFoundError): the run said it was interrupted, nothing more to say. (Were the run still
    there, it would report the workers it lost as an internal error.)"""
    if not isinstance(error, (FileNotFoundError, EOFError, ConnectionError)):
        sys.__excepthook__(kind, error, trace)


sys.excepthook = _worker_start_failed

from seedlint import engine, fixer, schema, weburl  # noqa: E402  (after the signal is set aside)
from seedlint.rules.encoding import loaded_ftfy, mojibake_screen  # noqa: E402

weburl.public_suffix("example.com")  # (reads the list once; each top-level domain is parsed when first met)
schema.fast_check()
loaded_ftfy()  # (imported when first needed elsewhere)
mojibake_screen()  # (read from ftfy's expression once)

__all__ = ["engine", "fixer"]
