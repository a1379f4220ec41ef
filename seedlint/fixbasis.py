"""What fixing a file needs from the parse that checked it, so that a fix pass need not parse the old text again.

A fix pass applies edits to a file's text, parses the new text and verifies it: the new data must be the old data
but at the values the edits fall in (seedlint/fixer.py). The old data used to come from parsing the old text once
more. The check that found the fixes has that parse in hand, and keeps from it (a `FixBasis`, made only in a fix
run, never cached):

  - a digest of the old data, to which the new data must come back once the edited values are given their old
    values again (the same data means the same digest; a different digest sends the file to the full
    verification, which says what differs);
  - each value the file's own fixes edit: its place in the text, its path and its old value;
  - where the copied values of each related entry are, and in which quoting style, so that the copies that follow
    their target's fix (related.followers) are edited without the old parse;
  - where the body begins.

Whatever this does not cover (a copy of a date, a value behind a merge key, a value read otherwise by the second
reader) is verified as before, by parsing the old text.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from seedlint.diagnostic import Edit
from seedlint.document import Document
from seedlint.yamltree import FLOW_PLAIN, FieldPath, is_merge_key, key_text

# The values of a related entry that follow their target's fix (see related.followers), in slot order.
COPY_SLOTS: tuple[tuple[str, ...], ...] = (
    ("webUrl",),
    ("title",),
    ("excerpt",),
    ("publishedDateTime",),
    ("type",),
    ("provider", "name"),
    ("provider", "domain"),
)
_SLOT = {path: number for number, path in enumerate(COPY_SLOTS)}
# A scalar's quoting style, by its code (+1): libyaml gives "" for plain, FLOW_PLAIN is plain in a flow collection.
# Not `|` nor `>`: a block value is rewritten with its document at hand (edits.replace_value keeps its lines).
_STYLES = ("", '"', "'", FLOW_PLAIN)
NOT_SCALAR = 0  # the slot holds a list or a mapping: a copy there is not followed (as when parsed)
UNKNOWN = -1  # missing, or behind a merge key: only the parse can say what is there


@dataclass(frozen=True, slots=True)
class EditedValue:
    start: int  # offsets of the scalar's source in the text
    end: int
    path: FieldPath
    old: object  # its value in the data


@dataclass(frozen=True, slots=True)
class FixBasis:
    data_digest: bytes | None  # of the old data (None: the front matter did not parse into a mapping)
    body_start: int
    edited: tuple[EditedValue, ...]  # the values the file's own fixes edit, by start
    copies: bytes  # per related entry, per COPY_SLOTS: (start, end, style code), packed (array "i")

    def edited_at(self, edit: Edit) -> EditedValue | None:
        """The edited value whose source holds `edit`."""
        starts = [value.start for value in self.edited]
        at = bisect.bisect_right(starts, edit.start) - 1
        if at >= 0 and self.edited[at].start <= edit.start and edit.end <= self.edited[at].end:
            return self.edited[at]
        return None

    def old_value(self, path: FieldPath) -> tuple[object] | None:
        """(the old value,) of the edited value at `path`, None when no fix of the file edits it."""
        return next(((value.old,) for value in self.edited if value.path == path), None)

    def copy_at(self, where: FieldPath) -> tuple[int, int, str | None] | int:
        """(start, end, style) of a related entry's copied value (`where`: ("related", index, *slot)), or
        NOT_SCALAR, or UNKNOWN."""
        if len(where) < 3 or where[0] != "related" or not isinstance(where[1], int) or where[1] < 0:
            return UNKNOWN
        slot = _SLOT.get(tuple(map(str, where[2:])))
        width = 3 * len(COPY_SLOTS)
        slots = memoryview(self.copies).cast("i")
        if slot is None or (where[1] + 1) * width > len(slots):
            return UNKNOWN
        start, end, code = slots[where[1] * width + 3 * slot : where[1] * width + 3 * slot + 3]
        if code <= 0:
            return code
        return start, end, _STYLES[code - 1] or None


def basis_for(doc: Document, edits: Iterable[Edit]) -> FixBasis:
    """The basis of fixing `doc` (parsed) with its own fixes' `edits`."""
    if doc.root is None or doc.data is None:
        return FixBasis(None, doc.body_start, (), b"")
    return FixBasis(data_digest(doc.data), doc.body_start, _edited(doc, list(edits)), _copies(doc))


# A float NaN in the repr of plain data (a string holding such text only costs a fallback to the parse).
_NAN = re.compile(r"(?:^|\[|: |, )nan(?=[,\]}]|$)")


