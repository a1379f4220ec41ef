"""The entry point ends the process at once when the command is over (entry.exit_at_once): the exit status and
every line written are kept, the exit handlers run, and a thread or child process still running is waited for."""

import subprocess
import sys
import textwrap
from pathlib import Path


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)


def test_the_status_the_output_and_the_exit_handlers_are_kept():
    done = _run(
        """
        import atexit, sys
        from seedlint.entry import exit_at_once
        atexit.register(lambda: print("handler ran", file=sys.stderr))
        sys.stdout.write("a line not yet flushed")
        exit_at_once(3)
        print("not reached")
        """
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "a line not yet flushed", "handler ran\n")


def test_a_thread_still_running_is_waited_for():
    done = _run(
        """
        import threading, time
        from seedlint.entry import exit_at_once
        threading.Thread(target=lambda: (time.sleep(0.5), print("thread done"))).start()
        exit_at_once(0)
        print("returned")
        """
    )
    assert (done.returncode, done.stdout) == (0, "returned\nthread done\n")


def test_a_child_process_still_running_is_waited_for():
    done = _run(
        """
        import multiprocessing, time
        from seedlint.entry import exit_at_once
        multiprocessing.get_context("fork").Process(target=time.sleep, args=(0.5,)).start()
        exit_at_once(0)
        print("returned")
        """
    )
    assert (done.returncode, done.stdout) == (0, "returned\n")


def test_a_status_that_is_not_a_number_takes_pythons_own_exit():
    done = _run(
        """
        from seedlint.entry import exit_at_once
        exit_at_once("a message")
        print("returned")
        """
    )
    assert (done.returncode, done.stdout) == (0, "returned\n")


def _seedlint(folder: Path, *before: str) -> subprocess.CompletedProcess[str]:
    """`seedlint check` of one document with a finding in `folder` (after `before`: python's own options)."""
    (folder / "a.md").write_text('---\ntitle: "x"\n---\n')
    command = ["-m", "seedlint", "check", "--isolated", "--no-cache", "--output-format", "concise", "a.md"]
    return subprocess.run([sys.executable, *before, *command], cwd=folder, capture_output=True, text=True, timeout=60)


def test_the_command_line_keeps_its_status_and_its_report(tmp_path):
    done = _seedlint(tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("a.md:")
    assert done.stdout.splitlines()[-1].startswith("Found ")


def test_a_profiler_still_gets_to_write_what_it_measured(tmp_path):
    done = _seedlint(tmp_path, "-m", "cProfile", "-o", "run.prof")
    assert done.stdout.splitlines()[-1].startswith("Found ")  # (the status is cProfile's, which drops ours)
    assert (tmp_path / "run.prof").stat().st_size > 0
