"""A bound on the CPU time of one step (validating one document against a configured schema).

Python's `re` has no time bound, and a schema pattern such as `^(a+)+$` backtracks for ever on `"a" * 40 + "!"`;
jsonschema runs patterns with `re` (and seedlint keeps that engine: its answers are jsonschema's). The step
runs under a CPU-time timer instead (`setitimer(ITIMER_VIRTUAL)`): when it fires, the signal handler raises
`TimeLimitExceeded` inside the running code, `re`'s matcher included (it checks for signals while it
backtracks). The timer costs one system call per step: it is armed when a step begins and left running when
it ends (a signal after the step changes nothing; the next step arms it afresh), and stopped at exit.

Signals reach only the main thread, so the bound applies there (the command line and the worker processes
check documents in their main thread); in any other thread the step runs unbounded.
"""

from __future__ import annotations

import atexit
import signal
import threading
from types import FrameType, TracebackType


class TimeLimitExceeded(Exception):
    """The step used up its CPU time."""

    def __init__(self, seconds: float):
        super().__init__(f"stopped after {seconds:g} s of CPU time")
        self.seconds = seconds


_active: list[float] = []  # the limit of the step running now (empty: none), read by the handler
_MAIN_THREAD = threading.main_thread().ident
_installed: list[bool] = []


def _expired(signum: int, frame: FrameType | None) -> None:
    # Only the running step's own timer counts: a signal of an earlier step's timer, outside any step or handled
    # after this step armed its own (the timer then still runs), changes nothing.
    if _active and signal.getitimer(signal.ITIMER_VIRTUAL)[0] == 0:
        raise TimeLimitExceeded(_active[-1])


def _disarm() -> None:
    # At exit: the timer a step left running must not run out while the interpreter shuts down, after it has
    # given the signal its default action back (which ends the process: exit status 154 instead of the run's).
    signal.setitimer(signal.ITIMER_VIRTUAL, 0)


class cpu_time_limit:
    """Run the body with at most `seconds` of CPU time (main thread only; elsewhere without a bound).

    A class rather than a generator-based context manager, and the handler installed once per process
    (it does nothing outside a step): the bound costs one `setitimer` call per step."""

    __slots__ = ("seconds", "armed")

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.armed = False

    def __enter__(self) -> None:
        if _active or threading.get_ident() != _MAIN_THREAD:
            return
        if not _installed:
            signal.signal(signal.SIGVTALRM, _expired)
            atexit.register(_disarm)
            _installed.append(True)
        signal.setitimer(signal.ITIMER_VIRTUAL, self.seconds)  # (armed before the step counts as running)
        _active.append(self.seconds)
        self.armed = True

    def __exit__(self, *_exception: object) -> None:
        if self.armed:  # (the timer is left to run out: see _expired)
            _active.clear()
            self.armed = False


def interrupted_search(traceback: TracebackType | None) -> tuple[str, str] | None:
    """(pattern, string) of the regular-expression search the limit interrupted, when it was one:
    the innermost frame of the traceback named `search` (`re.search`, `Pattern.search` called from
    seedlint's own `search`) that holds a `pattern` and a `string`."""
    found = None
    while traceback is not None:
        names = traceback.tb_frame.f_locals
        if traceback.tb_frame.f_code.co_name == "search" and "pattern" in names and "string" in names:
            pattern, string = names["pattern"], names["string"]
            pattern = getattr(pattern, "pattern", pattern)
            if isinstance(pattern, str) and isinstance(string, str):
                found = (pattern, string)
        traceback = traceback.tb_next
    return found
