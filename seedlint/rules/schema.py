"""SL1 — the JSON Schema (schemas/article.schema.json, or a project's own): fields, types, enums, ranges.

A yes/no answer first (seedlint.schema.FastCheck, equal to jsonschema's); for a document that fails, each
jsonschema error becomes at least one positioned diagnostic with a message written for people (jsonschema's
own message, shortened, at the nearest value when no better one is known). Both run under a CPU-time limit
(seedlint.timelimit): a configured pattern that backtracks for ever is one finding, not a hang.
"""

from __future__ import annotations

import ast
import difflib
import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from seedlint.diagnostic import MAX_PER_RULE_AND_FILE, cap_repeated, left_out
from seedlint.registry import define
from seedlint.timelimit import TimeLimitExceeded, cpu_time_limit, interrupted_search

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

    from seedlint.config import Config
    from seedlint.diagnostic import Diagnostic
    from seedlint.document import Document
    from seedlint.yamltree import FieldPath

MISSING_FIELD = define(
    "SL101",
    "missing-field",
    "error",
    "A required field is missing.",
    what="Fields the schema requires (at the top level, in provider, images and related entries, and those required "
    "under a condition such as `webUrl` for articles). Reported on the first line of the mapping that lacks the field.",
    why="Consumers of the corpus rely on required fields: a document without a title or a date breaks pages and feeds.",
    example='related:\n  - title: "A"\n    type: article      # no webUrl',
)
UNKNOWN_FIELD = define(
    "SL102",
    "unknown-field",
    "error",
    "A field the schema does not know (often a misspelling).",
    what="Every mapping of the format is closed: a key it does not define is reported at the key, with the closest "
    "known key when one is close.",
    why="A misspelled key (`publishedDatetime`) silently leaves the real field missing.",
    example='titel: "Hello"   # did you mean `title`?',
)
WRONG_TYPE = define(
    "SL103",
    "wrong-type",
    "error",
    "A value has the wrong type.",
    what="Strings, integers, booleans, lists and mappings where the schema says so.",
    why="A quoted number or a list where a string is expected breaks templates and sorting.",
    example='quality: "39"',
)
INVALID_ENUM = define(
    "SL104",
    "invalid-enum-value",
    "error",
    "A value is not one of the allowed values.",
    what="Fields with a fixed vocabulary (category, type, ...) must use one of its values.",
    why="An unknown category or type is routed nowhere by the site.",
    example="type: artcle   # expected article or video",
)
OUT_OF_RANGE = define(
    "SL105",
    "out-of-range",
    "error",
    "A number, string or list is outside its allowed range or length.",
    what="Minimum and maximum of numbers (quality, heat, image sizes) and lengths of strings and lists.",
    why="Negative image sizes or an empty title are data errors that render badly.",
    example="images:\n  - width: 0",
)
PATTERN_MISMATCH = define(
    "SL106",
    "pattern-mismatch",
    "error",
    "A string does not have the form the schema requires.",
    what="String fields with a required form (the secured token is base64;base64, provider.domain a lower-case "
    "host name; a URL's form is the SL3 rules'). Also a value a configured schema's pattern could not be matched "
    "against within the time limit (the pattern backtracks catastrophically): the finding names the pattern.",
    why="Values of the wrong form cannot be used by the consumers that expect that form.",
    example="provider:\n  domain: Police.UK",
)
SCHEMA_VIOLATION = define(
    "SL107",
    "schema-violation",
    "error",
    "Any other violation of the article schema.",
    what="Schema constraints not covered by SL101-SL106 (a field that is forbidden under a condition, "
    "a value matching none of the allowed shapes, ...), with jsonschema's own message when no better one is known.",
    why="The schema is the single source of truth of the format.",
    example="type: video\nwebUrl: ...   # video items carry originalUrl, not webUrl",
)

_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "empty",
}
# CPU seconds one document may take against the schema (a catastrophic pattern must not hang the run).
TIME_LIMIT = 1.0
# Findings of one code reported per file (the per-file cap of every rule); a flood is counted in one more.
MAX_PER_CODE = MAX_PER_RULE_AND_FILE


@functools.cache
def _schema_failures() -> tuple[type[Exception], ...]:
    """What a schema that passed the load-time checks can still raise on one document (a `$dynamicRef` loop,
    an unknown type name reached only there, jsonschema's `multipleOf` on YAML's `.nan`): a finding about that
    document, never an internal error. (jsonschema is imported when a document is first checked: a run answered
    from its cache never loads it.)"""
    from jsonschema.exceptions import UndefinedTypeCheck, UnknownType
    from referencing.exceptions import Unresolvable

    return (RecursionError, Unresolvable, UnknownType, UndefinedTypeCheck, ValueError, ArithmeticError)


