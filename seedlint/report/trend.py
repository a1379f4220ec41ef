"""`seedlint report --history N`: the findings of the corpus at each of the last N commits that changed it.

The corpus of the oldest of those commits is written into a folder of its own (`git archive`, regular
files only), then moved commit by commit: only the documents a commit added, changed or deleted are
written or removed (`git diff`), and each state is checked by `engine.run` with the cache, whose
per-file results are keyed by content and whose last report makes each next run incremental: only the
changed documents, and those their change can affect, are checked again.

git runs only through seedlint.git (no repository discovery inside the checked tree, which may be an
attacker's). Nothing of the user's work tree is touched: the folder is under the cache directory (so a
second report reuses the results), or a temporary one with `--no-cache`.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import shutil
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from seedlint import engine, git
from seedlint.cache import DiskCache
from seedlint.discovery import SourceFile, discover, display_path
from seedlint.report import Request
from seedlint.report.summary import Commit, History

ARCHIVE_BATCH = 500  # paths per `git archive` call (the command line stays short)
WORST_COMMITS = 5


class HistoryError(Exception):
    """The history cannot be read (no git repository, no commit, git missing): a usage error."""


def history(request: Request, count: int, no_cache: bool = False) -> History:
    """The findings per rule at each of the last `count` commits that changed the request's paths."""
    targets = [Path(os.path.abspath(p)) for p in request.paths]
    root = git.repository_root(targets[0] if targets[0].is_dir() else targets[0].parent)
    if root is None:
        raise HistoryError(f"--history: {request.paths[0]} is not in a git repository")
    relative = []
    for target in targets:
        try:
            relative.append(target.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            raise HistoryError(f"--history: {target} is outside the git repository at {root}") from None
    commits = _commits(root, relative, count)
    if not commits:
        raise HistoryError(f"--history: no commit of {root} changed {', '.join(request.paths)}")
    with _workspace(request, root, relative, no_cache) as (folder, cache):
        return _walk(request, root, relative, commits, folder, cache)


def _git(root: Path, *args: str, text: bool = True) -> str | bytes:
    try:
        return git.run(root, *args, text=text)
    except git.GitError as error:
        raise HistoryError(f"--history: {error}") from None


def _commits(root: Path, relative: list[str], count: int) -> list[tuple[str, str, str]]:
    """(sha, committer date, subject) of the last `count` commits that changed the paths, oldest first."""
    output = _git(
        root, "log", "--first-parent", f"--max-count={count}", "-z", "--format=%H%x1f%cI%x1f%s", "HEAD", "--", *relative
    )
    assert isinstance(output, str)
    found = []
    for entry in filter(None, output.split("\0")):
        sha, date, subject = entry.strip("\n").split("\x1f", 2)
        found.append((sha, date, subject))
    return list(reversed(found))


@contextmanager
def _workspace(request: Request, root: Path, relative: list[str], no_cache: bool) -> Iterator[tuple[Path, DiskCache]]:
    """The folder the corpus is written into, and the cache its runs use."""
    if isinstance(request.cache, DiskCache) and not no_cache:
        name = hashlib.sha256("\0".join([str(root), *relative]).encode("utf-8", "surrogateescape")).hexdigest()[:16]
        folder = request.cache.directory / "history" / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        yield folder, request.cache
        return
    with tempfile.TemporaryDirectory(prefix="seedlint-history-") as temporary:
        folder = Path(temporary) / "tree"
        folder.mkdir()
        yield folder, DiskCache(Path(temporary) / "cache", request.config)


def _extract(root: Path, sha: str, names: list[str], folder: Path) -> None:
    """Write the regular files `names` (paths or folders) of commit `sha` under `folder`."""
    for start in range(0, len(names), ARCHIVE_BATCH):
        blob = _git(root, "archive", "--format=tar", sha, "--", *names[start : start + ARCHIVE_BATCH], text=False)
        assert isinstance(blob, bytes)
        with tarfile.open(fileobj=io.BytesIO(blob)) as archive:
            for member in archive:
                if not member.isfile():
                    continue  # folders are made as needed; links are not followed into the repository
                name = posixpath.normpath(member.name)
                if name.startswith(("/", "../")) or name == "..":
                    continue
                source = archive.extractfile(member)
                if source is None:
                    continue
                path = folder / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(source.read())


def _changes(root: Path, before: str, after: str, relative: list[str]) -> tuple[list[str], list[str]]:
    """The paths a commit added or changed, and those it deleted (renames are a deletion and an addition)."""
    output = _git(root, "diff", "--no-renames", "--name-status", "-z", before, after, "--", *relative)
    assert isinstance(output, str)
    fields = output.split("\0")
    written: list[str] = []
    deleted: list[str] = []
    for status, name in zip(fields[0::2], fields[1::2], strict=False):
        if not name:
            continue
        (deleted if status.startswith("D") else written).append(name)
    return written, deleted


def _sources(request: Request, root: Path, folder: Path, relative: list[str]) -> list[SourceFile]:
    """The documents of the written corpus, shown under the paths they have in the repository's work tree
    (as `seedlint check` shows them), so that a document keeps its name from commit to commit."""
    present = [folder / name for name in relative if (folder / name).exists()]
    if not present:
        return []
    cwd = Path.cwd().resolve()
    return [
        SourceFile(source.location, display_path(root / source.display_path, cwd), source.absolute)
        for source in discover(present, request.config, cwd=folder)
    ]


def _walk(
    request: Request,
    root: Path,
    relative: list[str],
    commits: list[tuple[str, str, str]],
    folder: Path,
    cache: DiskCache,
) -> History:
    results: list[Commit] = []
    previous: Counter[tuple[str, str]] | None = None
    before = None
    run_id = "history\0" + str(folder)
    for sha, date, subject in commits:
        if before is None:
            _extract(root, sha, relative, folder)
            changed = 0
        else:
            written, deleted = _changes(root, before, sha, relative)
            for name in deleted:
                (folder / name).unlink(missing_ok=True)
            _extract(root, sha, written, folder)
            changed = len(written) + len(deleted)
        before = sha
        sources = _sources(request, root, folder, relative)
        result = engine.run(sources, request.config, cache=cache, run_id=run_id) if sources else None
        diagnostics = result.diagnostics if result is not None else []
        # A finding is known by its document and rule: its line moves and its message quotes values
        # that other edits change, neither of which makes it a new finding.
        findings = Counter((d.path, d.code) for d in diagnostics)
        by_rule = Counter(d.code for d in diagnostics)
        introduced = sum((findings - previous).values()) if previous is not None else 0
        resolved = sum((previous - findings).values()) if previous is not None else 0
        results.append(
            Commit(
                sha,
                date,
                subject,
                len(sources),
                len(diagnostics),
                dict(sorted(by_rule.items())),
                introduced,
                resolved,
                changed,
            )
        )
        previous = findings
    totals: Counter[str] = Counter()
    for commit in results:
        totals.update(commit.by_rule)
    rules = sorted(totals, key=lambda code: (-totals[code], code))
    worst = sorted((c for c in results[1:] if c.introduced), key=lambda c: (-c.introduced, c.date, c.sha))
    return History(results, rules, [c.sha for c in worst[:WORST_COMMITS]])
