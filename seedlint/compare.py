"""What this change did: a run's findings compared with a baseline (seedlint/baseline.py), with the corpus at a
git revision (`--diff-base REV`), or both; the findings neither holds are *new*.

At a revision, the findings are those of checking the corpus as it was there, under today's configuration
and rules: the documents unchanged since are the work tree's own files (their results come from the cache),
the documents changed or deleted since are their blobs at the revision, written once each under the cache
folder (seedlint/revisions.py; a temporary folder without a cache) and checked there under their own
display paths. So a comparison costs the changed documents, plus the corpus rules run a second time.
Findings are matched by what identifies them whatever their line (seedlint/locus.py), counted: two
occurrences now of a finding that occurred once before make one new.

The comparison with a revision also catches what a change broke elsewhere: the documents it did not touch
are compared too (a stale copy an excerpt edit created is new in the document holding the copy), and every
address a changed or deleted document had at the revision and no longer has makes a related entry still
naming it dangling at every `related-scope` (as `--since` does): deleting or re-addressing a referenced
document is new error, even where `hosts` scope would not have reported it.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import hashlib
import itertools
import operator
import os
import shlex
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

from seedlint import baseline, clock, engine, git, history, incremental, revisions
from seedlint.baseline import Key
from seedlint.cache import Cache, DiskCache, KeptListing, RevisionDelta, Row
from seedlint.config import Config
from seedlint.diagnostic import Diagnostic, Severity
from seedlint.discovery import ABSOLUTE, DISPLAY, SourceFile, discover, display_path
from seedlint.document import FileTooLarge, read_bounded
from seedlint.reporters.text import fixable
from seedlint.results import Checked, Findings, RunResult, listed
from seedlint.statahead import StatsAhead

FAIL_ON = ("new-errors", "new-warnings")
VERSIONS_KEPT_SECONDS = 7 * 24 * 3600  # copies of old versions not used for this long are removed


class CompareError(Exception):
    """The comparison cannot be made as asked (unknown revision, unusable baseline): a usage error."""


@dataclass
class Revision:
    """The corpus's git repository at the revision compared with."""

    given: str  # as the user wrote it (`HEAD`, `origin/main`)
    root: Path
    inside: list[str]  # the corpus folders, relative to the repository's root
    commit: str | None  # None: `HEAD` of a repository without a commit yet (everything is new)
    changed: set[str] = field(default_factory=set)  # paths whose work-tree state differs from the commit
    listing: dict[str, str] = field(default_factory=dict)  # path → blob at the commit
    links: dict[str, str] = field(default_factory=dict)  # path → blob of the symbolic links at the commit
    contents: dict[str, bytes] = field(default_factory=dict)  # blob → bytes, of the changed documents
    lost: dict[str, str] = field(default_factory=dict)  # addresses gone since: address → the file it named
    renamed: dict[str, str] = field(default_factory=dict)  # documents renamed since: new path → old path
    # In a pre-commit hook, only the paths git's index holds are the commit's documents (see `in_commit`).
    hooked: bool = False
    deleted: set[str] = field(default_factory=set)  # of `changed`, those deleted since (see in_commit)
    listing_key: str | None = None  # what names `listing` and `links` (revisions.listing_key), when git was asked
    listed_whole: bool = False  # git listed every entry (`tree_blobs`), not only those changed since a kept listing
    _names_seen: tuple[tuple[SourceFile, ...], list[str]] | None = field(default=None, repr=False, compare=False)

    def names(self, corpus: list[SourceFile]) -> list[str]:
        """The documents' paths in the repository, as git names them (not to be changed): the last answer is
        remembered, a hook's run asking twice for the same 100,000 documents (`committed`, `_sources_before`)."""
        seen = self._names_seen
        if seen is not None and incremental.same_objects(seen[0], corpus):
            return seen[1]
        names = _names(self.root, corpus)
        self._names_seen = (tuple(corpus), names)
        return names

    def in_commit(self, name: str) -> bool:
        """Whether a path on disk is one the commit is made of: outside a hook, every path; in one, those git's
        index holds (a document kept on disk but no longer tracked, `git rm --cached`, is gone from the commit).
        Told from git's differences with the revision, not from a listing of the whole index (100,000 paths read
        and made into a set cost a hook's run 50 ms): a path that differs is in the index unless deleted (on disk,
        only `git rm --cached` makes a deleted path), and one that does not is in it when the revision has it."""
        if not self.hooked:
            return True
        if name in self.changed:
            return name not in self.deleted
        return name in self.listing or name in self.links


