"""JSON Schema patterns, which are ECMA-262 regular expressions, translated for Python's `re` (which jsonschema,
and so seedlint, runs them with), so that `re` reads each as ECMA-262 reads it with the `u` flag (Unicode
mode, as the JSON-Schema-Test-Suite reads patterns: `\\p{Letter}` is a property escape).

- Rewritten: General_Category property escapes (`\\p{L}`, `\\p{Letter}`, `\\p{gc=Lu}`,
  `\\p{General_Category=Uppercase_Letter}`, `\\P{...}` for the complement), which `re` lacks, as the code point
  ranges of that category in Python's Unicode database; named groups `(?<name>...)` and their references
  `\\k<name>`; `\\u{1F600}`, a surrogate pair `\\uD83D\\uDE00` (one code point in Unicode mode), `\\cJ`, `\\0`;
  the literal punctuation of a character class, escaped (`re` reads `[+--]`, `[a&&b]`, `[[]` as possible set
  operations, with a FutureWarning); the empty classes `[]` and `[^]`.
- Refused (NotEcma, the reason said): what ECMA-262 refuses in Unicode mode and `re` would read with another
  meaning: Python's own syntax (`(?P<name>...)`, inline flags `(?i)`, `(?#...)`, atomic groups, possessive
  quantifiers `a*+`), escapes ECMA-262 has not (`\\Z`, `\\A`, `\\z`: Python's ends of the string), a range
  with a class at an end (`[\\p{L}--\\p{Lu}]`: set difference is the `v` flag's), a lone `{`, `}` or `]`,
  other property escapes (`\\p{Script=Greek}`, `\\p{Any}`).
- Left as `re` reads them (differences in corners, said in the README): `\\d`, `\\w`, `\\b` and `\\s` are
  Unicode-aware in `re` and `.` matches `\\r`, `\\u2028` and `\\u2029`; `$` also matches before a final line
  break; an escaped punctuation character that Unicode mode refuses (`\\-` outside a class) is that character.
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


class NotEcma(ValueError):
    """A pattern that is not ECMA-262 (in Unicode mode) or that seedlint cannot translate; the message says why."""


_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d*))?\}")
_NAMED_GROUP = re.compile(r"\(\?<([^>=!][^>]*)>")
_REFERENCE = re.compile(r"\\k<([^>]*)>")
_CONTROLS = {"f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B}
_SYNTAX = "^$\\.*+?()[]{}|/"
_PYTHON_ONLY = {"A": "the start of the string", "Z": "the end of the string", "z": "the end of the string"}


def translated(pattern: str) -> str:
    """`pattern` (ECMA-262, Unicode mode) as a pattern `re` reads with the same meaning (see the module's
    docstring for what is rewritten, refused and left); NotEcma when it cannot be."""
    out: list[str] = []
    i, after_quantifier = 0, False
    while i < len(pattern):
        char = pattern[i]
        quantifier = _QUANTIFIER.match(pattern, i) if char == "{" else None
        if char in "*+?" or quantifier is not None:
            if after_quantifier:
                raise NotEcma(
                    f"`{pattern[i - 1 : i + 1]}`: a quantifier cannot follow a quantifier "
                    "(Python reads `*+`, `++`, `?+` as possessive; ECMA-262 has no such thing)"
                )
            end = quantifier.end() if quantifier is not None else i + 1
            if pattern[end : end + 1] == "?":  # (lazy)
                end += 1
            out.append(pattern[i:end])
            i, after_quantifier = end, True
            continue
        after_quantifier = False
        if char == "\\":
            text, i, _ = _escape(pattern, i, in_class=False)
            out.append(text)
        elif char == "[":
            text, i = _class(pattern, i)
            out.append(text)
        elif char == "(":
            text, i = _group(pattern, i)
            out.append(text)
        elif char in "{}]":
            raise NotEcma(f"a lone `{char}` at position {i} must be escaped (`\\{char}`) in ECMA-262's Unicode mode")
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _group(pattern: str, i: int) -> tuple[str, int]:
    """The opening of the group at `i`, and where the group's contents start."""
    if not pattern.startswith("(?", i):
        return "(", i + 1
    for opening in ("(?:", "(?=", "(?!", "(?<=", "(?<!"):
        if pattern.startswith(opening, i):
            return opening, i + len(opening)
    named = _NAMED_GROUP.match(pattern, i)
    if named is not None:
        name = named.group(1)
        if not (name.isidentifier() and name.isascii()):
            raise NotEcma(f"`(?<{name}>`: seedlint supports group names of ASCII letters, digits and `_`")
        return f"(?P<{name}>", named.end()
    if pattern.startswith("(?P", i):
        raise NotEcma(
            "`(?P` is Python's syntax, not ECMA-262's: a named group is `(?<name>...)`, a reference to it `\\k<name>`"
        )
    raise NotEcma(
        f"`{pattern[i : i + 3]}` is not ECMA-262 syntax: a group opens with `(`, `(?:`, `(?=`, `(?!`, `(?<=`, "
        "`(?<!` or `(?<name>` (ECMA-262 patterns have no inline flags, comments or atomic groups)"
    )


