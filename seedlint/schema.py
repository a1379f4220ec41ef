"""The article JSON Schema: loaded and compiled once per process (its file: seedlint/schema_file.py)."""

from __future__ import annotations

import functools
import json
import numbers
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from seedlint import schema_shape
from seedlint.document import FileTooLarge
from seedlint.memo import ENTRY_ANSWERS, Memo, digest
from seedlint.schema_file import MAX_SCHEMA_BYTES, default_schema_path, schema_text


class SchemaFileError(Exception):
    """A configured schema file that cannot be used (a usage error, exit 2); the message names the file."""


def _stamp(path: Path | None) -> tuple[int, int, int] | None:
    """What tells a schema file's versions apart (None for the packaged schema, or a file that cannot be read):
    the compiled validators are remembered by path and stamp, so that a process that runs again after the file
    changed (`--watch`, the language server, a script) uses the new schema."""
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def validator(path: Path | None = None) -> Draft202012Validator:
    """The compiled validator of the schema file (`path`, or the packaged schema)."""
    return _validator(path, _stamp(path))


@functools.lru_cache(maxsize=4)
def _validator(path: Path | None, stamp: object) -> Draft202012Validator:
    shown = path or default_schema_path()
    try:
        text = schema_text(path)
    except OSError as error:
        raise SchemaFileError(f"{shown}: cannot read the schema: {error.strerror or error}") from None
    except FileTooLarge:
        raise SchemaFileError(f"{shown}: cannot read the schema: over {MAX_SCHEMA_BYTES:,} bytes") from None
    except ValueError as error:  # (not UTF-8)
        raise SchemaFileError(f"{shown}: cannot read the schema: {error}") from None
    try:
        schema = strict_json(text)
    except _NotStrictJson as error:
        raise SchemaFileError(f"{shown}: {error}") from None
    except (ValueError, RecursionError) as error:
        raise SchemaFileError(f"{shown}: the schema is not JSON: {error}") from None
    return compile_schema(schema, str(shown), packaged=path is None)


class _NotStrictJson(ValueError):
    """What Python's `json` reads but JSON is not: NaN or Infinity, a key twice in one object."""


# A JSON text's strings (keys with their colon), brackets, and Python's non-finite numbers (outside strings:
# no other JSON token has their letters).
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?|[{}\[\]]|-?(?:NaN|Infinity)')


def strict_json(text: str) -> object:
    """`json.loads`, except that NaN, Infinity and duplicate keys (Python's json reads the first as numbers
    that no bound holds against and keeps the last of the second, silently) raise _NotStrictJson, which
    says where the first of them is."""

    def refused(_: object) -> object:
        raise _NotStrictJson

    def unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
        found = dict(pairs)
        if len(found) != len(pairs):
            raise _NotStrictJson
        return found

    try:
        return json.loads(text, parse_constant=refused, object_pairs_hook=unique)
    except _NotStrictJson:
        raise _NotStrictJson(_first_not_strict(text)) from None


def _first_not_strict(text: str) -> str:
    """Where the first NaN, Infinity or duplicate key of `text` is (valid JSON up to there), and what it is."""

    def at(position: int) -> str:
        return f"line {text.count(chr(10), 0, position) + 1}, column {position - text.rfind(chr(10), 0, position)}"

    objects: list[dict[str, int] | None] = []  # the keys of each open object, where each was; None: a list
    for token in _JSON_TOKENS.finditer(text):
        first = token.group()[0]
        if first in "{[":
            objects.append({} if first == "{" else None)
        elif first in "}]":
            objects.pop()
        elif token.group(1) is not None and objects and (keys := objects[-1]) is not None:
            name = json.loads(token.group()[: -len(token.group(1))])
            if name in keys:
                return (
                    f"{at(token.start())}: duplicate key `{name}` (first at {at(keys[name])}); the keys of a JSON "
                    "object must differ (Python's json would keep the last one, silently)"
                )
            keys[name] = token.start()
        elif first != '"':
            return f"{at(token.start())}: {token.group()} is not JSON (a JSON number is finite)"
    return "not strict JSON"  # (never: `strict_json` raises only for what is found above)


# Patterns translated for `re` (ECMA-262: schema_shape.with_python_patterns) → as written.
ORIGINAL_PATTERNS: dict[str, str] = {}


