"""The hook's command, round after round, on a git repository of a corpus: `seedlint check --diff-base HEAD`.

    python benchmarks/hook_rounds.py REPO DOCUMENT [--rounds 9] [--edit | --commit] [--base PYTHONPATH --base-cache DIR]

REPO is a git repository whose seedlint configuration names its corpus (a generated one: benchmarks/run.py makes
them), DOCUMENT one of its documents, committed. Each round runs the command once (wall time); with `--edit`,
the document's title is first changed to a new text (a commit retried after its hook failed: another state of
the work tree at the same commit); with `--commit`, the work tree is first committed, then the title changed (the
usual hook run: the first at a new commit, the previous round's edit committed); else the work tree stays as it
is (the same state again). With `--base`, each
round runs the code at that path too (a `git archive` of another commit, byte-compiled), alternating (which one
runs first changes from round to round), with its own cache folder (`--base-cache`: the two may store their cache
differently). Each run's CPU time (user and system, its stat child's included) is printed beside its wall time:
on a machine as noisy as this one, it varies less. The document is restored at the end. To compare fairly, give
`--base-cache` a folder inside REPO (each run then makes the check that git tracks no file of its cache folder,
17 ms at 100,000 documents) and byte-compile both codes (`python -m compileall seedlint`: where
PYTHONDONTWRITEBYTECODE is set, a changed module is compiled again by every run).

Nothing here asserts a time: the figures are printed for people to read.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMAND = ["-m", "seedlint", "check", "--diff-base", "HEAD", "--quiet", "--exit-zero"]


def timed(repo: Path, pythonpath: str | None, cache: str | None) -> tuple[float, float]:
    """The command's wall time and CPU time."""
    env = {**os.environ, "NO_COLOR": "1"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    extra = ["--cache-dir", cache] if cache else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *COMMAND, *extra], cwd=repo, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def retitled(text: str, round_number: int) -> str:
    head, _, rest = text.partition("\ntitle: ")
    title, _, tail = rest.partition("\n")
    return f'{head}\ntitle: {title.rstrip()[:-1]} (round {round_number})"\n{tail}'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path)
    parser.add_argument("document", type=Path)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--edit", action="store_true", help="a new title before each round")
    parser.add_argument("--commit", action="store_true", help="a commit, then a new title, before each round")
    parser.add_argument("--base", help="PYTHONPATH of the code to alternate with")
    parser.add_argument("--base-cache", help="its cache folder")
    options = parser.parse_args()
    document = options.repo / options.document
    original = document.read_text(encoding="utf-8")
    if (options.edit or options.commit) and not original.split("\ntitle: ", 1)[1].startswith('"'):
        parser.error("the document's title must be double-quoted")
    variants = [("head", None, None)] + ([("base", options.base, options.base_cache)] if options.base else [])
    times: dict[str, list[float]] = {name: [] for name, _, _ in variants}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in variants}
    try:
        for number in range(options.rounds):
            if options.commit:
                subprocess.run(["git", "commit", "-qam", f"round {number + 1}"], cwd=options.repo, check=True)
            if options.edit or options.commit:
                document.write_text(retitled(original, number), encoding="utf-8")
            for name, pythonpath, cache in variants if number % 2 == 0 else variants[::-1]:
                wall, used = timed(options.repo, pythonpath, cache)
                times[name].append(wall)
                cpu[name].append(used)
                print(f"round {number + 1} {name} {wall:.2f} s, CPU {used:.2f} s", flush=True)
    finally:
        document.write_text(original, encoding="utf-8")
    for name, found in times.items():
        for label, figures in ((name, found), (f"{name} CPU", cpu[name])):
            shown = " ".join(f"{t:.2f}" for t in sorted(figures))
            print(f"{label}: {shown}  median {statistics.median(figures):.2f} s")


if __name__ == "__main__":
    main()
