"""Code actions: each finding's fix as a quick fix (labelled safe or unsafe), "suppress this finding on this
line", and "fix all safe findings" as a source action (`source.fixAll.seedlint`, which editors can run on save).

Every edit is the engine's own (`Fix.edits`, character offsets into the text), applied and verified exactly as
`seedlint fix` does (seedlint.fixer: the fixed text must parse into the same data but at the fixed values, for
libyaml and ruamel.yaml alike). Verifying reads the document again, so when the editor can resolve actions
lazily the edit is computed only for the action chosen (`codeAction/resolve`).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import yaml
from lsprotocol import types

from seedlint import fixer, suppressions
from seedlint.corpus import COPIED_FIELDS, NOTHING, Resolution
from seedlint.diagnostic import Applicability, Diagnostic, Edit
from seedlint.document import Document, parse_document
from seedlint.edits import double_quoted, render_scalar
from seedlint.escaping import inert
from seedlint.server.context import path_at
from seedlint.server.convert import PositionMap
from seedlint.server.features.diagnostics import Diagnostics, to_lsp
from seedlint.server.session import OpenDocument, Text

if TYPE_CHECKING:
    from seedlint.server.editor import Editor

FIX_ALL = "source.fixAll.seedlint"
QUICK_FIX = types.CodeActionKind.QuickFix
REWRITE = types.CodeActionKind.RefactorRewrite


class Actions:
    def __init__(self, server: Editor, diagnostics: Diagnostics):
        self.server, self.diagnostics, self.session = server, diagnostics, server.session
        self.lazy = False  # the client resolves actions: edits are computed when one is chosen
        self.versioned = False  # the client takes versioned document changes
        self.disabled = False  # the client shows disabled actions (with why)

    def configure(self, capabilities: types.ClientCapabilities) -> None:
        text = capabilities.text_document
        action = text.code_action if text is not None else None
        resolve = action.resolve_support if action is not None else None
        self.lazy = bool(resolve is not None and "edit" in resolve.properties and action and action.data_support)
        self.disabled = bool(action is not None and action.disabled_support)
        workspace = capabilities.workspace
        edit = workspace.workspace_edit if workspace is not None else None
        self.versioned = bool(edit is not None and edit.document_changes)

    # textDocument/codeAction -----------------------------------------------------------------------------

    async def actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = self.session.documents.get(params.text_document.uri)
        if document is None:
            return []
        findings = await self.diagnostics.current(document)
        state = document.state
        if state is None:
            return []
        positions = PositionMap(state.text, self.server.encoding)
        only = params.context.only

        def wanted(kind: str) -> bool:
            return only is None or any(kind == k or kind.startswith(f"{k}.") for k in only)

        found: list[types.CodeAction] = []
        if wanted(QUICK_FIX):
            start, end = positions.offset(params.range.start), positions.offset(params.range.end)
            for index, diagnostic in enumerate(findings):
                first, last = span(diagnostic, positions)
                if first > end or last < start:
                    continue
                if diagnostic.fix is not None and diagnostic.fix.edits:
                    found.append(await self.action(document, state, positions, index, "fix"))
                found.append(await self.action(document, state, positions, index, "suppress"))
        if wanted(REWRITE):
            path = path_at(state.document, positions.offset(params.range.start))
            if len(path) >= 2 and path[0] == "related" and isinstance(path[1], int) and self.missing(document, path[1]):
                found.append(await self.action(document, state, positions, path[1], "copyFields"))
        if wanted(FIX_ALL) and any(safe(d) for d in findings):
            found.append(await self.action(document, state, positions, -1, "fixAll"))
        return [action for action in found if action is not None]

    async def action(self, document: OpenDocument, state: Text, positions: PositionMap, index: int, kind: str) -> Any:
        findings = document.findings or []
        diagnostic = findings[index] if kind in ("fix", "suppress") and 0 <= index < len(findings) else None
        if kind == "fixAll":
            action = types.CodeAction(title="Fix all safe seedlint findings", kind=FIX_ALL)
        elif kind == "copyFields":
            if self.missing(document, index) is None:
                return None
            missing, target = self.missing(document, index)
            title = f"related[{index}]: copy {', '.join(missing)} from {target}"
            action = types.CodeAction(title=inert(title), kind=REWRITE)
        elif kind == "fix" and diagnostic is not None and diagnostic.fix is not None:
            how = "safe" if safe(diagnostic) else "unsafe: may change meaning"
            what = diagnostic.fix.description or "apply the fix"
            action = types.CodeAction(
                title=inert(f"{diagnostic.code}: {what} ({how})"),  # (a fix's description may quote the document)
                kind=QUICK_FIX,
                diagnostics=[to_lsp(diagnostic, positions)],
                is_preferred=safe(diagnostic),
            )
        elif diagnostic is not None and suppressible(document, diagnostic):
            action = types.CodeAction(
                title=f"{diagnostic.code}: suppress this finding (# seedlint: ignore[{diagnostic.code}])",
                kind=QUICK_FIX,
                diagnostics=[to_lsp(diagnostic, positions)],
            )
        else:
            return None
        action.data = {"uri": document.uri, "version": document.version, "kind": kind, "index": index}
        if self.lazy:
            return action
        return await self.resolve(action, eager=True)

    # codeAction/resolve -----------------------------------------------------------------------------------

    async def resolve(self, action: types.CodeAction, eager: bool = False) -> Any:
        data = action.data if isinstance(action.data, dict) else {}
        document = self.session.documents.get(str(data.get("uri")))
        if document is None or document.version != data.get("version"):
            self.server.show("seedlint: the document changed since this action was offered; ask for it again")
            return action
        findings = await self.diagnostics.current(document)
        state = document.state
        index = data.get("index")
        if state is None or not isinstance(index, int) or (index >= len(findings) and data.get("kind") != "copyFields"):
            return action
        if data.get("kind") == "fixAll":
            new_text, problem = self.fixed_all(document, state)
        elif data.get("kind") == "copyFields":
            new_text, problem = self.copied(document, state, index)
        else:
            diagnostic = findings[index]
            if data.get("kind") == "fix":
                edits = list(diagnostic.fix.edits) if diagnostic.fix is not None else []
                new_text = fixer.apply_edits(state.text, edits)
                problem = fixer.verify(state.document, new_text, edits)
            else:
                new_text, problem = suppressed(state, diagnostic)
        if problem is not None:
            reason = f"seedlint: this change is not applied: {problem}"
            if eager and self.disabled:
                action.disabled = types.CodeActionDisabled(reason=reason)
            elif eager:
                return None
            else:
                self.server.show(reason)
            return action
        if new_text != state.text:
            action.edit = self.edit(document, state.text, new_text)
        return action

    def edit(self, document: OpenDocument, old: str, new: str) -> types.WorkspaceEdit:
        """One text edit covering what differs between the old and the new text."""
        prefix = 0
        limit = min(len(old), len(new))
        while prefix < limit and old[prefix] == new[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
            suffix += 1
        start, end = prefix, len(old) - suffix
        # An LSP position cannot fall between the `\r` and the `\n` of a line break (the end of the line is before
        # both): a range that starts or ends there takes in the whole line break, or a removed `\r` is lost.
        if 0 < start < len(old) and old[start - 1 : start + 1] == "\r\n":
            start -= 1
        if 0 < end < len(old) and old[end - 1 : end + 1] == "\r\n":
            end += 1
        positions = PositionMap(old, self.server.encoding)
        change = types.TextEdit(
            range=positions.range(start, end),
            new_text=old[start:prefix] + new[prefix : len(new) - suffix] + old[len(old) - suffix : end],
        )
        if self.versioned:
            identifier = types.OptionalVersionedTextDocumentIdentifier(uri=document.uri, version=document.version)
            return types.WorkspaceEdit(
                document_changes=[types.TextDocumentEdit(text_document=identifier, edits=[change])]
            )
        return types.WorkspaceEdit(changes={document.uri: [change]})

    def named(self, document: OpenDocument, index: int) -> Resolution:
        """What related[index] names, with the open documents' unsaved texts laid over the saved corpus."""
        state, project = document.state, document.project
        record = state.checked.record if state is not None else None
        if record is None or project is None:
            return NOTHING
        ref = next((r for r in record.related if r.index == index), None)
        texts = self.session.open_texts(project)
        return self.session.overlay(project, texts).resolve(ref.url, ref.key) if ref is not None else NOTHING

    def target_of(self, document: OpenDocument, index: int) -> tuple[str, Document | None] | None:
        """(file name, document) of what related[index] names, when it names one document but its own (an address
        several captures share names none of them: which one to copy is not guessed)."""
        state, project = document.state, document.project
        target = self.named(document, index).target
        if target is None or project is None or (state is not None and target.path == state.source.display_path):
            return None
        text = self.session.open_texts(project).get(target.path)
        return target.name, text.document if text is not None else self.session.saved_document(project, target.path)

    def missing(self, document: OpenDocument, index: int) -> Any:
        """(the copied fields related[index] lacks and its target has, the target's name), or None."""
        state = document.state
        found = self.target_of(document, index)
        data = state.document.data if state is not None else None
        if found is None or found[1] is None or found[1].data is None or data is None:
            return None
        entries = data.get("related")
        entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
        if not isinstance(entry, dict):
            return None
        missing = [name for name in COPIED_FIELDS if name not in entry and rendered(name, found[1].data.get(name))]
        return (missing, found[0]) if missing else None

    def copied(self, document: OpenDocument, state: Text, index: int) -> tuple[str, str | None]:
        """The text with the fields related[index] lacks copied from its target, as new lines of the entry."""
        found = self.target_of(document, index)
        doc = state.document
        if found is None or found[1] is None or found[1].data is None or doc.data is None or doc.text is None:
            named = self.named(document, index)
            if named.ambiguous:
                return state.text, (
                    f"the entry's address names {len(named.candidates)} documents "
                    f"({', '.join(c.name for c in named.candidates)}): which one to copy is not guessed"
                )
            if named and state.source.display_path in named.paths():
                return state.text, "the entry names this document itself"
            return state.text, "the entry names no document of the corpus"
        target = found[1].data
        entry_node = doc.locate(("related", index))[1]
        if not isinstance(entry_node, yaml.MappingNode) or not entry_node.value or entry_node.flow_style:
            return state.text, "only a block mapping entry can be filled"
        indent = " " * (doc.node_span(entry_node.value[0][0]).column - 1)
        last: yaml.Node = entry_node
        while isinstance(last, (yaml.MappingNode, yaml.SequenceNode)) and last.value:
            last = last.value[-1][1] if isinstance(last, yaml.MappingNode) else last.value[-1]
        end = doc.node_span(last).end
        line_end = doc.text.find("\n", end)
        newline = "\r\n" if line_end > 0 and doc.text[line_end - 1] == "\r" else "\n"
        at = len(doc.text) if line_end == -1 else line_end + 1
        entries = doc.data.get("related")
        entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
        if not isinstance(entries, list) or not isinstance(entry, dict):
            return state.text, "only a block mapping entry can be filled"
        added = {name: target[name] for name in COPIED_FIELDS if name not in entry and rendered(name, target.get(name))}
        lines = [f"{indent}{line}" for name, value in added.items() for line in rendered(name, value)]
        insertion = ("" if line_end != -1 else newline) + newline.join(lines) + newline
        new_text = doc.text[:at] + insertion + doc.text[at:]
        filled = copy.deepcopy(entry)
        for name, value in added.items():  # a provider is copied as its name and domain
            filled[name] = (
                {"name": value.get("name"), "domain": value.get("domain")} if isinstance(value, dict) else value
            )
        expected = {**doc.data, "related": [*entries[:index], filled, *entries[index + 1 :]]}
        new = parse_document(new_text.encode("utf-8", "surrogatepass"), doc.path, doc.display_path)
        if new.data != expected or new.body != doc.body:
            return state.text, "the fields cannot be inserted without changing something else"
        return new_text, None

    def fixed_all(self, document: OpenDocument, state: Text) -> tuple[str, str | None]:
        """The text with every safe fix applied to a stable point, as `seedlint fix` computes it."""
        project = document.project
        assert project is not None
        path = state.source.display_path
        text = state.text
        for _ in range(fixer.MAX_PASSES):
            candidate = Text(state.source, text, project)
            texts = self.session.open_texts(project)
            texts[path] = candidate
            findings = self.session.findings(project, [path], texts).by_path.get(path, [])
            chosen = fixer._non_overlapping([d for d in findings if safe(d)])  # the fixer's own choice
            if not chosen:
                break
            edits = list(fixer.edits_of(chosen))
            new_text = fixer.apply_edits(text, edits)
            problem = fixer.verify(candidate.document, new_text, edits)
            if problem is not None:
                return text, problem if text == state.text else None
            text = new_text
        return text, None


