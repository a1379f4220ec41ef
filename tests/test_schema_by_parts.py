"""The fast yes/no schema answer (seedlint.schema.by_parts, FastCheck) must equal jsonschema's whole-document
answer on every input: a wrong "valid" would hide an error. Compared on every real fixture document and on
thousands of mutations of them (values of the wrong type, keys removed or added, conditions flipped)."""

import copy
import json
import random

import pytest
from conftest import FIXTURES

from seedlint import schema
from seedlint.document import load_document

DOCUMENTS = [
    load_document(path, path.name).data
    for folder in ("seeds", "ai-news", "powerapps-news", "azure-news")
    for path in sorted((FIXTURES / folder).iterdir())
]
DOCUMENTS = [data for data in DOCUMENTS if isinstance(data, dict)]
REPLACEMENTS = [
    "",
    "x",
    0,
    -1,
    1.0,
    2.5,
    20_001,
    1_001,
    True,
    False,
    None,
    [],
    {},
    ["a"],
    {"a": 1},
    "video",
    "article",
    "2024-02-30T15:00:00Z",
    "https://example.com/a",
]


def _places(value, path=()):
    """Every (path, value) inside plain data."""
    yield path, value
    if isinstance(value, dict):
        for key, member in value.items():
            yield from _places(member, path + (key,))
    elif isinstance(value, list):
        for index, member in enumerate(value):
            yield from _places(member, path + (index,))


def _mutated(data, rng: random.Random):
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        places = [(path, value) for path, value in _places(data) if path]
        path, _value = rng.choice(places)
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        action = rng.random()
        if action < 0.5:
            parent[path[-1]] = rng.choice(REPLACEMENTS)
        elif action < 0.75 and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[rng.choice(["extra", "titel", "ampWebUrl", "cdnAmpWebUrl", "originalUrl", "webUrl"])] = rng.choice(
                REPLACEMENTS
            )
    return data


def test_every_real_document_gets_jsonschemas_answer():
    validator = schema.validator()
    fast = schema.FastCheck(validator)
    answers = [(fast.is_valid(data), validator.is_valid(data)) for data in DOCUMENTS]
    assert len(answers) >= 150 and all(mine == theirs for mine, theirs in answers)


@pytest.mark.parametrize("seed", range(4))
def test_mutated_documents_get_jsonschemas_answer(seed):
    rng = random.Random(seed)
    validator = schema.validator()
    fast = schema.FastCheck(validator)
    invalid = 0
    for _ in range(500):
        data = _mutated(rng.choice(DOCUMENTS), rng)
        expected = validator.is_valid(data)
        assert fast.is_valid(data) == expected, data
        invalid += not expected
    assert invalid > 100  # the mutations reach the schema's constraints


def test_references_left_in_place_resolve_against_the_root():
    recursive = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {"n": {"type": "integer"}, "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
            }
        },
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/node"}},
    }
    is_valid = schema.by_parts(recursive)
    assert is_valid({"root": {"n": 1, "kids": [{"n": 2, "kids": []}]}})
    assert not is_valid({"root": {"n": 1, "kids": [{"n": "two"}]}})


def test_a_schema_with_unevaluated_keywords_is_validated_whole():
    closed = {"type": "object", "properties": {"a": {"type": "string"}}, "unevaluatedProperties": False}
    is_valid = schema.by_parts(closed)
    assert is_valid({"a": "x"}) and not is_valid({"a": "x", "b": 1}) and not is_valid({"a": 1})


LEAF_SCHEMAS = [
    {"type": "string", "minLength": 1, "format": "uri"},
    {"type": ["string", "null"], "maxLength": 3},
    {"type": []},
    {"type": "integer", "minimum": 1, "maximum": 20_000},
    {"type": "number", "minimum": 0.5},
    {"minimum": 2, "maxLength": 2},  # no type: each keyword applies to its own kind of value
    {"pattern": "^[a-z]+$"},
    {"type": "object", "required": ["a", "b"], "dependentRequired": {"c": ["d"]}},
    {"required": ["a"]},
    {"type": "boolean"},
]
LEAF_VALUES = [
    "",
    "a",
    "abcd",
    "ab",
    "x y",
    0,
    1,
    2,
    -3,
    1.0,
    0.5,
    2.5,
    20_000,
    20_001,
    True,
    False,
    None,
    [],
    ["a"],
    {},
    {"a": 1},
    {"a": 1, "b": 2},
    {"a": 1, "b": 2, "c": 3},
    {"a": 1, "b": 2, "c": 3, "d": 4},
    {"c": 1, "d": 2},
]


