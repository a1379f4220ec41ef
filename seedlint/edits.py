"""Fixes that replace one scalar value, written in the value's own quoting style.

Every rule that fixes a value goes through `replace_value`, so a fix changes exactly the bytes of that
value: the key, the quoting style, the rest of the line and the rest of the file stay as they are.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Callable

import yaml

from seedlint import yamltree
from seedlint.diagnostic import Applicability, Edit, Fix, Span
from seedlint.document import Document
from seedlint.yamltree import FLOW_PLAIN, FieldPath

# Characters YAML cannot hold literally inside a double-quoted scalar (or would turn into line breaks): outside
# YAML's printable set (DEL, the C1 controls, surrogates, U+FFFE and U+FFFF), the byte-order mark, line separators.
_NEEDS_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


BLOCK_STYLES = ("|", ">")  # a literal or folded block scalar's


def double_quoted(value: str) -> str:
    """A YAML double-quoted scalar for `value`: JSON's escapes are valid YAML escapes."""
    text = json.dumps(value, ensure_ascii=False)
    return _NEEDS_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def single_quoted(value: str) -> str | None:
    if any(ch in value for ch in "\n\r\t") or _NEEDS_ESCAPE.search(value) or any(ord(ch) < 0x20 for ch in value):
        return None
    return "'" + value.replace("'", "''") + "'"


def plain(value: str, *, flow: bool = False, timestamp: bool = False) -> str | None:
    """`value` as a plain scalar, when it reads back as exactly that string (`flow`: inside a flow
    collection too, both as a list item and as a mapping's value). A value a YAML 1.1 reader takes for a date
    (`2019-12-16T10:00:00Z`) only with `timestamp`: where a date was written plain (a publishedDateTime), not in a
    title that merely looks like one (PyYAML and Jekyll would read a date there, not the text)."""
    if not value or value != value.strip() or any(char in value for char in "\n\r\t"):
        return None  # (a tab inside a plain scalar: YAML 1.2 readers may take it as a separator, `1\t*` an alias)
    contexts = [(f"k: {value}\n", 1)]
    if flow:
        contexts += [(f"[{value}]\n", 0), (f"{{k: {value}}}\n", 1)]
    for text, index in contexts:
        if _read_alone(text, index, timestamp) != value:
            return None
    return value


def _read_alone(text: str, index: int, timestamp: bool = False) -> str | None:
    """The string of the one plain scalar of `text` (a one-key mapping, `index` 1, or a one-item list,
    `index` 0), or None when `text` is not that or the scalar is not a string (`true`, `39`, `~`)."""
    try:
        node = yamltree.compose(text)
    except yaml.YAMLError:
        return None
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
        scalar = node.value[0][index]
    elif isinstance(node, yaml.SequenceNode) and len(node.value) == 1:
        scalar = node.value[0]
    else:
        return None
    if not isinstance(scalar, yaml.ScalarNode) or scalar.style:
        return None
    if yamltree.tag(scalar) not in (yamltree.YAML_TAG + "str", *([yamltree.YAML_TAG + "timestamp"] * timestamp)):
        return None  # `true`, `39`, `~` would change type
    return scalar.value


def render_scalar(value: str, style: str | None, *, timestamp: bool = False) -> str:
    """`value` in `style` when that style can hold it, else double-quoted (which can hold anything);
    `timestamp`: see `plain`."""
    if style == "'":
        rendered = single_quoted(value)
    elif style is None or style == FLOW_PLAIN:
        rendered = plain(value, flow=style == FLOW_PLAIN, timestamp=timestamp)
    else:
        rendered = None
    return rendered if rendered is not None else double_quoted(value)


