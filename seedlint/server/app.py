"""The pygls server: LSP methods wired to the session and the features. Run by `seedlint server` (stdio)."""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path

from seedlint import __version__
from seedlint.discovery import DiscoveryError, SourceFile
from seedlint.escaping import inert, inert_lines
from seedlint.failsafe import debugging, internal_error_message
from seedlint.server.convert import UTF8, UTF16, UTF32
from seedlint.server.features.actions import FIX_ALL, REWRITE, Actions
from seedlint.server.features.completion import Completion
from seedlint.server.features.diagnostics import Diagnostics
from seedlint.server.features.navigation import Navigation
from seedlint.server.project import Project
from seedlint.server.session import OpenDocument, Session, path_of_uri

CONFIGURATION_FILES = ("pyproject.toml", "seedlint.toml")


class _Unfit:
    """A request whose params do not fit its method (see _Protocol.structure_message)."""

    def __init__(self, msg_id: int | str, method: str):
        self.id, self.method = msg_id, method


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, answering where LSP 3.17 asks for an answer and pygls 2 gives none (it logs, and the
    editor waits): a request before `initialize` gets ServerNotInitialized, one after `shutdown` InvalidRequest,
    and one whose params do not fit its method InvalidParams."""

    _initialize_seen = False

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcInvalidParams:
            if "id" in data and isinstance(data.get("method"), str):
                return _Unfit(data["id"], data["method"])  # (answered in handle_message)
            raise

    def handle_message(self, message: Any) -> None:
        method, msg_id = getattr(message, "method", None), getattr(message, "id", None)
        request = isinstance(method, str) and msg_id is not None and not hasattr(message, "result")
        error: JsonRpcException | None = None
        if isinstance(message, _Unfit):
            error = JsonRpcInvalidParams(message=f"{JsonRpcInvalidParams.MESSAGE}: the params of {message.method}")
        elif request and self._shutdown:
            error = JsonRpcInvalidRequest(message=f"{JsonRpcInvalidRequest.MESSAGE}: {method} after shutdown")
        elif request and method != types.INITIALIZE and not self._initialize_seen:
            error = JsonRpcServerNotInitialized(message=f"{JsonRpcServerNotInitialized.MESSAGE}: {method}")
        if error is not None:
            assert msg_id is not None  # (a request's)
            self._send_response(msg_id, error=error.to_response_error())
            return
        if method == types.INITIALIZE:
            self._initialize_seen = True
        super().handle_message(message)


WARNING = types.MessageType.Warning


class SeedlintServer(LanguageServer):
    def __init__(self) -> None:
        # Full synchronisation: the editor sends the whole text on each change. A document is a few kB, and it
        # keeps line breaks exact (pygls applies partial changes on str.splitlines() lines, which also break at
        # U+2028, U+0085 and other characters the editor does not count as line breaks).
        super().__init__(
            "seedlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full, protocol_cls=_Protocol
        )
        self.session = Session()
        self.diagnostics = Diagnostics(self)
        self.actions = Actions(self, self.diagnostics)
        self.navigation = Navigation(self, self.diagnostics)
        self.completion = Completion(self, self.diagnostics)
        self.encoding = UTF16

    # Messages to the editor ------------------------------------------------------------------------------

    def publish(self, uri: str, diagnostics: list[types.Diagnostic], version: int | None) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    # (Messages quote file names, configuration keys and options as given: made inert, as `seedlint check` makes them.)

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=inert_lines(message)))

    def show(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=inert(message)))

    def report_server_error(self, error: Exception, source: Any) -> None:
        """What pygls could not handle, outside a request (which gets its error as its answer): a message of the
        editor's that does not parse, or a change to a document it never opened. The editor's mistake, not the
        user's: logged, where pygls's default showed the user an "Error in server" dialog. (seedlint's own
        failures are reported by `internal_error`.)"""
        self.log(f"seedlint: a message from the editor was not applied: {type(error).__name__}: {error}", WARNING)

    def internal_error(self, message: str) -> None:
        """A bug in seedlint: one line shown, the traceback in the log; the server keeps serving."""
        self.log(message, types.MessageType.Error)
        self.show(
            f"seedlint: {internal_error_message(message) if not debugging() else message}", types.MessageType.Error
        )

    # Documents and projects -----------------------------------------------------------------------------

    def uri_of(self, source: SourceFile) -> str:
        return from_fs_path(source.absolute) or Path(source.absolute).as_uri()

    def uris_of(self, project: Project) -> dict[str, str]:
        """Display path → URI of the project's open documents."""
        return {
            document.state.source.display_path: uri
            for uri, document in self.session.documents.items()
            if document.project is project and document.state is not None
        }

    async def load_project(self, project: Project) -> None:
        token = f"seedlint-load-{id(project)}"
        progress = self._progress_begin(token, f"seedlint: reading the corpus of {project.key}")
        began = time.perf_counter()
        try:
            await asyncio.get_running_loop().run_in_executor(None, project.load)
        except DiscoveryError as error:
            project.error = f"{error} (the corpus configured by `paths` in {project.key})"
        except Exception:
            project.error = f"internal error while reading the corpus of {project.key}"
            self.internal_error(f"{project.key}: internal error while reading the corpus:\n{traceback.format_exc()}")
        else:
            took = time.perf_counter() - began
            self.log(
                f"seedlint: {len(project.results)} documents in the corpus of {project.key} (read in {took:.2f} s)"
            )
            # Who an edit affects: made now, outside the event loop, rather than on the first edit.
            asyncio.get_running_loop().run_in_executor(None, project.reverse_maps)
            if project.changed_while_loading:
                changed = sorted(project.changed_while_loading)
                project.changed_while_loading.clear()
                self.project_files_changed(project, changed)
        finally:
            if progress and not self.diagnostics.stopped:  # (after shutdown nothing more is sent)
                self.work_done_progress.end(token, types.WorkDoneProgressEnd())

    def _progress_begin(self, token: str, title: str) -> bool:
        window = self.client_capabilities.window
        if window is None or not window.work_done_progress:
            return False
        self.work_done_progress.create(token)
        self.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, cancellable=False))
        return True

    def reload_configuration(self) -> None:
        """A configuration file changed: every project is found, loaded and checked again."""
        self.session.forget_projects()
        self.diagnostics.loading.clear()
        self.diagnostics.shown_errors.clear()
        for uri in list(self.session.documents):
            self.diagnostics.schedule(uri, 0)

    def files_changed(self, paths: list[Path]) -> None:
        """Documents changed on disk (not through the editor's buffers): their saved results again."""
        for project in list(self.session.projects.values()):
            if project.error is not None:
                continue
            if not project.loaded:  # the corpus is being read, perhaps past these files already: again once read
                project.changed_while_loading.update(paths)
                continue
            self.project_files_changed(project, paths)

    def project_files_changed(self, project: Project, paths: list[Path]) -> None:
        """Files changed on disk, for one loaded project: read again, and the documents they affect checked."""
        open_paths = {document.path for document in self.session.documents.values()}
        wanted = [path for path in paths if path not in open_paths]
        before = {path: project.results.get(path) for p in wanted if (path := self._display(project, p))}
        changed = project.refresh(wanted)
        self.session.forget_saved(project, changed)
        for document in self.session.documents.values():
            document.outside = False  # a new file may make a document part of the corpus
        for path in changed:
            old, new = before.get(path), project.results.get(path)
            self.diagnostics.spread(
                project, old.record if old is not None else None, new.record if new is not None else None
            )
        if changed:
            for uri, document in self.session.documents.items():
                if document.project is project:
                    self.diagnostics.schedule(uri, 0)

    @staticmethod
    def _display(project: Project, path: Path) -> str | None:
        source = project.source_of(path)
        return source.display_path if source is not None else None


