"""Micro-benchmark of the SL1 step alone (seedlint.rules.schema.check) on real documents, in one process.

    python benchmarks/schema_check.py DIR [DIR ...] [--rounds 5] [--schema FILE]

Loads every document under the folders once, then times the schema rules on all of them, `--rounds` times,
each round in a fresh process state for the per-process memos (the related-entry answers): the first round
is what a worker pays on a corpus it has not seen, the later ones what it pays on recurring entries. Prints
microseconds per document (best and median of the rounds). Compare two commits by running this script with
each one's package first on PYTHONPATH, alternately: this machine's speed varies between runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from seedlint import schema
from seedlint.config import Config
from seedlint.document import load_document
from seedlint.rules import schema as rules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--schema", type=Path, default=None, help="a configured schema (default: the packaged one)")
    args = parser.parse_args()
    docs = [
        doc
        for folder in args.folders
        for path in sorted(folder.rglob("*"))
        if path.suffix in (".md", ".txt")
        for doc in [load_document(path)]
        if doc.ok
    ]
    config = Config(root=Path.cwd(), schema=str(args.schema.resolve()) if args.schema else None)
    cold, warm = [], []
    for _ in range(args.rounds):
        schema.fast_check.cache_clear()  # a fresh memo of related entries, as in a new worker
        for times in (cold, warm):
            start = time.perf_counter()
            found = sum(len(list(rules.check(doc, config))) for doc in docs)
            times.append((time.perf_counter() - start) / len(docs) * 1e6)
    print(f"{len(docs):,} documents, {found} SL1 findings")
    for label, times in (("first pass", cold), ("entries known", warm)):
        print(f"{label:<14} best {min(times):8.1f} µs/doc   median {statistics.median(times):8.1f} µs/doc")


if __name__ == "__main__":
    main()
