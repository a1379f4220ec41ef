"""The data flow of a run, in one place:

files → documents (text, parsed data, positions) → per-document rules → cross-document rules
→ selected, sorted diagnostics (for reporters and the fixer).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from seedlint import rules, selection
from seedlint.config import Config
from seedlint.corpus import Corpus, record_for
from seedlint.diagnostic import Diagnostic, Severity
from seedlint.discovery import SourceFile
from seedlint.document import Document, load_document, parse_document


@dataclass
class RunResult:
    documents: list[Document]
    diagnostics: list[Diagnostic]
    internal_errors: list[str] = field(default_factory=list)  # a bug in seedlint, not in the user's file
    document: Callable[[str], Document | None] = lambda path: None  # any document of the run, by display path


def check_document(doc: Document, config: Config, internal_errors: list[str]) -> list[Diagnostic]:
    checks = list(rules.FILE_CHECKS) + (list(rules.DOCUMENT_CHECKS) if doc.ok else [])
    return _run(checks, doc, config, doc.display_path, internal_errors)


def _run(checks: Iterable[Callable], subject, config: Config, where: str, internal_errors: list[str]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check in checks:
        try:
            found.extend(check(subject, config))
        except Exception:  # keep going: one broken rule must not hide the other files' results
            internal_errors.append(f"{where}: internal error in {check.__module__}.{check.__name__}:\n{traceback.format_exc()}")
    return found


class Reader:
    """Loads documents from disk, or from `contents` (display path → bytes): the fixer checks its fixed
    texts in memory before anything is written."""

    def __init__(self, sources: list[SourceFile], contents: dict[str, bytes] | None, internal_errors: list[str]):
        self.sources = {source.display_path: source for source in sources}
        self.contents = contents or {}
        self.internal_errors = internal_errors

    def load(self, source: SourceFile) -> Document | None:
        try:
            if source.display_path in self.contents:
                return parse_document(self.contents[source.display_path], source.path, source.display_path)
            return load_document(source.path, source.display_path)
        except Exception:  # the loader turns every problem of a file into a diagnostic: this is a bug; go on
            self.internal_errors.append(f"{source.display_path}: internal error while loading the file:\n{traceback.format_exc()}")
            return None

    def load_path(self, path: str) -> Document | None:
        source = self.sources.get(path)
        return self.load(source) if source is not None else None


def run(
    sources: list[SourceFile], config: Config, corpus_sources: list[SourceFile] | None = None, contents: dict[str, bytes] | None = None
) -> RunResult:
    """Check `sources` and report on them. Cross-document rules resolve against `corpus_sources` (the whole
    configured corpus, for a partial run such as a pre-commit hook's) or, by default, against `sources`."""
    internal_errors: list[str] = []
    reader = Reader([*(corpus_sources or []), *sources], contents, internal_errors)
    documents = [doc for doc in (reader.load(source) for source in sources) if doc is not None]
    diagnostics: list[Diagnostic] = []
    for doc in documents:
        diagnostics.extend(check_document(doc, config, internal_errors))
    corpus = None
    try:
        corpus = _corpus(documents, diagnostics, corpus_sources or [], config, reader)
    except Exception:  # a bug: the per-document diagnostics are still reported
        internal_errors.append(f"corpus: internal error while indexing the documents:\n{traceback.format_exc()}")
    else:
        diagnostics.extend(_run(rules.CORPUS_CHECKS, corpus, config, "corpus", internal_errors))
    selected = [selection.apply_severity(d, config) for d in diagnostics if selection.is_selected(d.code, config)]
    selected.sort(key=Diagnostic.sort_key)
    result = RunResult(documents, selected, internal_errors)
    if corpus is not None:
        result.document = corpus.document
    return result


def _corpus(documents, diagnostics, corpus_sources, config, reader: Reader) -> Corpus:
    """The corpus the cross-document rules see: the checked documents, plus the rest of the configured
    corpus in a partial run (read for their index records only)."""
    loaded = {doc.display_path: doc for doc in documents}
    records = [record for doc in documents if (record := record_for(doc)) is not None]
    for source in corpus_sources:
        if source.display_path not in loaded and (doc := reader.load(source)) is not None and (record := record_for(doc)) is not None:
            records.append(record)
    errors = {d.path for d in diagnostics if d.severity is Severity.ERROR}

    def load(path: str) -> Document | None:
        return loaded[path] if path in loaded else reader.load_path(path)

    def has_errors(path: str) -> bool:
        if path not in loaded and (doc := load(path)) is not None:  # a target outside the run: check it now
            loaded[path] = doc
            errors.update(d.path for d in check_document(doc, config, reader.internal_errors) if d.severity is Severity.ERROR)
        return path in errors

    given = set(loaded)
    corpus = Corpus(records, reported=given, load=load, has_errors=has_errors, partial=bool(corpus_sources))
    corpus.reported |= corpus.referrers(given)
    return corpus
