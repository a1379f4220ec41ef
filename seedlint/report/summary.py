"""The numbers of a corpus health report, computed once from a run: its diagnostics, every file's index
record (`RunResult.checked`) and the corpus index over those records. Everything the HTML page shows is
a field of `Summary` (and the JSON form is that dataclass as plain data), so the page and the JSON can
never disagree.

No rule logic lives here: what is dangling, stale or a near miss is what the rules reported (SL5
diagnostics); whether an entry names a corpus document is the corpus index's answer (`Index.resolve`).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from seedlint import __version__
from seedlint.baseline import Key
from seedlint.corpus import CorpusIndex, IndexRecord, RelatedRef, Resolution, differing_fields
from seedlint.datetimes import DATE_TIME, impossible
from seedlint.diagnostic import Diagnostic, Severity
from seedlint.document import Document
from seedlint.registry import FAMILIES
from seedlint.reporters.text import count_elsewhere, fix_counts
from seedlint.results import Checked, RunResult
from seedlint.rules import find_rule
from seedlint.suppressions import find as find_suppressions

FORMAT = 2  # of the JSON summary; raised when a field changes meaning (2: fixable is safe fixes only)

# The SL5 rules that report on one related entry, and the state they give its edge (first wins).
ENTRY_STATES = {
    "SL504": "dangling",
    "SL503": "near-miss",
    "SL502": "malformed",
    "SL501": "missing-url",
    "SL505": "stale",
    "SL506": "self",
    "SL507": "duplicate",
}
UNRESOLVED_STATES = ("dangling", "near-miss", "malformed")
# Every SL5 entry message starts with the entry it is about: "related[3] → …" (seedlint/rules/related.py).
_ENTRY = re.compile(r"related\[(\d+)\]")
_MONTH = re.compile(r"\d{4}-\d{2}")

WORST = 20  # documents listed with their findings
TOP = 15  # rows of the provider, most-referenced and stalest-target lists
NEIGHBOURHOODS = 3  # worst offenders drawn with their neighbourhood
NEIGHBOURS = 16  # edges drawn on each side of a neighbourhood
DEGREE_BUCKETS = ((0, 0), (1, 1), (2, 2), (3, 5), (6, 10), (11, 20), (21, 50), (51, 100), (101, None))


@dataclass
class Totals:
    documents: int
    documents_with_findings: int
    clean_documents: int
    findings: int
    errors: int
    warnings: int
    infos: int
    fixable: int  # what `seedlint fix` repairs (counted as `check` counts it: reporters.text.fix_counts)
    unsafe_fixable: int  # repaired only with `seedlint fix --unsafe-fixes`
    rules: int  # rules with at least one finding


@dataclass
class References:
    documents_with_related: int
    entries: int
    resolved: int  # name a document of the corpus (the corpus index's answer)
    unresolved: int  # have an address that names no corpus document
    dangling: int  # SL504
    near_miss: int  # SL503
    malformed: int  # SL502
    outside: int  # unresolved and reported by no rule: outside the corpus, as `related-scope` allows
    missing_url: int  # entries without a webUrl
    stale: int  # SL505
    self_references: int  # SL506
    duplicate_entries: int  # SL507


@dataclass
class RuleCount:
    code: str
    name: str
    severity: str  # of its findings (a configured severity may differ from the rule's default)
    family: str
    summary: str
    findings: int
    documents: int
    fixable: int  # by `seedlint fix`
    unsafe_fixable: int  # only with --unsafe-fixes


@dataclass
class Group:
    """Findings of the documents in one folder, of one provider, or published in one month."""

    name: str
    documents: int
    documents_with_findings: int
    findings: int
    errors: int
    warnings: int
    infos: int


@dataclass
class HeatRow:
    code: str
    counts: list[int]  # per month of `Heatmap.months`
    total: int


@dataclass
class Heatmap:
    months: list[str]
    documents: list[int]  # documents published in each month
    findings: list[int]
    rows: list[HeatRow]
    maximum: int  # the largest cell, for the colour scale


@dataclass
class Bucket:
    label: str
    documents: int


@dataclass
class DocumentRef:
    path: str
    title: str
    count: int  # what the list ranks by (references in, stale copies, ...)
    findings: int  # the document's own findings


@dataclass
class Edge:
    path: str  # the other document's path, or the address for an entry that names no corpus document
    title: str
    state: str  # "ok", "outside", or one of ENTRY_STATES' values


@dataclass
class Neighbourhood:
    path: str
    title: str
    findings: int
    bad_edges: int  # its edges, in and out, on which a rule reported something
    out_edges: list[Edge]  # its related entries
    in_edges: list[Edge]  # the documents whose related entries name it
    more_out: int  # not drawn
    more_in: int


@dataclass
class Graph:
    documents: int
    edges: int  # related entries that name a corpus document (self-references included)
    linked_pairs: int  # distinct (document, target) pairs, self-references excluded
    one_way: int  # pairs whose target does not list the document back
    mutual: int  # pairs listed both ways (each pair counted once)
    orphans: int  # documents no related entry names
    isolated: int  # orphans that list no corpus document either
    dangling_edges: int
    stale_edges: int
    in_degree: list[Bucket]
    out_degree: list[Bucket]
    most_referenced: list[DocumentRef]
    stalest_targets: list[DocumentRef]  # documents the most stale copies are copies of
    orphan_examples: list[DocumentRef]
    neighbourhoods: list[Neighbourhood]


@dataclass
class Finding:
    line: int
    column: int
    code: str
    name: str
    severity: str
    message: str


@dataclass
class WorstDocument:
    path: str
    title: str
    findings: int
    errors: int
    warnings: int
    infos: int
    items: list[Finding]


@dataclass
class SuppressionItem:
    path: str
    line: int
    kind: str  # "ignore" (its line) or "ignore-file"
    codes: list[str]


@dataclass
class Suppressions:
    comments: int
    documents: int
    by_code: dict[str, int]
    items: list[SuppressionItem]


@dataclass
class BaselineInventory:
    """What the configured baseline file holds, and how much of it the corpus still has."""

    file: str
    entries: int  # findings recorded in it
    documents: int
    still_found: int  # of them, those the corpus still has (the run's findings include them)
    fixed: int  # recorded, no longer found: the baseline can be refreshed
    by_code: dict[str, int]


@dataclass
class Commit:
    sha: str
    date: str  # committer date, ISO 8601
    subject: str
    documents: int
    findings: int
    by_rule: dict[str, int]
    introduced: int  # findings not present at the commit before (counted per document and rule)
    resolved: int  # findings of the commit before that are gone
    changed_documents: int  # documents added, changed or deleted since the commit before


@dataclass
class History:
    commits: list[Commit]  # oldest first
    rules: list[str]  # every code found at some commit, by total
    worst_commits: list[str]  # shas, the commits that introduced the most findings first


@dataclass
class Partial:
    """A report of some documents of a corpus: every number is about the given documents and the findings
    `seedlint check` of them reports in them (those of the cross-document rules included), except the graph's
    documents and edges, which are the whole corpus's (the states of its edges are those the given documents'
    findings give them). The findings that check also reports in other documents of the corpus (the
    documents that reference the given ones, and every related entry that dangles) are only counted here, as
    check's summary line counts them (reporters.text.count_elsewhere)."""

    corpus: int  # documents of the whole corpus
    elsewhere_findings: int
    elsewhere_documents: int


