"""Where the cursor is in a document's front matter.

`path_at` reads the parsed YAML (the positions the loader recorded); `line_context` reads only the lines above
the cursor, by indentation, because a text being typed (`ti` where a key will be) often does not parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from seedlint.document import Document

_CODE = re.compile(r"\bSL\d{1,3}\b")
_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dash>- +)?(?:(?P<key>[A-Za-z_][\w-]*) *:(?P<rest>.*))?$")


def path_at(doc: Document, offset: int) -> tuple:
    """The path of the innermost key or value of the front matter at a character offset (() when none)."""
    if doc.root is None:
        return ()
    path: tuple = ()
    node: yaml.Node = doc.root
    while True:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    continue
                if _inside(doc, key, offset):
                    return path + (key.value,)
                if _inside(doc, value, offset) or _after_key(doc, key, value, offset):
                    path, node = path + (key.value,), value
                    break
            else:
                return path
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                if _inside(doc, item, offset):
                    path, node = path + (index,), item
                    break
            else:
                return path
        else:
            return path


def _inside(doc: Document, node: yaml.Node, offset: int) -> bool:
    span = doc.node_span(node)
    return span.start <= offset <= span.end


def _after_key(doc: Document, key: yaml.Node, value: yaml.Node, offset: int) -> bool:
    """Between a key and its value on the key's line (`webUrl:| "https://…"`)."""
    return doc.node_span(key).end <= offset <= doc.node_span(value).start


def code_at(text: str, offset: int) -> str | None:
    """The rule code (or code prefix, `SL4`) under the cursor, e.g. in a suppression comment."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start : len(text) if line_end == -1 else line_end]
    for match in _CODE.finditer(line):
        if match.start() <= offset - line_start <= match.end():
            return match.group()
    return None


@dataclass
class LineContext:
    """What is being typed on the cursor's line: a key (`kind == "key"`, of the mapping at `path`) or the value
    at `path` (its last element is the key, or "*" for an item of a list); `prefix` is what is typed so far."""

    kind: str
    path: tuple
    prefix: str
    start: int  # offset where the typed prefix starts


def line_context(text: str, offset: int, yaml_start: int) -> LineContext | None:
    line_start = text.rfind("\n", 0, offset) + 1
    if line_start < yaml_start:
        return None
    before = text[line_start:offset]
    match = re.match(r"^(?P<indent> *)(?P<dash>- +)?(?P<word>[A-Za-z_][\w-]*)?$", before)
    if match is not None:  # a key being typed, or a list item's start
        column = len(match["indent"]) + len(match["dash"] or "")
        parent = _parent_path(text, line_start, yaml_start, column, bool(match["dash"]), len(match["indent"]))
        if parent is None:
            return None
        word = match["word"] or ""
        if match["dash"] and not word:
            return LineContext("value", parent[:-1] + ("*",) if parent[-1:] == ("*",) else parent + ("*",), "", offset)
        return LineContext("key", parent, word, offset - len(word))
    match = re.match(r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[A-Za-z_][\w-]*) *: *(?P<value>.*)$", before)
    if match is not None:  # a value being typed after `key:`
        column = len(match["indent"]) + len(match["dash"] or "")
        parent = _parent_path(text, line_start, yaml_start, column, bool(match["dash"]), len(match["indent"]))
        if parent is None:
            return None
        value = match["value"]
        typed = value.lstrip("\"'")
        return LineContext("value", parent + (match["key"],), typed, offset - len(typed))
    match = re.match(r"^(?P<indent> *)- +(?P<value>.*)$", before)
    if match is not None:  # a list item's value
        parent = _parent_path(text, line_start, yaml_start, len(match["indent"]) + 2, True, len(match["indent"]))
        if parent is None:
            return None
        typed = match["value"].lstrip("\"'")
        return LineContext(
            "value", parent[:-1] + ("*",) if parent[-1:] == ("*",) else parent + ("*",), typed, offset - len(typed)
        )
    return None


def _parent_path(
    text: str, line_start: int, yaml_start: int, column: int, dash: bool, dash_indent: int
) -> tuple | None:
    """The path of the mapping (or list item) whose keys start at `column` on the cursor's line, read upwards
    from the lines above by indentation."""
    lines = text[yaml_start:line_start].split("\n")[:-1]
    reversed_path: list = []
    if dash:  # the line starts a list item: the list's key is above, at a smaller indentation or at the dash's
        reversed_path.append("*")
        want_sequence, need = True, dash_indent
    else:
        want_sequence, need = False, column
    for raw in reversed(lines):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        found = _KEY_LINE.match(line)
        if found is None:
            continue  # a continuation of a long value
        indent = len(found["indent"])
        key_column = indent + len(found["dash"] or "")
        if want_sequence:
            if found["dash"] and indent == need:
                continue  # an earlier item of the same list
            if key_column > need or (found["dash"] is None and key_column == need and found["key"] is None):
                continue
            if found["key"] is None or (found["rest"] or "").strip() not in ("", "|", ">", "|-", ">-"):
                return None
            want_sequence, need = _up_to(found, indent, key_column, reversed_path)
            continue
        if key_column >= need and not (found["dash"] and key_column == need):
            continue  # a sibling key, or deeper
        if found["dash"] and key_column == need:  # the first line of the list item this mapping is
            reversed_path.append("*")
            want_sequence, need = True, indent
            continue
        if found["key"] is None:
            return None
        want_sequence, need = _up_to(found, indent, key_column, reversed_path)
    if want_sequence:
        return None  # a list with no key above it
    return tuple(reversed(reversed_path))


def _up_to(found: re.Match[str], indent: int, key_column: int, reversed_path: list) -> tuple[bool, int]:
    """Step up to the key on line `found`: add it (and the list item it starts, if any) to the path; return
    (whether a list's key is wanted next, the indentation the next key must be under)."""
    reversed_path.append(found["key"])
    if found["dash"]:
        reversed_path.append("*")
        return True, indent
    return False, key_column
