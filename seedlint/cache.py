"""A cache of per-file results, like ruff's, and of the last report of each run: a run where nothing
changed costs little more than a stat per file, and a run where a few files changed rechecks only
what those changes can affect, and rewrites only the parts of the report they changed.

One SQLite database per settings key under the cache directory. The settings key covers seedlint's
version, what of the configuration changes a file's result (not the selection, severities or per-file
ignores: those are applied when reporting), the schema's text, the topic vocabulary and the rule registry,
so changing any of them starts a fresh database; the oldest databases are removed (at most KEPT_DATABASES).
It holds:

  results  each file's size, mtime, content hash and result (diagnostics, index record, positioned
           corpus diagnostics); used when size and mtime match (no read at all) or the content hash does;
  links    which files carry a given address, related target, title, or duplicate key, so the corpus
           rules can find the documents a change affects without loading the whole corpus;
  reports, report_parts
           per run (its paths and selection), the last report in parts of about PART_FILES files, each
           a range of display paths with those files' size, mtime and hash, errors, unresolved related
           entries and diagnostics (see engine.py, incremental.py);
  listings the files found in the checked folders, with each folder's stamp, reused while no folder
           changed (discovery.discover; what is trusted: keep_listing).

The cache holds data, never code (seedlint/plain.py: MessagePack read back into seedlint's types with every shape
checked; an entry that does not decode is a miss). Each result is bound to its database's settings key and
to its file's key and content hash. And the cache is never one the checkout supplies (`open_cache`): a
cache folder that git tracks, a cache folder or file that is a symbolic link, or a configured `cache-dir`
outside the project root is refused with one warning, and the run goes on without a cache. Files are
created without following links (O_EXCL, O_NOFOLLOW), readable by their owner only.

SQLite gives random access without loading the corpus, atomic transactions and locking between
concurrent runs (pre-commit batches). A corrupt or unreadable database is deleted and rebuilt; a locked
one is skipped: a cache that cannot be used only costs time, never a wrong answer.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import hashlib
import itertools
import json
import operator
import os
import re
import sqlite3
import stat
import time
import traceback
import weakref
from collections import Counter
from collections.abc import Callable, Collection, Container, Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeAlias, TypeVarTuple

from seedlint import __version__, clock, git, plain, schema_file
from seedlint.config import Config, is_within
from seedlint.corpus import Corpus, IndexRecord, host_key, identity_key
from seedlint.diagnostic import Diagnostic
from seedlint.discovery import ABSOLUTE, DISPLAY, Listing, SourceFile, cycle_collection_paused
from seedlint.document import read_bounded
from seedlint.results import Checked, Findings, listed
from seedlint.rules import all_rules
from seedlint.vocabulary import VocabularyError

FORMAT = 20  # 12: data-only encoding, dates as instants, copied values marked, loci; 13: anchors of corpus
# findings; 14: fixes and extras of diagnostics in columns, run reports in parts; 15: anchors tell plain
# values in flow collections; 16: reports keep the corpus's topic counts, files link to their topics; 17: the
# reports' unresolved entries include those whose address is malformed; 18: findings made otherwise (SL505 one
# per field, SL606 at its blanks, SL508 and SL605 messages, fixes of values over several lines, fix safety); 19:
# a future date (SL206) carries the day it was judged on (seedlint/clock.py); 20: a fix held back is marked
# (rules/related.HELD: runs from the report judge its document again)
BLOB_ALIASES_KEPT = 100_000  # documents' versions whose addresses are kept (see DiskCache.blob_aliases)
REVISION_LISTINGS_KEPT = 4  # listings of revisions kept (see DiskCache.listing_reader)
REVISIONS_KEPT = 16  # findings of corpus states at a revision kept, whole and as deltas (see DiskCache.revision_delta)
KEPT_DATABASES = 4  # settings keys kept side by side (a new one removes the least recently used beyond this)
# Configuration keys applied when reporting, not when checking a file: changing them needs no re-check.
REPORTING_KEYS = ("select", "extend-select", "ignore", "per-file-ignores", "severity")
# Keys applied after the run's report is made (seedlint/compare.py): they change neither results nor reports.
COMPARING_KEYS = ("baseline", "fail-on")
RACY_NS = 2_000_000_000  # a file modified this recently is recognised by content, not by mtime (as git does)
# A folder's listing is kept only when the folder is older than this: a change after the listing then always
# moves its times, even on a file system with 2 s timestamps, whose times lag the clock by up to 2 s.
FOLDER_RACY_NS = 3_000_000_000


def trusted_mtime(mtime: int, now: int | None = None) -> int:
    """The mtime to remember, or -1 when it is "racy": the file may change again within the clock's
    resolution, so only its hash may be trusted."""
    return mtime if (now or time.time_ns()) - mtime >= RACY_NS else -1


TABLES = """
CREATE TABLE IF NOT EXISTS results
    (id INTEGER PRIMARY KEY, key BLOB, size INTEGER, mtime INTEGER, digest TEXT, checked BLOB);
