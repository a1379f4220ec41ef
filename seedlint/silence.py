"""`seedlint check --add-suppressions` (ruff's `--add-noqa`): a `# seedlint: ignore[CODES]` comment at the end of
the line of each of today's findings, so that a corpus can adopt seedlint and see only what comes next.

A comment goes where seedlint's own suppression pass will find it (seedlint/suppressions.py): at the end of the
finding's first line, after its content (before trailing blanks), when that line ends outside every value
and holds no comment; an existing `ignore[...]` on the line gets the codes added between its brackets. Where
a line cannot hold one (inside a block scalar or a value spanning lines, a line that already has another
comment, a delimiter line), the codes go to one `# seedlint: ignore-file[CODES]` comment, added as the first
line of the front matter (or into the file's existing one).

Nothing is written until it is proven: the edits go through the fixer's path (seedlint/fixer.py): applied in
memory, the new text parsed and its data compared with the old (a comment changes no value), then the whole
run checked again on the new texts, where every finding meant to be silenced must be gone and no comment
reported (SL017, SL018, SL019); a file whose line comments do not all hold is done again with file-wide
comments only; then each file is replaced atomically, only if it still holds what was read.

Never silenced: SL001–SL013 (a file that does not load is always reported), the codes `allow-suppressions`
does not let a document silence, and SL017–SL019, which are about suppression comments themselves.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import yaml

from seedlint import engine, suppressions, yamltree
from seedlint.cache import NO_CACHE, Cache
from seedlint.config import Config
from seedlint.diagnostic import Diagnostic, Edit
from seedlint.discovery import SourceFile
from seedlint.document import Document
from seedlint.fixer import FileChange, apply_edits, verify
from seedlint.results import RunResult
from seedlint.rules.file import DISALLOWED_SUPPRESSION, MALFORMED_SUPPRESSION, UNUSED_SUPPRESSION

ABOUT_COMMENTS = frozenset({UNUSED_SUPPRESSION.code, MALFORMED_SUPPRESSION.code, DISALLOWED_SUPPRESSION.code})


@dataclass
class Outcome:
    changes: list[FileChange]  # verified, not written (seedlint.fixer.write writes them)
    result: RunResult  # the run on the new texts: what remains reported (before: today's run)
    line_comments: int = 0  # findings silenced by a comment on their line
    file_wide: int = 0  # findings silenced by a file-wide comment
    never: Counter[str] = field(default_factory=Counter)  # code → findings no comment may silence
    refused: list[str] = field(default_factory=list)  # files left unchanged, with why


def add(
    sources: list[SourceFile], config: Config, corpus: list[SourceFile] | None = None, cache: Cache = NO_CACHE
) -> Outcome:
    """Today's findings, each with a suppression comment (nothing written here)."""
    policy = suppressions.Policy.configured(config.allow_suppressions)
    result = engine.run(sources, config, corpus, cache=cache)
    outcome = Outcome([], result)
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in result.diagnostics:
        if d.code in ABOUT_COMMENTS or not policy.may_silence(d.code):
            outcome.never[d.code] += 1
        else:
            by_path[d.path].append(d)
    documents = {path: result.document(path) for path in by_path}
    # The findings about comments a file has already (an unused or malformed comment): they stay, and only those
    # the added comments would make count against them (with them, every file was left unchanged).
    had = Counter((d.path, d.code, d.message) for d in result.diagnostics if d.code in ABOUT_COMMENTS)
    refused: dict[str, str] = {}
    wide: set[str] = set()  # files whose line comments did not all hold: file-wide comments only
    for attempt in range(2):
        planned: dict[str, tuple[str, int, int]] = {}  # path → (new text, line comments, file-wide)
        for path, found in sorted(by_path.items()):
            doc = documents[path]
            if path in refused:
                continue
            if doc is None or doc.text is None or doc.root is None:
                refused[path] = "the file could not be read again"
                continue
            edits, on_lines, file_wide = _edits(doc, found, only_file_wide=path in wide)
            text = apply_edits(doc.text, edits)
            problem = verify(doc, text, edits)
            if problem:
                refused[path] = problem
            else:
                planned[path] = (text, on_lines, file_wide)
        after = engine.run(sources, config, corpus, _contents(planned), cache=cache)
        made = Counter((d.path, d.code, d.message) for d in after.diagnostics if d.code in ABOUT_COMMENTS) - had
        failing = {path for path, _, _ in made if path in planned} | {
            d.path for d in after.diagnostics if d.path in planned and _targeted(d, by_path[d.path])
        }
        if failing and attempt:  # file-wide comments did not hold either: those files are left alone
            for path in failing:
                refused[path] = "its suppression comments would not silence its findings"
                del planned[path]
            after = engine.run(sources, config, corpus, _contents(planned), cache=cache)
        if not failing or attempt:
            break
        wide = failing
    sources_by_path = {source.display_path: source for source in [*(corpus or []), *sources]}
    for path, (text, on_lines, file_wide) in sorted(planned.items()):
        doc = documents[path]
        assert doc is not None
        outcome.changes.append(FileChange(sources_by_path[path], doc.raw, text.encode("utf-8"), by_path[path]))
        outcome.line_comments += on_lines
        outcome.file_wide += file_wide
    outcome.result = after
    outcome.refused = [f"{path}: {why}; the file is left unchanged" for path, why in sorted(refused.items())]
    return outcome


