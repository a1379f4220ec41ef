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

import itertools
import operator
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from seedlint import clock, selection
from seedlint.cache import (
    FILE_KEY,
    Cache,
    DiskCache,
    Report,
    StoredReport,
    display_of,
    file_state,
    keys_of,
    link,
)
from seedlint.checking import Reader, check_corpus, check_source
from seedlint.config import Config
from seedlint.corpus import Corpus, Index, IndexRecord, host_key, identity_key
from seedlint.diagnostic import Diagnostic
from seedlint.discovery import ABSOLUTE, DISPLAY, LOCATION, SourceFile
from seedlint.positioning import Placer
from seedlint.results import Checked, Findings, RunResult, positioned_memos
from seedlint.rules import related
from seedlint.rules.fields import FREQUENT_TOPIC
from seedlint.statahead import StatsAhead, stats_of

MOST_CHANGED = 200  # files; beyond this a full run (which reads the cache in bulk) is as fast
MOST_AFFECTED = 5_000  # documents to check again; beyond this, a full run


class StoredIndex(Index):
    """The corpus index answered from the cache, for the files of this run (`members`)."""

    def __init__(self, cache: DiskCache, members: Members):
        self.cache, self.members = cache, members
        self._records: dict[int, IndexRecord | None] = {}

    def record(self, handle: int) -> IndexRecord | None:
        if handle not in self._records:
            checked = self.cache.result_by_id(handle)
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


class Members:
    """The files of this run, by display path: whether a cache key (absolute path NUL display path) is one of
    them, without a set of 100,000 keys."""

    def __init__(self, sources: list[SourceFile]):
        self.by_path = dict(zip(map(DISPLAY, sources), sources, strict=True))

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        source = self.by_path.get(display_of(key))
        return source is not None and Cache.key(source) == key


@dataclass
class Change:
    """One file whose content differs from the last report: its result then (None: it is new) and now
    (None: it is gone)."""

    path: str
    before: Checked | None
    after: Checked | None


def stats_ahead(sources: list[SourceFile], cache: Cache) -> StatsAhead | None:
    """The stats `changed_files` will compare, started now (on the other core: see seedlint/statahead.py), for a
    run that may start from its last report; None when it cannot."""
    if not isinstance(cache, DiskCache):
        return None
    return StatsAhead(list(map(LOCATION, sorted(sources, key=DISPLAY))))


def changed_files(
    report: Report, sources: list[SourceFile], cache: Cache, ahead: StatsAhead | None = None
) -> tuple[list[SourceFile], list[str]]:
    """The sources whose size or mtime differ from the report's, and the keys of files gone since. A stat per
    file is most of a warm run: the stats are taken at C speed (or ahead, while the report was read), and
    compared at once with the columns of a stored report when the files are those it lists (the usual answer:
    nothing changed). The answer for the same report, files and stats taken ahead is remembered with the report: a
    hook's run at the revision asks before its current run does, with the same answer (a tenth of a second at
    100,000 documents for the two)."""
    seen = report.changes_seen if isinstance(report, StoredReport) else None
    if seen is not None and ahead is not None and seen[1] is ahead and same_objects(seen[0], sources):
        return list(seen[2]), list(seen[3])
    changed, gone = _changed_files(report, sources, ahead)
    if isinstance(report, StoredReport) and ahead is not None:
        report.changes_seen = (tuple(sources), ahead, tuple(changed), tuple(gone))
    return changed, gone


def same_objects(these: Sequence[object], those: Sequence[object]) -> bool:
    """Whether the two hold the very same objects, in order (compared at C speed: 100,000 sources)."""
    return len(these) == len(those) and all(map(operator.is_, these, those))


def _changed_files(
    report: Report, sources: list[SourceFile], ahead: StatsAhead | None
) -> tuple[list[SourceFile], list[str]]:
    ordered = sorted(sources, key=DISPLAY)  # (sorted already, but for the corpus a partial run adds)
    locations = list(map(LOCATION, ordered))
    now = ahead.stats_for(locations) if ahead is not None else stats_of(locations)
    if isinstance(report, StoredReport) and report.displays == list(map(DISPLAY, ordered)):
        # The files the report lists, in its order: only their states to compare, and the absolute paths
        # where they differ (under --diff-base, a changed document's version at the revision is a file of the
        # cache shown under the document's path): the file the report knew there is gone, this one is new.
        absolutes = list(map(ABSOLUTE, ordered))
        if report.absolutes == absolutes:
            if now == report.stats:
                return [], []
            return [source for source, was, new in zip(ordered, report.stats, now, strict=True) if was != new], []
        moved = set(itertools.compress(itertools.count(), map(operator.ne, report.absolutes, absolutes)))
        changed = [
            source
            for index, (source, was, new) in enumerate(zip(ordered, report.stats, now, strict=True))
            if index in moved or new is None or was != new
        ]
        gone = [FILE_KEY(report.absolutes[index], report.displays[index]) for index in sorted(moved)]
        return changed, gone
    stats = report.stat_of() if isinstance(report, StoredReport) else {k: s[:2] for k, s in report["files"].items()}
    keys = keys_of(ordered)
    known = list(map(stats.get, keys))
    changed = [source for source, was, new in zip(ordered, known, now, strict=True) if new is None or was != new]
    current = set(keys)
    return changed, [key for key in stats if key not in current]


