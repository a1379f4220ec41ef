"""The size and mtime of every file of a warm run, taken on the other core while this process reads the run's
last report.

A warm or hook run at 100,000 documents spends a quarter of a second in `stat` (kernel time, one call per
file) and about as long decoding its stored report (Python time); neither can be cut further, but they need
not follow one another. Threads do not overlap them (each `stat` waits for the interpreter's lock, which the
decoding holds), so a forked child takes the stats and writes them into memory shared with this process,
then exits; nothing else runs in it. Where that cannot be done safely (not Linux, other threads running, a
child that fails in any way), the stats are taken here, one after the other, exactly as before.

The two runs of `check --diff-base` (the corpus at the revision, then as it is) share one set of stats, taken
before the first: the second run then compares stats less than a second older than its own start would give,
as if it had started then. A file changed in that moment is seen by the next run (its report keeps the state
the file was checked in, not these stats), as is any file changed while a run reads it.
"""

from __future__ import annotations

import contextlib
import mmap
import operator
import os
import signal
import sys
import threading
import time
from array import array
from collections.abc import Iterable

FROM = 2_000  # files; below this, forking costs about what it saves
_SIZE_AND_MTIME = operator.attrgetter("st_size", "st_mtime_ns")
_MISSING = -1  # a size no file has: the file could not be stat-ed


def size_and_mtime(location: str) -> tuple[int, int] | None:
    try:
        return _SIZE_AND_MTIME(os.stat(location))
    except OSError:
        return None


def stats_of(locations: list[str]) -> list[tuple[int, int] | None]:
    """(size, mtime in ns) of each file, None for one that cannot be stat-ed: at C speed while none fails."""
    try:
        return list(map(_SIZE_AND_MTIME, map(os.stat, locations)))
    except OSError:  # a file gone or unreadable: one by one
        return list(map(size_and_mtime, locations))


class StatsAhead:
    """`stats_of(locations)`, started now and answered by `result()`. Use it as a context manager: leaving it
    stops and reaps a child whose answer was not asked for (a run that found no report to start from)."""

    def __init__(self, locations: list[str]):
        self.locations = locations
        self._pid: int | None = None
        self._shared: mmap.mmap | None = None
        self._answer: list[tuple[int, int] | None] | None = None
        if len(locations) >= FROM and _can_fork():
            self._start()

    def _start(self) -> None:
        shared = mmap.mmap(-1, 16 * len(self.locations))  # anonymous and shared: the child's writes are seen here
        try:
            pid = os.fork()
        except OSError:  # (no process to spare: the stats are taken here)
            shared.close()
            return
        if pid == 0:  # the child: stat, write, exit at once (no cleanup of the parent's state: os._exit)
            code = 1
            try:
                _write_stats(shared, self.locations)
                code = 0
            finally:
                os._exit(code)
        self._pid, self._shared = pid, shared

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def result(self) -> list[tuple[int, int] | None]:
        if self._answer is None:
            self._answer = self._taken()
        return self._answer

    def stats_for(self, locations: list[str]) -> list[tuple[int, int] | None]:
        """`stats_of(locations)`, from the stats taken ahead where the locations are the same (several runs of one
        command over nearly the same files: --diff-base's run at the revision and the current run), the others
        stat-ed now."""
        known = self.result()
        if locations == self.locations:
            return known
        if len(locations) == len(self.locations):
            pairs = zip(locations, self.locations, known, strict=True)
            return [state if location == ahead else size_and_mtime(location) for location, ahead, state in pairs]
        by_location = dict(zip(self.locations, known, strict=True))
        return [by_location[place] if place in by_location else size_and_mtime(place) for place in locations]

    def _taken(self) -> list[tuple[int, int] | None]:
        pid, shared = self._pid, self._shared
        if pid is None or shared is None:
            return stats_of(self.locations)
        self._pid = None
        _, status = os.waitpid(pid, 0)
        try:
            if os.waitstatus_to_exitcode(status) != 0:
                return stats_of(self.locations)
            values = array("q")
            values.frombytes(shared[: 16 * len(self.locations)])
        finally:
            shared.close()
            self._shared = None
        pairs = zip(values[0::2], values[1::2], strict=True)
        return [None if size == _MISSING else (size, mtime) for size, mtime in pairs]

    def close(self) -> None:
        if self._pid is not None:
            with contextlib.suppress(OSError):  # (gone already)
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._shared is not None:
            self._shared.close()
            self._shared = None

    def __enter__(self) -> StatsAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _can_fork() -> bool:
    # Linux only (fork's cost and semantics are known there), and only a process with no other thread: a
    # thread holding a lock at the fork would hold it forever in the child. Counted by Python and by the
    # kernel, which also sees the threads a native library starts (a file watcher's).
    if sys.platform != "linux" or not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    # A thread Python has joined may still be ending in the kernel for a moment (it releases the lock `join` waits
    # for, then exits): asked again a few times, a millisecond apart, before the stats are taken without a child.
    for _ in range(_KERNEL_ASKS):
        threads = _kernel_threads()
        if threads != 2:  # (1: alone; 0: unknown, not forked; more: a native library's)
            return threads == 1
        time.sleep(0.001)
    return False


_KERNEL_ASKS = 5


def _kernel_threads() -> int:
    """The process's threads as the kernel counts them (0 when unknown)."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Threads:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _write_stats(shared: mmap.mmap, locations: list[str]) -> None:
    """In the child: each file's size and mtime as two signed 64-bit integers (an mtime beyond them raises,
    and the parent then takes the stats itself)."""
    found: Iterable[tuple[int, int] | None] = stats_of(locations)
    values = array("q")
    for state in found:
        values.extend(state if state is not None else (_MISSING, 0))
    shared[: 16 * len(locations)] = values.tobytes()
