"""The loader: bytes → text → front matter → data, with exact positions."""

from pathlib import Path

import yaml
from conftest import SEED_000, seed_text
from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint.document import load_document, parse_document


def load(text: str | bytes):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_document(raw, Path("doc.md"), "doc.md")


def test_real_seed_positions_of_keys_and_values():
    doc = load_document(SEED_000)
    assert doc.ok and not doc.problems
    # line 31 of the seed: `    webUrl: "https://www.tri-cityherald.com/..."` inside related[0]
    key = doc.key_span(("related", 0, "webUrl"))
    value = doc.value_span(("related", 0, "webUrl"))
    assert (key.line, key.column) == (31, 5)
    assert (value.line, value.column) == (31, 13)
    assert (
        doc.text[value.start : value.end] == '"https://www.tri-cityherald.com/opinion/editorials/article284663040.html"'
    )
    assert doc.value_style(("related", 0, "webUrl")) == '"'
    assert doc.value_span(("topics", 1)).line == 19
    assert doc.text[doc.value_span(("topics", 1)).start : doc.value_span(("topics", 1)).end] == "AI"


def test_missing_path_points_at_the_deepest_existing_mapping():
    doc = load_document(SEED_000)
    span = doc.value_span(("provider", "images"))
    assert (span.line, span.column) == (14, 3)  # the provider mapping's first line


def test_timestamps_stay_the_text_the_author_wrote():
    doc = load("---\npublishedDateTime: 2024-02-30T15:00:00Z\nquality: 39\npublished: false\nx: ~\n---\n")
    assert doc.data == {"publishedDateTime": "2024-02-30T15:00:00Z", "quality": 39, "published": False, "x": None}


def test_quoted_scalars_are_strings():
    doc = load("---\nquality: \"39\"\nflag: 'true'\n---\n")
    assert doc.data == {"quality": "39", "flag": "true"}


def test_body_is_kept_untouched():
    text = seed_text()
    doc = load(text)
    assert doc.body == text[text.index("\n---\n", 4) + 5 :]
    assert doc.front_matter.startswith("category: news\n")


def test_crlf_document_positions():
    doc = load('---\r\ncategory: news\r\ntitle: "T"\r\n---\r\nbody\r\n')
    assert doc.data == {"category": "news", "title": "T"}
    span = doc.value_span(("title",))
    assert (span.line, span.column) == (3, 8)
    assert doc.body == "body\r\n"


def test_dot_dot_dot_closes_front_matter():
    doc = load("---\ntitle: x\n...\nbody\n")
    assert doc.data == {"title": "x"} and doc.body == "body\n"


def test_bom_is_a_problem_but_the_document_still_parses():
    doc = load(b"\xef\xbb\xbf---\ntitle: x\n---\n")
    assert doc.data == {"title": "x"}
    assert [(p.kind, p.span.line, p.span.column) for p in doc.problems] == [("byte-order-mark", 1, 1)]


def test_unknown_tags_construct_nothing():
    doc = load("---\ntitle: !!python/object/apply:os.system [echo pwned]\n---\n")
    assert doc.data == {"title": ["echo pwned"]}
    assert [p.kind for p in doc.problems] == ["unsupported-tag"]


def test_unreadable_file_is_a_problem_not_an_exception(tmp_path):
    doc = load_document(tmp_path / "missing.md")
    assert [p.kind for p in doc.problems] == ["unreadable-file"]
    folder = tmp_path / "x.md"
    folder.mkdir()
    assert [p.kind for p in load_document(folder).problems] == ["unreadable-file"]


TAG_CASES = """\
a: 39
b: "39"
c: '39'
d: 0o17
e: 0x1F
f: 1_000
g: 3.5
h: .inf
i: -.NaN
j: true
k: Off
l: ~
m: null
n:
o: 2024-02-30T15:00:00Z
p: 2024-01-22
q: !!str 39
r: !!int "39"
s: ! 39
t: !custom 39
u: [1, "x", yes, 2024-01-22]
v: {w: 1.5e3, x: !!float 3}
y: !!set {a, b}
z: >-
  folded 39
aa: &anchor 12
bb: *anchor
cc: <<
dd: 190:20:30
ee: =
"""


