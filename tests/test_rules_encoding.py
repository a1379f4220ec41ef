"""SL4: encoding damage in real documents and injected into them, reported at the column of the bad
characters; safe fixes restore the original text exactly; correct non-ASCII text is never reported.

ftfy's own test cases (tests/fixtures/ftfy/, unchanged) supply real-world mojibake with the text ftfy
restores, and correct text that only looks suspicious."""

import json
import unicodedata

import pytest
from conftest import FIXTURES, apply_fix, check_paths, fixture_diagnostics, lint_text, seed_text

from seedlint.diagnostic import Applicability
from seedlint.edits import double_quoted
from seedlint.rules import encoding

SEED = seed_text()  # seeds/000: title on line 3, the real mojibake in related[0].excerpt on line 29
BASE = SEED.replace("Sheriffâ€™s", "Sheriff’s")  # the seed with its real defect repaired, to inject others into
TITLE_LINE = 'title: "Live facial recognition helps deliver justice in Croydon"'
FTFY = FIXTURES / "ftfy"


def sl4(text: str) -> list:
    return lint_text(text, encoding.check)


def where(found) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in found]


def with_title(value: str, text: str = BASE) -> str:
    """The seed with its title (line 3) replaced by `value`, double-quoted as seedlint writes it."""
    return text.replace(TITLE_LINE, "title: " + double_quoted(value), 1)


def title_column(value: str, index: int) -> int:
    """The column of value character `index` in `title: "<escaped value>"`, computed from the rendering."""
    return len('title: "') + len(double_quoted(value[:index])) - 2 + 1


def fixture(relative: str) -> str:
    return (FIXTURES / relative).read_text(encoding="utf-8")


def test_real_fixtures_report_only_their_real_defects():
    assert fixture_diagnostics(encoding.check) == [
        ("powerapps-news/2020-12-21-power-platform-stories.md", "SL402", 4, 37),
        (
            "powerapps-news/2021-05-04-better-together-introducing-custom-pages-and-the-modern-app-designer.md",
            "SL402",
            4,
            66,
        ),
        (
            "powerapps-news/2021-08-27-microsoft-makes-power-apps-changes-following-asensitive-dataa-exposure-upguard.md",
            "SL401",
            3,
            54,
        ),
        (
            "powerapps-news/2023-09-19-streamline-your-governance-and-environment-strategy-using-default-environment-routing-preview.md",
            "SL402",
            4,
            273,
        ),
        ("powerapps-news/2024-04-01-whats-new-power-apps-march-2024-feature-update.md", "SL402", 4, 225),
        ("seeds/000_c11209e5b5b8f7fd.txt", "SL401", 29, 40),
        ("seeds/001_5ea581042828ec4e.txt", "SL401", 49, 33),
    ]


# Mojibake ---------------------------------------------------------------------------------------


def test_seed_mojibake_is_explained_and_repaired_in_place():
    [diagnostic] = sl4(SEED)
    assert where([diagnostic]) == [("SL401", 29, 40)]
    assert diagnostic.message == (
        "related[0].excerpt has mojibake: `Sheriffâ€™s` should read `Sheriff’s`; UTF-8 text was decoded as "
        "sloppy-windows-1252 (ftfy's repair: encode as sloppy-windows-1252, then decode as utf-8)"
    )
    assert diagnostic.fix.applicability is Applicability.SAFE
    assert apply_fix(SEED, diagnostic.fix) == SEED.replace("Sheriffâ€™s", "Sheriff’s")


def test_mojibake_in_an_address_has_an_unsafe_fix():
    # (the repaired address requests another path: `cafÃ©` and `café` are two resources)
    address = "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478292"
    text = seed_text("002_436ca83e3ef9a780.txt")
    assert f'webUrl: "{address}"' in text
    damaged = text.replace(f'webUrl: "{address}"', f'webUrl: "{address}-cafÃ©"', 1)
    [diagnostic] = [d for d in sl4(damaged) if d.code == "SL401"]
    assert diagnostic.fix.applicability is Applicability.UNSAFE
    assert diagnostic.fix.description == "repair the encoding with ftfy (the address requested changes)"
    assert apply_fix(damaged, diagnostic.fix) == text.replace(f'webUrl: "{address}"', f'webUrl: "{address}-café"', 1)


