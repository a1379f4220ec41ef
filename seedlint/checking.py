"""One file through the per-document half of the data flow: bytes → document → per-document rules →
diagnostics and an index record (a `Checked`). Runs in this process or in a worker; knows nothing of
the cache or of the corpus."""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import traceback
from collections.abc import Callable, Iterable
from typing import TypeVar

from seedlint import rules
from seedlint.config import Config
from seedlint.corpus import Corpus, copy_paths, record_for
from seedlint.diagnostic import Diagnostic, cap_repeated
from seedlint.discovery import DISPLAY, SourceFile
from seedlint.document import Document, load_content, load_document, unreadable_document
from seedlint.fixbasis import basis_for
from seedlint.results import Checked
from seedlint.suppressions import misspelt_mention

Subject = TypeVar("Subject")
_MENTION = re.compile("seedlint", re.IGNORECASE)
# The characters beyond ASCII that the pattern above matches for a letter of "seedlint" (re's case-insensitive
# matching of `s` and `i`; tests/test_suppressions.py computes them over every code point).
MENTION_LOOKALIKES = ("\u0130", "\u0131", "\u017f")


def mentions_seedlint(text: str) -> bool:
    """Whether `_MENTION` matches in `text`: a third of the pattern's time on a long document, by lowering the text
    (which finds every ASCII spelling) unless a look-alike is there, where the pattern decides."""
    if "seedlint" in text.lower():
        return True
    return any(char in text for char in MENTION_LOOKALIKES) and _MENTION.search(text) is not None


def run_checks(
    checks: Iterable[Callable[[Subject, Config], Iterable[Diagnostic]]],
    subject: Subject,
    config: Config,
    where: str,
    internal_errors: list[str],
    settle: Callable[[list[Diagnostic]], list[Diagnostic]] | None = None,
) -> list[Diagnostic]:
    """Every check's diagnostics (at most MAX_PER_RULE_AND_FILE of one rule per file); a check that raises is
    one internal error, and the others still run. `settle`: what the diagnostics go through once every check
    has run, before the repeated ones are capped (see `check_corpus`)."""
    found: list[Diagnostic] = []
    for check in checks:
        try:
            found.extend(check(subject, config))
        except Exception:  # keep going: one broken rule must not hide the other files' results
            internal_errors.append(
                f"{where}: internal error in {check.__module__}.{check.__name__}:\n{traceback.format_exc()}"
            )
    return cap_repeated(settle(found) if settle is not None else found)


def check_corpus(corpus: Corpus, config: Config, internal_errors: list[str]) -> list[Diagnostic]:
    """The corpus rules' diagnostics, as `run_checks` gives them; those that need their document are positioned
    together once the rules are done (Corpus.settle: in the workers when the corpus was given them)."""

    def settle(found: list[Diagnostic]) -> list[Diagnostic]:
        try:
            return corpus.settle(found, internal_errors)
        except Exception:  # (a bug, or a worker lost: the findings positioned without the documents are reported)
            internal_errors.append(f"corpus: internal error while positioning the findings:\n{traceback.format_exc()}")
            return [d for d in found if d.line]  # (not the stand-ins, at line 0)

    return run_checks(rules.CORPUS_CHECKS, corpus, config, "corpus", internal_errors, settle)


def check_document(doc: Document, config: Config, internal_errors: list[str]) -> list[Diagnostic]:
    checks = list(rules.FILE_CHECKS) + (list(rules.DOCUMENT_CHECKS) if doc.ok else [])
    return run_checks(checks, doc, config, doc.display_path, internal_errors)


class Reader:
    """Loads documents from disk, or from `contents` (display path → bytes): the fixer checks its fixed
    texts in memory before anything is written."""

    def __init__(
        self,
        sources: Iterable[SourceFile],
        contents: dict[str, bytes] | None,
        internal_errors: list[str],
        by_path: dict[str, SourceFile] | None = None,
    ):
        self._listed = sources
        # By display path (`by_path`, when the caller made it already), else made when a document is first loaded.
        self._sources: dict[str, SourceFile] | None = by_path
        self.contents = contents or {}
        self.internal_errors = internal_errors

    def load(self, source: SourceFile) -> Document | None:
        if source.refused:  # a link out of the project: never read
            return unreadable_document(source.path, source.display_path, source.refused)
        try:
            if source.display_path in self.contents:
                return load_content(self.contents[source.display_path], source.path, source.display_path)
            return load_document(source.path, source.display_path)
        except Exception:  # the loader turns every problem of a file into a diagnostic: this is a bug; go on
            self.internal_errors.append(
                f"{source.display_path}: internal error while loading the file:\n{traceback.format_exc()}"
            )
            return None

    @property
    def sources(self) -> dict[str, SourceFile]:
        if self._sources is None:
            listed = list(self._listed)
            self._sources = dict(zip(map(DISPLAY, listed), listed, strict=True))
        return self._sources

    def load_path(self, path: str) -> Document | None:
        source = self.sources.get(path)
        return self.load(source) if source is not None else None


