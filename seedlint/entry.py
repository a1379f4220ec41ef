"""The command's entry point (`seedlint`, `python -m seedlint`). seedlint's code is imported here with Ctrl-C held
back, then taken: interrupted inside the import machinery, Python may swallow the interrupt (the run went on to
its end) or die of it with a traceback. So a Ctrl-C while seedlint loads (its first tenth of a second) ends the
run as one at any later moment does: one line, exit 130 (seedlint/failsafe.py handles it from then on)."""

import signal
import sys

EXIT_INTERRUPTED = 130  # (failsafe.EXIT_INTERRUPTED: not imported, it would load click first)


def main() -> None:
    holding = hasattr(signal, "pthread_sigmask")
    if holding:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        from seedlint.cli import main as run
    except BaseException:
        try:
            if holding:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # (a Ctrl-C meanwhile is raised here)
        except KeyboardInterrupt:
            sys.stderr.write("seedlint: interrupted\n")
            raise SystemExit(EXIT_INTERRUPTED) from None
        raise
    # Still held while click reads the command line: the command takes it when it starts, where a Ctrl-C meanwhile
    # is raised and ends the run as one at any later moment (taken here, one in click's parsing was its "Aborted!",
    # status 1). Ignored again once the command is over. (See FailsafeGroup.invoke.)
    run.from_entry_point = True
    try:
        run()
    except SystemExit as done:
        exit_at_once(done.code)
        raise


def exit_at_once(code: object) -> None:
    """End the process now that the command is over (its report written; its cache closed with click's context),
    without Python freeing one by one the millions of objects a large run holds: 0.04–0.05 s of a warm run or a hook
    at 100,000 documents (as mypy's fast exit). The exit handlers still run. Only when nothing else runs (no
    other thread, no child process), nothing watches (a profiler or a tracer, such as `python -m cProfile` or
    coverage, writes what it measured once the program has returned) and the output is flushed; else Python's
    own exit."""
    import atexit
    import os
    import threading

    multiprocessing = sys.modules.get("multiprocessing")
    if (
        (code is not None and type(code) is not int)
        or sys.getprofile() is not None
        or sys.gettrace() is not None
        or threading.active_count() != 1
        or (multiprocessing is not None and multiprocessing.active_children())
    ):
        return
    atexit._run_exitfuncs()  # (run once: Python's exit finds none left, should it still come)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # (a closed or broken stream: Python's exit deals with it, as before)
        return
    os._exit(code or 0)
