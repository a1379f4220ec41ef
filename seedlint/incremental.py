"""An incremental run: when a few files of a corpus changed since the run's last report, only what those
changes can affect is checked again, and the rest of that report is kept.

What a change to document D can affect:
  - D's own diagnostics (D is checked again);
  - documents with a related entry naming one of D's addresses, old or new: the entry may now resolve
    or dangle, be stale, be safe to fix or not, be a self-reference or a duplicate entry;
  - documents with an unresolved entry on a host of D's or with D's title: a near miss may appear or go;
  - documents sharing D's address, or its title, provider and date: duplicate documents.
The cache's links (seedlint/cache.py) find those documents without loading the corpus; the corpus rules
then run on them only, against a StoredIndex that answers from the cache. The report is the one a full
run gives (tests/test_incremental.py compares them edit after edit).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from seedlint.cache import Cache, link, trusted_mtime
from seedlint.corpus import Index, IndexRecord, host_key, identity_key
from seedlint.diagnostic import Severity
from seedlint.discovery import SourceFile

MOST_CHANGED = 200  # files; beyond this a full run (which reads the cache in bulk) is as fast
MOST_AFFECTED = 5_000  # documents to check again; beyond this, a full run


class StoredIndex(Index):
    """The corpus index answered from the cache, for the files of this run (`members`: key → path)."""

    def __init__(self, cache: Cache, members: dict[str, str]):
        self.cache, self.members = cache, members
        self._records: dict[int, IndexRecord | None] = {}

    def record(self, handle: int) -> IndexRecord | None:
        if handle not in self._records:
            checked = self.cache.result(handle)
            self._records[handle] = checked.record if checked is not None else None
        return self._records[handle]

    def _load(self, found: list[tuple[int, str]]) -> list[IndexRecord]:
        handles = sorted({handle for handle, key in found if key in self.members})
        return [record for record in map(self.record, handles) if record is not None]

    def named(self, key: str) -> list[IndexRecord]:
        return [record for record in self._load(self.cache.named(key)) if key in record.aliases]

    def on_host(self, host: str) -> list[tuple[str, int]]:
        return [(alias, handle) for alias, handle, key in self.cache.on_host(host) if key in self.members]

    def titled(self, title_key: int) -> list[IndexRecord]:
        return [r for r in self._load(self.cache.linked([link("title", title_key)])) if r.title_key == title_key]

    def same_address(self, url_key: str) -> list[IndexRecord]:
        return [r for r in self._load(self.cache.linked([link("url", url_key)])) if r.url_key == url_key]

    def same_identity(self, identity: tuple) -> list[IndexRecord]:
        return [r for r in self._load(self.cache.linked([link("identity", identity)])) if identity_key(r) == identity]


@dataclass
class Change:
    """One file whose content differs from the last report: its result then (None: it is new) and now
    (None: it is gone)."""

    path: str
    before: object  # engine.Checked | None
    after: object  # engine.Checked | None


def changed_files(report: dict, sources: list[SourceFile], cache: Cache) -> tuple[list[SourceFile], list[str]]:
    """The sources whose size or mtime differ from the report's, and the keys of files gone since."""
    files = report["files"]
    current = {cache.key(source): source for source in sources}
    changed = []
    for key, source in current.items():
        known = files.get(key)
        try:
            info = os.stat(source.location)
        except OSError:
            changed.append(source)
            continue
        if known is None or (info.st_size, info.st_mtime_ns) != known[:2]:
            changed.append(source)
    return changed, [key for key in files if key not in current]


def affected(changes: list[Change], report: dict, cache: Cache, members: dict[str, str]) -> set[str]:
    """The paths of the documents whose report the changes may alter (see the module's docstring)."""
    found = {change.path for change in changes if change.after is not None}
    values, hosts, titles = set(), set(), set()
    for change in changes:
        before, after = (c.record if c is not None else None for c in (change.before, change.after))
        if before == after and has_error(change.before) == has_error(change.after):
            continue  # the same record: nothing another document sees has changed
        for record in (before, after):
            if record is None:
                continue
            values.update(link("ref", alias) for alias in record.aliases)
            hosts.update(host_key(alias) for alias in record.aliases)
            if record.url_key is not None:
                values.add(link("url", record.url_key))
            if (identity := identity_key(record)) is not None:
                values.add(link("identity", identity))
            if record.title_key is not None:
                titles.add(record.title_key)
    found.update(members[key] for _, key in cache.linked(values) if key in members)
    found.update(
        path for path, host, title in report["unresolved"] if host in hosts or (title is not None and title in titles)
    )
    return found & set(members.values())  # not the documents gone


def has_error(checked) -> bool:
    return checked is not None and any(d.severity is Severity.ERROR for d in checked.diagnostics)


def file_state(checked) -> tuple[int, int, str]:
    """What a report remembers of a file: size, mtime (-1 when too recent to be trusted) and hash."""
    size, mtime = checked.stat
    return size, trusted_mtime(mtime), checked.digest