def compile_schema(schema: object, shown: str, packaged: bool = False) -> Draft202012Validator:
    """The validator of a schema, or a SchemaFileError naming `shown` and every problem found at load
    (see schema_shape.load_problems): a problem of the schema is the user's to fix, once, not an internal
    error in every document.

    Formats are not asserted: jsonschema checks `date-time` and `uri` only when optional packages happen to
    be installed, so the SL2/SL3 rules check them instead. References resolve against the schema itself
    (embedded `$id` resources included) through an empty registry: jsonschema would otherwise fetch an
    http(s) `$ref` (its deprecated fallback), and nothing may be fetched at lint time.

    `packaged`: the schema that comes with seedlint, whose load-time checks are run by its tests
    (tests/test_schema.py), not by every run (a fiftieth of a hook's second)."""
    schema, originals, not_ecma = schema_shape.with_python_patterns(schema)
    ORIGINAL_PATTERNS.update(originals)
    try:
        problems = [] if packaged else schema_shape.load_problems(schema, originals, not_ecma)
    except RecursionError:  # (jsonschema's metaschema check recurses once per level)
        problems = ["the schema nests too deep to be checked"]
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise SchemaFileError(f"{shown}: " + "; ".join(problems[:3]) + more)
    return Draft202012Validator(schema, registry=schema_shape.registry_for(schema))  # type: ignore[arg-type]


_IF = Draft202012Validator.VALIDATORS["if"]


def _if_noting_its_condition(
    validator: Draft202012Validator, if_schema: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    """jsonschema's own `if` keyword; each error from its `then` or `else` notes that condition (the
    innermost one), so that a message can say "(when type is "video")"."""
    for error in _IF(validator, if_schema, instance, schema):
        if not hasattr(error, "condition"):
            branch = error.relative_schema_path[0] if error.relative_schema_path else "then"
            error.condition = (if_schema, branch)
        yield error


# The validator that collects errors for messages: jsonschema's draft 2020-12 validator with nothing
# changed but the note above (its yes/no answers are the same).
ExplainingValidator: type[Draft202012Validator] = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"if": _if_noting_its_condition}
)
_DESCEND = ExplainingValidator.descend


def _descend_keeping_the_path(
    self: Draft202012Validator,
    instance: Any,
    schema: Any,
    path: str | int | None = None,
    schema_path: str | int | None = None,
    resolver: Any = None,
) -> Iterator[ValidationError]:
    """jsonschema's `descend`, except that the error of a `false` subschema keeps the step it was reached by
    (jsonschema drops it: `properties: {x: false}` reports at the mapping, not at `x`)."""
    for error in _DESCEND(self, instance, schema, path, schema_path, resolver):
        if schema is False:
            if path is not None:
                error.path.appendleft(path)
            if schema_path is not None:
                error.schema_path.appendleft(schema_path)
        yield error


# (on this class only, which `extend` made for seedlint: jsonschema's own validators are left as they are)
ExplainingValidator.descend = _descend_keeping_the_path  # type: ignore[method-assign,assignment]


def explaining_validator(path: Path | None = None) -> Draft202012Validator:
    return _explaining_validator(path, _stamp(path))


@functools.lru_cache(maxsize=4)
def _explaining_validator(path: Path | None, stamp: object) -> Draft202012Validator:
    schema = validator(path).schema
    return ExplainingValidator(schema, registry=schema_shape.registry_for(schema))


