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
import json
import os
import posixpath
import re
import shutil
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from seedlint import engine, git, revisions
from seedlint.cache import DiskCache, selection_key, settings_key
from seedlint.config import Config
from seedlint.discovery import SourceFile, discover, display_path
from seedlint.report import Request
from seedlint.report.summary import Commit, History

ARCHIVE_BATCH = 500  # paths per `git archive` call (the command line stays short)
WORST_COMMITS = 5
KNOWN_FORMAT = 2  # of commits.json (see _Known)


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
    try:
        head = revisions.commit_of(root, "HEAD", f"--history {count}")
    except revisions.RevisionError as error:
        raise HistoryError(str(error)) from None
    if head is None:  # (git log would say "bad revision 'HEAD'")
        raise HistoryError(
            f"--history {count}: the repository at {root} has no commit yet: there is no history to trend"
        )
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
        (folder / "tree").mkdir(parents=True, exist_ok=True)  # kept, with blobs/: a next report starts from them
        yield folder, request.cache
        return
    with tempfile.TemporaryDirectory(prefix="seedlint-history-") as temporary:
        folder = Path(temporary)
        (folder / "tree").mkdir()
        yield folder, DiskCache(folder / "cache", request.config)


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
    try:
        return revisions.changes_between(root, before, after, relative)
    except git.GitError as error:
        raise HistoryError(f"--history: {error}") from None


def _blobs(root: Path, sha: str, relative: list[str]) -> dict[str, str]:
    """Path → blob id of every regular file under the paths at commit `sha` (links and submodules left out)."""
    try:
        return revisions.regular_blobs(root, sha, relative)
    except git.GitError as error:
        raise HistoryError(f"--history: {error}") from None


def _work_tree_blobs(root: Path, names: set[str]) -> dict[str, str]:
    """Path → blob id of the work tree's own files among `names` (their bytes as they are: no filter runs)."""
    present = sorted(name for name in names if (root / name).is_file() and not (root / name).is_symlink())
    found: dict[str, str] = {}
    for start in range(0, len(present), ARCHIVE_BATCH):
        batch = present[start : start + ARCHIVE_BATCH]
        output = _git(root, "hash-object", "--no-filters", "--", *batch)
        assert isinstance(output, str)
        found.update(zip(batch, output.split(), strict=True))
    return found


class _Versions:
    """Where each document version is checked from. The cache knows a file by its path and keeps one
    result per path, so every version gets a path of its own: the work tree's file itself when the
    commit's version is the work tree's (whose result the report's own run has just cached), else a
    copy named by its blob id (blobs/ID/NAME: the file name is kept, rules read it). A version seen at
    any earlier commit, or by an earlier report, is then never checked again."""

    def __init__(self, request: Request, root: Path, folder: Path, work_tree: dict[str, str]):
        self.request, self.root, self.folder, self.work_tree = request, root, folder, work_tree
        self.cwd = Path.cwd().resolve()
        self._made: dict[tuple[str, str | None], SourceFile] = {}  # (path, blob) → where it is checked from

    def sources(self, relative: list[str], blobs: dict[str, str]) -> list[SourceFile]:
        """The documents of the commit written under tree/, as `seedlint check` would find them there."""
        tree = self.folder / "tree"
        present = [tree / name for name in relative if (tree / name).exists()]
        found = []
        for source in discover(present, self.request.config, cwd=tree) if present else []:
            name = source.display_path  # relative to tree/: the path in the repository
            blob = blobs.get(name)
            made = self._made.get((name, blob))
            if made is None:
                made = self._made[(name, blob)] = self._version(source, name, blob)
            found.append(made)
        return found

    def _version(self, source: SourceFile, name: str, blob: str | None) -> SourceFile:
        shown = display_path(self.root / name, self.cwd)
        if blob is not None and self.work_tree.get(name) == blob:
            return SourceFile.at(self.root / name, shown)
        if blob is None:  # not a file of the commit's tree (cannot happen for what git archive wrote)
            return SourceFile(source.location, shown, source.absolute)
        version = revisions.version_path(self.folder / "blobs", blob, name)
        if not version.exists():
            version.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source.location, version)
        return SourceFile.at(version, shown)


def _count_changes(root: Path, shas: list[str], relative: list[str], at: int) -> int:
    if at == 0:
        return 0
    written, deleted = _changes(root, shas[at - 1], shas[at], relative)
    return len(written) + len(deleted)


def _states(
    request: Request, root: Path, relative: list[str], shas: list[str], folder: Path, cache: DiskCache
) -> list[tuple[list[SourceFile], int]]:
    """Each commit's documents, as versions, and how many paths it changed (tree/ moved from commit to
    commit by their differences); every version the cache does not know yet is checked here, at once (in
    worker processes on every core when there are many), instead of a few at each commit."""
    listings = {sha: _blobs(root, sha, relative) for sha in shas}
    versions = _Versions(
        request, root, folder, _work_tree_blobs(root, {n for blobs in listings.values() for n in blobs})
    )
    states: list[tuple[list[SourceFile], int]] = []
    before = None
    for sha in shas:
        if before is None:
            _start(root, sha, relative, folder)
            changed = 0
        else:
            changed = _move(root, before, sha, relative, folder / "tree")
        before = sha
        states.append((versions.sources(relative, listings[sha]), changed))
    (folder / "tree.sha").write_text(shas[-1] + "\n")
    unique = {cache.key(source): source for sources, _ in states for source in sources}
    cache.results(list(unique.values()), engine.checker(request.config, {}, rows=cache.keeps_rows))
    cache.flush()
    return states