def test_every_value_gets_the_safe_loaders_tag():
    """The loader leaves tag resolution to `yamltree.tag` (see yamltree._Loader): each value's tag must be
    the one PyYAML's safe loader gives it, on tricky values and on every real fixture document."""
    import yaml
    from conftest import FIXTURES

    from seedlint import yamltree

    def values(node):
        yield node
        if isinstance(node, yaml.MappingNode):
            for _, value in node.value:
                yield from values(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                yield from values(item)

    texts = [TAG_CASES] + [load_document(path).front_matter for path in sorted(FIXTURES.glob("*/*.md"))[:60]]
    for text in texts:
        mine, theirs = list(values(yamltree.compose(text))), list(values(yaml.compose(text, Loader=yaml.SafeLoader)))
        assert [yamltree.tag(node) for node in mine] == [node.tag for node in theirs]
    assert len(texts) > 50


def test_a_tagged_value_its_tags_constructor_cannot_read_stays_its_text():
    """`!!bool 27`, an empty `!!bool`, `!!int _` and `!!float _` made PyYAML's constructors raise KeyError or
    IndexError (PyYAML's safe_load crashes on them too): an internal error for the user's file. Like `!!int abc`,
    each stays its text, and the schema's type rule says what is wrong."""
    doc = load("---\na: !!bool 27\nb: !!bool\nc: !!int _\nd: !!float _\ne: !!int abc\n---\n")
    assert doc.data == {"a": "27", "b": "", "c": "_", "d": "_", "e": "abc"}


def test_checking_a_document_leaves_no_reference_cycles():
    """The CLI runs the cycle collector rarely (engine.collect_garbage_rarely): that is only free while
    loading and checking a document leaves nothing for it to collect (a recursive closure in the YAML
    builder used to keep every document alive until a collection)."""
    import gc

    from conftest import FIXTURES

    from seedlint import checking
    from seedlint.config import Config
    from seedlint.discovery import discover

    config = Config()
    sources = discover([FIXTURES / "azure-news", FIXTURES / "seeds"], config)
    assert len(sources) > 20
    for source in sources:  # warm: first uses fill module-level caches
        checking.check_source(source, config)
    gc.collect()
    gc.disable()
    try:
        for source in sources:
            checking.check_source(source, config)
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_positions_in_a_huge_text_in_any_order():
    """Over LINE_TABLE_MAX_CHARS no line table is kept; positions are counted from checkpoints, whatever
    order they are asked in (a duplicate key is positioned with its first occurrence: back and forth)."""
    import random

    from seedlint.document import LINE_TABLE_MAX_CHARS, Document

    rng = random.Random(7)
    texts = [
        "".join(rng.choices("ab\n", k=LINE_TABLE_MAX_CHARS + 5000)),
        "x" * (LINE_TABLE_MAX_CHARS + 9000) + "\n" + "y" * 100,  # one huge line, then another
        "\n" * (LINE_TABLE_MAX_CHARS + 4096),
    ]
    for text in texts:
        doc = Document(Path("huge.md"), "huge.md", b"", text=text)
        for offset in [0, 4095, 4096, len(text)] + [rng.randrange(len(text) + 1) for _ in range(300)]:
            assert doc.position(offset) == (text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789_+-.:xob", min_size=1, max_size=14))
def test_plain_numbers_read_as_the_safe_loader_reads_them(number):
    """The builder's shortcut for plain decimals gives what PyYAML's safe constructor gives, and leaves every
    other spelling (octal, binary, hexadecimal, sexagesimal, underscores, signs) to it."""
    text = f"---\nk: {number}\n---\n"
    try:
        expected = yaml.load(f"k: {number}\n", Loader=yaml.CSafeLoader)  # (not split on `---`: `0---` holds one)
    except (yaml.YAMLError, ValueError):
        return
    doc = parse_document(text.encode(), Path("x.md"), "x.md")
    if isinstance(expected, dict) and isinstance(expected.get("k"), int) and doc.data is not None:
        assert doc.data == expected
        assert type(doc.data["k"]) is type(expected["k"])