def _class(pattern: str, i: int) -> tuple[str, int]:
    """The character class that starts at `i`, and where it ends. ECMA-262 closes it at the first unescaped
    `]` (`[]` matches nothing, `[^]` anything) and reads `a-b` as a range only between two characters."""
    start, i = i, i + 1
    negated = pattern.startswith("^", i)
    i += negated
    items: list[str] = []
    while True:
        if i >= len(pattern):
            raise NotEcma(f"the character class at position {start} is not closed with `]`")
        if pattern[i] == "]":
            i += 1
            break
        low, i, low_code = _class_atom(pattern, i)
        if pattern.startswith("-", i) and i + 1 < len(pattern) and pattern[i + 1] != "]":
            high, i, high_code = _class_atom(pattern, i + 1)
            if low_code is None or high_code is None:
                raise NotEcma(
                    f"`{pattern[start:i]}`: a range in a character class has a class (`\\p{{...}}`, `\\d`...) at an "
                    "end; ECMA-262 refuses it (`--` is set difference only with the `v` flag, which JSON Schema "
                    "patterns do not have)"
                )
            if low_code > high_code:
                raise NotEcma(f"`{pattern[start:i]}`: a range in a character class is out of order")
            items.append("-".join("\\-" if end == "-" else end for end in (low, high)))
        else:
            items.append(low)
    if not items:
        return ("[\\s\\S]" if negated else "(?!)"), i
    return "[" + "^" * negated + "".join(items) + "]", i


def _class_atom(pattern: str, i: int) -> tuple[str, int, int | None]:
    """One member of a class at `i`: its text for `re` (`[`, `&`, `~`, `|` and a `-` inside escaped: `re` reads
    `--`, `&&`, `~~`, `||` and `[` in a class as possible set operations), where it ends, its code point (None:
    a class)."""
    char = pattern[i]
    if char == "\\":
        return _escape(pattern, i, in_class=True)
    if char in "[&~|" or (char == "-" and pattern[i - 1] not in "[^" and not pattern.startswith("]", i + 1)):
        return "\\" + char, i + 1, ord(char)
    return char, i + 1, ord(char)


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int, int | None]:
    """The escape at `i`: its text for `re`, where it ends, and its code point (None when it is not one
    character: a class, an assertion, a reference)."""
    if i + 1 >= len(pattern):
        raise NotEcma("the pattern ends with a lone `\\`")
    char = pattern[i + 1]
    end = i + 2
    if char in "pP":
        found = _ESCAPE.match(pattern, i)
        if found is None:
            raise NotEcma(f"`\\{char}` at position {i} must be followed by a property in braces (`\\{char}{{L}}`)")
        kind, name = found.groups()
        short = _BY_NAME.get(name.split("=", 1)[1] if "=" in name else name)
        if short is None or ("=" in name and name.split("=", 1)[0] not in ("gc", "General_Category")):
            raise NotEcma(
                f"`{found.group()}`: seedlint knows the General_Category properties only (`\\p{{L}}`, "
                "`\\p{Letter}`, `\\p{gc=Lu}`), not scripts or binary properties"
            )
        inside = _ranges(short, kind == "P")
        return (inside if in_class else f"[{inside}]"), found.end(), None
    if char in "dDwWsS":
        return "\\" + char, end, None
    if char in "bB":
        if not in_class:
            return "\\" + char, end, None
        if char == "b":  # (backspace, in a class)
            return "\\x08", end, 0x08
    elif char in _CONTROLS:
        return "\\" + char, end, _CONTROLS[char]
    elif char == "c":
        letter = pattern[end : end + 1]
        if letter.isascii() and letter.isalpha():
            return _char(ord(letter) % 32), end + 1, ord(letter) % 32
    elif char == "0" and not pattern[end : end + 1].isdigit():
        return "\\x00", end, 0
    elif char in "123456789" and not in_class:
        while pattern[end : end + 1].isdigit():
            end += 1
        return pattern[i:end], end, None  # (a backreference; one to no group is refused by `re` too)
    elif char == "x" and re.fullmatch(r"[0-9A-Fa-f]{2}", pattern[end : end + 2]):
        return pattern[i : end + 2], end + 2, int(pattern[end : end + 2], 16)
    elif char == "u":
        return _unicode_escape(pattern, i)
    elif char == "k" and not in_class:
        reference = _REFERENCE.match(pattern, i)
        if reference is not None and reference.group(1).isidentifier():
            return f"(?P={reference.group(1)})", reference.end(), None
    elif char in _SYNTAX or (char == "-" and in_class):
        return "\\" + char, end, ord(char)
    elif not char.isalnum():  # (an identity escape Unicode mode refuses: read as the character, as without it)
        return re.escape(char), end, ord(char)
    meaning = _PYTHON_ONLY.get(char)
    raise NotEcma(
        f"`{pattern[i:end]}` is not an ECMA-262 escape"
        + (f" (Python reads it as {meaning}; ECMA-262 has `^` and `$`)" if meaning else "")
    )


def _unicode_escape(pattern: str, i: int) -> tuple[str, int, int | None]:
    """`\\uHHHH`, a surrogate pair of them (one code point in Unicode mode), or `\\u{H...}`."""
    braced = re.compile(r"\\u\{([0-9A-Fa-f]+)\}").match(pattern, i)
    if braced is not None and int(braced.group(1), 16) <= sys.maxunicode:
        code = int(braced.group(1), 16)
        return _char(code), braced.end(), code
    four = re.compile(r"\\u([0-9A-Fa-f]{4})(?:\\u([dD][c-fC-F][0-9A-Fa-f]{2}))?").match(pattern, i)
    if four is None:
        raise NotEcma(f"`{pattern[i : i + 6]}` is not an ECMA-262 escape (`\\uHHHH` or `\\u{{H...}}`)")
    code = int(four.group(1), 16)
    if four.group(2) is not None and 0xD800 <= code <= 0xDBFF:
        code = 0x10000 + ((code - 0xD800) << 10) + (int(four.group(2), 16) - 0xDC00)
        return _char(code), four.end(), code
    return _char(code), i + 6, code
