"""seedlint's results as data only, for the cache: MessagePack written here, and read back into seedlint's
own types with every value's type and shape checked.

The cache lives in the checked repository's folder, which an attacker may write (a pull request), so what it
holds is data, never code: no pickle (whose loading calls whatever the bytes name), no marshal (whose
documentation says it is not safe against malicious data: it builds code objects, and crafted input has
crashed the interpreter). MessagePack (the `msgpack` package, C) builds only nil, booleans, integers,
floats, text, bytes, lists and mappings with text keys; its lengths are bounded by the input's size, and an
extension type comes back as an `ExtType` object that no check below accepts. It encodes a run's report
6x and decodes it 2x faster than the standard library's JSON (bytes stay bytes, text needs no escapes).
`decode_*` then build `Checked`, `Diagnostic` and `IndexRecord` from the data and raise `Malformed` on
anything else: a wrong type, a wrong length, an unknown rule code or severity. The caller treats that as a
cache miss.

Plain values whose kind the code does not fix (a copied field's value, a diagnostic's `extra`, a memo key's
identity) are written in a tagged form that keeps tuples and mappings apart from lists (`encode_value`):
equality and hashing of what is read back must be those of what was written.
"""

from __future__ import annotations

import functools
import itertools
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, overload

import msgpack

from seedlint.corpus import (
    ANCHOR,
    ANCHORED_FIELDS,
    NO_POSITIONED,
    IndexRecord,
    PackedRefs,
    flat_record,
    stored_anchors,
)
from seedlint.diagnostic import Applicability, Diagnostic, Edit, Fix, Severity
from seedlint.discovery import Folder, Listing
from seedlint.fixbasis import EditedValue, FixBasis
from seedlint.results import Checked
from seedlint.rules import all_rules

Data: TypeAlias = Any  # what msgpack.unpackb returns: checked by the decoders before use


class Malformed(Exception):
    """Stored data that does not have the shape seedlint writes: a cache miss."""


_SEVERITIES = {severity.value: severity for severity in Severity}
_APPLICABILITIES = {applicability.value: applicability for applicability in Applicability}
_CODES: frozenset[str] = frozenset()


def _known_codes() -> frozenset[str]:
    global _CODES
    if not _CODES:
        _CODES = frozenset(rule.code for rule in all_rules())
    return _CODES


def dumps(value: object) -> bytes:
    """MessagePack (file names that are not UTF-8 carry surrogates: kept as they are)."""
    packed: bytes = msgpack.packb(value, use_bin_type=True, unicode_errors="surrogatepass")
    return packed


def loads(blob: bytes | memoryview) -> Data:
    try:
        return msgpack.unpackb(
            blob,  # type: ignore[arg-type]  # (any buffer: a memoryview spares copying a stored report)
            raw=False,
            use_list=True,
            strict_map_key=True,
            unicode_errors="surrogatepass",
            timestamp=0,
        )
    except Exception as error:  # malformed input: ValueError, its subclasses, TypeError, an unknown format
        raise Malformed(f"{type(error).__name__}: {error}") from None


# Values of no fixed kind --------------------------------------------------------------------------------

_SCALARS = (str, bytes, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)
_TEXT = frozenset({str})
_OPTIONAL_TEXT = frozenset({str, type(None)})


def encode_value(value: object) -> Data:
    """Plain data, exactly: a list stays a list, a tuple is {"t": [...]}, a mapping with text keys
    {"d": {...}}. Anything else is a bug (TypeError)."""
    if isinstance(value, _SCALARS):
        return value
    if type(value) is tuple:
        return {"t": [encode_value(item) for item in value]}
    if type(value) is list:
        return [encode_value(item) for item in value]
    if type(value) is dict and all(type(key) is str for key in value):
        return {"d": {key: encode_value(item) for key, item in value.items()}}
    raise TypeError(f"not plain data: {type(value).__name__}")


def decode_value(value: Data) -> object:
    kind = type(value)  # (MessagePack gives these exact types, never a subclass: looked up, not isinstance'd)
    if kind in _SCALAR_TYPES:
        return value
    if kind is list:
        return list(map(decode_value, value))
    if kind is dict and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "t" and type(inner) is list:
            return tuple(map(decode_value, inner))
        if tag == "d" and type(inner) is dict and set(map(type, inner)) <= _TEXT:
            return {key: decode_value(item) for key, item in inner.items()}
    raise Malformed("not a tagged value")


