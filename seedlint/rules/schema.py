"""SL1 — the JSON Schema (schemas/article.schema.json): fields, types, enums, ranges.

The compiled validator runs on the parsed data; each jsonschema error becomes one positioned
diagnostic with a message written for people (no raw jsonschema dumps).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from jsonschema.exceptions import ValidationError, best_match

from seedlint import schema as article_schema
from seedlint.registry import define

if TYPE_CHECKING:
    from referencing.jsonschema import Schema

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
    what="String fields with a required form (URLs start with http:// or https://, "
    "the secured token is base64;base64).",
    why="Values of the wrong form cannot be used by the consumers that expect that form.",
    example='webUrl: "www.example.com/a"',
)
SCHEMA_VIOLATION = define(
    "SL107",
    "schema-violation",
    "error",
    "Any other violation of the article schema.",
    what="Schema constraints not covered by SL101-SL106 (a field that is forbidden under a condition, "
    "a value matching none of the allowed shapes, ...).",
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


def check(doc: Document, context: Config | None) -> Iterator[Diagnostic]:
    validator = article_schema.validator(context.schema_path if context is not None else None)
    # The common case first: a yes/no answer, far cheaper than collecting errors.
    if article_schema.fast_check(context.schema_path if context is not None else None).is_valid(
        doc.data, doc.entry_keys()
    ):
        return
    found: dict[tuple[int, int, str, str], Diagnostic] = {}
    for error in validator.iter_errors(doc.data):
        for diagnostic in _diagnostics(doc, _most_relevant(error), validator.schema):
            found.setdefault((diagnostic.line, diagnostic.column, diagnostic.code, diagnostic.message), diagnostic)
    # A misspelled key is one mistake, not two: `titel` is reported as unknown (did you mean `title`?),
    # and the "missing `title`" that it causes is dropped.
    suggested = {(d.extra["mapping"], d.extra["suggestion"]) for d in found.values() if d.extra.get("suggestion")}
    for diagnostic in found.values():
        if (diagnostic.extra.get("mapping"), diagnostic.extra.get("missing")) not in suggested:
            yield diagnostic


def _most_relevant(error: ValidationError) -> ValidationError:
    """For anyOf/oneOf, the error of the branch that came closest."""
    while error.context:
        error = best_match(error.context)
    return error


def field_name(path: Iterable[str | int]) -> str:
    """`related[2].provider.name` for ("related", 2, "provider", "name")."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text or "front matter"


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _diagnostics(doc: Document, error: ValidationError, root_schema: Schema) -> Iterator[Diagnostic]:
    path: FieldPath = tuple(error.absolute_path)
    where = field_name(path)
    kind = error.validator
    # The value the error is about and the keyword's value in the schema: arbitrary JSON (jsonschema's
    # `Unset` only stands for them in an error made by hand, never in one it reports).
    instance: Any = error.instance
    schema_value: Any = error.validator_value
    subschema: Any = error.schema
    if kind == "required":
        missing = [name for name in schema_value if name not in instance]
        condition = _condition(error, root_schema)
        for name in missing:
            inside = "" if not path else f" in {where}"
            diagnostic = MISSING_FIELD.at(doc, path, f"missing required field `{name}`{inside}{condition}")
            diagnostic.extra = {"mapping": path, "missing": name}
            yield diagnostic
    elif kind == "dependentRequired":
        for trigger, needed in schema_value.items():
            if trigger in instance:
                for name in needed:
                    if name not in instance:
                        yield MISSING_FIELD.at(
                            doc,
                            path + (trigger,),
                            f"`{field_name(path + (trigger,))}` requires `{name}` beside it",
                            key=True,
                        )
    elif kind in ("additionalProperties", "unevaluatedProperties"):
        known = _known_properties(subschema)
        for name in instance:
            if name not in known:
                suggestion = _closest(name, known)
                hint = f"; did you mean `{suggestion}`?" if suggestion else ""
                diagnostic = UNKNOWN_FIELD.at(
                    doc, path + (name,), f"unknown field `{field_name(path + (name,))}`{hint}", key=True
                )
                diagnostic.extra = {"mapping": path, "suggestion": suggestion}
                yield diagnostic
    elif kind == "type":
        expected: list[str] = schema_value if isinstance(schema_value, list) else [schema_value]
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
        yield WRONG_TYPE.at(doc, path, f"`{where}` must be {wanted}, found {_describe(instance)}")
    elif kind in ("enum", "const"):
        allowed = schema_value if kind == "enum" else [schema_value]
        suggestion = _closest(instance, [str(a) for a in allowed]) if isinstance(instance, str) else None
        hint = f"; did you mean {_show(suggestion)}?" if suggestion else ""
        choices = ", ".join(_show(a) for a in allowed)
        yield INVALID_ENUM.at(
            doc,
            path,
            f"`{where}` is {_show(instance)}; "
            f"expected {'one of ' if len(allowed) > 1 else ''}{choices}{hint}{_condition(error, root_schema)}",
        )
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {
            "minimum": "below the minimum",
            "maximum": "above the maximum",
            "exclusiveMinimum": "not above",
            "exclusiveMaximum": "not below",
        }[kind]
        yield OUT_OF_RANGE.at(doc, path, f"`{where}` is {instance}, {bound} {schema_value}")
    elif kind in ("minLength", "maxLength", "minItems", "maxItems"):
        yield OUT_OF_RANGE.at(doc, path, _length_message(where, kind, error))
    elif kind == "pattern":
        yield PATTERN_MISMATCH.at(
            doc,
            path,
            f"`{where}` is {_show(instance)}, "
            f"which does not match the required form {schema_value}{_expected_form(error)}",
        )
    elif kind == "not" and isinstance(schema_value, dict) and "required" in schema_value:
        for name in schema_value["required"]:
            if name in instance:
                yield SCHEMA_VIOLATION.at(
                    doc,
                    path + (name,),
                    f"`{field_name(path + (name,))}` is not allowed{_condition(error, root_schema) or ' here'}",
                    key=True,
                )
    else:
        yield SCHEMA_VIOLATION.at(doc, path, f"`{where}`: {error.message}")


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {_show(value)}"
    if value is None:
        return "an empty value"
    name = {str: "string", int: "integer", float: "number", list: "a list", dict: "a mapping"}[type(value)]
    return name if isinstance(value, (list, dict)) else f"{name} {_show(value)}"


