"""Count diagnostics per rule on real corpora, with a few examples of each:

    python tools/rule_counts.py ../shared/seeds ../shared/corpus/ai-news [--select SL3] [--examples 3]

Every rule is tried on the real data with this: a rule that floods real data is a bug.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seedlint import engine
from seedlint.config import Config
from seedlint.discovery import discover


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--select", default="SL", help="comma-separated codes or prefixes")
    parser.add_argument("--examples", type=int, default=2)
    args = parser.parse_args()
    for folder in args.folders:
        config = Config(root=folder, paths=[str(folder)], select=[s.strip().upper() for s in args.select.split(",")])
        sources = discover([folder], config)
        result = engine.run(sources, config)
        counts = Counter(d.code for d in result.diagnostics)
        files = defaultdict(set)
        examples = defaultdict(list)
        for d in result.diagnostics:
            files[d.code].add(d.path)
            if len(examples[d.code]) < args.examples:
                examples[d.code].append(f"{d.path}:{d.line}:{d.column}: {d.message}")
        print(f"## {folder} — {len(sources)} documents, {len(result.diagnostics)} diagnostics")
        for code, count in sorted(counts.items()):
            print(
                f"{code} {result.diagnostics[[d.code for d in result.diagnostics].index(code)].name}: "
                f"{count} in {len(files[code])} files"
            )
            for example in examples[code]:
                print(f"    {example[:300]}")
        for error in result.internal_errors:
            print("INTERNAL ERROR", error)


if __name__ == "__main__":
    main()
