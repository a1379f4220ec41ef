"""SL0: structural damage injected into a real seed document, each reported with its code at its place."""

import pytest
from conftest import apply_fix, check_paths, codes_at, run_split, seed_text, write

from seedlint.diagnostic import Applicability

SEED = seed_text()


def sl0(result):
    return [entry for entry in codes_at(result) if entry[0].startswith("SL0")]


def test_clean_real_document_has_no_sl0(tmp_path):
    assert sl0(check_paths(write(tmp_path, SEED))) == []


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        # invalid UTF-8: a Latin-1 é in the title (line 3, `title: "` is 8 characters)
        (lambda t: t.encode().replace(b'title: "Live', b'title: "\xe9Live'), [("SL004", 3, 9)]),
        (lambda t: b"\xef\xbb\xbf" + t.encode(), [("SL005", 1, 1)]),
        (lambda t: t.replace("---\n", "", 1), [("SL006", 1, 1)]),
        (lambda t: t.replace("\n---\n", "\n", 1).replace("---\n", "---\n", 1)[: t.rindex("---")], [("SL007", 1, 1)]),
        # an unclosed flow list on line 9: the parser stops where `heat:` starts on line 10
        (lambda t: t.replace("quality: 39", "quality: [39", 1), [("SL008", 10, 5)]),
        (lambda t: t.replace("type: article\n", "type: article: x\n", 1), [("SL008", 8, 14)]),
        (
            lambda t: t.replace("  name: Metropolitan Police Service", "\tname: Metropolitan Police Service", 1),
            [("SL009", 14, 1)],
        ),
        (lambda t: t.replace("type: article\n", 'type: article\ntitle: "again"\n', 1), [("SL010", 9, 1)]),
        (lambda t: t.replace("quality: 39", "quality: !!python/object:builtins.int 39", 1), [("SL011", 9, 10)]),
        (lambda t: "---\n- just\n- a list\n---\n", [("SL013", 2, 1)]),
        (lambda t: t.encode().replace(b"type: article", b"type: art\x00icle", 1), [("SL003", 8, 10)]),
    ],
    ids=[
        "invalid-utf8",
        "bom",
        "no-front-matter",
        "unclosed",
        "yaml-flow",
        "yaml-colon",
        "tab",
        "duplicate-key",
        "tag",
        "not-mapping",
        "nul",
    ],
)
def test_structural_damage_is_reported_at_its_place(tmp_path, damage, expected):
    text = damage(SEED)
    path = write(tmp_path, text)
    assert sl0(check_paths(path)) == expected


def test_alias_bomb_is_refused(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdef", "bcdefg", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path, "---\n" + "\n".join(lines) + "\n---\n")
    result = check_paths(path)
    assert [c for c, _, _ in codes_at(result)] == ["SL012"]
    assert "200,000" in result.diagnostics[0].message


def test_directory_named_like_a_document_is_walked_not_read(tmp_path):
    (tmp_path / "x.md").mkdir()
    write(tmp_path, SEED, "ok.md")
    result = check_paths(tmp_path)
    assert [path.rsplit("/", 1)[-1] for path in result.paths] == ["ok.md"]  # the folder is walked, not read
    assert sl0(result) == []


def test_messages_name_what_is_wrong(tmp_path):
    path = write(tmp_path, SEED.replace("type: article\n", 'type: article\ntitle: "again"\n', 1))
    [diagnostic] = [d for d in check_paths(path).diagnostics if d.code == "SL010"]
    assert diagnostic.message == "duplicate key `title` (first defined on line 3); YAML keeps only the last value"


def test_a_document_with_classic_mac_line_endings_is_told_so(tmp_path):
    # (lone carriage returns: YAML breaks lines there, the front matter's delimiter is not found line by line)
    path = write(tmp_path, "---\rtitle: x\r---\r")
    [diagnostic] = check_paths(path).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column, diagnostic.message) == (
        "SL006",
        1,
        1,
        "no front matter: line 1 must be `---` (found '---\\rtitle: x\\r---'; its lines end in a lone carriage "
        "return (classic Mac OS): end them in \\n or \\r\\n)",
    )


def _messages(result) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.line, d.column, d.message) for d in result.diagnostics if d.code < "SL1"]


def test_a_line_of_only_a_tab_is_one_finding_not_two_with_a_safe_fix(tmp_path):
    text = SEED.replace("quality: 39\n", "quality: 39\n\t\n", 1)
    result = check_paths(write(tmp_path, text))
    assert _messages(result) == [
        ("SL009", 10, 1, "tab character on a line of only blanks: YAML reads it as indentation")
    ]
    [finding] = result.diagnostics
    assert finding.fix is not None and finding.fix.applicability.value == "safe"
    assert apply_fix(text, finding.fix) == SEED.replace("quality: 39\n", "quality: 39\n\n", 1)