def rendered(name: str, value: object) -> list[str]:
    """A copied field as YAML lines (relative indentation), in the corpus's style; [] for a value it cannot hold."""
    if name == "provider" and isinstance(value, dict):
        if not isinstance(value.get("name"), str) or not isinstance(value.get("domain"), str):
            return []
        return [
            "provider:",
            f"  name: {render_scalar(value['name'], None)}",
            f"  domain: {render_scalar(value['domain'], None)}",
        ]
    if not isinstance(value, str):
        return []
    return [
        f"{name}: "
        + (
            double_quoted(value)
            if name in ("title", "excerpt")
            else render_scalar(value, None, timestamp=name == "publishedDateTime")
        )
    ]


def safe(diagnostic: Diagnostic) -> bool:
    fix = diagnostic.fix
    return fix is not None and bool(fix.edits) and fix.applicability is Applicability.SAFE


def suppressible(document: OpenDocument, diagnostic: Diagnostic) -> bool:
    """Whether a suppression comment would silence the finding, by the rule the check applies to it: not a file
    that does not load (SL001–SL013), nor a code outside the project's `allow-suppressions` (it would be SL019)."""
    project = document.project
    allowed = project.config.allow_suppressions if project is not None else []
    return suppressions.Policy.configured(allowed).may_silence(diagnostic.code)


