"""seedlint's results as data only, for the cache: JSON written here, and read back into seedlint's own types
with every value's type and shape checked.

The cache lives in the checked repository's folder, which an attacker may write (a pull request), so what it
holds is data, never code: no pickle (whose loading calls whatever the bytes name), no marshal (whose
documentation says it is not safe against malicious data: it builds code objects, and crafted input has
crashed the interpreter). JSON is parsed by the standard library's C parser, which builds only strings,
numbers, booleans, null, lists and mappings; `decode_*` then build `Checked`, `Diagnostic` and `IndexRecord`
from them and raise `Malformed` on anything else: a wrong type, a wrong length, an unknown rule code or
severity. The caller treats that as a cache miss.

Plain values whose kind the code does not fix (a copied field's value, a diagnostic's `extra`, a memo key's
identity) are written in a tagged form that keeps tuples, bytes and mappings apart from lists
(`encode_value`), bytes as base64: equality and hashing of what is read back must be those of what was written.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any, TypeAlias

from seedlint.corpus import IndexRecord, PackedRefs, _index_record
from seedlint.diagnostic import Applicability, Diagnostic, Edit, Fix, Severity
from seedlint.results import Checked
from seedlint.rules import all_rules

JSONValue: TypeAlias = Any  # what json.loads returns: checked by the decoders before use


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
    """Compact JSON, as UTF-8 (file names that are not UTF-8 carry surrogates, kept as they are)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def loads(blob: bytes) -> JSONValue:
    try:
        return json.loads(blob.decode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError) as error:
        raise Malformed(str(error)) from None


# Values of no fixed kind --------------------------------------------------------------------------------

_SCALARS = (str, int, float, bool, type(None))


def encode_value(value: object) -> JSONValue:
    """Plain data in JSON, exactly: a list stays a list, a tuple is {"t": [...]}, bytes {"b": base64}, a
    mapping with text keys {"d": {...}}. Anything else is a bug (TypeError)."""
    if isinstance(value, _SCALARS):
        return value
    if type(value) is tuple:
        return {"t": [encode_value(item) for item in value]}
    if type(value) is list:
        return [encode_value(item) for item in value]
    if type(value) is bytes:
        return {"b": _base64(value)}
    if type(value) is dict and all(type(key) is str for key in value):
        return {"d": {key: encode_value(item) for key, item in value.items()}}
    raise TypeError(f"not plain data: {type(value).__name__}")


def decode_value(value: JSONValue) -> object:
    if isinstance(value, _SCALARS):
        return value
    if type(value) is list:
        return [decode_value(item) for item in value]
    if type(value) is dict and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "t" and type(inner) is list:
            return tuple(decode_value(item) for item in inner)
        if tag == "b" and type(inner) is str:
            return _bytes(inner)
        if tag == "d" and type(inner) is dict:
            return {key: decode_value(item) for key, item in inner.items()}
    raise Malformed("not a tagged value")


def _base64(data: bytes) -> str:
    """Bytes as JSON text (fingerprints: a third of a record's size; base64 is 4/3 of it, hex twice)."""
    return base64.b64encode(data).decode("ascii")


