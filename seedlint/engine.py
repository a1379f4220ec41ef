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
from seedlint.diagnostic import Diagnostic
from seedlint.discovery import SourceFile
from seedlint.document import Document, load_document


@dataclass
class RunResult:
    documents: list[Document]
    diagnostics: list[Diagnostic]
    internal_errors: list[str] = field(default_factory=list)  # a bug in seedlint, not in the user's file


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


def _load(source: SourceFile, internal_errors: list[str]) -> Document | None:
    try:
        return load_document(source.path, source.display_path)
    except Exception:  # the loader turns every problem of a file into a diagnostic: this is a bug; go on
        internal_errors.append(f"{source.display_path}: internal error while loading the file:\n{traceback.format_exc()}")
        return None


def run(sources: list[SourceFile], config: Config) -> RunResult:
    internal_errors: list[str] = []
    documents = [doc for doc in (_load(source, internal_errors) for source in sources) if doc is not None]
    diagnostics: list[Diagnostic] = []
    for doc in documents:
        diagnostics.extend(check_document(doc, config, internal_errors))
    diagnostics.extend(_run(rules.CORPUS_CHECKS, documents, config, "corpus", internal_errors))
    selected = [selection.apply_severity(d, config) for d in diagnostics if selection.is_selected(d.code, config)]
    selected.sort(key=Diagnostic.sort_key)
    return RunResult(documents, selected, internal_errors)
