"""How long reading a stored report's parts takes (`plain.decode_report_part` on each), with the code on the
path: run it with PYTHONPATH set to another checkout to compare two versions on the same cache.

    python benchmarks/report_parts.py CACHE-DATABASE [--rounds 5]

CACHE-DATABASE is a `cache-*.sqlite3` of a `.seedlint_cache` folder; its largest report is read (read-only).
Prints the best and the median of the rounds. Nothing here asserts a time: the figures are for people to read.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from collections import Counter

from seedlint import plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database")
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    with sqlite3.connect(f"file:{options.database}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT report, part FROM report_parts").fetchall()
    largest = Counter(report for report, _ in rows).most_common(1)[0][0]
    blobs = [blob for report, blob in rows if report == largest]
    # (each stored blob starts with the settings key it is bound to, then NUL)
    parts = [memoryview(blob)[blob.index(b"\0") + 1 :] for blob in blobs]
    times = []
    for _ in range(options.rounds):
        start = time.perf_counter()
        decoded = [plain.decode_report_part(part) for part in parts]
        times.append(time.perf_counter() - start)
    files = sum(len(part.displays) for part in decoded)
    best, median = min(times), statistics.median(times)
    print(f"{plain.__file__}: {len(parts)} parts, {files:,} files, best {best:.3f} s, median {median:.3f} s")


if __name__ == "__main__":
    main()