def _bytes(value: Data) -> bytes:
    _check(type(value) is bytes, "not bytes")
    return value


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise Malformed(what)


def _text(value: Data) -> str:
    _check(type(value) is str, "not text")
    return value


def _integer(value: Data) -> int:
    _check(type(value) is int, "not an integer")
    return value


def _optional(value: Data, kind: Callable[[Data], Any]) -> Any:
    return None if value is None else kind(value)


def _texts(value: Data, optional: bool = False) -> tuple[Any, ...]:
    """A list of texts (or None with `optional`) as a tuple; the types are collected at C speed."""
    _check(type(value) is list and set(map(type, value)) <= (_OPTIONAL_TEXT if optional else _TEXT), "not texts")
    return tuple(value)


# Diagnostics -------------------------------------------------------------------------------------------


def encode_diagnostics(diagnostics: Sequence[Diagnostic]) -> Data:
    """Diagnostics in columns: a report holds tens of thousands, and columns are checked and rebuilt at C speed.
    Twelve columns of one item per diagnostic (path, line, column, code, severity, message, end line, end
    column, name, extra, locus, text key), then the fixes in columns of one item per fix (which diagnostic,
    applicability, description, number of edits) and the edits in columns of one item per edit (start, end,
    content). Each `extra` is its own small MessagePack (or None when empty): the few distinct ones of a
    report are decoded once each. None for no diagnostics (most files have none)."""
    if not diagnostics:
        return None
    fixed = [(index, d.fix) for index, d in enumerate(diagnostics) if d.fix is not None]
    edits = [edit for _, fix in fixed for edit in fix.edits]
    return [
        [d.path for d in diagnostics],
        [d.line for d in diagnostics],
        [d.column for d in diagnostics],
        [d.code for d in diagnostics],
        [d.severity.value for d in diagnostics],
        [d.message for d in diagnostics],
        [d.end_line for d in diagnostics],
        [d.end_column for d in diagnostics],
        [d.name for d in diagnostics],
        [_encode_extra(d.extra) if d.extra else None for d in diagnostics],
        [d.locus for d in diagnostics],
        [d.text_key for d in diagnostics],
        [index for index, _ in fixed],
        [fix.applicability.value for _, fix in fixed],
        [fix.description for _, fix in fixed],
        [len(fix.edits) for _, fix in fixed],
        [edit.start for edit in edits],
        [edit.end for edit in edits],
        [edit.content for edit in edits],
    ]


_INT = frozenset({int})
_OPTIONAL_INT = frozenset({int, type(None)})
_OPTIONAL_BYTES = frozenset({bytes, type(None)})
_COLUMNS = 19  # of encode_diagnostics
_PER_DIAGNOSTIC = 12  # the first columns: one item per diagnostic; then four per fix, three per edit


def decode_diagnostics(value: Data, path: str | None = None) -> list[Diagnostic]:
    """`path`: the file's path, when the diagnostics are one file's (a result's): they share that string."""
    return _objects(_checked_columns(value), path)


def _checked_columns(value: Data) -> Data:
    """`encode_diagnostics`'s columns, every value's type and shape checked (Malformed otherwise), not yet made
    into objects: `_objects` makes them, and cannot fail on what this accepted. None for no diagnostics."""
    if value is None:
        return None
    _check(type(value) is list and len(value) == _COLUMNS and set(map(type, value)) == {list}, "not diagnostics")
    paths, lines, columns, codes, severities, messages, end_lines, end_columns, names, extras, loci, keys = value[
        :_PER_DIAGNOSTIC
    ]
    fixed, applicabilities, descriptions, counts, starts, ends, contents = value[_PER_DIAGNOSTIC:]
    _check(
        len(set(map(len, value[:_PER_DIAGNOSTIC]))) == 1
        and len(fixed) == len(applicabilities) == len(descriptions) == len(counts)
        and len(starts) == len(ends) == len(contents),
        "diagnostics of unequal lengths",
    )
    _check(
        set(map(type, paths)) <= _TEXT
        and set(map(type, lines)) <= _INT
        and set(map(type, columns)) <= _INT
        and set(map(type, codes)) <= _TEXT
        and set(codes) <= _known_codes()
        and set(map(type, severities)) <= _TEXT
        and set(severities) <= _SEVERITIES.keys()
        and set(map(type, messages)) <= _TEXT
        and set(map(type, end_lines)) <= _OPTIONAL_INT
        and set(map(type, end_columns)) <= _OPTIONAL_INT
        and set(map(type, names)) <= _TEXT
        and set(map(type, extras)) <= _OPTIONAL_BYTES
        and set(map(type, loci)) <= _TEXT
        and set(map(type, keys)) <= _TEXT,
        "not diagnostics",
    )
    _check(
        set(map(type, fixed)) <= _INT
        and fixed == sorted(set(fixed))
        and (not fixed or (fixed[0] >= 0 and fixed[-1] < len(paths)))
        and set(map(type, applicabilities)) <= _TEXT
        and set(applicabilities) <= _APPLICABILITIES.keys()
        and set(map(type, descriptions)) <= _TEXT
        and set(map(type, counts)) <= _INT
        and (not counts or min(counts) >= 0)
        and sum(counts) == len(starts)
        and set(map(type, starts)) <= _INT
        and set(map(type, ends)) <= _INT
        and set(map(type, contents)) <= _TEXT,
        "not fixes",
    )
    for blob in set(extras) - {None}:  # (each distinct one decoded once, and remembered for `_objects`)
        _shared_extra(blob)
    return value


