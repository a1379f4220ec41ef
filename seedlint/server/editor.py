"""What the features need of the server: the session, and ways to talk to the editor (the server implements
this; the features never import the server, so the layers stay one-way)."""

from __future__ import annotations

from typing import Protocol

from lsprotocol import types

from seedlint.discovery import SourceFile
from seedlint.server.project import Project
from seedlint.server.session import Session


class Editor(Protocol):
    session: Session
    encoding: str  # the negotiated position encoding

    def publish(self, uri: str, diagnostics: list[types.Diagnostic], version: int | None) -> None: ...

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None: ...

    def show(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None: ...

    def internal_error(self, message: str) -> None: ...

    async def load_project(self, project: Project) -> None: ...

    def uri_of(self, source: SourceFile) -> str: ...

    def uris_of(self, project: Project) -> dict[str, str]: ...