@dataclass
class Comparison:
    """What a run is compared with (either may be absent)."""

    baseline: Counter[Key] | None = None  # matched: the configured baseline as it was at the revision (see prepare)
    baseline_path: Path | None = None
    baseline_here: Counter[Key] | None = None  # the work tree's baseline: its fixed findings are counted
    revision: Revision | None = None
    # The findings at the revision (after `check_before`): a list, or the parts of the report the current run
    # starts from (see `_kept_before`).
    before: list[Diagnostic] | Findings | None = None
    notes: list[str] = field(default_factory=list)  # said once on stderr (no repository, no commit yet)
    unchanged: bool = False  # no document changed since the revision (see check_before and settle)
    relative: dict[str, str] = field(default_factory=dict)  # display path → relative to the project root
    given: tuple[str, ...] = ()  # the paths the command line gave (the hint's command checks them too)
    state: str | None = None  # the corpus at the revision (see `_state`), once `check_before` knows it
    # The token of the stored report `before` was made from, with what differs at the revision (see `_kept_before`).
    before_token: bytes | None = None
    # The findings a run at the revision made now, as it made them (before `_as_renamed`), when it reported no
    # internal error: kept by `keep_for_next`.
    made_before: list[Diagnostic] | Findings | None = None

    @property
    def active(self) -> bool:
        return self.baseline is not None or self.revision is not None

    @property
    def lost(self) -> dict[str, str]:
        """The addresses lost since the revision → what they named there (`FILE at REV`, as messages say it)."""
        if self.revision is None:
            return {}
        return {address: f"{name} at {self.revision.given}" for address, name in self.revision.lost.items()}

    def hint(self) -> str:
        """The command that lists every finding."""
        command = ["seedlint", "check", *(["--no-baseline"] if self.baseline is not None else []), *self.given]
        return shlex.join(command)


def prepare(
    config: Config,
    folders: list[Path],
    *,
    baseline_file: Path | None = None,
    no_baseline: bool = False,
    diff_base: str | None = None,
    listings: KeptListings | None = None,
) -> Comparison:
    """Read the baseline and the revision's side of the repository (before the run: the addresses lost since
    the revision are the run's input). `listings`: the revisions' listings the cache kept (see `keep_for_next`).
    Raises CompareError."""
    if no_baseline and baseline_file is not None:  # (one of them would be ignored, silently)
        raise CompareError(f"--baseline {baseline_file} and --no-baseline: --no-baseline reads no baseline")
    comparison = Comparison()
    path = None if no_baseline else baseline.configured_path(config, baseline_file)
    if path is not None:
        try:
            comparison.baseline = comparison.baseline_here = baseline.read(path)
        except baseline.BaselineError as error:
            raise CompareError(str(error)) from None
        comparison.baseline_path = path
    if diff_base is not None:
        given = hook_revision(diff_base)
        try:
            comparison.revision = _revision(given, folders, comparison.notes, comparison.baseline is not None, listings)
        except CompareError as error:
            if given == diff_base:
                raise
            raise CompareError(
                f"{error} (named by PRE_COMMIT_FROM_REF, which `pre-commit run --from-ref` sets, in place of "
                f"{diff_base})"
            ) from None
        if path is not None and baseline_file is None:
            comparison.baseline = _baseline_at(comparison.revision, path, comparison.baseline or Counter())
    return comparison


def _baseline_at(revision: Revision | None, path: Path, here: Counter[Key]) -> Counter[Key]:
    """The configured baseline as it was at the revision: a change cannot accept its own findings by adding them
    to the baseline (a pull request is written by anyone; its findings at the revision are old anyway). Without
    a commit (a first commit) or outside the repository, the work tree's."""
    if revision is None or revision.commit is None:
        return here
    absolute = Path(os.path.abspath(path))
    if not absolute.is_relative_to(revision.root):
        return here
    name = absolute.relative_to(revision.root).as_posix()
    try:
        raw = revisions.file_at(revision.root, revision.commit, name, baseline.MAX_BASELINE_BYTES)
        if raw is not None and raw == baseline.read_raw(path):
            return here  # (the same file: not parsed twice)
        return Counter() if raw is None else baseline.parse(raw, f"{name} at {revision.given}")
    except (revisions.RevisionError, baseline.BaselineError) as error:
        raise CompareError(str(error)) from None
    except git.GitError as error:
        raise CompareError(f"--diff-base {revision.given}: {error}") from None


def hook_revision(given: str) -> str:
    """The revision a hook compares with: `HEAD` (the commit being made against the last one), except under
    `pre-commit run --from-ref REV --to-ref …` (CI checking a range of commits), where it is that REV: comparing
    the checked-out range's end with HEAD, itself, would find nothing new."""
    start = os.environ.get("PRE_COMMIT_FROM_REF")
    if given == "HEAD" and os.environ.get("PRE_COMMIT") == "1" and start:
        return start
    return given


KeptListings: TypeAlias = Callable[[str], KeptListing | None]  # (DiskCache.listing_reader)


