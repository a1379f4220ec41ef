"""One project: a configuration, the corpus it names and that corpus's index, answered from the cache.

A document's project is found as the command line finds its configuration: the nearest seedlint.toml, or
pyproject.toml with [tool.seedlint], from the document's folder upwards; its corpus is the configured `paths`.
Without a configuration file the corpus is the workspace folder holding the document (the configuration is
then the defaults, exactly what `seedlint check .` run in that folder uses, so both share one cache).
"""

from __future__ import annotations

import fnmatch
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from seedlint import engine, schema, selection
from seedlint.cache import NO_CACHE, Cache, open_cache
from seedlint.checking import check_source
from seedlint.config import Config, ConfigError, find_config_file, load_config
from seedlint.corpus import CorpusIndex, Index, IndexRecord, count_topics, host_key
from seedlint.discovery import SourceFile, corpus_paths, discover
from seedlint.results import Checked
from seedlint.rules import all_rules
from seedlint.vocabulary import VocabularyError


@dataclass
class Project:
    key: str  # the configuration file, or the folder standing for the corpus when there is none
    root: Path
    config: Config
    folders: list[Path]  # where the corpus is
    error: str | None = None  # a configuration that cannot be used: the project checks nothing
    alone: bool = False  # one document without a corpus (see `find_project`): its own findings only
    loaded: bool = False
    sources: dict[str, SourceFile] = field(default_factory=dict)  # display path → source
    by_location: dict[str, str] = field(default_factory=dict)  # absolute path → display path
    results: dict[str, Checked] = field(default_factory=dict)  # each corpus file's result, as saved on disk
    index: CorpusIndex = field(default_factory=lambda: CorpusIndex([]))
    cache: Cache = NO_CACHE
    # Files changed on disk before the corpus was read: the reading may have seen them before the change, so they
    # are read again once it ends (see SeedlintServer.load_project).
    changed_while_loading: set[Path] = field(default_factory=set)
    # Who a change affects (see Session.affected), made when first needed: not on the way to the first diagnostics.
    _reverse: tuple[dict[str, set[str]], dict[str, set[str]], dict[int, set[str]]] | None = None
    _topics: Counter[str] | None = None  # each topic's number of saved documents, counted when first needed

    @property
    def referrers(self) -> dict[str, set[str]]:
        """Canonical address → the paths whose related entries name it."""
        return self.reverse_maps()[0]

    @property
    def unresolved_hosts(self) -> dict[str, set[str]]:
        """Host → the paths with a related entry on it that resolves to nothing."""
        return self.reverse_maps()[1]

    @property
    def unresolved_titles(self) -> dict[int, set[str]]:
        """Copied title (and provider) fingerprint → the paths with such an entry that resolves to nothing."""
        return self.reverse_maps()[2]

    def source_of(self, path: Path) -> SourceFile | None:
        """The corpus source of a file, or None when the file is not a document of this corpus."""
        display = self.by_location.get(os.path.abspath(path))
        return self.sources.get(display) if display is not None else None

    def lists(self, path: Path) -> bool:
        """Whether the corpus walk (seedlint/discovery.py) lists `path`, on disk or not yet: under a corpus
        folder, through no hidden or excluded folder, its name matched by `include` and not by `exclude`."""
        return any(listed(path, folder, self.config.include, self.config.exclude) for folder in self.folders)

    def load(self) -> None:
        """Every corpus file's result, from the cache where the file is unchanged, else checked (in worker
        processes for many files) and remembered; then the index. Runs outside the event loop."""
        found = discover(self.folders, self.config, cwd=self.root)
        self.cache = open_cache(self.config, False, None)
        # (Read in a thread, where a step's time is not bounded: where the configured schema, not seedlint's own, may
        # hold a pattern that backtracks for ever, the files are checked in worker processes.)
        bounded = self.config.schema_path is not None
        check = engine.checker(self.config, {}, bounded=bounded, rows=self.cache.keeps_rows)
        checked = self.cache.results(found, check)
        self.cache.flush()
        self.sources = {source.display_path: source for source in found}
        self.by_location = {source.absolute: source.display_path for source in found}
        self.results = {c.path: c for c in checked}
        self.rebuild()
        self.loaded = True

    def refresh(self, paths: Iterable[Path]) -> set[str]:
        """Files changed, created or deleted on disk: their results again. Returns their display paths."""
        changed = set()
        rediscovered = False
        for path in paths:
            source = self.source_of(path)
            if source is None and os.path.exists(path) and not rediscovered:  # perhaps a new document of the corpus
                found = discover(self.folders, self.config, cwd=self.root)
                self.sources = {s.display_path: s for s in found}
                self.by_location = {s.absolute: s.display_path for s in found}
                rediscovered = True
                source = self.source_of(path)
            if source is None:
                continue
            changed.add(source.display_path)
            if os.path.exists(path):  # (False for a name the system refuses, as for a missing file)
                self.results[source.display_path] = self.cache.result(source, lambda s: check_source(s, self.config))
            else:
                self.results.pop(source.display_path, None)
                self.sources.pop(source.display_path, None)
                self.by_location.pop(source.absolute, None)
        if changed:
            self.cache.flush()
            self.rebuild()
        return changed

    def rebuild(self) -> None:
        """The index over the saved results; the reverse maps and topic counts are made again when next needed."""
        self.index = CorpusIndex([c.record for c in self.results.values() if c.record is not None])
        self._reverse = None
        self._topics = None

    def topic_counts(self, unsaved: dict[str, IndexRecord | None]) -> Counter[str]:
        """Each topic's number of documents as the corpus would count them with the `unsaved` texts saved (path →
        its text's record): the saved corpus's counts, kept, with those documents' saved topics taken away and
        their texts' added (counting 100,000 documents' topics took 60 ms at every keystroke)."""
        index = self.index
        saved = self._topics if self._topics is not None else count_topics(index.records)
        if index is self.index:  # (counted in a thread while the index was rebuilt: counted again when next asked)
            self._topics = saved
        counts = saved.copy()
        for path, record in unsaved.items():
            before = self.results.get(path)
            if before is not None and before.record is not None:
                counts.subtract(set(before.record.topics))
            if record is not None:
                counts.update(set(record.topics))
        return +counts  # (topics no document has any more are dropped, as a count from scratch has none)

    def reverse_maps(self) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[int, set[str]]]:
        if self._reverse is not None:
            return self._reverse
        index = self.index
        referrers: dict[str, set[str]] = defaultdict(set)
        hosts: dict[str, set[str]] = defaultdict(set)
        titles: dict[int, set[str]] = defaultdict(set)
        for record in index.records:
            for key in record.ref_keys:
                if key is not None:
                    referrers[key].add(record.path)
            if any(key is not None and not index.named(key) for key in record.ref_keys):
                add_unresolved(record, index, hosts, titles)
        made = (dict(referrers), dict(hosts), dict(titles))
        if index is self.index:  # (made in a thread while the index was rebuilt: made again when next asked)
            self._reverse = made
        return made


