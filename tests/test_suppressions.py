"""Suppression comments on a real document: what they may silence (never a file that does not load; only
what `allow-suppressions` lets through; nothing under `--no-suppressions`), every malformed one reported
with what was expected (SL018), every refused one reported (SL019), and no comment can crash the run."""

from __future__ import annotations

import re
import sys

import pytest
from conftest import run_cli, seed_text

from seedlint import checking, engine
from seedlint.config import Config
from seedlint.diagnostic import Applicability
from seedlint.discovery import discover

CLEAN = seed_text("002_436ca83e3ef9a780.txt")  # a real document without findings
TITLE = 'title: "Live Facial Recognition used in Croydon"'
ENTITY_TITLE = 'title: "Live Facial Recognition used in Croydon &amp; Sutton"'  # SL402 at 3:49


@pytest.fixture
def folder(isolated_cwd):
    (isolated_cwd / "seedlint.toml").write_text('ignore = ["SL5"]\n')  # about comments, not references
    return isolated_cwd


def concise(*args: str) -> tuple[int, list[str]]:
    status, out = run_cli("check", "--no-cache", "--output-format", "concise", "--quiet", *args, "doc.md")
    return status, out.splitlines()


def with_lines(text: str, after: str, *lines: str) -> str:
    return text.replace(after + "\n", after + "\n" + "".join(line + "\n" for line in lines), 1)


def test_a_replacement_pattern_in_a_comment_cannot_crash_the_run(folder):
    """`\\1` used to reach re.sub's replacement string: "internal error: invalid group reference 1"."""
    (folder / "doc.md").write_text(
        CLEAN.replace("type: article\n", "type: article  # seedlint: ignore[SL401, X\\1]\n", 1)
    )
    assert concise() == (
        0,
        [
            "doc.md:8:16: SL018 malformed suppression: `X\\1` is no rule code or prefix (`seedlint rules` lists "
            "them); it silences nothing"
        ],
    )


def test_an_unused_code_is_removed_between_the_brackets_only(folder):
    text = CLEAN.replace(TITLE, ENTITY_TITLE + "  # seedlint: ignore[SL3, SL402, SL6]", 1)
    (folder / "doc.md").write_text(text)
    assert concise() == (
        0,
        ["doc.md:3:64: SL017 unused suppression: SL3, SL6 reported nothing on this line"],
    )
    run_cli("fix", "--no-cache", "doc.md")
    assert (folder / "doc.md").read_text() == text.replace("[SL3, SL402, SL6]", "[SL402]")


