"""How long `seedlint report` takes on a real corpus, and `--history N` on a git repository of it.

    python benchmarks/report_speed.py CORPUS [--commits 20] [--work DIR]

CORPUS is a folder of documents (e.g. ../shared/corpus/azure-news); it is copied, never changed. Measured,
each as one `seedlint report` / `check` process (wall time):

  check, cold         `seedlint check` with an empty cache (every core)
  check, warm         the same again
  report              `seedlint report --output report.html` after that warm check (same cache)
  report, json        `--format json`

Then a git repository is built from another copy, with COMMITS commits of real-looking edits (the oldest
commit holds the corpus without its newest documents; each later commit adds the next documents by publication
date, with the entries that name them in the older documents' related lists (stripped from the earlier
commits, as the site's lists were before those articles existed), and makes one maintainer's edit: a retitled
document whose copies go stale, a deleted document whose references dangle, HTML-escaped ampersands fixed,
tracking parameters added; seeded, so the same every run), and measured:

  check (repository)  `seedlint check` of its work tree, cold: what a maintainer's cache holds already
  history, first      `seedlint report --history COMMITS` then: the versions of the documents that differ
                      from the work tree's are checked (in worker processes when many)
  history, again      the same again: every version is known to the cache

Nothing here asserts a time: the figures are printed for people to read (and for the README).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIT = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def seedlint(*args: str, cwd: Path) -> float:
    """Wall time of one seedlint process (its output is discarded; exit 0 or 1 are both fine)."""
    start = time.perf_counter()
    process = subprocess.run([sys.executable, "-m", "seedlint", *args], cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - start
    if process.returncode not in (0, 1):
        sys.exit(f"seedlint {' '.join(args)} failed:\n{process.stderr.decode(errors='replace')}")
    return elapsed


def git(root: Path, *args: str, date: str | None = None) -> str:
    environment = {**os.environ, **GIT}
    if date:
        environment |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=environment).stdout


WEB_URL = re.compile(r'^webUrl: *"?([^"\n]+)', re.M)
ENTRY_URL = re.compile(r'^    webUrl: *"?([^"\n]+)', re.M)


def published(text: str) -> str:
    match = re.search(r"^publishedDateTime: *\"?([^\"\n]+)", text, re.M)
    return match[1] if match else ""


def without_entries(text: str, absent: set[str]) -> str:
    """The document without the related entries that name an address in `absent` (as the site's lists were
    before those articles existed)."""
    start = text.find("\nrelated:\n")
    if start < 0 or not absent:
        return text
    body_start = start + len("\nrelated:\n")
    end = body_start
    lines = text[body_start:].split("\n")
    entries: list[list[str]] = []
    for line in lines:
        if line.startswith("  - "):
            entries.append([line])
        elif line.startswith("    ") and entries:
            entries[-1].append(line)
        else:
            break
        end += len(line) + 1
    kept = [
        entry
        for entry in entries
        if not any(ENTRY_URL.match(line) and ENTRY_URL.match(line)[1] in absent for line in entry)
    ]
    if len(kept) == len(entries):
        return text
    block = "".join(line + "\n" for entry in kept for line in entry)
    head = text[:start] + ("\nrelated:\n" if kept else "\nrelated: []\n")
    return head + block + text[end:]


def build_repository(corpus: Path, root: Path, commits: int) -> None:
    """A repository whose last `commits` commits change the corpus as its maintainers would."""
    news = root / "news"
    news.mkdir(parents=True)
    git(root, "init", "-q")
    base = {path.name: path.read_text(encoding="utf-8") for path in corpus.iterdir() if path.is_file()}
    order = sorted(base, key=lambda name: (published(base[name]), name))
    per_commit = 10
    held_back = order[len(order) - per_commit * (commits - 1) :] if commits > 1 else []
    url_of = {name: match[1] for name in base if (match := WEB_URL.search(base[name]))}
    held_urls = {url_of[name] for name in held_back if name in url_of}
    referring = {name for name, text in base.items() if held_urls & set(ENTRY_URL.findall(text))}
    present = set(base) - set(held_back)

    def write(names: set[str]) -> None:
        absent = {url_of[name] for name in held_back if name not in present and name in url_of}
        for name in names:
            if name in present and name in base:
                (news / name).write_text(without_entries(base[name], absent), encoding="utf-8")

    write(present)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "corpus as imported", date="2021-06-01T09:00:00+00:00")
    rng = random.Random(7)
    edits = ("retitle", "delete", "unescape", "track")
    for number in range(1, commits):
        added = set(held_back[(number - 1) * per_commit : number * per_commit])
        present |= added
        # The new articles, and the older ones whose related lists now name them.
        touched = added | {
            name for name in referring & present if {url_of.get(a) for a in added} & set(ENTRY_URL.findall(base[name]))
        }
        edit = edits[number % len(edits)]
        names = sorted(present)
        if edit == "retitle":  # its copies in other documents' related lists go stale
            target = rng.choice(names)
            base[target] = re.sub(r'^title: "', 'title: "Updated: ', base[target], count=1, flags=re.M)
            touched.add(target)
            message = f"Add {len(added)} articles; retitle {target}"
        elif edit == "delete":  # the references to it dangle
            target = rng.choice(names)
            present.discard(target)
            (news / target).unlink()
            message = f"Add {len(added)} articles; remove {target}"
        elif edit == "unescape":  # fix HTML-escaped ampersands (`&#038;`) in URLs (SL306)
            fixed = [name for name in rng.sample(names, min(len(names), 100)) if "&#038;" in base[name]]
            for name in fixed:
                base[name] = base[name].replace("&#038;", "&")
            touched.update(fixed)
            message = f"Add {len(added)} articles; unescape ampersands in {len(fixed)} documents"
        else:  # a feed that adds tracking parameters (SL312)
            for name in rng.sample(names, min(len(names), 5)):
                base[name] = re.sub(r'^(webUrl: "[^"?\n]+)"', r'\1?utm_source=feed"', base[name], count=1, flags=re.M)
                touched.add(name)
            message = f"Add {len(added)} articles from the feed (with tracking parameters)"
        write(touched)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", message, date=f"2021-06-{1 + number:02d}T09:00:00+00:00")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder of documents (copied, never changed)")
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument("--work", type=Path, help="where to build the copies (default: a temporary folder)")
    parser.add_argument("--history-only", action="store_true", help="measure only the git history part")
    args = parser.parse_args()
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="seedlint-report-bench-", dir=args.work))
    documents = sum(1 for _ in args.corpus.iterdir())
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; corpus {args.corpus} ({documents:,} files)"
    )
    print(f"{'measure':<26} {'wall s':>8}")

    plain = work / "plain"
    plain.mkdir()
    options = ("--isolated", "--cache-dir", ".cache")
    if not args.history_only:
        shutil.copytree(args.corpus, plain / "news")
    for name, command in (
        ()
        if args.history_only
        else (
            ("check, cold", ("check", *options, "news")),
            ("check, warm", ("check", *options, "news")),
            ("report", ("report", *options, "news", "--output", "report.html")),
            ("report, json", ("report", *options, "news", "--format", "json", "--output", "report.json")),
        )
    ):
        print(f"{name:<26} {seedlint(*command, cwd=plain):>8.2f}", flush=True)

    start = time.perf_counter()
    repository = work / "repository"
    repository.mkdir()
    build_repository(args.corpus, repository, args.commits)
    print(f"{'(building the repository)':<26} {time.perf_counter() - start:>8.2f}", flush=True)
    history = ("report", *options, "news", "--history", str(args.commits), "--output", "history.html")
    print(f"{'check (repository)':<26} {seedlint('check', *options, 'news', cwd=repository):>8.2f}", flush=True)
    print(f"{'history, first':<26} {seedlint(*history, cwd=repository):>8.2f}", flush=True)
    print(f"{'history, again':<26} {seedlint(*history, cwd=repository):>8.2f}", flush=True)
    print(f"reports: {plain / 'report.html'} and {repository / 'history.html'}")


if __name__ == "__main__":
    main()
