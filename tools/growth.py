"""How seedlint's time grows with hostile input: each shape of issue 24 at size n and 10n, timed.

    python tools/growth.py                      # every shape, n and 10n; prints times and their ratio
    python tools/growth.py --shape topics       # one shape (repeatable)
    python tools/growth.py --scale 0.1          # smaller sizes (CI runs --scale 0.01 through pytest)
    python tools/growth.py --timeout 60         # seconds allowed per run (a run that hangs is killed)
    python tools/growth.py --scale 0.01 --single   # size n only: the shapes run and their findings are right

Linear work grows ×10 when the input grows ×10 (a little more is noise and caches); quadratic work grows
×100, and the timeout shows work that never ends. Each run checks the generated documents with the whole
engine (`engine.run`: per-document rules, corpus rules, suppressions, selection; no cache) in a child
process, and its findings are checked against what the shape must produce: the exit status is 1 when a
finding is wrong or a run timed out. Figures are printed, never asserted (this machine's speed varies by a
quarter between runs).

The shapes (n is the shape's own count, shown with the input's size):
  suppression-blanks  a front-matter line of n blanks then a plain comment, in a file with a `# seedlint:` comment
  suppression-lines   n topics, each with a suppression comment that silences nothing (SL017, capped per file)
  topics              n rare topics, each one edit from one of n frequent topics (SL604)
  long-urls           n documents on one host with 1,500-character addresses, each naming a near miss (SL503)
  unknown-keys        one document with n unknown keys (SL102)
  duplicate-keys      one document with n duplicate keys (SL010)
                      (at 10n both stay under the loader's 200,000 values, beyond which a document is SL012)
  schema-patterns     a configured schema whose `pattern` and `patternProperties` backtrack catastrophically
                      (`^(a+)+$`), against n characters that almost match
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CLEAN = (REPO / "tests" / "fixtures" / "seeds" / "002_436ca83e3ef9a780.txt").read_text(encoding="utf-8")
CLEAN_TITLE = 'title: "Live Facial Recognition used in Croydon"'
CLEAN_URL = "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478292"


def _without_related(text: str) -> str:
    """The clean document without its related list (references are another shape's business)."""
    start = text.index("\nrelated:\n")
    return text[:start] + "\n" + text[text.index("\nsecured:", start) + 1 :]


BASE = _without_related(CLEAN)


def _front_matter_lines(extra: str, text: str = BASE) -> str:
    """`text` with `extra` lines inserted after its `type:` line."""
    return text.replace("type: article\n", "type: article\n" + extra, 1)


# Each shape writes its documents (and configuration) into a folder and returns the configuration keys it
# needs; `expect` says what the findings must be, from their counts per code and their messages.
Counts = Counter[str]


@dataclass
class Shape:
    name: str
    base: int  # n for the default run
    build: Callable[[Path, int], dict[str, object]]
    expect: Callable[[int, Counts, list[str]], str | None]  # None when right, else what is wrong


def _capped(code: str, n: int, counts: Counts, messages: list[str]) -> str | None:
    """n findings of `code` in one file: n up to 100, else 100 and one counting the rest."""
    if n <= 100:
        return None if counts[code] == n else f"{counts[code]} {code}, expected {n}"
    summary = f"{n - 100:,} more {code} "
    if counts[code] != 101 or not any(m.startswith(summary) for m in messages):
        return f"{counts[code]} {code}, expected 100 and one '{summary}…'"
    return None


def build_suppression_blanks(folder: Path, n: int) -> dict[str, object]:
    extra = "# seedlint: ignore-file[SL6]\nnote: x" + " " * n + "# a plain comment\n"
    (folder / "doc.md").write_text(_front_matter_lines(extra), encoding="utf-8")
    return {"ignore": ["SL102"]}


def build_suppression_lines(folder: Path, n: int) -> dict[str, object]:
    listing = "".join(f"  - Topic {i}   # seedlint: ignore[SL4]\n" for i in range(n))
    (folder / "doc.md").write_text(BASE.replace("  - Computer Vision\n  - AI\n", listing, 1), encoding="utf-8")
    return {}


def _words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [
        " ".join("".join(rng.choice(letters) for _ in range(rng.randint(5, 9))) for _ in range(2)).title()
        for _ in range(count)
    ]


def build_topics(folder: Path, n: int) -> dict[str, object]:
    frequent = _words(n, seed=1)
    rng = random.Random(2)
    rare = []
    for topic in frequent:  # one letter changed (never a blank): one edit from its frequent topic
        at = rng.choice([i for i, char in enumerate(topic) if char != " "])
        rare.append(topic[:at] + ("q" if topic[at] != "q" else "z") + topic[at + 1 :])
    listing = "".join(f"  - {topic}\n" for topic in frequent)
    for number in range(5):  # each frequent topic in five documents
        text = BASE.replace(CLEAN_URL, f"{CLEAN_URL}-{number}").replace("  - Computer Vision\n  - AI\n", listing, 1)
        (folder / f"frequent-{number}.md").write_text(text, encoding="utf-8")
    text = BASE.replace(CLEAN_URL, f"{CLEAN_URL}-rare").replace(
        "  - Computer Vision\n  - AI\n", "".join(f"  - {topic}\n" for topic in rare), 1
    )
    (folder / "rare.md").write_text(text, encoding="utf-8")
    return {"select": ["SL604"]}


_LONG = "/".join("segment-of-a-very-long-article-address" for _ in range(38))  # ~1,500 characters


def build_long_urls(folder: Path, n: int) -> dict[str, object]:
    """Document i names document i+1 with one character of its address changed: a near miss (SL503)."""
    for number in range(n):
        url = f"https://news.example.com/{_LONG}/article-{number:06}"
        target = f"https://news.example.com/{_LONG}/article-{(number + 1) % n:06}".replace("/article-", "/articl3-")
        related = (
            "related:\n"
            f'  - title: "Article {(number + 1) % n}"\n'
            f'    excerpt: "An article."\n'
            f"    publishedDateTime: 2024-01-22T16:27:00Z\n"
            f'    webUrl: "{target}"\n'
            "    type: article\n"
            "    provider:\n      name: Example News\n      domain: example.com\n"
        )
        text = (
            BASE.replace(CLEAN_URL, url)
            .replace(CLEAN_TITLE, f'title: "Article {number}"', 1)
            .replace("\nsecured:", "\n" + related + "secured:", 1)
        )
        (folder / f"article-{number:06}.md").write_text(text, encoding="utf-8")
    return {"select": ["SL503"], "related-scope": "closed"}


def build_unknown_keys(folder: Path, n: int) -> dict[str, object]:
    (folder / "doc.md").write_text(_front_matter_lines("".join(f"unknown{i}: {i}\n" for i in range(n))))
    return {"select": ["SL102"]}


def build_duplicate_keys(folder: Path, n: int) -> dict[str, object]:
    (folder / "doc.md").write_text(_front_matter_lines("".join(f"quality: {i}\n" for i in range(n))))
    return {"select": ["SL010"]}


def build_schema_patterns(folder: Path, n: int) -> dict[str, object]:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"title": {"type": "string", "pattern": "^(a+)+$"}},
        "patternProperties": {"^(b+)+$": {"type": "integer"}},
    }
    (folder / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    text = BASE.replace(CLEAN_TITLE, f'title: "{"a" * n}!"\n{"b" * n}c: 1', 1)
    (folder / "doc.md").write_text(text, encoding="utf-8")
    return {"select": ["SL1"], "schema": "schema.json"}


SHAPES = {
    shape.name: shape
    for shape in (
        Shape(
            "suppression-blanks",
            100_000,
            build_suppression_blanks,
            lambda n, counts, messages: None if counts["SL017"] == 1 else f"{counts['SL017']} SL017, expected 1",
        ),
        Shape(
            "suppression-lines",
            2_000,
            build_suppression_lines,
            lambda n, counts, messages: _capped("SL017", n, counts, messages),
        ),
        Shape("topics", 4_000, build_topics, lambda n, counts, messages: _capped("SL604", n, counts, messages)),
        Shape(
            "long-urls",
            20,
            build_long_urls,
            lambda n, counts, messages: None if counts["SL503"] == n else f"{counts['SL503']} SL503, expected {n}",
        ),
        Shape(
            "unknown-keys",
            8_000,
            build_unknown_keys,
            lambda n, counts, messages: _capped("SL102", n, counts, messages),
        ),
        Shape(
            "duplicate-keys",
            8_000,
            build_duplicate_keys,
            lambda n, counts, messages: _capped("SL010", n, counts, messages),
        ),
        Shape(
            "schema-patterns",
            30,
            build_schema_patterns,
            # the title does not match its pattern; how the bound reports a pattern it stops is the schema's
            lambda n, counts, messages: (
                None
                if sum(count for code, count in counts.items() if code.startswith("SL1")) >= 1
                else "no SL1 finding for the title"
            ),
        ),
    )
}


def measure(name: str, n: int) -> dict[str, object]:
    """In this process: build the shape in a temporary folder and time one engine run on it."""
    from seedlint import engine
    from seedlint.config import config_from_table
    from seedlint.discovery import discover

    engine.collect_garbage_rarely()  # as the command line does

    with tempfile.TemporaryDirectory(prefix=f"growth-{name}-") as folder:
        root = Path(folder)
        docs = root / "docs"
        docs.mkdir()
        table = {"paths": ["docs"], **SHAPES[name].build(docs, n)}
        if "schema" in table:
            (docs / str(table["schema"])).rename(root / str(table["schema"]))
        config = config_from_table(table, root / "seedlint.toml")
        sources = discover([docs], config)
        size = sum(source.path.stat().st_size for source in sources)
        started = time.perf_counter()
        result = engine.run(sources, config)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "bytes": size,
        "counts": Counter(d.code for d in result.diagnostics),
        "messages": [d.message for d in result.diagnostics],
        "internal_errors": [error.splitlines()[0] for error in result.internal_errors],
    }


