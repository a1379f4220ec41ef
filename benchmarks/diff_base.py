"""What the hooks cost: `seedlint check --diff-base HEAD` after one commit's worth of change, on a real corpus.

    python benchmarks/diff_base.py CORPUS [--work DIR]

CORPUS is a folder of documents (e.g. ../shared/corpus/azure-news); it is copied into a fresh git repository
(one commit), never changed. Each line is one `seedlint` process (wall time), in this order, with the cache the
runs before it left:

  check, cold                   `seedlint check`, empty cache (every core)
  check, warm                   the same again (answered from the last report)
  write baseline                `check --write-baseline` (warm)
  diff-base, nothing changed    `check --diff-base HEAD`, first time: the run at HEAD reads every cached result
  diff-base, again              the same again (both runs answered from their last reports)
  fix hook, nothing to fix      `fix --diff-base HEAD` (what the fix hook does): no new finding, nothing to fix
  title edited: check           a document's title changed (its copies go stale): plain `check`
  title edited: diff-base       `check --diff-base HEAD` on that change (what the hook does)
  title edited: diff-base again the same again
  title edited: fix hook        `fix --diff-base HEAD`: the stale copies of the title brought up to date
  title edited: after the fix   `check --diff-base HEAD` on what the fix hook left
  250 retitled: diff-base       250 documents retitled instead (a branch that touched many: more than an
                                incremental run takes), then the same twice again: the findings at HEAD are kept
                                from the first, the work tree's run answers from its own last report
  deleted: diff-base            a referenced document deleted instead (`git rm`): lost addresses, a full run
  diff-base, --no-cache         the deletion, without a cache (CI on an untrusted pull request): both runs cold,
                                the run at HEAD reusing the current run's results in memory

Nothing here asserts a time: the figures are printed for people to read.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "b",
    "GIT_AUTHOR_EMAIL": "b@b",
    "GIT_COMMITTER_NAME": "b",
    "GIT_COMMITTER_EMAIL": "b@b",
    "NO_COLOR": "1",
}


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, env=ENV, check=True, capture_output=True, text=True).stdout


def timed(label: str, folder: Path, *args: str) -> str:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "seedlint", *args], cwd=folder, env=ENV, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    last = (done.stdout.strip().splitlines() or [""])[-1]
    said = [line for line in done.stderr.splitlines() if line.startswith(("Fixed ", "seedlint: "))]  # (a fix, an error)
    shown = "".join(f"{line} " for line in said[-2:])
    print(f"{label:<32} {elapsed:6.2f} s   exit {done.returncode}   {shown}{last[:110]}", flush=True)
    return done.stdout


def referenced(folder: Path) -> Path:
    """A document whose address another document's related list names (its title copied there)."""
    texts = {path: path.read_text(encoding="utf-8", errors="replace") for path in sorted(folder.glob("*.md"))}
    addresses = {}
    for path, text in texts.items():
        match = re.search(r'^webUrl: "?([^"\n]+)"?$', text, re.M)
        if match:
            addresses[match.group(1)] = path
    for text in texts.values():
        for url in re.findall(r'^    webUrl: "?([^"\n]+)"?$', text, re.M):
            if url in addresses:
                return addresses[url]
    raise SystemExit("no document of the corpus is referenced by another")


MANY = 250  # documents retitled at once: more than an incremental run takes (incremental.MOST_CHANGED)


def retitle_many(folder: Path, count: int) -> int:
    """Retitle the first `count` documents with a double-quoted title (a branch that touched many); how many."""
    done = 0
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        retitled = re.sub(r'^title: "(.*)"$', r'title: "\1 (revised)"', text, count=1, flags=re.M)
        if retitled != text:
            path.write_text(retitled, encoding="utf-8")
            done += 1
            if done == count:
                break
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--work", type=Path, help="where the repository is made (default: a temporary folder)")
    options = parser.parse_args()
    if options.work is not None:
        options.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="seedlint-diff-base-", dir=options.work))
    try:
        site = work / "site"
        shutil.copytree(options.corpus, site / "_news")
        for copied in (site / "_news").rglob("*"):  # (a read-only corpus, such as ../shared, copied writable: fixed)
            copied.chmod(copied.stat().st_mode | stat.S_IWUSR)
        (site / "seedlint.toml").write_text('paths = ["_news"]\nbaseline = "seedlint-baseline.json"\n')
        (site / ".gitignore").write_text(".seedlint_cache/\n")
        documents = len(list((site / "_news").glob("*.md")))
        print(f"{options.corpus}: {documents:,} documents, {os.cpu_count()} cores")
        git(site, "init", "-q")
        timed("check, cold", site, "check", "--no-baseline")
        timed("check, warm", site, "check", "--no-baseline")
        timed("write baseline", site, "check", "--write-baseline")
        git(site, "add", "-A")
        git(site, "commit", "-q", "-m", "corpus")
        timed("diff-base, nothing changed", site, "check", "--diff-base", "HEAD")
        timed("diff-base, again", site, "check", "--diff-base", "HEAD")
        timed("fix hook, nothing to fix", site, "fix", "--diff-base", "HEAD")
        target = referenced(site / "_news")
        text = target.read_text(encoding="utf-8")
        retitled = re.sub(r'^title: "(.*)"$', r'title: "\1 (updated)"', text, count=1, flags=re.M)
        assert retitled != text, f"{target}: no double-quoted title"
        target.write_text(retitled, encoding="utf-8")
        timed("title edited: check", site, "check")
        timed("title edited: diff-base", site, "check", "--diff-base", "HEAD")
        timed("title edited: diff-base again", site, "check", "--diff-base", "HEAD")
        timed("title edited: fix hook", site, "fix", "--diff-base", "HEAD")
        timed("title edited: after the fix", site, "check", "--diff-base", "HEAD")
        git(site, "checkout", "-q", "--", ".")
        many = retitle_many(site / "_news", MANY)
        timed(f"{many} retitled: diff-base", site, "check", "--diff-base", "HEAD")
        timed(f"{many} retitled: diff-base again", site, "check", "--diff-base", "HEAD")
        timed(f"{many} retitled: and again", site, "check", "--diff-base", "HEAD")
        git(site, "checkout", "-q", "--", ".")
        git(site, "rm", "-q", str(target.relative_to(site)))
        timed("deleted: diff-base", site, "check", "--diff-base", "HEAD")
        timed("diff-base, --no-cache", site, "check", "--diff-base", "HEAD", "--no-cache")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