@dataclass
class Summary:
    format: int
    seedlint: str
    paths: list[str]
    related_scope: str
    totals: Totals
    references: References
    severities: dict[str, int]
    rules: list[RuleCount]
    families: dict[str, int]
    folders: list[Group]
    providers: list[Group]
    heatmap: Heatmap
    graph: Graph
    worst: list[WorstDocument]
    suppressions: Suppressions
    baseline: BaselineInventory | None = None  # the configured baseline file's findings (accepted ones), if any
    history: History | None = None
    internal_errors: int = 0
    not_documents: list[str] = field(default_factory=list)  # files set aside, as `check` does: no front matter
    partial: Partial | None = None  # a report of some documents of the corpus (None: all of them)
    rule_docs: dict[str, str] = field(default_factory=dict)  # code → `seedlint rule CODE` text, for the page

    def to_data(self) -> dict[str, Any]:
        return asdict(self)


def entry_index(diagnostic: Diagnostic) -> int | None:
    """The related entry an SL5 diagnostic is about (its message names it), None for others."""
    if diagnostic.code not in ENTRY_STATES:
        return None
    match = _ENTRY.match(diagnostic.message)
    return int(match[1]) if match else None


def title_of(record: IndexRecord | None) -> str:
    title = record.value("title") if record is not None else None
    return title if isinstance(title, str) else ""


