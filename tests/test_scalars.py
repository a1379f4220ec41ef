"""Positions inside a scalar: the file column of each character of a value, through quoting, escapes and
line folding (seedlint/scalars.py, Document.value_offset)."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from seedlint import scalars
from seedlint.document import parse_document
from seedlint.edits import double_quoted, render_scalar
from seedlint.yamltree import FLOW_PLAIN

TEXT = """---
plain: Sheriffâ€™s Office
single: 'it''s the Sheriffâ€™s'
double: "Say \\"hi\\"\\t\\u00e9 Sheriffâ€™s"
folded: "first
  second\\
  third

  fourth"
block: |
  line one
  Sheriffâ€™s
---
"""


def doc():
    return parse_document(TEXT.encode(), Path("x.md"), "x.md")


def column_of(document, key: str, needle: str) -> tuple[int, int, str]:
    """(line, column) of the value character that starts `needle`, and the source text found there."""
    value = document.data[key]
    offset = document.value_offset((key,), value.index(needle))
    line, column = document.position(offset)
    return line, column, document.text[offset : offset + 4]


@pytest.mark.parametrize(
    ("key", "needle", "expected"),
    [
        ("plain", "â€™", (2, 15, "â€™s")),
        ("single", "'s", (3, 12, "''s ")),  # the doubled quote is one character of the value
        ("single", "â€™", (3, 27, "â€™s")),  # after the '' the value is one character shorter than the source
        ("double", '"hi', (4, 14, '\\"hi')),  # an escape maps to its backslash
        ("double", "\t", (4, 20, "\\t\\u")),
        ("double", "é", (4, 22, "\\u00")),
        ("double", "â€™", (4, 36, "â€™s")),  # after three escapes the column is 8 past the value index
        ("folded", " second", (5, 15, "\n  s")),  # a folded line break is the space it became
        ("folded", "second", (6, 3, "seco")),
        ("folded", "third", (7, 3, "thir")),  # an escaped line break joins without a space
        ("folded", "\nfourth", (8, 1, "\n  f")),  # an empty line is a line feed
        ("folded", "fourth", (9, 3, "four")),
        ("block", "â€™", (12, 10, "â€™s")),
    ],
)
def test_value_index_maps_to_source_column(key, needle, expected):
    assert column_of(doc(), key, needle) == expected


def test_end_of_value_is_the_closing_quote():
    document = doc()
    offset = document.value_offset(("double",), len(document.data["double"]))
    assert document.text[offset] == '"'
    assert document.position(offset) == (4, 40)


def test_range_span_covers_an_escape_entirely():
    document = doc()
    value = document.data["double"]
    span = document.value_range_span(("double",), value.index("é"), value.index("é") + 1)
    assert document.text[span.start : span.end] == "\\u00e9"
    assert (span.line, span.column, span.end_column) == (4, 22, 28)


def test_unmappable_value_falls_back_to_the_value_start():
    document = doc()
    assert document.value_offset(("plain",), 999) == document.value_span(("plain",)).start


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30))
def test_double_quoted_rendering_maps_every_character(value):
    """For any string seedlint writes as a double-quoted scalar, every value index maps to the source
    character (or escape) that produced it."""
    text = f"---\nk: {double_quoted(value)}\n---\n"
    document = parse_document(text.encode(), Path("x.md"), "x.md")
    assert document.data == {"k": value}
    for index, char in enumerate(value):
        offset = document.value_offset(("k",), index)
        source = document.text[offset:]
        assert source.startswith((char, "\\")), (index, char, source[:8])


def test_crlf_line_endings_give_the_same_columns():
    crlf = parse_document(TEXT.replace("\n", "\r\n").encode(), Path("x.md"), "x.md")
    lf = doc()
    assert crlf.data == lf.data
    for key in ("plain", "single", "double", "folded", "block"):
        value = lf.data[key]
        for index in range(len(value)):
            if value[index] != "\n":  # a line feed of the value maps to the break, which is `\r\n` in CRLF
                assert crlf.position(crlf.value_offset((key,), index)) == lf.position(lf.value_offset((key,), index)), (
                    key,
                    index,
                )


SCALAR_SOURCES = st.one_of(
    st.builds(double_quoted, st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)),
    st.text(alphabet="ab '\"\\\n\t#:", max_size=20).map(lambda t: "'" + t.replace("'", "''") + "'"),
    st.text(alphabet='ab "\\\n\t#:&;é', min_size=1, max_size=20).map(lambda t: '"' + t + '"'),
    st.text(alphabet="ab\t&;é", min_size=1, max_size=20).map(lambda t: "x " + t + " y\n  z" * (len(t) % 2)),
)


@settings(max_examples=400, deadline=None)
@given(SCALAR_SOURCES)
def test_verbatim_shortcut_gives_the_replayed_offsets(source):
    """A value whose source between the quotes is the value itself maps character i to offset i (+ the quote)
    without replaying the scanning rules: the same offsets as the replay, whenever the replay has any."""
    document = parse_document(f"---\nk: {source}\n---\n".encode(), Path("x.md"), "x.md")
    if document.root is None or not isinstance(document.data, dict) or not isinstance(document.data.get("k"), str):
        return
    node = document.locate(("k",))[1]
    span = document.value_span(("k",))
    text = document.text[span.start : span.end]
    replayed = scalars._replayed_offsets(text, node.style or None, node.value)
    if replayed is not None:
        assert scalars._flow_offsets(text, node.style or None, node.value) == replayed


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab \t\n\x85\u2028\u2029|é", min_size=1, max_size=20))
def test_every_line_break_libyaml_scans_is_replayed(inner):
    """Inside a double-quoted scalar, libyaml breaks lines at NEL, LS and PS too (YAML 1.1), and at an escaped line
    break (`|` here): the replay reproduces every such value, and maps each character that is not a break or a
    blank to that very character of the source."""
    source = '"' + inner.replace("|", "\\\n") + '"'
    document = parse_document(f"---\nk: {source}\n---\n".encode(), Path("x.md"), "x.md")
    if document.root is None or not isinstance(document.data, dict):
        return  # (a value some break leaves unreadable: `---` at the start of a line, say)
    node = document.locate(("k",))[1]
    span = document.value_span(("k",))
    text = document.text[span.start : span.end]
    offsets = scalars._replayed_offsets(text, '"', node.value)
    assert offsets is not None, (text, node.value)
    for char, offset in zip(node.value, offsets, strict=False):
        if char not in " \t\n":
            assert text[offset] == char


FLOW_TEXT = st.text(alphabet=st.sampled_from("ab ,:#[]{}&*!|>'\"%@`?-\t~1.é"), min_size=1, max_size=12)


@settings(max_examples=500, deadline=None)
@given(FLOW_TEXT, st.sampled_from([None, FLOW_PLAIN, "'", '"']))
def test_a_value_rendered_in_a_flow_collection_reads_back_there(value, style):
    """What a fix writes for a value inside `[...]` or `{...}` (FLOW_PLAIN: it was plain there) reads back as
    that value beside the collection's other items, to seedlint and to a YAML 1.2 reader: a plain `A, B`
    there would be two items. (And a block value, plain or quoted, on its line.)"""
    block = render_scalar(value, "'" if style == "'" else '"' if style == '"' else None)
    rendered = render_scalar(value, FLOW_PLAIN if style is None else style)
    for text, expected in (
        (f"k: {block}\n", {"k": value}),
        (f"k:\n  - a: {block}\n    b: 1\n", {"k": [{"a": value, "b": 1}]}),
        (f"k: [{rendered}, 1]\n", {"k": [value, 1]}),
        (f"k: {{a: {rendered}, b: 1}}\n", {"k": {"a": value, "b": 1}}),
        (f"k: [{{a: {rendered}}}]\n", {"k": [{"a": value}]}),
    ):
        document = parse_document(f"---\n{text}---\n".encode(), Path("x.md"), "x.md")
        assert document.data == expected, text
        assert YAML(typ="safe", pure=True).load(text) == expected, text


def test_plain_stays_plain_where_it_can():
    assert render_scalar("A, B", None) == "A, B"  # (a block value: the comma is text)
    assert render_scalar("A, B", FLOW_PLAIN) == '"A, B"'
    assert render_scalar("A B", FLOW_PLAIN) == "A B"
    assert render_scalar("a]b", FLOW_PLAIN) == '"a]b"'


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\x85", "\u2028", "\ufeff", "\x7f", "\x9f"])
def test_characters_outside_yaml_s_printable_set_are_written_escaped(char):
    # (U+FFFE written as it is made the fixed text unreadable: a `&#65534;` decoded by SL402 was refused)
    rendered = double_quoted(f"a{char}b")
    assert rendered == f'"a\\u{ord(char):04x}b"'
    document = parse_document(f"---\nk: {rendered}\n---\n".encode(), Path("x.md"), "x.md")
    assert document.data == {"k": f"a{char}b"}
