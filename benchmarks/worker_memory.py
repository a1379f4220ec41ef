"""What a worker process holds as it checks documents: its resident size and CPU time, every 10,000 documents.

    python benchmarks/worker_memory.py CORPUS-FOLDER [--documents 50000] [--every 2]

Checks, in this one process and as a worker does (`checking.check_source`, each result encoded as a worker sends
it), every `--every`th document of the folder (2: the half a worker of a 2-core run gets), up to `--documents`,
with the code on `PYTHONPATH`. A worker's resident size keeps its high-water mark: what its bounded memos and caches
(seedlint/memo.py, corpus._ENTRY_REFS, the URL rules' caches) reach. Nothing here asserts a size or a time.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from record_memory import resident_mib  # (this folder's: benchmarks/record_memory.py)

from seedlint import plain
from seedlint.checking import check_source
from seedlint.config import load_config
from seedlint.discovery import SourceFile
from seedlint.engine import collect_garbage_rarely


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--every", type=int, default=2)
    options = parser.parse_args()
    names = sorted(os.listdir(options.corpus))[:: options.every][: options.documents]
    config = load_config(isolated=True, start=options.corpus)
    check_source(SourceFile.at(options.corpus / names[0], names[0]), config)  # (what a worker loads at its start)
    collect_garbage_rarely()
    print(f"started: {resident_mib():.0f} MiB")
    start = time.process_time()
    for done, name in enumerate(names, 1):
        plain.encode_checked(check_source(SourceFile.at(options.corpus / name, name), config))
        if done % 10_000 == 0 or done == len(names):
            print(
                f"{done:>7,} documents: {resident_mib():.0f} MiB, CPU {time.process_time() - start:.1f} s", flush=True
            )


if __name__ == "__main__":
    main()