def listed(path: Path, folder: Path, include: list[str], exclude: list[str]) -> bool:
    if path == folder:
        return True  # a file named in `paths` is always checked
    if not path.is_relative_to(folder):
        return False
    parts = path.relative_to(folder).parts

    def matches(relative: str, patterns: list[str]) -> bool:
        name = relative.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatchcase(relative, p) or fnmatch.fnmatchcase(name, p) for p in patterns)

    for depth in range(1, len(parts)):
        if parts[depth - 1].startswith(".") or matches("/".join(parts[:depth]), exclude):
            return False
    relative = "/".join(parts)
    return matches(relative, include) and not matches(relative, exclude)


def add_unresolved(record: IndexRecord, index: Index, hosts: dict, titles: dict) -> None:
    for ref in record.related:
        if ref.key is not None and not index.resolve(ref.url, ref.key):
            hosts.setdefault(host_key(ref.key), set()).add(record.path)
            if ref.title_key is not None:
                titles.setdefault(ref.title_key, set()).add(record.path)


def find_project(path: Path, workspace_folders: list[Path]) -> tuple[str, Path, Path | None, str | None]:
    """(key, root, configuration file, why the configuration cannot be used) of the project holding `path`. A
    configuration file that cannot be read (no TOML, say) is the error of the project of the workspace folder.
    A document in no workspace folder and under no configuration has no corpus: its project is the document alone
    (`ALONE`; its folder may be the home folder, or `/`, whose walk would read, and whose cache would write, where
    the user never pointed seedlint)."""
    inside = [folder for folder in workspace_folders if path.is_relative_to(folder)]
    root = max(inside, key=lambda folder: len(folder.parts)) if inside else path.parent
    try:
        found = find_config_file(path.parent)
    except ConfigError as error:
        return str(root), root, None, str(error)
    if found is not None:
        return str(found[0]), found[0].parent.resolve(), found[0], None
    if not inside:
        return ALONE + str(path), root, None, None
    return str(root), root, None, None