def test_a_tab_line_that_may_belong_to_a_block_value_has_an_unsafe_fix(tmp_path):
    # (YAML 1.2 reads ` <tab>` after `excerpt: >` as a line of the value, "\t\n...": libyaml refuses it; removing
    # the blanks would change the text: the YAML test suite's case R4YG)
    text = SEED.replace("quality: 39\n", "quality: 39\nnote: >\n \t\n detected\n", 1)
    result = check_paths(write(tmp_path, text))
    assert [(d.code, d.line, d.column) for d in result.diagnostics if d.code < "SL1"] == [("SL009", 11, 2)]
    [finding] = [d for d in result.diagnostics if d.code == "SL009"]
    assert finding.fix is not None and finding.fix.applicability.value == "unsafe"
    ended = SEED.replace("quality: 39\n", "note: >\n  text\nquality: 39\n\t\n", 1)  # (a key ends the value)
    [finding] = [d for d in check_paths(write(tmp_path, ended)).diagnostics if d.code == "SL009"]
    assert finding.fix is not None and finding.fix.applicability.value == "safe"


def test_an_escaped_blank_at_the_end_of_a_quoted_line_is_the_value_s_not_trailing_whitespace(tmp_path):
    # `\<tab>` is a tab of the value: removing the tab left `\` + line break, which joins the lines ("a" "b": "ab")
    text = SEED.replace("quality: 39\n", 'quality: 39\nnote: "a\\\t\n  b"\nother: "c  \n  d"\n', 1)
    path = write(tmp_path, text)
    result = check_paths(path)
    assert [(d.code, d.line, d.column) for d in result.diagnostics if d.code < "SL1"] == [("SL016", 12, 10)]
    [finding] = [d for d in result.diagnostics if d.code == "SL016"]
    assert finding.fix is not None and finding.fix.applicability.value == "safe"  # (folded away: no value's)


def test_trailing_whitespace_of_a_front_matter_that_is_no_mapping_has_an_unsafe_fix(tmp_path):
    result = check_paths(write(tmp_path, "---\n- |\n  a  \n- b  \n---\n"))
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [
        ("SL013", 2, 1),
        ("SL016", 3, 4),
        ("SL016", 4, 4),
    ]
    assert {d.fix.applicability.value for d in result.diagnostics if d.fix is not None} == {"unsafe"}


def test_two_different_complex_keys_are_not_duplicates_and_equal_ones_are(tmp_path):
    different = check_paths(write(tmp_path, SEED.replace("quality: 39\n", "[a, b]: 1\n[c, d]: 2\n", 1)))
    assert _messages(different) == []
    assert [(d.code, d.line, d.message) for d in different.diagnostics if d.code == "SL102"] == [
        ("SL102", 9, "unknown field `[a, b]`"),
        ("SL102", 10, "unknown field `[c, d]`"),
    ]
    same = check_paths(write(tmp_path, SEED.replace("quality: 39\n", "[a, b]: 1\n[a, b]: 2\n", 1), "same.md"))
    assert _messages(same) == [
        ("SL010", 10, 1, "duplicate key `[a, b]` (first defined on line 9); YAML keeps only the last value")
    ]


def test_merge_keys_are_merged_as_yaml_1_1_loaders_do(tmp_path):
    """`<<: *base` is read as PyYAML's safe loader (and Jekyll) read it, and a finding in a merged value
    points at the text it comes from."""
    import yaml

    from seedlint.document import parse_document

    text = SEED.replace("provider:\n", "provider:\n  <<: {domain: metro.police.uk, extra: 1}\n", 1)
    doc = parse_document(text.encode(), tmp_path / "m.md", "m.md")
    assert doc.data is not None
    assert (
        doc.data["provider"]
        == yaml.safe_load(text.split("---\n")[1])["provider"]
        == {
            "domain": "police.uk",
            "extra": 1,
            "name": "Metropolitan Police Service",
        }
    )
    result = check_paths(write(tmp_path, text, "merged.md"))
    assert [(d.code, d.line, d.column, d.message) for d in result.diagnostics if d.code < "SL2"] == [
        ("SL102", 14, 33, "unknown field `provider.extra`")
    ]


def test_a_merge_key_on_a_scalar_is_reported(tmp_path):
    text = SEED.replace("provider:\n", "provider:\n  <<: 3\n", 1)
    assert _messages(check_paths(write(tmp_path, text))) == [
        ("SL008", 14, 7, "a merge key `<<` takes a mapping or a list of mappings")
    ]


