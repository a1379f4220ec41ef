"""The corpus index: every document's URL aliases, so that a `related:` entry resolves whichever alias
it names, and near misses can be suggested for entries that resolve to nothing.

A document enters the index as an `IndexRecord`: small plain data (no positions, no YAML), so records
can be computed in worker processes and cached per file. Diagnostics need positions, so the corpus rules
ask `Corpus.document(path)` for the full document only when they report on it.
"""

from __future__ import annotations

import os
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeAlias, TypeVar, overload
from urllib.parse import urlsplit

import yaml

from seedlint.datetimes import instant
from seedlint.diagnostic import Diagnostic, Span
from seedlint.document import Document
from seedlint.edits import BLOCK_STYLES, replace_span
from seedlint.locus import whole_value_key
from seedlint.memo import digest
from seedlint.nearindex import NearIndex
from seedlint.positioning import Composed, Placer, SetValue, Wanted, place_here
from seedlint.weburl import amp_cache_url, canonical_url
from seedlint.yamltree import FLOW_PLAIN, FieldPath, key_text

if TYPE_CHECKING:
    from seedlint.registry import Rule

ALIAS_FIELDS = ("webUrl", "originalUrl", "ampWebUrl", "cdnAmpWebUrl")
# The fields a related entry copies from its target, compared by the stale-copy rule.
COPIED_FIELDS = ("title", "excerpt", "publishedDateTime", "provider", "type")
# Compared by fingerprint only, never kept in a record: the largest text of a document (a third of the
# memory of 100,000 records); a stale copy's message and fix read it from the target document.
UNKEPT_FIELDS = ("excerpt",)


# The values on either side of a copy: a document's own copied fields and addresses, and in each related
# entry the copied fields and the address it names. A fix that edits one of them is marked with its path (see
# `edited_value`), so that a copy's fix can be held back when its target would not say the same (SL5).
PROVIDER_PARTS = ("name", "domain")


def copy_paths(root: yaml.Node) -> Iterator[tuple[FieldPath, yaml.ScalarNode]]:
    """(path, scalar) of every value on either side of a copy, in a parsed front matter."""
    if not isinstance(root, yaml.MappingNode):
        return
    for key, value in root.value:
        name = key_text(key)
        if name == "related" and isinstance(value, yaml.SequenceNode):
            for index, entry in enumerate(value.value):
                for path, scalar in _copied_scalars(entry, ("webUrl",)):
                    yield ("related", index, *path), scalar
    yield from _copied_scalars(root, ALIAS_FIELDS)


def _copied_scalars(mapping: yaml.Node, addresses: tuple[str, ...]) -> Iterator[tuple[FieldPath, yaml.ScalarNode]]:
    if not isinstance(mapping, yaml.MappingNode):
        return
    for key, value in mapping.value:
        name = key_text(key)
        if isinstance(value, yaml.ScalarNode) and (name in COPIED_FIELDS or name in addresses):
            yield (name,), value
        elif name == "provider" and isinstance(value, yaml.MappingNode):
            for part_key, part in value.value:
                if isinstance(part, yaml.ScalarNode) and key_text(part_key) in PROVIDER_PARTS:
                    yield ("provider", key_text(part_key)), part


def edited_value(diagnostic: Diagnostic) -> FieldPath | None:
    """The copied value (or address) a diagnostic's fix edits, as marked where the file was checked."""
    path = diagnostic.extra.get("value")
    return tuple(path) if isinstance(path, (tuple, list)) else None


@dataclass(frozen=True, slots=True)
class RelatedRef:
    """One `related:` entry as the index sees it: fingerprints of what it copies, not the copies (a
    corpus holds hundreds of thousands of entries; the text is read from the document when reported)."""

    index: int
    url: str | None  # its webUrl, None when missing or not a string
    key: str | None  # canonical_url(url), computed once where the file is checked
    copied: bytes  # fingerprints of the COPIED_FIELDS it holds (see `fingerprints`)
    title_key: int | None = None  # fingerprint of (title, provider), for "did you mean" by title


# A record's related entries, packed (see `pack_refs`): (indexes, or None for 0, 1, 2...; webUrls; canonical
# addresses; copied-field fingerprints, joined; title fingerprints, 8 bytes each, joined), or () for none.
PackedRefs: TypeAlias = (
    tuple[()] | tuple[tuple[int, ...] | None, tuple[str | None, ...], tuple[str | None, ...], bytes, bytes]
)


def pack_refs(refs: list[RelatedRef]) -> PackedRefs:
    """A record's related entries in five columns instead of one object each (100,000 documents carry
    about 650,000 entries: objects, byte strings and integers per entry cost the main process 120 MB).
    A title fingerprint of 0 stands for none (a real fingerprint is 0 once in 2**64)."""
    if not refs:
        return ()
    indexes = tuple(ref.index for ref in refs)
    return (
        None if indexes == tuple(range(len(refs))) else indexes,
        tuple(ref.url for ref in refs),
        tuple(ref.key for ref in refs),
        b"".join(ref.copied for ref in refs),
        b"".join((ref.title_key or 0).to_bytes(8, "big") for ref in refs),
    )