ALONE = "alone: "  # (the key of a document's own project, see `find_project`)


def new_project(key: str, root: Path, config_file: Path | None, error: str | None = None) -> Project:
    """The project, its configuration checked as the command line checks it (a bad one is the project's error)."""
    if error is not None:
        return Project(key, root, Config(root=root), [], error=error)
    if key.startswith(ALONE):  # (no corpus to read: loaded as it is made)
        return Project(key, root, Config(root=root), [], alone=True, loaded=True)
    try:
        config = load_config(config_file, start=root) if config_file is not None else load_config(start=root)
        selection.check_configured_codes(config)
        selection.check_some_selected(config, (rule.code for rule in all_rules()))
        schema.validator(config.schema_path)
        config.topic_vocabulary()
    except (ConfigError, schema.SchemaFileError, VocabularyError) as error:
        return Project(key, root, Config(root=root), [], error=str(error))
    folders = corpus_paths(config) if config_file is not None else [root]
    return Project(key, root, config, folders)


class OverlayIndex(Index):
    """The saved corpus's index with some documents replaced by their unsaved texts' records."""

    def __init__(self, base: CorpusIndex, hidden: set[str], extra: CorpusIndex):
        self.base, self.hidden, self.extra = base, hidden, extra

    def _both(self, base: list[IndexRecord], extra: list[IndexRecord]) -> list[IndexRecord]:
        if not self.hidden:
            return base + extra
        return [record for record in base if record.path not in self.hidden] + extra

    def named(self, key: str) -> list[IndexRecord]:
        return self._both(self.base.named(key), self.extra.named(key))

    def on_host(self, host: str) -> list[tuple[str, IndexRecord]]:
        base = [(alias, record) for alias, record in self.base.on_host(host) if record.path not in self.hidden]
        return base + list(self.extra.on_host(host))

    def record(self, handle: IndexRecord) -> IndexRecord:
        return handle

    def nearest(self, host: str, key: str) -> list[IndexRecord]:
        """What the saved corpus would answer with the texts saved, from the saved documents' near-miss index
        (built once, not at every keystroke: 0.12 s for a site of 10,000 numbered articles) without the documents
        being edited, and the texts' own."""
        base, extra = self.base.near_index(host), self.extra.near_index(host)
        matches = [
            (distance, base.handles[number])
            for distance, number in base.nearest(key, keep=lambda number: base.handles[number].path not in self.hidden)
        ]
        matches += [(distance, extra.handles[number]) for distance, number in extra.nearest(key)]
        best = min((distance for distance, _ in matches), default=None)
        return [record for distance, record in matches if distance == best]

    def titled(self, title_key: int) -> list[IndexRecord]:
        return self._both(self.base.titled(title_key), self.extra.titled(title_key))

    def same_address(self, url_key: str) -> list[IndexRecord]:
        return self._both(self.base.same_address(url_key), self.extra.same_address(url_key))

    def same_identity(self, identity: tuple) -> list[IndexRecord]:
        return self._both(self.base.same_identity(identity), self.extra.same_identity(identity))