def _bytes(text: JSONValue) -> bytes:
    if type(text) is not str:
        raise Malformed("not base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:  # (binascii.Error)
        raise Malformed("not base64 text") from None


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise Malformed(what)


def _text(value: JSONValue) -> str:
    _check(type(value) is str, "not text")
    return value


def _integer(value: JSONValue) -> int:
    _check(type(value) is int, "not an integer")
    return value


def _optional(value: JSONValue, kind: Callable[[JSONValue], Any]) -> Any:
    return None if value is None else kind(value)


_TEXT = frozenset({str})
_OPTIONAL_TEXT = frozenset({str, type(None)})


def _texts(value: JSONValue, optional: bool = False) -> tuple[Any, ...]:
    """A list of texts (or None with `optional`) as a tuple; the types are collected at C speed."""
    _check(type(value) is list and set(map(type, value)) <= (_OPTIONAL_TEXT if optional else _TEXT), "not texts")
    return tuple(value)


# Diagnostics -------------------------------------------------------------------------------------------


def encode_diagnostic(d: Diagnostic) -> JSONValue:
    fix = d.fix
    plain_fix = (
        None
        if fix is None
        else [[[e.start, e.end, e.content] for e in fix.edits], fix.applicability.value, fix.description]
    )
    extra = encode_value(d.extra) if d.extra else None
    return [
        d.path,
        d.line,
        d.column,
        d.code,
        d.severity.value,
        d.message,
        d.end_line,
        d.end_column,
        plain_fix,
        d.name,
        extra,
    ]


def decode_diagnostic(value: JSONValue) -> Diagnostic:
    _check(type(value) is list and len(value) == 11, "not a diagnostic")
    path, line, column, code, severity, message, end_line, end_column, plain_fix, name, extra = value
    _check(
        type(path) is str
        and type(line) is int
        and type(column) is int
        and type(code) is str
        and code in _known_codes()
        and type(severity) is str
        and severity in _SEVERITIES
        and type(message) is str
        and (end_line is None or type(end_line) is int)
        and (end_column is None or type(end_column) is int)
        and type(name) is str,
        "not a diagnostic",
    )
    fix = None
    if plain_fix is not None:
        _check(type(plain_fix) is list and len(plain_fix) == 3, "not a fix")
        edits, applicability, description = plain_fix
        _check(
            type(edits) is list
            and type(applicability) is str
            and applicability in _APPLICABILITIES
            and type(description) is str,
            "not a fix",
        )
        fix = Fix(tuple(_edit(edit) for edit in edits), _APPLICABILITIES[applicability], description)
    decoded_extra: dict[str, object] = {}
    if extra is not None:
        found = decode_value(extra)
        _check(type(found) is dict, "not a mapping")
        decoded_extra = found  # type: ignore[assignment]
    return Diagnostic(
        path, line, column, code, _SEVERITIES[severity], message, end_line, end_column, fix, name, decoded_extra
    )


def _edit(value: JSONValue) -> Edit:
    _check(type(value) is list and len(value) == 3, "not an edit")
    start, end, content = value
    _check(type(start) is int and type(end) is int and type(content) is str, "not an edit")
    return Edit(start, end, content)


# Index records ------------------------------------------------------------------------------------------


def encode_record(record: IndexRecord) -> JSONValue:
    refs: JSONValue = []
    if record.refs:
        indexes, urls, keys, copied, titles = record.refs
        refs = [None if indexes is None else list(indexes), list(urls), list(keys), _base64(copied), _base64(titles)]
    return [
        record.path,
        record.name,
        [list(pair) for pair in record.urls],
        [[name, encode_value(value)] for name, value in record.copied],
        refs,
        list(record.topics),
        list(record.aliases),
        _base64(record.fingerprints),
        record.title_key,
        record.url_key,
    ]


def decode_record(value: JSONValue) -> IndexRecord:
    _check(type(value) is list and len(value) == 10, "not an index record")
    path, name, urls, copied, refs, topics, aliases, fingerprints, title_key, url_key = value
    _check(type(urls) is list and type(copied) is list, "not an index record")
    pairs = []
    for pair in urls:
        _check(type(pair) is list and len(pair) == 2 and type(pair[0]) is str and type(pair[1]) is str, "not a URL")
        pairs.append((pair[0], pair[1]))
    fields = []
    for pair in copied:
        _check(type(pair) is list and len(pair) == 2 and type(pair[0]) is str, "not a copied field")
        fields.append((pair[0], decode_value(pair[1])))
    return _index_record(
        _text(path),
        _text(name),
        tuple(pairs),
        tuple(fields),
        _refs(refs),
        _texts(topics),
        _texts(aliases),
        _bytes(fingerprints),
        _optional(title_key, _integer),
        _optional(url_key, _text),
    )


def _refs(value: JSONValue) -> PackedRefs:
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
            [encode_diagnostic(d) for d in checked.diagnostics],
            None if checked.record is None else encode_record(checked.record),
            checked.has_suppressions,
            None if checked.stat is None else list(checked.stat),
            checked.digest,
            [[encode_value(key), encode_diagnostic(d)] for key, d in checked.positioned.items()],
            checked.internal_errors,
        ]
    )