def provider_of(record: IndexRecord | None) -> str:
    provider = record.value("provider") if record is not None else None
    if isinstance(provider, tuple):
        values = dict(item for item in provider if isinstance(item, tuple) and len(item) == 2)
        name, domain = values.get("name"), values.get("domain")
        if isinstance(name, str) and name.strip():
            return name.strip() + (f" ({domain})" if isinstance(domain, str) and domain else "")
        if isinstance(domain, str) and domain:
            return domain
    elif isinstance(provider, str) and provider.strip():
        return provider.strip()
    return "(no provider)"


def month_of(record: IndexRecord | None) -> str:
    """The month of publication as written, "(no date)" when the text is no real date (as the SL2 rules read
    it: 2020-13-45 names no month)."""
    published = record.value("publishedDateTime") if record is not None else None
    match = DATE_TIME.fullmatch(published.strip()) if isinstance(published, str) else None
    if match is None or impossible(match):
        return "(no date)"
    return f"{match['year']}-{match['month']}"


def folder_of(path: str) -> str:
    return posixpath.dirname(path) or "."


class _Counts:
    """Findings of a group of documents, by severity."""

    def __init__(self) -> None:
        self.documents: set[str] = set()
        self.with_findings: set[str] = set()
        self.severities: Counter[str] = Counter()

    def add_document(self, path: str) -> None:
        self.documents.add(path)

    def add(self, diagnostic: Diagnostic) -> None:
        self.with_findings.add(diagnostic.path)
        self.severities[diagnostic.severity.value] += 1

    def group(self, name: str) -> Group:
        s = self.severities
        findings = s["error"] + s["warning"] + s["info"]
        return Group(name, len(self.documents), len(self.with_findings), findings, s["error"], s["warning"], s["info"])


def _groups(paths: Iterable[str], diagnostics: list[Diagnostic], key: Callable[[str], str], order: str) -> list[Group]:
    counts: dict[str, _Counts] = defaultdict(_Counts)
    for path in paths:
        counts[key(path)].add_document(path)
    for d in diagnostics:
        counts[key(d.path)].add(d)
    groups = [counts[name].group(name) for name in counts]
    if order == "name":
        return sorted(groups, key=lambda g: g.name)
    return sorted(groups, key=lambda g: (-g.findings, -g.documents, g.name))


def summarize(
    result: RunResult,
    paths: list[str],
    related_scope: str,
    load: Callable[[str], Document | None] | None = None,
) -> Summary:
    """The report's numbers for a run made with `keep_checked=True`. `paths`: what the run checked, as
    given; `load` reads a document again (for its suppression comments; default: the run's)."""
    checked = result.checked or []
    records = {c.path: c.record for c in checked if c.record is not None}
    # The files found without front matter (a README.md beside the articles) are no documents, as for `check`.
    aside = set(result.not_documents)
    documents = [path for path in result.paths if path not in aside]
    reported = set(documents)
    diagnostics = [d for d in result.diagnostics if d.path in reported or d.path not in records]
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        by_path[d.path].append(d)
    index = CorpusIndex(list(records.values()))
    partial = None
    if records.keys() - reported:  # some documents of a corpus (see Partial)
        partial = Partial(len(records), *count_elsewhere(result.diagnostics, reported))

    severities = Counter(d.severity.value for d in diagnostics)
    rule_counts = _rule_counts(diagnostics)
    safe, unsafe = fix_counts(diagnostics)
    totals = Totals(
        documents=len(documents),
        documents_with_findings=len(by_path),
        clean_documents=len(reported - set(by_path)),
        findings=len(diagnostics),
        errors=severities["error"],
        warnings=severities["warning"],
        infos=severities["info"],
        fixable=safe,
        unsafe_fixable=unsafe,
        rules=len(rule_counts),
    )
    states = _entry_states(diagnostics)
    graph, references = _graph(index, records, reported, states, by_path)
    families = Counter(d.code[:3] for d in diagnostics)
    return Summary(
        format=FORMAT,
        seedlint=__version__,
        paths=paths,
        related_scope=related_scope,
        totals=totals,
        references=references,
        severities={s.value: severities[s.value] for s in Severity},
        rules=rule_counts,
        families={family: families[family] for family in FAMILIES},
        folders=_groups(documents, diagnostics, folder_of, "findings"),
        providers=_groups(documents, diagnostics, lambda p: provider_of(records.get(p)), "findings")[:TOP],
        heatmap=_heatmap(documents, diagnostics, records, [r.code for r in rule_counts]),
        graph=graph,
        worst=_worst(by_path, records),
        suppressions=_suppressions(checked, reported, load or result.document),
        internal_errors=len(result.internal_errors),
        not_documents=list(result.not_documents),
        partial=partial,
        rule_docs=_rule_docs(rule_counts),
    )