def check_source(source: SourceFile, config: Config, content: bytes | None = None, fixing: bool = False) -> Checked:
    """Load and check one file (`content`: its text in memory instead of on disk; `fixing`: in a fix run, the
    result carries its FixBasis)."""
    errors: list[str] = []
    stat: tuple[int, int] | None = None
    try:  # taken before reading: a file changed after this moment cannot be mistaken for the one checked
        if not source.refused:  # (a refused file is never cached)
            info = os.stat(source.location)
            stat = (info.st_size, info.st_mtime_ns)
    except OSError:
        pass
    reader = Reader([source], {source.display_path: content} if content is not None else None, errors)
    doc = reader.load(source)
    if doc is None:
        return Checked(source.display_path, [], None, False, errors)
    return check_loaded(doc, config, stat=stat, errors=errors, fixing=fixing)


def check_loaded(
    doc: Document,
    config: Config,
    *,
    stat: tuple[int, int] | None = None,
    errors: list[str] | None = None,
    fixing: bool = False,
) -> Checked:
    """Check a document already loaded (the language server keeps the document of an unsaved text for
    positions; the fixer parses each fixed text once, to verify the fix and to check it)."""
    errors = [] if errors is None else errors
    diagnostics = check_document(doc, config, errors)
    mark_edited_values(doc, diagnostics)
    # Any mention, in any case: a malformed suppression (`# Seedlint ignore`) is reported too.
    has_suppressions = doc.text is not None and (mentions_seedlint(doc.text) or misspelt_mention(doc.text))
    try:
        record = record_for(doc)
    except Exception:  # a bug: the file's own diagnostics are still reported
        record = None
        errors.append(f"{doc.display_path}: internal error while indexing the file:\n{traceback.format_exc()}")
    checked = Checked(
        doc.display_path, diagnostics, record, has_suppressions, errors, stat, hashlib.sha256(doc.raw).hexdigest()
    )
    if fixing:
        keep_basis(doc, checked)
    return checked


def keep_basis(doc: Document, checked: Checked) -> None:
    """Keep in `checked` what fixing the document needs from this parse of it (seedlint/fixbasis.py)."""
    if doc.text is None:
        return
    try:
        checked.basis = basis_for(doc, (e for d in checked.diagnostics if d.fix is not None for e in d.fix.edits))
    except Exception:  # a bug: reported (the fix pass could parse the old text again)
        checked.internal_errors = [
            *checked.internal_errors,
            f"{doc.display_path}: internal error in what fixing needs:\n{traceback.format_exc()}",
        ]


def mark_edited_values(doc: Document, diagnostics: list[Diagnostic]) -> None:
    """Mark each fix that edits a value on either side of a copy (a document's own title, a related entry's
    copy of it, the addresses...) with that value's path (`extra["value"]`): the corpus rules hold back a
    fix of a copy that would make it say what its target does not (seedlint/rules/related.py). A fix of a
    document's own value also carries the value's source (`extra["scalar"]`: its offset and text), from
    which the fixer computes the value it will have, for the copies in other documents to follow."""
    fixable = [d for d in diagnostics if d.fix is not None and d.fix.edits]
    if not fixable or doc.root is None or doc.text is None:
        return
    # Scalars never overlap: only those starting last at or before a fix can hold it. Several paths may share
    # one scalar (an alias): the first in copy_paths' order is taken (a stable sort keeps it first).
    spans = sorted(
        (
            (doc.yaml_start + scalar.start_mark.index, doc.yaml_start + scalar.end_mark.index, path)
            for path, scalar in copy_paths(doc.root)
        ),
        key=lambda span: span[0],
    )
    starts = [first for first, _, _ in spans]
    for diagnostic in fixable:
        assert diagnostic.fix is not None  # (fixable)
        start = min(edit.start for edit in diagnostic.fix.edits)
        end = max(edit.end for edit in diagnostic.fix.edits)
        at = bisect.bisect_right(starts, start) - 1
        if at < 0 or not (spans[at][0] <= start and end <= spans[at][1]):
            continue
        first, last, path = spans[bisect.bisect_left(starts, starts[at])]
        extra: dict[str, object] = {**diagnostic.extra, "value": path}
        if path[0] != "related":
            extra["scalar"] = (first, doc.text[first:last])
        diagnostic.extra = extra
