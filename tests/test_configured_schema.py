"""A project's own schema (`schema = "..."`), through the command line: the cases of issue 15 and 24 that
crashed, passed invalid documents, reported keys jsonschema accepts, refused self-contained schemas or hung.
Each asserts the exact findings (code, line, column, message) or the exact usage error."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from seedlint import schema, schema_shape
from seedlint.cli import main
from seedlint.rules.schema import MAX_PER_CODE


def run(tmp_path: Path, the_schema: object, *documents: str) -> tuple[int, list[tuple[str, str, int, int, str]], str]:
    """`seedlint check --select SL1` on the documents (front matter only), with the schema configured."""
    (tmp_path / "schema.json").write_text(json.dumps(the_schema), encoding="utf-8")
    (tmp_path / "seedlint.toml").write_text('schema = "schema.json"\n', encoding="utf-8")
    (tmp_path / "docs").mkdir()
    for number, front_matter in enumerate(documents):
        (tmp_path / "docs" / f"d{number}.md").write_text(f"---\n{front_matter}\n---\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["check", "--config", str(tmp_path / "seedlint.toml"), "--no-cache", "--select", "SL1"]
        + ["--output-format", "json", str(tmp_path / "docs")],
        catch_exceptions=False,
    )
    found = [
        (Path(d["path"]).name, d["code"], d["line"], d["column"], d["message"])
        for d in (json.loads(result.stdout) if result.stdout.strip() else [])
    ]
    return result.exit_code, found, result.stderr


CASES = {
    "additionalProperties beside an anyOf that names the key": (
        {"properties": {"a": {}}, "additionalProperties": False, "anyOf": [{"properties": {"b": {}}}]},
        "a: 1\nb: 2",
        [("SL102", 3, 1, "unknown field `b`")],
    ),
    "a $ref inside const is data": (
        {"$defs": {"s": {"type": "string"}}, "properties": {"x": {"const": {"$ref": "#/$defs/s"}}}},
        "x: s",
        [("SL104", 2, 4, '`x` is "s"; expected {"$ref": "#/$defs/s"}')],
    ),
    "not required on a string": (
        {"properties": {"a": {"not": {"required": ["x"]}}}},
        "a: s",
        [("SL107", 2, 4, '`a` must not match the schema {"required": ["x"]} (`not`)')],
    ),
    "a boolean branch under unevaluatedProperties": (
        {"allOf": [True], "unevaluatedProperties": False},
        "a: 1",
        [("SL102", 2, 1, "unknown field `a`")],
    ),
    "related items that refer to the root's properties": (
        {
            "properties": {
                "title": {"type": "string"},
                "related": {"type": "array", "items": {"$ref": "#/properties/title"}},
            }
        },
        "related: [1]",
        [("SL103", 2, 11, "`related[0]` must be a string, found integer 1")],
    ),
    "related items that refer to an anchor": (
        {
            "properties": {
                "t": {"$anchor": "t", "type": "string"},
                "related": {"type": "array", "items": {"$ref": "#t"}},
            }
        },
        "related: [1]",
        [("SL103", 2, 11, "`related[0]` must be a string, found integer 1")],
    ),
    "a property with its own $id and $defs": (
        {
            "properties": {
                "x": {"$id": "http://example.com/x", "$defs": {"i": {"type": "integer"}}, "$ref": "#/$defs/i"}
            }
        },
        "x: s",
        [("SL103", 2, 4, '`x` must be an integer, found string "s"')],
    ),
    "a JSON-pointer escape": (
        {
            "$defs": {"a/b": {"type": "integer"}, "a~1b": {"type": "string"}},
            "properties": {"x": {"$ref": "#/$defs/a~1b"}},
        },
        "x: s",
        [("SL103", 2, 4, '`x` must be an integer, found string "s"')],
    ),
    "related constrained through patternProperties": (
        {
            "patternProperties": {"^rel": {"maxItems": 0}},
            "properties": {"related": {"type": "array", "items": {}}},
        },
        "related: [1]",
        [("SL105", 2, 10, "`related` has 1 items; it must have at most 0")],
    ),
    "related constrained by an additionalProperties inside allOf": (
        {
            "allOf": [{"additionalProperties": {"type": "integer"}}],
            "properties": {"related": {"type": "array", "items": {}}},
        },
        "related: [1]",
        [("SL103", 2, 10, "`related` must be an integer, found a list")],
    ),
    "a key matched by patternProperties is not unknown": (
        {"patternProperties": {"^x": {}}, "additionalProperties": False},
        "xa: 1\nya: 2",
        [("SL102", 3, 1, "unknown field `ya`")],
    ),
    "keys evaluated through $ref and if/then are not unknown": (
        {
            "$defs": {"base": {"properties": {"a": {}}}},
            "allOf": [{"$ref": "#/$defs/base"}],
            "if": {"required": ["a"]},
            "then": {"properties": {"b": {}}},
            "unevaluatedProperties": False,
        },
        "a: 1\nb: 2\nc: 3",
        [("SL102", 4, 1, "unknown field `c`")],
    ),
    "an if/then inside a $defs entry reached through $ref": (
        {
            "$defs": {
                "entry": {
                    "type": "object",
                    "if": {"properties": {"type": {"const": "video"}}, "required": ["type"]},
                    "then": {"required": ["originalUrl"]},
                }
            },
            "properties": {"related": {"type": "array", "items": {"$ref": "#/$defs/entry"}}},
        },
        "related:\n  - type: video",
        [("SL101", 3, 5, 'missing required field `originalUrl` in related[0] (when type is "video")')],
    ),
    "a $ref relative to the root's $id": (
        {
            "$id": "https://example.com/root.json",
            "$defs": {"i": {"type": "integer"}},
            "properties": {"x": {"$ref": "root.json#/$defs/i"}},
        },
        "x: s",
        [("SL103", 2, 4, '`x` must be an integer, found string "s"')],
    ),
    "an ECMA-262 property escape, rewritten for Python's re": (
        {"properties": {"name": {"pattern": "^\\p{Letter}+$"}}, "patternProperties": {"^\\P{L}": {"type": "string"}}},
        "name: Ελλάδα1\n1x: 2",
        [
            ("SL106", 2, 7, '`name` is "Ελλάδα1", which does not match the required form ^\\p{Letter}+$'),
            ("SL103", 3, 5, "`1x` must be a string, found integer 2"),
        ],
    ),
    "a key the closest alternative rejects is not called unknown (another alternative knows it)": (
        {
            "anyOf": [
                {"properties": {"a": {}}, "additionalProperties": False},
                {"properties": {"b": {}}, "additionalProperties": False},
            ]
        },
        "a: 1\nb: 2",
        [("SL107", 3, 1, "`b` is not allowed (the closest of 2 alternatives, `anyOf`)")],
    ),
    "a false subschema, at the key it forbids": (
        {"properties": {"x": False, "y": {"items": False}}},
        "y: []\nx: 1",
        [("SL107", 3, 1, "`x` is not allowed here")],
    ),
    "a key propertyNames rejects": (
        {"propertyNames": {"pattern": "^[a-z]+$"}},
        "abc: 1\nB1: 2",
        [("SL107", 3, 1, "field name \"B1\" in `front matter` is not allowed: 'B1' does not match '^[a-z]+$'")],
    ),
    "a long enum": (
        {"properties": {"x": {"enum": list(range(100))}}},
        "x: 500",
        [("SL104", 2, 4, "`x` is 500; expected one of 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 (or one of 90 more)")],
    ),
    "more than one alternative of oneOf": (
        {"oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
        "a: 1\nb: 2",
        [
            (
                "SL107",
                2,
                1,
                "`front matter` matches more than one of the alternatives of `oneOf` (exactly one must hold)",
            )
        ],
    ),
    "the closest alternative of anyOf": (
        {"anyOf": [{"required": ["a"]}, {"required": ["b"]}]},
        "c: 1",
        [("SL101", 2, 1, "missing required field `a` (the closest of 2 alternatives, `anyOf`)")],
    ),
}


@pytest.mark.parametrize(("the_schema", "front_matter", "expected"), CASES.values(), ids=list(CASES))
def test_a_configured_schema_gets_jsonschemas_answer_with_positioned_findings(
    tmp_path, the_schema, front_matter, expected
):
    status, found, stderr = run(tmp_path, the_schema, front_matter)
    # jsonschema rejects each document (on the schema as seedlint loads it: ECMA property escapes rewritten)
    loaded = schema.compile_schema(the_schema, "schema.json").schema
    assert not Draft202012Validator(loaded, registry=schema.schema_shape.registry_for(loaded)).is_valid(
        __import__("yaml").safe_load(front_matter)
    )
    assert (status, stderr) == (1, "")
    assert [finding[1:] for finding in found] == expected


@pytest.mark.parametrize(
    ("the_schema", "problem"),
    [
        (
            {"$dynamicRef": "https://example.com/meta#m"},
            "`$dynamicRef: https://example.com/meta#m` (at #) names `https://example.com/meta`, which is not part "
            "of the schema; seedlint fetches nothing at lint time",
        ),
        ({"properties": {"x": {"$ref": "#/$defs/nope"}}}, "`$ref: #/$defs/nope` (at #/properties/x) points to nothing"),
        ({"properties": {"x": {"$ref": "#nope"}}}, "`$ref: #nope` (at #/properties/x) points to nothing in the schema"),
        ({"title": "t", "$ref": "#/title"}, "`$ref: #/title` (at #) points to str data, not to a schema"),
        (
            {"properties": {"x": {"pattern": "("}}},
            "the pattern '(' (at #/properties/x/pattern) does not compile with Python's `re`, which jsonschema and "
            "seedlint run patterns with: missing ), unterminated subpattern at position 0",
        ),
        (
            {"patternProperties": {"\\p{Script=Greek}": {}}},
            "the pattern '\\\\p{Script=Greek}' (at #/patternProperties) does not compile",
        ),
        (
            {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"},
            "the references at #/$defs/a loop back to themselves without descending into the document",
        ),
        (
            {"$schema": "https://example.com/my-metaschema"},
            "`$schema: https://example.com/my-metaschema` (at #) is not a metaschema seedlint knows",
        ),
        ({"type": "strng"}, "not a valid JSON Schema: "),
        (json.loads('{"not": ' * 400 + "{}" + "}" * 400), "the schema nests too deep to be checked"),
    ],
    ids=[
        "remote-dynamicRef",
        "pointer",
        "anchor",
        "ref-to-a-string",
        "pattern",
        "ecma-pattern",
        "loop",
        "metaschema",
        "metaschema-invalid",
        "too-deep",
    ],
)
def test_a_schema_that_cannot_be_used_is_refused_once_as_a_usage_error(tmp_path, the_schema, problem):
    status, found, stderr = run(tmp_path, the_schema, "x: 1", "y: 2")
    assert (status, found) == (2, [])
    [error] = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert error.startswith(f"Error: {tmp_path / 'schema.json'}: ") and problem in error
    assert "internal error" not in stderr and "Traceback" not in stderr


def test_the_packaged_schema_passes_the_load_time_checks_that_runs_skip_for_it():
    # (seedlint.schema.compile_schema trusts the packaged schema to pass them; this test is what it trusts.)
    packaged = json.loads(schema.schema_text(None))
    assert schema_shape.load_problems(*schema_shape.with_python_patterns(packaged)) == []
    with pytest.raises(schema.SchemaFileError, match="not a valid JSON Schema"):
        schema.compile_schema({**packaged, "type": "article"}, "packaged, changed")
    schema.compile_schema({**packaged, "type": "article"}, "packaged", packaged=True)  # (what it skips)


def test_self_contained_schemas_with_embedded_resources_are_accepted(tmp_path):
    embedded = {
        "$id": "https://example.com/article.json",
        "$defs": {
            "name": {"$id": "name.json", "$anchor": "n", "type": "string"},
            "meta": {"$dynamicAnchor": "meta", "type": "object"},
        },
        "properties": {
            "a": {"$ref": "name.json"},
            "b": {"$ref": "name.json#n"},
            "c": {"$ref": "https://example.com/name.json"},
            "d": {"$dynamicRef": "#meta"},
            "e": {"$ref": "https://json-schema.org/draft/2020-12/schema"},  # known offline (jsonschema ships it)
        },
    }
    status, found, stderr = run(tmp_path, embedded, 'a: x\nb: y\nc: z\nd: {}\ne: {"type": "string"}', "a: 1\nd: 2")
    assert (status, stderr) == (1, "")
    assert [f[:4] for f in found] == [("d1.md", "SL103", 2, 4), ("d1.md", "SL103", 3, 4)]


def test_a_pattern_that_backtracks_for_ever_is_one_finding_not_a_hang(tmp_path):
    catastrophic = {"properties": {"x": {"pattern": "^(a+)+$"}}, "patternProperties": {"^(b+)+$": {}}}
    status, found, stderr = run(tmp_path, catastrophic, "x: " + "a" * 40 + "!", "b" * 40 + "!: 1", "x: aaa")
    assert (status, stderr) == (1, "")
    assert found == [
        (
            "d0.md",
            "SL106",
            2,
            4,
            '`x` could not be checked against the pattern "^(a+)+$": matching stopped after 1 s of CPU time '
            "(the pattern backtracks catastrophically on this value; simplify it)",
        ),
        (
            "d1.md",
            "SL106",
            2,
            1,
            f'field name `{"b" * 40}!` could not be checked against the pattern "^(b+)+$": matching stopped after '
            "1 s of CPU time (the pattern backtracks catastrophically on this value; simplify it)",
        ),
    ]


def test_a_flood_of_unknown_keys_is_capped_and_says_so(tmp_path):
    keys = "".join(f"k{n}: 1\n" for n in range(16_000))
    status, found, _ = run(tmp_path, {"properties": {"a": {}}, "additionalProperties": False}, keys.rstrip("\n"))
    assert status == 1 and len(found) == MAX_PER_CODE + 1
    assert found[0][1:] == ("SL102", 2, 1, "unknown field `k0`")
    assert found[-2][1:] == ("SL102", MAX_PER_CODE + 1, 1, f"unknown field `k{MAX_PER_CODE - 1}`")
    assert found[-1][1:] == (
        "SL102",
        MAX_PER_CODE + 2,
        1,
        f"{16_000 - MAX_PER_CODE:,} more SL102 unknown-field findings in this file are not shown "
        f"(at most {MAX_PER_CODE} per rule and file)",
    )


def test_findings_of_one_code_are_capped_per_file(tmp_path):
    items = ", ".join(["x"] * 120)
    status, found, _ = run(tmp_path, {"properties": {"a": {"items": {"type": "integer"}}}}, f"a: [{items}]")
    assert status == 1 and len(found) == MAX_PER_CODE + 1
    assert found[-1][4] == (
        f"{120 - MAX_PER_CODE} more SL103 wrong-type findings in this file are not shown "
        f"(at most {MAX_PER_CODE} per rule and file)"
    )


def test_a_run_with_an_internal_error_does_not_say_all_checks_passed(tmp_path, monkeypatch):
    from seedlint.rules import schema as rules

    def broken(doc, config):
        raise RuntimeError("boom")
        yield

    monkeypatch.setattr(rules, "check", broken)
    monkeypatch.setattr("seedlint.rules.DOCUMENT_CHECKS", [broken])
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("---\nx: 1\n---\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["check", "--isolated", "--no-cache", "--output-format", "concise", str(tmp_path / "docs")]
    )
    assert result.exit_code == 2
    assert "All checks passed" not in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "No problems reported (1 file checked), but the run did not finish (see the `seedlint:` messages)."
    )


def test_a_value_jsonschema_cannot_evaluate_is_a_finding_not_an_internal_error(tmp_path):
    # jsonschema's multipleOf raises ValueError on NaN (YAML's `.nan`, which JSON cannot even write)
    status, found, stderr = run(tmp_path, {"properties": {"x": {"multipleOf": 0.1}}}, "x: .nan")
    assert (status, stderr) == (1, "")
    assert [f[1:] for f in found] == [
        ("SL107", 2, 1, "the schema cannot be applied to this front matter: cannot convert float NaN to integer")
    ]


def test_the_time_limit_holds_in_worker_processes_too(tmp_path):
    # 400 files or more are checked in worker processes (engine.PARALLEL_FROM), which bound their own time
    from seedlint.engine import PARALLEL_FROM

    documents = ["x: aaa"] * PARALLEL_FROM + ["x: " + "a" * 40 + "!"] * 2
    status, found, stderr = run(tmp_path, {"properties": {"x": {"pattern": "^(a+)+$"}}}, *documents)
    assert (status, stderr) == (1, "")
    assert [(name, code, line, column) for name, code, line, column, _ in found] == [
        (f"d{PARALLEL_FROM}.md", "SL106", 2, 4),
        (f"d{PARALLEL_FROM + 1}.md", "SL106", 2, 4),
    ]


def test_a_schema_edited_between_two_runs_of_one_process_is_read_again(tmp_path):
    """The compiled schema is remembered by the file's path and stamp: `--watch`, the language server or a script
    running seedlint again after the schema changed use the new one (remembered by path alone, they kept the old)."""
    forbidding = {"properties": {"a": {"type": "string"}}}
    assert run(tmp_path, forbidding, "a: 1")[1] == [("d0.md", "SL103", 2, 4, "`a` must be a string, found integer 1")]
    (tmp_path / "docs" / "d0.md").unlink()
    (tmp_path / "docs").rmdir()
    assert run(tmp_path, {"properties": {"a": {"type": "integer"}}}, "a: 1")[1] == []


def refused(tmp_path: Path, schema_text: str) -> str:
    """The one usage error of `seedlint check` with a schema file of this text (exit 2, nothing checked)."""
    (tmp_path / "schema.json").write_text(schema_text, encoding="utf-8")
    (tmp_path / "seedlint.toml").write_text('schema = "schema.json"\n', encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path / "seedlint.toml"), str(tmp_path / "docs")])
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    return error.removeprefix(f"Error: {tmp_path / 'schema.json'}: ")


@pytest.mark.parametrize(
    ("schema_text", "problem"),
    [
        ("[1, 2]", "not a valid JSON Schema: [1, 2] is not of type 'object', 'boolean' (at #)"),
        ("42", "not a valid JSON Schema: 42 is not of type 'object', 'boolean' (at #)"),
        ('"str"', "not a valid JSON Schema: 'str' is not of type 'object', 'boolean' (at #)"),
        ('{"properties": 5}', "not a valid JSON Schema: 5 is not of type 'object' (at #/properties)"),
        ('{"$defs": 5}', "not a valid JSON Schema: 5 is not of type 'object' (at #/$defs)"),
        (
            '{"properties": {"title": 5}}',
            "not a valid JSON Schema: 5 is not of type 'object', 'boolean' (at #/properties/title)",
        ),
        (
            '{"items": [{"const": "x"}]}',
            "not a valid JSON Schema: [{'const': 'x'}] is not of type 'object', 'boolean' (at #/items)",
        ),
    ],
    ids=["list", "number", "string", "properties", "defs", "property", "items-list"],
)
def test_a_schema_with_a_value_of_the_wrong_type_is_a_usage_error(tmp_path, schema_text, problem):
    # (referencing's crawl of embedded resources, run before the metaschema check, raised AttributeError)
    assert refused(tmp_path, schema_text) == problem


@pytest.mark.parametrize(
    ("schema_text", "problem"),
    [
        ('{"maximum": NaN}', "line 1, column 13: NaN is not JSON (a JSON number is finite)"),
        (
            '{\n  "properties": {"a": {"minimum": -Infinity}}\n}',
            "line 2, column 35: -Infinity is not JSON (a JSON number is finite)",
        ),
        (
            '{"type": "object", "type": "string"}',
            "line 1, column 20: duplicate key `type` (first at line 1, column 2); the keys of a JSON object must "
            "differ (Python's json would keep the last one, silently)",
        ),
        (
            '{\n  "properties": {\n    "a": {"x": [{"x": 1}]},\n    "b": {"\\u0078": 1,\n      "x": 2}\n  }\n}',
            "line 5, column 7: duplicate key `x` (first at line 4, column 11); the keys of a JSON object must "
            "differ (Python's json would keep the last one, silently)",
        ),
    ],
    ids=["nan", "infinity", "duplicate-key", "duplicate-escaped-key"],
)
def test_a_schema_that_python_reads_but_json_is_not_is_a_usage_error_at_its_line(tmp_path, schema_text, problem):
    # (Python's json read NaN, so that `maximum: NaN` checked nothing, and kept the last of two keys)
    assert refused(tmp_path, schema_text) == problem


def test_strings_that_hold_what_strict_json_refuses_are_read_as_strings():
    text = '{"a": "NaN Infinity \\"type\\": {\\"x\\": 1, \\"x\\": 2}", "type": "string", '
    text += '"b": [{"type": 1}, {"type": 1}]}'
    assert schema.strict_json(text) == json.loads(text)


@pytest.mark.parametrize(
    ("the_schema", "problem"),
    [
        (
            {"properties": {"title": {"minLength": -1}}},
            "not a valid JSON Schema: -1 is less than the minimum of 0 (at #/properties/title/minLength)",
        ),
        (  # (the alternative of the metaschema's `anyOf` that says what is wrong, not "not valid under any of ...")
            {"properties": {"title": {"type": "nonsense"}}},
            "not a valid JSON Schema: 'nonsense' is not one of ['array', 'boolean', 'integer', 'null', 'number', "
            "'object', 'string'] (at #/properties/title/type)",
        ),
        (
            {"properties": {"a/b~": {"allOf": [{"required": ["x", "x"]}]}}},
            "not a valid JSON Schema: ['x', 'x'] has non-unique elements (at #/properties/a~1b~0/allOf/0/required)",
        ),
        (  # a schema reached only through a reference (inside `const` data)
            {"properties": {"x": {"$ref": "#/$defs/a/const"}}, "$defs": {"a": {"const": {"maximum": "9"}}}},
            "not a valid JSON Schema: '9' is not of type 'number' (at #/$defs/a/const/maximum)",
        ),
    ],
    ids=["minimum", "any-of", "escaped-pointer", "through-a-reference"],
)
def test_a_schema_the_metaschema_rejects_is_refused_at_the_keyword_it_is_about(tmp_path, the_schema, problem):
    assert refused(tmp_path, json.dumps(the_schema)) == problem


OTHER_DRAFT = (
    "seedlint validates JSON Schema draft 2020-12 only (`$schema: https://json-schema.org/draft/2020-12/schema`, "
    "or no `$schema`), whose keywords mean other things (`items: [...]`, `dependencies`, keywords beside `$ref`, "
    "`exclusiveMaximum: true`); write the schema in draft 2020-12"
)


@pytest.mark.parametrize(
    ("the_schema", "problem"),
    [
        (  # (read as 2020-12, `dependencies` checked nothing: every document passed)
            {"$schema": "http://json-schema.org/draft-07/schema#", "dependencies": {"title": ["nothing"]}},
            f"`$schema: http://json-schema.org/draft-07/schema#` (at #) is another draft: {OTHER_DRAFT}",
        ),
        (  # (the 2020-12 metaschema refused this valid draft-04 schema)
            {
                "$schema": "http://json-schema.org/draft-04/schema#",
                "properties": {"quality": {"maximum": 100, "exclusiveMaximum": True}},
            },
            f"`$schema: http://json-schema.org/draft-04/schema#` (at #) is another draft: {OTHER_DRAFT}",
        ),
        (  # (an internal error)
            {
                "$schema": "https://json-schema.org/draft/2019-09/schema",
                "properties": {"topics": {"items": [{"const": "x"}], "additionalItems": False}},
            },
            f"`$schema: https://json-schema.org/draft/2019-09/schema` (at #) is another draft: {OTHER_DRAFT}",
        ),
        (  # (keywords beside `$ref`, which draft-07 ignores, were applied)
            {
                "$schema": "http://json-schema.org/draft-07/schema",
                "properties": {"title": {"$ref": "#/definitions/t", "maxLength": 1}},
                "definitions": {"t": {}},
            },
            f"`$schema: http://json-schema.org/draft-07/schema` (at #) is another draft: {OTHER_DRAFT}",
        ),
        (
            {
                "properties": {
                    "a": {"$id": "https://example.com/a", "$schema": "http://json-schema.org/draft-06/schema#"}
                }
            },
            f"`$schema: http://json-schema.org/draft-06/schema#` (at #/properties/a) is another draft: {OTHER_DRAFT}",
        ),
        (
            {"properties": {"a": {"$ref": "http://json-schema.org/draft-07/schema#"}}},
            "`$schema: http://json-schema.org/draft-07/schema#` (at http://json-schema.org/draft-07/schema#) is "
            f"another draft: {OTHER_DRAFT}",
        ),
    ],
    ids=["draft-07", "draft-04", "draft-2019-09", "ref-siblings", "embedded", "referenced-metaschema"],
)
def test_a_schema_of_another_draft_is_refused_naming_the_one_supported(tmp_path, the_schema, problem):
    assert refused(tmp_path, json.dumps(the_schema)) == problem


def test_the_draft_2020_12_metaschema_is_accepted_with_or_without_its_hash(tmp_path):
    for dialect in ("https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#"):
        assert schema.compile_schema({"$schema": dialect, "maxLength": 1}, "s.json").is_valid("x")


def test_a_class_that_python_would_read_as_a_set_operation_gives_no_warning_and_ecmas_meaning(tmp_path):
    # ECMA-262 reads `[+--]` as the range from `+` to `-` (`,` inside), `[a&&b]` and `[[]` as their characters;
    # `re` printed "FutureWarning: Possible set difference" (and the like) for each, three times a run
    the_schema = {"properties": {"a": {"pattern": "^[+--]$"}, "b": {"pattern": "^[&&~~||[]+$"}}}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status, found, stderr = run(tmp_path, the_schema, "a: ','\nb: '&~|['", "a: x\nb: '&-'")
    assert (status, stderr) == (1, "")
    assert [f[:4] for f in found] == [("d1.md", "SL106", 2, 4), ("d1.md", "SL106", 3, 4)]
    assert found[0][4] == '`a` is "x", which does not match the required form ^[+--]$'


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        (  # (`re` read it as the range from the last letter to `-`, then the uppercase letters, with a warning)
            "[\\p{L}--\\p{Lu}]",
            "`[\\p{L}--`: a range in a character class has a class (`\\p{...}`, `\\d`...) at an end; ECMA-262 "
            "refuses it (`--` is set difference only with the `v` flag, which JSON Schema patterns do not have)",
        ),
        (
            "^a\\Z",
            "`\\Z` is not an ECMA-262 escape (Python reads it as the end of the string; ECMA-262 has `^` and `$`)",
        ),
        (
            "\\A",
            "`\\A` is not an ECMA-262 escape (Python reads it as the start of the string; ECMA-262 has `^` and `$`)",
        ),
        (
            "(?P<x>a)",
            "`(?P` is Python's syntax, not ECMA-262's: a named group is `(?<name>...)`, a reference to it `\\k<name>`",
        ),
        (
            "(?i)^a$",
            "`(?i` is not ECMA-262 syntax: a group opens with `(`, `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!` or `(?<name>` "
            "(ECMA-262 patterns have no inline flags, comments or atomic groups)",
        ),
        (
            "^a*+$",
            "`*+`: a quantifier cannot follow a quantifier (Python reads `*+`, `++`, `?+` as possessive; ECMA-262 has "
            "no such thing)",
        ),
        ("a{", "a lone `{` at position 1 must be escaped (`\\{`) in ECMA-262's Unicode mode"),
    ],
    ids=["class-range-end", "Z", "A", "python-named-group", "inline-flag", "possessive", "lone-brace"],
)
def test_a_pattern_that_is_not_ecma_262_is_refused_saying_why(tmp_path, pattern, problem):
    written = json.dumps(pattern)[1:-1]
    assert refused(tmp_path, json.dumps({"properties": {"title": {"pattern": pattern}}})) == (
        f"the pattern '{written}' (at #/properties/title/pattern) does not compile as ECMA-262 (JSON Schema's "
        f"dialect, read in Unicode mode): {problem}"
    )


def test_ecma_named_groups_and_their_references_are_read_as_ecma_reads_them(tmp_path):
    the_schema = {"properties": {"a": {"pattern": "^(?<twice>[a-z])\\k<twice>$"}, "b": {"pattern": "^\\u{1F600}$"}}}
    status, found, stderr = run(tmp_path, the_schema, "a: xx\nb: 😀", "a: xy\nb: x")
    assert (status, stderr) == (1, "")
    assert [f[:4] for f in found] == [("d1.md", "SL106", 2, 4), ("d1.md", "SL106", 3, 4)]
    assert found[0][4] == '`a` is "xy", which does not match the required form ^(?<twice>[a-z])\\k<twice>$'


def test_a_long_pattern_is_quoted_cut_in_the_message(tmp_path):
    """A 2 MB pattern was quoted whole in every SL106 message (24 MB of output for 12 files)."""
    pattern = "^(?:" + "|".join(f"word{n}" for n in range(2000)) + ")$"
    status, found, _ = run(tmp_path, {"properties": {"x": {"pattern": pattern}}}, "x: other")
    assert status == 1
    [(_, code, line, column, message)] = found
    assert (code, line, column) == ("SL106", 2, 4)
    assert message == f'`x` is "other", which does not match the required form {pattern[:199]}…'