def check(doc: Document, context: Config | None) -> Iterator[Diagnostic]:
    from seedlint import schema as article_schema

    schema_path = context.schema_path if context is not None else None
    fast = article_schema.fast_check(schema_path)
    # The common case first: a yes/no answer, far cheaper than collecting errors.
    try:
        with cpu_time_limit(TIME_LIMIT):
            if fast.is_valid(doc.data, doc.entry_keys()):
                return
    except TimeLimitExceeded as stop:
        yield _stopped(doc, stop)
        return
    except _schema_failures() as failure:
        yield _failed(doc, failure)
        return
    validator = article_schema.explaining_validator(schema_path)
    errors: list[ValidationError] = []
    late: list[Diagnostic] = []
    try:
        with cpu_time_limit(TIME_LIMIT):
            errors.extend(validator.iter_errors(doc.data))
    except TimeLimitExceeded as stop:
        late.append(_stopped(doc, stop))
    except _schema_failures() as failure:
        late.append(_failed(doc, failure))
    found: dict[tuple[int, int, str, str], Diagnostic] = {}
    for error in errors:
        relevant, alternatives = _most_relevant(error)
        diagnostics = list(_diagnostics(doc, relevant, alternatives)) or [_as_reported(doc, relevant, alternatives)]
        for diagnostic in diagnostics:
            found.setdefault((diagnostic.line, diagnostic.column, diagnostic.code, diagnostic.message), diagnostic)
    if not found and not late:  # (never: the fast answer is jsonschema's) a rejection is never silent
        late.append(SCHEMA_VIOLATION.at(doc, (), "the front matter does not satisfy the schema"))
    # A misspelled key is one mistake, not two: `titel` is reported as unknown (did you mean `title`?),
    # and the "missing `title`" that it causes is dropped.
    suggested = {(d.extra["mapping"], d.extra["suggestion"]) for d in found.values() if d.extra.get("suggestion")}
    kept = [d for d in found.values() if (d.extra.get("mapping"), d.extra.get("missing")) not in suggested]
    yield from _capped(kept + late)