def _start(root: Path, sha: str, relative: list[str], folder: Path) -> None:
    """tree/ as commit `sha` has it: from the commit an earlier report left it at (tree.sha) when that is
    known, by its differences; else written afresh."""
    tree, marker = folder / "tree", folder / "tree.sha"
    left = marker.read_text().strip() if marker.exists() else ""
    marker.unlink(missing_ok=True)  # until tree/ is complete again
    if re.fullmatch(r"[0-9a-f]{40,64}", left):
        try:
            _move(root, left, sha, relative, tree)
            return
        except HistoryError:  # that commit is gone (history rewritten): start afresh
            pass
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    _extract(root, sha, relative, tree)


def _move(root: Path, before: str, after: str, relative: list[str], tree: Path) -> int:
    """Change tree/ from commit `before` to commit `after`; the number of paths changed."""
    written, deleted = _changes(root, before, after, relative)
    for name in deleted + written:  # (a file that became a link is not written again: it is gone)
        (tree / name).unlink(missing_ok=True)
    _extract(root, after, written, tree)
    return len(written) + len(deleted)


class _Known:
    """What earlier reports found at each commit (commits.json beside tree/): a commit's findings depend
    only on its content, the settings (the cache's settings key: seedlint's version, configuration,
    schema, vocabulary, rules) and the folder paths are shown from, so a next report checks only the
    commits it has not seen. Plain JSON data; anything unreadable is ignored."""

    def __init__(self, folder: Path, config: Config):
        self.file = folder / "commits.json"
        # (the findings held are the selected ones: the selection is part of the key, as for a run's report)
        # (KNOWN_FORMAT: what a commit's numbers mean; older files counted the files set aside as documents)
        self.key = f"{KNOWN_FORMAT}\0{settings_key(config)}\0{selection_key(config)}\0{Path.cwd().resolve()}"
        try:
            stored = json.loads(self.file.read_text(encoding="utf-8"))
            self.commits: dict[str, Any] = stored["commits"] if stored.get("key") == self.key else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.commits = {}

    def get(self, sha: str) -> tuple[int, Counter[tuple[str, str]]] | None:
        entry = self.commits.get(sha)
        if not isinstance(entry, dict):
            return None
        try:
            return int(entry["documents"]), Counter({(str(p), str(c)): int(n) for p, c, n in entry["findings"]})
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, sha: str, documents: int, findings: Counter[tuple[str, str]]) -> None:
        self.commits[sha] = {"documents": documents, "findings": [[p, c, n] for (p, c), n in sorted(findings.items())]}

    def save(self, shas: list[str]) -> None:
        kept = {sha: self.commits[sha] for sha in shas if sha in self.commits}  # only this history's commits
        temporary = self.file.with_suffix(".tmp")
        try:
            temporary.write_text(json.dumps({"key": self.key, "commits": kept}), encoding="utf-8")
            os.replace(temporary, self.file)
        except OSError:
            pass  # not remembered: the next report checks again


def _walk(
    request: Request,
    root: Path,
    relative: list[str],
    commits: list[tuple[str, str, str]],
    folder: Path,
    cache: DiskCache,
) -> History:
    known = _Known(folder, request.config)
    shas = [sha for sha, _, _ in commits]
    if all(known.get(sha) is not None for sha in shas):
        states: list[tuple[list[SourceFile], int]] = [
            ([], _count_changes(root, shas, relative, i)) for i in range(len(shas))
        ]
    else:
        states = _states(request, root, relative, shas, folder, cache)
    results: list[Commit] = []
    previous: Counter[tuple[str, str]] | None = None
    run_id = "history\0" + str(folder)
    for (sha, date, subject), (sources, changed) in zip(commits, states, strict=True):
        remembered = known.get(sha)
        if remembered is not None:
            documents, findings = remembered
        else:
            result = engine.run(sources, request.config, cache=cache, run_id=run_id) if sources else None
            # A finding is known by its document and rule: its line moves and its message quotes values
            # that other edits change, neither of which makes it a new finding.
            findings = Counter((d.path, d.code) for d in result.diagnostics) if result is not None else Counter()
            documents = len(sources) - (len(result.not_documents) if result is not None else 0)
            if result is None or not result.internal_errors:
                known.put(sha, documents, findings)
        by_rule: Counter[str] = Counter()
        for (_, code), count in findings.items():
            by_rule[code] += count
        introduced = sum((findings - previous).values()) if previous is not None else 0
        resolved = sum((previous - findings).values()) if previous is not None else 0
        results.append(
            Commit(
                sha,
                date,
                subject,
                documents,
                sum(findings.values()),
                dict(sorted(by_rule.items())),
                introduced,
                resolved,
                changed,
            )
        )
        previous = findings
    known.save(shas)
    totals: Counter[str] = Counter()
    for commit in results:
        totals.update(commit.by_rule)
    rules = sorted(totals, key=lambda code: (-totals[code], code))
    worst = sorted((c for c in results[1:] if c.introduced), key=lambda c: (-c.introduced, c.date, c.sha))
    return History(results, rules, [c.sha for c in worst[:WORST_COMMITS]])
