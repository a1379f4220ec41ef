"""Diagnostics: the engine's findings pushed to the editor (`textDocument/publishDiagnostics`).

An open document is checked from its unsaved text on open and on every change (at once after a pause in
typing, else once the changes pause for `debounce` seconds); its cross-document
findings resolve against the corpus index with every open document's unsaved text laid over the saved corpus.
When a change alters what other documents see of it (its addresses, copied fields, title or errors), the
documents it affects (see Session.affected) are checked again a moment later and their diagnostics published
too, open or not: at most `max_affected` of them per change, open ones first.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lsprotocol import types

from seedlint.diagnostic import Diagnostic, Severity
from seedlint.discovery import SourceFile, display_path
from seedlint.escaping import inert
from seedlint.server import ruledocs
from seedlint.server.convert import PositionMap
from seedlint.server.project import Project
from seedlint.server.session import Findings, OpenDocument, Text

if TYPE_CHECKING:
    from seedlint.corpus import IndexRecord
    from seedlint.server.editor import Editor

SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
CHUNK = 1  # affected documents checked between two looks at the editor's messages
# A look at the editor's messages: long enough for the reader of stdin to hand over a whole message (several
# turns of the event loop each), so that a keystroke is never queued behind the affected documents.
BREATHE = 0.01  # seconds


def to_lsp(diagnostic: Diagnostic, positions: PositionMap) -> types.Diagnostic:
    start = positions.offset_of(diagnostic.line, diagnostic.column)
    end = positions.offset_of(
        diagnostic.end_line if diagnostic.end_line is not None else diagnostic.line,
        diagnostic.end_column if diagnostic.end_column is not None else diagnostic.column,
    )
    href = ruledocs.link(diagnostic.code)
    return types.Diagnostic(
        range=positions.range(start, max(start, end)),
        message=inert(diagnostic.message),  # (document text, shown as `seedlint check` shows it)
        severity=SEVERITIES[diagnostic.severity],
        code=diagnostic.code,
        code_description=types.CodeDescription(href=href) if href is not None else None,
        source="seedlint",
        data={"name": diagnostic.name, "fixable": diagnostic.fix is not None},
    )


def problem(message: str) -> types.Diagnostic:
    """A finding about the setup, not the text (a configuration that cannot be used), on the first line."""
    return types.Diagnostic(
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=3)),
        message=inert(message),
        severity=types.DiagnosticSeverity.Error,
        source="seedlint",
    )


class Diagnostics:
    def __init__(self, server: Editor):
        self.server = server
        self.session = server.session
        self.debounce = 0.05  # seconds after the last change before the edited document is checked
        self.affected_delay = 0.3  # seconds of quiet before the documents a change affects are checked
        self.max_affected = 200
        self.pending: dict[str, asyncio.Task] = {}  # uri → the debounced check of an open document
        self.changed_at: dict[str, float] = {}  # uri → when it last changed (monotonic seconds)
        self.checked_at: dict[str, float] = {}  # uri → when its last check ended
        self.changes: dict[str, list[tuple[IndexRecord | None, IndexRecord | None]]] = {}  # project → to spread
        self.spreading: dict[str, asyncio.Task] = {}  # project → the check of the affected documents
        self.loading: dict[str, asyncio.Future] = {}
        self.shown_errors: set[str] = set()
        self.stopped = False

    # Scheduling ---------------------------------------------------------------------------------------

    def stop(self) -> None:
        """Shutting down: nothing more is checked or sent."""
        for task in [*self.pending.values(), *self.spreading.values()]:
            task.cancel()
        self.pending.clear()
        self.spreading.clear()
        self.stopped = True

    def schedule(self, uri: str, delay: float | None = None) -> None:
        """Check an open document: at once after a quiet moment, else (a change follows another within the
        debounce time) once the changes pause for that long."""
        if self.stopped:
            return
        now = time.monotonic()
        last = max(self.changed_at.get(uri, -1e9), self.checked_at.get(uri, -1e9))
        self.changed_at[uri] = now
        if delay is None:  # (a check slower than the debounce time must not make every change "after a pause")
            delay = self.debounce if now - last < self.debounce else 0
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.pending[uri] = asyncio.ensure_future(self._after(delay, uri))

    async def _after(self, delay: float, uri: str) -> None:
        if delay:
            await asyncio.sleep(delay)
        try:
            await self.check_open(uri)
        except Exception:  # never a dead server: say what failed, keep serving
            self.server.internal_error(f"{uri}: internal error while checking:\n{traceback.format_exc()}")
        finally:
            self.checked_at[uri] = time.monotonic()
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    def start_loading(self, project: Project) -> asyncio.Future:
        """The project's corpus, loaded once, outside the event loop."""
        future = self.loading.get(project.key)
        if future is None:
            future = asyncio.ensure_future(self.server.load_project(project))
            self.loading[project.key] = future
        return future

    async def ready(self, project: Project) -> None:
        """Wait for the project's corpus."""
        if project.loaded or project.error is not None:
            return
        await asyncio.shield(self.start_loading(project))

    # Open documents -----------------------------------------------------------------------------------

    async def check_open(self, uri: str) -> None:
        document = self.session.documents.get(uri)
        if document is None or document.path is None:
            return
        if document.project is None:
            document.project = self.session.project_for(document.path)
        project = document.project
        if not project.loaded and project.error is None:
            self.start_loading(project)  # reading the corpus (mostly the cache, off the GIL) while this is checked
            await asyncio.sleep(BREATHE)
            early = self.early_state(document, project)
            if early is not None:
                self.publish_open(document, self.session.own_findings(early), early, final=False)
            await self.ready(project)
            document = self.session.documents.get(uri)
            if document is None:
                return
        if project.error is not None:
            self.show_project_error(project)
            self.server.publish(
                uri, [problem(f"seedlint cannot check this document: {project.error}")], document.version
            )
            return
        self.session.attach(document)
        if project.alone and project.key not in self.shown_errors:
            self.shown_errors.add(project.key)  # (said once)
            self.server.log(
                f"{document.path}: in no workspace folder and under no seedlint configuration: its own findings only"
                " (the cross-document rules need a corpus: open its folder, or configure `paths`)"
            )
        if document.state is None:
            self.server.publish(uri, [], document.version)
            self.server.log(f"{document.path}: not a document of the corpus of {project.key}; not checked")
            return
        self.refresh(document)

    def refresh(self, document: OpenDocument) -> None:
        """Check an attached open document now and publish; spread its change to the documents it affects."""
        self.session.attach(document)  # (its text may have changed since it was attached)
        state = document.state
        project = document.project
        if state is None or project is None:
            return
        if not document.shown_known:
            saved = project.results.get(state.source.display_path)
            document.shown_record = saved.record if saved is not None else None
            document.shown_error = saved is not None and saved.has_error
            document.shown_known = True
        if project.alone:  # (no corpus: nothing to resolve against, no other document to spread a change to)
            self.publish_open(document, self.session.own_findings(state), state)
            return
        texts = self.session.open_texts(project)
        findings = self.session.findings(project, [state.source.display_path], texts)
        self.publish_open(document, findings, state)
        record = state.checked.record
        error = state.checked.has_error
        if record != document.shown_record or error != document.shown_error:
            self.spread(project, document.shown_record, record)
            document.shown_record, document.shown_error = record, error

    async def current(self, document: OpenDocument) -> list[Diagnostic]:
        """The document's findings on its current text (checked now if a change is still pending)."""
        if document.project is not None:
            await self.ready(document.project)
        if document.findings is None or document.findings_of != document.text:
            self.session.attach(document)
            if document.state is None or document.project is None or not document.project.loaded:
                return []
            self.refresh(document)
        return document.findings or []

    def early_state(self, document: OpenDocument, project: Project) -> Text | None:
        """The document as its corpus will list it, to check it alone while the corpus loads."""
        path = document.path
        assert path is not None
        if not project.lists(path):
            return None
        return Text(SourceFile.at(path, display_path(path, project.root)), document.text, project)

    def publish_open(self, document: OpenDocument, findings: Findings, state: Text, final: bool = True) -> None:
        diagnostics = findings.by_path.get(state.source.display_path, [])
        if final and state.text == document.text:
            document.findings, document.findings_of = diagnostics, state.text
        positions = PositionMap(state.text, self.server.encoding)
        self.server.publish(document.uri, [to_lsp(d, positions) for d in diagnostics], document.version)
        self.report_internal_errors(findings.internal_errors)

    def closed(self, document: OpenDocument) -> None:
        self.changed_at.pop(document.uri, None)
        self.checked_at.pop(document.uri, None)
        task = self.pending.pop(document.uri, None)
        if task is not None:
            task.cancel()
        self.server.publish(document.uri, [], None)
        project = document.project
        if project is not None and project.loaded and document.state is not None:
            saved = project.results.get(document.state.source.display_path)
            record = saved.record if saved is not None else None
            error = saved is not None and saved.has_error
            if record != document.shown_record or error != document.shown_error:  # unsaved changes undone
                self.spread(project, document.shown_record, record)

    # Documents a change affects ------------------------------------------------------------------------

    def spread(self, project: Project, before: IndexRecord | None, after: IndexRecord | None) -> None:
        if self.stopped:
            return
        self.changes.setdefault(project.key, []).append((before, after))
        task = self.spreading.pop(project.key, None)
        if task is not None:
            task.cancel()
        self.spreading[project.key] = asyncio.ensure_future(self._spread_later(project))

    async def _spread_later(self, project: Project) -> None:
        try:
            await asyncio.sleep(self.affected_delay)
            await self.check_affected(project)
        except asyncio.CancelledError:
            raise
        except Exception:
            self.server.internal_error(
                f"{project.key}: internal error while checking affected documents:\n{traceback.format_exc()}"
            )

    async def check_affected(self, project: Project) -> None:
        changes = list(self.changes.get(project.key, []))
        texts = self.session.open_texts(project)
        found: set[str] = set()
        for before, after in changes:
            found |= self.session.affected(project, before, after, texts)
        uris = self.server.uris_of(project)
        open_paths = sorted(path for path in found if path in texts)
        closed = sorted(path for path in found if path not in texts)
        if len(closed) > self.max_affected:
            self.server.log(
                f"{len(closed)} documents are affected by unsaved changes; diagnostics published for the first "
                f"{self.max_affected} (initialization option maxAffected)"
            )
            closed = closed[: self.max_affected]
        for start in range(0, len(open_paths), CHUNK):
            for path in open_paths[start : start + CHUNK]:
                document = self.session.documents.get(uris.get(path, ""))
                if document is not None and document.state is not None:
                    self.refresh(document)
            await asyncio.sleep(BREATHE)
        for start in range(0, len(closed), CHUNK):
            texts = self.session.open_texts(project)
            chunk = [path for path in closed[start : start + CHUNK] if path not in texts]
            findings = self.session.findings(project, chunk, texts)
            self.publish_closed(project, findings)
            await asyncio.sleep(BREATHE)
        del self.changes.get(project.key, [])[: len(changes)]

    def publish_closed(self, project: Project, findings: Findings) -> None:
        for path, diagnostics in findings.by_path.items():
            source = project.sources.get(path)
            if source is None:
                continue
            try:  # the saved text, for positions only (a file that is no UTF-8 has its findings at 1:1)
                text = source.path.read_bytes().decode("utf-8", "replace")
            except OSError:
                text = ""
            positions = PositionMap(text, self.server.encoding)
            self.server.publish(self.server.uri_of(source), [to_lsp(d, positions) for d in diagnostics], None)
        self.report_internal_errors(findings.internal_errors)

    # Messages ---------------------------------------------------------------------------------------------

    def show_project_error(self, project: Project) -> None:
        if project.error is not None and project.error not in self.shown_errors:
            self.shown_errors.add(project.error)
            self.server.show(f"seedlint: {project.error}", types.MessageType.Error)

    def report_internal_errors(self, errors: Iterable[str]) -> None:
        for error in errors:
            self.server.internal_error(error)