def baseline_inventory(recorded: Counter[Key], file: str, found: Counter[Key]) -> BaselineInventory:
    """The baseline's findings (`recorded`, as seedlint.baseline reads them) against those of the run."""
    still = sum(min(count, found[key]) for key, count in recorded.items())
    by_code = Counter[str]()
    for (code, _path, _field, _text), count in recorded.items():
        by_code[code] += count
    total = sum(recorded.values())
    documents = len({path for _code, path, _field, _text in recorded})
    return BaselineInventory(file, total, documents, still, total - still, dict(sorted(by_code.items())))


def _rule_counts(diagnostics: list[Diagnostic]) -> list[RuleCount]:
    counts: Counter[str] = Counter()
    documents: dict[str, set[str]] = defaultdict(set)
    by_code: dict[str, list[Diagnostic]] = defaultdict(list)
    severity: dict[str, str] = {}
    for d in diagnostics:
        counts[d.code] += 1
        documents[d.code].add(d.path)
        by_code[d.code].append(d)
        severity.setdefault(d.code, d.severity.value)
    found = []
    for code, count in counts.items():
        rule = find_rule(code)
        found.append(
            RuleCount(
                code,
                rule.name if rule else "",
                severity[code],
                code[:3],
                rule.summary if rule else "",
                count,
                len(documents[code]),
                *fix_counts(by_code[code]),
            )
        )
    rank = {s.value: s.rank for s in Severity}
    return sorted(found, key=lambda r: (-r.findings, rank[r.severity], r.code))


def _rule_docs(rules: list[RuleCount]) -> dict[str, str]:
    docs = {}
    for counted in sorted(rules, key=lambda r: r.code):
        rule = find_rule(counted.code)
        if rule is not None:
            docs[counted.code] = rule.documentation()
    return docs


def _entry_states(diagnostics: list[Diagnostic]) -> dict[tuple[str, int], set[str]]:
    """(document, entry index) → the states its SL5 findings give that entry."""
    states: dict[tuple[str, int], set[str]] = defaultdict(set)
    for d in diagnostics:
        entry = entry_index(d)
        if entry is not None:
            states[(d.path, entry)].add(ENTRY_STATES[d.code])
    return states


_PRIORITY = list(ENTRY_STATES.values())


def _edge_state(states: set[str] | None) -> str:
    """What an edge is drawn as: its worst state (dangling before stale before duplicate), "ok" for none."""
    return min(states, key=_PRIORITY.index) if states else "ok"


def _bucket(value: int) -> str:
    for low, high in DEGREE_BUCKETS:
        if high is None:
            if value >= low:
                return f"{low}+"
        elif low <= value <= high:
            return str(low) if low == high else f"{low}–{high}"
    raise ValueError(value)


def _buckets(values: Iterable[int]) -> list[Bucket]:
    counts = Counter(_bucket(value) for value in values)
    labels = [
        str(low) if low == high else (f"{low}+" if high is None else f"{low}–{high}") for low, high in DEGREE_BUCKETS
    ]
    return [Bucket(label, counts[label]) for label in labels]


def _edge_target(path: str, ref: RelatedRef, named: Resolution) -> IndexRecord | None:
    """The document an entry's edge goes to. An address several documents share (captures of one article, SL508)
    has one edge all the same: to the referring document itself when it is one of them (a self-reference, SL506,
    as the rules report it), else to the one capture the entry copies when it copies exactly one, else to the
    first of them by path (a copy of none or of several: a stale copy then names them all)."""
    if not named.ambiguous:
        return named.target
    if path in named.paths():
        return next(record for record in named.candidates if record.path == path)
    copied = [record for record in named.candidates if not differing_fields(ref.copied, record.fingerprints)]
    return copied[0] if len(copied) == 1 else named.candidates[0]


