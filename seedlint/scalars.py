"""Where each character of a scalar's value sits in the source.

A diagnostic about a few characters inside a long string (mojibake, a space in a URL) points at those
characters, not at the start of the value. The value and its source differ: a double-quoted scalar has
escapes (`\\"`, `\\u2019`), a single-quoted one doubles its quotes, and a flow scalar that spans lines is
folded (a line break becomes a space). `source_offsets` replays YAML's scanning rules for the scalar
and returns, for every index of the value, the offset of the source character it came from.

The replay is checked: when it does not reproduce the value libyaml read, there is no mapping (None)
and callers fall back to the start of the value, so a position is never silently wrong.
"""

from __future__ import annotations

from collections.abc import Callable

from seedlint.yamltree import YAML_1_1_BREAKS

# YAML's one-character escapes in double-quoted scalars (YAML 1.1 and 1.2).
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_BLANKS = " \t"
# The line breaks of YAML 1.1, which libyaml scans as such inside a flow scalar: NEL, LS and PS too.
_BREAKS = "\r\n" + YAML_1_1_BREAKS


def source_offsets(source: str, style: str | None, value: str) -> list[int] | None:
    """Offsets into `source` (the exact text of the scalar node, quotes included) of each character of
    `value`, plus one final offset for the end of the value; None when the replay does not give `value`."""
    if style in ("|", ">"):
        return _block_offsets(source, value)
    return _flow_offsets(source, style, value)


def _flow_offsets(source: str, style: str | None, value: str) -> list[int] | None:
    quoted = style in ("'", '"')
    if _verbatim(source[1:-1] if quoted else source, value):  # most values: character i at offset i (+ the quote)
        return list(range(1 if quoted else 0, len(source) - (1 if quoted else 0) + 1))
    return _replayed_offsets(source, style, value)


def _verbatim(inner: str, value: str) -> bool:
    """Whether the source between the quotes is the value itself: then no escape, doubled quote or line folding
    took place (each of those makes the value differ from its source; a value never holds a line break that
    its flow source holds as one, since one break folds into a space and n+1 breaks into n)."""
    return inner == value and "\n" not in inner and "\r" not in inner


def _replayed_offsets(source: str, style: str | None, value: str) -> list[int] | None:
    chars: list[str] = []
    offsets: list[int] = []
    escaped: list[bool] = []  # blanks written as escapes survive line folding

    def emit(text: str, offset: int, is_escape: bool = False) -> None:
        chars.append(text)
        offsets.append(offset)
        escaped.append(is_escape)

    quoted = style in ("'", '"')
    i, end = (1, len(source) - 1) if quoted else (0, len(source))
    try:
        while i < end:
            char = source[i]
            if style == "'" and char == "'":  # '' is one quote
                emit("'", i)
                i += 2
            elif style == '"' and char == "\\":
                following = source[i + 1]
                if following in _ESCAPES:
                    emit(_ESCAPES[following], i, True)
                    i += 2
                elif following in _HEX_ESCAPES:
                    width = _HEX_ESCAPES[following]
                    emit(chr(int(source[i + 2 : i + 2 + width], 16)), i, True)
                    i += 2 + width
                elif following in _BREAKS:  # an escaped line break joins the lines without a space
                    i = _skip_blanks(source, _line_break(source, i + 1)[1], end)
                    i = _emit_breaks(source, i, end, emit)  # (the lines after it that hold nothing are kept)
                else:
                    return None
            elif char in _BREAKS:
                while chars and chars[-1] in _BLANKS and not escaped[-1]:  # trailing blanks are not content
                    chars.pop(), offsets.pop(), escaped.pop()
                first, after = _line_break(source, i)
                if first != "\n":  # (LS and PS are kept as they are, and so are the breaks after them)
                    emit(first, i)
                    i = _emit_breaks(source, _skip_blanks(source, after, end), end, emit)
                elif (next_line := _skip_blanks(source, after, end)) < end and source[next_line] in _BREAKS:
                    i = _emit_breaks(source, next_line, end, emit)  # n+1 breaks keep n (a line feed for each)
                else:
                    emit(" ", i)  # one line feed folds into a space
                    i = next_line
            else:
                emit(char, i)
                i += 1
    except (IndexError, ValueError):
        return None
    if "".join(chars) != value:
        return None
    return offsets + [end]


def _line_break(source: str, i: int) -> tuple[str, int]:
    """The line break at `i` as it enters a value (a line feed for CR LF, CR, LF and NEL; LS and PS as they are),
    and the offset after it."""
    if source[i] in "\u2028\u2029":
        return source[i], i + 1
    return "\n", i + 2 if source.startswith("\r\n", i) else i + 1


def _emit_breaks(source: str, i: int, end: int, emit: Callable[[str, int], None]) -> int:
    """Each line break from `i` on, with the blanks after it skipped, emitted as it enters the value; the offset
    after them."""
    while i < end and source[i] in _BREAKS:
        char, after = _line_break(source, i)
        emit(char, i)
        i = _skip_blanks(source, after, end)
    return i


def _skip_blanks(source: str, i: int, end: int) -> int:
    while i < end and source[i] in _BLANKS:
        i += 1
    return i


def _block_offsets(source: str, value: str) -> list[int] | None:
    """Literal and folded block scalars only drop indentation and turn line breaks into spaces, so each
    value character is the next matching source character after the header line."""
    i = source.find("\n") + 1
    if i == 0:
        return None
    offsets = []
    for char in value:
        while i < len(source) and source[i] != char and not (char == " " and source[i] in "\r\n"):
            i += 1
        if i >= len(source):
            return None
        offsets.append(i)
        i += 1
    return offsets + [len(source.rstrip("\r\n"))]