def guarded(server: SeedlintServer, default: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A request handler (a coroutine) that never fails the request: a bug is shown in one line (the traceback
    goes to the log) and the editor gets an empty answer."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(handler)
        async def run(params: Any) -> Any:
            try:
                return await handler(params)
            except Exception:
                server.internal_error(f"{handler.__name__}: internal error:\n{traceback.format_exc()}")
                return default

        return run

    return decorate


def create_server() -> SeedlintServer:
    server = SeedlintServer()
    session = server.session

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        encoding = server.workspace.position_encoding
        server.encoding = {"utf-8": UTF8, "utf-32": UTF32}.get(str(getattr(encoding, "value", encoding)), UTF16)
        folders = [path_of_uri(folder.uri) for folder in params.workspace_folders or []]
        root = path_of_uri(params.root_uri) if params.root_uri else None
        session.workspace_folders = [folder for folder in [*folders, root] if folder is not None]
        server.actions.configure(params.capabilities)
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        apply_options(server, options)

    @server.feature(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        watched = server.client_capabilities.workspace
        if watched is None or watched.did_change_watched_files is None:
            return
        if not watched.did_change_watched_files.dynamic_registration:
            return
        watchers = [
            types.FileSystemWatcher(glob_pattern=pattern)
            for pattern in ("**/pyproject.toml", "**/seedlint.toml", "**/*.md", "**/*.txt")
        ]
        server.client_register_capability(
            types.RegistrationParams(
                registrations=[
                    types.Registration(
                        id="seedlint-watched-files",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
                    )
                ]
            )
        )

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        server.diagnostics.stop()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(params: types.DidChangeWorkspaceFoldersParams) -> None:
        removed = {path_of_uri(folder.uri) for folder in params.event.removed}
        added = [path_of_uri(folder.uri) for folder in params.event.added]
        kept = [folder for folder in session.workspace_folders if folder not in removed]
        session.workspace_folders = kept + [folder for folder in added if folder is not None]

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        session.documents[item.uri] = OpenDocument(item.uri, item.text, item.version, path_of_uri(item.uri))
        server.diagnostics.schedule(item.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        document = session.documents.get(params.text_document.uri)
        if document is None:
            return
        document.text = server.workspace.get_text_document(params.text_document.uri).source
        document.version = params.text_document.version
        server.diagnostics.schedule(document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        path = path_of_uri(params.text_document.uri)
        if path is not None and path.name in CONFIGURATION_FILES:
            server.reload_configuration()
            return
        document = session.documents.get(params.text_document.uri)
        project = document.project if document is not None else None
        if document is not None and document.path is not None and project is not None and not project.loaded:
            project.changed_while_loading.add(document.path)  # (the corpus being read may hold the older text)
        elif document is not None and document.path is not None and project is not None:
            project.refresh([document.path])  # the saved corpus now holds this text
            if document.state is not None:
                session.forget_saved(project, [document.state.source.display_path])
            elif document.outside:  # a new file, saved for the first time: perhaps a document of the corpus now
                document.outside = False
                server.diagnostics.schedule(document.uri, 0)
            asyncio.get_running_loop().run_in_executor(None, project.reverse_maps)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        document = session.documents.pop(params.text_document.uri, None)
        if document is not None:
            server.diagnostics.closed(document)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, REWRITE, FIX_ALL], resolve_provider=True
        ),
    )
    @guarded(server, [])
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        return await server.actions.actions(params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    @guarded(server, None)
    async def resolve_code_action(params: types.CodeAction) -> types.CodeAction:
        return await server.actions.resolve(params) or params

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(server, None)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        return await server.navigation.hover(params)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(server, None)
    async def definition(params: types.DefinitionParams) -> types.Location | list[types.Location] | None:
        return await server.navigation.definition(params)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(server, [])
    async def references(params: types.ReferenceParams) -> list[types.Location]:
        return await server.navigation.references(params)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["-", '"', " "]))
    @guarded(server, None)
    async def completion(params: types.CompletionParams) -> types.CompletionList | None:
        return await server.completion.complete(params)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files_changed(params: types.DidChangeWatchedFilesParams) -> None:
        paths = [path for change in params.changes if (path := path_of_uri(change.uri)) is not None]
        if any(path.name in CONFIGURATION_FILES for path in paths):
            server.reload_configuration()
            return
        server.files_changed(paths)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration_changed(params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings.get("seedlint") if isinstance(params.settings, dict) else None
        if isinstance(settings, dict):
            apply_options(server, settings)

    return server


def apply_options(server: SeedlintServer, options: dict[str, Any]) -> None:
    """initializationOptions (or the `seedlint` settings section): debounceMs, maxAffected."""
    diagnostics = server.diagnostics
    debounce = _option(server, options, "debounceMs", 5_000)
    if debounce is not None:
        diagnostics.debounce = debounce / 1000
    most = _option(server, options, "maxAffected", 100_000)
    if most is not None:
        diagnostics.max_affected = most
    unknown = sorted(set(options) - {"debounceMs", "maxAffected"})
    if unknown:
        server.show(f"seedlint: unknown server option(s) {', '.join(unknown)} (known: debounceMs, maxAffected)")


def _option(server: SeedlintServer, options: dict[str, Any], name: str, most: int) -> int | None:
    """An integer option from 0 to `most`; None when absent, or not one (said to the editor: it keeps its default)."""
    value = options.get(name)
    if value is None or (type(value) is int and 0 <= value <= most):
        return value
    server.show(f"seedlint: server option {name} must be an integer from 0 to {most:,}, not {value!r}: ignored")
    return None


def _end_at_once(signum: int, frame: object) -> None:
    """SIGTERM (an editor ending its server) ends the server at once, its workers with it (engine.end_with_the_run),
    by the signal's default action: not as a `seedlint check` ends on it (failsafe.Terminated), since a server
    stopped that way waits for ever on the thread that reads stdin. First, the folder multiprocessing made in the
    temporary folder for the worker processes (`pymp-*`, the fork server's socket) is removed: ended by the default
    action alone, the server left it behind, one more at each editor session."""
    folder = multiprocessing.current_process()._config.get("tempdir")  # type: ignore[attr-defined]  # (a private)
    if isinstance(folder, str):
        shutil.rmtree(folder, ignore_errors=True)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def serve() -> None:
    """Run the server on stdin and stdout until the editor says exit."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        # Worker processes (checking a corpus the cache does not know yet) must not be forked from a process
        # with threads (the server reads stdin in one): forkserver starts them from a clean process.
        multiprocessing.set_start_method("forkserver", force=True)
    signal.signal(signal.SIGTERM, _end_at_once)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # stdout carries the protocol: a stray print must not corrupt it
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="seedlint server: %(message)s")
    server = create_server()
    server.start_io(stdin, stdout)
    # LSP: 0 when the editor asked `shutdown` first, else 1 (pygls's own exit code is lost in start_io).
    sys.exit(0 if server.protocol._shutdown else 1)