def _graph(
    index: CorpusIndex,
    records: dict[str, IndexRecord],
    reported: set[str],
    states: dict[tuple[str, int], set[str]],
    by_path: dict[str, list[Diagnostic]],
) -> tuple[Graph, References]:
    """The related-reference graph of the corpus: one edge per related entry that names a corpus document."""
    out_edges: dict[str, list[tuple[str, str, int]]] = defaultdict(list)  # path → (target or address, state, index)
    referrers: dict[str, list[tuple[str, str]]] = defaultdict(list)  # target → (source, state)
    pairs: set[tuple[str, str]] = set()
    stale_targets: Counter[str] = Counter()
    entries = unresolved = missing = outside = with_related = edges = 0
    found: Counter[str] = Counter()
    resolved: dict[str, Resolution] = {}
    for path, record in records.items():
        related = record.related
        counted = path in reported
        if counted and related:
            with_related += 1
        for ref in related:
            entry_states = states.get((path, ref.index))
            state = _edge_state(entry_states)
            if ref.key is None or ref.url is None:
                target = None
            else:  # a corpus's entries name a few thousand addresses over and over: each resolved once
                named = resolved.get(ref.url)
                if named is None:
                    named = resolved[ref.url] = index.resolve(ref.url, ref.key)
                target = _edge_target(path, ref, named)
            if counted:
                entries += 1
                if entry_states:
                    found.update(entry_states)
                if ref.url is None:
                    missing += 1
                elif target is None:
                    unresolved += 1
                    if state not in UNRESOLVED_STATES:
                        outside += 1
            if target is None:
                if ref.url is not None:
                    out_edges[path].append((ref.url, state if state in UNRESOLVED_STATES else "outside", ref.index))
                continue
            edges += 1
            out_edges[path].append((target.path, state, ref.index))
            referrers[target.path].append((path, state))
            if target.path != path:
                pairs.add((path, target.path))
            if entry_states and "stale" in entry_states:
                stale_targets[target.path] += 1
    one_way = sum(1 for a, b in pairs if (b, a) not in pairs)
    mutual = (len(pairs) - one_way) // 2
    in_degree = {path: len({source for source, _ in referrers.get(path, ()) if source != path}) for path in records}
    out_degree = {
        path: len({target for target, state, _ in out_edges.get(path, ()) if target in records and target != path})
        for path in records
    }
    orphans = sorted(path for path, degree in in_degree.items() if degree == 0)

    def listed(path: str, count: int) -> DocumentRef:
        return DocumentRef(path, title_of(records.get(path)), count, len(by_path.get(path, ())))

    most_referenced = sorted(in_degree, key=lambda p: (-in_degree[p], p))[:TOP]
    # Orphans worth a look first: those with findings, then those that link to nothing either.
    orphan_examples = sorted(orphans, key=lambda p: (-len(by_path.get(p, ())), out_degree[p], p))[:TOP]
    graph = Graph(
        documents=len(records),
        edges=edges,
        linked_pairs=len(pairs),
        one_way=one_way,
        mutual=mutual,
        orphans=len(orphans),
        isolated=sum(1 for p in orphans if out_degree[p] == 0),
        dangling_edges=sum(
            1 for targets in out_edges.values() for _, state, _ in targets if state in UNRESOLVED_STATES
        ),
        stale_edges=sum(stale_targets.values()),
        in_degree=_buckets(in_degree.values()),
        out_degree=_buckets(out_degree.values()),
        most_referenced=[listed(p, in_degree[p]) for p in most_referenced if in_degree[p] > 0],
        stalest_targets=[listed(p, n) for p, n in sorted(stale_targets.items(), key=lambda item: (-item[1], item[0]))][
            :TOP
        ],
        orphan_examples=[listed(p, out_degree[p]) for p in orphan_examples],
        neighbourhoods=_neighbourhoods(records, out_edges, referrers, by_path),
    )
    references = References(
        documents_with_related=with_related,
        entries=entries,
        resolved=entries - unresolved - missing,
        unresolved=unresolved,
        dangling=found["dangling"],
        near_miss=found["near-miss"],
        malformed=found["malformed"],
        outside=outside,
        missing_url=missing,
        stale=found["stale"],
        self_references=found["self"],
        duplicate_entries=found["duplicate"],
    )
    return graph, references


