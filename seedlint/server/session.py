"""The session: the editor's open documents (their unsaved texts) over the projects they belong to.

`findings` is the engine's data flow for any set of documents of a project, with every open document's unsaved
text standing in for the file on disk: per-document results (checked from the text, or the cache's for the rest
of the corpus), the corpus index with the unsaved records laid over the saved ones, the cross-document rules,
then selection, severities and suppressions, exactly as `seedlint check` runs them.
"""

from __future__ import annotations

import dataclasses
import os
import traceback
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pygls.uris import to_fs_path

from seedlint import clock, engine, rules, selection
from seedlint.checking import check_corpus, check_loaded
from seedlint.corpus import Corpus, CorpusIndex, IndexRecord, host_key, identity_key
from seedlint.diagnostic import Diagnostic
from seedlint.discovery import SourceFile, display_path
from seedlint.document import Document, load_content, load_document
from seedlint.results import Checked, positioned_memos
from seedlint.rules import related
from seedlint.rules.fields import RARE_TOPIC_SPELLING
from seedlint.rules.file import MISSING_FRONT_MATTER
from seedlint.server.project import OverlayIndex, Project, find_project, new_project

# The codes only the corpus rules (rules.CORPUS_CHECKS) report: the related family, a topic's rare spelling.
CORPUS_CODES = (*(rule.code for rule in rules.all_rules() if rule.family == "SL5"), RARE_TOPIC_SPELLING.code)
DOCUMENTS_KEPT = 32  # parsed documents of the saved corpus kept for positions (each is far larger than its file)


class Text:
    """One document's text as the editor holds it (or as a fix would leave it), checked lazily."""

    def __init__(self, source: SourceFile, text: str, project: Project):
        self.source, self.text, self.project = source, text, project
        self._checked: Checked | None = None
        self._document: Document | None = None

    @property
    def raw(self) -> bytes:
        # What saving the text writes; a lone surrogate (which JSON can carry) stays invalid UTF-8, as on disk.
        return self.text.encode("utf-8", "surrogatepass")

    @property
    def checked(self) -> Checked:
        # As check_source(source, config, content=raw), the document kept; again once a finding true on the day it
        # was judged only (a future date) is from another day: an editor stays open past midnight.
        if self._checked is None or clock.outdated(self._checked.diagnostics):
            self._checked = check_loaded(self.document, self.project.config)
        return self._checked

    @property
    def document(self) -> Document:
        if self._document is None:
            self._document = load_content(self.raw, self.source.path, self.source.display_path)
        return self._document


@dataclass
class OpenDocument:
    uri: str
    text: str
    version: int | None
    path: Path | None  # None for a document that is no file (an untitled buffer)
    project: Project | None = None
    state: Text | None = None  # None while the document is not a document of a loaded corpus
    findings: list[Diagnostic] | None = None  # of `findings_of`, the text they were computed on
    findings_of: str | None = None
    # What other documents were last checked against: the saved file's record and whether it had an error,
    # until an unsaved change is spread (see features/diagnostics.py).
    shown_record: IndexRecord | None = None
    shown_error: bool = False
    shown_known: bool = False
    outside: bool = False  # not a document of its project's corpus (a README beside it, say)


@dataclass
class Findings:
    by_path: dict[str, list[Diagnostic]]
    internal_errors: list[str] = field(default_factory=list)


