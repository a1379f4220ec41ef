"""Corpus findings positioned from what the first parse recorded (corpus.anchors_for / corpus.anchored): the
span, quoting style, locus and text key an anchor gives are exactly those the parsed document gives, and a
value whose record cannot vouch for it (another node than the data's, a merge key) has no anchor."""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest
from conftest import FIXTURES

from seedlint import locus, plain
from seedlint.corpus import ANCHORED_FIELDS, Corpus, anchored, record_for
from seedlint.document import Document, load_content, load_document, parse_document
from seedlint.edits import replace_value
from seedlint.fixbasis import basis_for
from seedlint.positioning import SetValue
from seedlint.rules.related import DUPLICATE_DOCUMENT, NEAR_MISS
from seedlint.yamltree import FLOW_PLAIN


def _wheres(doc: Document) -> list[tuple]:
    record = record_for(doc)
    assert record is not None
    return [(name,) for name in ANCHORED_FIELDS] + [("related", ref.index, "webUrl") for ref in record.related]


@pytest.mark.parametrize("folder", ["azure-news", "ai-news", "powerapps-news", "seeds"])
def test_anchors_give_what_the_document_gives(folder):
    anchors = 0
    for path in sorted(p for p in (FIXTURES / folder).iterdir() if p.suffix in (".md", ".txt")):
        doc = load_document(path, path.name)
        record = record_for(doc)
        if record is None:
            continue
        for where in _wheres(doc):
            place = anchored(record, where)
            if place is None:
                continue
            span = doc.value_span(where)
            assert place.span == span
            assert place.style == doc.value_style(where)
            assert (place.locus, place.text_key) == locus.locate(doc, span, where, False)
            anchors += 1
    assert anchors > 20


TEXT = """---
title: 'A title'
webUrl: "https://a.example/one"
originalUrl: https://a.example/one-original
related:
  - webUrl: https://b.example/x
    title: B
  - title: no address
  - webUrl: https://b.example/y
    webUrl: https://b.example/z
---
body
"""


def test_an_anchor_is_the_values_exact_place():
    doc = load_content(TEXT.encode(), Path("a.md"), "a.md")
    record = record_for(doc)
    assert record is not None
    title = anchored(record, ("title",))
    assert title is not None
    assert (title.span.line, title.span.column, title.span.end_line, title.span.end_column) == (2, 8, 2, 17)
    assert doc.text is not None and doc.text[title.span.start : title.span.end] == "'A title'"
    assert (title.style, title.locus) == ("'", "title")
    web = anchored(record, ("webUrl",))
    assert web is not None and web.style == '"' and web.span.line == 3
    first = anchored(record, ("related", 0, "webUrl"))
    assert first is not None and first.locus == "related[https://b.example/x].webUrl" and first.span.line == 6
    assert anchored(record, ("related", 1, "webUrl")) is None  # no address
    last = anchored(record, ("related", 2, "webUrl"))  # a duplicate key: the last one, as the data holds it
    assert last is not None and last.span.line == 10 and last.locus == "related[https://b.example/z].webUrl"
    assert anchored(record, ("related", 0, "title")) is None  # not recorded: the document is parsed again
    assert anchored(record, ("excerpt",)) is None


def test_a_merge_key_leaves_the_walk_to_find():
    text = "---\nbase: &b\n  webUrl: https://a.example/b\n<<: *b\ntitle: T\n---\n"
    doc = load_content(text.encode(), Path("m.md"), "m.md")
    record = record_for(doc)
    assert record is not None
    merged = anchored(record, ("webUrl",))  # brought by the merge key: where find finds it, under `base`
    assert merged is not None and merged.span == doc.value_span(("webUrl",)) and merged.span.line == 3
    title = anchored(record, ("title",))
    assert title is not None and title.span == doc.value_span(("title",))