def _capped(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """At most MAX_PER_CODE findings of each code, the first in the file, and one that counts the rest."""
    kept = cap_repeated(diagnostics, MAX_PER_CODE)
    kept.sort(key=lambda d: (d.line, d.column))
    return kept


def _stopped(doc: Document, stop: TimeLimitExceeded) -> Diagnostic:
    """The time limit ran out: on a pattern (named, at the value it was matched against), or elsewhere."""
    from seedlint import schema as article_schema

    search = interrupted_search(stop.__traceback__)
    if search is not None:
        pattern, string = search
        pattern = article_schema.ORIGINAL_PATTERNS.get(pattern, pattern)
        where, is_key = _find_text(doc.data, string)
        what = f"field name `{where[-1]}`" if is_key and where else f"`{field_name(where)}`"
        return PATTERN_MISMATCH.at(
            doc,
            where,
            f"{what} could not be checked against the pattern {_show(pattern)}: matching stopped after "
            f"{stop.seconds:g} s of CPU time (the pattern backtracks catastrophically on this value; simplify it)",
            key=is_key,
        )
    return SCHEMA_VIOLATION.at(
        doc, (), f"checking the front matter against the schema stopped after {stop.seconds:g} s of CPU time"
    )


def _failed(doc: Document, failure: Exception) -> Diagnostic:
    reason = "its references recurse for ever" if isinstance(failure, RecursionError) else str(failure)
    return SCHEMA_VIOLATION.at(doc, (), f"the schema cannot be applied to this front matter: {_short(reason)}")


def _find_text(data: object, text: str) -> tuple[FieldPath, bool]:
    """The path of the first string value (or mapping key: True) equal to `text`; the root when none is."""
    stack: list[tuple[FieldPath, object]] = [((), data)]
    while stack:
        path, value = stack.pop(0)
        if isinstance(value, dict):
            for key, member in value.items():
                if key == text:
                    return path + (key,), True
                stack.append((path + (key,), member))
        elif isinstance(value, list):
            stack.extend((path + (index,), member) for index, member in enumerate(value))
        elif value == text:
            return path, False
    return (), False


def _most_relevant(error: ValidationError) -> tuple[ValidationError, str]:
    """For anyOf/oneOf, the error of the branch that came closest, and a note that it is one alternative."""
    from jsonschema.exceptions import best_match

    note = ""
    while error.context:
        keyword, count = error.validator, len(error.validator_value) if isinstance(error.validator_value, list) else 0
        error = best_match(error.context)
        if not note and keyword in ("anyOf", "oneOf") and count > 1:
            note = f" (the closest of {count} alternatives, `{keyword}`)"
    return error, note


def field_name(path: Iterable[str | int]) -> str:
    """`related[2].provider.name` for ("related", 2, "provider", "name")."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text or "front matter"


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _as_reported(doc: Document, error: ValidationError, note: str = "") -> Diagnostic:
    """jsonschema's own message, at the value the error is about (the fallback: never nothing)."""
    path: FieldPath = tuple(error.absolute_path)
    return SCHEMA_VIOLATION.at(doc, path, f"`{field_name(path)}`: {_short(error.message)}{note}")


def _diagnostics(doc: Document, error: ValidationError, note: str = "") -> Iterator[Diagnostic]:
    """Positioned diagnostics with a message for people; nothing when the error is of a form not known
    here (the caller then reports jsonschema's own message)."""
    from seedlint import schema as article_schema

    path: FieldPath = tuple(error.absolute_path)
    where = field_name(path)
    kind = error.validator
    # The value the error is about and the keyword's value in the schema: arbitrary JSON (jsonschema's
    # `Unset` only stands for them in an error made by hand, never in one it reports).
    instance: Any = error.instance
    schema_value: Any = error.validator_value
    subschema: Any = error.schema
    condition = _condition(error)
    if "propertyNames" in error.absolute_schema_path:
        yield from _property_name(doc, error, note)
    elif kind == "required" and isinstance(instance, dict) and isinstance(schema_value, list):
        for name in schema_value:
            if name not in instance:
                inside = "" if not path else f" in {where}"
                diagnostic = MISSING_FIELD.at(doc, path, f"missing required field `{name}`{inside}{condition}{note}")
                diagnostic.extra = {"mapping": path, "missing": name}
                yield diagnostic
    elif kind == "dependentRequired" and isinstance(instance, dict) and isinstance(schema_value, dict):
        for trigger, needed in schema_value.items():
            if trigger in instance and isinstance(needed, list):
                for name in needed:
                    if name not in instance:
                        yield MISSING_FIELD.at(
                            doc,
                            path + (trigger,),
                            f"`{field_name(path + (trigger,))}` requires `{name}` beside it{condition}{note}",
                            key=True,
                        )
    elif kind in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        yield from _unexpected(doc, error, path, condition, note)
    elif kind == "type":
        expected: list[str] = schema_value if isinstance(schema_value, list) else [schema_value]
        wanted = " or ".join(_TYPE_NAMES.get(t, str(t)) for t in expected) or "nothing (`type: []`)"
        yield WRONG_TYPE.at(doc, path, f"`{where}` must be {wanted}, found {_describe(instance)}{condition}{note}")
    elif kind in ("enum", "const"):
        allowed = schema_value if kind == "enum" and isinstance(schema_value, list) else [schema_value]
        suggestion = _closest(instance, [str(a) for a in allowed]) if isinstance(instance, str) else None
        hint = f"; did you mean {_show(suggestion)}?" if suggestion else ""
        choices = ", ".join(_show(a) for a in allowed[:10]) if allowed else "no value at all (`enum: []`)"
        choices += f" (or one of {len(allowed) - 10:,} more)" if len(allowed) > 10 else ""
        yield INVALID_ENUM.at(
            doc,
            path,
            f"`{where}` is {_show(instance)}; "
            f"expected {'one of ' if len(allowed) > 1 else ''}{choices}{hint}{condition}{note}",
        )
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {
            "minimum": "below the minimum",
            "maximum": "above the maximum",
            "exclusiveMinimum": "not above",
            "exclusiveMaximum": "not below",
        }[kind]
        yield OUT_OF_RANGE.at(doc, path, f"`{where}` is {_show(instance)}, {bound} {schema_value}{condition}{note}")
    elif kind in ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties") and isinstance(
        instance, (str, list, dict)
    ):
        yield OUT_OF_RANGE.at(doc, path, _length_message(where, kind, error) + condition + note)
    elif kind == "pattern" and isinstance(instance, str):
        yield PATTERN_MISMATCH.at(
            doc,
            path,
            f"`{where}` is {_show(instance)}, "
            f"which does not match the required form "
            f"{_short(str(article_schema.ORIGINAL_PATTERNS.get(schema_value, schema_value)))}"
            f"{_expected_form(error)}{condition}{note}",
        )
    elif kind == "not" and _only_required(schema_value) and isinstance(instance, dict):
        names = [name for name in schema_value["required"] if name in instance]
        if names and len(names) == len(schema_value["required"]):
            together = "" if len(names) == 1 else " together with " + ", ".join(f"`{n}`" for n in names[1:])
            yield SCHEMA_VIOLATION.at(
                doc,
                path + (names[0],),
                f"`{field_name(path + (names[0],))}` is not allowed{together}{condition or ' here'}{note}",
                key=True,
            )
    elif kind == "not":
        yield SCHEMA_VIOLATION.at(
            doc, path, f"`{where}` must not match the schema {_show(schema_value)} (`not`){condition}{note}"
        )
    elif subschema is False:  # a `false` schema: nothing is allowed here
        is_key = bool(path) and isinstance(path[-1], str)
        yield SCHEMA_VIOLATION.at(doc, path, f"`{where}` is not allowed here{condition}{note}", key=is_key)
    elif kind == "multipleOf":
        yield OUT_OF_RANGE.at(
            doc, path, f"`{where}` is {_show(instance)}, not a multiple of {schema_value}{condition}{note}"
        )
    elif kind == "uniqueItems" and isinstance(instance, list):
        yield SCHEMA_VIOLATION.at(doc, path, f"`{where}` has items that are equal; they must differ{condition}{note}")
    elif kind == "oneOf" and not error.context:
        yield SCHEMA_VIOLATION.at(
            doc, path, f"`{where}` matches more than one of the alternatives of `oneOf` (exactly one must hold)"
        )
    else:
        yield SCHEMA_VIOLATION.at(doc, path, f"`{where}`: {_short(error.message)}{condition}{note}")


