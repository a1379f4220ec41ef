"""What the main process holds for each document: every stored result of a cache decoded, as a cold run holds them.

    python benchmarks/record_memory.py CACHE-DATABASE [--limit N]

CACHE-DATABASE is a cache's SQLite file (`.seedlint_cache/cache-*.sqlite3`, filled by a run of the code on
`PYTHONPATH`: the stored form must be that code's). Prints the process's resident size before and after decoding,
per result, then the deep size of each part of a result and of its index record, in bytes per result: each object
counted once, for the first part that reaches it, in the order printed (a string shared by several records, an
address interned, counts for the first). Nothing here asserts a size: the figures are for people to read.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterable

from seedlint import plain
from seedlint.corpus import IndexRecord
from seedlint.results import Checked

RECORD_PARTS = IndexRecord.__slots__
RESULT_PARTS = tuple(name for name in Checked.__slots__ if name != "record")


def resident_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def stored_results(database: str, limit: int | None) -> Iterable[bytes]:
    query = "SELECT checked FROM results" + (f" LIMIT {int(limit)}" if limit else "")
    for (blob,) in sqlite3.connect(database).execute(query):
        yield blob[blob.index(0) + 1 :]  # (after the key prefix the cache writes before each result)


def deep_sizes(results: list[Checked]) -> Counter[str]:
    seen: set[int] = set()

    def size(value: object) -> int:
        if id(value) in seen:
            return 0
        seen.add(id(value))
        total = sys.getsizeof(value)
        if isinstance(value, (tuple, list, set, frozenset)):
            total += sum(map(size, value))
        elif isinstance(value, dict):
            total += sum(size(key) + size(item) for key, item in value.items())
        elif hasattr(value, "__slots__") and not isinstance(value, (str, bytes, int)):
            total += sum(size(getattr(value, name)) for name in value.__slots__ if hasattr(value, name))
        return total

    found: Counter[str] = Counter()
    for result in results:
        seen.add(id(result))
        found["result object"] += sys.getsizeof(result)
        if result.record is not None:
            seen.add(id(result.record))
            found["record object"] += sys.getsizeof(result.record)
    for name in RECORD_PARTS:
        for result in results:
            if result.record is not None:
                found[f"record.{name}"] += size(getattr(result.record, name))
    for name in RESULT_PARTS:
        for result in results:
            found[f"result.{name}"] += size(getattr(result, name))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database")
    parser.add_argument("--limit", type=int, default=None)
    options = parser.parse_args()
    blobs = list(stored_results(options.database, options.limit))
    gc.collect()
    before = resident_mib()
    results = [plain.decode_checked(blob) for blob in blobs]
    del blobs
    gc.collect()
    after = resident_mib()
    count = len(results)
    each = (after - before) * 2**20 / count
    print(f"{count:,} results decoded: resident {before:.0f} -> {after:.0f} MiB, {each:,.0f} bytes each")
    found = deep_sizes(results)
    for name, total in found.most_common():
        print(f"  {name:28} {total / count:8,.0f}")
    print(f"  {'in all':28} {sum(found.values()) / count:8,.0f}")


if __name__ == "__main__":
    main()
