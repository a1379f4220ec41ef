"""Warm and hook runs only, several rounds, for a corpus already checked once (run.py measures them once each):

    python benchmarks/warm.py CORPUS [--work DIR] [--config FILE] [--cache-dir DIR] [--rounds 3] [--cold]
                              [--no-hook]

Each round: a run that settles the cache (unmeasured: the document the last round changed is back), then
`seedlint check` with nothing changed (warm), then after one document's title changed in place (hook, 1 changed:
an incremental rerun, as run.py's), the document restored afterwards with its old mtime; with --rename, also
after the same change saved by renaming a new file over the document (its folder is listed again). Printed for each run:
wall time, CPU time (user + system, the process tree) and the load average before it; then the best and the
median of each. The cache and the configuration are those of run.py's `measure_corpus` (in --work), unless
--cache-dir and --config are given; --cold empties the cache first (one cold run, printed too). Nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import cached_check_command, retitled  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp/seedlint-bench"))
    parser.add_argument("--config", type=Path, help="the configuration (default: run.py's, in --work)")
    parser.add_argument("--cache-dir", type=Path, help="the cache (default: run.py's, in --work)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="empty the cache first, and measure the cold run")
    parser.add_argument("--no-hook", action="store_true", help="warm runs only (a corpus that must not change)")
    parser.add_argument(
        "--rename",
        action="store_true",
        help="also the hook with the document saved as many editors save: a new file renamed over the old one "
        "(its folder changes: the folder is listed again)",
    )
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    cache = args.cache_dir or args.work / f"cache-{corpus.name}"
    config = args.config
    if config is None:  # as run.py's measure_corpus: `paths` only when the corpus lies inside the work folder
        config = args.work / f"seedlint-{corpus.name}.toml"
        config.write_text(f'paths = ["{corpus}"]\n' if corpus.is_relative_to(args.work.resolve()) else "")
    command = [*cached_check_command(config, cache), str(corpus)]
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".md", ".txt"))
    print(f"# {' '.join(command)}")
    print(f"# {len(files):,} files; {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    if args.cold:
        shutil.rmtree(cache, ignore_errors=True)
        show("cold", *measured(command))
    changed = files[len(files) // 2]
    original, info = changed.read_bytes(), changed.stat()
    figures: dict[str, list[tuple[float, float]]] = {"warm": [], "hook, 1 changed": [], "hook, renamed over": []}
    for _ in range(args.rounds):
        measured(command)  # settles the cache: the last round's change undone
        figures["warm"].append(show("warm", *measured(command)))
        if args.no_hook:
            continue
        try:
            changed.write_bytes(retitled(original, b"Edited "))
            figures["hook, 1 changed"].append(show("hook, 1 changed", *measured(command)))
        finally:
            changed.write_bytes(original)
            os.utime(changed, ns=(info.st_atime_ns, info.st_mtime_ns))
        if args.rename:
            measured(command)
            replacement = changed.with_name(changed.name + ".new")
            try:
                replacement.write_bytes(retitled(original, b"Edited "))
                os.replace(replacement, changed)
                figures["hook, renamed over"].append(show("hook, renamed over", *measured(command)))
            finally:
                changed.write_bytes(original)
                os.utime(changed, ns=(info.st_atime_ns, info.st_mtime_ns))
                time.sleep(3)  # the folder's times trusted again (cache.FOLDER_RACY_NS): the next warm run's listing
    measured(command)
    for name, runs in figures.items():
        if not runs:
            continue
        walls, cpus = [wall for wall, _ in runs], [cpu for _, cpu in runs]
        print(
            f"{name:<16} best {min(walls):5.2f} s wall, median {statistics.median(walls):5.2f} s; "
            f"CPU best {min(cpus):5.2f} s, median {statistics.median(cpus):5.2f} s"
        )


def measured(command: list[str]) -> tuple[float, float, float]:
    """Wall time, CPU time of the run's process tree, and the one-minute load average before it."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode not in (0, 1):
        raise SystemExit(f"seedlint failed with exit status {process.returncode}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), load


def show(name: str, wall: float, cpu: float, load: float) -> tuple[float, float]:
    print(f"{name:<16} {wall:6.2f} s wall {cpu:6.2f} s CPU   (load average {load:.2f} before)", flush=True)
    return wall, cpu


if __name__ == "__main__":
    main()
