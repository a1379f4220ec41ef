"""A cache of per-file results, like ruff's, and of the last report of each run: a run where nothing
changed costs little more than listing the files, and a run where a few files changed rechecks only
what those changes can affect.

One SQLite database per settings key under the cache directory. The settings key covers seedlint's
version, the configuration, the schema's text, the topic vocabulary's content and the rule registry, so
changing any of them starts a fresh database. It holds:

  results  each file's size, mtime, content hash and result (diagnostics, index record, positioned
           corpus diagnostics); used when size and mtime match (no read at all) or the content hash does;
  links    which files carry a given address, related target, title, or duplicate key, so the corpus
           rules can find the documents a change affects without loading the whole corpus;
  runs     per run (its paths), the last report with every file's size, mtime and hash (see engine.py).

SQLite gives random access without loading the corpus, atomic transactions and locking between
concurrent runs (pre-commit batches). A corrupt or unreadable database is deleted and rebuilt; a locked
one is skipped: a cache that cannot be used only costs time, never a wrong answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import pickle
import sqlite3
import time
from collections.abc import Callable, Container, Iterable
from pathlib import Path
from typing import Any, TypeAlias

from seedlint import __version__, schema
from seedlint.config import Config
from seedlint.corpus import Corpus, IndexRecord, host_key, identity_key
from seedlint.diagnostic import Diagnostic
from seedlint.discovery import SourceFile
from seedlint.results import Checked
from seedlint.rules import all_rules

FORMAT = 9  # 9: fingerprints of dates by instant, fixes marked with the copied value they edit
RACY_NS = 2_000_000_000  # a file modified this recently is recognised by content, not by mtime (as git does)


def trusted_mtime(mtime: int, now: int | None = None) -> int:
    """The mtime to remember, or -1 when it is "racy": the file may change again within the clock's
    resolution, so only its hash may be trusted."""
    return mtime if (now or time.time_ns()) - mtime >= RACY_NS else -1


TABLES = """
CREATE TABLE IF NOT EXISTS results
    (id INTEGER PRIMARY KEY, key BLOB, size INTEGER, mtime INTEGER, digest TEXT, checked BLOB);
CREATE TABLE IF NOT EXISTS links (value INTEGER, file INTEGER);
CREATE TABLE IF NOT EXISTS aliases (host TEXT, alias TEXT, file INTEGER);
CREATE TABLE IF NOT EXISTS runs (id BLOB PRIMARY KEY, report BLOB);
"""
INDEXES = {
    "links_by_value": "links (value)",
    "links_by_file": "links (file)",
    "aliases_by_alias": "aliases (alias)",
    "aliases_by_host": "aliases (host)",
    "aliases_by_file": "aliases (file)",
}
# SQLite's page cache: 64 MB when the links' indexes are written in random order; 8 MB while a fresh
# cache is filled (no indexes yet), when the main process also holds every result of a large run.
PAGE_CACHE, FILLING_PAGE_CACHE = -65_536, -8_192
BULK = 5_000  # results written into an empty cache at once: indexed after they are in (4x faster at 100,000)


def settings_key(config: Config) -> str:
    settings = config.to_dict()
    settings.pop("cache-dir", None)
    material = json.dumps(
        {
            "format": FORMAT,
            "version": __version__,
            "config": settings,
            "schema": schema.schema_text(config.schema_path),
            "topics": _vocabulary_digest(config),
            "rules": [(r.code, r.severity.value) for r in all_rules()],
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:20]


def _vocabulary_digest(config: Config) -> str | None:
    """The topic vocabulary's content: editing it changes what SL603 reports, so it starts a fresh cache."""
    if not config.topics:
        return None
    path = config.resolve(config.topics)
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for file in files:
        try:
            digest.update(str(file).encode("utf-8", "surrogateescape") + b"\0" + file.read_bytes())
        except OSError:
            digest.update(str(file).encode("utf-8", "surrogateescape") + b"\0unreadable")
    return digest.hexdigest()


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
    if record.url_key is not None:
        found.add(link("url", record.url_key))
    identity = identity_key(record)
    if identity is not None:
        found.add(link("identity", identity))
    if record.title_key is not None:
        found.add(link("title", record.title_key))
    return found