def test_real_mojibake_title():
    text = fixture(
        "powerapps-news/2021-08-27-microsoft-makes-power-apps-changes-following-asensitive-dataa-exposure-upguard.md"
    )
    [diagnostic] = sl4(text)
    assert (
        apply_fix(text, diagnostic.fix).splitlines()[2]
        == 'title: "Microsoft Makes Power Apps Changes Following ‘Sensitive Data’ Exposure: UpGuard"'
    )


def _cases(*names):
    for name in names:
        for case in json.loads((FTFY / name).read_text(encoding="utf-8")):
            if case["expect"] == "pass":
                yield name, case


DAMAGED = [
    (case["original"], case.get("fixed-encoding", case["fixed"]))
    for _, case in _cases("in-the-wild.json", "synthetic.json", "negative.json")
    if case.get("fixed-encoding", case["fixed"]) != case["original"]
]
CORRECT = [
    case["original"]
    for _, case in _cases("in-the-wild.json", "synthetic.json", "negative.json")
    if case.get("fixed-encoding", case["fixed"]) == case["original"]
]


def test_ftfy_cases_are_all_used():
    assert (len(DAMAGED), len(CORRECT)) == (83, 48)


@pytest.mark.parametrize(("original", "expected"), DAMAGED, ids=[f"damaged-{i}" for i in range(len(DAMAGED))])
def test_ftfy_mojibake_injected_as_title_is_repaired_to_ftfys_expected_text(original, expected):
    damaged = with_title(original)
    [diagnostic] = [d for d in sl4(damaged) if d.code == "SL401"]
    first = next(i for i, (a, b) in enumerate(zip(original, expected, strict=False)) if a != b)
    assert (diagnostic.line, diagnostic.column) == (3, title_column(original, first))
    assert apply_fix(damaged, diagnostic.fix) == with_title(expected)


@pytest.mark.parametrize("text", CORRECT, ids=[f"correct-{i}" for i in range(len(CORRECT))])
def test_ftfy_look_alike_correct_text_is_not_reported(text):
    found = sl4(with_title(text))
    assert [d for d in found if d.code == "SL401"] == []
    if "&" not in text and not encoding.CONTROL.search(text):  # ftfy keeps `&frac14;` and \x1a; SL402/SL403 do not
        assert found == []


@pytest.mark.parametrize(
    "text",
    [
        "Sheriff’s Office — “quoted” … café über naïve",
        "NESTLÉ® costs 5 € in Nové Město",
        "Η ανατροφή, Москва, 北京, 東京, 서울",
        "שלום עולם\u200f 2024",  # a right-to-left mark in Hebrew text
        "مرحبا \u2067بالعالم\u2069 2024",  # a closed isolate in Arabic text
        "می\u200cخواهم",  # Persian zero-width non-joiner
        "क्\u200dष",  # Devanagari zero-width joiner
        "family 👨\u200d👩\u200d👧 emoji",  # emoji joined by ZWJ
        "ภาษา\u200bไทย",  # Thai word break
        "Flag 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f of Scotland",
        "Silben\u00adtrennung",  # a soft hyphen inside a word
        "AT&T, Q&A, R&D; and &c.",
    ],
)
def test_correct_text_is_never_reported(text):
    assert sl4(with_title(text)) == []


def test_mojibake_in_each_quoting_style_keeps_the_style():
    double = BASE.replace(TITLE_LINE, 'title: "\\"Quoted\\" at the Sheriffâ€™s Office"')
    single = BASE.replace(TITLE_LINE, "title: 'It''s the Sheriffâ€™s Office'")
    plain = BASE.replace(TITLE_LINE, "title: The Sheriffâ€™s Office")
    expected = {
        double: ((3, 34), 'title: "\\"Quoted\\" at the Sheriff’s Office"'),
        single: ((3, 26), "title: 'It''s the Sheriff’s Office'"),
        plain: ((3, 19), "title: The Sheriff’s Office"),
    }
    for text, (spot, line) in expected.items():
        diagnostic = sl4(text)[0]
        assert (diagnostic.line, diagnostic.column) == spot
        assert apply_fix(text, diagnostic.fix).splitlines()[2] == line


