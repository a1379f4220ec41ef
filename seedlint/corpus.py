"""The corpus index: every document's URL aliases, so that a `related:` entry resolves whichever alias
it names, and near misses can be suggested for entries that resolve to nothing.

A document enters the index as an `IndexRecord`: small plain data (no positions, no YAML), so records
can be computed in worker processes and cached per file. Diagnostics need positions, so the corpus rules
ask `Corpus.document(path)` for the full document only when they report on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from seedlint.diagnostic import Diagnostic, Fix
from seedlint.document import Document
from seedlint.weburl import amp_cache_url, canonical_url

if TYPE_CHECKING:
    from seedlint.registry import Rule

ALIAS_FIELDS = ("webUrl", "originalUrl", "ampWebUrl", "cdnAmpWebUrl")
# The fields a related entry copies from its target, compared by the stale-copy rule.
COPIED_FIELDS = ("title", "excerpt", "publishedDateTime", "provider", "type")


@dataclass(frozen=True, slots=True)
class RelatedRef:
    """One `related:` entry as the index sees it."""

    index: int
    url: str | None  # its webUrl, None when missing or not a string
    copied: tuple[tuple[str, object], ...]  # (field, value) for COPIED_FIELDS present in the entry


@dataclass(frozen=True, slots=True)
class IndexRecord:
    path: str  # display path
    name: str  # file name, as messages show it
    urls: tuple[tuple[str, str], ...]  # (field, URL) of the document's own addresses
    copied: tuple[tuple[str, object], ...]  # the document's own values of COPIED_FIELDS
    related: tuple[RelatedRef, ...]
    topics: tuple[str, ...] = ()

    @property
    def url(self) -> str | None:
        """The address a related entry should name: webUrl, else originalUrl."""
        own = dict(self.urls)
        return own.get("webUrl") or own.get("originalUrl")

    def value(self, name: str):
        return dict(self.copied).get(name)


def _provider(value) -> object:
    # Only name and domain are copied into related entries (a document's provider may also carry logos).
    if isinstance(value, dict):
        return tuple((k, _frozen(value.get(k))) for k in ("name", "domain"))
    return _frozen(value)


def _frozen(value) -> object:
    """Hashable plain data: records are compared and used as keys even when a field has a wrong type."""
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def _copied(mapping: dict) -> tuple[tuple[str, object], ...]:
    return tuple((name, _provider(mapping[name]) if name == "provider" else _frozen(mapping[name])) for name in COPIED_FIELDS if name in mapping)


def record_for(doc: Document) -> IndexRecord | None:
    """The index record of a parsed document (None for a document whose front matter did not parse)."""
    data = doc.data
    if data is None:
        return None
    urls = tuple((name, data[name]) for name in ALIAS_FIELDS if isinstance(data.get(name), str))
    related = []
    entries = data.get("related")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict):
            url = entry.get("webUrl")
            related.append(RelatedRef(index, url if isinstance(url, str) and url.strip() else None, _copied(entry)))
    topics = tuple(t for t in data.get("topics") or () if isinstance(t, str)) if isinstance(data.get("topics"), list) else ()
    return IndexRecord(doc.display_path, doc.path.name, urls, _copied(data), tuple(related), topics)


def aliases(record: IndexRecord) -> set[str]:
    """Canonical forms of every address of a document, including the AMP-cache form of its AMP page."""
    keys = {canonical_url(url) for _, url in record.urls}
    amp = dict(record.urls).get("ampWebUrl")
    if amp:
        keys.add(canonical_url(amp_cache_url(amp)))
    return keys


def host_of(url: str) -> str:
    return canonical_url(url).split("/", 1)[0]


@dataclass
class CorpusIndex:
    records: list[IndexRecord]
    by_alias: dict[str, list[IndexRecord]] = field(default_factory=lambda: defaultdict(list))
    by_host: dict[str, list[tuple[str, IndexRecord]]] = field(default_factory=lambda: defaultdict(list))
    by_title: dict[tuple, list[IndexRecord]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for record in self.records:
            for key in aliases(record):
                self.by_alias[key].append(record)
                self.by_host[key.split("/", 1)[0]].append((key, record))
            key = index_key(record.value("title"), record.value("provider"))
            if key is not None:
                self.by_title[key].append(record)

    def resolve(self, url: str) -> IndexRecord | None:
        """The document an address names. When several documents share the address (duplicates, reported
        by their own rule), the newest capture is the document at that address: in azure-news, where 13
        addresses have two or three captures, that reading gives exactly the corpus's 7 self-references
        and its ~2,300 copied fields that changed after they were linked."""
        candidates = self.by_alias.get(canonical_url(url))
        if not candidates:
            return None
        return max(candidates, key=lambda record: (str(record.value("publishedDateTime") or ""), record.name))

    def has_host(self, url: str) -> bool:
        return host_of(url) in self.by_host

    def near_miss(self, url: str, title, provider) -> IndexRecord | None:
        """A document the unresolved `url` was probably meant to name: one whose address differs by one
        or two characters on the same host, or one with the same title and provider."""
        key = canonical_url(url)
        host = key.split("/", 1)[0]
        best = None
        for alias, record in self.by_host.get(host, []):
            distance = edit_distance(key, alias, limit=2)
            if distance <= 2 and (best is None or distance < best[0]):
                best = (distance, record)
        if best is not None:
            return best[1]
        key = index_key(title, provider)
        same_title = self.by_title.get(key, []) if key is not None else []
        return same_title[0] if len(same_title) == 1 and title else None


def index_key(*values) -> tuple | None:
    """Field values as a dictionary key; None when one holds a list or a mapping where text belongs
    (the schema rules report that document)."""
    key = tuple(values)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url.strip()


@dataclass
class Corpus:
    """What the corpus rules see: every record of the corpus, the index over them, which documents the
    run reports on, and a way to get a document's positions when a rule reports on it."""

    records: list[IndexRecord]
    reported: set[str]  # display paths whose diagnostics the run reports
    load: Callable[[str], Document | None]
    has_errors: Callable[[str], bool] = lambda path: False  # whether a document has an error-severity finding
    # A partial run (only some files given, e.g. by pre-commit): references of the other documents are
    # still resolved, so that deleting or renaming a referenced document cannot pass silently.
    partial: bool = False
    # Per document, positioned corpus diagnostics from earlier runs on the same content (kept in the
    # cache with the file's result): a warm run reports them without parsing the document again.
    positioned: dict[str, dict] = field(default_factory=dict)
    index: CorpusIndex = field(init=False)
    used: dict[str, set] = field(init=False, default_factory=dict)  # memo keys this run asked for, per path
    added: set[str] = field(init=False, default_factory=set)  # paths whose memo gained an entry
    DOCUMENTS_KEPT: ClassVar[int] = 64
    _documents: dict[str, Document | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = CorpusIndex(self.records)

    def document(self, path: str) -> Document | None:
        """The full document, for positions. Rules and reporters go through paths in order, so a few
        recent documents are kept, never the whole corpus (a parsed document is far larger than its file)."""
        if path in self._documents:
            self._documents[path] = self._documents.pop(path)  # most recently used last
        else:
            self._documents[path] = self.load(path)
            if len(self._documents) > self.DOCUMENTS_KEPT:
                del self._documents[next(iter(self._documents))]
        return self._documents[path]

    def report(
        self, path: str, rule: Rule, where: tuple, message: str, *, key: bool = False,
        fix: Callable[[Document], Fix | None] | None = None, fix_inputs: object = None,
    ) -> Diagnostic | None:
        """A diagnostic on document `path` at `where`. The document is parsed only when this diagnostic
        was not positioned before on the same content; `fix_inputs` is whatever besides the document
        determines the fix (the values it writes), so that a memo entry is reused only when exact."""
        memo_key = (rule.code, where, key, message, fix_inputs)
        self.used.setdefault(path, set()).add(memo_key)
        memo = self.positioned.setdefault(path, {})
        if memo_key in memo:
            return memo[memo_key]
        doc = self.document(path)
        if doc is None:
            return None
        diagnostic = rule.at(doc, where, message, key=key, fix=fix(doc) if fix is not None else None)
        memo[memo_key] = diagnostic
        self.added.add(path)
        return diagnostic

    def referrers(self, paths: Iterable[str]) -> set[str]:
        """Documents with a related entry that names one of `paths` (resolved against this corpus)."""
        wanted = set(paths)
        found = set()
        for record in self.records:
            for ref in record.related:
                target = self.index.resolve(ref.url) if ref.url else None
                if target is not None and target.path in wanted:
                    found.add(record.path)
        return found