def data_digest(data: object) -> bytes | None:
    """16 bytes that name the safe loader's data by its repr (exact and deterministic: the same repr is the same
    data, keys in the same order, values of the same types); None for data holding a NaN, which is not equal
    to itself: the fixer's comparison counts it as changed (and refuses the fix), so such a file is verified on
    the parse of its old text, as before."""
    shown = repr(data)
    # (three plain substring searches first: the regex alone over a whole front matter costs more than its repr)
    if (shown.startswith("nan") or ": nan" in shown or ", nan" in shown or "[nan" in shown) and _NAN.search(shown):
        return None
    return hashlib.blake2b(shown.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _edited(doc: Document, edits: list[Edit]) -> tuple[EditedValue, ...]:
    found = []
    for start, end, path in edited_scalars(doc, edits):
        old = _value_at(doc.data, path)
        if old is not None:
            found.append(EditedValue(start, end, path, old[0]))
    return tuple(found)


def edited_scalars(doc: Document, edits: list[Edit]) -> list[tuple[int, int, FieldPath]]:
    """(start offset, end offset, path) of each scalar whose source text contains one of the edits, in text
    order, each once, and once more at each path an alias gives it (scalars never overlap: the last one
    starting at or before an edit, with its aliases, is the only one that can contain it)."""
    if not edits or doc.root is None:
        return []
    scalars: list[tuple[int, int, FieldPath]] = []
    stack: list[tuple[FieldPath, yaml.Node]] = [((), doc.root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.ScalarNode):  # (offsets from the marks: no line and column needed)
            scalars.append((doc.yaml_start + node.start_mark.index, doc.yaml_start + node.end_mark.index, path))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((path + (index,), item) for index, item in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend((path + (key.value,), value) for key, value in node.value if isinstance(key, yaml.ScalarNode))
    scalars.sort(key=lambda scalar: scalar[0])
    starts = [start for start, _, _ in scalars]
    found: set[int] = set()
    for edit in edits:
        at = bisect.bisect_right(starts, edit.start) - 1
        if at >= 0 and scalars[at][0] <= edit.start and edit.end <= scalars[at][1]:
            found.add(at)
            # (an alias is the same node at another path: the value changes there too, as the edit means it to)
            while at > 0 and scalars[at - 1][:2] == scalars[at][:2]:
                at -= 1
                found.add(at)
    return [scalars[at] for at in sorted(found)]


def _value_at(data: object, path: FieldPath) -> tuple[object] | None:
    try:
        for step in path:
            data = child(data, step)
    except LookupError:
        return None
    return (data,)


def child(node: object, step: str | int) -> object:
    """The value under a key of a mapping or an index of a list of plain data (LookupError when there is none)."""
    if isinstance(node, dict) and isinstance(step, str):
        return node[step]
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    raise LookupError(step)


def _copies(doc: Document) -> bytes:
    """The COPY_SLOTS of every related entry, located as Document.locate does (the last of duplicate keys);
    a mapping with a merge key makes its slots UNKNOWN."""
    assert doc.root is not None
    related = _members(doc.root).get("related") if isinstance(doc.root, yaml.MappingNode) else None
    if not isinstance(related, yaml.SequenceNode):
        return b""
    slots = array("i")
    unknown = (0, 0, UNKNOWN) * len(COPY_SLOTS)
    offset = doc.yaml_start
    for entry in related.value:
        members = _members(entry) if isinstance(entry, yaml.MappingNode) else None
        if members is None:
            slots.extend(unknown)
            continue
        provider = members.get("provider")
        parts = _members(provider) if isinstance(provider, yaml.MappingNode) else None
        for path in COPY_SLOTS:
            node = members.get(path[0]) if len(path) == 1 else (parts.get(path[1]) if parts is not None else None)
            if node is None:
                slots.extend((0, 0, UNKNOWN))
            elif isinstance(node, yaml.ScalarNode) and doc.has_properties(node):
                slots.extend((0, 0, UNKNOWN))  # (an anchor or a tag before the value: only the parse path keeps it)
            elif isinstance(node, yaml.ScalarNode):
                parent = entry if len(path) == 1 else provider  # (a flow collection holds only flow ones)
                flow = isinstance(parent, yaml.CollectionNode) and parent.flow_style
                style = node.style or (FLOW_PLAIN if flow else "")
                code = _STYLE_CODES.get(style, UNKNOWN)
                slots.extend((offset + node.start_mark.index, offset + node.end_mark.index, code))
            else:
                slots.extend((0, 0, NOT_SCALAR))
    return slots.tobytes()


_STYLE_CODES = {style: code + 1 for code, style in enumerate(_STYLES)}


def _members(mapping: yaml.MappingNode) -> dict[str, yaml.Node]:
    """Key → value node (the last of duplicates, as in the data); none at all when a merge key is there."""
    found: dict[str, yaml.Node] = {}
    for key_node, value in mapping.value:
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value == "<<" and is_merge_key(key_node):
                return {}
            found[key_node.value] = value
        else:
            found[key_text(key_node)] = value
    return found
