"""Navigation in the corpus: hover (a rule code's documentation; a related entry's target and whether the copy
is stale), go to definition (a related entry → the document it names), find references (the documents that
copy a document). Resolution is the corpus index's, with open documents' unsaved texts laid over the saved
corpus, as for the diagnostics. An address several documents share (captures of one article, SL508) names all
of them: hover lists them, definition and references go to each; none is picked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from seedlint.corpus import IndexRecord, Resolution, differing_fields
from seedlint.document import Document
from seedlint.escaping import inert_lines, markdown_code, markdown_inert
from seedlint.registry import FAMILIES
from seedlint.rules import find_rule
from seedlint.server import ruledocs
from seedlint.server.context import code_at, path_at
from seedlint.server.convert import PositionMap
from seedlint.server.features.actions import span
from seedlint.server.features.diagnostics import Diagnostics
from seedlint.server.project import Project
from seedlint.server.session import OpenDocument, Text

if TYPE_CHECKING:
    from seedlint.server.editor import Editor

MOST_REFERENCES = 2_000


class Navigation:
    def __init__(self, server: Editor, diagnostics: Diagnostics):
        self.server, self.diagnostics, self.session = server, diagnostics, server.session

    async def _at(self, uri: str, position: types.Position) -> tuple[OpenDocument, Text, int] | None:
        document = self.session.documents.get(uri)
        if document is None:
            return None
        await self.diagnostics.current(document)
        state = document.state
        if state is None or document.project is None or not document.project.loaded:
            return None
        return document, state, PositionMap(state.text, self.server.encoding).offset(position)

    # Hover -----------------------------------------------------------------------------------------------

    async def hover(self, params: types.HoverParams) -> types.Hover | None:
        found = await self._at(params.text_document.uri, params.position)
        if found is None:
            return None
        document, state, offset = found
        code = code_at(state.text, offset)
        if code is not None:
            return markdown(rule_help(code))
        positions = PositionMap(state.text)
        codes = []
        for diagnostic in document.findings or []:
            first, last = span(diagnostic, positions)
            if first <= offset <= last and diagnostic.code not in codes:
                codes.append(diagnostic.code)
        parts = [rule_help(code) for code in codes]
        entry = related_index(state.document, offset)
        if entry is not None:  # the entry's target first, then the rules of the findings there
            assert document.project is not None
            parts.insert(0, self.entry_help(document.project, state, entry))
        return markdown("\n\n---\n\n".join(parts)) if parts else None

    def entry_help(self, project: Project, state: Text, index: int) -> str:
        record = state.checked.record
        ref = next((r for r in record.related if r.index == index), None) if record is not None else None
        if ref is None or ref.url is None:
            return f"related[{index}] has no webUrl: it links nowhere"
        found = self.resolve(project, ref.url, ref.key)
        if not found:
            return f"related[{index}] → {markdown_inert(ref.url)}\n\nresolves to no document of the corpus"
        own = state.source.display_path
        if own in found.paths():  # SL506, never also a stale copy
            others = ", ".join(f"**{markdown_inert(o.name)}**" for o in found.candidates if o.path != own)
            also = f" (also the address of {others}: SL508)" if others else ""
            return f"related[{index}] → {markdown_inert(ref.url)}\n\nis this document's own address{also}"
        target = found.target
        if target is None:
            return self.ambiguous_help(index, ref.url, ref.copied, found)
        differing = differing_fields(ref.copied, target.fingerprints)
        spelled = "" if found.exact else f", at {markdown_inert(target.url or '')} (another spelling of this address)"
        lines = [f"related[{index}] → **{markdown_inert(target.name)}** ({markdown_code(target.path)}){spelled}", ""]
        if not differing:
            lines.append("Up to date: its copied fields match the document.")
            return "\n".join(lines)
        lines.append(f"**Stale copy**: {', '.join(differing)} differ{'s' if len(differing) == 1 else ''}.")
        entries = state.document.data.get("related") if state.document.data is not None else None
        entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
        entry = entry if isinstance(entry, dict) else {}
        now = self.document_of(project, target.path)
        now_data = now.data if now is not None and now.data is not None else {}
        for name in differing:
            lines += [
                "",
                f"- {name} here: {shown(entry.get(name))}",
                f"- {name} in {markdown_inert(target.name)} now: {shown(now_data.get(name))}",
            ]
        return "\n".join(lines)

    @staticmethod
    def ambiguous_help(index: int, url: str, copied: bytes, found: Resolution) -> str:
        """An address several documents share (captures of one article): each of them, and whether the entry copies
        it. Which one the entry describes is not guessed; it is stale only when it copies none (as SL505 says)."""
        lines = [
            f"related[{index}] → {markdown_inert(url)}",
            "",
            f"names {len(found.candidates)} documents at that address (captures of one article: SL508); "
            "which one it describes is not guessed:",
            "",
        ]
        copies = 0
        for candidate in found.candidates:
            differing = differing_fields(copied, candidate.fingerprints)
            copies += not differing
            state = (
                f"{', '.join(differing)} differ{'s' if len(differing) == 1 else ''}"
                if differing
                else "its copied fields match this entry"
            )
            lines.append(f"- **{markdown_inert(candidate.name)}** ({markdown_code(candidate.path)}): {state}")
        lines.append("")
        lines.append(
            "Up to date: it copies one of them."
            if copies
            else "**Stale copy**: it copies none of them (no fix: which one it should copy is not guessed)."
        )
        return "\n".join(lines)

    # Definition and references ------------------------------------------------------------------------------

    async def definition(self, params: types.DefinitionParams) -> types.Location | list[types.Location] | None:
        """The document a related entry names, at its title; every one of them when its address names several
        (captures of one article: which one the entry describes is not guessed)."""
        found = await self._at(params.text_document.uri, params.position)
        if found is None:
            return None
        document, state, offset = found
        index = related_index(state.document, offset)
        record = state.checked.record
        if index is None or record is None or document.project is None:
            return None
        ref = next((r for r in record.related if r.index == index), None)
        targets = self.resolve(document.project, ref.url, ref.key).candidates if ref is not None else ()
        located = [self.location(document.project, target.path, ("title",)) for target in targets]
        locations = [location for location in located if location is not None]
        return locations[0] if len(locations) == 1 else locations or None

    async def references(self, params: types.ReferenceParams) -> list[types.Location]:
        """The documents that copy this document (or, on a related entry, the document that entry names: every one
        of them when its address names several)."""
        found = await self._at(params.text_document.uri, params.position)
        if found is None:
            return []
        document, state, offset = found
        project = document.project
        assert project is not None
        own = state.checked.record
        targets: tuple[IndexRecord, ...] = (own,) if own is not None else ()
        index = related_index(state.document, offset)
        if index is not None and own is not None:
            ref = next((r for r in own.related if r.index == index), None)
            targets = self.resolve(project, ref.url, ref.key).candidates if ref is not None else ()
        if not targets:
            return []
        texts = self.session.open_texts(project)
        index_now = self.session.overlay(project, texts)
        aliases = {alias for target in targets for alias in target.aliases}
        wanted = {target.path for target in targets}
        candidates: set[str] = set()
        for alias in aliases:
            candidates |= project.referrers.get(alias, set())
        candidates |= set(texts)
        locations = []
        if params.context.include_declaration:
            locations += [self.location(project, target.path, ("title",)) for target in targets]
        for path in sorted(candidates):
            record = self.session.record(project, path, texts)
            for ref in record.related if record is not None else ():
                if ref.key in aliases and wanted.intersection(index_now.resolve(ref.url, ref.key).paths()):
                    locations.append(self.location(project, path, ("related", ref.index, "webUrl")))
            if len(locations) >= MOST_REFERENCES:
                self.server.log(f"seedlint: more than {MOST_REFERENCES} references; the first are listed")
                break
        return [location for location in locations if location is not None]

    # Helpers ---------------------------------------------------------------------------------------------

    def resolve(self, project: Project, url: str | None, key: str | None) -> Resolution:
        """What a related entry names, with the open documents' unsaved texts laid over the saved corpus: no
        document, one, or several captures of one article at that address (never one of them picked)."""
        return self.session.overlay(project, self.session.open_texts(project)).resolve(url, key)

    def document_of(self, project: Project, path: str) -> Document | None:
        text = self.session.open_texts(project).get(path)
        return text.document if text is not None else self.session.saved_document(project, path)

    def location(self, project: Project, path: str, where: tuple) -> types.Location | None:
        source = project.sources.get(path)
        text = self.session.open_texts(project).get(path)
        if text is not None:
            source = text.source
        if source is None:
            return None
        doc = self.document_of(project, path)
        uri = self.server.uri_of(source)
        start = types.Position(line=0, character=0)
        if doc is None or doc.text is None or doc.root is None:
            return types.Location(uri=uri, range=types.Range(start=start, end=start))
        try:
            found = doc.value_span(where)
        except (KeyError, IndexError, ValueError):
            return types.Location(uri=uri, range=types.Range(start=start, end=start))
        return types.Location(uri=uri, range=PositionMap(doc.text, self.server.encoding).range(found.start, found.end))


def related_index(doc: Document, offset: int) -> int | None:
    path = path_at(doc, offset)
    return path[1] if len(path) >= 2 and path[0] == "related" and isinstance(path[1], int) else None


def rule_help(code: str) -> str:
    rule = find_rule(code)
    if rule is not None:
        link = ruledocs.link(rule.code)
        return ruledocs.markdown(rule) + (f"\n[{rule.code} documentation]({link})" if link else "")
    family = FAMILIES.get(code)
    return f"**{code}**: the {family} rules (`seedlint rules` lists them)" if family else f"**{code}**: no such rule"


def markdown(text: str) -> types.Hover:
    """(Made inert as `seedlint check` shows text: the document text in it is already made inert, and its Markdown
    escaped, where it is put in.)"""
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=inert_lines(text)))


def shown(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key} {shown(item)}" for key, item in value.items() if key in ("name", "domain"))
    text = str(value) if value is not None else "(none)"
    return markdown_inert(f'"{text}"' if len(text) <= 200 else f'"{text[:197]}..."')