def _objects(value: Data, path: str | None = None) -> list[Diagnostic]:
    """The diagnostics of columns `_checked_columns` accepted; those on `path` share that string. Their texts are
    interned: rule codes and names (100,000 results held 30,000 copies of each), and messages, loci, text keys and
    fixes, which repeat across documents (a related entry's finding recurs in every copy of the entry: at 100,000
    generated documents, 31,000 findings say 1,058 distinct messages: 43 MB of findings, 20 MB once interned)."""
    if value is None:
        return []
    paths, lines, columns, codes, severities, messages, end_lines, end_columns, names, extras, loci, keys = value[
        :_PER_DIAGNOSTIC
    ]
    if path is not None:
        paths = [path if each == path else each for each in paths]
    return list(
        map(
            Diagnostic,
            paths,
            lines,
            columns,
            map(sys.intern, codes),
            map(_SEVERITIES.__getitem__, severities),
            map(sys.intern, messages),
            end_lines,
            end_columns,
            _built_fixes(len(paths), *value[_PER_DIAGNOSTIC:]),
            map(sys.intern, names),
            _decode_extras(extras),
            map(sys.intern, loci),
            map(sys.intern, keys),
        )
    )


def _built_fixes(
    count: int,
    fixed: list[int],
    applicabilities: list[str],
    descriptions: list[str],
    counts: list[int],
    starts: list[int],
    ends: list[int],
    contents: list[str],
) -> list[Fix | None]:
    """Each diagnostic's fix (None for most), from the fix and edit columns, built at C speed."""
    edits = list(map(Edit, starts, ends, map(sys.intern, contents)))
    bounds = list(itertools.accumulate(counts, initial=0))
    groups = map(tuple, map(edits.__getitem__, map(slice, bounds, bounds[1:])))
    fixes: list[Fix | None] = [None] * count
    built = map(Fix, groups, map(_APPLICABILITIES.__getitem__, applicabilities), map(sys.intern, descriptions))
    for index, fix in zip(fixed, built, strict=True):
        fixes[index] = fix
    return fixes


