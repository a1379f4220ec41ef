"""The official JSON-Schema-Test-Suite (draft 2020-12, tests/jsonschema-suite/) through seedlint: every case's
schema loaded as a configured schema, every instance answered (a) by the fast path (FastCheck) and (b) by
`seedlint check` end to end, with the schema configured and the instance written as a document.

The answers must be the suite's and jsonschema's. The only cases seedlint refuses (a usage error naming what is
missing) are those that need something from outside the schema: a remote document (`http://localhost:1234/...`,
registered here on jsonschema's side only: seedlint fetches nothing) or a custom metaschema. (The two cases
with ECMA-262 property escapes, `\\p{Letter}`, which Python's `re` and so jsonschema cannot run, are run with
the escapes rewritten as character classes: seedlint.ecma_patterns; jsonschema gets the rewritten schema.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import yaml_value
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from seedlint import schema
from seedlint.cli import main
from seedlint.document import load_document

SUITE = Path(__file__).parent / "jsonschema-suite"
FILES = sorted((SUITE / "draft2020-12").glob("*.json"))
REMOTES: Registry = Registry().with_resources(
    ("http://localhost:1234/" + path.relative_to(SUITE / "remotes").as_posix(), DRAFT202012.create_resource(contents))
    for path in (SUITE / "remotes").rglob("*.json")
    for contents in [json.loads(path.read_text(encoding="utf-8"))]
)

# (file, group description): why seedlint refuses the schema, as its usage error says.
REFUSED = {
    ("dynamicRef.json", "strict-tree schema, guards against misspelled properties"): "tree.json",
    ("dynamicRef.json", "tests for implementation dynamic anchor and reference link"): "extendible-dynamic-ref.json",
    ("dynamicRef.json", "$ref and $dynamicAnchor are independent of order - $defs first"): "extendible-dynamic-ref",
    ("dynamicRef.json", "$ref and $dynamicAnchor are independent of order - $ref first"): "extendible-dynamic-ref",
    ("dynamicRef.json", "$ref to $dynamicRef finds detached $dynamicAnchor"): "detached-dynamicref.json",
    ("vocabulary.json", "schema that uses custom metaschema with with no validation vocabulary"): "metaschema-no",
    ("vocabulary.json", "ignore unrecognized optional vocabulary"): "metaschema-optional-vocabulary.json",
}
REFUSED_FILES = {"refRemote.json"}  # every case names a remote document


def groups(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def refusal(path: Path, group: dict) -> str | None:
    if path.name in REFUSED_FILES:
        return "http://localhost:1234/"
    return REFUSED.get((path.name, group["description"]))


def test_the_suite_is_there_whole():
    cases = [test for path in FILES for group in groups(path) for test in group["tests"]]
    assert len(FILES) == 46 and len(cases) > 1_200
    assert (SUITE / "LICENSE").is_file() and re.fullmatch(r"[0-9a-f]{40}\n", (SUITE / "SOURCE-COMMIT").read_text())
    named = {(path.name, group["description"]) for path in FILES for group in groups(path)}
    assert set(REFUSED) <= named  # (the list names real groups)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_the_fast_path_gives_the_suites_answers(path):
    for group in groups(path):
        reason = refusal(path, group)
        if reason is not None:
            with pytest.raises(schema.SchemaFileError) as refused:
                schema.compile_schema(group["schema"], "s.json")
            assert reason in str(refused.value)
            continue
        validator = schema.compile_schema(group["schema"], "s.json")
        fast = schema.FastCheck(validator)
        jsonschema = Draft202012Validator(validator.schema, registry=REMOTES)  # (patterns rewritten for `re`)
        for test in group["tests"]:
            expected = test["valid"]
            assert jsonschema.is_valid(test["data"]) == expected, (group["description"], test["description"])
            assert fast.is_valid(test["data"]) == expected, (group["description"], test["description"])


# End to end. A document's front matter is a mapping, so each case's instance is the value of a field of its
# own (`g3: <instance>`), and the case's schema is that field's subschema in a wrapper schema. Several groups
# of a file share one wrapper (one run) when their `$id`s differ. A schema that uses references or
# identifiers gets an `$id` of its own when it has none, so that `#...` still means the case's schema.
_IDENTIFIERS = re.compile(r'"\$(ref|dynamicRef|id|anchor|dynamicAnchor)"')


def embedded(group_schema: object, where: str) -> object:
    if isinstance(group_schema, dict) and "$id" not in group_schema and _IDENTIFIERS.search(json.dumps(group_schema)):
        return {"$id": f"https://seedlint.invalid/suite/{where}.json", **group_schema}
    return group_schema


def identifiers(group_schema: object) -> set[str]:
    return set(re.findall(r'"\$id": ("(?:[^"\\]|\\.)*")', json.dumps(group_schema)))


def batches(path: Path) -> list[list[tuple[int, dict]]]:
    """The accepted groups of a file in runs whose `$id`s do not collide; groups without references apart
    (their wrapper stays simple enough for the fast path's shortcuts)."""
    found: list[tuple[list[tuple[int, dict]], set[str], bool]] = []
    for index, group in enumerate(groups(path)):
        if refusal(path, group) is not None:
            continue
        ids, plain = identifiers(group["schema"]), not _IDENTIFIERS.search(json.dumps(group["schema"]))
        for members, taken, simple in found:
            if simple == plain and not ids & taken:
                members.append((index, group))
                taken |= ids
                break
        else:
            found.append(([(index, group)], ids, plain))
    return [members for members, _, _ in found]


def run_check(folder: Path, schema_file: Path) -> tuple[int, list[dict], str]:
    config = folder / "seedlint.toml"
    config.write_text(f'schema = "{schema_file.name}"\n', encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "check",
            "--config",
            str(config),
            "--no-cache",
            "--select",
            "SL1",
            "--output-format",
            "json",
            str(folder / "docs"),
        ],
        catch_exceptions=False,
    )
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else [], result.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_seedlint_check_gives_the_suites_answers(path, tmp_path):
    for number, batch in enumerate(batches(path)):
        folder = tmp_path / f"run{number}"
        (folder / "docs").mkdir(parents=True)
        wrapper = {"type": "object", "properties": {}}
        expected = {}
        for index, group in batch:
            wrapper["properties"][f"g{index}"] = embedded(group["schema"], f"{path.stem}/{index}")
            for case, test in enumerate(group["tests"]):
                name = f"g{index}-t{case}.md"
                (folder / "docs" / name).write_text(
                    f"---\ng{index}: {yaml_value(test['data'])}\n---\n", encoding="utf-8"
                )
                assert load_document(folder / "docs" / name).data == {f"g{index}": test["data"]}  # exactly the value
                expected[name] = (test["valid"], f"{group['description']} / {test['description']}")
        schema_file = folder / "schema.json"
        schema_file.write_text(json.dumps(wrapper), encoding="utf-8")
        status, diagnostics, stderr = run_check(folder, schema_file)
        assert "error" not in stderr.lower(), stderr
        found: dict[str, list[dict]] = {}
        for diagnostic in diagnostics:
            found.setdefault(Path(diagnostic["path"]).name, []).append(diagnostic)
        for name, (valid, what) in expected.items():
            assert bool(found.get(name)) == (not valid), (what, found.get(name))
            assert all(d["code"].startswith("SL1") for d in found.get(name, [])), what
        assert status == (0 if all(valid for valid, _ in expected.values()) else 1)