def span(diagnostic: Diagnostic, positions: PositionMap) -> tuple[int, int]:
    start = positions.offset_of(diagnostic.line, diagnostic.column)
    end_line = diagnostic.end_line if diagnostic.end_line is not None else diagnostic.line
    end_column = diagnostic.end_column if diagnostic.end_column is not None else diagnostic.column
    return start, max(start, positions.offset_of(end_line, end_column))


def suppressed(state: Text, diagnostic: Diagnostic) -> tuple[str, str | None]:
    """The text with a suppression comment for the finding: on its line when that line can carry a comment
    without changing any value (verified by parsing), else for the whole file. (text, why not) ."""
    doc = state.document
    text = doc.text
    if text is None or doc.yaml_end <= doc.yaml_start:
        return state.text, "a suppression is a comment in the front matter, and this file has none that can hold it"
    positions = PositionMap(text)
    code = diagnostic.code
    line_start = positions.line_start(diagnostic.line)
    candidates: list[tuple[list[Edit], int]] = []
    if doc.yaml_start <= line_start < doc.yaml_end:
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end == -1 else line_end
        if text[line_end - 1 : line_end] == "\r":
            line_end -= 1
        existing = [s for s in suppressions.find(doc)[0] if s.kind == "ignore" and s.line == diagnostic.line]
        if existing:
            comment = existing[0]
            hash_at = text.index("#", comment.start)
            closing = text.index("]", hash_at)
            candidates.append(([Edit(closing, closing, f", {code}")], diagnostic.line))
        else:
            candidates.append(([Edit(line_end, line_end, f"  # seedlint: ignore[{code}]")], diagnostic.line))
    first_line_break = "\r\n" if text[: doc.yaml_start].endswith("\r\n") else "\n"
    first = doc.yaml_start
    candidates.append(([Edit(first, first, f"# seedlint: ignore-file[{code}]{first_line_break}")], 0))
    for edits, line in candidates:
        new_text = fixer.apply_edits(text, edits)
        if fixer.verify(doc, new_text, edits) is not None:
            continue
        new = parse_document(new_text.encode("utf-8", "surrogatepass"), doc.path, doc.display_path)
        if any(code in s.codes and (s.kind == "ignore-file" or s.line == line) for s in suppressions.find(new)[0]):
            return new_text, None
    return state.text, "no comment can be placed to suppress it without changing the document's data"
