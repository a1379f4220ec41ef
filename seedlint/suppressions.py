"""Suppressions written as YAML comments in the front matter:

    title: "Caf&eacute;"   # seedlint: ignore[SL402]      silences SL402 on this line
    # seedlint: ignore-file[SL5]                        silences the SL5 family in this file

Codes may be prefixes and are comma-separated. A suppression that silences nothing is reported as
SL017 unused-suppression (like ruff's unused-noqa), with a fix that removes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import yaml

from seedlint.diagnostic import Diagnostic, Fix
from seedlint.document import Document
from seedlint.rules import all_rules
from seedlint.rules.file import UNUSED_SUPPRESSION

_COMMENT = re.compile(
    r"(?P<lead>[ \t]*)#[ \t]*seedlint:[ \t]*(?P<kind>ignore-file|ignore)\[(?P<codes>[^\]\n]*)\][ \t]*(?=\r?\n|$)"
)


@dataclass
class Suppression:
    kind: str  # "ignore" (its line) or "ignore-file"
    line: int
    codes: list[str]
    start: int  # offsets of the comment (with the blanks before it) in the text
    end: int
    used: set[str]


def find(doc: Document) -> list[Suppression]:
    """The suppression comments of a document's front matter (a `#` inside a quoted value is no comment)."""
    if doc.text is None or doc.yaml_end <= doc.yaml_start:
        return []
    scalars = [doc.node_span(node) for node in _scalars(doc.root)] if doc.root is not None else []
    found = []
    for match in _COMMENT.finditer(doc.text, doc.yaml_start, doc.yaml_end):
        hash_at = doc.text.index("#", match.start())
        if any(span.start <= hash_at < span.end for span in scalars):
            continue
        if match["lead"] == "" and doc.text[hash_at - 1] != "\n":
            continue  # YAML needs a blank before `#` for it to start a comment
        codes = [c.strip().upper() for c in match["codes"].split(",") if c.strip()]
        line_start = doc.text.rfind("\n", 0, hash_at) + 1
        start, end = match.start(), match.end()
        if not doc.text[line_start:hash_at].strip():  # a comment on its own line: removing it removes the line
            start, end = line_start, doc.text.find("\n", end) + 1 or end
        found.append(Suppression(match["kind"], doc.position(hash_at)[0], codes, start, end, set()))
    return found


def _scalars(root: yaml.Node) -> Iterator[yaml.ScalarNode]:
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            yield node
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


def apply(
    diagnostics: list[Diagnostic], documents: list[Document], is_selected: Callable[[str], bool]
) -> list[Diagnostic]:
    """The diagnostics left after the suppressions of `documents` (those whose text mentions `seedlint:`),
    plus SL017 for every suppression that silenced nothing."""
    by_path: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_path.setdefault(d.path, []).append(d)
    for doc in documents:
        found = find(doc)
        if not found:
            continue
        by_path[doc.display_path] = [d for d in by_path.get(doc.display_path, []) if not _silenced(d, found)]
        if is_selected(UNUSED_SUPPRESSION.code):
            by_path[doc.display_path].extend(unused(doc, found, is_selected))
    return [d for found in by_path.values() for d in found]


def unused(doc: Document, suppressions: list[Suppression], is_selected: Callable[[str], bool]) -> Iterator[Diagnostic]:
    for s in suppressions:
        idle = [c for c in s.codes if c not in s.used and is_selected_prefix(c, is_selected)]
        if not idle:
            continue
        assert doc.text is not None  # (suppressions are comments found in the text)
        remaining = [c for c in s.codes if c not in idle]
        if remaining:
            content = re.sub(r"\[[^\]]*\]", f"[{', '.join(remaining)}]", doc.text[s.start : s.end], count=1)
            fix = Fix.replace(s.start, s.end, content, description=f"remove {', '.join(idle)} from the suppression")
        else:
            fix = Fix.replace(s.start, s.end, "", description="remove the unused suppression")
        what = "this line" if s.kind == "ignore" else "this file"
        hash_at = doc.text.index("#", s.start)
        yield UNUSED_SUPPRESSION.at_span(
            doc,
            doc.span(hash_at, doc.text.find("]", hash_at) + 1),
            f"unused suppression: {', '.join(idle)} reported nothing on {what}",
            fix,
        )


def is_selected_prefix(code: str, is_selected: Callable[[str], bool]) -> bool:
    return any(rule.code.startswith(code) and is_selected(rule.code) for rule in all_rules())


def _silenced(d: Diagnostic, suppressions: list[Suppression]) -> bool:
    for s in suppressions:
        if s.kind == "ignore" and s.line != d.line:
            continue
        for code in s.codes:
            if d.code.startswith(code):
                s.used.add(code)
                return True
    return False