def unpack_refs(packed: PackedRefs) -> tuple[RelatedRef, ...]:
    if not packed:
        return ()
    indexes, urls, keys, copied, titles = packed
    size = len(copied) // len(urls)
    return tuple(
        RelatedRef(
            indexes[i] if indexes is not None else i,
            url,
            keys[i],
            copied[size * i : size * (i + 1)],
            int.from_bytes(titles[8 * i : 8 * i + 8], "big") or None,
        )
        for i, url in enumerate(urls)
    )


@overload
def _shared(text: str) -> str: ...
@overload
def _shared(text: str | None) -> str | None: ...
def _shared(text: str | None) -> str | None:
    """One string object for equal addresses: the entries naming a document and its own aliases share it
    (interned when read back from a worker or the cache: a third of the memory of 100,000 records)."""
    return sys.intern(text) if type(text) is str else text


_SHARED_VALUES: dict[object, object] = {}
_SHARED_VALUES_LIMIT = 10_000
_SHORT = 20  # characters: a string this short is shared (a type, a language), a longer one kept as it is


def _shared_value(value: object) -> object:
    """One object for a copied value that recurs from document to document (a provider, a type): 100,000
    records held 100,000 equal providers, 300 bytes each. Only short texts and tuples of texts are shared (1 ==
    1.0 == True: a number or a boolean could be shared as another one); titles and dates, nearly all distinct,
    are not worth it. A tuple met before is looked up first: only tuples of texts are in the table, and only
    such a tuple can equal one. (Bounded: a corpus of distinct providers only fills the table, and it starts
    again.)"""
    kind = type(value)
    if kind is str:
        return sys.intern(value) if len(value) <= _SHORT else value  # type: ignore[arg-type,call-overload]
    if kind is not tuple:
        return value
    try:
        shared = _SHARED_VALUES.get(value)
    except TypeError:  # (unhashable: not texts)
        return value
    if shared is None:
        if not _texts_only(value):
            return value
        if len(_SHARED_VALUES) >= _SHARED_VALUES_LIMIT:
            _SHARED_VALUES.clear()
        shared = _SHARED_VALUES[value] = value
    return shared


def _texts_only(value: object) -> bool:
    return value is None or type(value) is str or (type(value) is tuple and all(map(_texts_only, value)))


def _shared_texts(texts: tuple[str | None, ...]) -> tuple[str | None, ...]:
    """`_shared` of each, at C speed when all are texts (nearly always)."""
    try:
        return tuple(map(sys.intern, texts))  # type: ignore[arg-type]
    except TypeError:  # (a None among them)
        return tuple(map(_shared, texts))


def flat_record(
    path: str,
    name: str,
    flat_urls: list[str],
    flat_copied: list[object],
    refs: PackedRefs,
    topics: tuple[str, ...],
    aliases: tuple[str, ...],
    fingerprints: bytes,
    title_key: int | None,
    url_key: str | None,
    anchors: bytes,
    shared: bool = True,
) -> IndexRecord:
    """A record made compact: its pairs held flat (field, value, field, value...), its anchors in 16 bits where
    they fit, its file name only when the display path does not end with it; and, `shared`, its texts shared
    (see `_shared`: where records are held, not in a worker, which only sends them)."""
    if shared:
        flat_urls[1::2] = map(_shared, flat_urls[1::2])
        flat_copied[1::2] = map(_shared_value, flat_copied[1::2])
        if refs:
            indexes, ref_urls, keys, ref_copied, titles = refs
            refs = (indexes, _shared_texts(ref_urls), _shared_texts(keys), ref_copied, titles)
        topics = _shared_texts(topics)  # type: ignore[assignment]  # (texts in, texts out)
        aliases = _shared_texts(aliases)  # type: ignore[assignment]
        url_key = _shared(url_key)
    flat_urls[::2] = map(sys.intern, flat_urls[::2])
    flat_copied[::2] = map(sys.intern, flat_copied[::2])  # type: ignore[arg-type]  # (field names)
    return IndexRecord(
        path,
        "" if name == os.path.basename(path) else name,
        tuple(flat_urls),
        tuple(flat_copied),
        refs,
        topics,
        aliases,
        fingerprints,
        title_key,
        url_key,
        _compact_anchors(anchors),
    )


