"""ECMA-262 Unicode property escapes (`\\p{Letter}`, `\\P{Nd}`), which JSON Schema patterns may use and
Python's `re` lacks, rewritten as the character classes they stand for.

JSON Schema patterns are ECMA-262 regular expressions; jsonschema (and so seedlint) runs them with `re`,
which rejects `\\p{...}` (jsonschema then raises on every value). A pattern `re` cannot compile is rewritten
here when its only foreign syntax is General_Category property escapes (`\\p{L}`, `\\p{Letter}`,
`\\p{gc=Lu}`, `\\p{General_Category=Uppercase_Letter}`, and `\\P{...}` for the complement), each replaced by
the code point ranges of that category in Python's Unicode database. Anything else (scripts, `\\p{Any}`,
lookbehind differences) is left alone: the schema is then refused with `re`'s own error.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

# The General_Category values: short name → long name (Unicode's PropertyValueAliases).
_CATEGORIES = {
    "L": "Letter",
    "LC": "Cased_Letter",
    "Lu": "Uppercase_Letter",
    "Ll": "Lowercase_Letter",
    "Lt": "Titlecase_Letter",
    "Lm": "Modifier_Letter",
    "Lo": "Other_Letter",
    "M": "Mark",
    "Mn": "Nonspacing_Mark",
    "Mc": "Spacing_Mark",
    "Me": "Enclosing_Mark",
    "N": "Number",
    "Nd": "Decimal_Number",
    "Nl": "Letter_Number",
    "No": "Other_Number",
    "P": "Punctuation",
    "Pc": "Connector_Punctuation",
    "Pd": "Dash_Punctuation",
    "Ps": "Open_Punctuation",
    "Pe": "Close_Punctuation",
    "Pi": "Initial_Punctuation",
    "Pf": "Final_Punctuation",
    "Po": "Other_Punctuation",
    "S": "Symbol",
    "Sm": "Math_Symbol",
    "Sc": "Currency_Symbol",
    "Sk": "Modifier_Symbol",
    "So": "Other_Symbol",
    "Z": "Separator",
    "Zs": "Space_Separator",
    "Zl": "Line_Separator",
    "Zp": "Paragraph_Separator",
    "C": "Other",
    "Cc": "Control",
    "Cf": "Format",
    "Cs": "Surrogate",
    "Co": "Private_Use",
    "Cn": "Unassigned",
}
_BY_NAME = {**{short: short for short in _CATEGORIES}, **{long: short for short, long in _CATEGORIES.items()}}
_ESCAPE = re.compile(r"\\([pP])\{([A-Za-z_]+(?:=[A-Za-z_]+)?)\}")


@functools.lru_cache(maxsize=64)
def _ranges(short: str, negated: bool) -> str:
    """The code points of category `short` (or, negated, all others) as the inside of a character class."""
    if short == "LC":
        members = {"Lu", "Ll", "Lt"}
    elif len(short) == 1:
        members = {name for name in _CATEGORIES if len(name) == 2 and name[0] == short and name != "LC"}
    else:
        members = {short}
    spans: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if (unicodedata.category(chr(code)) in members) != negated:
            if spans and spans[-1][1] == code - 1:
                spans[-1] = (spans[-1][0], code)
            else:
                spans.append((code, code))
    return "".join(_char(low) if low == high else f"{_char(low)}-{_char(high)}" for low, high in spans)


def _char(code: int) -> str:
    return f"\\U{code:08x}"


def rewritten(pattern: str) -> str | None:
    """`pattern` with its General_Category escapes rewritten for `re`, or None when it has none, has
    another property escape, or still does not compile."""
    if not _ESCAPE.search(pattern):
        return None
    out: list[str] = []
    i, in_class, class_start = 0, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            found = _ESCAPE.match(pattern, i)
            if found is None:
                out.append(pattern[i : i + 2])
                i += 2
                continue
            kind, name = found.groups()
            short = _BY_NAME.get(name.split("=", 1)[1] if "=" in name else name)
            if short is None or ("=" in name and name.split("=", 1)[0] not in ("gc", "General_Category")):
                return None
            inside = _ranges(short, kind == "P")
            out.append(inside if in_class else f"[{inside}]")
            i = found.end()
            continue
        if char == "[" and not in_class:
            in_class, class_start = True, i
        elif char == "]" and in_class and i > class_start + 1 and pattern[class_start + 1 : i] != "^":
            in_class = False
        out.append(char)
        i += 1
    result = "".join(out)
    try:
        re.compile(result)
    except (re.error, RecursionError, OverflowError):
        return None
    return result