def test_bom_read_as_latin1_is_removed():
    [diagnostic] = [d for d in sl4(with_title("ï»¿Cyient to Release Mobius")) if d.code == "SL401"]
    assert diagnostic.message.startswith("title has mojibake: `ï»¿Cyient` should read `Cyient`")
    assert apply_fix(with_title("ï»¿Cyient to Release Mobius"), diagnostic.fix) == with_title(
        "Cyient to Release Mobius"
    )


# Entities ---------------------------------------------------------------------------------------


def test_real_entity_in_an_excerpt_is_replaced_by_its_character():
    text = fixture("powerapps-news/2020-12-21-power-platform-stories.md")
    [diagnostic] = sl4(text)
    assert (
        diagnostic.message
        == "excerpt contains an HTML entity left in plain text: `&#8217;` (’); write the characters themselves"
    )
    fixed = apply_fix(text, diagnostic.fix)
    assert fixed == text.replace("&#8217;", "’", 1) and "&#8217;" not in fixed.splitlines()[3]


def test_repeated_entities_are_counted_beside_the_ones_named():
    text = fixture("powerapps-news/2021-05-04-better-together-introducing-custom-pages-and-the-modern-app-designer.md")
    [diagnostic] = sl4(text)
    assert (diagnostic.line, diagnostic.column) == (4, 66)
    assert diagnostic.message == (
        "excerpt contains 3 HTML entities left in plain text: `&#8217;` (’), `&#8211;` (–) twice; "
        "write the characters themselves"
    )
    fixed = apply_fix(text, diagnostic.fix)
    assert fixed == text.replace("&#8217;", "’").replace("&#8211;", "–")


def test_injected_amp_entity_is_fixed_back_to_the_original():
    original = fixture("ai-news/2020-02-06-will-we-see-operators-using-facial-recognition-software-soon.md")
    damaged = original.replace("Frost & Sullivan", "Frost &amp; Sullivan", 1)
    [diagnostic] = sl4(damaged)
    assert where([diagnostic]) == [("SL402", 51, 44)]
    assert diagnostic.fix.applicability is Applicability.SAFE
    assert apply_fix(damaged, diagnostic.fix) == original


def test_double_escaping_is_undone_one_level_at_a_time():
    [diagnostic] = sl4(with_title("Power Apps &amp;amp; Teams"))
    assert apply_fix(with_title("Power Apps &amp;amp; Teams"), diagnostic.fix) == with_title("Power Apps &amp; Teams")


def test_an_entity_naming_a_control_character_is_reported_without_a_fix_that_does_nothing():
    """`&#1;` names U+0001 (Python's html.unescape gives "" for it): reported as what it names, and, as no
    character can be written for it, with no fix (an empty one was counted as fixable and did nothing)."""
    text = BASE.replace(TITLE_LINE, 'title: "Breaking &#1; news"')
    [diagnostic] = sl4(text)
    assert where([diagnostic]) == [("SL402", 3, 18)]
    assert diagnostic.message == (
        "title contains an HTML entity left in plain text: `&#1;` (U+0001 control character); "
        "`&#1;` names no character text may hold: remove it or write what was meant"
    )
    assert diagnostic.fix is None


def test_entities_naming_no_writable_character_are_left_by_the_fix_of_the_others():
    text = BASE.replace(TITLE_LINE, 'title: "A &#x1F; B &amp; C &#xFFFF; D &#150; E"')
    [diagnostic] = sl4(text)
    assert diagnostic.message == (
        "title contains 4 HTML entities left in plain text: `&#x1F;` (U+001F control character), `&amp;` (&), "
        "`&#xFFFF;` (U+FFFF noncharacter), `&#150;` (–); write the characters themselves; `&#x1F;`, `&#xFFFF;` "
        "name no character text may hold: remove them or write what was meant"
    )
    assert diagnostic.fix.applicability is Applicability.SAFE
    assert apply_fix(text, diagnostic.fix) == BASE.replace(TITLE_LINE, 'title: "A &#x1F; B & C &#xFFFF; D – E"')


def test_entities_in_urls_and_html_fields_are_not_text_entities():
    text = BASE.replace("published: false\n", 'published: false\nfeaturedContent: "<p>AT&amp;T &nbsp;</p>"\n', 1)
    text = text.replace("lykkap5cas9xk7ycmkmm", "lykkap5cas9xk7ycmkmm?a=1&amp;b=2", 1)
    assert sl4(text) == []


# Characters -------------------------------------------------------------------------------------