def _revision(
    given: str, folders: list[Path], notes: list[str], with_baseline: bool, listings: KeptListings | None
) -> Revision | None:
    option = f"--diff-base {given}"
    try:
        found = revisions.repository(folders, "--diff-base")
        if found is None:
            alone = "compared only with the baseline" if with_baseline else "no comparison, every finding is new"
            notes.append(f"{option}: the corpus is not in a git repository: {alone}")
            return None
        root, inside = found
        commit = revisions.commit_of(root, given, "--diff-base")
        if commit is None:
            notes.append(
                f"{option}: the repository has no commit yet: compared only with the baseline"
                if with_baseline
                else f"{option}: the repository has no commit yet: every finding is new (to accept today's findings, "
                "record them with `seedlint check --write-baseline`)"
            )
            return Revision(given, root, inside, None)
        notes.extend(_to_ref_note(root))
        revision = Revision(given, root, inside, commit)
        # The git commands at once (each a tenth of a second or more at 100,000 documents, on its own core); the
        # listing from the cache when it kept it (reading git's took as long as walking the corpus), or made from
        # the one it kept of another commit and git's differences between the two.
        with ThreadPoolExecutor(max_workers=3) as other:
            changed = other.submit(revisions.differences_since, root, commit, inside)
            key = revisions.listing_key(root, commit, inside) if listings is not None else None
            kept = listings(key) if listings is not None and key is not None else None
            made: tuple[dict[str, str], dict[str, str]] | None = None
            if kept is not None and kept[0] == key:
                made = kept[1]()
            elif kept is not None and key is not None:
                # git compares the two commits' trees while the kept listing is decoded here (each about a
                # fifth of a second at 100,000 documents, one after the other before).
                differences = other.submit(revisions.tree_differences, root, kept[0], key)
                base = kept[1]()
                made = None if base is None else revisions.with_differences(differences.result(), *base)
            whole = other.submit(revisions.tree_blobs, root, commit, inside) if made is None else None
            revision.changed, revision.deleted = changed.result()
        revision.hooked = os.environ.get("PRE_COMMIT") == "1"  # (pre-commit sets it for its hooks)
        listing = whole.result() if whole is not None else made
        assert listing is not None  # (the kept one, made from it, or git's whole listing)
        revision.listing, revision.links = listing
        if whole is not None or kept is None or kept[0] != key:  # (not the very listing kept: kept, see keep_for_next)
            revision.listed_whole = whole is not None
            revision.listing_key = key
        revision.contents = revisions.readable(
            root, [revision.listing[name] for name in revision.changed if name in revision.listing]
        )
        added = [name for name in revision.changed if name not in revision.listing]
        if added and any(name in revision.listing and not (root / name).exists() for name in revision.changed):
            revision.renamed = revisions.renames_since(root, commit, inside)  # (asked only when there may be one)
    except revisions.RevisionError as error:
        raise CompareError(str(error)) from None
    except git.GitError as error:
        raise CompareError(f"{option}: {error}") from None
    return revision


def keep_for_next(comparison: Comparison, cache: Cache, found_new: bool) -> None:
    """After the run: what a next run takes instead of asking git and checking the corpus at the revision again.

    - The revision's listing, when git listed every entry: the next run, at this commit or the next, makes its own
      from it and git's differences (revisions.listing_since), a few entries where git listed 100,000 (writing it
      costs a tenth of a second, once). When git listed only the differences, it is kept if the run found something
      new: a hook that fails is run again at the same commit, and reads it then as it is.
    - The findings at the revision, when a run there made them, if the run found something new: a hook that passes
      is next run at another commit, where they are of no use (writing them costs half a second at 100,000
      documents). They are read when the report the next run starts from is not the one `keep_before` kept their
      difference from (another run stored its own meanwhile)."""
    revision = comparison.revision
    if revision is not None and revision.listing_key is not None and (revision.listed_whole or found_new):
        cache.keep_revision_listing(revision.listing_key, revision.listing, revision.links)
    if found_new and comparison.made_before is not None and comparison.state is not None:
        cache.keep_revision_findings(comparison.state, listed(comparison.made_before))


def _to_ref_note(root: Path) -> list[str]:
    """Under `pre-commit run --from-ref A --to-ref B` with B not the commit checked out, that seedlint judges the
    work tree (compared with A), not B: a range ending elsewhere is judged by the checked-out documents."""
    to_ref = os.environ.get("PRE_COMMIT_TO_REF")
    if os.environ.get("PRE_COMMIT") != "1" or not to_ref:
        return []
    if revisions.commit_of(root, to_ref, "--to-ref") == revisions.commit_of(root, "HEAD", "--diff-base"):
        return []
    return [
        f"pre-commit's --to-ref {to_ref} is not the commit checked out: the documents checked are the work tree's "
        f"(check out {to_ref} first to check that commit)"
    ]


def find_lost(comparison: Comparison, cache: Cache, config: Config) -> None:
    """The addresses lost since the revision (`Revision.lost`: before the runs, whose input they are), from the
    changed documents' addresses on either side: at the revision, by git blob as the cache keeps them, else from the
    file's last stored result when it was of that very version (the run before the change checked it); now, its
    file's index record, from the cache or checked for the run ahead (`config`). Only the others are parsed (a large
    document costs 5-16 ms: a hook run again with hundreds of documents changed spent seconds parsing them twice)."""
    revision = comparison.revision
    if revision is None or revision.commit is None:
        return
    root = revision.root
    blobs = {
        name: blob
        for name in revision.changed
        if (blob := revision.listing.get(name)) is not None and blob in revision.contents
    }
    kept = cache.blob_aliases(set(blobs.values()))
    before = {name: kept[blob] for name, blob in blobs.items() if blob in kept}
    cwd = Path.cwd().resolve()
    unknown_before: dict[str, bytes] = {}
    for name, blob in blobs.items():
        if name in before:
            continue
        content = revision.contents[blob]
        # The file's last stored result is often of that very version: the run before the change checked it.
        path = root / name
        checked = cache.remembered_as(SourceFile.at(path, display_path(path, cwd)), hashlib.sha256(content).hexdigest())
        if checked is not None:
            before[name] = checked.record.aliases if checked.record is not None else ()
        else:
            unknown_before[name] = content
    parsed = history.aliases_of(root, unknown_before)
    cache.keep_blob_aliases(
        {blob: before[name] if name in before else parsed[name] for name, blob in blobs.items() if blob not in kept}
    )
    before.update(parsed)
    present = {
        name: path
        for name in revision.changed
        if (path := root / name).is_file() and not path.is_symlink() and revision.in_commit(name)
    }
    now: dict[str, tuple[str, ...]] = {}
    if isinstance(cache, DiskCache):
        # Checked now as the run will check them, which then finds their results in the cache: parsed once, not twice.
        sources = [SourceFile.at(path, display_path(path, cwd)) for path in present.values()]
        cache.hold_superseded(map(cache.key, sources))  # (what the run from its last report undoes: see rerun)
        check = engine.checker(config, {}, rows=cache.keeps_rows)
        for name, checked in zip(present, cache.results(sources, check), strict=True):
            now[name] = checked.record.aliases if checked.record is not None else ()
    else:  # (`--no-cache`: nothing kept for the run, which checks them again; the addresses alone cost less)
        unknown: dict[str, bytes] = {}
        for name, path in present.items():
            with contextlib.suppress(OSError, FileTooLarge):
                unknown[name] = read_bounded(path)
        now = history.aliases_of(root, unknown)
    revision.lost = _lost(before, now)


