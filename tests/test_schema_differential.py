"""Differential properties against jsonschema, on schemas and instances drawn by hypothesis: for every schema
seedlint accepts, (a) the fast path's yes/no answer is jsonschema's, and (b) the SL1 rules report at least one
finding exactly when jsonschema rejects the document, each finding on a real place of it (an unknown field is a
key of the document), and never fail.

The schemas mix every applicator and assertion of draft 2020-12 (references into `$defs` included, `related`
lists whose entries the fast path validates apart, and `unevaluated*`, under which it validates whole)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from conftest import yaml_value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from seedlint import schema
from seedlint.config import Config
from seedlint.document import parse_document
from seedlint.rules import schema as rules
from seedlint.schema_shape import registry_for

NAMES = ["a", "b", "related", "x-1"]
DEFS = ["d0", "d1"]
PATTERNS = ["^a", "b$", "^[a-z]+$", "-", "^$"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.5, 1.0, -2.0, float("inf"), float("nan")]),  # (YAML's .inf and .nan)
    st.sampled_from(["", "a", "ab", "b", "x-1", "A"]),
)
instances = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.sampled_from(NAMES), children, max_size=3)
    ),
    max_leaves=12,
)


def schemas(depth: int = 3) -> st.SearchStrategy:
    leaf = st.one_of(
        st.booleans(),
        st.fixed_dictionaries(
            {},
            optional={
                "type": st.sampled_from(["string", "integer", "number", "object", "array", "null", "boolean"])
                | st.lists(st.sampled_from(["string", "integer", "object"]), min_size=1, max_size=2, unique=True),
                "minimum": st.integers(-1, 1),
                "maximum": st.integers(-1, 2),
                "minLength": st.integers(0, 2),
                "maxLength": st.integers(0, 2),
                "pattern": st.sampled_from(PATTERNS),
                "enum": st.lists(scalars, min_size=1, max_size=3),
                "const": scalars,
                "required": st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
                "minItems": st.integers(0, 2),
                "maxItems": st.integers(0, 2),
                "uniqueItems": st.booleans(),
                "multipleOf": st.sampled_from([1, 2, 0.5]),
                "minProperties": st.integers(0, 2),
                "maxProperties": st.integers(0, 2),
                "dependentRequired": st.dictionaries(
                    st.sampled_from(NAMES), st.lists(st.sampled_from(NAMES), max_size=2, unique=True), max_size=2
                ),
                "$ref": st.sampled_from([f"#/$defs/{name}" for name in DEFS]),
            },
        ),
    )
    if depth == 0:
        return leaf
    child = schemas(depth - 1)
    return st.one_of(
        leaf,
        st.fixed_dictionaries(
            {},
            optional={
                "type": st.sampled_from(["object", "array"]),
                "properties": st.dictionaries(st.sampled_from(NAMES), child, max_size=3),
                "patternProperties": st.dictionaries(st.sampled_from(PATTERNS), child, max_size=2),
                "additionalProperties": child,
                "propertyNames": child,
                "dependentSchemas": st.dictionaries(st.sampled_from(NAMES), child, max_size=2),
                "items": child,
                "prefixItems": st.lists(child, min_size=1, max_size=2),
                "contains": child,
                "allOf": st.lists(child, min_size=1, max_size=2),
                "anyOf": st.lists(child, min_size=1, max_size=2),
                "oneOf": st.lists(child, min_size=1, max_size=2),
                "not": child,
                "if": child,
                "then": child,
                "else": child,
                "unevaluatedProperties": child,
                "unevaluatedItems": child,
                "$ref": st.sampled_from([f"#/$defs/{name}" for name in DEFS]),
                "required": st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
            },
        ),
    )


@st.composite
def root_schemas(draw: st.DrawFn) -> dict:
    root = draw(schemas())
    root = root if isinstance(root, dict) else {"allOf": [root]}
    root["$defs"] = {name: draw(schemas(1)) for name in DEFS}
    if draw(st.booleans()):  # a related list, which the fast path may validate entry by entry
        root.setdefault("properties", {})["related"] = {"type": "array", "items": draw(schemas(2))}
    return root


documents = st.dictionaries(st.sampled_from(NAMES), instances, min_size=1, max_size=4)
MANY = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def accepted(root: dict) -> Draft202012Validator | None:
    try:
        return schema.compile_schema(root, "s.json")
    except schema.SchemaFileError:  # (a `$ref` loop: refused, as it should be)
        return None


@MANY
@given(root_schemas(), st.lists(instances, min_size=1, max_size=5))
def test_the_fast_path_answers_as_jsonschema(root, values):
    validator = accepted(root)
    if validator is None:
        return
    fast = schema.FastCheck(validator)
    jsonschema = Draft202012Validator(root, registry=registry_for(root))
    for value in values:
        assert _answer(fast.is_valid, value) == _answer(jsonschema.is_valid, value), (root, value)


def _answer(is_valid, value) -> object:
    """The answer, or the exception raised (jsonschema's multipleOf raises on NaN): the same either way."""
    try:
        return is_valid(value)
    except (ValueError, ArithmeticError) as error:
        return type(error)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(root_schemas(), documents)
def test_the_rules_report_exactly_what_jsonschema_rejects(root, data):
    if accepted(root) is None or _not_json(root):
        return
    with tempfile.TemporaryDirectory() as folder:
        schema_file = Path(folder) / "schema.json"
        schema_file.write_text(json.dumps(root), encoding="utf-8")
        text = "---\n" + "".join(f"{yaml_value(key)}: {yaml_value(value)}\n" for key, value in data.items()) + "---\n"
        doc = parse_document(text.encode("utf-8"), Path("doc.md"), "doc.md")
        assert repr(doc.data) == repr(data)  # (repr: NaN is not equal to itself)
        found = list(rules.check(doc, Config(root=Path(folder), schema=str(schema_file))))
    valid = _answer(Draft202012Validator(root, registry=registry_for(root)).is_valid, data)
    assert bool(found) == (valid is not True), (root, data, [d.message for d in found])
    for diagnostic in found:
        assert diagnostic.code.startswith("SL1") and diagnostic.line >= 2
        if diagnostic.code == "SL102":
            name = diagnostic.message.split("`")[1].rsplit(".", 1)[-1].split("]")[-1]
            assert any(name in mapping for mapping in _mappings(data)), diagnostic.message


def _not_json(root: dict) -> bool:
    """A schema with NaN or Infinity in `enum` or `const`: no schema file can hold it (a file that writes them is
    refused: tests/test_configured_schema.py)."""
    try:
        json.dumps(root, allow_nan=False)
    except ValueError:
        return True
    return False


def _mappings(value: object) -> list[dict]:
    if isinstance(value, dict):
        return [value] + [m for member in value.values() for m in _mappings(member)]
    if isinstance(value, list):
        return [m for member in value for m in _mappings(member)]
    return []