class StoredDiagnostics:
    """A report part's diagnostics: their columns checked when the part is read, made into objects when first
    asked for (`built`). A run answered from its report, and a hook's comparison of two runs that share it, look
    at the columns (how many, of which severity, which documents) and build only the parts they compare: building
    a 100,000-document report's 30,000 findings was a third of such a run."""

    __slots__ = ("_columns", "_built")

    def __init__(self, columns: Data):
        self._columns = columns  # (checked: `_checked_columns`; None for none)
        self._built: list[Diagnostic] | None = None

    def __len__(self) -> int:
        return 0 if self._columns is None else len(self._columns[0])

    @property
    def paths(self) -> list[str]:
        return [] if self._columns is None else self._columns[0]

    @property
    def codes(self) -> list[str]:
        return [] if self._columns is None else self._columns[3]

    @property
    def severities(self) -> list[str]:
        """Each diagnostic's severity, as its value ("error", ...)."""
        return [] if self._columns is None else self._columns[4]

    def paths_with_extra(self, holds: Callable[[dict[str, object]], bool]) -> set[str]:
        """The paths of the diagnostics whose `extra` `holds` (each distinct one decoded once)."""
        if self._columns is None:
            return set()
        extras = self._columns[9]
        chosen = {blob for blob in set(extras) - {None} if holds(_shared_extra(blob)[0])}
        return {path for path, blob in zip(self._columns[0], extras, strict=True) if blob in chosen}

    def fixed(self) -> list[tuple[str, str, dict[str, object], Applicability]]:
        """(path, code, extra, applicability) of each diagnostic with a fix, read from the columns (the extras
        shared: not to be changed)."""
        if self._columns is None:
            return []
        paths, codes, extras = self._columns[0], self._columns[3], self._columns[9]
        fixed, applicabilities = self._columns[_PER_DIAGNOSTIC], self._columns[_PER_DIAGNOSTIC + 1]
        return [
            (
                paths[index],
                codes[index],
                _shared_extra(extras[index])[0] if extras[index] else {},
                _APPLICABILITIES[kind],
            )
            for index, kind in zip(fixed, applicabilities, strict=True)
        ]

    def built(self) -> list[Diagnostic]:
        if self._built is None:
            self._built = _objects(self._columns)
        return self._built


def _encode_extra(extra: dict[str, object]) -> bytes:
    """A diagnostic's `extra` as its own small MessagePack: a mapping of text keys to values in which a tuple is
    an array (read back as a tuple at C speed: the common field paths, ("related", 4, "title")), and a list or a
    mapping is tagged ({"l": [...]}, {"d": {...}}). Anything else is a bug (TypeError)."""
    _check_text_keys(extra)
    return dumps({key: _frozen(value) for key, value in extra.items()})


def _frozen(value: object) -> Data:
    if isinstance(value, _SCALARS):
        return value
    if type(value) is tuple:
        return [_frozen(item) for item in value]
    if type(value) is list:
        return {"l": [_frozen(item) for item in value]}
    if type(value) is dict:
        _check_text_keys(value)
        return {"d": {key: _frozen(item) for key, item in value.items()}}
    raise TypeError(f"not plain data: {type(value).__name__}")


def _check_text_keys(value: dict) -> None:
    if not all(type(key) is str for key in value):
        raise TypeError("not a mapping with text keys")


def _decode_extras(extras: list[bytes | None]) -> list[dict[str, object]]:
    """Each diagnostic's `extra` ({} for none). A report repeats few distinct ones (a field path, a value): each
    is decoded once (`_shared_extra`), and a deeply immutable one (texts, numbers, tuples) is shared by copying
    its mapping only; any other is decoded again for each diagnostic."""
    decoded: list[dict[str, object]] = []
    for blob in extras:
        if blob is None:
            decoded.append({})
            continue
        shared, immutable = _shared_extra(blob)
        decoded.append(dict(shared) if immutable else _decode_extra(blob)[0])
    return decoded


@functools.lru_cache(maxsize=4_096)
def _shared_extra(blob: bytes) -> tuple[dict[str, object], bool]:
    """The extra `blob` holds, and whether it is deeply immutable (then shared, to be copied). Malformed raises
    (and is not remembered)."""
    return _decode_extra(blob)


def _decode_extra(blob: bytes) -> tuple[dict[str, object], bool]:
    try:
        value = msgpack.unpackb(blob, raw=False, use_list=False, strict_map_key=True, timestamp=0)
    except Exception as error:  # (as `loads`)
        raise Malformed(f"{type(error).__name__}: {error}") from None
    _check(type(value) is dict and set(map(type, value)) <= _TEXT, "not a mapping")
    found = {key: _thawed(item) for key, item in value.items()}
    return found, all(map(_is_immutable, found.values()))


def _thawed(value: Data) -> object:
    """A value of an extra as written: arrays are tuples already; tagged lists and mappings made again."""
    if type(value) is tuple:
        return value if set(map(type, value)) <= _SCALAR_TYPES else tuple(map(_thawed, value))
    if isinstance(value, _SCALARS):
        return value
    if type(value) is dict and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "l" and type(inner) is tuple:
            return list(map(_thawed, inner))
        if tag == "d" and type(inner) is dict and set(map(type, inner)) <= _TEXT:
            return {key: _thawed(item) for key, item in inner.items()}
    raise Malformed("not a value of an extra")