class FastCheck:
    """A yes/no answer for a whole document, equal to `validator.is_valid(data)` but cheaper on real corpora.

    Where the schema's shape makes it provably equal (schema_shape.Shape, decided once, here), the answer
    is decided by parts (`by_parts`), and a `related:` list is split from its document: the list copies
    other articles, so the same entry recurs in many documents (azure-news: 161,223 entries, about 5,000
    distinct). When nothing but the list's `items` looks at the list, the document is valid exactly when
    the document without its entries is valid and each entry is, so each distinct entry is validated once
    per process. Any other schema is validated whole, by jsonschema."""

    def __init__(self, validator: Draft202012Validator):
        shape = schema_shape.Shape(validator.schema)
        self.is_entry_valid: Callable[[object], bool] | None = None
        self.known = Memo(shared=ENTRY_ANSWERS)  # (keyed by the entries' digests, as the URL rules' memos)
        if not shape.simple:
            self.is_document_valid: Callable[[object], bool] = validator.is_valid
            return
        self.is_document_valid = _parts(validator, shape.inlined)
        items = shape.related_items()
        if items is not None:
            self.is_entry_valid = _parts(validator, items)

    def is_valid(self, data: object, entry_keys: list[bytes | None] | None = None) -> bool:
        """`entry_keys`: the related entries' digests when the caller has them (Document.entry_keys)."""
        is_entry_valid = self.is_entry_valid
        if not isinstance(data, dict) or is_entry_valid is None or not isinstance(related := data.get("related"), list):
            return self.is_document_valid(data)
        if entry_keys is None or len(entry_keys) != len(related):
            entry_keys = [digest(entry) if isinstance(entry, dict) else None for entry in related]
        return self.is_document_valid({**data, "related": []}) and all(
            self._entry_is_valid(is_entry_valid, entry, key) for entry, key in zip(related, entry_keys, strict=True)
        )

    def _entry_is_valid(self, is_entry_valid: Callable[[object], bool], entry: object, key: bytes | None) -> bool:
        if key is None:
            return is_entry_valid(entry)
        valid = self.known.get(key)
        if valid is None:
            valid = is_entry_valid(entry)
            self.known.put(key, valid)
        return valid


def search(pattern: re.Pattern[str], string: str) -> bool:
    """`pattern.search(string)`, as jsonschema's `pattern` keyword runs it (`re.search`); a function of its
    own so that a search stopped by the time limit can be named (timelimit.interrupted_search)."""
    return pattern.search(string) is not None


_SCALARS = {str, int, float, bool, type(None)}
# The keywords a leaf may hold besides schema_shape.ANNOTATIONS (see `leaf`).
_LEAF_KEYWORDS = {
    "type",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "pattern",
    "format",
    "required",
    "dependentRequired",
}
_TYPE_NAMES = {"string", "integer", "number", "boolean", "null", "array", "object"}
_NOT_BY_PARTS = {"$ref", "$dynamicRef", "$anchor", "$dynamicAnchor", "$id", "prefixItems"}
_APPLICATORS = {"allOf", "anyOf", "oneOf", "not", "if", "then", "else"}  # in place: see `applied` in `_parts`


def by_parts(schema: object) -> Callable[[object], bool]:
    """`is_valid` for `schema` (given as data), decided by parts where its shape allows (see `_parts`), by
    jsonschema on the whole value otherwise."""
    schema = schema if isinstance(schema, (dict, bool)) else {}
    validator = Draft202012Validator(schema, registry=schema_shape.registry_for(schema))
    shape = schema_shape.Shape(validator.schema)
    return _parts(validator, shape.inlined) if shape.simple else validator.is_valid