@pytest.mark.parametrize(
    ("comment", "problem"),
    [
        ("# seedlint: ignore SL402", "expected `[` right after `ignore`: write `ignore[SL402]`"),
        ("# seedlint: ignore [SL402]", "expected `[` right after `ignore`: write `ignore[SL402]`"),
        # (the hint was the rest of the comment in brackets: `ignore[(SL402)]`, itself malformed)
        ("# seedlint: ignore(SL402)", "expected `[` right after `ignore`: write `ignore[SL402]`"),
        ("# seedlint: ignore {x}", "expected `[` right after `ignore`: write `ignore[CODES]`"),
        ("# seedlint: ignore", "`ignore` names no code: expected `ignore[CODES]`, e.g. `ignore[SL402]`"),
        ("# seedlint: ignore[]", "`ignore[]` names no code: expected `ignore[CODES]`, e.g. `ignore[SL402]`"),
        ("# seedlint: ignore[ , ]", "`ignore[]` names no code: expected `ignore[CODES]`, e.g. `ignore[SL402]`"),
        (
            "# seedlint: ignore[SL4O2]",
            "`SL4O2` is no rule code or prefix; did you mean SL402? (`seedlint rules` lists them)",
        ),
        (
            "# seedlint: ignore[SL402, E501]",
            "`E501` is no rule code or prefix (`seedlint rules` lists them)",
        ),
        ("# seedlint: ignore[SL8]", "`SL8` is no rule code or prefix (`seedlint rules` lists them)"),
        # (quoted as written: it read "`HTML-ENTITY` is no rule code")
        ("# seedlint: ignore[html-entity]", "`html-entity` is a rule's name: a suppression names its code, `SL402`"),
        ("# seedlint: ignore[Sl4x]", "`Sl4x` is no rule code or prefix (`seedlint rules` lists them)"),
        ("# seedlint: ignore[SL402, sl402]", "`SL402` is named twice: name each code once"),
        (
            "# seedlint: ignore-fil[SL4]",
            "unknown directive `ignore-fil`: expected `ignore[CODES]` or `ignore-file[CODES]`; did you mean "
            "`ignore-file`?",
        ),
        (
            "# seedlint: ignore_file[SL4]",
            "unknown directive `ignore_file`: expected `ignore[CODES]` or `ignore-file[CODES]`; did you mean "
            "`ignore-file`?",
        ),
        (
            "# seedlint: noqa",
            "unknown directive `noqa`: expected `ignore[CODES]` or `ignore-file[CODES]`",
        ),
        ("# seedlint:", "expected `ignore[CODES]` or `ignore-file[CODES]` after `seedlint:`"),
        ("# seedlint: [SL402]", "expected `ignore[CODES]` or `ignore-file[CODES]` after `seedlint:`, not `[SL402]`"),
        ("# seedlint ignore[SL402]", "expected `:` right after `seedlint` (`# seedlint: ignore[CODES]`)"),
        ("#Seedlint: ignore[SL402]", "expected `seedlint:` in lower case, not `Seedlint:`"),
        # Another word where `seedlint` belongs, before `: ignore[SL…`: passed over in silence (found fuzzing).
        ("# sedlint: ignore[SL402]", "expected `seedlint:` in lower case, not `sedlint:`"),
        ("# seed-lint: ignore[SL402]", "expected `seedlint:` in lower case, not `seed-lint:`"),
        ("# \u0455eedlint: ignore[SL402]", "expected `seedlint:` in lower case, not `\u0455eedlint:`"),
        ("# type: ignore[SL402]", "expected `seedlint:` in lower case, not `type:`"),
        ("# seedlint: ignore[SL402", "unclosed `[`: expected the codes to end with `]`"),
        (
            "# seedlint: ignore[SL402] (the entity is wanted)",
            "unexpected text after `]`: a suppression comment ends at `]`",
        ),
    ],
)
def test_a_malformed_suppression_is_reported_and_silences_nothing(folder, comment, problem):
    (folder / "doc.md").write_text(CLEAN.replace(TITLE, f"{ENTITY_TITLE}  {comment}", 1))
    status, lines = concise()
    column = len(ENTITY_TITLE) + 3
    assert status == 0
    assert lines == [
        "doc.md:3:49: SL402 title contains an HTML entity left in plain text: `&amp;` (&); write the characters "
        "themselves",
        f"doc.md:3:{column}: SL018 malformed suppression: {problem}; it silences nothing",
    ]


def test_well_formed_variants_are_accepted(folder):
    for comment in (
        "#seedlint:ignore[sl402]",
        "# seedlint:  ignore[ SL402 ,]",
        "#\tseedlint:\tignore[SL4]",
        "# seedlint: ignore[SL40]",
    ):
        (folder / "doc.md").write_text(CLEAN.replace(TITLE, f"{ENTITY_TITLE}  {comment}", 1))
        assert concise() == (0, []), comment


def test_comments_inside_values_and_in_the_body_are_no_suppressions(folder):
    text = CLEAN.replace(TITLE, 'title: "x # seedlint ignore" # a comment about seedlint', 1)
    text = with_lines(text, "published: false", "note: |", "  # seedlint: ignore SL402", "  text")
    (folder / "doc.md").write_text(text + "# seedlint: nonsense in the body\n")
    status, lines = concise("--ignore", "SL102")
    assert (status, lines) == (0, [])