def _compact_anchors(anchors: bytes) -> array[int]:
    """The recorded anchors (32-bit integers, as stored) in 16 bits when every one fits, as nearly always: a
    document's lines and offsets are rarely past 65,535 (anchors were an eighth of a record's memory). Decided and
    made by slicing the bytes (at C speed: 100,000 records are read at once): each number fits when its two high
    bytes are 0, and is then its two low bytes."""
    low, high = (0, 2) if sys.byteorder == "little" else (2, 0)
    if anchors[high::4].count(0) + anchors[high + 1 :: 4].count(0) != len(anchors) // 2:
        return array("i", anchors)
    compact = bytearray(len(anchors) // 2)
    compact[0::2] = anchors[low::4]
    compact[1::2] = anchors[low + 1 :: 4]
    return array("H", compact)


@dataclass(frozen=True, slots=True)
class IndexRecord:
    """A document as the corpus index sees it. Made by `flat_record` (see `record_for`), compact: 100,000
    records are held at once, and pairs of small tuples, a file name repeating the path's end and 32-bit
    anchors were 14% of their memory (benchmarks/record_memory.py: 2,417 bytes a record, 2,089 since)."""

    path: str  # display path
    own_name: str  # the file name (see `name`) when the display path does not end with it, else ""
    flat_urls: tuple[str, ...]  # field, URL, field, URL... of the document's own addresses (see `urls`)
    flat_copied: tuple[object, ...]  # field, value... of its own COPIED_FIELDS but UNKEPT_FIELDS (see `copied`)
    refs: PackedRefs  # its related entries, packed (see `related`)
    topics: tuple[str, ...]
    aliases: tuple[str, ...]  # canonical forms of every address of the document (see `aliases`)
    fingerprints: bytes  # of `copied`, compared with the related entries' (see `fingerprints`)
    title_key: int | None
    url_key: str | None  # canonical form of `url`, for duplicate documents
    # Where its corpus findings are shown (see `anchors_for`, `anchored`): positions, not what the document says,
    # so not compared (a record equal but for lines moved affects no other document).
    anchors: array[int] = field(compare=False)

    @property
    def name(self) -> str:
        """The file name, as messages show it."""
        return self.own_name or os.path.basename(self.path)

    @property
    def urls(self) -> tuple[tuple[str, str], ...]:
        """(field, URL) of the document's own addresses."""
        flat = self.flat_urls
        return tuple(zip(flat[::2], flat[1::2], strict=True))

    @property
    def copied(self) -> tuple[tuple[str, object], ...]:
        flat = self.flat_copied
        return tuple(zip(flat[::2], flat[1::2], strict=True))  # type: ignore[arg-type]

    @property
    def related(self) -> tuple[RelatedRef, ...]:
        return unpack_refs(self.refs)

    @property
    def ref_keys(self) -> tuple[str | None, ...]:
        """The canonical addresses its related entries name (None for an entry without one), unpacked."""
        return self.refs[2] if self.refs else ()

    @property
    def url(self) -> str | None:
        """The address a related entry should name: webUrl, else originalUrl."""
        return self.own_url("webUrl") or self.own_url("originalUrl")

    def own_url(self, name: str) -> str | None:
        """The document's own address in field `name`, if it has one (the last, as a mapping of the pairs holds it:
        a document names each field once, and only a stored record made by hand could name one twice)."""
        names = self.flat_urls[::2]  # (at C speed: the duplicate-address rule asks for every document of a group)
        if name not in names:
            return None
        return self.flat_urls[2 * (len(names) - 1 - names[::-1].index(name)) + 1]

    def value(self, name: str) -> object:
        """The document's own value of field `name` (the first, as `copied` lists them), if it has one."""
        names = self.flat_copied[::2]  # (at C speed, as in `own_url`)
        return self.flat_copied[2 * names.index(name) + 1] if name in names else None


def stored_anchors(record: IndexRecord) -> bytes:
    """The record's anchors as `anchors_for` made them, and the cache stores them: 32-bit integers."""
    return array("i", record.anchors).tobytes()


def fingerprint(value: object) -> int:
    """A stable 64-bit fingerprint of plain data."""
    return int.from_bytes(digest(value, 8), "big")


_ABSENT = bytes(8)


def fingerprints(copied: tuple[tuple[str, object], ...]) -> bytes:
    """8 bytes per field of COPIED_FIELDS, in that order, zero where the field is absent: one small
    bytes object per related entry (a corpus holds hundreds of thousands), compared in one step.
    A fingerprint stands for what a value means: a date-time's is that of the instant it names."""
    values = dict(copied)
    return b"".join(fingerprint_of(name, values[name]) if name in values else _ABSENT for name in COPIED_FIELDS)


def fingerprint_of(name: str, value: object) -> bytes:
    """The 8-byte fingerprint of one copied value (a provider: its (name, domain) pairs)."""
    return digest(meaning(name, value), 8)


def meaning(name: str, value: object) -> object:
    """What a copied value says, as compared between a copy and its target: the text, except that a
    date-time says an instant (its spelling is SL205's business, on each side)."""
    if name == "publishedDateTime" and isinstance(value, str):
        moment = instant(value)
        if moment is not None:
            return ("instant", moment)
    return value


def differing_fields(entry: bytes, target: bytes) -> list[str]:
    """The fields an entry copies that differ from the target's (fields either side lacks are not compared)."""
    if entry == target:
        return []
    found = []
    for i, name in enumerate(COPIED_FIELDS):
        mine, theirs = entry[8 * i : 8 * i + 8], target[8 * i : 8 * i + 8]
        if mine != _ABSENT and theirs != _ABSENT and mine != theirs:
            found.append(name)
    return found


def title_key(copied: tuple[tuple[str, object], ...]) -> int | None:
    values = dict(copied)
    title = values.get("title")
    return fingerprint((title, values.get("provider"))) if isinstance(title, str) and title else None


def provider_value(value: object) -> object:
    # Only name and domain are copied into related entries (a document's provider may also carry logos).
    if isinstance(value, dict):
        return tuple((k, _frozen(value.get(k))) for k in ("name", "domain"))
    return _frozen(value)


def _frozen(value: object) -> object:
    """Hashable plain data: records are compared and used as keys even when a field has a wrong type."""
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def _copied(mapping: Mapping[str, object]) -> tuple[tuple[str, object], ...]:
    return tuple(
        (name, provider_value(mapping[name]) if name == "provider" else _frozen(mapping[name]))
        for name in COPIED_FIELDS
        if name in mapping
    )


# What a related entry gives the index beside its webUrl (its canonical address and fingerprints) is a function of
# the entry alone, and entries recur across a corpus (each copy of an article in every list naming it): remembered
# by the entry's digest (Document.entry_keys), bounded. A worker of a 100,000-document run meets about 96,000
# distinct entries, each three times or so, far apart: at 25,000 (cleared when full) 13% of them were found here,
# at 120,000 71%: a worker's 50,000 documents took 5% less CPU (61.9 s against 65.3) and 23 MB more (154 MB
# against 131; the webUrl is taken from the entry each time, not kept here).
_ENTRY_REFS: dict[bytes, tuple[str | None, bytes, int | None]] = {}
_ENTRY_REFS_LIMIT = 120_000


def _entry_ref(index: int, entry: Mapping[str, object], key: bytes | None) -> RelatedRef:
    url = entry.get("webUrl")
    url = url if isinstance(url, str) and url.strip() else None
    known = _ENTRY_REFS.get(key) if key is not None else None
    if known is None:
        copied = _copied(entry)
        known = (canonical_url(url) if url else None, fingerprints(copied), title_key(copied))
        if key is not None:
            if len(_ENTRY_REFS) >= _ENTRY_REFS_LIMIT:
                _ENTRY_REFS.clear()
            _ENTRY_REFS[key] = known
    return RelatedRef(index, url, *known)


def record_for(doc: Document) -> IndexRecord | None:
    """The index record of a parsed document (None for a document whose front matter did not parse)."""
    data = doc.data
    if data is None:
        return None
    urls = tuple((name, url) for name in ALIAS_FIELDS if isinstance(url := data.get(name), str))
    related: list[RelatedRef] = []
    entries = data.get("related")
    if isinstance(entries, list):
        for index, (entry, key) in enumerate(zip(entries, doc.entry_keys(), strict=True)):
            if isinstance(entry, dict):
                related.append(_entry_ref(index, entry, key))
    listed = data.get("topics")
    topics = tuple(t for t in listed if isinstance(t, str)) if isinstance(listed, list) else ()
    copied = _copied(data)
    kept = tuple((name, value) for name, value in copied if name not in UNKEPT_FIELDS)
    own_url = dict(urls).get("webUrl") or dict(urls).get("originalUrl")
    return flat_record(
        doc.display_path,
        os.fsencode(doc.path.name).decode("utf-8", "backslashreplace"),  # (as display paths: \xNN, not surrogates)
        [part for pair in urls for part in pair],
        [part for pair in kept for part in pair],
        pack_refs(related),
        topics,
        tuple(sorted(_aliases(urls))),
        fingerprints(copied),
        title_key(copied),
        canonical_url(own_url) if own_url else None,
        anchors_for(doc, data, urls, related),
        shared=False,  # (a worker's: sent, not held)
    )


# The values a corpus finding is shown on, recorded at the first parse so that the corpus rules position
# their findings without parsing a document again: the document's own webUrl, originalUrl and title
# (duplicate documents) and each related entry's webUrl (dangling, near miss, duplicate entry,
# self-reference). Each as ANCHOR 32-bit integers: its span (line, column, end line, end column, start and
# end offsets) and quoting style (0 for plain, else the style character's code), all 0 where there is none.
ANCHORED_FIELDS = ("webUrl", "originalUrl", "title")
ANCHOR = 7
_NO_ANCHOR = (0,) * ANCHOR


def anchors_for(
    doc: Document, data: Mapping[str, object], urls: tuple[tuple[str, str], ...], related: list[RelatedRef]
) -> bytes:
    """The record's anchors (b"" when none): only for a string value whose scalar is exactly the value the
    record holds (so that the finding's locus is known from the record, as `locus.locate` gives it)."""
    own = dict(urls)
    title = data.get("title")
    values = array("i")
    if doc.root is None or doc.text is None:
        return b""
    # libyaml's marks give the line and column at no cost where it breaks lines as the document's positions
    # do (only at line feeds): no lone carriage return, U+0085, U+2028 or U+2029 in the front matter.
    text, first, last = doc.text, doc.yaml_start, doc.yaml_end
    marks = text.count("\r", first, last) == text.count("\r\n", first, last) and not any(
        text.find(char, first, last) != -1 for char in "\x85\u2028\u2029"
    )  # (str.count and str.find scan at C speed, where a regular expression with alternatives does not)
    top = _values_of(doc.root, (*ANCHORED_FIELDS, "related"))
    if top is None:  # (merge keys: as find walks them)
        top = {name: found[1] for name in (*ANCHORED_FIELDS, "related") if (found := doc.find((name,)))[2] == 1}
    flow = bool(doc.root.flow_style)  # (the values of a flow mapping are in a flow collection)
    for name in ANCHORED_FIELDS:
        values.extend(_anchor(doc, top.get(name), title if name == "title" else own.get(name), marks, flow))
    listed = top.get("related")
    items = listed.value if isinstance(listed, yaml.SequenceNode) else []
    for ref in related:
        entry = items[ref.index] if ref.index < len(items) else None
        webs = _values_of(entry, ("webUrl",)) if entry is not None else {}
        if webs is None:  # (merge keys: as find walks them)
            webs = {"webUrl": found[1]} if (found := doc.find(("related", ref.index, "webUrl")))[2] == 3 else {}
        values.extend(_anchor(doc, webs.get("webUrl"), ref.url, marks, flow or bool(entry and entry.flow_style)))
    return values.tobytes() if any(values) else b""


def _values_of(mapping: yaml.Node, names: tuple[str, ...]) -> dict[str, yaml.Node] | None:
    """The value nodes of `names` in `mapping` in one pass, as `yamltree.find` finds them (the last
    duplicate wins); None for a mapping with a merge key (left to `find`). A key that is not a scalar reads
    as its flow form (`[a]`, `{a: b}`), never as a field name."""
    found: dict[str, yaml.Node] = {}
    if not isinstance(mapping, yaml.MappingNode):
        return found
    for key, value in mapping.value:
        if isinstance(key, yaml.ScalarNode):
            if key.value in names:
                found[key.value] = value
            elif key.value == "<<":  # (perhaps a merge key)
                return None
    return found


def _anchor(doc: Document, node: yaml.Node | None, value: object, marks: bool, flow: bool) -> tuple[int, ...]:
    """`flow`: the value sits in a flow collection (its style, when plain, is FLOW_PLAIN: see edits.plain)."""
    if not isinstance(value, str) or not isinstance(node, yaml.ScalarNode) or node.value != value:
        return _NO_ANCHOR
    if doc.has_properties(node):
        return _NO_ANCHOR  # (an anchor or a tag before the value: positioned with the document, which skips them)
    style = ord(node.style) if node.style else ord(FLOW_PLAIN) if flow else 0
    if not marks:
        span = doc.node_span(node)
        return (span.line, span.column, span.end_line, span.end_column, span.start, span.end, style)
    start, end, first = node.start_mark, node.end_mark, doc.yaml_first_line  # (the front matter starts a line)
    return (
        first + start.line,
        start.column + 1,
        first + end.line,
        end.column + 1,
        doc.yaml_start + start.index,
        doc.yaml_start + end.index,
        style,
    )


@dataclass(frozen=True, slots=True)
class Anchored:
    """A value of a document as its corpus findings show it: span, quoting style, locus and text key."""

    span: Span
    style: str | None
    locus: str
    text_key: str


def anchored(record: IndexRecord, where: FieldPath) -> Anchored | None:
    """The recorded anchor of the value at `where` (see `anchors_for`), or None: the document is needed."""
    if not record.anchors:
        return None
    if len(where) == 1 and where[0] in ANCHORED_FIELDS:
        slot = ANCHORED_FIELDS.index(where[0])
        name = where[0]
        value = record.value("title") if name == "title" else record.own_url(name)
        locus = name
    elif len(where) == 3 and where[0] == "related" and where[2] == "webUrl" and record.refs:
        indexes, ref_urls = record.refs[0], record.refs[1]
        position = where[1] if indexes is None else (indexes.index(where[1]) if where[1] in indexes else -1)
        if not isinstance(position, int) or not 0 <= position < len(ref_urls):
            return None
        slot, value = len(ANCHORED_FIELDS) + position, ref_urls[position]
        locus = f"related[{value.strip()}].webUrl" if isinstance(value, str) else ""
    else:
        return None
    numbers = record.anchors[ANCHOR * slot : ANCHOR * (slot + 1)]
    if len(numbers) != ANCHOR or not numbers[0] or not isinstance(value, str):
        return None
    line, column, end_line, end_column, start, end, style = numbers
    if chr(style) in BLOCK_STYLES:
        return None  # (its fix keeps the value's lines: edits.replace_value, with the document)
    return Anchored(
        Span(line, column, end_line, end_column, start, end),
        chr(style) if style else None,
        locus,
        whole_value_key(value),
    )


_NOWHERE = Span(0, 0, 0, 0, 0, 0)


def _aliases(urls: tuple[tuple[str, str], ...]) -> set[str]:
    """Canonical forms of every address of a document, including the AMP-cache form of its AMP page."""
    keys = {canonical_url(url) for _, url in urls}
    amp = dict(urls).get("ampWebUrl")
    if amp:
        keys.add(canonical_url(amp_cache_url(amp)))
    return keys


def host_of(url: str) -> str:
    return host_key(canonical_url(url))


def host_key(key: str) -> str:
    """The host of a canonical address."""
    return key.split("/", 1)[0]


def identity_key(record: IndexRecord) -> tuple[object, ...] | None:
    """Title, provider and publication date: two documents sharing it are probably one article (SL509)."""
    title, provider, published = record.value("title"), record.value("provider"), record.value("publishedDateTime")
    return index_key(title, provider, published[:10]) if title and isinstance(published, str) else None


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a related entry's address names: no document, one (`target`), or several captures of one
    article at that address (`ambiguous`, sorted by path)."""

    candidates: tuple[IndexRecord, ...] = ()
    exact: bool = False  # named by the address as written (else by another spelling of it)

    def __bool__(self) -> bool:
        return bool(self.candidates)

    @property
    def target(self) -> IndexRecord | None:
        """The one document named, when the address names exactly one."""
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    def paths(self) -> tuple[str, ...]:
        return tuple(record.path for record in self.candidates)


NOTHING = Resolution()


Handle = TypeVar("Handle")  # what an index knows a document by (see Index.on_host)


class Index(Generic[Handle]):
    """Lookups over the corpus's records that the corpus rules use. Two kinds: CorpusIndex holds every
    record in memory (a full run); StoredIndex asks the cache for the few records a change affects
    (an incremental run). Both answer every question the same way, through these methods."""

    def named(self, key: str) -> list[IndexRecord]:
        """The documents with this canonical address among their aliases."""
        raise NotImplementedError

    def on_host(self, host: str) -> Iterable[tuple[str, Handle]]:
        """(alias, handle) of every alias on `host`; `record(handle)` gives its document."""
        raise NotImplementedError

    def record(self, handle: Handle) -> IndexRecord | None:
        raise NotImplementedError

    def titled(self, title_key: int) -> list[IndexRecord]:
        raise NotImplementedError

    def same_address(self, url_key: str) -> list[IndexRecord]:
        """The documents whose own address (webUrl, else originalUrl) has this canonical form."""
        raise NotImplementedError

    def same_identity(self, identity: tuple[object, ...]) -> list[IndexRecord]:
        raise NotImplementedError

    def resolve(self, url: str | None, key: str | None = None) -> Resolution:
        """The documents a related entry's address names. The address as written comes first: the documents
        with exactly that webUrl, originalUrl, ampWebUrl or cdnAmpWebUrl. Only when none has it do other
        spellings of it count (`www.`, scheme, trailing slash, tracking parameters, percent-encoding, the
        AMP-cache form: `key`, its canonical form). In azure-news 174 entries name, byte for byte, a document
        whose address differs from a newer capture's only by `www.`: they describe the one they name. Several
        documents at one address (captures of one article, SL508) are all candidates: which one an entry
        describes is never guessed from their dates or file names."""
        if url is None:
            return NOTHING
        # (the index does not change while the rules ask it, and an article's address is in every list naming it)
        known = self.__dict__.setdefault("_resolutions", {})
        found = known.get((url, key))
        if found is None:
            found = known[url, key] = self._resolve(url, key)
        return found

    def _resolve(self, url: str, key: str | None) -> Resolution:
        named = self.named(key if key is not None else canonical_url(url))
        if not named:
            return NOTHING
        exact = [record for record in named if url in record.flat_urls[1::2]]
        chosen = exact or named
        if len(chosen) == 1:
            return Resolution((chosen[0],), bool(exact))
        return Resolution(tuple(sorted(chosen, key=lambda record: record.path)), bool(exact))

    def has_host(self, url: str) -> bool:
        return next(iter(self.on_host(host_of(url))), None) is not None

    def near_miss(self, ref: RelatedRef) -> tuple[IndexRecord, ...]:
        """The documents the unresolved entry was probably meant to name: those with an address one or two
        characters away on the same host (the nearest only; several when they are equally near, sorted by
        path), else the only one with the entry's title and provider."""
        key = ref.key or ""
        found = {record.path: record for record in self.nearest(host_key(key), key)}
        if found:  # the same answer whatever order the index lists the host's addresses in
            return tuple(found[path] for path in sorted(found))
        same_title = self.titled(ref.title_key) if ref.title_key is not None else []
        return (same_title[0],) if len(same_title) == 1 else ()

    def nearest(self, host: str, key: str) -> list[IndexRecord]:
        """The documents with an address on `host` nearest to `key`, within two edits (one per address)."""
        near = self.near_index(host)
        records = (self.record(near.handles[number]) for _, number in near.nearest(key))
        return [record for record in records if record is not None]

    def near_index(self, host: str) -> NearIndex[Handle]:
        """The addresses on `host`, indexed for near misses (built once per host and run, when first asked)."""
        built: dict[str, NearIndex[Handle]] = self.__dict__.setdefault("_near", {})
        if host not in built:
            built[host] = NearIndex(list(self.on_host(host)))
        return built[host]


def count_topics(records: Iterable[IndexRecord]) -> Counter[str]:
    """Each topic's number of documents (a document naming a topic twice counts once)."""
    counts: Counter[str] = Counter()
    for record in records:
        counts.update(set(record.topics))
    return counts


@dataclass
class CorpusIndex(Index[IndexRecord]):
    records: list[IndexRecord]
    # Under each key, its one record itself, or a list of several (see `_add`).
    by_alias: dict[str, Any] = field(default_factory=dict)
    by_host: dict[str, tuple[list[str], list[IndexRecord]]] = field(default_factory=dict)  # (aliases, records)
    by_title: dict[int, Any] = field(default_factory=dict)
    by_url: dict[str, Any] = field(default_factory=dict)
    by_identity: dict[tuple[object, ...], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for record in self.records:
            for key in record.aliases:
                _add(self.by_alias, key, record)
                aliases, records = self.by_host.setdefault(host_key(key), ([], []))
                aliases.append(key)
                records.append(record)
            if record.title_key is not None:
                _add(self.by_title, record.title_key, record)
            if record.url_key is not None:
                _add(self.by_url, record.url_key, record)
            identity = identity_key(record)
            if identity is not None:
                _add(self.by_identity, identity, record)

    def named(self, key: str) -> list[IndexRecord]:
        return _all(self.by_alias, key)

    def on_host(self, host: str) -> Iterable[tuple[str, IndexRecord]]:
        aliases, records = self.by_host.get(host, ((), ()))
        return zip(aliases, records, strict=True)

    def record(self, handle: IndexRecord) -> IndexRecord:
        return handle

    def titled(self, title_key: int) -> list[IndexRecord]:
        return _all(self.by_title, title_key)

    def same_address(self, url_key: str) -> list[IndexRecord]:
        return _all(self.by_url, url_key)

    def same_identity(self, identity: tuple[object, ...]) -> list[IndexRecord]:
        return _all(self.by_identity, identity)


IndexKey = TypeVar("IndexKey")


def _add(table: dict[IndexKey, Any], key: IndexKey, record: IndexRecord) -> None:
    """`record` under `key`: itself when it is the first, else in a list (nearly every address, title and identity
    is one document's: a list each cost 100,000 records 35 MB)."""
    known = table.get(key)
    if known is None:
        table[key] = record
    elif type(known) is list:
        known.append(record)
    else:
        table[key] = [known, record]


def _all(table: dict[IndexKey, Any], key: IndexKey) -> list[IndexRecord]:
    """The records under `key` (a new list: the caller may keep or change it)."""
    known = table.get(key)
    return [] if known is None else list(known) if type(known) is list else [known]


def index_key(*values: object) -> tuple[object, ...] | None:
    """Field values as a dictionary key; None when one holds a list or a mapping where text belongs
    (the schema rules report that document)."""
    key = tuple(values)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def web_url_problem(url: str) -> str | None:
    """Why `url` cannot be the address of a web page, or None when it can. Whitespace is no such reason
    (a browser percent-encodes it, and SL304 reports it): such an address resolves like any other."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return "cannot be parsed as a URL (malformed host or port)"
    if not parts.scheme or "." in parts.scheme:  # `example.com:8080/a` is a host without a scheme
        return "has no scheme: a web address starts with https:// or http://"
    if parts.scheme not in ("http", "https"):
        return f"is a `{parts.scheme}:` address, not a web (http or https) one"
    if not host:
        return f"has no host: a web address reads {parts.scheme}://host/path"
    if any(char.isspace() for char in host):
        return f"has whitespace in its host `{host}`"
    return None


# What a positioned corpus diagnostic is remembered by (see Corpus.report): rule code, where, on the key or
# not, the message when it does not depend on the document, and what else determines message and fix.
MemoKey: TypeAlias = tuple[str, FieldPath, bool, str | None, object]


class _NoPositioned(Mapping[MemoKey, Diagnostic]):
    """The empty memo of positioned findings that results share (see Checked.positioned): read only, and pickled (a
    fix run's workers send results) as a reference to the one of the process that loads it."""

    def __getitem__(self, key: MemoKey) -> Diagnostic:
        raise KeyError(key)

    def __iter__(self) -> Iterator[MemoKey]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __reduce__(self) -> str:
        return "NO_POSITIONED"


NO_POSITIONED: Mapping[MemoKey, Diagnostic] = _NoPositioned()


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
    lost: dict[str, str] = field(default_factory=dict)  # `--since`: address → the document it named then
    # Per document, positioned corpus diagnostics from earlier runs on the same content (kept in the
    # cache with the file's result): a warm run reports them without parsing the document again.
    positioned: dict[str, dict[MemoKey, Diagnostic]] = field(default_factory=dict)
    # Every record's index (a full run), or the cache's (an incremental run, where `records` are only
    # the documents a change affects).
    index: Index[Any] | None = None
    # Each topic's number of documents, when the caller keeps it (the language server: from the saved corpus's,
    # not counted again over every record at each keystroke); else counted from `records` when first asked.
    topics: Counter[str] | None = None
    used: dict[str, set[MemoKey]] = field(init=False, default_factory=dict)  # memo keys this run asked for, per path
    added: set[str] = field(init=False, default_factory=set)  # paths whose memo gained an entry
    # (path, host, title fingerprint) of every related entry that resolved to nothing: a later change
    # on that host or to a document with that title may make it resolve or suggest a near miss.
    unresolved: list[tuple[str, str, int | None]] = field(init=False, default_factory=list)
    DOCUMENTS_KEPT: ClassVar[int] = 64
    # Positions the waiting findings in their documents (see `settle`): the engine's places them in the workers.
    place: Placer | None = None
    _documents: dict[str, Document | None] = field(default_factory=dict)
    # The findings waiting for their document: (path, memo key) → what is wanted, and its stand-in.
    _waiting: dict[tuple[str, MemoKey], tuple[Wanted, Diagnostic]] = field(init=False, default_factory=dict)
    _by_path: dict[str, IndexRecord] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        if self.index is None:
            self.index = CorpusIndex(self.records)
        self._by_path = {record.path: record for record in self.records}

    def topic_counts(self) -> Counter[str]:
        """Each topic's number of documents (`topics`, else counted over `records` once)."""
        if self.topics is None:
            self.topics = count_topics(self.records)
        return self.topics

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
        self,
        path: str,
        rule: Rule,
        where: FieldPath,
        message: str | Composed,
        *,
        key: bool = False,
        fix: SetValue | None = None,
        identity: object = None,
    ) -> Diagnostic | None:
        """A diagnostic on document `path` at `where`: positioned from the record's anchors, or as an earlier run
        positioned it on the same content, or else a stand-in until `settle` positions it in its document.
        `message` may be made from the document (it quotes the document's own text: `Composed`); `identity` is
        then whatever else determines the message and the fix (the target and the values it writes), so that a
        memo entry is reused only when exact."""
        if isinstance(message, str) and not key:
            record = self._by_path.get(path)
            place = anchored(record, where) if record is not None else None
            if place is not None:  # positioned from the record: no document, nothing to remember
                made = (
                    replace_span(place.span, place.style, fix.value, safe=fix.safe, description=fix.description)
                    if fix is not None
                    else None
                )
                return rule.at_known(path, place.span, message, made, place.locus, place.text_key)
        memo_key: MemoKey = (rule.code, where, key, message if isinstance(message, str) else None, identity)
        self.used.setdefault(path, set()).add(memo_key)
        memo = self.positioned.setdefault(path, {})
        if memo_key in memo:
            return memo[memo_key]
        waiting = self._waiting.get((path, memo_key))
        if waiting is None:
            # (a stand-in, never shown: `settle` replaces it, at its place in the rules' order)
            stand_in = rule.at_known(path, _NOWHERE, "", None, "", "")
            waiting = self._waiting[(path, memo_key)] = (Wanted(path, rule.code, where, key, message, fix), stand_in)
        return waiting[1]

    def settled_memo(self, path: str, before: Mapping[MemoKey, Diagnostic]) -> Mapping[MemoKey, Diagnostic]:
        """A document's memo of positioned findings once the rules have run (`before`: its result's): with the
        findings `settle` positioned for it, and, when the run reported on it, only those this run asked for (a
        memo never outgrows what the corpus reports); the shared empty one when it holds none."""
        memo = self.positioned.get(path, before)
        if path in self.reported:
            used = self.used.get(path, set())
            memo = {key: found for key, found in memo.items() if key in used}
        return memo or NO_POSITIONED

    def settle(self, found: list[Diagnostic], internal_errors: list[str]) -> list[Diagnostic]:
        """`found` with the stand-ins of `report` positioned in their documents, all at once: by `place` (in
        the workers) when it is given, else here; remembered, as an earlier run's are. A finding whose document
        cannot be read any more (deleted meanwhile) is left out."""
        if not self._waiting:
            return found
        waiting, self._waiting = self._waiting, {}
        groups: dict[str, list[Wanted]] = {}
        for wanted, _ in waiting.values():
            groups.setdefault(wanted.path, []).append(wanted)
        elsewhere = self.place(groups) if self.place is not None else None
        placed, errors = elsewhere if elsewhere is not None else place_here(groups, self.document)
        internal_errors.extend(errors)
        made: dict[int, Diagnostic | None] = {}
        at = {path: iter(diagnostics) for path, diagnostics in placed.items()}
        for (path, memo_key), (_, stand_in) in waiting.items():
            diagnostic = made[id(stand_in)] = next(at[path])
            if diagnostic is not None:
                self.positioned.setdefault(path, {})[memo_key] = diagnostic
                self.added.add(path)
        return [d for d in (made.get(id(d), d) for d in found) if d is not None]

    def referrers(self, paths: Iterable[str]) -> set[str]:
        """Documents with a related entry that names one of `paths` (resolved against this corpus)."""
        wanted = set(paths)
        found = set()
        index = self.index
        assert index is not None  # (set by __post_init__)
        for record in self.records:
            if record.refs:
                urls, keys = record.refs[1], record.refs[2]
                for url, key in zip(urls, keys, strict=True):
                    if any(path in wanted for path in index.resolve(url, key).paths()):
                        found.add(record.path)
                        break
        return found