class Session:
    def __init__(self) -> None:
        self.documents: dict[str, OpenDocument] = {}
        self.projects: dict[str, Project] = {}
        self.workspace_folders: list[Path] = []
        self._saved_documents: OrderedDict[tuple[str, str], Document | None] = OrderedDict()

    # Projects ----------------------------------------------------------------------------------------

    def project_for(self, path: Path) -> Project:
        key, root, config_file, error = find_project(path, self.workspace_folders)
        if key not in self.projects:
            self.projects[key] = new_project(key, root, config_file, error)
        return self.projects[key]

    def forget_projects(self) -> list[Project]:
        """A configuration changed: every project is found and loaded again."""
        dropped = list(self.projects.values())
        self.projects.clear()
        self._saved_documents.clear()
        for document in self.documents.values():
            document.project, document.state, document.shown_known = None, None, False
        return dropped

    def attach(self, document: OpenDocument) -> None:
        """The document's project and, once the project is loaded, its checked state (None: not in the corpus)."""
        if document.path is None:
            return
        if document.project is None:
            document.project = self.project_for(document.path)
        project = document.project
        if not project.loaded or project.error is not None:
            return
        source = project.source_of(document.path)
        if project.alone:
            source = SourceFile.at(document.path, display_path(document.path, project.root))
        elif source is None and not document.outside:
            if os.path.exists(document.path):  # (a name too long for the system: no file, no error)
                project.refresh([document.path])  # a new file of the corpus, perhaps
                source = project.source_of(document.path)
            elif project.lists(document.path):  # a new document, not saved yet: checked as the corpus will list it
                source = SourceFile.at(document.path, display_path(document.path, project.root))
            document.outside = source is None  # (looked for once, not on every change)
        if source is None:
            document.state = None
        elif document.state is None or document.state.text != document.text or document.state.project is not project:
            document.state = Text(source, document.text, project)

    def open_texts(self, project: Project) -> dict[str, Text]:
        return {
            document.state.source.display_path: document.state
            for document in self.documents.values()
            if document.project is project and document.state is not None
        }

    def saved_document(self, project: Project, path: str) -> Document | None:
        key = (project.key, path)
        if key in self._saved_documents:
            self._saved_documents.move_to_end(key)
            return self._saved_documents[key]
        source = project.sources.get(path)
        document = load_document(source.path, source.display_path) if source is not None else None
        self._saved_documents[key] = document
        if len(self._saved_documents) > DOCUMENTS_KEPT:
            self._saved_documents.popitem(last=False)
        return document

    def forget_saved(self, project: Project, paths: Iterable[str]) -> None:
        for path in paths:
            self._saved_documents.pop((project.key, path), None)

    # Findings ----------------------------------------------------------------------------------------

    def overlay(self, project: Project, texts: dict[str, Text]) -> OverlayIndex:
        """The corpus index with the unsaved texts' records in place of their files'."""
        overlaid = [text.checked.record for text in texts.values() if text.checked.record is not None]
        return OverlayIndex(project.index, set(texts), CorpusIndex(overlaid))

    def record(self, project: Project, path: str, texts: dict[str, Text]) -> IndexRecord | None:
        result = self.result(project, path, texts)
        return result.record if result is not None else None

    def result(self, project: Project, path: str, texts: dict[str, Text]) -> Checked | None:
        text = texts.get(path)
        return text.checked if text is not None else project.results.get(path)

    def findings(self, project: Project, reported: Iterable[str], texts: dict[str, Text]) -> Findings:
        """The reported documents' diagnostics, as `seedlint check` would report them if `texts` were saved."""
        config = project.config
        errors: list[str] = []
        paths = sorted({path for path in reported if self.result(project, path, texts) is not None})
        checked = [self.result(project, path, texts) for path in paths]
        results = [c for c in checked if c is not None]
        records = [c.record for path, c in project.results.items() if path not in texts and c.record is not None]
        index = self.overlay(project, texts)
        overlaid = index.extra.records

        def load(path: str) -> Document | None:
            text = texts.get(path)
            return text.document if text is not None else self.saved_document(project, path)

        def has_errors(path: str) -> bool:
            result = self.result(project, path, texts)
            return result is not None and result.has_error

        diagnostics = [d for c in results for d in c.diagnostics]
        errors += [e for c in results for e in c.internal_errors]
        corpus = None
        try:
            corpus = Corpus(
                records + overlaid,
                reported=set(paths),
                load=load,
                has_errors=has_errors,
                positioned=positioned_memos(results),
                index=index,
                topics=project.topic_counts({path: text.checked.record for path, text in texts.items()}),
            )
        except Exception:  # a bug: the per-document diagnostics are still reported
            errors.append(f"corpus: internal error while indexing the documents:\n{traceback.format_exc()}")
        if corpus is not None:
            diagnostics += check_corpus(corpus, config, errors)
            for result in results:  # as the cache does: a memo never outgrows what the corpus reports now
                result.positioned = corpus.settled_memo(result.path, result.positioned)
        selected = selection.reported(diagnostics, results, corpus.document if corpus is not None else load, config)
        if corpus is not None:  # as `seedlint check` of these files: a copy's fix its target would not follow is held
            selected = related.hold_copy_fixes(selected, corpus)
        by_path: dict[str, list[Diagnostic]] = {path: [] for path in paths}
        aside = {path for path in paths if self.set_aside(project, path, texts)}
        for diagnostic in selected:
            if diagnostic.path not in aside:
                by_path.setdefault(diagnostic.path, []).append(diagnostic)
        return Findings(by_path, errors)

    def set_aside(self, project: Project, path: str, texts: dict[str, Text]) -> bool:
        """Whether `seedlint check` sets the file aside, not reporting on it (engine.set_aside): other text and no
        front matter (a README.md or notes beside the articles; an empty or blank file, or one starting with `---`,
        stays a document: engine.is_other_text)."""
        result = self.result(project, path, texts)
        if result is None or not any(d.code == MISSING_FRONT_MATTER.code for d in result.diagnostics):
            return False
        text = texts.get(path)
        if text is not None:
            data = text.text.encode("utf-8", "surrogatepass")
            return engine.is_other_text(data, len(data))
        source = project.sources.get(path)
        return source is not None and engine.other_text(source)

    def own_findings(self, text: Text) -> Findings:
        """The document's own diagnostics only (its corpus is still loading)."""
        checked = text.checked
        # The corpus rules are not run: not selected here, a suppression of their findings is not "unused" (SL017).
        config = dataclasses.replace(text.project.config, ignore=[*text.project.config.ignore, *CORPUS_CODES])
        selected = selection.reported(list(checked.diagnostics), [checked], lambda path: text.document, config)
        if self.set_aside(text.project, text.source.display_path, {text.source.display_path: text}):
            selected = []
        return Findings({text.source.display_path: selected}, list(checked.internal_errors))

    def affected(
        self, project: Project, before: IndexRecord | None, after: IndexRecord | None, texts: dict[str, Text]
    ) -> set[str]:
        """The documents whose findings a change of one document's record from `before` to `after` may alter (the
        rule of seedlint/incremental.py, answered from memory): those with a related entry naming one of its
        addresses, old or new; those with an unresolved entry on one of its hosts or with its title; those
        sharing its address, or its title, provider and date."""
        found: set[str] = set()
        hosts: set[str] = set()
        titles: set[int] = set()
        aliases: set[str] = set()
        overlay = OverlayIndex(project.index, set(texts), CorpusIndex([]))
        for record in (before, after):
            if record is None:
                continue
            aliases.update(record.aliases)
            hosts.update(host_key(alias) for alias in record.aliases)
            if record.url_key is not None:
                found.update(r.path for r in overlay.same_address(record.url_key))
            if (identity := identity_key(record)) is not None:
                found.update(r.path for r in overlay.same_identity(identity))
            if record.title_key is not None:
                titles.add(record.title_key)
        for alias in aliases:
            found |= project.referrers.get(alias, set())
        for host in hosts:
            found |= project.unresolved_hosts.get(host, set())
        for title in titles:
            found |= project.unresolved_titles.get(title, set())
        for path, text in texts.items():  # unsaved related lists
            record = text.checked.record
            if record is None:
                continue
            if aliases & {key for key in record.ref_keys if key is not None} or any(
                ref.key is not None and host_key(ref.key) in hosts for ref in record.related
            ):
                found.add(path)
        # Documents named by old and new versions alike are found above; those that are gone stay out.
        return {path for path in found if path in project.results or path in texts}


def path_of_uri(uri: str) -> Path | None:
    location = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(os.path.abspath(location)) if location else None
