"""Runs from the cache's last report against full runs, on a copy of a whole corpus:

    python scripts/incremental_identity.py CORPUS [--work DIR] [--seed 7]

The corpus is copied into DIR (the original is never written), checked once with a fresh cache, then edited in
five rounds, each followed by `seedlint check` from the last report and by `seedlint check --no-cache`, whose
JSON outputs must be the same bytes:

1. a document's address written with `&amp;` from the start (its fix, SL306, offered), then another document
   given the address that fix would write (the first one's fix is now held: its findings change, though it did
   not);
2. three documents retitled (the entries copying their titles become stale);
3. that address given up again;
4. two documents deleted (the entries naming them dangle);
5. a trailing space added to four titles.

Prints each round's finding count and "same" or "DIFFERS" (both outputs kept in DIR then); exits 1 when a round
differs. The tests compare the same on random edits of the fixtures (tests/test_incremental.py); this does it on
a corpus of any size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB_URL = re.compile(r'\nwebUrl: "([^"\n]+)"')
TITLE = re.compile(r'\ntitle: "([^"\n]*)"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "seedlint-incremental-identity")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    shutil.rmtree(options.work, ignore_errors=True)
    docs = options.work / "docs"
    shutil.copytree(options.corpus, docs)
    files = sorted(path for path in docs.iterdir() if path.suffix in (".md", ".txt"))
    for path in files:
        path.chmod(0o644)
    chance = random.Random(options.seed)
    with_address = [path for path in files if WEB_URL.search(path.read_text(encoding="utf-8"))]
    if len(with_address) < 2:
        raise SystemExit(f"{options.corpus}: fewer than two documents with a webUrl")
    first, second = with_address[len(with_address) // 3], with_address[2 * len(with_address) // 3]
    found = WEB_URL.search(first.read_text(encoding="utf-8"))
    assert found is not None  # (chosen among those with one)
    address = found.group(1)

    def addressed(url: str) -> Callable[[re.Match[str]], str]:
        return lambda _: f'\nwebUrl: "{url}"'

    sub(first, WEB_URL, addressed(f"{address}?a=1&amp;b=2"))

    def run(*extra: str) -> str:
        command = [sys.executable, "-m", "seedlint", "check", "--isolated", "--output-format", "json", "--exit-zero"]
        environment = {**os.environ, "PYTHONPATH": str(ROOT)}
        return subprocess.run(
            [*command, *extra, str(docs)], capture_output=True, text=True, env=environment, check=True
        ).stdout

    def cached() -> str:
        return run("--cache-dir", str(options.work / "cache"))

    def left() -> list[Path]:
        return [path for path in files if path.exists() and path not in (first, second)]

    def pick(count: int) -> list[Path]:
        return chance.sample(left(), count)

    print(f"cold: {len(json.loads(cached()))} findings", flush=True)

    def retitle(count: int, replacement: str) -> Callable[[], None]:
        def edit() -> None:
            for path in pick(count):
                sub(path, TITLE, replacement)

        return edit

    def delete(count: int) -> Callable[[], None]:
        def edit() -> None:
            for path in pick(count):
                path.unlink()

        return edit

    rounds: list[tuple[str, Callable[[], None]]] = [
        ("another document takes the fixed address", lambda: sub(second, WEB_URL, addressed(f"{address}?a=1&b=2"))),
        ("three documents retitled", retitle(3, r'\ntitle: "Renamed \1"')),
        ("the address given up", lambda: sub(second, WEB_URL, addressed("https://example.com/moved"))),
        ("two documents deleted", delete(2)),
        ("a trailing space in four titles", retitle(4, r'\ntitle: "\1 "')),
    ]

    differs = False
    for number, (name, edit) in enumerate(rounds, 1):
        edit()
        incremental, full = cached(), run("--no-cache")
        same = incremental == full
        print(f"{number}. {name}: {len(json.loads(full))} findings, {'same' if same else 'DIFFERS'}", flush=True)
        if not same:
            differs = True
            (options.work / f"round-{number}-from-report.json").write_text(incremental, encoding="utf-8")
            (options.work / f"round-{number}-full.json").write_text(full, encoding="utf-8")
    return 1 if differs else 0


def sub(path: Path, pattern: re.Pattern[str], replacement: str | Callable[[re.Match[str]], str]) -> None:
    """The first match of `pattern` in the document replaced (a document without one is left as it is)."""
    path.write_text(pattern.sub(replacement, path.read_text(encoding="utf-8"), count=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