CREATE TABLE IF NOT EXISTS links (value INTEGER, file INTEGER);
CREATE TABLE IF NOT EXISTS aliases (host TEXT, alias TEXT, file INTEGER);
CREATE TABLE IF NOT EXISTS reports (id BLOB PRIMARY KEY, head BLOB);
CREATE TABLE IF NOT EXISTS listings (id BLOB PRIMARY KEY, listing BLOB);
CREATE TABLE IF NOT EXISTS report_parts (report BLOB, low BLOB, part BLOB, PRIMARY KEY (report, low)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS revisions (id BLOB PRIMARY KEY, findings BLOB);
CREATE TABLE IF NOT EXISTS blob_aliases (blob TEXT PRIMARY KEY, aliases BLOB);
CREATE TABLE IF NOT EXISTS revision_listings (id BLOB PRIMARY KEY, listing BLOB);
"""
INDEXES = {
    "links_by_value": "links (value)",
    "links_by_file": "links (file)",
    "aliases_by_alias": "aliases (alias)",
    "aliases_by_host": "aliases (host)",
    "aliases_by_file": "aliases (file)",
}
# SQLite's page cache: 64 MB when the links' indexes are written in random order; 8 MB while a fresh
# cache is filled (no indexes yet), when the main process also holds every result of a large run, and for the
# rest of that run (see DiskCache._end_bulk).
PAGE_CACHE, FILLING_PAGE_CACHE = -65_536, -8_192
BULK = 5_000  # results written into an empty cache at once: indexed after they are in (4x faster at 100,000)


def settings_key(config: Config) -> str:
    settings = config.to_dict()
    for key in ("cache-dir", *REPORTING_KEYS, *COMPARING_KEYS):
        settings.pop(key, None)
    material = json.dumps(
        {
            "format": FORMAT,
            "version": __version__,
            "config": settings,
            "schema": schema_file.schema_text(config.schema_path),
            "topics": _vocabulary_digest(config),
            "rules": [(r.code, r.severity.value) for r in all_rules()],
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:20]


def _vocabulary_digest(config: Config) -> str | None:
    """The topic vocabulary: editing it changes what SL603 reports, so it starts a fresh cache."""
    try:
        vocabulary = config.topic_vocabulary()
    except VocabularyError as error:  # (a run checked it already: only an API caller gets here)
        return f"unusable: {error}"
    if vocabulary is None:
        return None
    return hashlib.sha256("\n".join(sorted(vocabulary)).encode("utf-8", "surrogatepass")).hexdigest()


def selection_key(config: Config) -> str:
    """What a run's stored report depends on beyond the per-file results: the diagnostics it holds are the
    selected ones, at their configured severities."""
    settings = config.to_dict()
    chosen = {key: settings[key] for key in REPORTING_KEYS}
    return hashlib.sha256(json.dumps(chosen, sort_keys=True).encode()).hexdigest()[:20]


def _hash64(text: str) -> int:
    """A stable signed 64-bit hash (an SQLite INTEGER). Two values sharing one only make a lookup return
    one file too many, which the caller checks against the record."""
    return int.from_bytes(
        hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big", signed=True
    )


def file_id(key: str) -> int:
    return _hash64("file\0" + key)


def link(kind: str, value: object) -> int:
    """The value of a link row: what a file carries, as `kind` ("ref", "url", "identity", "title")."""
    return _hash64(f"{kind}\0{value!r}")


def links_of(record: IndexRecord) -> set[int]:
    """Every link a document's record carries: its related targets, its address and identity (for the
    duplicate rules) and its title (for "did you mean" by title)."""
    found = {link("ref", key) for key in record.ref_keys if key is not None}
    found.update(link("topic", topic) for topic in record.topics)
    if record.url_key is not None:
        found.add(link("url", record.url_key))
    identity = identity_key(record)
    if identity is not None:
        found.add(link("identity", identity))
    if record.title_key is not None:
        found.add(link("title", record.title_key))
    return found


class Row(NamedTuple):
    """What the cache writes of a result beside the result itself: the file's size and mtime, the SHA-256 of its
    content, and the links and aliases its record carries (`links_of`; (host, address) pairs)."""

    stat: tuple[int, int]
    digest: str
    links: tuple[int, ...]
    aliases: tuple[tuple[str, str], ...]


def row_of(checked: Checked) -> Row | None:
    """The row of a result the cache keeps; None for one it does not (`remembers`)."""
    if not remembers(checked):
        return None
    assert checked.stat is not None  # (remembers)
    record = checked.record
    if record is None:
        return Row(checked.stat, checked.digest, (), ())
    aliases = tuple((host_key(alias), alias) for alias in record.aliases)
    return Row(checked.stat, checked.digest, tuple(links_of(record)), aliases)


class Encoded(NamedTuple):
    """A result as a worker sends it: encoded once, as the cache stores it (plain.encode_checked), with what fixing
    the file needs (a fix run's, plain.encode_basis) and the result's row (`row_of`, made in the worker too): a run
    that spills writes it to the cache without decoding it in the main process (Cache.results)."""

    blob: bytes
    basis: bytes | None
    row: Row | None

    def decoded(self, source: SourceFile) -> tuple[Checked, bytes | None]:
        """The result, and its encoded form for the cache (None when it is not one to keep)."""
        try:
            checked = plain.decode_checked(self.blob, source.display_path)
            checked.basis = None if self.basis is None else plain.decode_basis(self.basis)
            return checked, self.blob
        except plain.Malformed:  # a bug: what a worker encodes always decodes
            error = f"{source.display_path}: internal error while decoding the result:\n{traceback.format_exc()}"
            return Checked(source.display_path, [], None, False, [error]), None


# What a run's checker returns for the files it was given: each file's result or, when a worker made it, the
# result as the worker encoded it (so that the main process does not encode it again, nor decode it to spill it).
Checker: TypeAlias = Callable[[list[SourceFile]], Iterable[tuple[SourceFile, Checked | Encoded]]]
Report: TypeAlias = dict[str, Any]  # a run's last report (see engine.run and incremental.rerun)
Values = TypeVarTuple("Values")  # what an encoder is given (see DiskCache._keep_newest)
SAVE_EVERY = 5_000  # results: a large run writes the cache as it goes, instead of holding every result twice
# Files checked at once from which results are not held while they are checked, but read back from the cache once
# checking is done (see Cache.results): at 100,000 documents, the results held (3.4 kB each) and the worker
# processes alive beside them made the run's peak; reading back costs a second decoding of each (45 us), more than
# smaller runs gain in memory.
SPILL_FROM = 50_000
PROGRESS_STEP = 64  # results between two progress updates
LOOKUP_CHUNK = 500  # stored results read in one query (one query per file cost a warm report a third of its time)


# A revision's listing kept in the cache (see DiskCache.listing_reader): its key (revisions.listing_key), and the
# listing itself (regular files, links), decoded when asked for (None when malformed): a hook starts git on what
# differs from it knowing the key alone, and decodes the listing meanwhile.
KeptListing: TypeAlias = tuple[str, Callable[[], tuple[dict[str, str], dict[str, str]] | None]]


class Cache:
    """The cache as one layer: the engine asks it for every file's result and gets it, remembered or
    checked, without knowing which. This class is the layer doing nothing (`--no-cache`): every file is
    checked, nothing is kept. `DiskCache` remembers."""

    keeps_reports = False  # whether `last_report`/`keep_report` do anything (a report costs time to build)
    spills = False  # whether `results` may write results and read them back instead of holding them (`spill`)
    keeps_rows = False  # whether `remember` writes each result's row (`Row`: a checker's workers then make it)

    def results(
        self,
        sources: list[SourceFile],
        check: Checker,
        fresh: Container[str] = frozenset(),
        progress: Callable[[int], None] | None = None,
        spill: bool = False,
    ) -> list[Checked]:
        """The result of every source, in order: remembered when its content is known, else from `check`
        (which may use worker processes) and then remembered. `fresh`: display paths whose content is in
        memory (the fixer's), always checked, never remembered. `spill`: when SPILL_FROM files or more are
        checked, and the cache keeps results, each result is written as it comes and not held, and all are read
        back once checking is done (`read_back`): the worker processes are gone by then, so that the results and
        the workers are never in memory at once. (Not for a fix run's: what fixing needs is never written.)"""
        found: dict[str, Checked] = {}
        todo = []
        done = 0
        for start in range(0, len(sources), LOOKUP_CHUNK):
            chunk = sources[start : start + LOOKUP_CHUNK]
            self.prefetch([self.key(s) for s in chunk if s.display_path not in fresh and not s.refused])
            for source in chunk:
                hit = self.remembered(source) if source.display_path not in fresh and not source.refused else None
                if hit is None:
                    todo.append(source)
                    continue
                found[source.display_path] = hit
                done += 1
                if progress is not None and done % PROGRESS_STEP == 0:
                    progress(PROGRESS_STEP)
        self.prefetch([])
        spilling = spill and self.spills and len(todo) >= SPILL_FROM and not fresh
        spilled: dict[str, str] = {}  # display path → the SHA-256 of the content its result was written for
        for source, made in check(todo) if todo else ():
            if spilling and isinstance(made, Encoded) and made.row is not None:  # (written as encoded, not decoded)
                self.remember(source, None, made.blob, made.row)
                spilled[source.display_path] = made.row.digest
                continue
            checked, blob = made.decoded(source) if isinstance(made, Encoded) else (made, None)
            if source.display_path not in fresh:
                self.remember(source, checked, blob, made.row if isinstance(made, Encoded) else None)
            if spilling and remembers(checked):
                spilled[source.display_path] = checked.digest
            else:
                found[source.display_path] = checked
            done += 1
            if progress is not None and done % PROGRESS_STEP == 0:
                progress(PROGRESS_STEP)
        if progress is not None and done % PROGRESS_STEP:
            progress(done % PROGRESS_STEP)
        if spilled:
            found.update(self.read_back([source for source in todo if source.display_path in spilled], spilled, check))
        return [found[source.display_path] for source in sources]

    def result(self, source: SourceFile, check: Callable[[SourceFile], Checked]) -> Checked:
        """One file's result, remembered or checked (and then remembered)."""
        return self.results([source], lambda todo: [(source, check(source))])[0]

    def read_back(self, sources: list[SourceFile], digests: dict[str, str], check: Checker) -> dict[str, Checked]:
        """The results just written for `sources` (display path → the SHA-256 each was made for, `digests`), read
        back; those that cannot be (the write failed, or another run replaced it since) are checked again."""
        return {
            source.display_path: made.decoded(source)[0] if isinstance(made, Encoded) else made
            for source, made in check(sources)
        }

    def remembered(self, source: SourceFile) -> Checked | None:
        """The result of the file's current content, when it is known."""
        return None

    def remembered_as(self, source: SourceFile, digest: str) -> Checked | None:
        """The result stored for the file when its content had the SHA-256 `digest`, whatever it holds now (the
        version of a document at a git revision, checked before it was changed), when it is the last one stored."""
        return None

    def prefetch(self, keys: list[str]) -> None:
        """Read the stored results of these files at once (the next `remembered` calls use them); [] forgets."""

    def remember(
        self, source: SourceFile, checked: Checked | None, blob: bytes | None = None, row: Row | None = None
    ) -> None:
        """Keep a file's result (written by the next `flush`): `checked`, or (None) only as `blob` encodes it
        (`Encoded.blob`) with its `row`."""

    def remember_positioned(
        self, corpus: Corpus, results: list[Checked], sources: list[SourceFile], fresh: Container[str]
    ) -> None:
        """Keep the corpus diagnostics positioned in this run with their files' results (see Corpus.report),
        only those this run asked for: a memo never outgrows what the corpus currently reports."""
        by_path = {source.display_path: source for source in sources}
        for result in results:
            memo = corpus.settled_memo(result.path, result.positioned)
            # (changed: findings positioned for it, or some no longer asked for)
            if result.path in corpus.added or len(memo) != len(result.positioned):
                result.positioned = memo
                if result.path in by_path and result.path not in fresh:
                    self.remember(by_path[result.path], result)

    def flush(self) -> None:
        """Write what was remembered."""

    def close(self) -> None:
        """Write what was remembered and let go of what the cache holds open."""

    def last_report(self, run_id: str) -> Report | None:
        return None

    def has_report(self, run_id: str) -> bool:
        """Whether the run has a last report (it may still prove unusable when read)."""
        return False

    def keep_report(self, run_id: str, report: Report, touched: Collection[str] | None = None) -> bytes | None:
        """Store the run's report; the token of what was stored (None: nothing was)."""
        return None

    def revision_findings(self, state: str) -> list[Diagnostic] | None:
        """The findings of a corpus state at a git revision, when a run kept them (`keep_revision_findings`)."""
        return None

    def keep_revision_findings(self, state: str, diagnostics: list[Diagnostic]) -> None:
        pass

    def revision_delta(self, state: str) -> RevisionDelta | None:
        """The findings of a corpus state at a git revision as they differ from a stored report's, when a run kept
        them (`keep_revision_delta`)."""
        return None

    def keep_revision_delta(self, state: str, delta: RevisionDelta) -> None:
        pass

    def listing_reader(self) -> Callable[[str], KeptListing | None] | None:
        """A way to read, from another thread, a revision's listing kept by `keep_revision_listing`."""
        return None

    def keep_revision_listing(self, key: str, regular: dict[str, str], links: dict[str, str]) -> None:
        pass

    def report_ahead(self, run_id: str) -> StoredReport | None:
        """The run's last report (as `last_report`), read before the run: the run's own `last_report` then
        takes this one instead of reading it again."""
        return None

    def blob_aliases(self, blobs: set[str]) -> dict[str, tuple[str, ...]]:
        """The canonical addresses of the documents that are these git blobs, of those the cache knows."""
        return {}

    def keep_blob_aliases(self, aliases: dict[str, tuple[str, ...]]) -> None:
        pass

    def stored_listing(self, key: str) -> Listing | None:
        return None

    def keep_listing(self, key: str, listing: Listing) -> None:
        pass

    def own_folder(self) -> str | None:
        """The folder of this cache on disk (its copies of old versions are not documents), or None."""
        return None

    @staticmethod
    def key(source: SourceFile) -> str:
        return f"{source.absolute}\0{source.display_path}"


NO_CACHE = Cache()

FILE_KEY = "{}\0{}".format  # Cache.key from (absolute, display path), at C speed over many sources (`keys_of`)


def keys_of(sources: Iterable[SourceFile]) -> list[str]:
    """Cache.key of every source."""
    listed = list(sources)
    return list(map(FILE_KEY, map(ABSOLUTE, listed), map(DISPLAY, listed)))


# What a damaged database raises: sqlite3's errors, and UnicodeDecodeError where sqlite's message quotes schema text
# that is no longer UTF-8 (one flipped byte there made every run an internal error until `seedlint clean`).
DATABASE_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError)


class CacheRefused(Exception):
    """A cache folder seedlint will not use: the message says which and why (a warning, never an error)."""


def open_cache(
    config: Config, no_cache: bool, directory: Path | None, warn: Callable[[str], None] | None = None
) -> Cache:
    """The run's cache: `directory` (the `--cache-dir` option, the user's own choice), else the configured
    `cache-dir`; none with `no_cache`. A cache the checkout may have supplied is refused: `warn` is told
    why, once, and the run goes on without a cache."""
    if no_cache:
        return NO_CACHE
    try:
        folder = cache_folder(config, directory)
        cache = DiskCache(folder, config)
        cache.warn = warn
        refuse_supplied(folder, [cache.file])
    except CacheRefused as error:
        if warn is not None:
            warn(f"{error}; running without a cache")
        return NO_CACHE
    return cache


def cache_folder(config: Config, directory: Path | None) -> Path:
    """The cache folder; a configured one must lie inside the project root (the configuration's folder)."""
    if directory is not None:
        return Path(os.path.abspath(directory))
    folder = Path(os.path.abspath(config.root / config.cache_dir))
    if os.path.islink(folder):  # named as such, before where it leads
        raise CacheRefused(f"cache folder {folder} is a symbolic link (a cache is never taken from the checkout)")
    if not is_within(folder, config.root):  # (links anywhere on the way followed)
        raise CacheRefused(f"`cache-dir` {config.cache_dir} is outside the project root {config.root}")
    return folder


def refuse_supplied(folder: Path, files: Iterable[Path] = (), ask_git: bool = True) -> None:
    """Raise CacheRefused when the cache folder (or one of its `files`) may come from the checkout: a
    symbolic link, not a folder, or (`ask_git`) a folder with files that git tracks (a committed cache)."""
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return  # created by this run
    except OSError as error:
        raise CacheRefused(f"cache folder {folder}: {error.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise CacheRefused(f"cache folder {folder} is a symbolic link (a cache is never taken from the checkout)")
    if not stat.S_ISDIR(info.st_mode):
        raise CacheRefused(f"cache folder {folder} is not a folder")
    for name in [*(Path(f).name for f in files), ".gitignore"]:
        for suffix in ("", "-wal", "-shm", "-journal") if name != ".gitignore" else ("",):
            path = folder / (name + suffix)
            try:
                kind = os.lstat(path).st_mode
            except FileNotFoundError:
                continue
            except OSError as error:
                raise CacheRefused(f"cache file {path}: {error.strerror}") from None
            if not stat.S_ISREG(kind):
                raise CacheRefused(f"cache file {path} is not a regular file (a link?)")
    repository = git.repository_root(folder) if ask_git else None
    if repository is None:
        return
    try:
        tracked = git.tracked_files(repository, folder)
    except git.GitError as error:
        raise CacheRefused(f"cannot tell whether git tracks the cache folder {folder} ({error})") from None
    if tracked:
        raise CacheRefused(
            f"cache folder {folder} holds files tracked by git (a cache is never taken from the checkout)"
        )


@dataclass
class Cleaned:
    """What `clean` did: the files it removed, and what it left because seedlint did not make it."""

    removed: list[Path]
    kept: list[Path]


def clean(folder: Path) -> Cleaned:
    """Remove seedlint's files from the cache folder: its databases, and the copies of documents it keeps in
    versions/ (--diff-base) and history/ (report --history), each recognised by the layout seedlint gives it;
    then the folder, when nothing else is left in it. Its .gitignore goes last, with the folder: until then
    the copies (or anything else there) stay ignored. Never follows a link, never removes one: what seedlint
    did not make is kept, and listed. Raises CacheRefused for a folder seedlint would not use."""
    refuse_supplied(folder)
    cleaned = Cleaned([], [])
    if not folder.exists():
        return cleaned
    for entry in _entries(folder, cleaned):
        if entry.name.startswith("cache-") and ".sqlite3" in entry.name:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)  # (a link is removed itself, never what it points to)
                cleaned.removed.append(Path(entry.path))
        elif entry.name == "versions" and entry.is_dir(follow_symlinks=False):
            _clean_versions(Path(entry.path), cleaned)
        elif entry.name == "history" and entry.is_dir(follow_symlinks=False):
            _clean_history(Path(entry.path), cleaned)
        elif entry.name != ".gitignore" or not _is_our_gitignore(Path(entry.path)):
            cleaned.kept.append(Path(entry.path))
    gitignore = folder / ".gitignore"
    if not cleaned.kept and _is_our_gitignore(gitignore):  # (the folder goes: nothing is left to hide)
        with contextlib.suppress(FileNotFoundError):
            gitignore.unlink()
            cleaned.removed.append(gitignore)
    _remove_folder(folder)
    return cleaned


# The copies' layouts: versions/AB/<blob id AB…>/NAME (revisions.version_path, compare._versions_folder), and
# history/<16 hex digits>/ holding tree/ (the corpus at a commit), blobs/ (laid out as versions/), tree.sha and
# commits.json (report/trend.py: _workspace, _states, _Known).
_PREFIX = re.compile(r"[0-9a-f]{2}")
_BLOB = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_WORKSPACE = re.compile(r"[0-9a-f]{16}")
_WORKSPACE_FILES = ("tree.sha", "commits.json", "commits.tmp")


def _clean_versions(versions: Path, cleaned: Cleaned) -> None:
    for prefix in _entries(versions, cleaned):
        if not (_PREFIX.fullmatch(prefix.name) and prefix.is_dir(follow_symlinks=False)):
            cleaned.kept.append(Path(prefix.path))
            continue
        for version in _entries(Path(prefix.path), cleaned):
            if _BLOB.fullmatch(version.name) and version.name.startswith(prefix.name):
                _clean_tree(Path(version.path), cleaned)  # (the document's copy, and a .tmp of one being written)
            else:
                cleaned.kept.append(Path(version.path))
        _remove_folder(Path(prefix.path))
    _remove_folder(versions)


def _clean_history(history: Path, cleaned: Cleaned) -> None:
    for workspace in _entries(history, cleaned):
        if not (_WORKSPACE.fullmatch(workspace.name) and workspace.is_dir(follow_symlinks=False)):
            cleaned.kept.append(Path(workspace.path))
            continue
        for entry in _entries(Path(workspace.path), cleaned):
            if entry.name == "tree":
                _clean_tree(Path(entry.path), cleaned)
            elif entry.name == "blobs" and entry.is_dir(follow_symlinks=False):
                _clean_versions(Path(entry.path), cleaned)
            elif entry.name in _WORKSPACE_FILES and entry.is_file(follow_symlinks=False):
                _remove_file(Path(entry.path), cleaned)
            else:
                cleaned.kept.append(Path(entry.path))
        _remove_folder(Path(workspace.path))
    _remove_folder(history)


def _clean_tree(tree: Path, cleaned: Cleaned) -> None:
    """Every regular file under `tree` (copies seedlint wrote, whatever their names), then the folders left
    empty; links neither followed nor removed. (A loop, not a recursion: a corpus's folders may nest deeper
    than Python's recursion limit.)"""
    folders, pending = [], [tree]
    while pending:
        folder = pending.pop()
        folders.append(folder)  # (after its parent: removed before it, below)
        for entry in _entries(folder, cleaned):
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                _remove_file(Path(entry.path), cleaned)
            else:
                cleaned.kept.append(Path(entry.path))
    for folder in reversed(folders):
        _remove_folder(folder)


def _entries(folder: Path, cleaned: Cleaned) -> list[os.DirEntry[str]]:
    """The entries of a real folder (a link to one is kept, never listed), sorted by name."""
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            cleaned.kept.append(folder)
            return []
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except FileNotFoundError:
        return []


def _remove_file(path: Path, cleaned: Cleaned) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
        cleaned.removed.append(path)


def _remove_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty: what is left is not seedlint's to remove
        folder.rmdir()


def _is_our_gitignore(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode) and read_bounded(path, 16) == GITIGNORE
    except Exception:
        return False


GITIGNORE = b"*\n"


def _create_private(path: Path, content: bytes = b"") -> bool:
    """Create `path` readable by its owner only, never through a link and never over an existing file;
    False when it exists."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        return False
    try:
        os.write(descriptor, content)
    finally:
        os.close(descriptor)
    return True


def release_freed_memory() -> None:
    """Give the memory freed within the C library's heap back to the system (glibc's malloc_trim; elsewhere,
    nothing). A large run's results arrive as byte strings that the worker pool's thread allocates and the main
    thread frees: glibc keeps that memory in the thread's own heap, where the main thread's next objects never go."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # (not glibc)
        return
    trim(0)


def remembers(checked: Checked) -> bool:
    """Whether a cache keeps this result: never a failure of seedlint itself, nor that of a file that could not be
    read."""
    return not checked.internal_errors and checked.stat is not None and bool(checked.digest)


def file_state(checked: Checked) -> tuple[int, int, str]:
    """What a report remembers of a file: size, mtime (-1 when too recent to be trusted) and hash."""
    assert checked.stat is not None
    size, mtime = checked.stat
    return size, trusted_mtime(mtime), checked.digest


class DiskCache(Cache):
    keeps_reports = True
    spills = True
    keeps_rows = True

    def __init__(self, directory: Path, config: Config):
        self.directory = directory
        self.settings = settings_key(config)
        self.selection = selection_key(config)
        self.file = directory / f"cache-{self.settings}.sqlite3"
        self._db: sqlite3.Connection | None = None
        self._unusable = False
        self.warn: Callable[[str], None] | None = None  # told once why the cache cannot be used (open_cache sets it)
        # Written by save(): key, result (None: only encoded), the result encoded (None: not yet), its row.
        self._pending: dict[int, tuple[str, Checked | None, bytes | None, Row]] = {}
        self._bulk = False  # filling a fresh database: its indexes are built once every result is in
        self._written: set[int] = set()  # results written while filling (a second write replaces their links)
        self._fetched: dict[int, tuple | None] = {}  # rows read ahead by `prefetch` (None: not stored)
        self._layouts: dict[bytes, Layout] = {}  # how each report read or written is divided into parts
        # The report each run read last (while that run holds it), and what it wrote then (the database's
        # data_version, that report, whether partial, the parts it rewrote): a next run of this process
        # (--diff-base's second, --watch) takes the report it wrote from memory, made when it asks for it.
        self._read: dict[bytes, weakref.ref[StoredReport]] = {}
        self._kept: dict[bytes, tuple[int, StoredReport, bool, Counter[str], dict[int, bytes], bytes]] = {}
        self._ahead: tuple[bytes, int, StoredReport] | None = None  # (report id, data_version, it): see report_ahead
        self._superseded: dict[str, tuple[int, int, str, Checked]] = {}  # see hold_superseded

    # The database, opened on first use: a run answered whole reads one row.

    def _connection(self) -> sqlite3.Connection | None:
        if self._db is None and not self._unusable:
            for attempt in range(2):
                try:
                    self._db = self._open()
                    break
                except DATABASE_ERRORS as error:
                    if attempt or (isinstance(error, sqlite3.OperationalError) and "locked" in str(error)):
                        self._give_up(str(error))
                        break
                    self.file.unlink(missing_ok=True)  # corrupt: start afresh
                except OSError as error:  # (`--cache-dir /proc`: the run went on without a cache, saying nothing)
                    self._give_up(f"{error.filename or self.directory}: {error.strerror or error}")
                    break
                except CacheRefused as error:
                    self._give_up(str(error))
                    break
        return self._db

    def _give_up(self, why: str) -> None:
        self._unusable = True
        if self.warn is not None:
            self.warn(f"cannot use the cache in {self.directory} ({why}); running without a cache")

    def _open(self) -> sqlite3.Connection:
        try:
            self.directory.parent.mkdir(parents=True, exist_ok=True)
            self.directory.mkdir(mode=0o700)
            _create_private(self.directory / ".gitignore", GITIGNORE)  # only in a folder this run made
        except FileExistsError:
            pass
        # Again, but for git (asked by open_cache): no link may have appeared since the run began.
        refuse_supplied(self.directory, [self.file], ask_git=False)
        if _create_private(self.file):
            self._prune()
        else:
            with contextlib.suppress(OSError):
                os.utime(self.file, follow_symlinks=False)  # recently used: kept by _prune
        db = sqlite3.connect(self.file, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(TABLES)
            db.execute(f"PRAGMA cache_size={PAGE_CACHE}")
            self._create_indexes(db)
            db.execute("SELECT count(*) FROM reports").fetchone()  # a file that is not a database fails here
        except DATABASE_ERRORS:
            db.close()
            raise
        return db

    def _prune(self) -> None:
        """Remove the least recently used databases beyond KEPT_DATABASES (each settings key has its own)."""
        databases = []
        for path in self.directory.glob("cache-*.sqlite3"):
            with contextlib.suppress(OSError):
                info = os.lstat(path)
                if stat.S_ISREG(info.st_mode) and path != self.file:
                    databases.append((info.st_mtime_ns, path))
        for _, path in sorted(databases, reverse=True)[KEPT_DATABASES - 1 :]:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{path}{suffix}")

    def _query(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        db = self._connection()
        if db is None:
            return []
        try:
            return db.execute(sql, parameters).fetchall()
        except DATABASE_ERRORS:
            self._unusable, self._db = True, None
            return []

    # Per-file results.

    def stored(self, key: str, known_path: str | None = None) -> tuple[int, int, str, Checked] | None:
        """The last result stored for `key`, whatever the file holds now: (size, mtime, digest, result).
        `known_path`: the display path it is expected to be of (see `_decoded`)."""
        pending = self._pending.get(file_id(key))
        if pending is not None:
            checked = self._pending_result(pending, known_path)
            size, mtime = pending[3].stat
            return None if checked is None else (size, mtime, pending[3].digest, checked)
        identifier = file_id(key)
        if identifier in self._fetched:
            row = self._fetched.pop(identifier)
            rows = [row] if row is not None else []
        else:
            rows = self._query("SELECT key, size, mtime, digest, checked FROM results WHERE id = ?", (identifier,))
        if not rows or rows[0][0] != _stored_text(key):
            return None
        size, mtime, digest, blob = rows[0][1:]
        found = self._decoded(blob, known_path)
        if found is None or type(size) is not int or type(mtime) is not int or found.digest != digest:
            return None
        return size, mtime, digest, found

    def hold_superseded(self, keys: Iterable[str]) -> None:
        """Keep in this process the results stored for `keys` before a check replaces them (compare.find_lost
        checks a hook's changed documents ahead of its runs), so that a run from its last report still finds what
        each file held when that report was made (`stored_as`)."""
        for key in keys:
            entry = self.stored(key)
            if entry is not None:
                self._superseded[key] = entry

    def stored_as(self, key: str, digest: str) -> tuple[int, int, str, Checked] | None:
        """The result stored for `key` when the file held the content with this `digest`: the last one stored, or
        the one it replaced in this process (`hold_superseded`); None when neither is of that content."""
        for entry in (self.stored(key), self._superseded.get(key)):
            if entry is not None and entry[2] == digest:
                return entry
        return None

    def prefetch(self, keys: list[str]) -> None:
        self._fetched = {}
        wanted = [file_id(key) for key in keys if file_id(key) not in self._pending]
        if len(wanted) < 2:
            return
        marks = ",".join("?" * len(wanted))
        rows = self._query(
            f"SELECT id, key, size, mtime, digest, checked FROM results WHERE id IN ({marks})", tuple(wanted)
        )
        self._fetched = dict.fromkeys(wanted)
        for identifier, *row in rows:
            self._fetched[identifier] = tuple(row)

    @staticmethod
    def _pending_result(
        pending: tuple[str, Checked | None, bytes | None, Row], known_path: str | None = None
    ) -> Checked | None:
        """The result of a pending entry, decoded when it is only encoded (a spilled result not yet written)."""
        checked, blob = pending[1], pending[2]
        if checked is not None or blob is None:
            return checked
        try:
            return plain.decode_checked(blob, known_path)
        except plain.Malformed:  # (a bug: what a worker encodes always decodes)
            return None

    def _decoded(self, blob: object, known_path: str | None = None) -> Checked | None:
        """A stored result, bound to this database's settings key; None (a miss) when it is anything else.
        `known_path`: the display path it is expected to be of (shared with the result when it is)."""
        if type(blob) is not bytes or not blob.startswith(self._prefix()):
            return None
        try:
            checked = plain.decode_checked(memoryview(blob)[len(self._prefix()) :], known_path)
        except plain.Malformed:
            return None
        return checked if remembers(checked) else None

    def read_back(self, sources: list[SourceFile], digests: dict[str, str], check: Checker) -> dict[str, Checked]:
        self.flush()
        release_freed_memory()  # (what held the results as they came: the rest of the run reuses none of it)
        found: dict[str, Checked] = {}
        missed: list[SourceFile] = []
        for start in range(0, len(sources), LOOKUP_CHUNK):
            chunk = sources[start : start + LOOKUP_CHUNK]
            keys = [self.key(source) for source in chunk]
            self.prefetch(keys)
            for source, key in zip(chunk, keys, strict=True):
                path = source.display_path
                entry = self.stored(key, path)
                if entry is not None and entry[2] == digests[path] and entry[3].path == path:
                    found[path] = entry[3]
                else:
                    missed.append(source)
        self.prefetch([])
        if missed:  # (rare: a disk full, a database locked for too long, another run on the same files)
            found.update(super().read_back(missed, digests, check))
        return found

    def _prefix(self) -> bytes:
        return self.settings.encode() + b"\0"

    def remembered(self, source: SourceFile) -> Checked | None:
        entry = self.stored(self.key(source))
        if entry is None:
            return None
        size, mtime, digest, checked = entry
        if checked.path != source.display_path or clock.outdated(checked.diagnostics):
            return None  # (a finding of another day: see seedlint/clock.py)
        try:
            info = os.stat(source.location)
        except OSError:
            return None
        if (info.st_size, info.st_mtime_ns) == (size, mtime):
            return checked
        try:  # as the document reader reads: regular files only, never blocking, never more than a document
            data = read_bounded(source.path)
        except Exception:
            return None
        if hashlib.sha256(data).hexdigest() == digest:
            if trusted_mtime(info.st_mtime_ns) != -1:
                checked.stat = (info.st_size, info.st_mtime_ns)
                self.remember(source, checked)
            return checked
        return None

    def remembered_as(self, source: SourceFile, digest: str) -> Checked | None:
        entry = self.stored(self.key(source))
        if entry is None or entry[2] != digest or entry[3].path != source.display_path:
            return None
        return entry[3]

    def remember(
        self, source: SourceFile, checked: Checked | None, blob: bytes | None = None, row: Row | None = None
    ) -> None:
        """`blob`, when given, is `checked` already encoded (by a worker: plain.encode_checked); `row`, when given,
        is its row (made by the worker too)."""
        if row is None and checked is not None:
            row = row_of(checked)
        if row is None or (checked is None and blob is None):  # (not kept: see `remembers`)
            return
        key = self.key(source)
        self._pending[file_id(key)] = (key, checked, blob, row)
        if len(self._pending) >= SAVE_EVERY:
            self._save(final=False)

    def flush(self) -> None:
        self._save(final=True)

    def close(self) -> None:
        """Write what was remembered and close the database (a process running seedlint several times, as the
        tests do, would otherwise keep each run's connection open while a frozen reference cycle holds it)."""
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None

    def _save(self, final: bool) -> None:
        """Write the pending results, with their links, in one transaction. A large run saves as it goes
        (`final=False`) so that results do not pile up in memory; the last save ends the run's writes."""
        db = self._connection()
        if db is None or not self._pending:
            self._pending.clear()
            if final and self._bulk and db is not None:
                self._transaction(db, lambda: self._end_bulk(db, []))
            return
        items = list(self._pending.items())
        self._pending.clear()

        def write() -> None:
            if not self._bulk and len(items) >= BULK and db.execute("SELECT count(*) FROM results").fetchone() == (0,):
                for name in INDEXES:
                    db.execute(f"DROP INDEX IF EXISTS {name}")
                db.execute(f"PRAGMA cache_size={FILLING_PAGE_CACHE}")
                self._bulk = True
            if not self._bulk:
                self._write(db, items, bulk=False)
                return
            again = [item for item in items if item[0] in self._written]
            first = [item for item in items if item[0] not in self._written]
            self._write(db, first, bulk=True)
            self._written.update(identifier for identifier, _ in first)
            if final:
                self._end_bulk(db, again)
            else:  # their old links can only be found once the indexes exist
                self._pending.update(again)

        self._transaction(db, write)

    def _end_bulk(self, db: sqlite3.Connection, again: list) -> None:
        """Index the filled database, then write the results given a second time (with their links replaced). The
        page cache stays small for the rest of the run: the indexes are built by sorting (at 100,000 documents, in
        1.99 s and 14 MiB with 8 MB of page cache, 2.45 s and 97 MiB with 64 MB), and what this run writes next
        (its report, the few results given again) is small beside what filled it."""
        self._create_indexes(db)
        self._bulk = False
        self._write(db, again, bulk=False)
        self._written.clear()

    def _transaction(self, db: sqlite3.Connection, write: Callable[[], None]) -> bool:
        try:
            db.execute("BEGIN IMMEDIATE")
            write()
            db.execute("COMMIT")
            return True
        except DATABASE_ERRORS:  # locked by a concurrent run for too long, or disk full: skip
            self._bulk = False  # (indexes dropped by an earlier save are built again when the cache is next opened)
            self._written.clear()
            with contextlib.suppress(sqlite3.DatabaseError):
                db.execute("ROLLBACK")
            return False

    @staticmethod
    def _create_indexes(db: sqlite3.Connection) -> None:
        for name, columns in INDEXES.items():
            db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}")

    def _write(self, db: sqlite3.Connection, items: list[tuple[int, tuple]], bulk: bool) -> None:
        for start in range(0, len(items), 5_000):  # bounded lists of rows
            self._write_rows(db, items[start : start + 5_000], bulk)

    def _write_rows(self, db: sqlite3.Connection, items: list[tuple[int, tuple]], bulk: bool) -> None:
        if not bulk:  # the file's links from its earlier content
            ids = [(identifier,) for identifier, _ in items]
            db.executemany("DELETE FROM links WHERE file = ?", ids)
            db.executemany("DELETE FROM aliases WHERE file = ?", ids)
        rows: list[tuple[int, bytes, int, int, str, bytes]] = []
        prefix = self._prefix()
        links: list[tuple[int, int]] = []
        aliases: list[tuple[str, str, int]] = []
        now = time.time_ns()
        for identifier, (key, checked, blob, row) in items:
            size, mtime = row.stat
            if blob is None:
                assert checked is not None  # (see `remember`)
                blob = plain.encode_checked(checked)
            rows.append((identifier, _stored_text(key), size, trusted_mtime(mtime, now), row.digest, prefix + blob))
            links.extend((value, identifier) for value in row.links)
            aliases.extend((host, alias, identifier) for host, alias in row.aliases)
        db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO links VALUES (?, ?)", links)
        db.executemany("INSERT INTO aliases VALUES (?, ?, ?)", aliases)

    # Lookups for the corpus rules of an incremental run (see incremental.StoredIndex): (file id, key)
    # of the files that match, which the caller keeps only when they belong to the run.

    def linked(self, values: Iterable[int]) -> list[tuple[int, str]]:
        sql = "SELECT DISTINCT r.id, r.key FROM links l JOIN results r ON r.id = l.file WHERE l.value IN ({})"
        return [(identifier, _text(key)) for identifier, key in self._query_in(sql, list(values))]

    def _query_in(self, sql: str, values: list) -> list[tuple]:
        """`sql` with `IN ({})` for `values`, asked 500 at a time (SQLite bounds the parameters of a statement)."""
        rows = []
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            rows += self._query(sql.format(",".join("?" * len(chunk))), tuple(chunk))
        return rows

    def named(self, alias: str) -> list[tuple[int, str]]:
        return self._keyed(
            "SELECT r.id, r.key FROM aliases a JOIN results r ON r.id = a.file WHERE a.alias = ?", (alias,)
        )

    def on_host(self, host: str) -> list[tuple[str, int, str]]:
        rows = self._query(
            "SELECT a.alias, r.id, r.key FROM aliases a JOIN results r ON r.id = a.file WHERE a.host = ?", (host,)
        )
        return [(alias, identifier, _text(key)) for alias, identifier, key in rows]

    def _keyed(self, sql: str, parameters: tuple) -> list[tuple[int, str]]:
        return [(identifier, _text(key)) for identifier, key in self._query(sql, parameters)]

    def result_by_id(self, identifier: int) -> Checked | None:
        pending = self._pending.get(identifier)
        if pending is not None:
            return self._pending_result(pending)
        rows = self._query("SELECT digest, checked FROM results WHERE id = ?", (identifier,))
        checked = self._decoded(rows[0][1]) if rows else None
        return checked if checked is not None and checked.digest == rows[0][0] else None

    # Runs: the last report of a run, keyed by what the run checks (see engine.run), in parts (plain.ReportPart).

    def last_report(self, run_id: str) -> Report | None:
        """The run's last report, or None: a report that is missing, incomplete or malformed is a miss."""
        report_id = self._report_id(run_id)
        db = self._connection()
        if db is None:
            return None
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == report_id and ahead[1] == _data_version(db):
            return ahead[2]
        kept = self._kept.pop(report_id, None)
        if kept is not None and kept[0] == _data_version(db):  # (no other process wrote since)
            _, read, partial, topics, changed, token = kept
            with cycle_collection_paused():  # (as below: 100,000 files' states made into objects)
                report = _report_with(
                    read,
                    partial,
                    topics,
                    {index: plain.decode_report_part(blob) for index, blob in changed.items()},
                    token,
                )
            self._read[report_id] = weakref.ref(report)
            return report
        try:
            db.execute("BEGIN")  # the head and its parts as one write left them
            try:
                heads = db.execute("SELECT head FROM reports WHERE id = ?", (report_id,)).fetchall()
                rows = db.execute(
                    "SELECT low, part FROM report_parts WHERE report = ? ORDER BY low", (report_id,)
                ).fetchall()
            finally:
                db.execute("COMMIT")
        except DATABASE_ERRORS:
            return None
        try:
            with cycle_collection_paused():
                found = self._report_from(heads, rows)
        except plain.Malformed:
            return None
        if found is not None:
            self._layouts[report_id] = found[1]
            self._read[report_id] = weakref.ref(found[0])
            return found[0]
        return None

    def report_ahead(self, run_id: str) -> StoredReport | None:
        report = self.last_report(run_id)
        db = self._connection()
        if not isinstance(report, StoredReport) or db is None:
            return None
        self._ahead = (self._report_id(run_id), _data_version(db), report)
        return report

    def has_report(self, run_id: str) -> bool:
        report_id = self._report_id(run_id)
        if report_id in self._kept:
            return True
        heads = self._query("SELECT head FROM reports WHERE id = ?", (report_id,))
        return bool(heads) and type(heads[0][0]) is bytes and heads[0][0].startswith(self._prefix())

    def _report_from(self, heads: list[tuple], rows: list[tuple]) -> tuple[StoredReport, Layout] | None:
        if not heads or not all(type(blob) is bytes and blob.startswith(self._prefix()) for _, blob in rows):
            return None
        partial, count, topics, token = plain.decode_report_head(self._unprefixed(heads[0][0]))
        if not all(type(low) is bytes for low, _ in rows):
            return None
        lows = [_text(low) for low, _ in rows]
        if count != len(rows) or not lows or lows[0] != "" or lows != sorted(set(lows)):
            return None
        parts = [plain.decode_report_part(self._unprefixed(blob)) for _, blob in rows]
        for part, low, high in zip(parts, lows, [*lows[1:], None], strict=True):
            ends = [part.stored.paths[0], part.stored.paths[-1]] if part.stored.paths else []
            ends += [part.displays[0], part.displays[-1]] if part.displays else []
            if ends and (min(ends) < low or (high is not None and max(ends) >= high)):
                return None  # filed under another part
        report = StoredReport(_report_items(partial, parts, Counter(topics)), lows, parts, token)
        return report, Layout(lows, [(part.displays, part.absolutes) for part in parts])

    def _unprefixed(self, blob: object) -> memoryview:
        """A stored blob without the settings key it is bound to (not copied: a report is tens of megabytes)."""
        if type(blob) is not bytes or not blob.startswith(self._prefix()):
            raise plain.Malformed("not this cache's")
        return memoryview(blob)[len(self._prefix()) :]

    def keep_report(self, run_id: str, report: Report, touched: Collection[str] | None = None) -> bytes | None:
        """Store the run's report; the token of this write (None: not written). `touched`: the keys of the files
        added, removed, or whose state, errors, unresolved entries or diagnostics may differ from the report
        `last_report` read for this run: only their parts are written again; None writes every part. (A change
        left out of `touched` is not lost: the next run finds the stored report unlike the files, and checks
        again.)"""
        db = self._connection()
        if db is None:
            return None
        self._ahead = None
        report_id = self._report_id(run_id)
        known = self._layouts.pop(report_id, None)  # (known again once the parts are written)
        self._kept.pop(report_id, None)
        read = self._read.pop(report_id, lambda: None)()
        try:
            layout = None if known is None or touched is None else Layout(known.lows, list(known.parts))
            changed = None if layout is None else _changed_parts(report, layout, touched or ())
            whole = layout is None or changed is None
            if layout is None or changed is None:
                layout, changed = _all_parts(report)
        except (TypeError, ValueError, OverflowError):  # a bug (a value MessagePack cannot hold): no report kept
            return None
        prefix = self._prefix()
        token = os.urandom(plain.REPORT_TOKEN_BYTES)
        head = prefix + plain.encode_report_head(report["partial"], len(layout.lows), dict(report["topics"]), token)

        def write() -> None:
            if whole:
                db.execute("DELETE FROM report_parts WHERE report = ?", (report_id,))
            # (each row made as it is written: at 100,000 documents the parts are 20 MB)
            rows = ((report_id, _stored_text(layout.lows[index]), prefix + blob) for index, blob in changed.items())
            db.executemany("INSERT OR REPLACE INTO report_parts VALUES (?, ?, ?)", rows)
            db.execute("INSERT OR REPLACE INTO reports VALUES (?, ?)", (report_id, head))

        if not self._transaction(db, write):
            return None
        self._layouts[report_id] = layout
        if not whole and read is not None:  # (a whole report is not kept: decoding it is what reading costs)
            topics: Counter[str] = Counter(report["topics"])
            self._kept[report_id] = (_data_version(db), read, report["partial"], topics, changed, token)
        return token

    # The findings of the corpus at a git revision (`--diff-base`: seedlint/compare.py), by a digest of what the
    # corpus held there (every document's path and git blob): a commit's documents never change, so a hook run
    # again on the same commit takes them from here instead of checking that state again.

    def revision_findings(self, state: str) -> list[Diagnostic] | None:
        rows = self._query("SELECT findings FROM revisions WHERE id = ?", (self._report_id(state),))
        if not rows:
            return None
        try:
            return plain.decode_diagnostics(plain.loads(self._unprefixed(rows[0][0])))
        except plain.Malformed:
            return None

    def keep_revision_findings(self, state: str, diagnostics: list[Diagnostic]) -> None:
        self._keep_newest("revisions", self._report_id(state), REVISIONS_KEPT, plain.encode_findings, diagnostics)

    def _keep_newest(
        self, table: str, key: bytes, kept: int, encode: Callable[[*Values], bytes], *values: *Values
    ) -> None:
        """`encode(*values)` stored under `key` in `table` (id, blob), of which the `kept` newest rows are kept."""
        db = self._connection()
        if db is None:
            return
        try:
            blob = self._prefix() + encode(*values)
        except (TypeError, ValueError, OverflowError):  # a bug (a value MessagePack cannot hold): not kept
            return

        def write() -> None:
            db.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", (key, blob))
            newest = f"SELECT rowid FROM {table} ORDER BY rowid DESC LIMIT ?"
            db.execute(f"DELETE FROM {table} WHERE rowid NOT IN ({newest})", (kept,))

        self._transaction(db, write)

    # The same findings as they differ from the report stored after the run compared with them: the next run on the
    # same state starts from that report, and takes the findings of every other document from it (the same objects
    # as the run's own: compared at once) instead of decoding 30,000 findings at 100,000 documents.

    def revision_delta(self, state: str) -> RevisionDelta | None:
        rows = self._query("SELECT findings FROM revisions WHERE id = ?", (self._report_id("delta\0" + state),))
        if not rows:
            return None
        try:
            token, paths, diagnostics = plain.decode_revision_delta(self._unprefixed(rows[0][0]))
        except plain.Malformed:
            return None
        return RevisionDelta(token, frozenset(paths), diagnostics)

    def keep_revision_delta(self, state: str, delta: RevisionDelta) -> None:
        key = self._report_id("delta\0" + state)
        paths = sorted(delta.paths)
        self._keep_newest(
            "revisions", key, REVISIONS_KEPT, plain.encode_revision_delta, delta.token, paths, delta.diagnostics
        )

    # The listing of a revision's corpus folders (revisions.tree_blobs: 100,000 entries parsed in a fifth of a second
    # on the hook's critical path), by what names it (revisions.listing_key: git's ids of the folders' trees).

    def listing_reader(self) -> Callable[[str], KeptListing | None] | None:
        """A way to read a kept listing from another thread (the hook's git listing is made in one while the corpus
        is walked here): each call opens a connection of its own there. It reads the listing kept under the key
        given, else the newest one kept (which git's differences make into the one asked for: see
        revisions.listing_since), each with its key. None when there is no database."""
        if self._connection() is None:  # (opened here first: the checks of `_open` passed)
            return None
        file, unprefixed = self.file, self._unprefixed

        def query(sql: str, parameters: tuple) -> list[tuple]:
            db = sqlite3.connect(file, timeout=1)
            try:
                return db.execute(sql, parameters).fetchall()
            finally:
                db.close()

        def read(key: str) -> KeptListing | None:
            try:  # (that one first, else the newest: a few rows at most; its key alone, then the listing)
                rows = query(
                    "SELECT id FROM revision_listings ORDER BY id = ? DESC, rowid DESC LIMIT 1", (_stored_text(key),)
                )
                if not rows or type(rows[0][0]) is not bytes:
                    return None
                kept = rows[0][0]
                found = _text(kept)
            except DATABASE_ERRORS:
                return None

            def decoded() -> tuple[dict[str, str], dict[str, str]] | None:
                try:
                    listing = query("SELECT listing FROM revision_listings WHERE id = ?", (kept,))
                    return plain.decode_revision_listing(unprefixed(listing[0][0])) if listing else None
                except (*DATABASE_ERRORS, plain.Malformed):
                    return None

            return found, decoded

        return read

    def keep_revision_listing(self, key: str, regular: dict[str, str], links: dict[str, str]) -> None:
        key_text = _stored_text(key)
        self._keep_newest(
            "revision_listings", key_text, REVISION_LISTINGS_KEPT, plain.encode_revision_listing, regular, links
        )

    # The addresses of a document at a revision (`--diff-base`'s lost addresses), by its git blob: a blob's
    # content never changes.

    def blob_aliases(self, blobs: set[str]) -> dict[str, tuple[str, ...]]:
        found: dict[str, tuple[str, ...]] = {}
        for blob, stored in self._query_in("SELECT blob, aliases FROM blob_aliases WHERE blob IN ({})", sorted(blobs)):
            try:
                aliases = plain.loads(self._unprefixed(stored))
            except plain.Malformed:
                continue
            if type(aliases) is list and all(type(alias) is str for alias in aliases):
                found[blob] = tuple(aliases)
        return found

    def keep_blob_aliases(self, aliases: dict[str, tuple[str, ...]]) -> None:
        db = self._connection()
        if db is None or not aliases:
            return
        prefix = self._prefix()
        rows = [(blob, prefix + plain.dumps(list(found))) for blob, found in aliases.items()]

        def write() -> None:
            db.executemany("INSERT OR REPLACE INTO blob_aliases VALUES (?, ?)", rows)
            # (the oldest beyond the limit forgotten: each row written takes the next rowid)
            newest = "SELECT max(rowid) FROM blob_aliases"
            db.execute(f"DELETE FROM blob_aliases WHERE rowid <= ({newest}) - ?", (BLOB_ALIASES_KEPT,))

        self._transaction(db, write)

    # Listings of the checked folders (seedlint/discovery.py), keyed by what the walk depends on.

    def own_folder(self) -> str | None:
        return str(self.directory)

    def stored_listing(self, key: str) -> Listing | None:
        rows = self._query("SELECT listing FROM listings WHERE id = ?", (_listing_id(key),))
        try:
            return plain.decode_listing(self._unprefixed(rows[0][0])) if rows else None
        except plain.Malformed:
            return None

    def keep_listing(self, key: str, listing: Listing) -> None:
        """Kept only when every folder walked had mtime and ctime at least FOLDER_RACY_NS older than the walk's
        start, and none in the future: a folder changed within the clock's resolution of the walk (the kernel's
        clock ticks; a file system with 1 or 2 s timestamps) may change again and keep its times; one whose times
        are ahead of the clock cannot be compared with it. Otherwise the stored listing (stale) is removed, and
        the next run walks again."""
        db = self._connection()
        if db is None:
            return
        trusted = listing.trusted and all(
            0 <= mtime <= listing.began - FOLDER_RACY_NS and 0 <= ctime <= listing.began - FOLDER_RACY_NS
            for _, _, (_, _, mtime, ctime), _ in listing.folders
        )
        try:
            if trusted:
                blob = self._prefix() + plain.encode_listing(listing)
                db.execute("INSERT OR REPLACE INTO listings VALUES (?, ?)", (_listing_id(key), blob))
            else:
                db.execute("DELETE FROM listings WHERE id = ?", (_listing_id(key),))
        except (sqlite3.DatabaseError, TypeError, ValueError, OverflowError):  # locked, or a bug: only costs time
            pass

    def _report_id(self, run_id: str) -> bytes:
        """A report holds the selected diagnostics at their configured severities: one per selection."""
        return _stored_text(self.selection + "\0" + run_id)


@dataclass(frozen=True)
class RevisionDelta:
    """The findings at a revision, as the documents `paths` differ there from the report with `token`: their
    findings there are `diagnostics`, every other document's are the report's."""

    token: bytes
    paths: frozenset[str]
    diagnostics: list[Diagnostic]

    def applied(self, report: StoredReport) -> Findings:
        """The findings at the revision, from `report` (the one with this token): its parts, the documents
        `paths` with their findings there."""
        assert report.token == self.token
        replaced: dict[str, list[Diagnostic]] = {path: [] for path in self.paths}
        for d in self.diagnostics:
            replaced[d.path].append(d)
        return report.findings().replacing(replaced)


class StoredReport(dict):
    """A report as read back. Its files' states stay in columns, sorted by display path (`displays`,
    `absolutes`, `stats`: (size, mtime) each): a run where nothing changed compares them as they are
    (incremental.changed_files); report["files"] is a FileStates, which reads a part's states when asked."""

    def __init__(self, items: dict[str, Any], lows: list[str], parts: list[plain.ReportPart], token: bytes):
        super().__init__(items)
        self.token = token  # of the write that stored it (see plain.encode_report_head)
        chain = itertools.chain.from_iterable
        self.displays = list(chain(part.displays for part in parts))
        self.absolutes = list(chain(part.absolutes for part in parts))
        self.stats = list(zip(chain(part.sizes for part in parts), chain(part.mtimes for part in parts), strict=True))
        self.lows, self.parts = lows, parts
        self._listed: list[Diagnostic] | None = None  # report["diagnostics"], once made from the parts
        # incremental.changed_files's last answer: (the files asked about, the stats taken ahead, changed, gone)
        self.changes_seen: tuple[tuple[Any, ...], object, tuple[Any, ...], tuple[str, ...]] | None = None

    def __missing__(self, key: str) -> Any:
        if key == "diagnostics":  # (made into objects when first asked for: see `findings`)
            found = self["diagnostics"] = self._listed = self.findings().listed()
            return found
        if key != "files":
            raise KeyError(key)
        files = self["files"] = FileStates(self.lows, self.parts)
        return files

    def findings(self) -> Findings:
        """The report's findings, as its parts hold them (see results.Findings)."""
        return Findings(self.lows, self.parts)

    def holds_its_parts_findings(self) -> bool:
        """Whether report["diagnostics"] is still the parts' findings (not asked for yet, or as made from them)."""
        return "diagnostics" not in self or dict.__getitem__(self, "diagnostics") is self._listed

    def __eq__(self, other: object) -> bool:
        """Equal to a report that holds the same (the keys made when asked for made first)."""
        for report in (self, other):
            if isinstance(report, StoredReport):
                report["files"], report["diagnostics"]
        return dict.__eq__(self, other)

    def stat_of(self) -> dict[str, tuple[int, int]]:
        """Each file's (size, mtime) by key, as stored."""
        return dict(zip(map(FILE_KEY, self.absolutes, self.displays), self.stats, strict=True))


class FileStates(MutableMapping[str, tuple[int, int, str]]):
    """The files' states of a stored report (key → (size, mtime, hash)), a part's read when one of its files is
    looked up, changes kept aside: an incremental rerun reads and changes a few files' states, not 100,000."""

    def __init__(self, lows: list[str], parts: list[plain.ReportPart]):
        self._lows, self._parts = lows, parts
        self._read: dict[int, dict[str, tuple[int, int, str]]] = {}
        self._changed: dict[str, tuple[int, int, str] | None] = {}  # None: removed

    def _stored(self, key: str) -> dict[str, tuple[int, int, str]]:
        """The states of the part `key` belongs to."""
        return self._part(bisect.bisect_right(self._lows, display_of(key)) - 1)

    def _part(self, index: int) -> dict[str, tuple[int, int, str]]:
        found = self._read.get(index)
        if found is None:
            part = self._parts[index]
            states = zip(part.sizes, part.mtimes, part.digests, strict=True)
            found = self._read[index] = dict(zip(map(FILE_KEY, part.absolutes, part.displays), states, strict=True))
        return found

    def __getitem__(self, key: str) -> tuple[int, int, str]:
        state = self._changed[key] if key in self._changed else self._stored(key)[key]
        if state is None:
            raise KeyError(key)
        return state

    def __setitem__(self, key: str, state: tuple[int, int, str]) -> None:
        self._changed[key] = state

    def __delitem__(self, key: str) -> None:
        self[key]  # (KeyError when it is not there)
        self._changed[key] = None

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def _whole(self) -> dict[str, tuple[int, int, str]]:
        whole: dict[str, tuple[int, int, str]] = {}
        for index in range(len(self._parts)):
            whole.update(self._part(index))
        for key, state in self._changed.items():
            if state is None:
                whole.pop(key, None)
            else:
                whole[key] = state
        return whole


def _report_items(partial: bool, parts: list[plain.ReportPart], topics: Counter[str]) -> dict[str, Any]:
    chain = itertools.chain.from_iterable
    return {
        "partial": partial,
        "topics": topics,
        "errors": set(chain(part.errors for part in parts)),
        "unresolved": list(chain(part.unresolved for part in parts)),
    }


def _data_version(db: sqlite3.Connection) -> int:
    """SQLite's count of the commits other connections made (`PRAGMA data_version`)."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])


def _report_with(
    read: StoredReport, partial: bool, topics: Counter[str], changed: dict[int, plain.ReportPart], token: bytes
) -> StoredReport:
    """The report `read` with the parts at `changed`'s indexes replaced: what reading the report written from it
    (with `token`) back gives, without decoding the parts it did not change."""
    parts = [changed.get(index, part) for index, part in enumerate(read.parts)]
    return StoredReport(_report_items(partial, parts, topics), list(read.lows), parts, token)


@dataclass
class Layout:
    """How a stored report is divided: each part's lowest display path ("" for the first), and its files'
    display and absolute paths."""

    lows: list[str]
    parts: list[tuple[tuple[str, ...], tuple[str, ...]]]

    def keys(self, index: int) -> list[str]:
        displays, absolutes = self.parts[index]
        return list(map(FILE_KEY, absolutes, displays))


PART_FILES = 500  # files in one part of a stored report (at most twice as many after incremental reruns)


def _listing_id(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


def display_of(key: str) -> str:
    """The display path of a file's key (`Cache.key`: absolute path NUL display path)."""
    return key.partition("\0")[2]


def _all_parts(report: Report) -> tuple[Layout, dict[int, bytes]]:
    """The report divided into parts of PART_FILES files, in display path order, every part encoded."""
    order = sorted(report["files"], key=display_of)
    displays = list(map(display_of, order))
    lows = [""]
    for index in range(PART_FILES, len(order), PART_FILES):
        if displays[index] > lows[-1]:
            lows.append(displays[index])
    starts = [bisect.bisect_left(displays, low) for low in lows] + [len(order)]
    layout = Layout(lows, [_columns(order[start:end]) for start, end in itertools.pairwise(starts)])
    return layout, _encoded_parts(report, layout, range(len(lows)))


def _columns(keys: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    split = [key.partition("\0") for key in keys]
    return tuple(display for _, _, display in split), tuple(absolute for absolute, _, _ in split)


def _changed_parts(report: Report, layout: Layout, touched: Iterable[str]) -> dict[int, bytes] | None:
    """The parts holding a touched file, encoded again (their files as the report has them now); None when one
    of them grew too large (then every part is)."""
    files = report["files"]
    lows = layout.lows
    by_part: dict[int, list[str]] = {}
    for key in touched:
        by_part.setdefault(bisect.bisect_right(lows, display_of(key)) - 1, []).append(key)
    for index, changed in by_part.items():
        keys = layout.keys(index)
        keys += set(changed) - set(keys)
        keys = [key for key in keys if key in files]
        if len(keys) > 2 * PART_FILES:
            return None
        layout.parts[index] = _columns(sorted(keys, key=display_of))
    return _encoded_parts(report, layout, sorted(by_part))


def _encoded_parts(report: Report, layout: Layout, indexes: Iterable[int]) -> dict[int, bytes]:
    files, lows = report["files"], layout.lows
    diagnostics_of = _diagnostics_by_part(report, lows)
    errors: dict[int, list[str]] = {}
    for path in report["errors"]:
        errors.setdefault(bisect.bisect_right(lows, path) - 1, []).append(path)
    unresolved: dict[int, list[tuple[str, str, int | None]]] = {}
    for entry in report["unresolved"]:
        unresolved.setdefault(bisect.bisect_right(lows, entry[0]) - 1, []).append(entry)
    encoded = {}
    for index in indexes:
        keys = layout.keys(index)
        encoded[index] = plain.encode_report_part(
            keys,
            [files[key] for key in keys],
            errors.get(index, ()),
            unresolved.get(index, ()),
            diagnostics_of(index),
        )
    return encoded


def _diagnostics_by_part(report: Report, lows: list[str]) -> Callable[[int], list[Diagnostic]]:
    """The diagnostics of each part of `lows`: a stored report's own part's, when the report's findings are
    still its parts as read (a run where files were only touched: the others' are never made into objects)."""
    if isinstance(report, StoredReport) and report.holds_its_parts_findings() and report.lows == lows:
        return lambda index: report.parts[index].diagnostics
    found = report["diagnostics"]
    if isinstance(found, Findings) and found.lows == lows:  # (a rerun's: the stored parts, a few documents replaced)
        return found.of_part
    diagnostics = sorted(listed(found), key=_PATH)  # (sorted already: by path, line, column, ...)

    def of(index: int) -> list[Diagnostic]:
        start = bisect.bisect_left(diagnostics, lows[index], key=_PATH)
        end = bisect.bisect_left(diagnostics, lows[index + 1], key=_PATH) if index + 1 < len(lows) else None
        return diagnostics[start:end]

    return of


_PATH: Callable[[Diagnostic], str] = operator.attrgetter("path")


def _stored_text(text: str) -> bytes:
    """Paths as bytes: a file name that is not UTF-8 holds surrogates, which SQLite text cannot."""
    return text.encode("utf-8", "surrogatepass")


def _text(stored: bytes) -> str:
    return stored.decode("utf-8", "surrogatepass")