def test_the_line_named_in_a_syntax_error_counts_only_real_line_breaks(tmp_path):
    """libyaml also breaks lines at U+2028; the file's lines (and editors') do not."""
    text = SEED.replace('title: "Live', 'title: "\u2028Live', 1).replace("quality: 39", "quality: [39,\n  4\n  x: y", 1)
    ambiguous, (code, line, _, message) = _messages(check_paths(write(tmp_path, text)))
    assert (code, line) == ("SL008", 11) and message.endswith("(while parsing a flow sequence on line 9)")
    assert ambiguous[:3] == ("SL020", 3, 9)  # (a YAML 1.2 reader reads it as a character: see the next test)


def test_a_quote_never_closed_is_shown_where_it_opens(tmp_path):
    # (libyaml finds it at the end of the text: the closing `---`, where nothing is to be fixed)
    path = write(tmp_path, '---\ntitle: "Croydon\nexcerpt: x\n---\nbody\n')
    [(code, line, column, message)] = _messages(check_paths(path))
    assert (code, line, column) == ("SL008", 2, 8)
    assert message == (
        "YAML syntax error: found unexpected end of stream "
        "(while scanning a quoted scalar here: the front matter ends on line 4 before it is closed)"
    )


def test_in_a_folder_only_other_text_is_set_aside_an_emptied_or_damaged_document_is_reported(tmp_path, monkeypatch):
    # (before: an empty file failed the run while one holding only a byte-order mark or blanks, or a document with
    # lone carriage returns, was set aside as "no document")
    files = {
        "README.md": b"# Notes\n",
        "empty.md": b"",
        "onlybom.md": b"\xef\xbb\xbf",
        "blanks.md": b"\xef\xbb\xbf \n\n",
        "cr.md": b"---\rtitle: x\r---\r",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    status, out, err = run_split("check", "--isolated", "--no-cache", "--select", "SL006", "--output-format", "concise")
    assert status == 1
    assert sorted(line.split(":")[0] for line in out.splitlines()[:-1]) == [
        "blanks.md",
        "cr.md",
        "empty.md",
        "onlybom.md",
    ]
    assert "set aside as no document: README.md" in err


def test_a_lone_carriage_return_before_a_crlf_leaves_the_mixed_endings_without_a_fix(tmp_path):
    """`\\r\\r\\n` with LF the majority: rewriting its CRLF as LF makes `\\r\\n` again, so the fix was counted and
    then refused ("would change the body after the front matter")."""
    path = write(tmp_path, b"---\ntitle: x\r\nexcerpt: y\n---\n\r\r\n")
    [found] = [d for d in check_paths(path).diagnostics if d.code == "SL015"]
    assert (found.line, found.column, found.fix) == (2, 9, None)
    assert found.message == "mixed line endings: 2 lines end in CRLF, the other 3 in LF (first here)"


@pytest.mark.parametrize(
    ("written", "code", "line", "column"),
    [
        # libyaml counts bytes: after an `é`, one column too far; after three, on the next line.
        (b'title: "\xc3\xa9\xc2\x9d"\n', "SL008", 2, 10),
        (b'title: "\xc3\xa9\xc3\xa9\xc3\xa9\x01"\nexcerpt: "x"\n', "SL008", 2, 12),
        (b'title: "\xc3\xa9\xc3\xa9\xc3\xa9\x00"\n', "SL003", 2, 12),
    ],
)
def test_a_character_the_file_may_not_hold_is_positioned_in_characters(tmp_path, written, code, line, column):
    # (found fuzzing the rules' precision)
    path = write(tmp_path, b"---\n" + written + b"---\n")
    assert [(d.code, d.line, d.column) for d in check_paths(path).diagnostics if d.code == code] == [
        (code, line, column)
    ]


def test_a_raw_nel_ls_or_ps_is_reported_and_makes_the_fixes_of_its_value_unsafe(tmp_path):
    # YAML 1.1 readers (libyaml) read it as a line break, YAML 1.2 readers (ruamel.yaml) as the character: a fix of
    # the `&amp;` wrote libyaml's reading, `Five x & y`, which changed the value for the others (found fuzzing the
    # rules' precision).
    path = write(tmp_path, '---\ntitle: "Five\u0085 x &amp; y"\nexcerpt: "a\u2028b \u2029c"\n---\n')
    found = check_paths(path).diagnostics
    assert [(d.code, d.line, d.column, d.message) for d in found if d.code == "SL020"] == [
        (
            "SL020",
            2,
            13,
            "U+0085 NEL, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR written as themselves (and 2 more): "
            "YAML 1.1 readers (libyaml, PyYAML, Psych) read it as a line break, YAML 1.2 readers (ruamel.yaml and most "
            "since) as the character: write it escaped in a double-quoted value (`\\x85`, `\\u2028`, `\\u2029`), or "
            "remove it",
        )
    ]
    [entity] = [d for d in found if d.code == "SL402"]
    assert entity.fix is not None and entity.fix.applicability is Applicability.UNSAFE