def replace_value(doc: Document, path: FieldPath, new_value: str, *, safe: bool = True, description: str = "") -> Fix:
    """A fix replacing the string value at `path` with `new_value`, in the value's quoting style."""
    span = doc.value_span(path)
    assert doc.text is not None  # (a value has a span in the text)
    # A raw NEL, LS or PS (SL020): the fix writes libyaml's reading, which changes what the value says to a YAML 1.2
    # reader: unsafe.
    if yamltree.AMBIGUOUS_BREAK.search(doc.text, span.start, span.end):
        safe = False
        description = (description or "set the value") + " (it reads differently to YAML 1.1 and 1.2 readers: SL020)"
    style = doc.value_style(path)
    if style in BLOCK_STYLES:
        applicability = Applicability.SAFE if safe else Applicability.UNSAFE
        return Fix(
            _block_edits(doc, path, new_value), applicability, description or f"set to {double_quoted(new_value)}"
        )
    if style is None and doc.in_flow(path):
        style = FLOW_PLAIN
    node = doc.locate(path)[1]  # (a date written plain stays plain: `plain`)
    timestamp = style in (None, FLOW_PLAIN) and yamltree.tag(node) == yamltree.YAML_TAG + "timestamp"
    if _LINE_BREAK.search(doc.text, span.start, span.end) or (style == '"' and "\\" in doc.text[span.start : span.end]):
        # A value written over several lines keeps them: only the characters that change are edited, where they
        # stand (written again on one line, a long excerpt became one line of 10,000 characters, SL014). So does a
        # double-quoted value with escapes: written again, `caf\u00e9` became `café`.
        in_place = _edits_in_place(doc, path, new_value, _FITS[style])
        source = doc.text[span.start : span.end]
        if in_place is not None and value_after(span.start, source, list(in_place)) == new_value:
            applicability = Applicability.SAFE if safe else Applicability.UNSAFE
            rendered = render_scalar(new_value, style, timestamp=timestamp)
            return Fix(in_place, applicability, description or f"set to {rendered}")
    return replace_span(span, style, new_value, safe=safe, description=description, timestamp=timestamp)


def replace_span(
    span: Span, style: str | None, new_value: str, *, safe: bool = True, description: str = "", timestamp: bool = False
) -> Fix:
    """`replace_value` for a scalar whose span and quoting style are known without its document (not a block
    scalar, `|` or `>`: its span ends with the line break after it, which only `replace_value` keeps).
    `timestamp`: the value replaced is a date written plain (see `plain`)."""
    assert style not in BLOCK_STYLES
    content = render_scalar(new_value, style, timestamp=timestamp)
    return Fix.replace(span.start, span.end, content, safe=safe, description=description or f"set to {content}")


_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def _block_edits(doc: Document, path: FieldPath, new_value: str) -> tuple[Edit, ...]:
    """The edits that make the `|` or `>` value at `path` read `new_value`: only the characters that change,
    when each run of them lies on one line of it and can stand there as written (the value stays a block);
    else the whole value written double-quoted, up to the end of its last line of text (its line break, and
    any blank lines after it, are kept: without them the next key would follow on the same line)."""
    edits = _edits_in_place(doc, path, new_value, _fits_a_block_line)
    span = doc.value_span(path)
    assert doc.text is not None
    source = doc.text[span.start : span.end]
    # Kept only when the block, read again, says exactly `new_value`: a line emptied (a lone invisible character
    # removed) folds as a line break, not a space; a first line that starts with a blank once edited changes the
    # indentation the block's lines are read with. (When the block cannot be read alone as it reads in place, as
    # with an indentation indicator, which counts from its parent's indentation, it is written double-quoted.)
    node = doc.locate(path)[1]
    if (
        edits is not None
        and isinstance(node, yaml.ScalarNode)
        and value_after(span.start, source, []) == node.value
        and value_after(span.start, source, list(edits)) == new_value
    ):
        return edits
    line_break = _LINE_BREAK.search(source, len(source.rstrip()))  # (the one ending the last line with text)
    return (
        Edit(span.start, span.start + (line_break.start() if line_break else len(source)), double_quoted(new_value)),
    )


