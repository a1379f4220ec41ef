"""The data flow of a run, in one place:

files → documents (text, parsed data, positions) → per-document rules → index records
      → corpus index and cross-document rules → selected, suppressed, sorted diagnostics
      → reporters and the fixer.

Per-document work is the expensive part: it runs in worker processes for large runs and its results
(diagnostics and a small index record per file) are cached by content (seedlint/cache.py). No document is
kept in memory after it was checked; rules that report on a document later (cross-document rules,
suppressions, the `full` reporter) load it again by path, which only happens for the few that need it.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from seedlint import incremental, rules, selection, suppressions
from seedlint.cache import Cache
from seedlint.config import Config
from seedlint.corpus import Corpus, IndexRecord, record_for
from seedlint.diagnostic import Diagnostic
from seedlint.discovery import SourceFile
from seedlint.document import Document, load_document, parse_document

PARALLEL_FROM = 400  # files; below this, starting worker processes costs more than it saves
CHUNK = 64
SAVE_EVERY = 5_000  # results: a large run writes the cache as it goes, instead of holding every result twice


# Checking a document allocates thousands of objects and makes almost no reference cycles, while a large
# run keeps millions alive (every result, the memos and caches): at Python's default thresholds the cycle
# collector runs every 700 allocations and keeps rescanning them, a sixth of a worker's time. Collected
# rarely, nothing piles up (a 24,000-file worker run leaves about 1,600 objects to the collector in all).
GC_THRESHOLDS = (100_000, 50, 100)


def collect_garbage_rarely() -> None:
    gc.freeze()  # what exists by now (modules, the schema, the rule registry) is never garbage: not rescanned
    gc.set_threshold(*GC_THRESHOLDS)


@dataclass(slots=True)
class Checked:
    """What checking one file yields: small plain data, picklable (workers) and cacheable."""

    path: str
    diagnostics: list[Diagnostic]
    record: IndexRecord | None
    has_suppressions: bool  # the text mentions `seedlint:`: the suppression pass must read it
    internal_errors: list[str] = field(default_factory=list)
    # For the cache: (size, mtime_ns) taken before the file was read, and the SHA-256 of what was read.
    stat: tuple[int, int] | None = None
    digest: str = ""
    # Corpus diagnostics positioned on this content by earlier runs (see Corpus.report).
    positioned: dict = field(default_factory=dict)


@dataclass
class RunResult:
    paths: list[str]  # display paths of the documents checked
    diagnostics: list[Diagnostic]
    internal_errors: list[str] = field(default_factory=list)  # a bug in seedlint, not in the user's file
    document: Callable[[str], Document | None] = lambda path: None  # any document of the run, loaded again


def check_document(doc: Document, config: Config, internal_errors: list[str]) -> list[Diagnostic]:
    checks = list(rules.FILE_CHECKS) + (list(rules.DOCUMENT_CHECKS) if doc.ok else [])
    return _run(checks, doc, config, doc.display_path, internal_errors)


def _run(
    checks: Iterable[Callable], subject, config: Config, where: str, internal_errors: list[str]
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check in checks:
        try:
            found.extend(check(subject, config))
        except Exception:  # keep going: one broken rule must not hide the other files' results
            internal_errors.append(
                f"{where}: internal error in {check.__module__}.{check.__name__}:\n{traceback.format_exc()}"
            )
    return found


class Reader:
    """Loads documents from disk, or from `contents` (display path → bytes): the fixer checks its fixed
    texts in memory before anything is written."""

    def __init__(self, sources: list[SourceFile], contents: dict[str, bytes] | None, internal_errors: list[str]):
        self.sources = {source.display_path: source for source in sources}
        self.contents = contents or {}
        self.internal_errors = internal_errors

    def load(self, source: SourceFile) -> Document | None:
        try:
            if source.display_path in self.contents:
                return parse_document(self.contents[source.display_path], source.path, source.display_path)
            return load_document(source.path, source.display_path)
        except Exception:  # the loader turns every problem of a file into a diagnostic: this is a bug; go on
            self.internal_errors.append(
                f"{source.display_path}: internal error while loading the file:\n{traceback.format_exc()}"
            )
            return None

    def load_path(self, path: str) -> Document | None:
        source = self.sources.get(path)
        return self.load(source) if source is not None else None


def check_source(source: SourceFile, config: Config, content: bytes | None = None) -> Checked:
    """Load and check one file (in this process or a worker)."""
    errors: list[str] = []
    try:  # taken before reading: a file changed after this moment cannot be mistaken for the one checked
        info = os.stat(source.location)
        stat = (info.st_size, info.st_mtime_ns)
    except OSError:
        stat = None
    reader = Reader([source], {source.display_path: content} if content is not None else None, errors)
    doc = reader.load(source)
    if doc is None:
        return Checked(source.display_path, [], None, False, errors)
    diagnostics = check_document(doc, config, errors)
    has_suppressions = bool(doc.text and "seedlint:" in doc.text)
    try:
        record = record_for(doc)
    except Exception:  # a bug: the file's own diagnostics are still reported
        record = None
        errors.append(f"{source.display_path}: internal error while indexing the file:\n{traceback.format_exc()}")
    return Checked(
        source.display_path, diagnostics, record, has_suppressions, errors, stat, hashlib.sha256(doc.raw).hexdigest()
    )


def _keep_positioned(
    corpus: Corpus, checked: list[Checked], sources: list[SourceFile], contents: dict, cache: Cache
) -> None:
    """Store the corpus diagnostics positioned in this run with their files' cached results, keeping
    only those this run asked for (a memo never outgrows what the corpus currently reports)."""
    by_path = {source.display_path: source for source in sources}
    for result in checked:
        memo = result.positioned
        used = corpus.used.get(result.path, set())
        stale = [key for key in memo if key not in used] if result.path in corpus.reported else []
        for key in stale:
            del memo[key]
        if (stale or result.path in corpus.added) and result.path in by_path and result.path not in contents:
            cache.put(by_path[result.path], result)


def _check_chunk(sources: list[SourceFile], config: Config) -> list[bytes]:
    """In a worker: the results pickled here, once, as the cache stores them (the main process keeps
    the bytes for the cache and the object for the corpus, instead of pickling every result again)."""
    return [pickle.dumps(check_source(source, config), protocol=pickle.HIGHEST_PROTOCOL) for source in sources]


def check_all(
    sources: list[SourceFile],
    config: Config,
    contents: dict[str, bytes],
    cache: Cache | None,
    progress: Callable[[int], None] | None = None,
) -> list[Checked]:
    """Every file checked once: from the cache when its content is known, else in this process or, for
    large runs, in worker processes on every core."""
    results: dict[str, Checked] = {}
    todo = []
    for source in sources:
        hit = cache.get(source) if cache is not None and source.display_path not in contents else None
        if hit is not None:
            results[source.display_path] = hit
            if progress is not None:
                progress(1)
        else:
            todo.append(source)
    workers = min(os.cpu_count() or 1, 8)
    if len(todo) >= PARALLEL_FROM and workers > 1 and not contents:
        chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
        with ProcessPoolExecutor(workers, initializer=collect_garbage_rarely) as pool:
            for chunk, blobs in zip(chunks, pool.map(_check_chunk, chunks, [config] * len(chunks))):
                for source, blob in zip(chunk, blobs):
                    checked = results[source.display_path] = pickle.loads(blob)
                    if cache is not None:
                        cache.put(source, checked, blob)
                if cache is not None and cache.pending() >= SAVE_EVERY:
                    cache.save(final=False)
                if progress is not None:
                    progress(len(chunk))
    else:
        for source in todo:
            checked = results[source.display_path] = check_source(source, config, contents.get(source.display_path))
            if cache is not None and source.display_path not in contents:
                cache.put(source, checked)
            if progress is not None:
                progress(1)
    return [results[source.display_path] for source in sources]


def run(
    sources: list[SourceFile],
    config: Config,
    corpus_sources: list[SourceFile] | None = None,
    contents: dict[str, bytes] | None = None,
    progress: Callable[[int], None] | None = None,
    cache: Cache | None = None,
    lost: dict[str, str] | None = None,
    run_id: str | None = None,
) -> RunResult:
    """Check `sources` and report on them. Cross-document rules resolve against `corpus_sources` (the whole
    configured corpus, for a partial run such as a pre-commit hook's) or, by default, against `sources`.
    `lost` (from `--since`): canonical addresses the corpus had at a revision → what they named then.
    `run_id` names what the run checks (its paths): the cache keeps the run's report under it, and the
    next run with that id starts from that report (unchanged: answered whole; a few changes: incremental)."""
    contents = contents or {}
    given = {source.display_path for source in sources}
    others = [source for source in corpus_sources or [] if source.display_path not in given]
    report_id = None
    if cache is not None and run_id is not None and not contents and not lost:
        report_id = run_id + ("\0" + "\0".join(sorted(given)) if others else "")
        report = cache.get_run(report_id)
        if report is not None:
            result = _rerun(report, report_id, sources, others, config, cache)
            if result is not None:
                return result
    checked = check_all(sources, config, contents, cache, progress)
    # The rest of the corpus, for a partial run: only its index records matter (and which documents have errors).
    corpus_checked = check_all(others, config, contents, cache) if others else []
    all_checked = [*checked, *corpus_checked]
    internal_errors = [e for c in all_checked for e in c.internal_errors]
    reader = Reader([*(corpus_sources or []), *sources], contents, internal_errors)
    diagnostics = [d for c in checked for d in c.diagnostics]
    errors = {c.path for c in all_checked if incremental.has_error(c)}
    records = [c.record for c in all_checked if c.record is not None]
    corpus = None
    try:
        positioned = {c.path: c.positioned for c in all_checked} if cache is not None else {}
        corpus = Corpus(
            records,
            reported=set(given),
            load=reader.load_path,
            has_errors=errors.__contains__,
            partial=bool(others),
            positioned=positioned,
            lost=lost or {},
        )
        if others:
            corpus.reported |= corpus.referrers(given)
    except Exception:  # a bug: the per-document diagnostics are still reported
        internal_errors.append(f"corpus: internal error while indexing the documents:\n{traceback.format_exc()}")
    else:
        diagnostics.extend(_run(rules.CORPUS_CHECKS, corpus, config, "corpus", internal_errors))
        if cache is not None:
            _keep_positioned(corpus, all_checked, [*sources, *others], contents, cache)
    if cache is not None:
        cache.save()
    selected = _select(diagnostics, checked, corpus.document if corpus is not None else reader.load_path, config)
    paths = [c.path for c in checked]
    report = None
    if report_id is not None and corpus is not None and not internal_errors and all(c.stat for c in all_checked):
        keys = [cache.key(source) for source in [*sources, *others]]
        report = {
            "files": {key: incremental.file_state(c) for key, c in zip(keys, all_checked)},
            "partial": bool(others),
            "errors": errors,
            "unresolved": corpus.unresolved,
            "diagnostics": selected,
        }
    # Every result and record of the run is freed before the report is stored: storing it then reuses
    # their memory instead of adding to the run's peak (reporters load the documents they show again).
    del checked, corpus_checked, all_checked, records, corpus, diagnostics
    if report is not None:
        cache.put_run(report_id, report)
    return RunResult(paths, selected, internal_errors, reader.load_path)


def _select(
    diagnostics: list[Diagnostic], checked: Iterable[Checked], document: Callable, config: Config
) -> list[Diagnostic]:
    """The diagnostics a run reports: selected, at their configured severity, suppressions applied, sorted."""
    selected = [selection.apply_severity(d, config) for d in diagnostics if selection.is_reported(d, config)]
    with_comments = [document(c.path) for c in checked if c.has_suppressions]
    selected = suppressions.apply(
        selected, [doc for doc in with_comments if doc is not None], lambda code: selection.is_selected(code, config)
    )
    selected.sort(key=Diagnostic.sort_key)
    return selected


def _rerun(
    report: dict, report_id: str, sources: list[SourceFile], others: list[SourceFile], config: Config, cache: Cache
) -> RunResult | None:
    """The run from its last report (see seedlint/incremental.py); None when a full run is needed."""
    everything = [*sources, *others]
    paths = [source.display_path for source in sources]
    changed, removed = incremental.changed_files(report, everything, cache)
    if not changed and not removed:
        return RunResult(paths, report["diagnostics"], [], Reader(everything, None, []).load_path)
    if report["partial"] or len(changed) + len(removed) > incremental.MOST_CHANGED:
        return None
    files = dict(report["files"])
    changes = []
    for key, source in [(cache.key(source), source) for source in changed] + [(key, None) for key in removed]:
        before = None
        if key in files:  # the result the report was made from: its record tells what the change undoes
            stored = cache.stored(key)
            if stored is None or stored[2] != files[key][2]:
                return None
            before = stored[3]
        after = None
        if source is not None:
            after = cache.get(source) or check_source(source, config)
            if after.internal_errors or not after.stat or not after.digest:
                return None  # not cacheable: let a full run report it
            cache.put(source, after)
            files[key] = incremental.file_state(after)
            if before is not None and before.digest == after.digest:
                continue  # touched, not changed
        else:
            del files[key]
        changes.append(incremental.Change(key.split("\0", 1)[1], before, after))
    if not changes:  # only touched: the report stands, with the files' new mtimes
        report["files"] = files
        cache.save()
        cache.put_run(report_id, report)
        return RunResult(paths, report["diagnostics"], [], Reader(everything, None, []).load_path)
    cache.save()  # the links of the new contents, which the affected documents are found through
    members = {cache.key(source): source.display_path for source in everything}
    affected = incremental.affected(changes, report, cache, members)
    if len(affected) > incremental.MOST_AFFECTED:
        return None
    by_path = {source.display_path: source for source in everything}
    after = {change.path: change.after for change in changes if change.after is not None}
    checked = {
        path: after.get(path) or cache.get(by_path[path]) or check_source(by_path[path], config)
        for path in sorted(affected)
    }
    internal_errors = [e for c in checked.values() for e in c.internal_errors]
    gone = {change.path for change in changes}
    errors = (report["errors"] - gone) | {change.path for change in changes if incremental.has_error(change.after)}
    reader = Reader(everything, None, internal_errors)
    try:
        corpus = Corpus(
            [c.record for c in checked.values() if c.record is not None],
            reported=set(affected),
            load=reader.load_path,
            has_errors=errors.__contains__,
            positioned={path: c.positioned for path, c in checked.items()},
            index=incremental.StoredIndex(cache, members),
        )
        diagnostics = [d for c in checked.values() for d in c.diagnostics]
        diagnostics.extend(_run(rules.CORPUS_CHECKS, corpus, config, "corpus", internal_errors))
    except Exception:  # a bug here must not cost the report: a full run gives it
        return None
    _keep_positioned(corpus, list(checked.values()), everything, {}, cache)
    cache.save()
    selected = _select(diagnostics, checked.values(), corpus.document, config)
    kept = [d for d in report["diagnostics"] if d.path not in affected and d.path not in gone]
    final = sorted(kept + selected, key=Diagnostic.sort_key)
    if not internal_errors:
        unresolved = [entry for entry in report["unresolved"] if entry[0] not in affected and entry[0] not in gone]
        cache.put_run(
            report_id,
            {
                "files": files,
                "partial": False,
                "errors": errors,
                "unresolved": unresolved + corpus.unresolved,
                "diagnostics": final,
            },
        )
    return RunResult(paths, final, internal_errors, corpus.document)