def test_the_corpus_reports_from_anchors_what_it_reports_from_the_document():
    doc = load_content(TEXT.encode(), Path("a.md"), "a.md")
    record = record_for(doc)
    assert record is not None
    loads: list[str] = []
    corpus = Corpus([record], reported={"a.md"}, load=lambda path: loads.append(path) or doc)
    fix = SetValue("https://b.example/xx", safe=False, description="point related[0] at b")
    found = corpus.report("a.md", NEAR_MISS, ("related", 0, "webUrl"), "near", fix=fix)
    again = corpus.report("a.md", DUPLICATE_DOCUMENT, ("title",), "twice")
    assert loads == []  # nothing parsed again
    expected = NEAR_MISS.at(
        doc,
        ("related", 0, "webUrl"),
        "near",
        fix=replace_value(
            doc, ("related", 0, "webUrl"), "https://b.example/xx", safe=False, description=fix.description
        ),
    )
    assert found == expected
    assert again == DUPLICATE_DOCUMENT.at(doc, ("title",), "twice")
    waiting = corpus.report("a.md", NEAR_MISS, ("related", 0, "title"), "not anchored")
    assert waiting is not None and loads == []  # (positioned once the rules are done: Corpus.settle)
    errors: list[str] = []
    assert corpus.settle([found, waiting], errors) == [
        found,
        NEAR_MISS.at(doc, ("related", 0, "title"), "not anchored"),
    ]
    assert loads == ["a.md"] and errors == []


def test_anchors_of_the_wrong_length_are_a_miss():
    doc = load_content(TEXT.encode(), Path("a.md"), "a.md")
    record = record_for(doc)
    assert record is not None
    encoded = plain.encode_record(record)
    assert plain.decode_record(encoded).anchors == record.anchors
    encoded[-1] = encoded[-1][:-4]
    with pytest.raises(plain.Malformed):
        plain.decode_record(encoded)


@pytest.mark.parametrize("before", [0, 70_000])
def test_anchors_are_held_in_16_bits_where_they_fit_and_stored_in_32(before):
    """A record holds its anchors in 16 bits when every number fits (nearly always), else in 32; either way they
    give the document's own positions, and the cache stores them in 32 bits, as `anchors_for` made them."""
    text = f"---\nexcerpt: '{'x' * before}'\ntitle: T\nwebUrl: https://a.example/x\n---\n"
    doc = load_content(text.encode(), Path("a.md"), "a.md")
    record = record_for(doc)
    assert record is not None and record.anchors.typecode == ("H" if before == 0 else "i")
    found = anchored(record, ("webUrl",))
    assert found is not None and found.span == doc.value_span(("webUrl",))
    assert found.span.start == text.index("https:") > (65_535 if before else 0)
    encoded = plain.encode_record(record)
    assert encoded[-1] == array("i", record.anchors).tobytes()
    again = plain.decode_record(encoded)
    assert again.anchors.typecode == record.anchors.typecode and list(again.anchors) == list(record.anchors)


@pytest.mark.parametrize("odd", ["\u2028", "\x85", "\r"])
def test_lines_broken_where_libyaml_breaks_them_and_the_document_does_not(odd):
    """libyaml also breaks lines at a lone carriage return, U+0085, U+2028 and U+2029: its marks' lines would
    shift every later value against the file's lines, so the anchors are then counted on the text."""
    text = f"---\nexcerpt: 'one{odd}two'\ntitle: T\nwebUrl: https://a.example/x\n---\n"
    doc = load_content(text.encode(), Path("o.md"), "o.md")
    record = record_for(doc)
    assert record is not None
    for where, line in ((("title",), 3), (("webUrl",), 4)):
        place = anchored(record, where)
        assert place is not None and place.span == doc.value_span(where) and place.span.line == line


FLOW_RELATED = (
    b"---\ntitle: A\nwebUrl: https://example.com/a\n"
    b"related:\n  - {title: B, webUrl: https://example.com/b}\n  - title: C\n    webUrl: https://example.com/c\n---\n"
)


def test_a_plain_value_in_a_flow_collection_is_anchored_as_such():
    # (a fix there renders the value as it reads in a flow collection: edits.plain)
    doc = parse_document(FLOW_RELATED, Path("a.md"), "a.md")
    record = record_for(doc)
    assert record is not None
    flow, block = anchored(record, ("related", 0, "webUrl")), anchored(record, ("related", 1, "webUrl"))
    assert flow is not None and block is not None
    assert (flow.style, block.style, anchored(record, ("webUrl",)).style) == (FLOW_PLAIN, None, None)
    basis = basis_for(doc, [])
    assert basis.copy_at(("related", 0, "title"))[2] == FLOW_PLAIN
    assert basis.copy_at(("related", 1, "title"))[2] is None
    assert (doc.in_flow(("related", 0, "title")), doc.in_flow(("related", 1, "title"))) == (True, False)