def _is_immutable(value: object) -> bool:
    if type(value) is tuple:
        return set(map(type, value)) <= _SCALAR_TYPES or all(map(_is_immutable, value))
    return isinstance(value, _SCALARS)


# Index records ------------------------------------------------------------------------------------------


def encode_record(record: IndexRecord) -> Data:
    refs: Data = []
    if record.refs:
        indexes, urls, keys, copied, titles = record.refs
        refs = [None if indexes is None else list(indexes), list(urls), list(keys), copied, titles]
    return [
        record.path,
        record.name,
        [list(pair) for pair in record.urls],
        [[name, encode_value(value)] for name, value in record.copied],
        refs,
        list(record.topics),
        list(record.aliases),
        record.fingerprints,
        record.title_key,
        record.url_key,
        stored_anchors(record),
    ]


def decode_record(value: Data, known_path: str | None = None) -> IndexRecord:
    """`known_path`: the result's own path, decoded already: the record shares it when it is the same."""
    _check(type(value) is list and len(value) == 11, "not an index record")
    path, name, urls, copied, refs, topics, aliases, fingerprints, title_key, url_key, anchors = value
    path = _text(path)
    if path == known_path:
        path = known_path
    _check(type(urls) is list and type(copied) is list, "not an index record")
    flat_urls: list[str] = []
    for pair in urls:
        _check(type(pair) is list and len(pair) == 2 and type(pair[0]) is str and type(pair[1]) is str, "not a URL")
        flat_urls += pair
    flat_copied: list[object] = []
    for pair in copied:
        _check(type(pair) is list and len(pair) == 2 and type(pair[0]) is str, "not a copied field")
        flat_copied += (pair[0], decode_value(pair[1]))
    return flat_record(
        path,
        _text(name),
        flat_urls,
        flat_copied,
        _refs(refs),
        _texts(topics),
        _texts(aliases),
        _bytes(fingerprints),
        _optional(title_key, _integer),
        _optional(url_key, _text),
        _anchors(anchors, refs),
    )


def _anchors(value: Data, refs: Data) -> bytes:
    """Recorded positions (see corpus.anchors_for): none, or one anchor per anchored field and related entry."""
    anchors = _bytes(value)
    entries = len(refs[1]) if type(refs) is list and len(refs) == 5 and type(refs[1]) is list else 0
    _check(not anchors or len(anchors) == 4 * ANCHOR * (len(ANCHORED_FIELDS) + entries), "anchors of the wrong length")
    return anchors


def _refs(value: Data) -> PackedRefs:
    _check(type(value) is list, "not related entries")
    if not value:
        return ()
    _check(len(value) == 5, "not related entries")
    indexes, urls, keys, copied, titles = value
    urls, keys = _texts(urls, optional=True), _texts(keys, optional=True)
    copied, titles = _bytes(copied), _bytes(titles)
    count = len(urls)
    _check(
        count > 0 and len(keys) == count and len(copied) % count == 0 and len(titles) == 8 * count,
        "related entries of unequal lengths",
    )
    if indexes is not None:
        _check(type(indexes) is list and len(indexes) == count and set(map(type, indexes)) <= {int}, "not indexes")
        indexes = tuple(indexes)
    return (indexes, urls, keys, copied, titles)


# Per-file results ---------------------------------------------------------------------------------------


def encode_checked(checked: Checked) -> bytes:
    """A file's result as workers send it and the cache stores it (the cache never stores one with internal
    errors or without a stat: see DiskCache.remember)."""
    return dumps(
        [
            checked.path,
            encode_diagnostics(checked.diagnostics),
            None if checked.record is None else encode_record(checked.record),
            checked.has_suppressions,
            None if checked.stat is None else list(checked.stat),
            checked.digest,
            [[encode_value(key) for key in checked.positioned], encode_diagnostics(list(checked.positioned.values()))],
            checked.internal_errors,
        ]
    )


def decode_checked(blob: bytes | memoryview, path: str | None = None) -> Checked:
    """`path`: the file's display path, when the caller holds it: the result (and its record) share that string
    when it is the one stored (100,000 results held each path twice more)."""
    return _checked_decoding(lambda value: checked_from(value, path), loads(blob))


