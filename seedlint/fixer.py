"""Applying fixes: exact, safe, to a stable point, verified before anything is written.

A fix is a list of edits at the character offsets the loader recorded, so a fix changes the bytes of the
fixed value and nothing else. Each pass applies the non-overlapping fixes of every file in memory and
checks the whole run again (a fix may reveal or settle another finding); the loop stops when nothing is
left to fix, or after MAX_PASSES. Before a file is written, its new text must parse into exactly the data
intended: the old data with only the fixed values changed. Otherwise the file is left untouched.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml
from ruamel.yaml import YAML

from seedlint import engine
from seedlint.cache import NO_CACHE, Cache
from seedlint.config import Config
from seedlint.diagnostic import Applicability, Diagnostic, Edit
from seedlint.discovery import SourceFile
from seedlint.document import Document, parse_document
from seedlint.escaping import inert
from seedlint.results import RunResult
from seedlint.writer import WriteError, write_atomically
from seedlint.yamltree import FieldPath

MAX_PASSES = 10


@dataclass
class FileChange:
    source: SourceFile
    original: bytes
    fixed: bytes
    applied: list[Diagnostic] = field(default_factory=list)  # in the order they were applied

    def diff(self) -> str:
        """A unified diff for a terminal or a CI log: each line's text is made inert (seedlint/escaping.py:
        a document line holding controls, `##[` or a leading `::` is shown escaped, so that no line of the
        diff can drive the terminal or be read as a workflow command; tabs and CRLF endings stay)."""
        name = inert(self.source.display_path)
        lines = difflib.unified_diff(_lines(self.original), _lines(self.fixed), f"a/{name}", f"b/{name}")
        # The first two lines name the files; hunk headers start with `@@`; every other line with ` `, `+` or `-`.
        return "".join(
            line if i < 2 or line.startswith("@@") else _shown_diff_line(line) for i, line in enumerate(lines)
        )


def _lines(data: bytes) -> list[str]:
    # Split at LF only (str.splitlines would also split at U+2028, form feeds and other breaks inside a value).
    *complete, last = data.decode("utf-8", errors="replace").split("\n")
    return [line + "\n" for line in complete] + ([last] if last else [])


def _shown_diff_line(line: str) -> str:
    body, ending = line[1:], ""
    for end in ("\r\n", "\n"):
        if body.endswith(end):
            body, ending = body[: -len(end)], end
            break
    shown = line[0] + inert(body, keep_tabs=True)
    return shown + ending if ending else shown + "\n\\ No newline at end of file\n"


@dataclass
class FixResult:
    result: RunResult  # the check of the fixed texts: what remains
    changes: list[FileChange]
    refused: list[str]  # files whose fixes could not be verified (left untouched), with why


def fix(
    sources: list[SourceFile],
    config: Config,
    corpus_sources: list[SourceFile] | None = None,
    *,
    unsafe: bool = False,
    cache: Cache = NO_CACHE,
    only: Callable[[list[Diagnostic]], list[Diagnostic]] | None = None,
) -> FixResult:
    """Compute every file's fixed text (nothing is written here). `only`: of each pass's findings, those to fix
    (a comparison's new ones: seedlint/compare.py)."""
    contents: dict[str, bytes] = {}
    originals: dict[str, bytes] = {}
    applied: dict[str, list[Diagnostic]] = defaultdict(list)
    refused: dict[str, str] = {}
    all_sources = {s.display_path: s for s in [*(corpus_sources or []), *sources]}
    result = engine.run(sources, config, corpus_sources, contents, cache=cache)
    for _ in range(MAX_PASSES):
        changed = False
        wanted = result.diagnostics if only is None else only(result.diagnostics)
        for path, diagnostics in _fixable_by_file(wanted, unsafe, exclude=refused).items():
            doc = result.document(path)
            if doc is None or doc.text is None:
                continue
            chosen = _non_overlapping(diagnostics)
            new_text = apply_edits(doc.text, [e for d in chosen for e in _edits(d)])
            problem = verify(doc, new_text, [e for d in chosen for e in _edits(d)])
            if problem:
                refused[path] = problem
                continue
            originals.setdefault(path, doc.raw)  # the bytes on disk: set on the first pass that fixes this file
            contents[path] = new_text.encode("utf-8")
            applied[path].extend(chosen)
            changed = True
        if not changed:
            break
        result = engine.run(sources, config, corpus_sources, contents, cache=cache)
    changes = [
        FileChange(all_sources[path], originals[path], data, applied[path])
        for path, data in sorted(contents.items())
        if data != originals[path]
    ]
    return FixResult(
        result, changes, [f"{path}: {why}; the file is left unchanged" for path, why in sorted(refused.items())]
    )


def write(changes: list[FileChange]) -> list[str]:
    """Write every change atomically; returns the failures (each names its file)."""
    failures = []
    for change in changes:
        try:
            write_atomically(change.source.path, change.fixed, change.original)
        except WriteError as error:
            failures.append(str(error))
    return failures


def _fixable_by_file(
    diagnostics: list[Diagnostic], unsafe: bool, exclude: dict[str, str]
) -> dict[str, list[Diagnostic]]:
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        if (
            d.fix is not None
            and d.fix.edits
            and d.path not in exclude
            and (unsafe or d.fix.applicability is Applicability.SAFE)
        ):
            by_file[d.path].append(d)
    return by_file


def _non_overlapping(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The fixes that can be applied together; the first by (position, code) wins, the others wait for
    the next pass (after which they are checked again against the new text)."""
    chosen: list[Diagnostic] = []
    taken: list[Edit] = []
    for d in sorted(diagnostics, key=lambda d: (min(e.start for e in _edits(d)), d.code, d.message)):
        if not any(_overlap(a, b) for a in _edits(d) for b in taken):
            chosen.append(d)
            taken.extend(_edits(d))
    return chosen


def _edits(d: Diagnostic) -> tuple[Edit, ...]:
    """The edits of a diagnostic with a fix (every diagnostic the fixer applies: see _fixable_by_file)."""
    assert d.fix is not None
    return d.fix.edits


def _overlap(a: Edit, b: Edit) -> bool:
    return (a.start < b.end and b.start < a.end) or a.start == b.start


def apply_edits(text: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text


def verify(doc: Document, new_text: str, edits: list[Edit]) -> str | None:
    """Why `new_text` is not exactly the intended result of `edits` on `doc`, or None when it is.

    Intended: the new text parses as well as the old one did, and its data equals the old data except at
    the scalar values the edits fall inside (edits outside any value, like a removed BOM or a line ending,
    must not change the data at all)."""
    new = parse_document(new_text.encode("utf-8"), doc.path, doc.display_path)
    if doc.data is None:
        return None if new.text is not None else "the fixed text is no longer UTF-8"
    if new.data is None:
        return "the fixed text no longer parses as a front-matter mapping"
    if new.body != doc.body:
        return "the fix would change the body after the front matter"
    allowed = {path for edit in edits if (path := _scalar_path_at(doc, edit)) is not None}
    old_leaves, new_leaves = _leaves(doc.data), _leaves(new.data)
    if old_leaves.keys() != new_leaves.keys():
        return "the fix would add or remove fields"
    changed = {path for path in old_leaves if old_leaves[path] != new_leaves[path]}
    if not changed <= allowed:
        unexpected = ", ".join(sorted(".".join(map(str, p)) for p in changed - allowed))
        return f"the fix would also change {unexpected}"
    return _second_reader(doc.front_matter, new.front_matter, allowed)


def _second_reader(old_text: str, new_text: str, allowed: set[FieldPath]) -> str | None:
    """The same check with ruamel.yaml, an independent YAML 1.2 reader (libyaml reads YAML 1.1): a fix
    must mean the same to both kinds of consumer. Only the files being fixed pay for this slower parse.
    Front matter ruamel cannot read before the fix (it refuses duplicate keys, say) is not compared."""
    old = _ruamel_data(old_text)
    if old is None:
        return None
    new = _ruamel_data(new_text)
    if new is None:
        return "the fixed front matter can no longer be read by a YAML 1.2 reader (ruamel.yaml)"
    old_leaves, new_leaves = _leaves(old), _leaves(new)
    if old_leaves.keys() != new_leaves.keys() or any(
        old_leaves[p] != new_leaves[p] for p in old_leaves if p not in allowed
    ):
        return "a YAML 1.2 reader (ruamel.yaml) would read the fixed front matter differently outside the fixed values"
    return None


def _ruamel_data(text: str) -> object:
    # typ="base": every scalar stays a string (no timestamps or numbers constructed, no tags acted on).
    try:
        return YAML(typ="base", pure=True).load(text)
    except Exception:  # any refusal of the reader means "cannot compare"
        return None


def _leaves(data: object, prefix: FieldPath = ()) -> dict[FieldPath, object]:
    if isinstance(data, dict):
        return {
            path: value for key, item in data.items() for path, value in _leaves(item, prefix + (key,)).items()
        } or {prefix: {}}
    if isinstance(data, list):
        return {
            path: value for index, item in enumerate(data) for path, value in _leaves(item, prefix + (index,)).items()
        } or {prefix: []}
    return {prefix: (type(data).__name__, data)}


def _scalar_path_at(doc: Document, edit: Edit) -> FieldPath | None:
    """The path of the scalar value whose source text contains the edit, if any."""
    if doc.root is None:
        return None
    stack: list[tuple[FieldPath, yaml.Node]] = [((), doc.root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            span = doc.node_span(node)
            if span.start <= edit.start and edit.end <= span.end:
                return path
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((path + (index,), item) for index, item in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend((path + (key.value,), value) for key, value in node.value if isinstance(key, yaml.ScalarNode))
    return None
