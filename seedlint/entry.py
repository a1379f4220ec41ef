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
    run()