def _checked_decoding(decode: Callable[[Data], Any], value: Data) -> Any:
    """The shapes are checked step by step above; should one check have been forgotten, the exception it
    lets through is still a miss (Malformed), never an error of the run."""
    try:
        return decode(value)
    except Malformed:
        raise
    except (TypeError, ValueError, KeyError, IndexError, RecursionError) as error:
        raise Malformed(f"{type(error).__name__}: {error}") from None


def checked_from(value: Data, known_path: str | None = None) -> Checked:
    _check(type(value) is list and len(value) == 8, "not a result")
    path, diagnostics, record, has_suppressions, stat, digest, positioned, internal_errors = value
    _check(
        (diagnostics is None or type(diagnostics) is list)
        and type(has_suppressions) is bool
        and (stat is None or (type(stat) is list and len(stat) == 2 and set(map(type, stat)) <= {int}))
        and type(digest) is str
        and type(positioned) is list
        and len(positioned) == 2
        and type(positioned[0]) is list,
        "not a result",
    )
    keys = [decode_value(key) for key in positioned[0]]
    _check(all(type(key) is tuple and len(key) == 5 for key in keys), "not a memo key")
    positioned_diagnostics = decode_diagnostics(positioned[1])
    _check(len(keys) == len(positioned_diagnostics), "memo keys and diagnostics of unequal lengths")
    try:
        memo = dict(zip(keys, positioned_diagnostics, strict=True))
    except TypeError:  # an unhashable key
        raise Malformed("not a memo key") from None
    path = _text(path)
    if path == known_path:
        path = known_path
    return Checked(
        path,
        decode_diagnostics(diagnostics, path),
        None if record is None else decode_record(record, path),
        has_suppressions,
        list(_texts(internal_errors)),
        None if stat is None else (stat[0], stat[1]),
        digest,
        memo or NO_POSITIONED,  # type: ignore[arg-type]  # (keys: tuples of five, checked above)
    )


# What a fix needs from the first parse (sent by workers in a fix run, never cached) --------------------


def encode_basis(basis: FixBasis) -> bytes:
    return dumps(
        [
            basis.data_digest,
            basis.body_start,
            [[value.start, value.end, encode_value(value.path), encode_value(value.old)] for value in basis.edited],
            basis.copies,
        ]
    )


def decode_basis(blob: bytes) -> FixBasis:
    basis: FixBasis = _checked_decoding(_basis_from, loads(blob))
    return basis


def _basis_from(value: Data) -> FixBasis:
    _check(type(value) is list and len(value) == 4, "not a fix basis")
    data_digest, body_start, edited, copies = value
    _check(type(edited) is list and len(_bytes(copies)) % 4 == 0, "not a fix basis")
    values = []
    for item in edited:
        _check(type(item) is list and len(item) == 4, "not an edited value")
        path = decode_value(item[2])
        _check(type(path) is tuple and set(map(type, path)) <= {str, int}, "not a path")
        values.append(EditedValue(_integer(item[0]), _integer(item[1]), path, decode_value(item[3])))  # type: ignore[arg-type]
    return FixBasis(_optional(data_digest, _bytes), _integer(body_start), tuple(values), copies)


# Run reports --------------------------------------------------------------------------------------------
#
# A run's last report (see engine.run and incremental.rerun) is stored in parts, each holding the files of one
# range of display paths (about a thousand) with what the report says of them: their states, which of them have
# errors, their unresolved related entries and their diagnostics. A run reads every part; an incremental rerun
# rewrites only the parts it changed (seedlint/cache.py).


@dataclass(frozen=True, slots=True)
class ReportPart:
    """One part of a stored report, sorted by display path: the files' display and absolute paths (a file's key
    is absolute NUL display) and states (size, mtime, content hash) in columns, the paths of those with errors,
    their unresolved related entries (path, host, title key) and their diagnostics, sorted by path."""

    displays: tuple[str, ...]
    absolutes: tuple[str, ...]  # (the displays themselves when every file's is its absolute path)
    sizes: list[int]
    mtimes: list[int]
    digests: tuple[str, ...]
    errors: tuple[str, ...]
    unresolved: list[tuple[str, str, int | None]]
    stored: StoredDiagnostics

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.stored.built()