def _parts(root: Draft202012Validator, schema: object) -> Callable[[object], bool]:
    """`is_valid` for `schema` (the root schema or a subschema of `root`'s, with plain references inlined),
    decided by parts: jsonschema validates each subschema apart instead of
    walking the whole document (it builds a validator object at every step: most of its time).

    In JSON Schema 2020-12, `properties` and `items` apply each subschema to one value, and no other
    keyword looks at whether those subschemas held (only `unevaluated*` does: a schema using it is
    validated whole). So a value is valid exactly when it is valid under the schema with those
    subschemas replaced by `true` (every other keyword still applies, conditions included) and each
    property / item is valid under its own subschema, recursively. A subschema of simple keywords only
    (see `leaf`) is decided directly, and `additionalProperties: false` beside `properties` alone (no
    patternProperties) by comparing key names: exactly what that keyword means.

    Only for a schema whose shape schema_shape.Shape found simple: no `unevaluated*`, no embedded resource
    or dynamic reference, every reference local to the root resource, which `root` resolves them against."""
    tests = _type_tests(root)

    def whole(part: object) -> Callable[[object], bool]:
        return remember(root.evolve(schema=part).is_valid)  # references still resolve against the root

    def remember(is_valid: Callable[[object], bool]) -> Callable[[object], bool]:
        answers: dict[object, bool] = {}

        def remembered(value: object) -> bool:
            """Short scalars recur (types, sizes, names, dates' shapes): their answer is kept, per subschema. A text
            is its own key; any other scalar is keyed with its type (1, 1.0 and True are equal keys)."""
            kind = type(value)
            if kind is str:
                if len(value) > 40:  # type: ignore[arg-type]
                    return is_valid(value)
                key: object = value
            elif kind in _SCALARS:
                key = (kind, value)
            else:
                return is_valid(value)
            answer = answers.get(key)
            if answer is None:
                if len(answers) >= 10_000:
                    answers.clear()
                answer = answers[key] = is_valid(value)
            return answer

        return remembered

    def leaf(part: dict[str, Any]) -> Callable[[object], bool] | None:
        """A subschema of nothing but type, length, bounds, pattern, (unasserted) format and required-key
        keywords, decided here as jsonschema's keywords do (jsonschema/_keywords.py), without its generic
        walk: the URLs and dates of every related entry are such leaves, and so is what is left of an
        entry, an image or a provider once its properties are checked apart. None for any other subschema."""
        keywords = set(part) - schema_shape.ANNOTATIONS - {"$id"}  # (a leaf has no reference for `$id` to base)
        if not keywords <= _LEAF_KEYWORDS or ("format" in keywords and root.format_checker is not None):
            return None
        types = part.get("type", [])
        types = types if isinstance(types, list) else [types]
        lengths = [part.get(name, 0) for name in ("minLength", "maxLength", "minItems", "maxItems")]
        bounds = [part.get("minimum", 0), part.get("maximum", 0)]
        required, dependent = part.get("required", []), part.get("dependentRequired", {})
        if (
            not all(t in _TYPE_NAMES for t in types)
            or not all(type(n) is int for n in lengths)
            or not all(type(n) in (int, float) for n in bounds)
        ):
            return None
        if (
            not _names(required)
            or not isinstance(dependent, dict)
            or not all(_names(names) for names in dependent.values())
        ):
            return None
        dependent = list(dependent.items())
        try:
            pattern = re.compile(part["pattern"]) if "pattern" in part else None
        except (re.error, TypeError):
            return None
        type_tests = [tests[t] for t in types]
        type_test: Callable[[object], bool] | None
        if "type" not in part:
            type_test = None
        elif len(type_tests) == 1:
            type_test = type_tests[0]
        else:  # (`type: []` admits nothing)

            def is_any_type(value: object) -> bool:
                return any(test(value) for test in type_tests)

            type_test = is_any_type
        is_string, is_number, is_object, is_array = tests["string"], tests["number"], tests["object"], tests["array"]
        min_length, max_length, minimum, maximum = (
            part.get(name) for name in ("minLength", "maxLength", "minimum", "maximum")
        )
        min_items, max_items = part.get("minItems"), part.get("maxItems")
        strings = min_length is not None or max_length is not None or pattern is not None
        numbers = minimum is not None or maximum is not None
        arrays = min_items is not None or max_items is not None

        # (Any: a value of whatever kind the validator's type tests found it to be.)
        def is_valid(value: Any) -> bool:
            if type_test is not None and not type_test(value):
                return False
            if strings and is_string(value):
                if (min_length is not None and len(value) < min_length) or (
                    max_length is not None and len(value) > max_length
                ):
                    return False
                if pattern is not None and not search(pattern, value):
                    return False
            if numbers and is_number(value):
                return not ((minimum is not None and value < minimum) or (maximum is not None and value > maximum))
            if arrays and is_array(value):
                return not (
                    (min_items is not None and len(value) < min_items)
                    or (max_items is not None and len(value) > max_items)
                )
            if (required or dependent) and is_object(value):
                if not all(name in value for name in required):
                    return False
                return all(name not in value or all(other in value for other in others) for name, others in dependent)
            return True

        return is_valid

    def applied(part: dict[str, Any], at_root: bool) -> Callable[[object], bool] | None:
        """`part` with in-place applicators (allOf, anyOf, oneOf, not, if/then/else), decided by combining the
        answers of their subschemas, each decided by parts, with that of the rest of `part`: in 2020-12 no other
        keyword looks at these (only `unevaluated*`, never here), nor they at any other, and each holds exactly
        as these combinations say. None when `part` has none, or one of unexpected shape (then jsonschema)."""
        groups = ("allOf", "anyOf", "oneOf")
        if not _APPLICATORS & set(part) or any(
            name in part and not (isinstance(part[name], list) and part[name]) for name in groups
        ):
            return None
        all_of, any_of, one_of = ([compile(subschema) for subschema in part.get(name, [])] for name in groups)
        negated = compile(part["not"]) if "not" in part else None
        condition = compile(part["if"]) if "if" in part else None
        then = compile(part["then"]) if condition is not None and "then" in part else None
        otherwise = compile(part["else"]) if condition is not None and "else" in part else None
        rest = compile({name: value for name, value in part.items() if name not in _APPLICATORS}, at_root)

        def is_valid(value: object) -> bool:
            if not rest(value) or not all(check(value) for check in all_of):
                return False
            if any_of and not any(check(value) for check in any_of):
                return False
            if one_of and sum(1 for check in one_of if check(value)) != 1:
                return False
            if negated is not None and negated(value):
                return False
            if condition is not None and (then is not None or otherwise is not None):
                chosen = then if condition(value) else otherwise
                return chosen is None or chosen(value)
            return True

        return is_valid

    def compile(part: object, at_root: bool = False) -> Callable[[object], bool]:
        # (the root's own `$id` is the base every part keeps: see `whole`)
        if not isinstance(part, dict) or set(part) & _NOT_BY_PARTS - ({"$id"} if at_root else set()):
            return whole(part)
        combined = applied(part, at_root)
        if combined is not None:
            return combined
        part_is_valid = leaf(part)
        if part_is_valid is not None:
            return remember(part_is_valid)
        properties = part.get("properties") if isinstance(part.get("properties"), dict) else None
        items = part.get("items") if isinstance(part.get("items"), (dict, bool)) else None
        if properties is None and items is None:
            return whole(part)
        shallow = dict(part)
        closed = None  # the property names, for `additionalProperties: false` (checked here, key by key)
        if properties is not None:
            if part.get("additionalProperties") is False and "patternProperties" not in part:
                closed = frozenset(properties)
                del shallow["properties"], shallow["additionalProperties"]  # jsonschema steps into each `true`
            elif "additionalProperties" in part:  # (which names are additional: those not in `properties`)
                shallow["properties"] = dict.fromkeys(properties, True)
            else:  # (properties that all hold `true` say nothing)
                del shallow["properties"]
            properties = {name: compile(subschema) for name, subschema in properties.items()}
        if items is not None:
            del shallow["items"]  # (items that all hold `true` say nothing: `prefixItems` never gets here)
            items = compile(items)
        shallow_is_valid = remember(leaf(shallow) or root.evolve(schema=shallow).is_valid)

        def is_valid(value: object) -> bool:
            if not shallow_is_valid(value):
                return False
            if properties is not None and isinstance(value, dict):
                if closed is not None and not closed.issuperset(value):
                    return False
                for name, member in value.items():
                    check = properties.get(name)
                    if check is not None and not check(member):
                        return False
            if items is not None and isinstance(value, list):
                return all(items(item) for item in value)
            return True

        return is_valid

    return compile(schema, at_root=True)


