"""The cache's data-only encoding (seedlint/plain.py): what is written reads back equal, with the same types;
anything else reads back as Malformed (a cache miss), never as another exception or another result."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import FIXTURES

from seedlint import corpus, engine, plain
from seedlint.config import Config
from seedlint.diagnostic import Diagnostic, Severity
from seedlint.discovery import discover
from seedlint.results import Checked


@pytest.fixture(scope="module")
def results() -> list[Checked]:
    config = Config(root=Path.cwd())
    found = []
    for folder in ("azure-news", "ai-news", "seeds", "powerapps-news"):
        sources = discover([FIXTURES / folder], config)
        found += [engine.check_source(source, config) for source in sources]
    run = engine.run(discover([FIXTURES / "azure-news"], config), config)
    assert run.diagnostics
    return found


def test_results_read_back_equal(results):
    assert any(r.record is not None and r.record.refs for r in results)
    assert any(d.fix is not None for r in results for d in r.diagnostics)
    for result in results:
        decoded = plain.decode_checked(plain.encode_checked(result))
        assert decoded == result
        assert type(decoded.record) is type(result.record)
        if result.record is not None:
            assert decoded.record.__reduce__() == result.record.__reduce__()  # every field, its exact type


def test_decoded_records_share_what_recurs_but_never_a_value_of_another_type(results):
    # (memory: 100,000 records held 100,000 equal providers, and every path twice)
    decoded = [plain.decode_checked(plain.encode_checked(r)) for r in results if r.record is not None]
    assert all(checked.record.path is checked.path for checked in decoded)
    known = "".join(decoded[0].path)  # (an equal string, another object: as a worker's result meets its source)
    shared = plain.decode_checked(plain.encode_checked(decoded[0]), known)
    assert shared.path is known and shared.record.path is known and shared == decoded[0]
    # a result's findings share its path, and the rule codes and names are one string each
    found = [(checked, d) for checked in decoded for d in checked.diagnostics]
    assert len(found) > 10 and all(d.path is checked.path for checked, d in found)
    assert len({id(d.code) for _, d in found}) == len({d.code for _, d in found})
    assert len({id(d.name) for _, d in found}) == len({d.name for _, d in found})
    # and so are the texts that recur across documents: messages, loci, text keys, fixes' descriptions and contents
    fixes = [d.fix for _, d in found if d.fix is not None]
    for texts in (
        [d.message for _, d in found],
        [d.locus for _, d in found],
        [d.text_key for _, d in found],
        [fix.description for fix in fixes],
        [edit.content for fix in fixes for edit in fix.edits],
    ):
        assert len(texts) > len(set(texts)) and len(set(map(id, texts))) == len(set(texts))
    providers = [checked.record.value("provider") for checked in decoded]
    assert len(providers) > len(set(providers)) > 1
    first: dict[object, object] = {}
    assert all(first.setdefault(provider, provider) is provider for provider in providers)
    # 1 == 1.0 == True: each record keeps the type it was given
    made = [
        corpus.flat_record("a.md", "a.md", [], ["type", ("x", value)], (), (), (), b"", None, None, b"")
        for value in (1, True, 1.0, "1")
    ]
    assert [type(record.copied[0][1][1]) for record in made] == [int, bool, float, str]


def test_a_records_addresses_and_values_are_found_by_field_name_only():
    # (own_url: the last address of a field, as a mapping of the pairs holds it; value: the first value, as listed;
    # an address that reads like a field name is a value, not a name)
    urls = ["webUrl", "originalUrl", "originalUrl", "https://b.example/", "originalUrl", "https://c.example/"]
    copied = ["type", "title", "title", "A", "provider", "P", "title", "B"]
    record = corpus.flat_record("a.md", "a.md", urls, copied, (), (), (), b"", None, None, b"")
    assert [record.own_url(name) for name in ("webUrl", "originalUrl", "ampWebUrl")] == [
        "originalUrl",
        "https://c.example/",
        None,
    ]
    assert record.url == "originalUrl"
    assert [record.value(name) for name in ("type", "title", "provider", "excerpt")] == ["title", "A", "P", None]


def test_plain_values_keep_their_kinds():
    value = {"a": (1, [2.5, None], b"\x00\xff", {"b": (True, "x")}), "c": []}
    assert plain.decode_value(plain.encode_value(value)) == value
    decoded = plain.decode_value(plain.encode_value(value))
    assert type(decoded["a"]) is tuple and type(decoded["a"][1]) is list and type(decoded["a"][2]) is bytes
    with pytest.raises(TypeError):
        plain.encode_value({1: "not a text key"})
    with pytest.raises(plain.Malformed):
        plain.decode_value({"x": 1})


def test_report_parts_read_back_equal(results):
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=Diagnostic.sort_key)
    assert any(d.extra for d in diagnostics) and any(d.fix is not None and len(d.fix.edits) > 1 for d in diagnostics)
    results = sorted(results, key=lambda r: r.path)
    keys = [f"/abs/{r.path}\0{r.path}" for r in results]
    errors = sorted({r.path for r in results if r.has_error})
    unresolved = [("a.md", "example.com", None), ("b.md", "example.org", 12345)]
    blob = plain.encode_report_part(keys, [(10, -1, r.digest) for r in results], errors, unresolved, diagnostics)
    part = plain.decode_report_part(blob)
    count = len(results)
    paths = tuple(r.path for r in results)
    assert (part.displays, part.absolutes, part.sizes, part.mtimes, part.digests, part.errors, part.unresolved) == (
        paths,
        tuple(f"/abs/{path}" for path in paths),
        [10] * count,
        [-1] * count,
        tuple(r.digest for r in results),
        tuple(errors),
        unresolved,
    )
    # The diagnostics are checked as the part is read, made into objects when first asked for; their columns say
    # how many, which documents and severities without it.
    assert len(part.stored) == len(diagnostics) and part.stored.paths == [d.path for d in diagnostics]
    assert part.stored.severities == [d.severity.value for d in diagnostics]
    assert part.stored.codes == [d.code for d in diagnostics]
    assert part.stored.paths_with_extra(lambda extra: True) == {d.path for d in diagnostics if d.extra}
    assert part.diagnostics == diagnostics and part.diagnostics is part.diagnostics
    elsewhere = plain.decode_report_part(plain.encode_report_part(keys[:1], [(1, 1, "")], [], [], diagnostics))
    assert elsewhere.diagnostics == diagnostics  # (paths not among the part's files: written as they are)
    same = plain.decode_report_part(
        plain.encode_report_part([f"{p}\0{p}" for p in paths], [(1, 1, "")] * count, [], [], [])
    )
    assert same.absolutes == same.displays == paths  # (written once)
    assert plain.loads(blob)[1] == "/abs/"  # (the absolute paths: the display paths after that prefix)
    outside = ["/elsewhere/x.md\0../x.md", f"/abs/{paths[0]}\0{paths[0]}"]
    apart = plain.decode_report_part(plain.encode_report_part(outside, [(1, 1, "")] * 2, [], [], []))
    assert apart.absolutes == ("/elsewhere/x.md", f"/abs/{paths[0]}")  # (no one prefix: written out)
    # The fixes' columns are read without making the diagnostics objects.
    assert part.stored.fixed() == [(d.path, d.code, d.extra, d.fix.applicability) for d in diagnostics if d.fix]
    assert [type(d.fix.edits) for d in part.diagnostics if d.fix] == [tuple] * sum(1 for d in diagnostics if d.fix)
    with pytest.raises(plain.Malformed):  # diagnostics filed out of order
        plain.decode_report_part(plain.encode_report_part([], [], [], [], diagnostics[::-1]))


@pytest.mark.parametrize(
    ("column", "value"),
    [(9, b"\xc1"), (9, plain.dumps(["not a mapping"])), (12, [10**6]), (13, ["neither"]), (3, ["SL999"])],
)
def test_a_report_parts_diagnostics_are_refused_as_it_is_read_not_when_first_asked_for(results, column, value):
    """A part's diagnostics are made into objects when first asked for (plain.StoredDiagnostics), but checked
    whole as the part is read: a malformed part is a miss of the cache then, never an error later in the run."""
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=Diagnostic.sort_key)
    fixed = next(i for i, d in enumerate(diagnostics) if d.fix is not None and d.extra)
    keys = sorted({f"{d.path}\0{d.path}" for d in diagnostics})
    stored = plain.loads(plain.encode_report_part(keys, [(1, 1, "")] * len(keys), [], [], diagnostics))
    assert plain.decode_report_part(plain.dumps(stored)).diagnostics == diagnostics
    stored[7][column][stored[7][12].index(fixed) if column in (12, 13) else fixed] = value[0] if column != 9 else value
    with pytest.raises(plain.Malformed):
        plain.decode_report_part(plain.dumps(stored))


def test_equal_extras_are_decoded_once_but_never_shared():
    first = Diagnostic("a.md", 1, 1, "SL101", Severity.ERROR, "m", extra={"value": ("related", 4, "title")})
    second = Diagnostic("b.md", 1, 1, "SL101", Severity.ERROR, "m", extra={"value": ("related", 4, "title")})
    mutable = Diagnostic("c.md", 1, 1, "SL101", Severity.ERROR, "m", extra={"value": ["a", "list"]})
    decoded = plain.decode_diagnostics(plain.encode_diagnostics([first, second, mutable, mutable]))
    assert decoded == [first, second, mutable, mutable]
    assert decoded[0].extra is not decoded[1].extra and decoded[2].extra["value"] is not decoded[3].extra["value"]
    kinds = {"a": (1, [2.5, (3, None)], {"k": ("x", b"\x00")}), "b": [], "c": {}, "d": ((), True)}
    nested = Diagnostic("d.md", 1, 1, "SL101", Severity.ERROR, "m", extra=kinds)
    (back,) = plain.decode_diagnostics(plain.encode_diagnostics([nested]))
    assert back.extra == kinds and type(back.extra["a"][1]) is list and type(back.extra["a"][1][1]) is tuple
    assert type(back.extra["a"][2]) is dict and type(back.extra["d"][0]) is tuple
    with pytest.raises(TypeError):
        plain.encode_diagnostics([Diagnostic("d.md", 1, 1, "SL101", Severity.ERROR, "m", extra={"a": {1: 2}})])


def _mutations(value: object, rng: random.Random) -> object:
    """`value` (parsed JSON) with one element replaced by something of another kind."""
    if isinstance(value, list) and value and rng.random() < 0.8:
        index = rng.randrange(len(value))
        return [*value[:index], _mutations(value[index], rng), *value[index + 1 :]]
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(list(value))
        return {**value, key: _mutations(value[key], rng)}
    return rng.choice(
        [None, 0, -1, 2**70, 1.5, "", "SL999", "x", [], {}, [1, 2], {"t": 1}, {"d": {b"k": 1}}, b"\x00", True]
    )


def test_mutated_entries_are_misses(results):
    rng = random.Random(24)
    blobs = [plain.encode_checked(r) for r in results[:40]]
    outcomes = {"miss": 0, "decoded": 0}
    for blob in blobs:
        parsed = plain.loads(blob)
        for _ in range(60):
            mutated = _mutations(parsed, rng)
            try:  # (the checks themselves, without decode_checked's net for a forgotten one)
                decoded = plain.checked_from(mutated)
            except plain.Malformed:
                outcomes["miss"] += 1
                continue
            outcomes["decoded"] += 1  # a mutation the shapes allow (another text, another number): typed right
            assert isinstance(decoded, Checked) and all(isinstance(d.line, int) for d in decoded.diagnostics)
        for cut in (0, 1, len(blob) // 2, len(blob) - 1):
            with pytest.raises(plain.Malformed):
                plain.decode_checked(blob[:cut])
    assert outcomes["miss"] > outcomes["decoded"] > 0
    with pytest.raises(plain.Malformed):
        plain.decode_checked(b"\x91" * 100_000)  # lists nested 100,000 deep
    with pytest.raises(plain.Malformed):
        plain.decode_checked(b"\xdd\xff\xff\xff\xff")  # a list that claims 4 billion items