def _edits_in_place(
    doc: Document, path: FieldPath, new_value: str, fits: Callable[[str], bool]
) -> tuple[Edit, ...] | None:
    """The edits that make the value at `path` read `new_value` by changing only the characters that change, where
    they stand: each run of the old ones written as it reads (no escape, no folding inside it) and both runs
    `fits` the value's style; None when one does not."""
    node = doc.locate(path)[1]
    span = doc.value_span(path)
    assert doc.text is not None and isinstance(node, yaml.ScalarNode)
    old, text, offset = node.value, doc.text, doc.value_offsets(path)
    if not old:
        return None  # (no line of text to write on: an empty `|` has only its indicator, and a character put
        # after that indicator is read as part of it)
    edits = []
    for i1, i2, j1, j2 in _changed_runs(old, new_value):
        before, after = old[i1:i2], new_value[j1:j2]
        # (the end just after the run's last character: the next one may stand after an escaped line break)
        start, end = offset(i1), offset(i2 - 1) + 1 if i2 > i1 else offset(i1)
        if not (fits(before) and fits(after) and text[start:end] == before):
            return None
        if not span.start < start <= end < span.end:
            return None
        edits.append(Edit(start, end, after))
    return tuple(edits)


_DIFFED = 4_000  # characters of old and new value: beyond, difflib's matching (quadratic) took seconds


@functools.lru_cache(maxsize=512)
def _changed_runs(old: str, new: str) -> tuple[tuple[int, int, int, int], ...]:
    """(old start, old end, new start, new end) of each run that differs between `old` and `new`: difflib's,
    or, for long values, the one run between their common beginning and end. (Remembered: a fixed value recurs
    in every copy of its article, and difflib's matching was most of the time of a fix's edits.)"""
    if len(old) + len(new) <= _DIFFED:
        opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        return tuple((i1, i2, j1, j2) for kind, i1, i2, j1, j2 in opcodes if kind != "equal")
    prefix = _common_length(old, new)
    suffix = _common_length(old[prefix:][::-1], new[prefix:][::-1])
    return ((prefix, len(old) - suffix, prefix, len(new) - suffix),) if old != new else ()


def _common_length(a: str, b: str) -> int:
    """How many first characters `a` and `b` have in common."""
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


def _fits_a_block_line(text: str) -> bool:
    """Whether `text` can replace characters inside one line of a block scalar as written: no line break, no
    character YAML needs escaped, no blank at its ends (which could change the line's indentation or folding)."""
    return (
        text == text.strip()
        and not _LINE_BREAK.search(text)
        and not _NEEDS_ESCAPE.search(text)
        and not any(ord(char) < 0x20 and char != "\t" for char in text)
    )


def _fits_a_quoted_line(text: str) -> bool:
    """Whether `text` can stand, as written, inside one line of a double-quoted value written over several lines."""
    return _fits_a_block_line(text) and "\\" not in text and '"' not in text


def _fits_a_single_quoted_line(text: str) -> bool:
    return _fits_a_block_line(text) and "'" not in text


def _fits_a_plain_line(text: str) -> bool:
    """... inside one line of a plain value written over several lines (no indicator it could begin: `: `, ` #`)."""
    return _fits_a_block_line(text) and not any(char in text for char in ":#'\"\\[]{},\t")


_FITS: dict[str | None, Callable[[str], bool]] = {
    '"': _fits_a_quoted_line,
    "'": _fits_a_single_quoted_line,
    None: _fits_a_plain_line,
    FLOW_PLAIN: lambda text: False,  # (inside a flow collection: written again, quoted where needed)
}


def value_after(start: int, source: str, edits: list[Edit]) -> str | None:
    """The string a scalar whose source text `source` starts at offset `start` reads as once `edits` (all
    inside it) are applied, read alone as the value of a one-key document; None when it cannot be read so."""
    for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
        if not start <= edit.start <= edit.end <= start + len(source):
            return None
        source = source[: edit.start - start] + edit.content + source[edit.end - start :]
    ending = "" if source.endswith(("\n", "\r")) else "\n"  # (a block scalar's ends with its line break: one more
    # would be one more line of a `|+` value)
    try:
        node = yamltree.compose(f"k: {source}{ending}")
    except (yaml.YAMLError, yamltree.TooComplex, RecursionError):
        return None
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return None
    scalar = node.value[0][1]
    return scalar.value if isinstance(scalar, yaml.ScalarNode) else None
