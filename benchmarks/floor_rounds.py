"""One corpus's libyaml floor and a cold `seedlint check`, round after round, alternating:

    python benchmarks/floor_rounds.py CORPUS [--rounds 3] [--code PYTHONPATH ...]

Each round parses the corpus's front matters in this process (run.py's floor: libyaml, one core), then runs
`seedlint check --isolated --no-cache` on it once for each `--code` given (a `git archive` of another commit,
byte-compiled; by default the code of this checkout), printing each run's wall time and its ratio to that
round's floor. run.py measures the same cold run while it samples the memory of the process tree every 20 ms
(a Python walk of /proc on the same two cores); this script does not, to compare code with code and with the
floor of the same moment. Nothing here asserts a time: the figures are printed for people to read.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run as bench  # noqa: E402  (the benchmark's own floor and command line: benchmarks/run.py)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", action="append", help="PYTHONPATH of the code to run (repeat to alternate)")
    options = parser.parse_args()
    codes = options.code or [str(HERE.parent)]
    files = sorted(path for path in options.corpus.iterdir() if path.suffix in (".md", ".txt"))
    bench.read_all(files)  # (in the page cache for every run)
    for _ in range(options.rounds):
        floor, _peak = bench.in_process(bench.parse_all, files)
        line = f"floor {floor:.2f} s"
        for code in codes:
            command = [*bench.seedlint_command("check"), str(options.corpus)]
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": code}, check=True)
            seconds = time.perf_counter() - start
            line += f"  {code}: {seconds:.2f} s ({floor / seconds:.3f}x)"
        print(line, flush=True)


if __name__ == "__main__":
    main()