def test_c1_controls_are_windows_1252_characters():
    damaged = BASE.replace(TITLE_LINE, 'title: "Live \\x93facial\\x94 recognition helps deliver justice in Croydon"')
    found = sl4(damaged)
    assert where(found) == [("SL401", 3, 14)]  # ftfy repairs C1 controls as encoding damage
    assert (
        apply_fix(damaged, found[0].fix).splitlines()[2]
        == 'title: "Live “facial” recognition helps deliver justice in Croydon"'
    )


def test_c0_control_character():
    damaged = BASE.replace(TITLE_LINE, 'title: "Live facial\\x07 recognition helps deliver justice in Croydon"')
    [diagnostic] = sl4(damaged)
    assert where([diagnostic]) == [("SL403", 3, 20)]  # the backslash of the escape
    assert diagnostic.fix.applicability is Applicability.UNSAFE
    assert apply_fix(damaged, diagnostic.fix) == BASE


def test_c1_control_that_is_no_windows_1252_character():
    damaged = with_title("Live\x81 facial recognition helps deliver justice in Croydon")
    assert 'title: "Live\\u0081 facial' in damaged  # seedlint's writer escapes C1 controls
    [diagnostic] = sl4(damaged)
    assert where([diagnostic]) == [("SL403", 3, 13)]
    assert diagnostic.message == "title contains control character U+0081 at character 5"
    assert apply_fix(damaged, diagnostic.fix) == BASE


def test_replacement_character_has_no_fix():
    [diagnostic] = sl4(with_title("Caf\ufffd opens in Croydon"))
    assert where([diagnostic]) == [("SL404", 3, 12)]
    assert diagnostic.fix is None


@pytest.mark.parametrize(
    ("injected", "index"),
    [
        ("Live facial recognition helps deliver justice in Croydon\u200b", 56),
        ("\u00ad\u00adLive facial recognition helps deliver justice in Croydon", 0),
        ("Live\u2060 facial recognition helps deliver justice in Croydon", 4),
        ("Live facial\U000e0049\U000e0047\U000e004e recognition helps deliver justice in Croydon", 11),  # tag smuggling
    ],
    ids=["zero-width-space", "soft-hyphens", "word-joiner", "tag-characters"],
)
def test_invisible_characters_are_removed_exactly(injected, index):
    damaged = with_title(injected)
    [diagnostic] = sl4(damaged)
    assert where([diagnostic]) == [("SL405", 3, title_column(injected, index))]
    assert diagnostic.fix.applicability is Applicability.SAFE
    assert apply_fix(damaged, diagnostic.fix) == BASE


@pytest.mark.parametrize(
    ("injected", "index"),
    [
        ("Live facial recognition \u202eCroydon", 24),  # an override in Latin text (Trojan Source)
        ("Live\u200e facial recognition", 4),  # a left-to-right mark in text without right-to-left letters
        ("مرحبا \u202eبالعالم", 6),  # an override left open in Arabic text
    ],
    ids=["override", "lrm-in-latin", "unclosed-in-arabic"],
)
def test_bidirectional_controls(injected, index):
    [diagnostic] = sl4(with_title(injected))
    assert where([diagnostic]) == [("SL406", 3, title_column(injected, index))]
    assert diagnostic.fix.applicability is Applicability.UNSAFE
    assert "\u202e" not in apply_fix(with_title(injected), diagnostic.fix).splitlines()[2]


@pytest.mark.parametrize(
    ("source", "column"),
    [
        ('"ab\u2028 cd \\u00e9 x\u202ey"', 24),  # a raw LS: kept in the value, the blank after it dropped
        ('"ab\x85cd \\u00e9 x\u202ey"', 23),  # a raw NEL: a line break, folded into a space
        ('"ab  \u2029\u2029 cd \\u00e9 x\u202ey"', 27),  # blanks before a PS dropped, a second PS kept
    ],
    ids=["line-separator", "next-line", "paragraph-separators"],
)
def test_a_finding_after_a_raw_unicode_line_break_points_at_its_character(source, column):
    """libyaml scans NEL, LS and PS as line breaks inside a quoted scalar (YAML 1.1), as it does CR and LF: the
    characters after one are found where they are, not at the start of the value."""
    [diagnostic] = [d for d in sl4(BASE.replace(TITLE_LINE, "title: " + source, 1)) if d.code == "SL406"]
    assert (diagnostic.line, diagnostic.column) == (3, column)
    assert diagnostic.column == len("title: ") + source.index("\u202e") + 1


