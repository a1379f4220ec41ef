"""Stats taken ahead in a forked child (seedlint/statahead.py): the same answer as stat-ing here, file by
file, whatever happens to the child; and a child whose answer is not asked for is not left behind."""

import os
import time

import pytest

from seedlint import statahead
from seedlint.statahead import StatsAhead, stats_of


@pytest.fixture
def files(tmp_path):
    """Three files (one empty, one with an mtime before 1970) and a name that is no file."""
    paths = []
    for index, text in enumerate(["", "one", "two two"]):
        path = tmp_path / f"{index}.md"
        path.write_text(text)
        paths.append(str(path))
    os.utime(paths[2], ns=(0, -1_500_000_000_123))
    return [*paths, str(tmp_path / "gone.md")]


@pytest.fixture
def always(monkeypatch):
    monkeypatch.setattr(statahead, "FROM", 1)


def test_a_child_gives_the_stats_taken_here(files, always):
    expected = [(0, os.stat(files[0]).st_mtime_ns), (3, os.stat(files[1]).st_mtime_ns), (7, -1_500_000_000_123), None]
    assert stats_of(files) == expected
    with StatsAhead(files) as ahead:
        assert ahead.forked
        assert ahead.result() == expected
        assert not ahead.forked  # (reaped)


def test_a_failing_child_leaves_the_stats_to_this_process(files, always, monkeypatch):
    def broken(shared, locations):
        raise OverflowError("an mtime beyond 64 bits")

    monkeypatch.setattr(statahead, "_write_stats", broken)  # (the child runs this process's code as it is)
    with StatsAhead(files) as ahead:
        assert ahead.forked
        assert ahead.result() == stats_of(files)


def test_a_fork_refused_leaves_the_stats_to_this_process(files, always, monkeypatch):
    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(statahead.os, "fork", refused)
    ahead = StatsAhead(files)
    assert not ahead.forked and ahead.result() == stats_of(files)


def test_few_files_or_other_threads_are_stat_ed_here(files, monkeypatch):
    assert not StatsAhead(files).forked  # below FROM
    monkeypatch.setattr(statahead, "FROM", 1)
    monkeypatch.setattr(statahead.threading, "active_count", lambda: 2)
    ahead = StatsAhead(files)
    assert not ahead.forked and ahead.result() == stats_of(files)


def test_a_thread_python_does_not_know_of_keeps_the_stats_here(files, always):
    """A native library's thread (here one started below `threading`) is seen by the kernel only."""
    import _thread
    import threading

    release, started = _thread.allocate_lock(), _thread.allocate_lock()
    release.acquire()
    started.acquire()

    def wait() -> None:
        started.release()
        release.acquire()

    _thread.start_new_thread(wait, ())
    started.acquire()
    try:
        assert threading.active_count() == 1
        assert not StatsAhead(files).forked
    finally:
        release.release()
        for _ in range(500):  # (until the thread is gone: the other tests fork)
            if statahead._can_fork():
                break
            time.sleep(0.01)


def test_a_child_not_asked_is_stopped_and_reaped(files, always):
    ahead = StatsAhead(files * 5_000)
    pid = ahead._pid
    assert pid is not None
    ahead.close()
    with pytest.raises(ChildProcessError):  # no zombie left: already waited for
        os.waitpid(pid, os.WNOHANG)


def test_stats_taken_ahead_serve_other_lists_of_files(files, always, tmp_path):
    """--diff-base's two runs: the same files but for the changed documents (a version at the revision)."""
    other = tmp_path / "versions" / "1.md"
    other.parent.mkdir()
    other.write_text("a version")
    with StatsAhead(files) as ahead:
        assert ahead.stats_for(files) == stats_of(files)
        replaced = [files[0], str(other), *files[2:]]
        assert ahead.stats_for(replaced) == stats_of(replaced)
        assert ahead.stats_for([str(other), files[1]]) == stats_of([str(other), files[1]])
