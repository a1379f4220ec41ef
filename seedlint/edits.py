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
from seedlint.yamltree import FieldPath

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


def plain(value: str) -> str | None:
    """`value` as a plain scalar, when it reads back as exactly that string."""
    if not value or value != value.strip() or "\n" in value or "\r" in value:
        return None
    try:
        node = yamltree.compose(f"k: {value}\n")
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return None
    scalar = node.value[0][1]
    if not isinstance(scalar, yaml.ScalarNode) or scalar.style or scalar.value != value:
        return None
    if yamltree.tag(scalar) not in (yamltree.YAML_TAG + "str", yamltree.YAML_TAG + "timestamp"):
        return None  # `true`, `39`, `~` would change type
    return value


def render_scalar(value: str, style: str | None) -> str:
    """`value` in `style` when that style can hold it, else double-quoted (which can hold anything)."""
    if style == "'":
        rendered = single_quoted(value)
    elif style is None:
        rendered = plain(value)
    else:
        rendered = None
    return rendered if rendered is not None else double_quoted(value)


def replace_value(doc: Document, path: FieldPath, new_value: str, *, safe: bool = True, description: str = "") -> Fix:
    """A fix replacing the string value at `path` with `new_value`, in the value's quoting style."""
    return replace_span(doc.value_span(path), doc.value_style(path), new_value, safe=safe, description=description)


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