def test_decomposed_accent_is_normalized_back_to_the_original():
    original = fixture("ai-news/2020-02-11-met-police-deploy-live-facial-recognition-technology.md")
    damaged = original.replace("Pokémon", unicodedata.normalize("NFD", "Pokémon"), 1)
    assert damaged != original
    [diagnostic] = sl4(damaged)
    assert where([diagnostic]) == [("SL407", 66, 48)]
    assert diagnostic.fix.applicability is Applicability.SAFE
    assert (
        diagnostic.message
        == "related[3].title is not in Unicode NFC: `e\u0301` (U+0065 U+0301) should be `\u00e9` (U+00E9)"
    )
    assert apply_fix(damaged, diagnostic.fix) == original


# Robustness -------------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from seedlint.document import parse_document  # noqa: E402

TEXTISH = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            list(
                "Aa &;#x0123456789ampquotnbsp’é\u0301\u00ad\u200b\u200d\u202e\u2066\u2069"
                "\u200f\ufffd\x93\x94\x07\u05d0\u0627Ã©â€™"
            )
        ),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(TEXTISH)
def test_any_title_gives_diagnostics_never_an_exception_and_fixes_stay_valid(value):
    text = with_title(value)
    for diagnostic in sl4(text):
        assert diagnostic.line == 3
        if diagnostic.fix is not None:
            fixed = parse_document(apply_fix(text, diagnostic.fix).encode(), FIXTURES / "x.md", "x.md")
            assert fixed.ok and isinstance(fixed.data["title"], str)
            assert {k: v for k, v in fixed.data.items() if k != "title"} == {
                k: v for k, v in parse_document(text.encode(), FIXTURES / "x.md", "x.md").data.items() if k != "title"
            }


@pytest.mark.parametrize(
    ("written", "code", "why"),
    [
        # A closing quote whose last byte was lost: ftfy takes the space after it for a lost no-break byte, and its
        # repair reads `“hi†now` (a dagger, the space gone). It was safe: `seedlint fix` wrote it, silently.
        ('title: "He said \u00e2\u20ac\u0153hi\u00e2\u20ac now"', "SL401", "a guess"),
        # A repair that leaves text ftfy still finds damaged (`МоÑква`).
        ('title: "\u00d0\u0153\u00d0\u00be\u00d1\u00d0\u00ba\u00d0\u00b2\u00d0\u00b0"', "SL401", "a guess"),
        # A date is no text: `…` written into it.
        ('publishedDateTime: "2024-01-22T18:23:00\\u0085Z"', "SL401", "a date"),
        # In an address, the characters removed or composed are part of the path requested.
        ('webUrl: "https://www.bbc.com/news/uk\\u200b-1"', "SL405", "an address"),
        ('webUrl: "https://www.bbc.com/cafe\\u0301.jpg"', "SL407", "an address"),
    ],
)
def test_a_fix_that_guesses_or_changes_an_address_or_a_date_is_unsafe(tmp_path, written, code, why):
    # (found fuzzing the rules' precision)
    path = tmp_path / "doc.md"
    path.write_text(f"---\n{written}\n---\n", encoding="utf-8")
    [found] = [d for d in check_paths(path).diagnostics if d.code == code]
    assert found.fix is not None and found.fix.applicability is Applicability.UNSAFE, why


@pytest.mark.parametrize(
    ("shown", "other", "said"),
    [
        (
            "déjà",
            "de\u0301jà",
            "at character 2: U+00E9 LATIN SMALL LETTER E WITH ACUTE against U+0065 LATIN SMALL LETTER E",
        ),
        ("a\u200bb", "ab", "at character 2: U+200B ZERO WIDTH SPACE against U+0062 LATIN SMALL LETTER B"),
        ("a b", "a\u00a0b", "at character 2: U+0020 SPACE against U+00A0 NO-BREAK SPACE"),
        ("a b", "a c", None),  # (a difference one sees)
        ("a b", "a b", None),
    ],
)
def test_a_difference_that_does_not_show_is_named(shown, other, said):
    from seedlint import invisible

    found = invisible.unseen_difference(shown, other)
    assert found == (f"they differ only where it does not show, {said}" if said else None)
