"""Which characters hide text: zero-width and other invisible characters where they do nothing for the text
around them. SL405 reports them in documents; the `full` output spells them out in its source lines, where a
caret under nothing visible would point at nothing."""

from __future__ import annotations

import re

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