def test_a_file_that_does_not_load_is_reported_under_any_suppression(folder):
    """The issue's case: `ignore-file[SL]` silenced YAML syntax errors, code-execution tags, everything."""
    broken = with_lines(CLEAN, "---", "# seedlint: ignore-file[SL]").replace(TITLE, 'title: "unterminated', 1)
    (folder / "doc.md").write_text(broken)
    status, lines = concise()
    assert status == 1
    assert [line.split(" ", 2)[:2] for line in lines] == [["doc.md:2:1:", "SL019"], ["doc.md:5:11:", "SL008"]]
    assert lines[0] == (
        "doc.md:2:1: SL019 suppression not allowed: SL cannot silence SL008 here, so it stays reported: a file that "
        "does not load (SL001–SL013) is always reported"
    )
    tagged = with_lines(CLEAN, "---", "# seedlint: ignore-file[SL011, SL4]").replace(
        TITLE, 'title: !!python/object/apply:os.system ["\\u202etouch pwned"]', 1
    )
    (folder / "doc.md").write_text(tagged)
    status, lines = concise("--select", "SL0,SL4")
    assert status == 1
    assert [line.split(" ", 2)[1] for line in lines] == ["SL019", "SL011"]  # SL406 silenced: SL4 is allowed
    assert lines[0].endswith(
        "SL011 cannot silence SL011 here, so it stays reported: a file that does not load "
        "(SL001–SL013) is always reported"
    )


def test_a_code_that_can_never_silence_anything_is_said_so(folder):
    (folder / "doc.md").write_text(with_lines(CLEAN, "---", "# seedlint: ignore-file[SL00, SL008]"))
    assert concise() == (
        0,
        [
            "doc.md:2:1: SL019 suppression not allowed: SL00 can silence nothing: a file that does not load "
            "(SL001–SL013) is always reported; SL008 can silence nothing: a file that does not load (SL001–SL013) is "
            "always reported"
        ],
    )


def test_no_suppressions_reports_every_finding_and_every_comment(folder):
    text = CLEAN.replace(TITLE, ENTITY_TITLE + "  # seedlint: ignore[SL402]", 1)
    (folder / "doc.md").write_text(with_lines(text, "---", "# seedlint: ignore-file[SL6]"))
    assert concise() == (0, ["doc.md:2:1: SL017 unused suppression: SL6 reported nothing on this file"])
    off = "this run allows no suppression (`--no-suppressions` or an empty `allow-suppressions`)"
    assert concise("--no-suppressions") == (
        0,
        [
            f"doc.md:2:1: SL019 suppression not allowed: SL6 can silence nothing: {off}",
            "doc.md:4:49: SL402 title contains an HTML entity left in plain text: `&amp;` (&); write the characters "
            "themselves",
            f"doc.md:4:64: SL019 suppression not allowed: SL402 cannot silence SL402 here, so it stays reported: {off}",
        ],
    )
    (folder / "seedlint.toml").write_text('ignore = ["SL5"]\nallow-suppressions = []\n')  # the same, configured
    assert concise()[1][0] == f"doc.md:2:1: SL019 suppression not allowed: SL6 can silence nothing: {off}"
    run_cli("fix", "--no-cache", "--no-suppressions", "doc.md")  # the comments are the project's: never removed
    assert "# seedlint: ignore[SL402]" in (folder / "doc.md").read_text()


def test_allow_suppressions_decides_which_codes_a_document_may_silence(folder):
    (folder / "seedlint.toml").write_text('ignore = ["SL5"]\nallow-suppressions = ["SL6"]\n')
    text = CLEAN.replace(TITLE, ENTITY_TITLE + "  # seedlint: ignore[SL402]", 1).replace(
        "  - AI\n", "  - AI\n  - ' Spaced'   # seedlint: ignore[SL606]\n", 1
    )
    (folder / "doc.md").write_text(text)
    status, lines = concise()
    assert status == 0
    assert lines == [
        "doc.md:3:49: SL402 title contains an HTML entity left in plain text: `&amp;` (&); write the characters "
        "themselves",
        "doc.md:3:64: SL019 suppression not allowed: SL402 cannot silence SL402 here, so it stays reported: this "
        "run allows silencing only SL6 (`allow-suppressions`)",
    ]


def test_allow_suppressions_names_real_codes(folder):
    (folder / "seedlint.toml").write_text('allow-suppressions = ["SL4O2"]\n')
    (folder / "doc.md").write_text(CLEAN)
    status, out = run_cli("check", "doc.md")
    assert status == 2 and "`allow-suppressions` names 'SL4O2', which is no rule code or prefix; did you mean" in out