def run_child(name: str, n: int, timeout: float) -> dict[str, object] | None:
    """`measure` in a child process (a hang is killed there); None on a timeout."""
    try:
        process = subprocess.run(
            [sys.executable, __file__, "--child", name, str(n)], capture_output=True, timeout=timeout, text=True
        )
    except subprocess.TimeoutExpired:
        return None
    if process.returncode != 0:
        return {"error": process.stderr.strip().splitlines()[-1] if process.stderr.strip() else "failed"}
    result: dict[str, object] = json.loads(process.stdout)
    return result


def _size(result: dict[str, object] | None) -> str:
    if result is None or "bytes" not in result:
        return ""
    kilobytes = int(str(result["bytes"])) / 1024
    return f"{kilobytes:,.0f} kB" if kilobytes >= 10 else f"{kilobytes:.1f} kB"


def _time(result: dict[str, object] | None, timeout: float) -> str:
    if result is None:
        return f"> {timeout:g} s"
    if "error" in result:
        return "error"
    return f"{float(str(result['seconds'])):.2f} s"


def _problem(name: str, n: int, result: dict[str, object] | None) -> str | None:
    if result is None:
        return "timeout"
    if "error" in result:
        return str(result["error"])
    if result["internal_errors"]:
        return f"internal error: {result['internal_errors']}"
    counts: Counts = Counter(result["counts"])  # (a plain dict after JSON)
    return SHAPES[name].expect(n, counts, list(result["messages"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), help="only this shape (repeatable)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every n by this (default 1)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run before it is killed")
    parser.add_argument("--single", action="store_true", help="size n only (no 10n, no ratio)")
    parser.add_argument("--child", nargs=2, metavar=("SHAPE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = measure(args.child[0], int(args.child[1]))
        print(json.dumps(result))
        return 0
    failures = 0
    print(
        f"{'shape':<20} {'n':>8} {'input':>9} {'time':>9}   {'10n':>8} {'input':>9} {'time':>9}   "
        f"{'ratio':>6}  findings"
    )
    for name in args.shape or list(SHAPES):
        n = max(2, round(SHAPES[name].base * args.scale))  # (two documents at least: one names the other)
        small = run_child(name, n, args.timeout)
        problems = [f"n: {p}" for p in [_problem(name, n, small)] if p is not None]
        large = None
        if not args.single and small is not None and "error" not in small:
            large = run_child(name, 10 * n, args.timeout)
            problems += [f"10n: {p}" for p in [_problem(name, 10 * n, large)] if p is not None]
        ratio = ""
        if small and large and "seconds" in small and "seconds" in large:
            ratio = f"{float(str(large['seconds'])) / max(float(str(small['seconds'])), 1e-6):.1f}×"
        failures += bool(problems)
        print(
            f"{name:<20} {n:>8,} {_size(small):>9} {_time(small, args.timeout):>9}   "
            f"{'' if args.single else f'{10 * n:,}':>8} {_size(large):>9} "
            f"{_time(large, args.timeout) if small is not None and not args.single else '':>9}   {ratio:>6}  "
            f"{'; '.join(problems) if problems else 'ok'}",
            flush=True,
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