def judged_another_day(report: Report, sources: list[SourceFile], changed: list[SourceFile]) -> list[SourceFile]:
    """The sources, not among `changed`, whose reported findings were judged on another day (seedlint/clock.py): a
    date then in the future may no longer be, and the message names the day; they are checked again."""
    paths = _paths_with_extra(report, clock.judged_another_day())
    if not paths:
        return []
    paths -= {source.display_path for source in changed}
    return [source for source in sources if source.display_path in paths]


def _paths_with_extra(report: Report, holds: Callable[[dict[str, object]], bool]) -> set[str]:
    """The documents with a reported finding whose `extra` `holds`."""
    findings = report_findings(report)
    if isinstance(findings, Findings):
        return findings.paths_with_extra(holds)
    return {d.path for d in findings if d.extra and holds(d.extra)}


def report_findings(report: Report) -> list[Diagnostic] | Findings:
    """A report's findings: a stored report's parts as read (see results.Findings), else its list."""
    if isinstance(report, StoredReport) and report.holds_its_parts_findings():
        return report.findings()
    diagnostics: list[Diagnostic] = report["diagnostics"]
    return diagnostics


SORT_KEY = operator.attrgetter("path", "line", "column", "code", "message")  # Diagnostic.sort_key, at C speed


def affected(changes: list[Change], report: Report, cache: DiskCache, members: Members) -> set[str]:
    """The paths of the documents whose report the changes may alter (see the module's docstring)."""
    found = {change.path for change in changes if change.after is not None}
    values: set[int] = set()
    hosts: set[str] = set()
    titles: set[int] = set()
    for change in changes:
        before, after = (c.record if c is not None else None for c in (change.before, change.after))
        suppressing = any(c is not None and c.has_suppressions for c in (change.before, change.after))
        if before == after and has_error(change.before) == has_error(change.after) and not suppressing:
            continue  # the same record: nothing another document sees has changed
        # (A document with suppressions: which of its fixes are made, which its copies' fixes follow, may have
        # changed with the same record; see rules/related.hold_copy_fixes.)
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
    found.update(display_of(key) for _, key in cache.linked(values) if key in members)
    found.update(
        path for path, host, title in report["unresolved"] if host in hosts or (title is not None and title in titles)
    )
    return {path for path in found if path in members.by_path}  # not the documents gone


def topic_counts(before: Counter[str], changes: list[Change]) -> Counter[str]:
    """Each topic's number of documents after the changes (a document naming a topic twice counts once)."""
    counts = Counter(before)
    for change in changes:
        for checked, sign in ((change.before, -1), (change.after, 1)):
            if checked is not None and checked.record is not None:
                for topic in set(checked.record.topics):
                    counts[topic] += sign
    return +counts  # (the topics no document names any more left out)


def topic_affected(before: Counter[str], after: Counter[str], cache: DiskCache, members: Members) -> set[str]:
    """The documents whose topic findings the new counts may change (the topic rule, SL604: a topic named by one
    document only, near the spelling of one named by FREQUENT_TOPIC or more, whose count the message gives): those
    naming a topic that became or stopped being named once, and when a frequent topic's count changed, those
    naming a topic no other document names. (Not every document naming a changed topic: adding a document would
    then check again every document sharing one of its topics.)"""
    changed = {topic for topic in before.keys() | after.keys() if before[topic] != after[topic]}
    topics = {topic for topic in changed if before[topic] == 1 or after[topic] == 1}
    if any(max(before[topic], after[topic]) >= FREQUENT_TOPIC for topic in changed):
        topics |= {topic for topic, count in after.items() if count == 1}
    if not topics:
        return set()
    return {display_of(key) for _, key in cache.linked({link("topic", topic) for topic in topics}) if key in members}


def _result(cache: Cache, source: SourceFile, config: Config) -> Checked:
    """A file's result: the cache's for its content, else checked now (and kept)."""
    return cache.result(source, lambda source: check_source(source, config))


def has_error(checked: Checked | None) -> bool:
    return checked is not None and checked.has_error


