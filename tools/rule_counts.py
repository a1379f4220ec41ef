"""Diagnostic counts per rule on real data, with a few examples each: how a rule is tried on the corpora.

    python tools/rule_counts.py [--select SL3,SL4] [--examples 3] DIR [DIR...]

For each folder: documents, then per rule code the number of diagnostics, how many documents they are
in, and the first examples (path:line:column message). Runs the whole engine (all rules unless
--select), with default settings: the configuration of the working directory is not read.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seedlint import engine  # noqa: E402
from seedlint.config import Config  # noqa: E402
from seedlint.discovery import discover  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--select", default="SL", help="comma-separated codes or prefixes (default: all rules)")
    parser.add_argument("--examples", type=int, default=3, help="examples shown per rule")
    args = parser.parse_args(argv)
    for folder in args.folders:
        config = Config(root=folder.resolve(), select=[s.strip() for s in args.select.split(",") if s.strip()])
        started = time.perf_counter()
        result = engine.run(discover([folder], config), config)
        elapsed = time.perf_counter() - started
        by_code: dict[str, list] = collections.defaultdict(list)
        for diagnostic in result.diagnostics:
            by_code[diagnostic.code].append(diagnostic)
        print(f"## {folder}: {len(result.documents)} documents, {len(result.diagnostics)} diagnostics ({elapsed:.1f} s)")
        for code in sorted(by_code):
            found = by_code[code]
            files = len({d.path for d in found})
            fixes = collections.Counter(d.fix.applicability.value for d in found if d.fix is not None)
            fixable = ", ".join(f"{n} {kind}" for kind, n in sorted(fixes.items())) or "no"
            print(f"{code} {found[0].name}: {len(found)} in {files} documents ({fixable} fixes)")
            for d in found[: args.examples]:
                print(f"    {d.path}:{d.line}:{d.column} {d.message[:220]}")
        if result.internal_errors:
            last_lines = collections.Counter(error.strip().splitlines()[-1] for error in result.internal_errors)
            print(f"{len(result.internal_errors)} internal errors:")
            for line, count in last_lines.most_common(5):
                print(f"    {count} x {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