# What a run's checker returns for the files it was given: each file's result and, when a worker made it,
# the result already serialised as the cache stores it (so the main process does not serialise it again).
Checker: TypeAlias = Callable[[list[SourceFile]], Iterable[tuple[SourceFile, Checked, bytes | None]]]
Report: TypeAlias = dict[str, Any]  # a run's last report (see engine.run and incremental.rerun)
SAVE_EVERY = 5_000  # results: a large run writes the cache as it goes, instead of holding every result twice
PROGRESS_STEP = 64  # results between two progress updates


class Cache:
    """The cache as one layer: the engine asks it for every file's result and gets it, remembered or
    checked, without knowing which. This class is the layer doing nothing (`--no-cache`): every file is
    checked, nothing is kept. `DiskCache` remembers."""

    keeps_reports = False  # whether `last_report`/`keep_report` do anything (a report costs time to build)

    def results(
        self,
        sources: list[SourceFile],
        check: Checker,
        fresh: Container[str] = frozenset(),
        progress: Callable[[int], None] | None = None,
    ) -> list[Checked]:
        """The result of every source, in order: remembered when its content is known, else from `check`
        (which may use worker processes) and then remembered. `fresh`: display paths whose content is in
        memory (the fixer's), always checked, never remembered."""
        found: dict[str, Checked] = {}
        todo = []
        done = 0
        for source in sources:
            hit = self.remembered(source) if source.display_path not in fresh else None
            if hit is None:
                todo.append(source)
                continue
            found[source.display_path] = hit
            done += 1
            if progress is not None and done % PROGRESS_STEP == 0:
                progress(PROGRESS_STEP)
        for source, checked, blob in check(todo) if todo else ():
            found[source.display_path] = checked
            if source.display_path not in fresh:
                self.remember(source, checked, blob)
            done += 1
            if progress is not None and done % PROGRESS_STEP == 0:
                progress(PROGRESS_STEP)
        if progress is not None and done % PROGRESS_STEP:
            progress(done % PROGRESS_STEP)
        return [found[source.display_path] for source in sources]

    def result(self, source: SourceFile, check: Callable[[SourceFile], Checked]) -> Checked:
        """One file's result, remembered or checked (and then remembered)."""
        return self.results([source], lambda todo: [(source, check(source), None)])[0]

    def remembered(self, source: SourceFile) -> Checked | None:
        """The result of the file's current content, when it is known."""
        return None

    def remember(self, source: SourceFile, checked: Checked, blob: bytes | None = None) -> None:
        """Keep a file's result (written by the next `flush`)."""

    def remember_positioned(
        self, corpus: Corpus, results: list[Checked], sources: list[SourceFile], fresh: Container[str]
    ) -> None:
        """Keep the corpus diagnostics positioned in this run with their files' results (see Corpus.report),
        only those this run asked for: a memo never outgrows what the corpus currently reports."""
        by_path = {source.display_path: source for source in sources}
        for result in results:
            memo = result.positioned
            used = corpus.used.get(result.path, set())
            stale = [key for key in memo if key not in used] if result.path in corpus.reported else []
            for key in stale:
                del memo[key]
            if (stale or result.path in corpus.added) and result.path in by_path and result.path not in fresh:
                self.remember(by_path[result.path], result)

    def flush(self) -> None:
        """Write what was remembered."""

    def last_report(self, run_id: str) -> Report | None:
        return None

    def keep_report(self, run_id: str, report: Report) -> None:
        pass

    @staticmethod
    def key(source: SourceFile) -> str:
        return f"{source.absolute}\0{source.display_path}"


NO_CACHE = Cache()


def open_cache(config: Config, no_cache: bool, directory: Path | None) -> Cache:
    """The run's cache: `directory`, else the configured `cache-dir`; none with `no_cache`."""
    if no_cache:
        return NO_CACHE
    return DiskCache(directory if directory is not None else config.resolve(config.cache_dir), config)