def _neighbourhoods(
    records: dict[str, IndexRecord],
    out_edges: dict[str, list[tuple[str, str, int]]],
    referrers: dict[str, list[tuple[str, str]]],
    by_path: dict[str, list[Diagnostic]],
) -> list[Neighbourhood]:
    """The worst offenders of the reference graph: the documents touched by the most bad edges (their own
    entries with SL5 findings, and the entries of others naming them that are stale or duplicated), with
    what they list and what lists them."""
    bad: Counter[str] = Counter()
    for path, edges in out_edges.items():
        for target, state, _ in edges:
            if state not in ("ok", "outside"):
                bad[path] += 1
                if target in records and target != path:
                    bad[target] += 1
    worst = sorted(bad, key=lambda p: (-bad[p], p))
    found = []
    for path in worst[:NEIGHBOURHOODS]:
        outs = sorted(out_edges.get(path, ()), key=lambda edge: (edge[1] == "ok", edge[2]))
        ins = sorted(referrers.get(path, ()), key=lambda edge: (edge[1] == "ok", edge[0]))
        found.append(
            Neighbourhood(
                path,
                title_of(records.get(path)),
                len(by_path.get(path, ())),
                bad[path],
                [Edge(target, title_of(records.get(target)), state) for target, state, _ in outs[:NEIGHBOURS]],
                [Edge(source, title_of(records.get(source)), state) for source, state in ins[:NEIGHBOURS]],
                max(0, len(outs) - NEIGHBOURS),
                max(0, len(ins) - NEIGHBOURS),
            )
        )
    return found


def _heatmap(
    paths: list[str], diagnostics: list[Diagnostic], records: dict[str, IndexRecord], codes: list[str]
) -> Heatmap:
    month = {path: month_of(records.get(path)) for path in paths}
    months = sorted(set(month.values()), key=lambda m: (not _MONTH.fullmatch(m), m))
    at = {m: i for i, m in enumerate(months)}
    documents = [0] * len(months)
    for path in paths:
        documents[at[month[path]]] += 1
    cells: dict[str, list[int]] = {code: [0] * len(months) for code in codes}
    totals = [0] * len(months)
    for d in diagnostics:
        m = month.get(d.path)
        if m is None:
            continue
        cells[d.code][at[m]] += 1
        totals[at[m]] += 1
    rows = [HeatRow(code, cells[code], sum(cells[code])) for code in codes]
    return Heatmap(months, documents, totals, rows, max((max(r.counts, default=0) for r in rows), default=0))


def _worst(by_path: dict[str, list[Diagnostic]], records: dict[str, IndexRecord]) -> list[WorstDocument]:
    def rank(path: str) -> tuple:
        found = by_path[path]
        return (
            -sum(d.severity is Severity.ERROR for d in found),
            -sum(d.severity is Severity.WARNING for d in found),
            -len(found),
            path,
        )

    worst = []
    for path in sorted(by_path, key=rank)[:WORST]:
        found = sorted(by_path[path], key=Diagnostic.sort_key)
        severities = Counter(d.severity.value for d in found)
        worst.append(
            WorstDocument(
                path,
                title_of(records.get(path)),
                len(found),
                severities["error"],
                severities["warning"],
                severities["info"],
                [Finding(d.line, d.column, d.code, d.name, d.severity.value, d.message) for d in found],
            )
        )
    return worst


def _suppressions(checked: list[Checked], reported: set[str], load: Callable[[str], Document | None]) -> Suppressions:
    """Every suppression comment of the reported documents (only those whose text mentions `seedlint:`
    are read again, as the suppression pass of a run does)."""
    items = []
    for c in sorted(checked, key=lambda c: c.path):
        if not c.has_suppressions or c.path not in reported:
            continue
        doc = load(c.path)
        if doc is None:
            continue
        for s in find_suppressions(doc)[0]:
            items.append(SuppressionItem(c.path, s.line, s.kind, list(s.codes)))
    by_code = Counter(code for item in items for code in item.codes)
    return Suppressions(len(items), len({item.path for item in items}), dict(sorted(by_code.items())), items)