def decode_checked(blob: bytes) -> Checked:
    return _checked_decoding(checked_from, loads(blob))


def _checked_decoding(decode: Callable[[JSONValue], Any], value: JSONValue) -> Any:
    """The shapes are checked step by step above; should one check have been forgotten, the exception it
    lets through is still a miss (Malformed), never an error of the run."""
    try:
        return decode(value)
    except Malformed:
        raise
    except (TypeError, ValueError, KeyError, IndexError, RecursionError) as error:
        raise Malformed(f"{type(error).__name__}: {error}") from None


def checked_from(value: JSONValue) -> Checked:
    _check(type(value) is list and len(value) == 8, "not a result")
    path, diagnostics, record, has_suppressions, stat, digest, positioned, internal_errors = value
    _check(
        type(diagnostics) is list
        and type(has_suppressions) is bool
        and (stat is None or (type(stat) is list and len(stat) == 2 and set(map(type, stat)) <= {int}))
        and type(digest) is str
        and type(positioned) is list,
        "not a result",
    )
    memo = {}
    for entry in positioned:
        _check(type(entry) is list and len(entry) == 2, "not a positioned diagnostic")
        key = decode_value(entry[0])
        _check(type(key) is tuple and len(key) == 5, "not a memo key")
        try:
            memo[key] = decode_diagnostic(entry[1])
        except TypeError:  # an unhashable key
            raise Malformed("not a memo key") from None
    return Checked(
        _text(path),
        [decode_diagnostic(d) for d in diagnostics],
        None if record is None else decode_record(record),
        has_suppressions,
        list(_texts(internal_errors)),
        None if stat is None else (stat[0], stat[1]),
        digest,
        memo,  # type: ignore[arg-type]  # (tuples of five, checked above)
    )


# Run reports --------------------------------------------------------------------------------------------


def encode_report(report: dict[str, Any]) -> bytes:
    """A run's last report (see engine.run): the file states in columns (100,000 of them load fast)."""
    files = report["files"]
    states = list(files.values())
    return dumps(
        [
            list(files),
            [state[0] for state in states],
            [state[1] for state in states],
            [state[2] for state in states],
            report["partial"],
            sorted(report["errors"]),
            [list(entry) for entry in report["unresolved"]],
            [encode_diagnostic(d) for d in report["diagnostics"]],
        ]
    )


def decode_report(blob: bytes) -> dict[str, Any]:
    result: dict[str, Any] = _checked_decoding(_report_from, loads(blob))
    return result


def _report_from(value: JSONValue) -> dict[str, Any]:
    _check(type(value) is list and len(value) == 8, "not a report")
    keys, sizes, mtimes, digests, partial, errors, unresolved, diagnostics = value
    keys, digests, errors = _texts(keys), _texts(digests), _texts(errors)
    _check(
        type(sizes) is list
        and type(mtimes) is list
        and set(map(type, sizes)) <= {int}
        and set(map(type, mtimes)) <= {int}
        and len(keys) == len(sizes) == len(mtimes) == len(digests)
        and type(partial) is bool
        and type(unresolved) is list
        and type(diagnostics) is list,
        "not a report",
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
    return {
        "files": dict(zip(keys, zip(sizes, mtimes, digests, strict=True), strict=True)),
        "partial": partial,
        "errors": set(errors),
        "unresolved": entries,
        "diagnostics": [decode_diagnostic(d) for d in diagnostics],
    }