def summary(outcome: Outcome, written: int, config: Config) -> list[str]:
    """What `--add-suppressions` says: how many findings it silenced, and each code it would not silence, why."""
    added = outcome.line_comments + outcome.file_wide
    wide = f" ({outcome.file_wide:,} by a file-wide comment: their line cannot hold one)" if outcome.file_wide else ""
    files = f"{written:,} file{'' if written == 1 else 's'}"
    lines = [f"silenced {added:,} finding{'' if added == 1 else 's'} in {files}{wide}"]
    policy = suppressions.Policy.configured(config.allow_suppressions)
    for code, count in sorted(outcome.never.items()):
        why = (
            "comments about suppressions are not silenced by more comments"
            if code in ABOUT_COMMENTS
            else policy.why_not(code)
        )
        lines.append(f"{count:,} {code} finding{'' if count == 1 else 's'} not silenced: {why}")
    return lines


def _contents(planned: dict[str, tuple[str, int, int]]) -> dict[str, bytes]:
    return {path: text.encode("utf-8") for path, (text, _, _) in planned.items()}


def _targeted(d: Diagnostic, found: list[Diagnostic]) -> bool:
    """Whether `d` (after the edit) is one of the findings meant to be silenced (matched whatever its line)."""
    return any((d.code, d.locus, d.text_key) == (f.code, f.locus, f.text_key) for f in found)


def _edits(doc: Document, found: list[Diagnostic], only_file_wide: bool) -> tuple[list[Edit], int, int]:
    """The comment edits for `found` in `doc`, and how many findings a line comment and a file-wide one silence."""
    assert doc.text is not None
    lines = _Lines(doc)
    existing, _ = suppressions.find(doc)
    on_line = {s.line: s for s in existing if s.kind == "ignore"}
    whole = next((s for s in existing if s.kind == "ignore-file"), None)
    by_line: dict[int, list[str]] = defaultdict(list)
    wide: list[str] = []
    for d in found:
        if only_file_wide or not (d.line in on_line or lines.can_hold(d.line)):
            wide.append(d.code)
        else:
            by_line[d.line].append(d.code)
    edits = []
    for line, codes in sorted(by_line.items()):
        current = on_line.get(line)
        if current is not None:
            edits.extend(_added_to(current, codes))
        else:
            end = lines.content_end(line)
            edits.append(Edit(end, end, f"  # seedlint: ignore[{', '.join(_new_codes(codes, []))}]"))
    if wide and whole is not None:
        edits.extend(_added_to(whole, wide))
    elif wide:  # the first line of the front matter, with the opening delimiter's line ending
        ending = "\r\n" if doc.text[: doc.yaml_start].endswith("\r\n") else "\n"
        comment = f"# seedlint: ignore-file[{', '.join(_new_codes(wide, []))}]{ending}"
        edits.append(Edit(doc.yaml_start, doc.yaml_start, comment))
    return edits, sum(map(len, by_line.values())), len(wide)


def _added_to(existing: suppressions.Suppression, codes: list[str]) -> list[Edit]:
    """Codes added between the brackets of an existing suppression (those it does not already cover)."""
    added = _new_codes(codes, existing.codes)
    closing = existing.brackets[1]
    return [Edit(closing, closing, "".join(f", {code}" for code in added))] if added else []


def _new_codes(codes: list[str], present: list[str]) -> list[str]:
    """The codes not already silenced by `present` (whole codes or prefixes), each once, sorted."""
    return sorted({code for code in codes if not any(code.startswith(p) for p in present)})


class _Lines:
    """Which lines of a document can hold a comment, from its scalars and flow collections (found once)."""

    def __init__(self, doc: Document):
        assert doc.text is not None and doc.root is not None
        self.doc, self.text = doc, doc.text
        nodes = list(yamltree.nodes(doc.root))
        spans = sorted(_span(doc, n) for n in nodes if isinstance(n, yaml.ScalarNode))  # (scalars never overlap)
        self.starts, self.ends = [s for s, _ in spans], [e for _, e in spans]
        self.flows = [_span(doc, n) for n in nodes if isinstance(n, yaml.CollectionNode) and n.flow_style]

    def bounds(self, line: int) -> tuple[int, int]:
        """Start and end (before the line break) offsets of a 1-based line."""
        starts = self.doc.line_starts()
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        if end > start and self.text[end - 1] == "\r":
            end -= 1
        return start, end

    def content_end(self, line: int) -> int:
        """Where a comment goes on the line: after its content, before trailing blanks."""
        start, end = self.bounds(line)
        while end > start and self.text[end - 1] in " \t":
            end -= 1
        return end

    def can_hold(self, line: int) -> bool:
        """Whether a comment at the end of `line` is one seedlint reads as this line's suppression: the line lies
        in the front matter (not a delimiter), ends outside every scalar and flow collection, and holds no
        comment yet."""
        start, _ = self.bounds(line)
        end = self.content_end(line)
        if not self.doc.yaml_start <= start < self.doc.yaml_end:
            return False
        if self._in_scalar(end) or any(s < end < e for s, e in self.flows):
            return False
        return not self._has_comment(start, end)

    def _in_scalar(self, offset: int) -> bool:
        i = bisect.bisect_right(self.starts, offset - 1) - 1
        return i >= 0 and self.starts[i] < offset < self.ends[i]

    def _has_comment(self, start: int, end: int) -> bool:
        at = self.text.find("#", start, end)
        while at != -1:
            if not self._in_scalar(at + 1) and (at == start or self.text[at - 1] in " \t"):
                return True
            at = self.text.find("#", at + 1, end)
        return False


def _span(doc: Document, node: yaml.Node) -> tuple[int, int]:
    return doc.yaml_start + node.start_mark.index, doc.yaml_start + node.end_mark.index