def encode_report_part(
    keys: list[str],
    states: list[tuple[int, int, str]],
    errors: Iterable[str],
    unresolved: Iterable[tuple[str, str, int | None]],
    diagnostics: list[Diagnostic],
) -> bytes:
    """`keys` sorted by display path; the absolute paths are not written when they are the display paths (a corpus
    given by its absolute path: None), or the display paths after one prefix (the folder seedlint runs in: that
    prefix; a quarter of a report at 100,000 documents, all read by a hook's run)."""
    split = [key.partition("\0") for key in keys]
    displays, absolutes = [display for _, _, display in split], [absolute for absolute, _, _ in split]
    return dumps(
        [
            displays,
            None if absolutes == displays else _common_prefix(absolutes, displays),
            [state[0] for state in states],
            [state[1] for state in states],
            [state[2] for state in states],
            sorted(errors),
            [list(entry) for entry in unresolved],
            _by_position(encode_diagnostics(diagnostics), displays),
        ]
    )


def _common_prefix(absolutes: list[str], displays: list[str]) -> str | list[str]:
    """The prefix that makes each display path its absolute path, if there is one, else the absolute paths."""
    first, display = (absolutes[0], displays[0]) if displays else ("", "")
    prefix = first[: len(first) - len(display)]
    if prefix + display == first and absolutes == list(map(prefix.__add__, displays)):
        return prefix
    return absolutes


def _by_position(diagnostics: Data, displays: list[str]) -> Data:
    """The diagnostics with each path written as its file's position among `displays` (a path is a file's, and
    written once), unless one is not among them."""
    if diagnostics is None:
        return None
    position = {display: index for index, display in enumerate(displays)}
    if all(path in position for path in diagnostics[0]):
        diagnostics[0] = [position[path] for path in diagnostics[0]]
    return diagnostics


def decode_report_part(blob: bytes | memoryview) -> ReportPart:
    part: ReportPart = _checked_decoding(_report_part_from, loads(blob))
    return part


def _report_part_from(value: Data) -> ReportPart:
    _check(type(value) is list and len(value) == 8, "not a report part")
    displays, absolutes, sizes, mtimes, digests, errors, unresolved, diagnostics = value
    displays, digests, errors = _texts(displays), _texts(digests), _texts(errors)
    if absolutes is None:
        absolutes = displays
    elif type(absolutes) is str:
        absolutes = tuple(map(absolutes.__add__, displays))
    else:
        absolutes = _texts(absolutes)
    _check(
        type(sizes) is list
        and type(mtimes) is list
        and set(map(type, sizes)) <= _INT
        and set(map(type, mtimes)) <= _INT
        and len(displays) == len(absolutes) == len(sizes) == len(mtimes) == len(digests)
        and list(displays) == sorted(displays)
        and type(unresolved) is list
        and (diagnostics is None or type(diagnostics) is list),
        "not a report part",
    )
    entries = []
    for entry in unresolved:
        _check(
            type(entry) is list
            and len(entry) == 3
            and type(entry[0]) is str
            and type(entry[1]) is str
            and (entry[2] is None or type(entry[2]) is int),
            "not an unresolved entry",
        )
        entries.append((entry[0], entry[1], entry[2]))
    if type(diagnostics) is list and diagnostics and type(diagnostics[0]) is list and diagnostics[0]:
        positions = diagnostics[0]
        if set(map(type, positions)) <= _INT:  # (see _by_position)
            _check(min(positions) >= 0 and max(positions) < len(displays), "not a file's position")
            diagnostics[0] = list(map(displays.__getitem__, positions))
    found = StoredDiagnostics(_checked_columns(diagnostics))
    _check(found.paths == sorted(found.paths), "diagnostics not sorted by path")
    return ReportPart(displays, absolutes, sizes, mtimes, digests, errors, entries, found)


def encode_report_head(partial: bool, parts: int, topics: dict[str, int], token: bytes) -> bytes:
    """What a stored report says besides its parts: whether it was a partial run's, how many parts it has,
    each topic's number of documents in the corpus (the topic rule's counts, which a rerun on a few documents
    brings up to date instead of counting every record again), and the token of this very write (new at each
    write: what is stored against the report, see DiskCache.revision_delta, names the report it was made from)."""
    return dumps([partial, parts, topics, token])


def decode_report_head(blob: bytes | memoryview) -> tuple[bool, int, dict[str, int], bytes]:
    value = loads(blob)
    _check(
        type(value) is list
        and len(value) == 4
        and type(value[0]) is bool
        and type(value[1]) is int
        and type(value[2]) is dict
        and all(type(topic) is str and type(count) is int for topic, count in value[2].items())
        and type(value[3]) is bytes
        and len(value[3]) == REPORT_TOKEN_BYTES,
        "not a head",
    )
    return value[0], value[1], value[2], value[3]


