"""How far `seedlint fix` can get below its current cost: the floor of a fix that reads back what it writes.

    python benchmarks/fix_floor.py CORPUS [--work DIR] [--rounds N]

A fix run must check the corpus (to find the fixes, and the corpus index that the copies of fixed values
follow), and then read every file it changes once more: each new text is parsed to verify that it says what
the old one said but at the fixed values, and checked, so that the report after the fix is that of the files
as written. So, whatever else is done, fix costs at least a check plus a parse of the changed files. This
prints, for a copy of CORPUS (each round: `check`, then `fix`, each cold without a cache, on its own fresh
copy):

  check, fix            wall seconds and CPU seconds (the process and its workers)
  changed               the files `fix` changed, their share of the corpus's files and bytes
  parse, one core       seedlint's own parse (libyaml's composer and the data built from it) of every document,
                        and of the changed ones only, in this process
  floor                 check + the parse of the changed files: in CPU seconds, and in wall seconds with that
                        parse spread over every core; its ratio to check

CPU seconds are printed beside wall seconds: a busy machine stretches wall time by a third from one run to the
next, CPU time much less. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from seedlint.document import load_document

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import seedlint_command  # (the benchmark's own command line: benchmarks/run.py)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "seedlint-fix-floor")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.suffix in (".md", ".txt"))
    cores = os.cpu_count() or 1
    print(f"machine: {cores} cores, Python {sys.version.split()[0]}; {args.corpus.name}: {len(files):,} documents")
    for _ in range(args.rounds):
        check_wall, check_cpu = timed_run("check", args.corpus, args.work)
        fix_wall, fix_cpu, changed = timed_fix(args.corpus, args.work)
        share = sum(p.stat().st_size for p in changed) / sum(p.stat().st_size for p in files)
        parse_all, parse_changed = parse_seconds(files), parse_seconds(changed)
        floor_cpu = check_cpu + parse_changed
        floor_wall = check_wall + parse_changed / cores
        print(f"check                 {check_wall:7.2f} s wall {check_cpu:7.2f} s CPU")
        print(
            f"fix                   {fix_wall:7.2f} s wall {fix_cpu:7.2f} s CPU   "
            f"fix / check: {fix_wall / check_wall:.2f}x wall, {fix_cpu / check_cpu:.2f}x CPU"
        )
        print(
            f"changed               {len(changed):,} files ({len(changed) / len(files):.0%}), {share:.0%} of the bytes"
        )
        print(f"parse, one core       {parse_all:7.2f} s every document, {parse_changed:7.2f} s the changed ones")
        print(
            f"floor                 {floor_wall:7.2f} s wall {floor_cpu:7.2f} s CPU   floor / check: "
            f"{floor_wall / check_wall:.2f}x wall, {floor_cpu / check_cpu:.2f}x CPU",
            flush=True,
        )


def fresh_copy(corpus: Path, work: Path, name: str) -> Path:
    copy = work / name
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(corpus, copy)
    for path in copy.iterdir():
        path.chmod(0o644)
    return copy


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of the command and of every process under it (its workers are the fork server's
    children, not its own: sampled from /proc every 20 ms, each process's last sample kept)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    cpu: dict[int, float] = {}
    while process.poll() is None:
        cpu.update(tree_cpu(process.pid))
        time.sleep(0.02)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit status {process.returncode}")
    return time.perf_counter() - start, sum(cpu.values())


def tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user and system) so far of `pid` and all its descendants, by process (Linux /proc)."""
    children: dict[int, list[int]] = {}
    seconds: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = {}, [pid]
    while todo:
        current = todo.pop()
        found[current] = seconds.get(current, 0.0)
        todo.extend(children.get(current, []))
    return found


def timed_run(command: str, corpus: Path, work: Path) -> tuple[float, float]:
    copy = fresh_copy(corpus, work, f"{command}-copy")
    try:
        return timed([*seedlint_command(command), str(copy)])
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def timed_fix(corpus: Path, work: Path) -> tuple[float, float, list[Path]]:
    """`fix`'s wall and CPU seconds, and the files of `corpus` whose copies it changed."""
    copy = fresh_copy(corpus, work, "fix-copy")
    try:
        wall, cpu = timed([*seedlint_command("fix"), str(copy)])
        changed = [path for path in sorted(corpus.iterdir()) if not filecmp.cmp(path, copy / path.name, shallow=False)]
        return wall, cpu, changed
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def parse_seconds(files: list[Path]) -> float:
    """CPU seconds of seedlint's own parse of `files` in this process (the files read once before: from memory)."""
    for path in files:
        path.read_bytes()
    start = time.process_time()
    for path in files:
        load_document(path, path.name)
    return time.process_time() - start


if __name__ == "__main__":
    main()