def _lost(before: dict[str, tuple[str, ...]], now: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """The addresses the changed documents had at the revision (`before`: path → its aliases there) and none of
    them has now (`now`: the same, of those that still exist). (An address that moved to a document that did not
    change is kept: `lost` only applies to entries that resolve to nothing, so keeping it costs nothing but the
    run's incremental shortcut.)"""
    kept = {alias for aliases in now.values() for alias in aliases}
    return {address: name for address, name in history.addresses_by_alias(before).items() if address not in kept}


class MemoryCache(Cache):
    """Without a cache on disk (`--no-cache`), the results of one process's runs: the current run reuses the
    results the run at the revision got for the documents that did not change."""

    def __init__(self) -> None:
        self.kept: dict[str, Checked] = {}

    def remembered(self, source: SourceFile) -> Checked | None:
        return self.kept.get(self.key(source))

    def remember(
        self, source: SourceFile, checked: Checked | None, blob: bytes | None = None, row: Row | None = None
    ) -> None:
        if checked is not None:  # (always: only a cache that spills is given results it is not to decode)
            self.kept[self.key(source)] = checked


def cache_for(cache: Cache, comparison: Comparison) -> Cache:
    """The cache the compared runs use: the run's own, or one in memory for both runs without one."""
    if comparison.revision is not None and comparison.revision.commit is not None and not cache.keeps_reports:
        return MemoryCache()
    return cache


def stats_for_both(
    comparison: Comparison, sources: list[SourceFile], corpus: list[SourceFile] | None, cache: Cache
) -> StatsAhead | None:
    """The stats of the files checked and of the `corpus` they belong to (if given), for both runs of a comparison,
    taken once, ahead (seedlint/statahead.py): the run at the revision reads the same files but for the changed
    documents. None when there is no run at the revision."""
    if comparison.revision is None or comparison.revision.commit is None:
        return None
    files = sources if corpus is None else list({file.display_path: file for file in [*corpus, *sources]}.values())
    return incremental.stats_ahead(files, cache)


def check_before(
    comparison: Comparison,
    config: Config,
    corpus: list[SourceFile],
    cache: Cache,
    run_id: str,
    stats: StatsAhead | None = None,
) -> list[str]:
    """The findings of the corpus at the revision (into `comparison.before`); the internal errors of that run.
    `corpus`: the current corpus's documents, as the run found them.

    Run before the current run, under the same `run_id`: the two states differ only by the changed documents, so
    each run starts from the other's report (seedlint/incremental.py) and checks those only. (After the current
    run, the cache would hold the changed documents' new results under the paths the revision's last report
    knew with their old contents, and the run at the revision would start afresh: 20 s at 100,000 documents.)"""
    revision = comparison.revision
    if revision is None:
        return []
    if revision.commit is None:
        comparison.before = []
        return []
    with _versions_folder(cache) as folder:
        sources, blobs = _sources_before(revision, corpus, config, folder)
        if _same_sources(sources, corpus):
            comparison.unchanged = True  # the corpus is as it was: its findings then are the current run's
            return []
        # The same documents at the revision (path and git blob each) make the same findings: kept by that state.
        state = comparison.state = _state(run_id, sources, blobs)
        before = _kept_before(cache, state, run_id, revision)
        if before is not None:
            comparison.before, comparison.before_token = before
            return []
        made = _as_last_reported(cache, run_id, revision, corpus, sources, stats)
        if made is not None:
            comparison.before = comparison.made_before = made
            return []
        kept = cache.revision_findings(state)
        if kept is not None and not clock.outdated(kept):
            comparison.before = _as_renamed(kept, revision)
            return []
        result = engine.run(sources, config, cache=cache, run_id=run_id, stats=stats) if sources else RunResult([], [])
    comparison.made_before = None if result.internal_errors else result.diagnostics
    comparison.before = _as_renamed(result.diagnostics, revision)
    return result.internal_errors


def _state(run_id: str, sources: list[SourceFile], blobs: list[str]) -> str:
    """What the corpus at the revision holds, as a run there sees it: the run's targets, the working directory
    (findings name display paths) and each document's display path and git blob (`blobs`, in the same order).
    The settings and the selection are the cache's own keys."""
    digest = hashlib.blake2b(f"{run_id}\0{Path.cwd()}\0".encode("utf-8", "surrogatepass"), digest_size=20)
    digest.update("\0".join(map(DISPLAY, sources)).encode("utf-8", "surrogatepass"))
    digest.update("\0".join(blobs).encode())
    return "revision\0" + digest.hexdigest()


def _kept_before(cache: Cache, state: str, run_id: str, revision: Revision) -> tuple[Findings, bytes] | None:
    """The findings at the revision made from the run's last report and what differs from it there (kept by
    `keep_before`), with that report's token; None when they were not kept from that very report. The current run
    then starts from the same report (`report_ahead`), so that every document's findings but those of the few
    that differ are the same objects on both sides: compared at once, where decoding the findings at the revision
    and comparing them field by field cost a quarter of a second of a hook's run at 100,000 documents."""
    if revision.renamed or revision.lost:  # (findings moved to new names; a run with lost addresses reads no report)
        return None
    delta = cache.revision_delta(state)
    if delta is None:
        return None
    report = cache.report_ahead(run_id)
    if report is None or report.token != delta.token:
        return None
    before = delta.applied(report)
    return None if _outdated(before) else (before, delta.token)


def _as_last_reported(
    cache: Cache,
    run_id: str,
    revision: Revision,
    corpus: list[SourceFile],
    sources: list[SourceFile],
    stats: StatsAhead | None,
) -> list[Diagnostic] | Findings | None:
    """The findings at the revision when the run's last report was made from the corpus as it was there, else None.
    The usual hook run: the last one checked what was then committed, and the revision is that commit. Its report
    then holds every document unchanged since as it is now (the same size and mtime), and every document changed
    since with the content the revision holds (the same SHA-256), and no other: a run at the revision would check
    the same documents, at the same paths, and make its findings. (Checking it from that report instead cost the
    hook 0.2 to 0.4 s at 100,000 documents.) The current run then starts from that same report (`report_ahead`)."""
    if revision.renamed or revision.lost or not isinstance(cache, DiskCache):  # (as in `_kept_before`)
        return None
    report = cache.report_ahead(run_id)
    if report is None or report["partial"] or len(report.displays) != len(sources):
        return None
    changed, gone = incremental.changed_files(report, corpus, cache, stats)
    if gone or len(changed) > incremental.MOST_CHANGED:
        return None
    now = {source.display_path: source for source in changed}
    files = report["files"]
    current = set(map(id, corpus))
    for source in sources:
        if id(source) in current:  # (a document unchanged since the revision)
            known = source if source.display_path in now else None  # (its stat not the report's: its content?)
        else:  # (a document's version at the revision: the report must know it, now changed, with that content)
            known = now.get(source.display_path)
            if known is None:
                return None
        if known is not None and not _holds(files, cache.key(known), source.location):
            return None
    found = engine.set_aside(RunResult(list(map(DISPLAY, sources)), incremental.report_findings(report)), sources).found
    return None if _outdated(found) else found


def _outdated(found: list[Diagnostic] | Findings) -> bool:
    """Whether any of the findings was judged on another day (clock.outdated)."""
    if isinstance(found, list):
        return clock.outdated(found)
    return bool(found.paths_with_extra(clock.judged_another_day()))


def _holds(files: MutableMapping[str, tuple[int, int, str]], key: str, location: str) -> bool:
    """Whether a report's file `key` had the content of the file at `location` (its SHA-256, as the cache hashes
    what it reads: a file saved just before a run is stored without its mtime, which is too recent to trust)."""
    if key not in files:
        return False
    try:  # (bounded, never blocking: a FIFO or a huge file named like a document is no document the report held)
        return hashlib.sha256(read_bounded(Path(location))).hexdigest() == files[key][2]
    except (OSError, FileTooLarge):
        return False


def keep_before(comparison: Comparison, current: RunResult, split: Split, cache: Cache) -> None:
    """After the current run: the findings at the revision kept as they differ from the report the run stored (or
    was answered from), for a next run on the same state (see `_kept_before`). Every document whose findings differ
    is listed, those with none at the revision too, and those the run set aside (`not_documents`), which the report
    still holds."""
    revision = comparison.revision
    token = current.report_token
    if (
        revision is None
        or comparison.state is None
        or comparison.before is None
        or token is None
        or token == comparison.before_token  # (kept from this very report already)
        or current.internal_errors
        or revision.renamed
        or revision.lost
    ):
        return
    differing = split.differing
    if differing is None:  # (split against a baseline: documents not compared apart)
        differing = _differing(_by_path(listed(comparison.before)), _by_path(current.diagnostics))
    paths = differing | set(current.not_documents)
    before = comparison.before
    if isinstance(before, Findings):
        found = [d for path in sorted(paths) for d in before.of(path)]
    else:
        found = [d for d in before if d.path in paths]
    cache.keep_revision_delta(comparison.state, RevisionDelta(token, frozenset(paths), found))


def _as_renamed(diagnostics: list[Diagnostic], revision: Revision) -> list[Diagnostic]:
    """The findings at the revision, those of a document renamed since under its new name: a rename (`git mv`)
    makes none of its findings new."""
    if not revision.renamed:
        return diagnostics
    cwd = Path.cwd().resolve()
    moved = {
        display_path(revision.root / old, cwd): display_path(revision.root / new, cwd)
        for new, old in revision.renamed.items()
    }
    return [dataclasses.replace(d, path=moved[d.path]) if d.path in moved else d for d in diagnostics]


def _same_sources(before: list[SourceFile], corpus: list[SourceFile]) -> bool:
    """Whether the corpus at the revision is the current one: `_sources_before` kept every source itself (a changed
    or deleted document is a new source, of its blob; an added one is left out). Compared object by object, at C
    speed: the set of 100,000 cache keys each side cost a tenth of a second."""
    if len(before) != len(corpus):
        return False
    ordered: list[SourceFile] = sorted(corpus, key=DISPLAY)
    return incremental.same_objects(before, ordered)


def settle(comparison: Comparison, current: RunResult, config: Config) -> None:
    """After the current run: when no document changed since the revision, its findings are the revision's."""
    if comparison.unchanged and comparison.before is None:
        comparison.before = current.found


@contextlib.contextmanager
def _versions_folder(cache: Cache) -> Iterator[Path]:
    """Where the changed documents' versions are written: under the cache folder (kept: the next run checks
    none of them again; those unused for a week are removed), else a temporary folder (also on the very first
    run, before the cache has made its folder: never a folder seedlint did not make as the cache's)."""
    if isinstance(cache, DiskCache) and cache.directory.is_dir() and not cache.directory.is_symlink():
        folder = cache.directory / "versions"
        yield folder
        _prune(folder)
        return
    with tempfile.TemporaryDirectory(prefix="seedlint-diff-base-") as temporary:
        yield Path(temporary)


def _prune(folder: Path) -> None:
    limit = time.time() - VERSIONS_KEPT_SECONDS
    with contextlib.suppress(OSError):
        for prefix in folder.iterdir():
            for version in prefix.iterdir() if prefix.is_dir() and not prefix.is_symlink() else []:
                with contextlib.suppress(OSError):
                    if os.lstat(version).st_mtime < limit:
                        shutil.rmtree(version)


def committed(corpus: list[SourceFile], revision: Revision) -> tuple[list[SourceFile], list[SourceFile]]:
    """In a pre-commit hook: the documents the commit is made of, and those it is not (files git does not track,
    which pre-commit leaves in the work tree): a draft beside the articles must neither fail the commit nor hide
    what the commit breaks (an entry naming a document that is not committed dangles). (`Revision.in_commit` of
    each, at C speed: 100,000 documents.)"""
    if not revision.hooked:
        return corpus, []
    names = revision.names(corpus)
    listing, links, changed = revision.listing, revision.links, revision.changed
    not_there = set(itertools.filterfalse(listing.__contains__, names))  # (at the revision: the few added since)
    left_out = {name for name in not_there if name not in changed and name not in links}
    if revision.deleted:
        left_out |= revision.deleted.intersection(names)
    if not left_out:  # (the usual case)
        return corpus, []
    pairs = list(zip(names, corpus, strict=True))
    return [source for name, source in pairs if name not in left_out], [
        source for name, source in pairs if name in left_out
    ]


def _names(root: Path, corpus: list[SourceFile]) -> list[str]:
    """The documents' paths in the repository at `root` (as git names them)."""
    prefix = str(root).rstrip(os.sep) + os.sep
    cut = len(prefix)
    absolutes = list(map(ABSOLUTE, corpus))
    if all(map(operator.methodcaller("startswith", prefix), absolutes)):  # (the usual case: one pass less)
        names = [absolute[cut:] for absolute in absolutes]
    else:
        names = [
            absolute[cut:] if absolute.startswith(prefix) else os.path.relpath(absolute, root) for absolute in absolutes
        ]
    if os.sep != "/":
        names = [name.replace(os.sep, "/") for name in names]
    return names


def _sources_before(
    revision: Revision, corpus: list[SourceFile], config: Config, folder: Path
) -> tuple[list[SourceFile], list[str]]:
    """The corpus as it was at the revision, by display path: unchanged documents as they are, changed and deleted
    ones as their blobs there (deleted ones only when discovery would have found them), added ones left out; and
    each one's git blob there, in the same order. (`corpus` is in display-path order, as discovered: what is kept
    of it is, and the few versions are put in their places. At C speed where it can: 100,000 documents.)"""
    root = revision.root
    listing, link_blobs, changed = revision.listing, revision.links, revision.changed
    names = revision.names(corpus)
    # The few documents looked up by name (the changed ones, the links), picked in one pass: a dictionary of every
    # name cost more than the rest of this function.
    wanted = changed | link_blobs.keys()
    picked = list(map(wanted.__contains__, names)) if wanted else []
    by_name = dict(zip(itertools.compress(names, picked), itertools.compress(corpus, picked), strict=True))
    # Left out: the documents added since the revision (or not tracked: not there then), and the changed ones,
    # whose versions there are checked instead. A link unchanged since is there as it is now (seedlint reads a
    # link's target, or refuses it, SL001, the same way then and now), but one to a file changed since: then, it
    # read that file's version there.
    links = {name for name in link_blobs if name in by_name and name not in changed}
    to_changed = {name: target for name in links if (target := _link_target(root, name)) in changed}
    added = set(itertools.filterfalse(listing.__contains__, names)) - links
    left_out = added | changed | to_changed.keys()
    if left_out:
        keeping = list(map(operator.not_, map(left_out.__contains__, names)))
        kept, found = list(itertools.compress(names, keeping)), list(itertools.compress(corpus, keeping))
    else:
        kept, found = names, list(corpus)
    blobs = (
        [link_blobs[name] if name in link_blobs else listing[name] for name in kept]
        if links
        else list(map(listing.__getitem__, kept))
    )
    # name → display path, for the changed documents that existed then
    versions = {name: by_name[name].display_path for name in changed if name in by_name and name in listing}
    version_blobs = {name: listing[name] for name in versions}
    for name, target in to_changed.items():  # (a target added since: the link was not there then)
        if target in listing:
            versions[name], version_blobs[name] = by_name[name].display_path, listing[target]
    # Gone since: deleted, or no longer in the commit though kept on disk (a document of the revision all the same:
    # left out there too, the entries naming it passed).
    gone = [
        name
        for name in changed
        if name in listing and name not in by_name and (not revision.in_commit(name) or not (root / name).is_file())
    ]
    cwd = Path.cwd().resolve()
    for name in _discovered(revision, gone, config):
        versions[name], version_blobs[name] = display_path(root / name, cwd), listing[name]
    shown = list(map(DISPLAY, found))
    if shown != sorted(shown):  # (a corpus not in display-path order: sorted here)
        order = sorted(range(len(found)), key=shown.__getitem__)
        found, blobs, shown = [found[i] for i in order], [blobs[i] for i in order], [shown[i] for i in order]
    for name, display in sorted(versions.items()):
        blob = version_blobs[name]
        content = revision.contents.get(blob)
        if content is None:  # too large to be a document: left out (its findings now are new)
            continue
        at = bisect.bisect_right(shown, display)
        shown.insert(at, display)
        found.insert(at, SourceFile.at(revisions.write_version(folder, blob, name, content), display))
        blobs.insert(at, blob)
        os.utime(revisions.version_path(folder, blob, name).parent)  # used: kept by _prune
    return found, blobs


def _link_target(root: Path, name: str) -> str:
    """Where the link `name` leads now, as git names a path of the repository (one leading outside starts with
    `..`: refused, SL001, whatever it leads to)."""
    return os.path.relpath(os.path.realpath(root / name), os.path.realpath(root)).replace(os.sep, "/")


def _discovered(revision: Revision, names: list[str], config: Config) -> list[str]:
    """Those of the deleted `names` that discovery (include, exclude, hidden folders) would have found at the
    revision: written into an empty tree of the repository's layout, and discovered there."""
    if not names:
        return []
    with tempfile.TemporaryDirectory(prefix="seedlint-deleted-") as temporary:
        tree = Path(temporary)
        for name in names:
            blob = revision.listing[name]
            path = tree / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(revision.contents.get(blob, b""))
        folders = [tree / inside for inside in revision.inside if (tree / inside).exists()]
        found = {source.display_path for source in discover(folders, config, cwd=tree)} if folders else set()
        # (by the name git gives, not the display path: a name that is not UTF-8 is shown with \xNN escapes)
        return [name for name in names if display_path(tree / name, tree) in found]


@dataclass
class Split:
    """A run's findings, compared."""

    new: list[Diagnostic]
    old: list[Diagnostic] | None  # (None: not listed, when the two runs shared a stored report's parts)
    baselined: int  # of the old ones, those the baseline holds
    fixed: int  # findings of the baseline that no longer occur
    # Without a baseline: the documents whose findings differ from the revision's (see `_new_by_document`).
    differing: set[str] | None = None
    old_severities: Counter[str] = field(default_factory=Counter)  # the old findings by severity ("error", ...)


def split(
    found: list[Diagnostic] | Findings,
    config: Config,
    comparison: Comparison,
    reported: Callable[[str], bool] = lambda path: True,
) -> Split:
    """New and old findings. A finding occurring n times now is old as many times as the baseline or the
    revision held it (the larger count), new the rest. `reported`: whether a document (relative to the project
    root) was reported on by the run, so that a baseline entry of a document not checked is not `fixed`."""
    before = comparison.before
    if comparison.baseline is None and before is not None:
        if isinstance(found, Findings) and isinstance(before, Findings) and found.shares_parts(before):
            return _split_parts(found, before, config, comparison.relative)
        diagnostics = listed(found)
        new, differing = _new_by_document(diagnostics, listed(before), config, comparison.relative)
        chosen = {id(d) for d in new}
        old = [d for d in diagnostics if id(d) not in chosen]
        return Split(new, old, 0, 0, differing, _severities_of(old))
    diagnostics = listed(found)
    recorded = comparison.baseline or Counter()
    earlier = Counter(baseline.keys(listed(before or []), config, comparison.relative))
    seen: Counter[Key] = Counter()
    new = []
    old = []
    baselined = 0
    for d, key in zip(diagnostics, baseline.keys(diagnostics, config, comparison.relative), strict=True):
        seen[key] += 1
        if seen[key] <= max(recorded[key], earlier[key]):
            old.append(d)
            baselined += seen[key] <= recorded[key]
        else:
            new.append(d)
    here = comparison.baseline_here if comparison.baseline_here is not None else recorded
    fixed = sum(count - seen[key] for key, count in here.items() if count > seen[key] and reported(key[1]))
    return Split(new, old, baselined, fixed, None, _severities_of(old))


def _split_parts(now: Findings, before: Findings, config: Config, relative: dict[str, str]) -> Split:
    """`split` of two runs whose findings are the same stored report's parts, some documents' replaced on either
    side: every other document has the very same findings on both, so only the replaced ones are compared (as
    `_new_by_document` would find), and the old findings are counted from the parts' columns, not made into
    objects (a third of a hook's run at 100,000 documents, when the run is answered from its report)."""
    paths = sorted(now.replaced.keys() | before.replaced.keys())
    here = [d for path in paths for d in now.of(path)]
    new, differing = _new_by_document(here, [d for path in paths for d in before.of(path)], config, relative)
    old_severities = now.severities()
    old_severities.subtract(_severities_of(new))
    return Split(new, None, 0, 0, differing, +old_severities)


def _severities_of(diagnostics: list[Diagnostic]) -> Counter[str]:
    return Counter(d.severity.value for d in diagnostics)


def _new_by_document(
    diagnostics: list[Diagnostic], before: list[Diagnostic], config: Config, relative: dict[str, str]
) -> tuple[list[Diagnostic], set[str]]:
    """`split`'s new findings without a baseline, matched by key only in the documents whose findings differ
    from the revision's: at 100,000 documents, keying the 30,000 findings of each side cost a sixth of a hook's
    run, where a change alters a few documents' findings. Without a baseline, a key's count on each side is the
    sum of its document's findings (a key holds the document's path), so a document with the same findings on
    both sides (the same objects, as a run answered from the other's report holds them, or equal ones) has
    none new, and matching the others alone finds the same new findings. Also the documents whose findings
    differ, those with none now included."""
    now_by_path = _by_path(diagnostics)
    differing = _differing(_by_path(before), now_by_path)
    differ = differing & now_by_path.keys()
    if not differ:
        return [], differing
    earlier = Counter(baseline.keys((d for d in before if d.path in differ), config, relative))
    candidates = [d for d in diagnostics if d.path in differ]
    seen: Counter[Key] = Counter()
    new = []
    for d, key in zip(candidates, baseline.keys(candidates, config, relative), strict=True):
        seen[key] += 1
        if seen[key] > earlier[key]:
            new.append(d)
    return new, differing


def _differing(before_by_path: dict[str, list[Diagnostic]], now_by_path: dict[str, list[Diagnostic]]) -> set[str]:
    """The documents whose findings differ between the two sides (those with findings on one side only too)."""
    return {
        path for path in before_by_path.keys() | now_by_path.keys() if before_by_path.get(path) != now_by_path.get(path)
    }


def _by_path(diagnostics: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    found: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        found.setdefault(d.path, []).append(d)
    return found


def after_fixing(
    result: RunResult,
    comparison: Comparison,
    sources: list[SourceFile],
    config: Config,
    corpus: list[SourceFile] | None,
    cache: Cache,
) -> RunResult:
    """What remains after the fixer's runs, for the report: those runs do not look for the addresses lost since
    the revision, so when there are any the written files are checked once more with them (a deletion fails)."""
    if not comparison.lost:
        return result
    return engine.run(sources, config, corpus, cache=cache, lost=comparison.lost)


def fails(diagnostics: list[Diagnostic], fail_on: str) -> bool:
    """Whether these (new) findings fail the run: errors; with `new-warnings`, warnings too."""
    failing = (Severity.ERROR, Severity.WARNING) if fail_on == "new-warnings" else (Severity.ERROR,)
    return any(d.severity in failing for d in diagnostics)


def summary(split: Split, comparison: Comparison, files: int, internal_errors: int, hint: str) -> list[str]:
    """The lines people read after the new findings: how many are new, the old ones in one line, the baseline's
    fixed findings. One line when nothing is new (a hook shows it on every commit). `hint`: the command that
    lists every finding."""
    revision = comparison.revision
    if revision is not None and revision.commit is not None:
        after = f" since {revision.given}"
    else:
        after = " outside the baseline" if comparison.baseline is not None else ""
    checked = _count(files, "file")
    old = ""
    old_count = sum(split.old_severities.values())
    if old_count:
        where = []
        if split.baselined:
            where.append(f"{split.baselined:,} in the baseline")
        if old_count > split.baselined and revision is not None:
            where.append(f"{old_count - split.baselined:,} at {revision.given}")
        old = (
            f"{_count(old_count, 'finding')} existed before this change ({_severities(split.old_severities)}; "
            f"{', '.join(where)}): `{hint}` lists them"
        )
    lines = []
    if internal_errors:
        lines.append(
            f"Found {_count(len(split.new), 'new problem', after)} in {checked} checked, but "
            f"{_count(internal_errors, 'check')} failed with an internal error (reported on stderr): the results are "
            "incomplete."
        )
    elif not split.new:
        lines.append(f"No new problem{after} in {checked} checked{'; ' + old if old else ''}.")
        old = ""
    else:
        # (`seedlint fix` compared the same way repairs the new findings only)
        since = ["--diff-base", revision.given] if revision is not None and revision.commit is not None else []
        command = ["seedlint", "fix", *since]
        found = (
            f"Found {_count(len(split.new), 'new problem', after)} ({_severities(_severities_of(split.new))}) in "
            f"{checked} checked."
        )
        lines.append(found + fixable(split.new, shlex.join([*command, *comparison.given])))
    if old:
        lines.append(f"And {old}.")
    if split.fixed:
        lines.append(
            f"{_count(split.fixed, 'finding')} of the baseline no longer occur{'s' if split.fixed == 1 else ''} "
            "(fixed): refresh it with `seedlint check --write-baseline`."
        )
    return lines


def _count(n: int, noun: str, after: str = "") -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}{after}"


def _severities(counts: Counter[str]) -> str:
    return ", ".join(_count(counts[s], s) for s in ("error", "warning", "info") if counts[s])