REPORT_TOKEN_BYTES = 16


def encode_findings(diagnostics: list[Diagnostic]) -> bytes:
    """Findings alone (the findings of a corpus at a revision, see DiskCache.revision_findings)."""
    return dumps(encode_diagnostics(diagnostics))


def encode_revision_listing(regular: dict[str, str], links: dict[str, str]) -> bytes:
    """A revision's listing (revisions.tree_blobs: path → blob of its regular files, and of its links) in columns."""
    return dumps([list(regular), list(regular.values()), list(links), list(links.values())])


def decode_revision_listing(blob: bytes | memoryview) -> tuple[dict[str, str], dict[str, str]]:
    value = loads(blob)
    _check(type(value) is list and len(value) == 4 and set(map(type, value)) == {list}, "not a listing")
    names, blobs, link_names, link_blobs = value
    _check(
        len(names) == len(blobs)
        and len(link_names) == len(link_blobs)
        and all(set(map(type, column)) <= _TEXT for column in value),
        "not a listing",
    )
    return dict(zip(names, blobs, strict=True)), dict(zip(link_names, link_blobs, strict=True))


def encode_revision_delta(token: bytes, paths: list[str], diagnostics: list[Diagnostic]) -> bytes:
    """The findings at a revision as they differ from a stored report (see DiskCache.revision_delta): the report's
    token, the documents whose findings differ (with none, some of them), and those documents' findings."""
    return dumps([token, paths, encode_diagnostics(diagnostics)])


def decode_revision_delta(blob: bytes | memoryview) -> tuple[bytes, list[str], list[Diagnostic]]:
    value = loads(blob)
    _check(type(value) is list and len(value) == 3, "not a revision's findings")
    token, paths, encoded = value
    _check(type(token) is bytes and type(paths) is list and set(map(type, paths)) <= _TEXT, "not a revision's findings")
    diagnostics = decode_diagnostics(encoded)
    _check({d.path for d in diagnostics} <= set(paths), "findings of a document not listed")
    return token, paths, diagnostics


# Listings of folders (seedlint/discovery.py) --------------------------------------------------------------


def encode_listing(listing: Listing) -> bytes:
    """The time the walk began, then each folder walked: which path given, its path relative to it, its stamp
    (device, inode, mtime, ctime) and the names of its documents, packed apart (see `PackedNames`)."""
    return dumps(
        [
            listing.began,
            [[target, inner, *stamp, dumps(list(names))] for target, inner, stamp, names in listing.folders],
        ]
    )


def decode_listing(blob: bytes | memoryview) -> Listing:
    listing: Listing = _checked_decoding(_listing_from, loads(blob))
    return listing


def _listing_from(value: Data) -> Listing:
    _check(type(value) is list and len(value) == 2 and type(value[1]) is list, "not a listing")
    began, folders = value
    found: list[Folder] = []
    for folder in folders:
        _check(type(folder) is list and len(folder) == 7, "not a folder")
        target, inner, device, inode, mtime, ctime, names = folder
        _check(
            set(map(type, (target, device, inode, mtime, ctime))) <= _INT
            and type(inner) is str
            and type(names) is bytes,
            "not a folder",
        )
        found.append((target, inner, (device, inode, mtime, ctime), PackedNames(names)))
    return Listing(found, _integer(began))


class PackedNames(Sequence[str]):
    """A stored folder's document names, decoded when first read: the folder's stamp is compared first
    (discovery._rebuilt), and a folder changed since is walked again (a document saved by renaming a new file over
    it changes its folder), its 100,000 names unread. Names that do not decode raise ValueError then."""

    __slots__ = ("_blob", "_names")

    def __init__(self, blob: bytes) -> None:
        self._blob: bytes | None = blob
        self._names: tuple[str, ...] = ()

    def _decoded(self) -> tuple[str, ...]:
        if self._blob is not None:
            try:
                self._names = _checked_decoding(_texts, loads(self._blob))
            except Malformed as error:
                raise ValueError(f"stored names that do not decode: {error}") from None
            self._blob = None
        return self._names

    def __len__(self) -> int:
        return len(self._decoded())

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...
    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return self._decoded()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded())