@pytest.mark.parametrize("code", ["SL001", "sl013", "SL00"])
def test_allow_suppressions_refuses_codes_that_are_never_silenced(folder, code):
    # (SL001-SL013, a file that does not load: allowing them allowed nothing, and said nothing)
    (folder / "seedlint.toml").write_text(f'allow-suppressions = ["SL6", "{code}"]\n')
    (folder / "doc.md").write_text(CLEAN)
    status, out = run_cli("check", "doc.md")
    assert (
        status == 2
        and (
            f"seedlint.toml:1: `allow-suppressions` names '{code}', which is never silenced: a file that does not load "
            "(SL001–SL013) is always reported"
        )
        in out
    )
    (folder / "seedlint.toml").write_text('allow-suppressions = ["SL01"]\n')  # (SL014-SL019 may be silenced)
    assert run_cli("check", "doc.md")[0] != 2


def test_a_suppression_may_follow_another_comment_and_one_line_holds_one(folder):
    (folder / "doc.md").write_text(CLEAN.replace(TITLE, f"{ENTITY_TITLE}  # the name  # seedlint: ignore[SL402]", 1))
    assert concise() == (0, [])
    twice = f"{ENTITY_TITLE}  # seedlint: ignore[SL402]  # seedlint: ignore[SL6]"
    (folder / "doc.md").write_text(CLEAN.replace(TITLE, twice, 1))
    assert concise()[1][1].endswith(
        "SL018 malformed suppression: unexpected text after `]`: a suppression comment ends at `]`; it silences nothing"
    )


def test_the_mention_lookalikes_are_every_character_the_pattern_matches_beyond_ascii():
    """checking.mentions_seedlint trusts str.lower() unless one of these is in the text: they must be exactly the
    characters beyond ASCII that re's case-insensitive matching takes for a letter of "seedlint"."""
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    matched = {char for letter in set("seedlint") for char in re.findall(letter, everything, re.IGNORECASE)}
    assert {char for char in matched if not char.isascii()} == set(checking.MENTION_LOOKALIKES)


@pytest.mark.parametrize(
    "text", ["seedlint", "SeEdLiNt", "# \u017feedlint ignore", "SEEDL\u0130NT", "seedl\u0131nt", "seed lint", "", "x"]
)
def test_mentions_seedlint_is_the_case_insensitive_pattern(text):
    for around in ("", "caf\u00e9 \u2019 ", "\u0130 "):
        whole = around + text + around
        assert checking.mentions_seedlint(whole) == bool(re.search("seedlint", whole, re.IGNORECASE))


def test_an_unused_suppression_in_a_front_matter_that_does_not_load_has_an_unsafe_fix(folder):
    # Between the lines of a block value, the comment breaks the YAML; removed "safely", the next line joined the
    # value and the document passed with another excerpt than the one written.
    excerpt = CLEAN.split("\n")[3]
    block = (
        "excerpt: >-\n  "
        + excerpt.removeprefix('excerpt: "').removesuffix('"')
        + "\n# seedlint: ignore[SL402]\n  continued"
    )
    (folder / "doc.md").write_text(CLEAN.replace(excerpt, block, 1))
    config = Config(root=folder, paths=["doc.md"], ignore=["SL5"])
    [unused] = [d for d in engine.run(discover([folder / "doc.md"], config), config).diagnostics if d.code == "SL017"]
    assert unused.fix.applicability is Applicability.UNSAFE
    assert unused.fix.description == "remove the unused suppression (the YAML does not load: check the result)"
    before = (folder / "doc.md").read_bytes()
    run_cli("fix", "--no-cache", "doc.md")
    assert (folder / "doc.md").read_bytes() == before


def test_a_comment_on_a_block_values_header_line_silences_the_value(folder):
    """`excerpt: |  # seedlint: ignore[SL402]`: a `#` after the indicator is a comment, but it was read as part of
    the value (the scalar's span starts at `|`): neither honoured nor reported. No comment can be written inside a
    block value, so the one on its header line silences its lines; one silencing nothing there is SL017."""
    block = "excerpt: |  # seedlint: ignore[SL402]\n  Caf&amp; opens\n  more text\npublishedDateTime:"
    text = re.sub(r'excerpt: ".*"\npublishedDateTime:', lambda _: block, CLEAN, count=1)
    (folder / "doc.md").write_text(text)
    assert concise() == (0, [])
    (folder / "doc.md").write_text(text.replace("Caf&amp;", "Café", 1))
    assert concise() == (0, ["doc.md:4:13: SL017 unused suppression: SL402 reported nothing on lines 4–6"])
