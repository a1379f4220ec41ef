"""Fixes that replace one scalar value, written in the value's own quoting style.

Every rule that fixes a value goes through `replace_value`, so a fix changes exactly the bytes of that
value: the key, the quoting style, the rest of the line and the rest of the file stay as they are.
"""

from __future__ import annotations

import json
import re

import yaml

from seedlint import yamltree
from seedlint.diagnostic import Edit, Fix, Span
from seedlint.document import Document
from seedlint.yamltree import FLOW_PLAIN, FieldPath

# Characters YAML cannot hold literally inside a double-quoted scalar (or would turn into line breaks).
_NEEDS_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


def double_quoted(value: str) -> str:
    """A YAML double-quoted scalar for `value`: JSON's escapes are valid YAML escapes."""
    text = json.dumps(value, ensure_ascii=False)
    return _NEEDS_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def single_quoted(value: str) -> str | None:
    if any(ch in value for ch in "\n\r\t") or _NEEDS_ESCAPE.search(value) or any(ord(ch) < 0x20 for ch in value):
        return None
    return "'" + value.replace("'", "''") + "'"


def plain(value: str, *, flow: bool = False) -> str | None:
    """`value` as a plain scalar, when it reads back as exactly that string (`flow`: inside a flow
    collection too, both as a list item and as a mapping's value)."""
    if not value or value != value.strip() or any(char in value for char in "\n\r\t"):
        return None  # (a tab inside a plain scalar: YAML 1.2 readers may take it as a separator, `1\t*` an alias)
    contexts = [(f"k: {value}\n", 1)]
    if flow:
        contexts += [(f"[{value}]\n", 0), (f"{{k: {value}}}\n", 1)]
    for text, index in contexts:
        if _read_alone(text, index) != value:
            return None
    return value


def _read_alone(text: str, index: int) -> str | None:
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
    if yamltree.tag(scalar) not in (yamltree.YAML_TAG + "str", yamltree.YAML_TAG + "timestamp"):
        return None  # `true`, `39`, `~` would change type
    return scalar.value


def render_scalar(value: str, style: str | None) -> str:
    """`value` in `style` when that style can hold it, else double-quoted (which can hold anything)."""
    if style == "'":
        rendered = single_quoted(value)
    elif style is None or style == FLOW_PLAIN:
        rendered = plain(value, flow=style == FLOW_PLAIN)
    else:
        rendered = None
    return rendered if rendered is not None else double_quoted(value)


def replace_value(doc: Document, path: FieldPath, new_value: str, *, safe: bool = True, description: str = "") -> Fix:
    """A fix replacing the string value at `path` with `new_value`, in the value's quoting style."""
    style = doc.value_style(path)
    if style is None and doc.in_flow(path):
        style = FLOW_PLAIN
    return replace_span(doc.value_span(path), style, new_value, safe=safe, description=description)


def replace_span(span: Span, style: str | None, new_value: str, *, safe: bool = True, description: str = "") -> Fix:
    """`replace_value` for a scalar whose span and quoting style are known without its document."""
    content = render_scalar(new_value, style)
    return Fix.replace(span.start, span.end, content, safe=safe, description=description or f"set to {content}")


def value_after(start: int, source: str, edits: list[Edit]) -> str | None:
    """The string a scalar whose source text `source` starts at offset `start` reads as once `edits` (all
    inside it) are applied, read alone as the value of a one-key document; None when it cannot be read so."""
    for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
        if not start <= edit.start <= edit.end <= start + len(source):
            return None
        source = source[: edit.start - start] + edit.content + source[edit.end - start :]
    try:
        node = yamltree.compose(f"k: {source}\n")
    except (yaml.YAMLError, yamltree.TooComplex, RecursionError):
        return None
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return None
    scalar = node.value[0][1]
    return scalar.value if isinstance(scalar, yaml.ScalarNode) else None