def rerun(
    report: Report,
    report_id: str,
    sources: list[SourceFile],
    others: list[SourceFile],
    config: Config,
    cache: Cache,
    ahead: StatsAhead | None = None,
    placing: Callable[[Reader], Placer] | None = None,
) -> RunResult | None:
    """The run from its last report; None when a full run is needed. `ahead`: the files' stats, started before
    the report was read (`stats_ahead`). `placing`: where the corpus findings are positioned (engine.placer)."""
    if not isinstance(cache, DiskCache):
        return None
    everything = [*sources, *others]
    paths = [source.display_path for source in sources]
    changed, removed = changed_files(report, everything, cache, ahead)
    changed += judged_another_day(report, everything, changed)
    if not changed and not removed:
        token = report.token if isinstance(report, StoredReport) else None
        return RunResult(paths, report_findings(report), [], Reader(everything, None, []).load_path, report_token=token)
    if report["partial"] or len(changed) + len(removed) > MOST_CHANGED:
        return None
    files = report["files"]  # (changed in place: the report is this run's to keep)
    changes = []
    keyed: list[tuple[str, SourceFile | None]] = [(cache.key(source), source) for source in changed]
    for key, source in keyed + [(key, None) for key in removed]:
        before = None
        if key in files:  # the result the report was made from: its record tells what the change undoes
            stored = cache.stored_as(key, files[key][2])
            if stored is None:
                return None
            before = stored[3]
        after = None
        if source is not None:
            after = _result(cache, source, config)
            if after.internal_errors or not after.stat or not after.digest:
                return None  # not cacheable: let a full run report it
            files[key] = file_state(after)
            if before is not None and before.digest == after.digest and not clock.outdated(before.diagnostics):
                continue  # touched, not changed
        else:
            del files[key]
        changes.append(Change(display_of(key), before, after))
    restated = {key for key, _ in keyed} | set(removed)  # (keys)
    if not changes:  # only touched: the report stands, with the files' new mtimes
        report["files"] = files
        cache.flush()
        token = cache.keep_report(report_id, report, touched=restated)
        return RunResult(paths, report_findings(report), [], Reader(everything, None, []).load_path, report_token=token)
    cache.flush()  # the links of the new contents, which the affected documents are found through
    members = Members(everything)
    topics = topic_counts(report["topics"], changes)
    found = affected(changes, report, cache, members) | topic_affected(report["topics"], topics, cache, members)
    # The documents whose fixes were held back for other documents' findings (a target's suppression kept its value):
    # judged again, as their fixes are not in the report (a fix held may be made now; one made, held: see below).
    found |= _paths_with_extra(report, lambda extra: bool(extra.get(related.HELD))) & members.by_path.keys()
    if len(found) > MOST_AFFECTED:
        return None
    by_path = members.by_path
    after_change = {change.path: change.after for change in changes if change.after is not None}
    checked = {path: after_change.get(path) or _result(cache, by_path[path], config) for path in sorted(found)}
    internal_errors = [e for c in checked.values() for e in c.internal_errors]
    gone = {change.path for change in changes}
    errors = (report["errors"] - gone) | {change.path for change in changes if has_error(change.after)}
    reader = Reader(everything, None, internal_errors, by_path)
    try:
        corpus = Corpus(
            [c.record for c in checked.values() if c.record is not None],
            reported=set(found),
            load=reader.load_path,
            has_errors=errors.__contains__,
            positioned=positioned_memos(checked.values()),
            index=StoredIndex(cache, members),
            topics=topics,
            place=placing(reader) if placing is not None else None,
        )
        diagnostics = [d for c in checked.values() for d in c.diagnostics]
        diagnostics.extend(check_corpus(corpus, config, internal_errors))
    except Exception:  # a bug here must not cost the report: a full run gives it
        return None
    cache.remember_positioned(corpus, list(checked.values()), [by_path[path] for path in checked], ())
    cache.flush()
    selected = selection.reported(diagnostics, checked.values(), corpus.document, config)
    judged = found | gone
    final: list[Diagnostic] | Findings | None = _held_beside(report, selected, judged, corpus)
    if final is None:
        kept = [d for d in report["diagnostics"] if d.path not in judged]
        # (Only the affected documents' fixes are held again: the others' are as the report kept them.)
        held = related.hold_copy_fixes(kept + selected, corpus)
        final = _as_replaced(report, sorted(held, key=SORT_KEY), judged, held, kept)
    token = None
    if not internal_errors:
        unresolved = [entry for entry in report["unresolved"] if entry[0] not in found and entry[0] not in gone]
        token = cache.keep_report(
            report_id,
            {
                "files": files,
                "partial": False,
                "errors": errors,
                "unresolved": unresolved + corpus.unresolved,
                "diagnostics": final,
                "topics": topics,
            },
            touched=restated | {cache.key(by_path[path]) for path in found},
        )
    return RunResult(paths, final, internal_errors, corpus.document, report_token=token)