@pytest.mark.parametrize(
    ("path", "group"),
    [(path, group) for path in FILES for group in groups(path) if refusal(path, group) is not None],
    ids=lambda value: value.stem if isinstance(value, Path) else value["description"][:40],
)
def test_seedlint_check_refuses_what_would_need_fetching_as_one_usage_error(path, group, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("---\nx: 1\n---\n", encoding="utf-8")
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(group["schema"]), encoding="utf-8")
    status, diagnostics, stderr = run_check(tmp_path, schema_file)
    assert (status, diagnostics) == (2, [])
    [error] = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert f"{schema_file}: " in error and refusal(path, group) in error
    assert "internal error" not in stderr and "Traceback" not in stderr


def test_formats_are_the_one_intended_difference():
    """SL1 asserts no `format` (SL2/SL3 check the date and URL fields): every instance of the suite's optional
    format tests is valid for it, the invalid ones included."""
    cases = 0
    for path in sorted((SUITE / "draft2020-12" / "optional" / "format").glob("*.json")):
        for group in groups(path):
            assert set(group["schema"]) <= {"$schema", "format"}, (path.name, group["description"])
            fast = schema.FastCheck(schema.compile_schema(group["schema"], "s.json"))
            for test in group["tests"]:
                assert fast.is_valid(test["data"]), (path.name, test["description"])
                cases += not test["valid"]
    assert cases > 300  # (so many would be refused with format assertions)