def _only_required(value: object) -> bool:
    return (
        isinstance(value, dict)
        and set(value) - {"description", "$comment"} == {"required"}
        and _names(value["required"])
    )


def _names(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(name, str) for name in value)


def _property_name(doc: Document, error: ValidationError, note: str) -> Iterator[Diagnostic]:
    """An error of `propertyNames`: about a key of the mapping at the error's path."""
    path: FieldPath = tuple(error.absolute_path)
    name = error.instance
    mapping: Any = doc.data
    for step in path:
        is_member = isinstance(mapping, dict) and step in mapping
        mapping = mapping[step] if is_member or (isinstance(mapping, list) and isinstance(step, int)) else None
    is_key = isinstance(name, str) and isinstance(mapping, dict) and name in mapping
    at = path + (name,) if is_key else path
    yield SCHEMA_VIOLATION.at(
        doc,
        at,
        f"field name {_show(name)} in `{field_name(path)}` is not allowed: {_short(error.message)}{note}",
        key=is_key,
    )


# jsonschema's messages for the keys `additionalProperties` / `unevaluatedProperties` reject: the keys are
# read back from the message (each the repr of a string, checked to be a key of the mapping), so that what
# is reported is what jsonschema rejected, not a re-implementation of those keywords.
_LISTED_KEYS = (
    ("Additional properties are not allowed (", (" was unexpected)", " were unexpected)")),
    ("Unevaluated properties are not allowed (", (" was unexpected)", " were unexpected)")),
    (
        "Unevaluated properties are not valid under the given schema (",
        (" was unevaluated and invalid)", " were unevaluated and invalid)"),
    ),
    ("", (" does not match any of the regexes: ", " do not match any of the regexes: ")),
)


def rejected_keys(message: str, instance: Mapping[str, object]) -> list[str] | None:
    """The keys a jsonschema message of `additionalProperties` or `unevaluatedProperties` names, in the
    mapping's order; None when the message is of another form."""
    for prefix, endings in _LISTED_KEYS:
        if not message.startswith(prefix):
            continue
        for ending in endings:
            cut = message.find(ending, len(prefix))
            while cut != -1:
                listed = _literals(message[len(prefix) : cut])
                if listed is not None and all(isinstance(k, str) and k in instance for k in listed):
                    names = set(listed)
                    return [key for key in instance if key in names]
                cut = message.find(ending, cut + 1)
    return None


def _literals(text: str) -> tuple[object, ...] | None:
    try:  # (literal_eval only reads literals: nothing in the text can run)
        value = ast.literal_eval(f"({text},)")
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, tuple) else None


