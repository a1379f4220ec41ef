"""The first look before a search (seedlint/prefilter.py): it may answer "no match" only where the search finds none.
Tried on ftfy's own detector with its test cases, every text of the corpora's fixtures and random texts made of the
expression's own characters, and on expressions of other shapes."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import ftfy.badness
import pytest

from seedlint import prefilter
from seedlint.rules import encoding

FIXTURES = Path(__file__).parent / "fixtures"
BADNESS = ftfy.badness.BADNESS_RE


def _texts_of_the_fixtures() -> list[str]:
    texts = [
        line
        for path in sorted(FIXTURES.rglob("*.md"))
        for line in path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    ]
    for name in ("in-the-wild.json", "synthetic.json", "negative.json"):
        for case in json.loads((FIXTURES / "ftfy" / name).read_text(encoding="utf-8")):
            texts += [case["original"], case["fixed"]]
    return texts


def _alphabet(pattern: re.Pattern[str]) -> list[str]:
    """Every character the pattern writes (in sets and literals), and some it does not."""
    characters = set(" \t\nab.,!?Zé’“”–—") | {chr(c) for c in range(0x80, 0x100)}
    written = prefilter.necessary_characters(pattern, lambda character: 1)  # (other sets than the default's)
    characters |= written or set()
    characters |= prefilter.necessary_characters(pattern) or set()
    for character in map(chr, range(0x2000)):
        if re.fullmatch(r"[^\x00-\x7f]", character) and character in pattern.pattern:
            characters.add(character)
    return sorted(characters)


def _random_texts(pattern: re.Pattern[str], count: int, seed: int) -> list[str]:
    chooser = random.Random(seed)
    alphabet = _alphabet(pattern)
    return ["".join(chooser.choices(alphabet, k=chooser.randint(1, 6))) for _ in range(count)]


def test_ftfy_s_detector_has_a_first_look_and_it_answers_as_the_detector():
    assert prefilter.necessary_characters(BADNESS) is not None  # (the installed ftfy's expression is of that shape)
    screen = prefilter.screen(BADNESS)
    texts = _texts_of_the_fixtures() + _random_texts(BADNESS, 40_000, seed=22)
    bad = [text for text in texts if ftfy.badness.is_bad(text)]
    assert len(bad) > 1_000  # (the random texts match often: the look is tried where it matters)
    assert all(map(screen, bad))
    assert [encoding._is_bad(text) for text in texts] == [ftfy.badness.is_bad(text) for text in texts]


def _matching(items: list, chooser: random.Random) -> str | None:
    """A text made to match a sequence of parsed items (re's own parser), or None for an item not made here."""
    from re import _constants as c  # (the parser's own names, as seedlint/prefilter.py reads them)

    text = ""
    for op, value in items:
        if op is c.LITERAL:
            text += chr(value)
        elif op is c.IN:  # (one character of the set, or outside a negated one)
            negated = (c.NEGATE, None) in value
            listed = prefilter._characters(op, [member for member in value if member[0] is not c.NEGATE], c)
            if listed is None:
                text += " " if (c.CATEGORY, c.CATEGORY_SPACE) in value and not negated else "x"
            else:
                text += next(x for x in " 1-#" if x not in listed) if negated else chooser.choice(sorted(listed))
        elif op is c.CATEGORY:
            text += " " if value is c.CATEGORY_SPACE else "x"
        elif op is c.ANY:
            text += "x"
        elif op is c.AT:
            continue
        elif op is c.MAX_REPEAT or op is c.MIN_REPEAT:
            for _ in range(value[0]):
                inner = _matching(list(value[2]), chooser)
                if inner is None:
                    return None
                text += inner
        else:
            return None
    return text


def test_every_alternative_of_ftfy_s_detector_is_looked_for():
    # Texts made to match each alternative alone (one character drawn from each of its sets): one whose characters
    # the look missed would be answered "no mojibake" unsearched.
    from re import _constants, _parser

    screen = prefilter.screen(BADNESS)
    chooser = random.Random(3)
    alternatives = _parser.parse(BADNESS.pattern, BADNESS.flags)[0][1][1]
    tried = 0
    for alternative in alternatives:
        texts = {_matching(list(alternative), chooser) for _ in range(300)} - {None}
        matching = [text for text in texts if BADNESS.search(text)]
        assert matching, alternative  # (each alternative is tried)
        assert all(map(screen, matching)), [text for text in matching if not screen(text)]
        tried += len(matching)
    assert tried > 3_000 and len(alternatives) == 37 and _constants.BRANCH


def test_typographic_text_is_answered_without_the_search():
    # (what the look is for: the apostrophes, quotes, dashes and ellipses of edited text are no mojibake's; some
    # accented letters, `”`, `€` and `£` are among the characters it needs, and such a text is searched)
    screen = prefilter.screen(BADNESS)
    assert not screen("It’s ‘single’ — “quoted … and – dashed")
    assert [screen(text) for text in ("CafÃ© society", "café", "“quoted”", "5 €")] == [True] * 4


@pytest.mark.parametrize(
    "expression",
    [
        r"ab|[xy]z",
        r"^[ÃÂ] |é€",
        r"\s[é]x?[€£]",
        r"(?:ab)+|c[^d]e",
        r"[a-c]\w[x-z]|q",
        r"a|b(?:c|d)e",
    ],
)
def test_the_look_never_answers_no_where_the_search_finds_a_match(expression):
    pattern = re.compile(expression)
    screen = prefilter.screen(pattern)
    for text in _random_texts(pattern, 5_000, seed=7):
        if pattern.search(text) is not None:
            assert screen(text), (expression, text)


@pytest.mark.parametrize(
    "expression, flags",
    [
        (r"ab|\w", 0),  # an alternative without a set of its own
        (r"ab|[^x]", 0),  # a negated set tells nothing
        (r"(?:ab)*|c", 0),  # a repetition: not looked into
        (r"é|x", re.IGNORECASE),  # case-blind: a literal also matches its other cases
    ],
)
def test_an_expression_of_another_shape_gets_no_look(expression, flags):
    pattern = re.compile(expression, flags)
    assert prefilter.necessary_characters(pattern) is None
    assert prefilter.screen(pattern)("") is True


def test_the_set_of_each_alternative_is_its_rarest():
    assert prefilter.necessary_characters(re.compile(r"a€|[éè]b|\s[ÃÂ]")) == frozenset("€éèÃÂ")
