"""A cheap first look for a regular expression's search: the characters every match of it holds one of.

ftfy's mojibake detector (`ftfy.badness.is_bad`) searches a text with one expression of 37 alternatives, tried at
every position of the text: 30 µs for a title, 3-5% of a generated document's checking. Each alternative is a
sequence, and a match of a sequence holds one character of each character set written in it (`[ÃÂ]`, a literal
`€`): so a text that holds no character of one such set chosen per alternative has no match, and is answered
without the search. The sets are read from the compiled expression by Python's own parser of its syntax, so the
look follows the installed ftfy; an expression of another shape (an alternative with no such set, case-blind
matching), or a Python whose parser differs, gets none: every text is searched, as before.

Which set of an alternative is chosen changes only the speed, never an answer: the one whose characters are
rarest in text (`rarity`). For ftfy's expression, a text whose only characters beyond ASCII are the apostrophes,
quotes, dashes and ellipses of edited text is answered at once; some accented letters, `”`, `€` and `£` are among
the characters it needs, and a text holding one is searched (86% of the lines beyond ASCII of the three real
corpora are answered at once).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any


def rarity(character: str) -> int:
    """How common a character is in text, as a weight (only the speed depends on it): ASCII most, then the
    typographic punctuation of edited text, then Latin-1's lower-case letters, then anything else."""
    if character.isascii():
        return 1000
    if character in "\u00a0‘’“”–—…•":
        return 100
    if "\u00e0" <= character <= "\u00ff":
        return 10
    return 1


def necessary_characters(pattern: re.Pattern[str], weight: Callable[[str], int] = rarity) -> frozenset[str] | None:
    """Characters of which every match of `pattern` holds at least one; None when that cannot be told from the
    pattern's shape (then nothing can be answered without searching)."""
    if pattern.flags & re.IGNORECASE:
        return None  # (a literal would also match its other cases)
    try:  # (Python's own parser of its syntax: private, so guarded)
        constants = importlib.import_module("re._constants")
        parsed = list(importlib.import_module("re._parser").parse(pattern.pattern, pattern.flags))
        branch = constants.BRANCH
    except Exception:  # (another Python)
        return None
    alternatives = parsed[0][1][1] if len(parsed) == 1 and parsed[0][0] is branch else [parsed]
    necessary: set[str] = set()
    for alternative in alternatives:
        # Only the items the sequence itself holds, each matched exactly once: not what a group, a repetition or
        # an inner alternation holds.
        sets = [chars for op, value in alternative if (chars := _characters(op, value, constants)) is not None]
        if not sets:
            return None
        necessary |= min(sets, key=lambda chars: (sum(map(weight, chars)), len(chars)))
    return frozenset(necessary)


def _characters(op: object, value: Any, constants: Any) -> set[str] | None:
    """The characters a literal or a character set matches; None for any other item (`\\w`, `.`, a negated set,
    a group...)."""
    if op is constants.LITERAL:
        return {chr(value)}
    if op is not constants.IN:
        return None
    found: set[str] = set()
    for kind, member in value:
        if kind is constants.LITERAL:
            found.add(chr(member))
        elif kind is constants.RANGE:
            found.update(map(chr, range(member[0], member[1] + 1)))
        else:  # (NEGATE, CATEGORY)
            return None
    return found


def screen(pattern: re.Pattern[str], weight: Callable[[str], int] = rarity) -> Callable[[str], bool]:
    """A test that is False only for a text `pattern` cannot match (see the module's docstring); True otherwise,
    and always when the pattern's shape tells nothing."""
    necessary = necessary_characters(pattern, weight)
    if necessary is None:
        return lambda text: True
    search = re.compile("[" + "".join(map(re.escape, sorted(necessary))) + "]").search
    return lambda text: search(text) is not None