def file_state(checked: Checked) -> tuple[int, int, str]:
    """What a report remembers of a file: size, mtime (-1 when too recent to be trusted) and hash."""
    assert checked.stat is not None
    size, mtime = checked.stat
    return size, trusted_mtime(mtime), checked.digest


class DiskCache(Cache):
    keeps_reports = True

    def __init__(self, directory: Path, config: Config):
        self.directory = directory
        self.settings = settings_key(config)
        self.file = directory / f"cache-{self.settings}.sqlite3"
        self._db: sqlite3.Connection | None = None
        self._unusable = False
        self._pending: dict[int, tuple[str, Checked, bytes | None]] = {}  # written by save()
        self._bulk = False  # filling a fresh database: its indexes are built once every result is in
        self._written: set[int] = set()  # results written while filling (a second write replaces their links)

    # The database, opened on first use: a run answered whole reads one row.

    def _connection(self) -> sqlite3.Connection | None:
        if self._db is None and not self._unusable:
            for attempt in range(2):
                try:
                    self._db = self._open()
                    break
                except sqlite3.DatabaseError as error:
                    if attempt or (isinstance(error, sqlite3.OperationalError) and "locked" in str(error)):
                        self._unusable = True
                        break
                    self.file.unlink(missing_ok=True)  # corrupt: start afresh
                except OSError:
                    self._unusable = True
                    break
        return self._db

    def _open(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        gitignore = self.directory / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        db = sqlite3.connect(self.file, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(TABLES)
            db.execute(f"PRAGMA cache_size={PAGE_CACHE}")
            self._create_indexes(db)
            db.execute("SELECT count(*) FROM runs").fetchone()  # a file that is not a database fails here
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _query(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        db = self._connection()
        if db is None:
            return []
        try:
            return db.execute(sql, parameters).fetchall()
        except sqlite3.DatabaseError:
            self._unusable, self._db = True, None
            return []

    # Per-file results.

    def stored(self, key: str) -> tuple[int, int, str, Checked] | None:
        """The last result stored for `key`, whatever the file holds now: (size, mtime, digest, result)."""
        pending = self._pending.get(file_id(key))
        if pending is not None and pending[1].stat is not None:
            checked = pending[1]
            size, mtime = pending[1].stat
            return size, mtime, checked.digest, checked
        rows = self._query("SELECT key, size, mtime, digest, checked FROM results WHERE id = ?", (file_id(key),))
        if not rows or rows[0][0] != _stored_text(key):
            return None
        try:
            return rows[0][1], rows[0][2], rows[0][3], pickle.loads(rows[0][4])
        except Exception:  # unreadable (another Python, a bug): as if missing
            return None

    def remembered(self, source: SourceFile) -> Checked | None:
        entry = self.stored(self.key(source))
        if entry is None:
            return None
        size, mtime, digest, checked = entry
        try:
            info = os.stat(source.location)
        except OSError:
            return None
        if (info.st_size, info.st_mtime_ns) == (size, mtime):
            return checked
        try:
            with open(source.location, "rb") as stream:
                data = stream.read()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() == digest:
            if trusted_mtime(info.st_mtime_ns) != -1:
                checked.stat = (info.st_size, info.st_mtime_ns)
                self.remember(source, checked)
            return checked
        return None

    def remember(self, source: SourceFile, checked: Checked, blob: bytes | None = None) -> None:
        """`blob`, when given, is `checked` already pickled (by a worker)."""
        if checked.internal_errors or checked.stat is None or not checked.digest:
            return  # never cache a failure of seedlint itself, nor a file that could not be read
        key = self.key(source)
        self._pending[file_id(key)] = (key, checked, blob)
        if len(self._pending) >= SAVE_EVERY:
            self._save(final=False)

    def flush(self) -> None:
        self._save(final=True)

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
        """Index the filled database, then write the results given a second time (with their links replaced)."""
        db.execute(f"PRAGMA cache_size={PAGE_CACHE}")
        self._create_indexes(db)
        self._bulk = False
        self._write(db, again, bulk=False)
        self._written.clear()

    def _transaction(self, db: sqlite3.Connection, write: Callable[[], None]) -> None:
        try:
            db.execute("BEGIN IMMEDIATE")
            write()
            db.execute("COMMIT")
        except sqlite3.DatabaseError:  # locked by a concurrent run for too long, or disk full: skip
            self._bulk = False  # (indexes dropped by an earlier save are built again when the cache is next opened)
            self._written.clear()
            with contextlib.suppress(sqlite3.DatabaseError):
                db.execute("ROLLBACK")

    @staticmethod
    def _create_indexes(db: sqlite3.Connection) -> None:
        for name, columns in INDEXES.items():
            db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}")

    @staticmethod
    def _write(db: sqlite3.Connection, items: list[tuple[int, tuple]], bulk: bool) -> None:
        for start in range(0, len(items), 5_000):  # bounded lists of rows
            DiskCache._write_rows(db, items[start : start + 5_000], bulk)

    @staticmethod
    def _write_rows(db: sqlite3.Connection, items: list[tuple[int, tuple]], bulk: bool) -> None:
        if not bulk:  # the file's links from its earlier content
            ids = [(identifier,) for identifier, _ in items]
            db.executemany("DELETE FROM links WHERE file = ?", ids)
            db.executemany("DELETE FROM aliases WHERE file = ?", ids)
        rows: list[tuple[int, bytes, int, int, str, bytes]] = []
        links: list[tuple[int, int]] = []
        aliases: list[tuple[str, str, int]] = []
        now = time.time_ns()
        for identifier, (key, checked, blob) in items:
            size, mtime = checked.stat
            mtime = trusted_mtime(mtime, now)
            blob = blob or pickle.dumps(checked, protocol=pickle.HIGHEST_PROTOCOL)
            rows.append((identifier, _stored_text(key), size, mtime, checked.digest, blob))
            if checked.record is not None:
                links.extend((value, identifier) for value in links_of(checked.record))
                aliases.extend((host_key(alias), alias, identifier) for alias in checked.record.aliases)
        db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO links VALUES (?, ?)", links)
        db.executemany("INSERT INTO aliases VALUES (?, ?, ?)", aliases)

    # Lookups for the corpus rules of an incremental run (see incremental.StoredIndex): (file id, key)
    # of the files that match, which the caller keeps only when they belong to the run.

    def linked(self, values: Iterable[int]) -> list[tuple[int, str]]:
        found = []
        values = list(values)
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT DISTINCT r.id, r.key FROM links l JOIN results r ON r.id = l.file WHERE l.value IN ({marks})"
            found += self._keyed(sql, tuple(chunk))
        return found

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
            return pending[1]
        rows = self._query("SELECT checked FROM results WHERE id = ?", (identifier,))
        try:
            return pickle.loads(rows[0][0]) if rows else None
        except Exception:
            return None

    # Runs: the last report of a run, keyed by what the run checks (see engine.run).

    def last_report(self, run_id: str) -> Report | None:
        rows = self._query("SELECT report FROM runs WHERE id = ?", (_stored_text(run_id),))
        try:  # marshal: several times faster than pickle for 100,000 file states and their diagnostics
            if not rows:
                return None
            report = marshal.loads(rows[0][0])
            report["diagnostics"] = [Diagnostic.from_plain(plain) for plain in report["diagnostics"]]
        except Exception:
            return None
        return report

    def keep_report(self, run_id: str, report: Report) -> None:
        db = self._connection()
        if db is None:
            return
        try:
            blob = marshal.dumps({**report, "diagnostics": [d.to_plain() for d in report["diagnostics"]]})
            db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?)", (_stored_text(run_id), blob))
        except (ValueError, sqlite3.DatabaseError):  # ValueError: not plain data (a bug): no report kept
            pass


def _stored_text(text: str) -> bytes:
    """Paths as bytes: a file name that is not UTF-8 holds surrogates, which SQLite text cannot."""
    return text.encode("utf-8", "surrogatepass")


def _text(stored: bytes) -> str:
    return stored.decode("utf-8", "surrogatepass")
