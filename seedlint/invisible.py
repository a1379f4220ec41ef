"""Which characters hide text: zero-width and other invisible characters where they do nothing for the text
around them. SL405 reports them in documents; the `full` output spells them out in its source lines, where a
caret under nothing visible would point at nothing."""

from __future__ import annotations

import re
import unicodedata

INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\U000e0000-\U000e007f]")
JOINERS = "\u200b\u200c\u200d"  # correct between two characters of scripts (or emoji) that need them
BLACK_FLAG = "\U0001f3f4"  # an emoji tag sequence (subdivision flags) starts with it


def hiding(text: str) -> list[int]:
    """The indexes of the invisible characters of `text` that hide something (see `is_correct`)."""
    return [m.start() for m in INVISIBLE.finditer(text) if not is_correct(text, m.start())]


def is_correct(text: str, index: int) -> bool:
    """Whether the invisible character at `index` is correct text: a joiner inside a script or emoji sequence, a
    soft hyphen inside a word, a tag character of an emoji flag."""
    char = text[index]
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if char in JOINERS:  # joins two characters of a script or emoji sequence that uses it
        return all(c and not c.isascii() and not c.isspace() and c not in JOINERS for c in (before, after))
    if char == "\u00ad":  # a hyphenation point inside a word
        return before.isalpha() and after.isalpha()
    if "\U000e0000" <= char <= "\U000e007f":  # part of an emoji tag sequence after the black flag
        start = index
        while start > 0 and "\U000e0000" <= text[start - 1] <= "\U000e007f":
            start -= 1
        return start > 0 and text[start - 1] == BLACK_FLAG
    return False


def unseen_difference(shown: str, other: str) -> str | None:
    """Where two different texts differ when a reader cannot see it (`déjà` composed and decomposed, a no-break space
    for a space, a zero-width space): the first differing character of each, by code point; None when they differ
    visibly, or not at all. A message quoting both would otherwise show the same text twice."""
    if shown == other or _seen(shown) != _seen(other):
        return None
    at = next((i for i, (a, b) in enumerate(zip(shown, other, strict=False)) if a != b), min(len(shown), len(other)))
    mine, theirs = shown[at : at + 1], other[at : at + 1]
    return f"they differ only where it does not show, at character {at + 1}: {_named(mine)} against {_named(theirs)}"


def _seen(text: str) -> str:
    """`text` as a reader sees it: composed, without invisible characters, every space a plain one."""
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return "".join(" " if unicodedata.category(char) == "Zs" else char for char in text)


def _named(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip() if char else "nothing"