def _unexpected(
    doc: Document, error: ValidationError, path: FieldPath, condition: str, note: str
) -> Iterator[Diagnostic]:
    """The keys `additionalProperties` / `unevaluatedProperties` rejected, each at its key. Inside one
    alternative of `anyOf`/`oneOf` (`note`) a key is not called unknown: another alternative may know it."""
    instance: Any = error.instance
    names = rejected_keys(error.message, instance)
    if names is None:  # (a schema-valued keyword reports each key's own errors: none of these)
        return
    invalid = error.validator_value is not False  # a schema for the other keys, which these do not satisfy
    known = _known_properties(error.schema)
    # Each finding is positioned: a mapping of 16,000 unknown keys makes MAX_PER_CODE of them, and one for
    # the rest (what the per-file cap would report, without the work of the others).
    for count, name in enumerate(names):
        if count == MAX_PER_CODE + 1:
            break
        field = field_name(path + (name,))
        more = ""
        if invalid or note:
            message = (
                f"`{field}` does not satisfy the schema for the other fields of `{field_name(path)}`"
                if invalid
                else f"`{field}` is not allowed"
            )
            finding = SCHEMA_VIOLATION.at(doc, path + (name,), message + condition + note + more, key=True)
            yield finding if count < MAX_PER_CODE else left_out(finding, len(names) - MAX_PER_CODE, MAX_PER_CODE)
            continue
        suggestion = _closest(name, [k for k in known if k != name])
        hint = f"; did you mean `{suggestion}`?" if suggestion else ""
        diagnostic = UNKNOWN_FIELD.at(doc, path + (name,), f"unknown field `{field}`{hint}{condition}{more}", key=True)
        diagnostic.extra = {"mapping": path, "suggestion": suggestion}
        yield diagnostic if count < MAX_PER_CODE else left_out(diagnostic, len(names) - MAX_PER_CODE, MAX_PER_CODE)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {_show(value)}"
    if value is None:
        return "an empty value"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    name = {str: "string", int: "integer", float: "number"}.get(type(value), type(value).__name__)
    return f"{name} {_show(value)}"


def _length_message(where: str, kind: str, error: ValidationError) -> str:
    instance: Any = error.instance  # a string, a list or a mapping (see _diagnostics)
    size = len(instance)
    unit = {"L": "characters", "I": "items", "P": "fields"}[kind[3]]
    if size == 0 and kind.startswith("min"):
        return f"`{where}` is empty; it needs at least {error.validator_value} {unit}"
    limit = "at least" if kind.startswith("min") else "at most"
    return f"`{where}` has {size} {unit}; it must have {limit} {error.validator_value}"


def _expected_form(error: ValidationError) -> str:
    subschema: Any = error.schema  # the mapping with the `pattern` keyword
    description = subschema.get("description") if isinstance(subschema, dict) else None
    return f" ({description.rstrip('.')})" if isinstance(description, str) and description else ""


def _known_properties(schema: object) -> list[str]:
    """Names a misspelled key may have meant (a hint only): the properties of the schema and its branches."""
    if not isinstance(schema, dict):
        return []
    names = list(schema["properties"]) if isinstance(schema.get("properties"), dict) else []
    for keyword in ("allOf", "anyOf", "oneOf"):
        branches = schema.get(keyword)
        for branch in branches if isinstance(branches, list) else []:
            if isinstance(branch, dict) and isinstance(branch.get("properties"), dict):
                names += list(branch["properties"])
    return names


def _closest(name: str, known: list[str]) -> str | None:
    by_lower = {k.lower(): k for k in known}
    return by_lower.get(name.lower()) or next(iter(difflib.get_close_matches(name, known, n=1, cutoff=0.7)), None)


def _condition(error: ValidationError) -> str:
    """' (when type is "video")' for an error raised inside the `then` of an if/then (noted on the error by
    the validator as it evaluated the `if`: seedlint.schema.ExplainingValidator)."""
    noted = getattr(error, "condition", None)
    if noted is None:
        return ""
    if_schema, branch = noted
    if not isinstance(if_schema, dict):
        return ""
    conditions = []
    properties = if_schema.get("properties")
    for name, rule in properties.items() if isinstance(properties, dict) else []:
        if isinstance(rule, dict) and "const" in rule:
            conditions.append(f"{name} is {_show(rule['const'])}")
        elif isinstance(rule, dict) and isinstance(rule.get("enum"), list):
            conditions.append(f"{name} is one of {', '.join(_show(v) for v in rule['enum'])}")
    required: Any = if_schema.get("required")
    for name in required if _names(required) else []:
        if not any(c.startswith(f"{name} ") for c in conditions):
            conditions.append(f"{name} is present")
    if not conditions or set(if_schema) - {"properties", "required", "description", "$comment"}:
        return ""
    joined = " and ".join(conditions)
    return f" (when {joined})" if branch == "then" else f" (unless {joined})"