def _held_beside(report: Report, selected: list[Diagnostic], judged: set[str], corpus: Corpus) -> Findings | None:
    """A rerun's findings as the stored report's parts with those of the `judged` documents replaced by `selected`,
    and of any other whose own address's fix is now held (related.hold_copy_fixes_beside): the others' findings are
    not made into objects (30,000 at 100,000 documents, a tenth of a hook's run). None when the report's findings
    are no parts, or the findings of some other document are needed as objects."""
    stored = report_findings(report)
    if not isinstance(stored, Findings) or not all(d.path in judged for d in selected):
        return None
    answer = related.hold_copy_fixes_beside(selected, stored, judged, corpus)
    if answer is None:
        return None
    held, others = answer
    replaced: dict[str, list[Diagnostic]] = {path: [] for path in judged}
    for d in sorted(held, key=SORT_KEY):
        replaced[d.path].append(d)
    for path, found in others.items():
        replaced[path] = sorted(found, key=SORT_KEY)
    return stored.replacing(replaced)


def _as_replaced(
    report: Report, final: list[Diagnostic], changed: set[str], held: list[Diagnostic], kept: list[Diagnostic]
) -> list[Diagnostic] | Findings:
    """A rerun's findings `final`, as the stored report's parts with the documents whose findings differ from them
    replaced (see results.Findings: a hook's comparison of this run with the corpus at the revision, which starts
    from the same report, then looks at those documents only): the `changed` ones, and any whose kept finding
    `hold_copy_fixes` replaced (`held`, from `kept`: its address fix would now clash with a changed document's)."""
    stored = report_findings(report)
    if not isinstance(stored, Findings):
        return final
    ids = set(map(id, kept))
    changed = changed | {d.path for d in held if d.path not in changed and id(d) not in ids}
    replaced: dict[str, list[Diagnostic]] = {path: [] for path in changed}
    for d in final:
        if d.path in changed:
            replaced[d.path].append(d)
    return stored.replacing(replaced, listed=final)


def partial(
    sources: list[SourceFile],
    others: list[SourceFile],
    config: Config,
    cache: Cache,
    whole: Callable[[], RunResult],
    whole_run_id: str,
    placing: Callable[[Reader], Placer] | None = None,
) -> RunResult | None:
    """A partial run (the files `sources` of a corpus whose other files are `others`), answered from the whole
    corpus's run (`whole`: that run, from its own last report) instead of reading every record: None when it cannot.

    A partial run reports the given files' own findings and the corpus findings of the given files and of the
    documents naming them, and in every other document the related entries that resolve to nothing (a deleted or
    re-addressed document cannot pass silently). The corpus rules run here as they do in that run, on the records of
    those documents only: the given files, the documents whose entries name one of their addresses (the cache's
    links), and the documents with an entry that resolves to nothing (the whole run's report lists them), against
    the index the cache answers and the whole corpus's topic counts."""
    if not isinstance(cache, DiskCache):
        return None
    everything = [*sources, *others]
    if any(source.refused for source in everything):
        return None  # (a run with a file it does not read keeps no report: the last one would be an older one)
    result = whole()
    report = cache.last_report(whole_run_id)
    if result.internal_errors or report is None or report["partial"]:
        return None
    members = Members(everything)
    by_path = members.by_path
    given = [source.display_path for source in sources]
    own = {path: _result(cache, by_path[path], config) for path in given}
    aliases = {alias for checked in own.values() if checked.record is not None for alias in checked.record.aliases}
    named = {display_of(key) for _, key in cache.linked({link("ref", alias) for alias in aliases}) if key in members}
    dangling = {path for path, _, _ in report["unresolved"] if path in by_path}
    wanted = sorted((named | dangling) - set(given))
    if len(wanted) > MOST_AFFECTED:
        return None
    checked = {
        **own,
        **{path: _result(cache, by_path[path], config) for path in wanted},
    }
    internal_errors = [e for c in checked.values() for e in c.internal_errors]
    if internal_errors:
        return None
    reader = Reader(everything, None, internal_errors)
    corpus = Corpus(
        [c.record for c in checked.values() if c.record is not None],
        reported=set(given),
        load=reader.load_path,
        has_errors=report["errors"].__contains__,
        partial=True,
        positioned=positioned_memos(checked.values()),
        index=StoredIndex(cache, members),
        topics=report["topics"],
        place=placing(reader) if placing is not None else None,
    )
    corpus.reported |= corpus.referrers(given)
    diagnostics = [d for path in given for d in own[path].diagnostics]
    diagnostics.extend(check_corpus(corpus, config, internal_errors))
    cache.remember_positioned(corpus, list(checked.values()), [by_path[path] for path in checked], ())
    cache.flush()
    selected = selection.reported(diagnostics, own.values(), corpus.document, config)
    return RunResult(given, related.hold_copy_fixes(selected, corpus), internal_errors, corpus.document)
