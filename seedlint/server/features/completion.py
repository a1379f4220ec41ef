"""Completion: keys from the article schema (with their descriptions), values the schema enumerates, topics
from the configured vocabulary (or, without one, the corpus's own topics, most used first), and a related
entry's webUrl from the corpus's addresses (then the code action "copy the fields from …" fills the entry)."""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from seedlint import schema
from seedlint.escaping import inert, inert_lines
from seedlint.server.context import LineContext, line_context
from seedlint.server.convert import PositionMap
from seedlint.server.features.diagnostics import Diagnostics
from seedlint.server.project import Project
from seedlint.server.session import Text
from seedlint.vocabulary import VocabularyError

if TYPE_CHECKING:
    from seedlint.server.editor import Editor

MOST_ITEMS = 200  # items per answer; the list says it is incomplete, and the editor asks again as one types


class Completion:
    def __init__(self, server: Editor, diagnostics: Diagnostics):
        self.server, self.diagnostics, self.session = server, diagnostics, server.session

    async def complete(self, params: types.CompletionParams) -> types.CompletionList | None:
        document = self.session.documents.get(params.text_document.uri)
        if document is None:
            return None
        await self.diagnostics.current(document)
        state, project = document.state, document.project
        if state is None or project is None or not project.loaded or not state.text.startswith("---"):
            return None
        positions = PositionMap(state.text, self.server.encoding)
        offset = positions.offset(params.position)
        yaml_start = state.text.find("\n") + 1
        closing = state.document.yaml_end if state.document.yaml_end > yaml_start else len(state.text)
        if not yaml_start <= offset <= closing:
            return None
        context = line_context(state.text, offset, yaml_start)
        if context is None:
            return None
        node = subschema(article_schema(project.config.schema_path), context.path)
        if context.kind == "key" and properties(node):
            items = self.keys(node, context, positions, offset)
            incomplete = False
        else:
            items, incomplete = self.values(project, state, node, context, positions, offset)
        return types.CompletionList(is_incomplete=incomplete, items=items)

    def keys(self, node: dict, context: LineContext, positions: PositionMap, offset: int) -> list[types.CompletionItem]:
        edit_range = positions.range(context.start, offset)
        return [
            types.CompletionItem(
                label=inert(key),
                kind=types.CompletionItemKind.Property,
                detail=describe_type(sub),
                # (plain text: a JSON Schema's `description` is, as editors' JSON support reads it; a project's schema
                # is the repository's, and its Markdown could show an image, fetched as the list is shown)
                documentation=types.MarkupContent(
                    kind=types.MarkupKind.PlainText, value=inert_lines(str(sub.get("description", "")))
                ),
                text_edit=types.TextEdit(range=edit_range, new_text=f"{key}: "),
                filter_text=key,
            )
            for key, sub in properties(node).items()
            if key.lower().startswith(context.prefix.lower())
        ]

    def values(
        self, project: Project, state: Text, node: dict, context: LineContext, positions: PositionMap, offset: int
    ) -> tuple[list[types.CompletionItem], bool]:
        edit_range = positions.range(context.start, offset)
        typed = context.prefix.lower()
        quoted = context.start > 0 and state.text[context.start - 1] in "\"'"
        candidates: list[tuple[str, str, str]] = []  # (value, detail, documentation)
        kind = types.CompletionItemKind.Value
        if context.path[-2:] == ("topics", "*"):
            kind = types.CompletionItemKind.EnumMember
            for topic, detail in self.topics(project):
                candidates.append((topic, detail, ""))
        elif context.path[:1] == ("related",) and context.path[-1:] == ("webUrl",):
            kind = types.CompletionItemKind.Reference
            for record in sorted(
                project.index.records, key=lambda r: str(r.value("publishedDateTime") or ""), reverse=True
            ):
                if record.url is not None:
                    title = record.value("title")
                    candidates.append((record.url, str(title) if title is not None else record.name, record.name))
        else:
            candidates = [(str(value), "", "") for value in enumerated(node)]
        matching = [c for c in candidates if typed in c[0].lower() or typed in c[1].lower()]
        items = [
            types.CompletionItem(
                label=inert(value),  # (what is shown: the value itself is inserted, as the corpus spells it)
                kind=kind,
                detail=inert(detail) or None,
                documentation=inert(documentation) or None,
                text_edit=types.TextEdit(range=edit_range, new_text=value if quoted else json.dumps(value)),
                filter_text=f"{value} {detail}" if detail else value,
                sort_text=f"{rank:05d}",
            )
            for rank, (value, detail, documentation) in enumerate(matching[:MOST_ITEMS])
        ]
        return items, len(matching) > MOST_ITEMS

    def topics(self, project: Project) -> list[tuple[str, str]]:
        config = project.config
        if config.topics:
            try:
                return [(topic, "topic vocabulary") for topic in sorted(config.topic_vocabulary() or ())]
            except VocabularyError as error:
                self.server.show(f"seedlint: cannot read the topic vocabulary {config.topics}: {error}")
                return []
        counts: Counter = Counter()
        for record in project.index.records:
            counts.update(set(record.topics))
        return [(topic, f"in {count} documents") for topic, count in counts.most_common()]


@functools.lru_cache(maxsize=4)
def article_schema(path: Path | None) -> dict:
    return json.loads(schema.schema_text(path))


def resolved(node: Any, root: dict) -> dict:
    """A subschema with its local `$ref` followed (the schema's own keywords kept beside it)."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") and seen < 20:
        target: Any = root
        for part in node["$ref"][2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    return node if isinstance(node, dict) else {}


def subschema(root: dict, path: tuple) -> dict:
    node = resolved(root, root)
    for part in path:
        if part == "*":
            node = resolved(node.get("items", {}), root)
        else:
            node = resolved(properties(node).get(part, {}), root)
        node = {**node, "__root__": root}
    return {**node, "__root__": root}


def properties(node: dict) -> dict[str, dict]:
    root = node.get("__root__", node)
    found: dict[str, dict] = {}
    for part in [node, *node.get("allOf", [])]:
        for key, sub in resolved(part, root).get("properties", {}).items():
            target = resolved(sub, root)
            found.setdefault(key, {**target, "description": sub.get("description") or target.get("description", "")})
    return found


def enumerated(node: dict) -> list[object]:
    if "enum" in node:
        return list(node["enum"])
    if "const" in node:
        return [node["const"]]
    return []


def describe_type(node: dict) -> str | None:
    kind = node.get("type")
    if isinstance(kind, list):
        return " or ".join(map(str, kind))
    if kind is None and "enum" in node:
        return "one of " + ", ".join(map(str, node["enum"]))
    return str(kind) if kind is not None else None