@pytest.mark.parametrize("leaf", LEAF_SCHEMAS, ids=str)
def test_leaf_keywords_get_jsonschemas_answer(leaf):
    """Simple subschemas are decided without jsonschema (schema.by_parts `leaf`): each keyword as jsonschema
    applies it, to every kind of value, in a property and as the whole schema."""
    from jsonschema import Draft202012Validator

    for whole in (leaf, {"type": "object", "properties": {"p": leaf}}):
        is_valid, expected = schema.by_parts(whole), Draft202012Validator(whole).is_valid
        for value in LEAF_VALUES:
            instance = {"p": value} if whole is not leaf else value
            assert is_valid(instance) == expected(instance), (whole, value)


def test_the_packaged_schema_gets_every_shortcut():
    shape = schema.schema_shape.Shape(schema.validator().schema)
    assert shape.simple and shape.related_items() is not None
    assert "$ref" not in json.dumps(shape.inlined["properties"])  # (every reference inlined)


@pytest.mark.parametrize(
    ("the_schema", "simple", "split"),
    [
        (
            {"properties": {"related": {"type": "array", "items": {"$ref": "#/$defs/e"}}}, "$defs": {"e": {}}},
            True,
            True,
        ),
        ({"properties": {"related": {"type": "array", "items": {}}}, "unevaluatedProperties": False}, False, False),
        ({"properties": {"x": {"$id": "x.json"}, "related": {"items": {}}}}, False, False),
        ({"properties": {"x": {"$dynamicRef": "#m"}}, "$dynamicAnchor": "m"}, False, False),
        ({"properties": {"x": {"$ref": "https://json-schema.org/draft/2020-12/schema"}}}, False, False),
        ({"properties": {"related": {"type": "array", "minItems": 1, "items": {}}}}, True, False),
        ({"properties": {"related": {"items": {}}}, "patternProperties": {"^r": {}}}, True, False),
        ({"properties": {"related": {"items": {}}}, "allOf": [{"additionalProperties": {}}]}, True, False),
        ({"properties": {"related": {"items": {}}}, "if": {"properties": {"related": {"maxItems": 1}}}}, True, False),
        (
            {
                "properties": {"related": {"items": {}}},
                "allOf": [{"$ref": "#/$defs/r"}],
                "$defs": {"r": {"enum": [{}]}},
            },
            True,
            False,
        ),
        (
            {"properties": {"related": {"items": {}}}, "allOf": [{"required": ["related"], "properties": {"x": {}}}]},
            True,
            True,
        ),
    ],
    ids=[
        "plain",
        "unevaluated",
        "embedded-id",
        "dynamic",
        "metaschema",
        "minItems",
        "patternProperties",
        "additional-in-allOf",
        "condition-on-related",
        "enum-through-ref",
        "blind-allOf",
    ],
)
def test_the_shortcuts_are_taken_only_where_the_schemas_shape_proves_them(the_schema, simple, split):
    shape = schema.schema_shape.Shape(the_schema)
    assert shape.simple == simple
    assert (shape.related_items() is not None) == split


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("^\\p{Letter}+$", ["Hello", "π", "Ελλάδα"], ["123", "a1", ""]),
        ("^\\p{Lu}", ["Ab", "Éa"], ["ab", "1"]),
        ("^[\\p{Nd}x]+$", ["12x", "٣"], ["1y"]),
        ("^\\P{L}+$", ["12 !"], ["a"]),
        ("^\\p{gc=Ll}$", ["é"], ["É"]),
    ],
)
def test_ecma_property_escapes_are_rewritten_as_the_classes_they_stand_for(pattern, matches, misses):
    import re

    from seedlint.ecma_patterns import translated

    compiled = re.compile(translated(pattern))
    assert all(compiled.search(text) for text in matches) and not any(compiled.search(text) for text in misses)


@pytest.mark.parametrize("pattern", ["\\p{Script=Greek}", "\\p{Any}", "\\\\p{L}("])
def test_other_property_escapes_are_refused(pattern):
    from seedlint.ecma_patterns import NotEcma, translated

    with pytest.raises(NotEcma):
        translated(pattern)


@pytest.mark.parametrize("pattern", ["^a$", "^[a-z0-9-]+(\\.[a-z]+)*$", "[^+/=]{2,}?", "(a|b)\\1"])
def test_patterns_that_read_alike_in_both_are_left_as_written(pattern):
    from seedlint.ecma_patterns import translated

    assert translated(pattern) == pattern
