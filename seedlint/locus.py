"""What identifies a finding whatever its line: the value's field path and the offending text.

A baseline (seedlint/baseline.py) and a comparison with a git revision (seedlint/compare.py) must recognise
a finding after edits that do not touch it: lines inserted above it, a related list re-ordered, another
field rewritten. So a finding is known by its rule, its document (relative to the project root, added
where it is matched: a cached result does not know the configuration) and, computed here where the
diagnostic is made (the document is at hand, so no run ever parses a document again to fingerprint a
cached finding):

- the *locus*, the field path of the value: `title`, `provider.name`, `related[https://a.example/x].title`
  (a related entry is named by its target address, not its index, so re-ordering the list keeps it; by
  its index `related[3]` only when it has no webUrl), `topics[]` and `images[].url` (other list items by
  their text alone, so that inserting one keeps the others), "" for the file itself;
- the *text key*, a digest of the offending text with its blanks collapsed: the value as parsed when the
  finding covers a whole scalar (so re-quoting it changes nothing), the source text of the span when it
  covers part of one (`â€™` inside an excerpt), "" for a mapping or list (a missing field: the field path
  says it all) and for a finding longer than one line outside a value.

Neither holds a line number or a message (messages quote other documents, which change).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from seedlint.diagnostic import Span
    from seedlint.document import Document
    from seedlint.yamltree import FieldPath


def locate(doc: Document, span: Span, path: FieldPath | None = None, key: bool = False) -> tuple[str, str]:
    """(locus, text key) of a finding at `span` of `doc`; `path` (and `key`: the finding is on the key)
    when the rule named the value, else the path is found from the span."""
    if doc.root is None or doc.text is None:  # a file that does not load: the file itself
        one_line = doc.text is not None and span.line == span.end_line
        return "", _digest(doc.text[span.start : span.end] if one_line and doc.text is not None else "")
    if path is not None:
        _, node, found = doc.find(path)
        if found < len(path):  # a missing field: where it should be
            return field_path(doc, path), ""
        if key:
            return field_path(doc, path), _digest(str(path[-1]) if path else "")
        return field_path(doc, path), _node_text(doc, node, span)
    found_path, found_node = doc.path_at(span.start)
    return field_path(doc, found_path), _node_text(doc, found_node, span)


def _node_text(doc: Document, node: yaml.Node | None, span: Span) -> str:
    assert doc.text is not None
    if isinstance(node, yaml.ScalarNode):
        start, end = doc.yaml_start + node.start_mark.index, doc.yaml_start + node.end_mark.index
        if (span.start, span.end) == (start, end):
            return _digest(node.value)
        if start <= span.start and span.end <= end:
            return _digest(doc.text[span.start : span.end])
    if span.line != span.end_line:
        return ""
    return _digest(doc.text[span.start : span.end])


def field_path(doc: Document, path: FieldPath) -> str:
    """`path` as text: keys joined by dots, a related entry by its target address, other list items as `[]`."""
    shown = ""
    for i, step in enumerate(path):
        if isinstance(step, int) and i == 1 and path[0] == "related":
            target = _related_target(doc, step)
            shown += f"[{target}]" if target is not None else f"[{step}]"
        elif isinstance(step, int):
            shown += "[]"
        else:
            shown += ("." if shown else "") + step
    return shown


def _related_target(doc: Document, index: int) -> str | None:
    related = doc.data.get("related") if doc.data is not None else None
    if not isinstance(related, list) or not 0 <= index < len(related):
        return None
    entry = related[index]
    url = entry.get("webUrl") if isinstance(entry, dict) else None
    return url.strip() if isinstance(url, str) and url.strip() else None


def _digest(text: str) -> str:
    normalised = " ".join(text.split())
    if not normalised:
        return ""
    return hashlib.blake2b(normalised.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