def _length_message(where: str, kind: str, error: ValidationError) -> str:
    instance: Any = error.instance  # a string or a list (see _diagnostics)
    size = len(instance)
    unit = "characters" if kind.endswith("Length") else "items"
    if size == 0 and kind in ("minLength", "minItems"):
        return f"`{where}` is empty; it needs at least {error.validator_value} {unit}"
    limit = "at least" if kind.startswith("min") else "at most"
    return f"`{where}` has {size} {unit}; it must have {limit} {error.validator_value}"


def _expected_form(error: ValidationError) -> str:
    subschema: Any = error.schema  # the mapping with the `pattern` keyword
    description = subschema.get("description")
    return f" ({description.rstrip('.')})" if description else ""


def _known_properties(schema: Mapping[str, Any]) -> list[str]:
    names = list(schema.get("properties", {}))
    for branch in schema.get("allOf", []) + schema.get("anyOf", []) + schema.get("oneOf", []):
        names += list(branch.get("properties", {}))
    return names


def _closest(name: str, known: list[str]) -> str | None:
    by_lower = {k.lower(): k for k in known}
    return by_lower.get(name.lower()) or next(iter(difflib.get_close_matches(name, known, n=1, cutoff=0.7)), None)


def _condition(error: ValidationError, root_schema: Schema) -> str:
    """' (when type is "video")' for an error raised inside the `then` of an if/then."""
    schema_path = list(error.absolute_schema_path)
    if "then" not in schema_path and "else" not in schema_path:
        return ""
    cut = max(i for i, step in enumerate(schema_path) if step in ("then", "else"))
    branch = schema_path[cut]
    node: Any = root_schema  # the schema, walked along the error's schema path (which it holds)
    for step in schema_path[:cut]:
        node = _resolve(root_schema, node["$ref"]) if step == "$ref" else node[step]
    conditions = []
    for name, rule in node.get("if", {}).get("properties", {}).items():
        if "const" in rule:
            conditions.append(f"{name} is {_show(rule['const'])}")
        elif "enum" in rule:
            conditions.append(f"{name} is one of {', '.join(_show(v) for v in rule['enum'])}")
    for name in node.get("if", {}).get("required", []):
        if not any(c.startswith(name + " ") for c in conditions):
            conditions.append(f"{name} is present")
    if not conditions:
        return ""
    joined = " and ".join(conditions)
    return f" (when {joined})" if branch == "then" else f" (unless {joined})"


def _resolve(root_schema: Schema, reference: str) -> Any:
    """A local `#/$defs/name` reference inside the article schema."""
    node: Any = root_schema
    for step in reference.lstrip("#/").split("/"):
        node = node[step]
    return node
