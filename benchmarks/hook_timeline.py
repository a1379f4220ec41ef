"""Where the hook's command spends its time: `seedlint check --diff-base HEAD` run once in this process, with its
main steps timed (when each started after the process did, and how long it took), on stderr.

    cd REPO && python /path/to/benchmarks/hook_timeline.py

Steps run in the background thread of `compare.prepare` (git's side) print as they end, among the main thread's.
Nothing here asserts a time: the figures are for people to read.
"""

from __future__ import annotations

import atexit
import sys
import time
from collections.abc import Callable
from typing import Any

STARTED = time.perf_counter()

from seedlint import cli, compare, engine, revisions  # noqa: E402  (imported after the clock starts)
from seedlint.entry import main  # noqa: E402

STEPS = {
    revisions: ("differences_since", "listing_key", "tree_differences", "with_differences", "tree_blobs", "readable"),
    cli: ("resolve_sources", "prepare_comparison"),
    compare: ("prepare", "find_lost", "check_before", "_sources_before", "_as_last_reported", "split"),
    engine: ("run",),
}


def timed(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return step(*args, **kwargs)
        finally:
            took = time.perf_counter() - start
            print(f"{name:<20} started {start - STARTED:6.3f} s, took {took:6.3f} s", file=sys.stderr)

    return run


if __name__ == "__main__":
    for module, names in STEPS.items():
        for name in names:
            setattr(module, name, timed(name, getattr(module, name)))
    sys.argv = ["seedlint", "check", "--diff-base", "HEAD", "--quiet", "--exit-zero"]
    # (at exit: the command line ends the process once the command is over, and runs the exit handlers first)
    atexit.register(lambda: print(f"{'end':<20} {time.perf_counter() - STARTED:6.3f} s", file=sys.stderr))
    main()