# JSON Schema's types as jsonschema's draft 2020-12 type checker defines them, as plain Python tests
# (its own `is_type` dispatches through two calls and a map lookup per value); `_type_tests` uses them only
# when they give the validator's answers on a value of every kind.
_TYPES: dict[str, Callable[[object], bool]] = {
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: (
        not isinstance(value, bool) and (isinstance(value, int) or (isinstance(value, float) and value.is_integer()))
    ),
    "number": lambda value: not isinstance(value, bool) and isinstance(value, numbers.Number),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
}
_PROBES: tuple[object, ...] = ("", "1", 0, 1, -1, 1.0, 1.5, float("inf"), True, False, None, [], [1], {}, {"a": 1})


def _type_tests(validator: Draft202012Validator) -> dict[str, Callable[[object], bool]]:
    if all(test(probe) == validator.is_type(probe, name) for name, test in _TYPES.items() for probe in _PROBES):
        return _TYPES
    return {name: functools.partial(lambda name, value: validator.is_type(value, name), name) for name in _TYPES}


def _names(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(name, str) for name in value)


def fast_check(path: Path | None = None) -> FastCheck:
    return _fast_check(path, _stamp(path))


@functools.lru_cache(maxsize=4)
def _fast_check(path: Path | None, stamp: object) -> FastCheck:
    return FastCheck(validator(path))
