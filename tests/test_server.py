"""`seedlint server` end to end: the real server process driven over stdio by a real LSP client (pytest-lsp),
on copies of real documents (tests/fixtures/azure-news: 27 documents closed under their related entries)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from seedlint import engine
from seedlint.config import load_config
from seedlint.discovery import discover

pytestmark = pytest.mark.asyncio(loop_scope="function")

FIXTURES = Path(__file__).parent / "fixtures"
AZURE = FIXTURES / "azure-news"
# A document whose related[0] and related[1] name one address, that of two captures of one article (SL508): each
# entry copies one of them exactly, so neither is stale, and related[1] is a duplicate entry (SL507).
JEDI = "2020-05-08-aws-files-a-second-jedi-protest-with-the-dod.md"
JEDI_CAPTURES = (
    "2020-05-05-exclusive-dods-cio-makes-case-for-sticking-with-jedi.md",
    "2020-05-06-exclusive-dod-cio-makes-case-for-sticking-with-jedi.md",
)
# The only document at its address, copied exactly by JEDI's related[2] (and by both captures'): retitled in a
# workspace (see `retitle`), it makes those entries stale copies (SL505), the real stale copy of these tests.
FIRST_RING = "2020-05-08-first-ring-daily-live-return-of-the-jedi.md"
FIRST_RING_TITLE = "First Ring Daily Live: Return of the Jedi"
# Copied, byte for byte, by the ten MariaDB documents' related lists (all clean).
DEFENDER = "2021-06-09-azure-database-for-mariadb-azure-defender-in-general-availability.md"
LARGE_STORAGE = "2020-06-10-large-storage-for-azure-database-for-mariadb.md"
WAIT = 60  # seconds: generous (a loaded machine); a healthy server answers in well under one


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    shutil.copytree(AZURE, folder)
    return folder


def retitle(workspace: Path, name: str = FIRST_RING) -> str:
    """The document retitled on disk ("Now: " before its title), before a server reads the workspace: every entry
    that copied it exactly is now a stale copy. Its new title."""
    path = workspace / name
    text = path.read_text(encoding="utf-8")
    assert text.count('\ntitle: "') == 1
    path.write_text(text.replace('\ntitle: "', '\ntitle: "Now: ', 1), encoding="utf-8")
    return "Now: " + text.split('\ntitle: "', 1)[1].split('"\n', 1)[0]


# JEDI with FIRST_RING retitled: the duplicate entry, and related[2]'s title (line 61) a stale copy.
JEDI_FINDINGS = [("SL507", 47, 12, 47, 103, 2), ("SL505", 60, 11, 60, 54, 2)]
JEDI_STALE = (
    f'related[2] is a stale copy of {FIRST_RING} (title differs): title is "{FIRST_RING_TITLE}" but {FIRST_RING} '
    f'now has "Now: {FIRST_RING_TITLE}"'
)


async def start(workspace: Path, capabilities: str = "neovim@v0.7.0", **options: object) -> LanguageClient:
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "seedlint", "server"],
        server_env={**os.environ, "XDG_CACHE_HOME": str(workspace.parent / "xdg-cache")},
    )
    client = await config.start()
    assert isinstance(client, LanguageClient)
    uri = workspace.as_uri()
    params = types.InitializeParams(
        capabilities=client_capabilities(capabilities),
        root_uri=uri,
        workspace_folders=[types.WorkspaceFolder(uri=uri, name=workspace.name)],
        initialization_options=options or None,
    )
    await client.initialize_session(params)
    return client


@pytest_asyncio.fixture
async def client(workspace: Path) -> AsyncIterator[LanguageClient]:
    client = await start(workspace)
    yield client
    await client.shutdown_session()
    await client.stop()


def uri_of(path: Path) -> str:
    return path.as_uri()


def open_document(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = uri_of(path)
    content = text if text is not None else path.read_text(encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=content)
        )
    )
    return uri


def change_document(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def diagnostics_when(
    client: LanguageClient, uri: str, ready: Callable[[Sequence[types.Diagnostic]], bool]
) -> Sequence[types.Diagnostic]:
    """The diagnostics published for `uri` once they satisfy `ready` (a hung server fails after WAIT)."""
    async with asyncio.timeout(WAIT):
        while True:
            found = client.diagnostics.get(uri)
            if found is not None and ready(found):
                return found
            await asyncio.sleep(0.02)


async def complete_diagnostics(client: LanguageClient, uri: str) -> Sequence[types.Diagnostic]:
    """The diagnostics of an open document with its cross-document findings: not those published first, while the
    corpus loads (its own findings only). A request about the document waits for the corpus and its complete
    diagnostics, which are published before the answer comes."""
    async with asyncio.timeout(WAIT):
        await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
    return client.diagnostics[uri]


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT):
        while not condition():
            await asyncio.sleep(0.02)


def has(*codes: str) -> Callable[[Sequence[types.Diagnostic]], bool]:
    return lambda found: all(any(d.code == code for d in found) for code in codes)


def lacks(*codes: str) -> Callable[[Sequence[types.Diagnostic]], bool]:
    return lambda found: not any(d.code in codes for d in found)


def summary(found: Sequence[types.Diagnostic]) -> list[tuple]:
    return [
        (d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.severity)
        for d in found
    ]


def cli_findings(workspace: Path, name: str) -> list[tuple]:
    """What `seedlint check` reports on the whole corpus for one document, in LSP terms (these documents are ASCII
    up to the findings' columns, so columns only shift to 0-based)."""
    config = load_config(start=workspace)
    result = engine.run(discover([workspace], config, cwd=workspace), config)
    severities = {"error": 1, "warning": 2, "info": 3}
    return [
        (d.code, d.line - 1, d.column - 1, d.end_line - 1, d.end_column - 1, severities[d.severity.value], d.message)
        for d in result.diagnostics
        if d.path == name and d.end_line is not None and d.end_column is not None
    ]


# Diagnostics ---------------------------------------------------------------------------------------------------


async def test_open_publishes_what_the_cli_reports_with_exact_ranges_codes_and_links(workspace):
    retitle(workspace)
    client = await start(workspace)
    try:
        uri = open_document(client, workspace / JEDI)
        found = await diagnostics_when(client, uri, has("SL505", "SL507"))
    finally:
        await client.shutdown_session()
        await client.stop()
    assert [(*row, d.message) for row, d in zip(summary(found), found, strict=True)] == cli_findings(workspace, JEDI)
    assert summary(found) == JEDI_FINDINGS
    duplicate, stale = found
    assert duplicate.message == (
        "related[1] → https://breakingdefense.com/2020/05/exclusive-dods-cio-makes-case-for-sticking-with-jedi/ "
        "names the same address again (already related[0])"
    )
    assert stale.message == JEDI_STALE
    assert stale.source == "seedlint"
    assert stale.code_description is not None
    documentation = Path(stale.code_description.href.removeprefix("file://"))
    assert documentation.parts[-4:] == ("seedlint", documentation.parts[-3], "rules", "SL505.md")
    assert documentation.read_text(encoding="utf-8").startswith("# SL505 related-stale-copy\n")


async def test_a_date_broken_in_the_unsaved_text_is_reported_at_its_exact_range(client, workspace):
    path = workspace / DEFENDER
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, text)
    await diagnostics_when(client, uri, has("SL606"))
    change_document(
        client,
        uri,
        2,
        text.replace("publishedDateTime: 2021-06-09T16:00:42Z", "publishedDateTime: 2021-06-31T16:00:42Z"),
    )
    found = await diagnostics_when(client, uri, has("SL202"))
    [date] = [d for d in found if d.code == "SL202"]
    assert summary([date]) == [("SL202", 4, 19, 4, 39, 1)]
    assert date.message == "publishedDateTime 2021-06-31T16:00:42Z is not a real date: June 2021 has 30 days"
    assert client.diagnostics[uri] is found  # the file on disk was not touched: the text checked is the editor's
    assert "2021-06-09T16:00:42Z" in path.read_text(encoding="utf-8")


async def test_a_retitle_reports_stale_copies_in_the_documents_that_copy_it_and_a_revert_clears_them(client, workspace):
    path = workspace / DEFENDER
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, text)
    await diagnostics_when(client, uri, has("SL606"))
    other = uri_of(workspace / LARGE_STORAGE)
    assert other not in client.diagnostics  # documents not open are published only when a change affects them
    retitled = text.replace(
        'title: "Azure Database for MariaDB Azure Defender', 'title: "Azure Defender for MariaDB', 1
    )
    change_document(client, uri, 2, retitled)
    found = await diagnostics_when(client, other, has("SL505"))
    [stale] = [d for d in found if d.code == "SL505"]
    assert summary([stale]) == [("SL505", 23, 11, 23, 78, 2)]
    assert stale.message == (
        f"related[0] is a stale copy of {DEFENDER} (title differs): title is "
        '"Azure Database for MariaDB Azure Defender in general availability" but '
        f'{DEFENDER} now has "Azure Defender for MariaDB in general availability"'
    )

    def copies() -> list[str]:
        return [u for u, ds in client.diagnostics.items() if any(d.code == "SL505" for d in ds)]

    await until(lambda: len(copies()) >= 9)
    await asyncio.sleep(0.5)
    assert len(copies()) == 9  # every MariaDB document but the retitled one copies it, and nothing else
    change_document(client, uri, 3, text)
    await diagnostics_when(client, other, lacks("SL505"))
    assert list(client.diagnostics[other]) == [d for d in found if d.code != "SL505"]


async def test_the_configuration_of_the_documents_project_is_honoured(workspace):
    (workspace / "seedlint.toml").write_text('paths = ["."]\nignore = ["SL507"]\nseverity = { SL505 = "error" }\n')
    retitle(workspace)
    client = await start(workspace)
    try:
        uri = open_document(client, workspace / JEDI)
        found = await diagnostics_when(client, uri, has("SL505"))
        assert summary(found) == [("SL505", 60, 11, 60, 54, 1)]
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_an_invalid_configuration_is_a_message_and_the_server_keeps_serving(workspace):
    (workspace / "seedlint.toml").write_text('paths = ["."]\nfuture-tolerance-days = -5\n')
    retitle(workspace)
    client = await start(workspace)
    try:
        uri = open_document(client, workspace / JEDI)
        [problem] = await diagnostics_when(client, uri, lambda found: len(found) == 1)
        assert problem.message == (
            f"seedlint cannot check this document: {workspace / 'seedlint.toml'}:2: "
            "`future-tolerance-days` must be between 0 and 3650, not -5"
        )
        assert problem.severity == types.DiagnosticSeverity.Error
        async with asyncio.timeout(WAIT):
            while not client.messages:
                await asyncio.sleep(0.02)
        assert client.messages[0].message == f"seedlint: {problem.message.split(': ', 1)[1]}"
        (workspace / "seedlint.toml").write_text('paths = ["."]\n')  # fixed and saved: checked again
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=uri_of(workspace / "seedlint.toml"))
            )
        )
        found = await diagnostics_when(client, uri, has("SL505", "SL507"))
        assert summary(found) == JEDI_FINDINGS
    finally:
        await client.shutdown_session()
        await client.stop()


@pytest.mark.parametrize(
    ("name", "toml", "line"), [("seedlint.toml", "", 1), ("pyproject.toml", "[tool.seedlint]\n", 2)]
)
async def test_a_configuration_that_is_no_toml_is_a_message_not_an_internal_error(workspace, name, toml, line):
    (workspace / name).write_text(f"{toml}severity = {{SL504 = \n")
    retitle(workspace)
    client = await start(workspace)
    try:
        uri = open_document(client, workspace / JEDI)
        [problem] = await diagnostics_when(client, uri, lambda found: len(found) == 1)
        assert problem.message == (
            f"seedlint cannot check this document: {workspace / name}:{line}:21: invalid TOML: Invalid value"
        )
        assert problem.severity == types.DiagnosticSeverity.Error
        await until(lambda: bool(client.messages))
        assert [m.message for m in client.messages] == [f"seedlint: {problem.message.split(': ', 1)[1]}"]
        (workspace / name).write_text(f'{toml}paths = ["."]\n')  # fixed and saved: checked again
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri_of(workspace / name)))
        )
        found = await diagnostics_when(client, uri, has("SL505", "SL507"))
        assert summary(found) == JEDI_FINDINGS
        (workspace / name).write_text(f"{toml}severity = {{SL504 = \n")  # broken again: the error, not the findings
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri_of(workspace / name)))
        )
        assert list(await diagnostics_when(client, uri, lambda found: len(found) == 1)) == [problem]
        assert not [m for m in client.log_messages if "internal error" in m.message]
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_pattern_that_backtracks_for_ever_in_a_saved_document_leaves_the_server_answering(tmp_path):
    # The corpus is read in a thread, where a step's time is not bounded: a configured pattern that backtracks for
    # ever on a saved document held the interpreter, and the whole server froze (not even the first diagnostics of
    # the document opened). Its files are now checked in a worker process, which bounds the step (SL106).
    (tmp_path / "seedlint.toml").write_text('schema = "s.json"\n')
    (tmp_path / "s.json").write_text('{"properties": {"title": {"type": "string", "pattern": "^(a+)+$"}}}')
    (tmp_path / "good.md").write_text("---\ntitle: aaa\n---\n")
    (tmp_path / "bad.md").write_text("---\ntitle: " + "a" * 40 + "!\n---\n")
    client = await start(tmp_path)
    try:
        assert summary(await complete_diagnostics(client, open_document(client, tmp_path / "good.md"))) == []
        found = await complete_diagnostics(client, open_document(client, tmp_path / "bad.md"))
        assert summary(found) == [("SL106", 1, 7, 1, 48, 1)]
        assert found[0].message == (
            '`title` could not be checked against the pattern "^(a+)+$": matching stopped after 1 s of CPU time (the'
            " pattern backtracks catastrophically on this value; simplify it)"
        )
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_configuration_that_selects_no_rule_is_the_projects_error(tmp_path):
    """As on the command line: a project whose `ignore` covers every selected rule would show no finding at all."""
    from seedlint.server.project import new_project

    (tmp_path / "seedlint.toml").write_text('ignore = ["SL"]\n')
    project = new_project(str(tmp_path), tmp_path, tmp_path / "seedlint.toml")
    assert project.error is not None and project.error.startswith("no rule is selected: `ignore` (SL) covers")


async def test_a_topic_vocabulary_that_cannot_be_used_is_the_projects_error(tmp_path):
    """As on the command line: one error for the project, not a failure in every document's check."""
    from seedlint.server.project import new_project

    (tmp_path / "registry" / "topics").mkdir(parents=True)
    (tmp_path / "seedlint.toml").write_text('topics = "registry"\n')
    project = new_project(str(tmp_path), tmp_path, tmp_path / "seedlint.toml")
    assert project.error == (
        "topic vocabulary registry: no .md, .yaml or .yml file in the folder (it holds the folders topics: is the "
        "vocabulary in one of them?)"
    )


async def test_a_binary_text_and_a_huge_text_are_findings_not_a_dead_server(client, workspace):
    binary = workspace / "binary.md"
    binary.write_bytes(b"---\ntitle: x\x00\n---\n")
    uri = open_document(client, binary, "---\ntitle: x\x00\n---\n")
    found = await diagnostics_when(client, uri, has("SL003"))
    assert [(d.code, d.message) for d in found] == [
        ("SL003", "file contains NUL bytes: binary data, not a text document")
    ]
    huge = workspace / "huge.md"
    text = "---\ntitle: x\n---\n" + "word " * 2_200_000
    huge.write_text(text)
    uri = open_document(client, huge, text)
    found = await diagnostics_when(client, uri, has("SL002"))
    assert [(d.code, d.message) for d in found] == [
        ("SL002", "file is 11,000,017 bytes; documents over 10,485,760 bytes are not parsed")
    ]
    uri = open_document(client, workspace / JEDI)  # still serving, with the cross-document findings
    found = await diagnostics_when(client, uri, has("SL507"))
    assert summary(found) == JEDI_FINDINGS[:1]


@pytest.mark.parametrize(("encoding", "end"), [("utf-16", 22), ("utf-8", 25), ("utf-32", 21)])
async def test_positions_are_counted_in_the_negotiated_encoding(tmp_path, encoding, end):
    workspace = tmp_path / "news"
    workspace.mkdir()
    text = '---\ntitle: "\U0001f600 Café news "\nexcerpt: "Café opens"\n---\n'
    (workspace / "doc.md").write_text(text)
    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(position_encodings=[encoding])
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "seedlint", "server"],
        server_env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")},
    )
    client = await config.start()
    assert isinstance(client, LanguageClient)
    try:
        result = await client.initialize_session(
            types.InitializeParams(capabilities=capabilities, root_uri=workspace.as_uri())
        )
        assert result.capabilities.position_encoding == encoding
        uri = open_document(client, workspace / "doc.md")
        found = await diagnostics_when(client, uri, has("SL606"))
        [space] = [d for d in found if d.code == "SL606"]
        # The value `"😀 Café news "` ends after 21 characters, 22 UTF-16 code units (😀 is two), 25 UTF-8 bytes
        # (😀 is four, é two): its trailing space, the finding's range, is the one before its closing quote.
        assert (space.range.start.line, space.range.start.character, space.range.end.character) == (1, end - 2, end - 1)
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_the_expectation_is_what_the_cli_writes(workspace, capsys, monkeypatch):
    """The expectation above is the engine's own run; the JSON of `seedlint check` says the same."""
    from seedlint.cli import main

    retitle(workspace)
    monkeypatch.chdir(workspace)
    with pytest.raises(SystemExit):
        main(["check", ".", "--output-format", "json", "--no-cache"])
    reported = [d for d in json.loads(capsys.readouterr().out) if d["path"] == JEDI]
    assert [(d["code"], d["line"] - 1, d["column"] - 1, d["end_line"] - 1, d["end_column"] - 1) for d in reported] == [
        row[:5] for row in cli_findings(workspace, JEDI)
    ]
    assert [(d["code"], d["message"]) for d in reported][1] == ("SL505", JEDI_STALE)


async def test_a_fix_of_a_copy_that_its_target_would_not_follow_is_held_as_seedlint_check_holds_it(workspace):
    """A related entry copies its target: fixing the copy alone would make it say what the target does not. As
    `seedlint check` of the one file says, the finding stays, without a fix, and says why (the document's own value
    keeps its fix)."""
    copied = "Azure Database for MariaDB Azure Defender in general availability"
    entity = "Azure Database for MariaDB &amp; Azure Defender in general availability"
    for path in workspace.glob("*.md"):  # the target and its 9 exact copies, all with the entity
        text = path.read_text(encoding="utf-8")
        if copied in text:
            path.write_text(text.replace(copied, entity), encoding="utf-8")
    client = await start(workspace)
    try:
        uri = open_document(client, workspace / LARGE_STORAGE)
        [held] = [d for d in await complete_diagnostics(client, uri) if d.code == "SL402"]
        assert summary([held]) == [("SL402", 23, 39, 23, 44, 2)]
        assert held.message == (
            "related[0].title contains an HTML entity left in plain text: `&amp;` (&); write the characters "
            f"themselves (not fixed: this entry copies {DEFENDER}, whose title would stay as it is; fix it there, "
            "or in neither)"
        )
        assert held.data == {"name": "html-entity", "fixable": False}
        assert [a.title for a in await actions_at(client, uri, held)] == [
            "SL402: suppress this finding (# seedlint: ignore[SL402])"
        ]
        target_uri = open_document(client, workspace / DEFENDER)
        [own] = [d for d in await complete_diagnostics(client, target_uri) if d.code == "SL402"]
        assert own.data == {"name": "html-entity", "fixable": True}  # the target's own value: fixed there
    finally:
        await client.shutdown_session()
        await client.stop()


# Code actions --------------------------------------------------------------------------------------------------


LSP_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def applied(text: str, edit: types.WorkspaceEdit | None, uri: str) -> str:
    """The text after a workspace edit, applied as an editor does: every range read in LSP positions on the text
    before the edit (UTF-16 columns), then all replaced at once."""
    assert edit is not None
    if edit.document_changes:
        [change] = edit.document_changes
        assert isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri
        edits = list(change.edits)
    else:
        assert edit.changes is not None and list(edit.changes) == [uri]
        edits = list(edit.changes[uri])
    lines = [0, *(match.end() for match in LSP_LINE_BREAK.finditer(text))]
    ends = [match.start() for match in LSP_LINE_BREAK.finditer(text)] + [len(text)]

    def offset(position: types.Position) -> int:
        begin, end = lines[position.line], ends[position.line]
        counted = 0
        for at in range(begin, end):
            if counted >= position.character:
                return at
            counted += len(text[at].encode("utf-16-le", "surrogatepass")) // 2
        assert counted == position.character, "a position past the end of its line"
        return end

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for first, last, new_text in spans:
        text = text[:first] + new_text + text[last:]
    return text


async def actions_at(
    client: LanguageClient, uri: str, diagnostic: types.Diagnostic, only: list[str] | None = None
) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic], only=only),
        )
    )
    assert found is not None
    actions = [action for action in found if isinstance(action, types.CodeAction)]
    if only is None:  # offered with them: "fix all" (a source action), checked in its own test
        assert [a.kind for a in actions].count("source.fixAll.seedlint") <= 1
        actions = [action for action in actions if action.kind == types.CodeActionKind.QuickFix]
    return actions


async def resolved(client: LanguageClient, action: types.CodeAction) -> types.CodeAction:
    assert action.edit is None  # computed only for the action chosen
    return await client.code_action_resolve_async(action)


async def test_a_quick_fix_gives_the_exact_fixed_text_and_is_labelled_safe(client, workspace):
    path = workspace / DEFENDER
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, text)
    await diagnostics_when(client, uri, has("SL606"))
    broken = text.replace("publishedDateTime: 2021-06-09T16:00:42Z", "publishedDateTime: 2021-06-09 16:00:42Z")
    change_document(client, uri, 2, broken)
    found = await diagnostics_when(client, uri, has("SL205"))
    [date] = [d for d in found if d.code == "SL205"]
    actions = await actions_at(client, uri, date)
    assert [a.title for a in actions] == [
        "SL205: write 2021-06-09T16:00:42Z (safe)",
        "SL205: suppress this finding (# seedlint: ignore[SL205])",
    ]
    fix = await resolved(client, actions[0])
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert applied(broken, fix.edit, uri) == text


async def test_an_unsafe_fix_says_so_and_is_not_preferred(client, workspace):
    path = workspace / DEFENDER
    text = path.read_text(encoding="utf-8")
    tracked = text.replace(
        'webUrl: "https://azure.microsoft.com/en-us/updates/azure-database-for-mariadb-azure-defender-in-general-availability/"',
        'webUrl: "https://azure.microsoft.com/en-us/updates/azure-database-for-mariadb-azure-defender-in-general-availability/?utm_source=feed"',
    )
    uri = open_document(client, path, tracked)
    found = await diagnostics_when(client, uri, has("SL312"))
    [tracking] = [d for d in found if d.code == "SL312"]
    [fix, _suppress] = await actions_at(client, uri, tracking)
    assert fix.title.startswith("SL312: ") and fix.title.endswith(" (unsafe: may change meaning)")
    assert not fix.is_preferred
    assert applied(tracked, (await resolved(client, fix)).edit, uri) == text


async def test_fix_all_applies_every_safe_fix_to_a_stable_point(client, workspace):
    path = workspace / DEFENDER
    text = path.read_text(encoding="utf-8")
    broken = text.replace("publishedDateTime: 2021-06-09T16:00:42Z", "publishedDateTime: 2021-06-09 16:00:42Z")
    uri = open_document(client, path, broken)
    found = await diagnostics_when(client, uri, has("SL205", "SL606"))
    [action] = await actions_at(client, uri, found[0], only=["source.fixAll"])
    assert (action.title, action.kind) == ("Fix all safe seedlint findings", "source.fixAll.seedlint")
    fixed = applied(broken, (await resolved(client, action)).edit, uri)
    assert fixed == text.replace(
        'Azure Database for MariaDB. "\npublishedDateTime', 'Azure Database for MariaDB."\npublishedDateTime', 1
    )
    change_document(client, uri, 2, fixed)
    await diagnostics_when(client, uri, lacks("SL205", "SL606"))


async def test_suppressing_a_finding_on_its_line_silences_it_without_an_unused_suppression(client, workspace):
    path = workspace / DEFENDER
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, text)
    found = await diagnostics_when(client, uri, has("SL606"))
    [blank] = [d for d in found if d.code == "SL606"]
    [_fix, suppress] = await actions_at(client, uri, blank)
    suppressed = applied(text, (await resolved(client, suppress)).edit, uri)
    line = text.splitlines(keepends=True)[3]
    assert suppressed == text.replace(line, line.rstrip("\n") + "  # seedlint: ignore[SL606]\n", 1)
    change_document(client, uri, 2, suppressed)
    await diagnostics_when(client, uri, lambda found: not found)


async def test_no_suppression_is_offered_for_a_finding_the_check_would_not_let_it_silence(workspace):
    """A file that does not load (SL001–SL013) is always reported, and `allow-suppressions` says what a document
    may silence: a comment for anything else would be SL019, the finding staying."""
    (workspace / "seedlint.toml").write_text('paths = ["."]\nallow-suppressions = ["SL6"]\n')
    path = workspace / DEFENDER
    text = path.read_text(encoding="utf-8")
    client = await start(workspace)
    try:
        broken = text.replace("publishedDateTime: 2021-06-09T16:00:42Z", "publishedDateTime: 2021-06-09 16:00:42Z")
        uri = open_document(client, path, broken)
        found = await diagnostics_when(client, uri, has("SL205", "SL606"))
        [date] = [d for d in found if d.code == "SL205"]
        assert [a.title for a in await actions_at(client, uri, date)] == ["SL205: write 2021-06-09T16:00:42Z (safe)"]
        [blank] = [d for d in found if d.code == "SL606"]  # allowed: offered
        assert [a.title for a in await actions_at(client, uri, blank)][1:] == [
            "SL606: suppress this finding (# seedlint: ignore[SL606])"
        ]
        twice = text.replace("category: news\n", "category: news\ncategory: news\n", 1)
        change_document(client, uri, 2, twice)
        [duplicate] = [d for d in await diagnostics_when(client, uri, has("SL010")) if d.code == "SL010"]
        assert await actions_at(client, uri, duplicate) == []
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_finding_inside_a_multi_line_value_is_suppressed_for_the_file(client, workspace):
    path = workspace / DEFENDER
    text = path.read_text(encoding="utf-8")
    # The leading blank of a value continued on the next line: its line cannot hold a comment (it is inside the value).
    folded = text.replace('title: "Azure Database', 'title: " Azure\n  Database', 1)
    uri = open_document(client, path, folded)
    found = await diagnostics_when(
        client, uri, lambda found: any(d.range.start.line == 2 and d.code == "SL606" for d in found)
    )
    [blank] = [d for d in found if d.code == "SL606" and d.range.start.line == 2]
    [_fix, suppress] = await actions_at(client, uri, blank)
    suppressed = applied(folded, (await resolved(client, suppress)).edit, uri)
    assert suppressed == folded.replace("---\n", "---\n# seedlint: ignore-file[SL606]\n", 1)


# Navigation ----------------------------------------------------------------------------------------------------


def position_of(text: str, needle: str, after: int = 0) -> types.Position:
    """The position just inside the first `needle` (ASCII text: columns are characters)."""
    offset = text.index(needle) + after
    line = text.count("\n", 0, offset)
    return types.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


async def test_hover_on_a_rule_code_shows_its_documentation(client, workspace):
    path = workspace / DEFENDER
    text = path.read_text(encoding="utf-8").replace(
        "category: news\n", "category: news  # seedlint: ignore[SL606]\n", 1
    )
    uri = open_document(client, path, text)
    await diagnostics_when(client, uri, has("SL017"))  # (it silences nothing on that line)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "SL606]", 2))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith(
        "**SL606 surrounding-whitespace** (info, fix: safe)\n\n"
        "A title, excerpt, name or topic starts or ends with whitespace.\n\n**What it does**: "
    )


async def hover_text(client: LanguageClient, uri: str, position: types.Position) -> str:
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    return hover.contents.value


async def hover_on_the_stale_entry(client: LanguageClient, workspace: Path, into: int = 6) -> str:
    """The hover on JEDI's related[2] (a stale copy of FIRST_RING once it is retitled), `into` characters into the
    entry's title line."""
    path = workspace / JEDI
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, text)
    await diagnostics_when(client, uri, has("SL505"))
    return await hover_text(client, uri, position_of(text, f'  - title: "{FIRST_RING_TITLE}"', into))


async def test_hover_on_a_related_entry_shows_its_target_and_what_is_stale(workspace):
    retitle(workspace)
    client = await start(workspace)
    try:
        path = workspace / JEDI
        text = path.read_text(encoding="utf-8")
        uri = open_document(client, path, text)
        await diagnostics_when(client, uri, has("SL505"))
        shown = await hover_text(client, uri, position_of(text, f'  - title: "{FIRST_RING_TITLE}"', 6))
        assert shown == (
            f"related[2] → **{FIRST_RING}** (`{FIRST_RING}`)\n\n"
            "**Stale copy**: title differs.\n\n"
            f'- title here: "{FIRST_RING_TITLE}"\n'
            f'- title in {FIRST_RING} now: "Now: {FIRST_RING_TITLE}"'
        )
        # Named by another spelling of its address (no document has this one as written): the hover says so.
        address = "https://www.thurrott.com/podcasts/235977/first-ring-daily-live-return-of-the-jedi"
        change_document(client, uri, 2, text.replace(f'webUrl: "{address}"', f'webUrl: "{address}?utm_source=rss"', 1))
        found = await diagnostics_when(client, uri, has("SL312"))
        [stale] = [d for d in found if d.code == "SL505"]
        assert f"stale copy of {FIRST_RING} (at {address}, another spelling of this address)" in stale.message
        shown = await hover_text(client, uri, position_of(text, f'  - title: "{FIRST_RING_TITLE}"', 6))
        assert shown.startswith(
            f"related[2] → **{FIRST_RING}** (`{FIRST_RING}`), at {address} (another spelling of this address)\n\n"
            "**Stale copy**: title differs.\n\n"
        )
        clean = workspace / LARGE_STORAGE
        clean_text = clean.read_text(encoding="utf-8")
        clean_uri = open_document(client, clean, clean_text)
        await diagnostics_when(client, clean_uri, has("SL608"))
        shown = await hover_text(client, clean_uri, position_of(clean_text, "related:\n  - title:", 14))
        assert shown == (
            f"related[0] → **{DEFENDER}** (`{DEFENDER}`)\n\nUp to date: its copied fields match the document."
        )
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_hover_on_a_finding_inside_a_related_entry_shows_the_entry_and_the_rule(workspace):
    # (the entry's target alone was shown: the rule of the finding under the cursor never was)
    retitle(workspace)
    client = await start(workspace)
    try:
        entry, rule = (await hover_on_the_stale_entry(client, workspace, 14)).split("\n\n---\n\n")
        assert entry.startswith(f"related[2] → **{FIRST_RING}** (`{FIRST_RING}`)\n\n**Stale copy**: title differs.")
        assert rule.startswith(
            "**SL505 related-stale-copy** (warning, fix: sometimes)\n\nA related entry's copied fields"
        )
    finally:
        await client.shutdown_session()
        await client.stop()


BREAKING_DEFENSE = "https://breakingdefense.com/2020/05/exclusive-dods-cio-makes-case-for-sticking-with-jedi/"


async def test_an_address_two_captures_share_names_both_in_hover_definition_and_references_and_none_is_picked(
    client, workspace
):
    path = workspace / JEDI
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, text)
    await diagnostics_when(client, uri, has("SL507"))
    earlier, later = JEDI_CAPTURES

    def ambiguous(index: int, states: tuple[str, str], verdict: str) -> str:
        return (
            f"related[{index}] → {BREAKING_DEFENSE}\n\n"
            "names 2 documents at that address (captures of one article: SL508); which one it describes is not "
            f"guessed:\n\n- **{earlier}** (`{earlier}`): {states[0]}\n- **{later}** (`{later}`): {states[1]}\n\n"
            f"{verdict}"
        )

    first = position_of(text, "related:\n  - title:", 14)
    second = position_of(text, '  - title: "EXCLUSIVE: DoD CIO', 6)
    match, differ = "its copied fields match this entry", "title, publishedDateTime differ"
    assert await hover_text(client, uri, first) == ambiguous(0, (match, differ), "Up to date: it copies one of them.")
    assert await hover_text(client, uri, second) == ambiguous(1, (differ, match), "Up to date: it copies one of them.")
    # Go to definition offers both captures, at their titles.
    found = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=first)
    )
    assert isinstance(found, list)
    assert [(location.uri, location.range.start.line, location.range.start.character) for location in found] == [
        (uri_of(workspace / earlier), 2, 7),
        (uri_of(workspace / later), 2, 7),
    ]
    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=first,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert found is not None
    # Both captures (the declarations), then every related entry in the corpus at that address.
    entries = [
        (document.name, number, 12)
        for document in sorted(workspace.glob("*.md"))
        for number, line in enumerate(document.read_text(encoding="utf-8").splitlines())
        if line == f'    webUrl: "{BREAKING_DEFENSE}"'
    ]
    assert len(entries) == 6
    assert [(Path(at.uri).name, at.range.start.line, at.range.start.character) for at in found] == [
        (earlier, 2, 7),
        (later, 2, 7),
        *entries,
    ]
    # An entry that copies neither capture is a stale copy of none of them: said, with no fix and no target picked.
    edited = text.replace(
        'related:\n  - title: "EXCLUSIVE: DoD’s CIO', 'related:\n  - title: "EXCLUSIVE: The DoD’s CIO', 1
    )
    change_document(client, uri, 2, edited)
    found = await diagnostics_when(client, uri, has("SL505"))
    [stale] = [d for d in found if d.code == "SL505"]
    assert summary([stale]) == [("SL505", 28, 11, 28, 71, 2)]
    assert stale.message == (
        f"related[0] → {BREAKING_DEFENSE} copies none of the 2 documents at that address ({earlier}: title differs; "
        f"{later}: title, publishedDateTime differ); which capture it should copy is not guessed (SL508), so there "
        "is no fix"
    )
    assert stale.data == {"name": "related-stale-copy", "fixable": False}
    verdict = "**Stale copy**: it copies none of them (no fix: which one it should copy is not guessed)."
    assert await hover_text(client, uri, first) == ambiguous(0, ("title differs", differ), verdict)
    # A capture's own entry at that address is a self-reference, whoever else has the address.
    capture = workspace / earlier
    capture_text = capture.read_text(encoding="utf-8")
    capture_uri = open_document(client, capture, capture_text)
    await diagnostics_when(client, capture_uri, has("SL506"))
    assert await hover_text(client, capture_uri, position_of(capture_text, "related:\n  - title:", 14)) == (
        f"related[0] → {BREAKING_DEFENSE}\n\nis this document's own address (also the address of **{later}**: SL508)"
    )


async def test_definition_of_a_related_entry_is_the_document_it_names(client, workspace):
    path = workspace / LARGE_STORAGE
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, text)
    await diagnostics_when(client, uri, has("SL608"))
    at = position_of(
        text, 'webUrl: "https://azure.microsoft.com/en-us/updates/azure-database-for-mariadb-azure-defender', 12
    )
    found = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    assert isinstance(found, types.Location)
    assert found.uri == uri_of(workspace / DEFENDER)
    assert (found.range.start.line, found.range.start.character) == (2, 7)  # its title
    nowhere = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "title:")
        )
    )
    assert nowhere is None


async def test_references_of_a_document_are_the_documents_that_copy_it(client, workspace):
    path = workspace / DEFENDER
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, text)
    await diagnostics_when(client, uri, has("SL606"))
    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(text, "title:"),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert found is not None
    copying = sorted(
        p.name
        for p in workspace.glob("*.md")
        if p.name != DEFENDER and "azure-defender-in-general-availability/" in p.read_text()
    )
    assert sorted(Path(location.uri.removeprefix("file://")).name for location in found) == copying
    assert len(copying) == 9
    large = next(location for location in found if location.uri.endswith(LARGE_STORAGE))
    large_text = (workspace / LARGE_STORAGE).read_text(encoding="utf-8")
    start = position_of(
        large_text, '"https://azure.microsoft.com/en-us/updates/azure-database-for-mariadb-azure-defender'
    )
    assert large.range.start == start


# Completion ----------------------------------------------------------------------------------------------------


async def completions(
    client: LanguageClient, uri: str, text: str, position: types.Position
) -> list[types.CompletionItem]:
    found = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    assert isinstance(found, types.CompletionList)
    return list(found.items)


async def typed(client: LanguageClient, path: Path, text: str) -> str:
    uri = open_document(client, path, text)
    await diagnostics_when(client, uri, lambda found: True)
    return uri


def end_of(text: str, needle: str) -> types.Position:
    return position_of(text, needle, len(needle))


async def test_completion_offers_the_schemas_keys_with_their_descriptions(client, workspace):
    path = workspace / DEFENDER
    text = path.read_text(encoding="utf-8").replace("category: news\n", "category: news\nupd\n", 1)
    uri = await typed(client, path, text)
    items = await completions(client, uri, text, end_of(text, "\nupd"))
    assert [item.label for item in items] == ["updatedDateTime"]
    [item] = items
    assert isinstance(item.documentation, types.MarkupContent)
    assert item.documentation.kind == types.MarkupKind.PlainText  # (a JSON Schema's description: plain text)
    schema = json.loads((Path(__file__).parent.parent / "schemas" / "article.schema.json").read_text())
    assert item.documentation.value == schema["properties"]["updatedDateTime"]["description"]
    assert item.documentation.value.startswith("When the provider last updated the article")
    assert item.text_edit == types.TextEdit(
        range=types.Range(start=position_of(text, "upd\n"), end=end_of(text, "\nupd")), new_text="updatedDateTime: "
    )
    text = text.replace("\nupd\n", "\n", 1).replace("related:\n  - title:", "related:\n  - qu", 1)
    change_document(client, uri, 2, text)
    items = await completions(client, uri, text, end_of(text, "related:\n  - qu"))
    assert [item.label for item in items] == ["quality"]  # a key of a related entry


async def test_completion_offers_topics_of_the_corpus_most_used_first(client, workspace):
    path = workspace / DEFENDER
    original = path.read_text(encoding="utf-8")
    text = original.replace("topics:\n", "topics:\n  - Dat\n", 1)
    uri = await typed(client, path, text)
    items = await completions(client, uri, text, end_of(text, "  - Dat"))
    counts: dict[str, int] = {}
    for document in workspace.glob("*.md"):
        topics = document.read_text(encoding="utf-8").split("\ntopics:\n", 1)[1].split("\n\n", 1)[0]
        for topic in {line.strip()[2:] for line in topics.splitlines() if line.startswith("  - ")}:
            counts[topic] = counts.get(topic, 0) + 1
    expected = sorted((t for t in counts if "dat" in t.lower()), key=lambda t: -counts[t])
    assert [item.label for item in items] == expected and expected
    assert items[0].detail == f"in {counts[expected[0]]} documents"


async def test_completion_shows_a_topic_with_controls_spelled_out_and_inserts_it_as_the_corpus_spells_it(workspace):
    # (the label, the detail and the documentation are shown: made inert, as messages are; the inserted text is exact)
    other = workspace / DEFENDER
    other.write_text(
        other.read_text(encoding="utf-8").replace("topics:\n", 'topics:\n  - "Dat\\e[31mX\\u202e"\n', 1),
        encoding="utf-8",
    )
    client = await start(workspace)
    try:
        path = workspace / LARGE_STORAGE
        text = path.read_text(encoding="utf-8").replace("topics:\n", "topics:\n  - Dat\n", 1)
        uri = await typed(client, path, text)
        items = await completions(client, uri, text, end_of(text, "  - Dat"))
        [item] = [item for item in items if item.label.startswith("Dat\\")]
        assert (item.label, item.detail) == ("Dat\\u001b[31mX\\u202e", "in 1 documents")
        assert item.text_edit is not None and item.text_edit.new_text == '"Dat\\u001b[31mX\\u202e"'
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_completion_offers_the_corpus_addresses_for_a_related_webUrl_and_a_code_action_copies_its_fields(
    client, workspace
):
    path = workspace / LARGE_STORAGE
    original = path.read_text(encoding="utf-8")
    entry = 'related:\n  - webUrl: "https://azure.microsoft.com/en-us/updates/azure-database-for-mariadb-azure-def\n'
    text = original.replace("related:\n", entry, 1)
    uri = await typed(client, path, text)
    items = await completions(client, uri, text, end_of(text, "mariadb-azure-def"))
    defender_url = (
        "https://azure.microsoft.com/en-us/updates/azure-database-for-mariadb-azure-defender-in-general-availability/"
    )
    assert [item.label for item in items] == [defender_url]
    assert items[0].detail == "Azure Database for MariaDB Azure Defender in general availability"
    chosen = applied(text, types.WorkspaceEdit(changes={uri: [items[0].text_edit]}), uri)
    chosen = chosen.replace(defender_url + "\n", defender_url + '"\n', 1)
    change_document(client, uri, 2, chosen)
    found = await diagnostics_when(client, uri, has("SL101"))  # the new entry lacks its copied fields
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=end_of(chosen, "  - webUrl: "), end=end_of(chosen, "  - webUrl: ")),
            context=types.CodeActionContext(diagnostics=list(found), only=["refactor.rewrite"]),
        )
    )
    assert actions is not None
    [action] = [a for a in actions if isinstance(a, types.CodeAction)]
    assert action.title == f"related[0]: copy title, excerpt, publishedDateTime, provider, type from {DEFENDER}"
    filled = applied(chosen, (await client.code_action_resolve_async(action)).edit, uri)
    defender = (workspace / DEFENDER).read_text(encoding="utf-8")
    excerpt = defender.split('\nexcerpt: "', 1)[1].split('"\n', 1)[0]
    assert filled == chosen.replace(
        f'  - webUrl: "{defender_url}"\n',
        f'  - webUrl: "{defender_url}"\n'
        '    title: "Azure Database for MariaDB Azure Defender in general availability"\n'
        f'    excerpt: "{excerpt}"\n'
        "    publishedDateTime: 2021-06-09T16:00:42Z\n"
        "    provider:\n      name: Microsoft\n      domain: microsoft.com\n"
        "    type: article\n",
        1,
    )


async def test_copying_the_fields_picks_no_document_when_the_address_names_two(client, workspace):
    defender_url = (
        "https://azure.microsoft.com/en-us/updates/azure-database-for-mariadb-azure-defender-in-general-availability/"
    )
    path = workspace / LARGE_STORAGE
    text = path.read_text(encoding="utf-8").replace("related:\n", f'related:\n  - webUrl: "{defender_url}"\n', 1)
    uri = await typed(client, path, text)
    where = types.Range(start=end_of(text, "  - webUrl: "), end=end_of(text, "  - webUrl: "))

    async def copy_actions() -> list[types.CodeAction]:
        found = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=where,
                context=types.CodeActionContext(diagnostics=[], only=["refactor.rewrite"]),
            )
        )
        assert found is not None
        return [action for action in found if isinstance(action, types.CodeAction)]

    [offered] = await copy_actions()
    assert offered.title == f"related[0]: copy title, excerpt, publishedDateTime, provider, type from {DEFENDER}"
    # A second capture of that article appears (unsaved): the address names both, and neither is copied from.
    copy = workspace / "2021-06-10-new.md"
    copy_uri = open_document(client, copy, (workspace / DEFENDER).read_text(encoding="utf-8"))
    await diagnostics_when(client, copy_uri, has("SL508"))
    assert await copy_actions() == []
    chosen = await resolved(client, offered)
    assert chosen.edit is None
    await until(lambda: bool(client.messages))
    assert [m.message for m in client.messages] == [
        f"seedlint: this change is not applied: the entry's address names 2 documents ({DEFENDER}, {copy.name}): "
        "which one to copy is not guessed"
    ]


# The corpus on disk ----------------------------------------------------------------------------------------------


async def test_a_document_deleted_on_disk_leaves_dangling_references_in_the_documents_that_named_it(client, workspace):
    path = workspace / LARGE_STORAGE
    uri = open_document(client, path)
    await diagnostics_when(client, uri, has("SL608"))
    (workspace / DEFENDER).unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri_of(workspace / DEFENDER), type=types.FileChangeType.Deleted)]
        )
    )
    found = await diagnostics_when(client, uri, has("SL504"))
    [dangling] = [d for d in found if d.code == "SL504"]
    assert dangling.message == (
        "related[0] → https://azure.microsoft.com/en-us/updates/azure-database-for-mariadb-azure-defender-in-general-"
        "availability/ does not resolve: the corpus has no document at that address (missing or deleted target)"
    )
    assert dangling.range.start.line == 26


async def test_a_file_deleted_while_the_corpus_is_read_is_not_kept_in_it(workspace, monkeypatch):
    """The window the test above can hit on a loaded machine, made certain (in process): the corpus has been read,
    the deleted document with it, but the project is not loaded yet when the editor says the file was deleted. The
    change is applied once the corpus is read, not dropped (it was dropped, and the document kept resolving)."""
    import threading

    from seedlint.server.app import create_server

    server = create_server()
    logged: list[str] = []
    monkeypatch.setattr(server, "log", lambda message, kind=None: logged.append(message))
    monkeypatch.setattr(server, "publish", lambda uri, diagnostics, version: None)
    monkeypatch.setattr(server.protocol, "client_capabilities", types.ClientCapabilities(), raising=False)
    server.session.workspace_folders = [workspace]
    project = server.session.project_for(workspace / LARGE_STORAGE)
    read, go_on = threading.Event(), threading.Event()
    rebuild = project.rebuild

    def rebuild_when_told() -> None:  # (in Project.load: every file read, `loaded` not set yet)
        read.set()
        assert go_on.wait(WAIT)
        rebuild()

    monkeypatch.setattr(project, "rebuild", rebuild_when_told)
    loading = asyncio.ensure_future(server.load_project(project))
    assert await asyncio.to_thread(read.wait, WAIT)
    assert DEFENDER in project.results and not project.loaded
    (workspace / DEFENDER).unlink()
    server.files_changed([workspace / DEFENDER])
    go_on.set()
    await asyncio.wait_for(loading, WAIT)
    assert project.loaded and project.error is None and logged[0].startswith("seedlint: 27 documents in the corpus")
    assert DEFENDER not in project.results and len(project.results) == 26
    defender_url = (
        "https://azure.microsoft.com/en-us/updates/azure-database-for-mariadb-azure-defender-in-general-availability/"
    )
    assert not project.index.resolve(defender_url)
    server.diagnostics.stop()


async def test_code_actions_with_versioned_document_changes_as_vs_code_takes_them(workspace):
    client = await start(workspace, "visual-studio-code")
    try:
        path = workspace / DEFENDER
        text = path.read_text(encoding="utf-8")
        broken = text.replace("publishedDateTime: 2021-06-09T16:00:42Z", "publishedDateTime: 2021-06-09 16:00:42Z")
        uri = open_document(client, path, broken)
        found = await diagnostics_when(client, uri, has("SL205"))
        [date] = [d for d in found if d.code == "SL205"]
        [fix, _suppress] = await actions_at(client, uri, date)
        edit = (await resolved(client, fix)).edit
        assert edit is not None and edit.document_changes is not None and edit.changes is None
        [change] = edit.document_changes
        assert isinstance(change, types.TextDocumentEdit) and change.text_document.version == 1
        assert applied(broken, edit, uri) == text
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_file_outside_the_corpus_is_not_checked_and_the_log_says_so(workspace):
    (workspace / "seedlint.toml").write_text('paths = ["."]\nexclude = ["notes"]\n')
    (workspace / "notes").mkdir()
    readme = workspace / "notes" / "README.md"
    readme.write_text("# Notes\n\nNo front matter here.\n")
    client = await start(workspace)
    try:
        uri = open_document(client, readme)
        assert list(await diagnostics_when(client, uri, lambda found: True)) == []
        await until(lambda: any("not a document of the corpus" in m.message for m in client.log_messages))
        [message] = [m.message for m in client.log_messages if "not a document" in m.message]
        assert message == f"{readme}: not a document of the corpus of {workspace / 'seedlint.toml'}; not checked"
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_document_in_no_workspace_folder_and_under_no_configuration_gets_its_own_findings_only(workspace):
    # Its folder was taken for its corpus: read whole, a cache written in it; for `file:///x.md`, the whole file
    # system walked and /.seedlint_cache written (1.5 GB in eight minutes), the requests unanswered meanwhile.
    elsewhere = workspace.parent / "elsewhere"
    (elsewhere / "deep").mkdir(parents=True)
    stray = elsewhere / JEDI
    stray.write_text((AZURE / JEDI).read_text(encoding="utf-8").replace('title: "', 'title: "Caf&eacute; ', 1))
    shutil.copy(AZURE / FIRST_RING, elsewhere / "deep" / FIRST_RING)
    client = await start(workspace)
    try:
        uri = open_document(client, stray)
        found = await complete_diagnostics(client, uri)
        assert [d.code for d in found] == ["SL402"]  # (its related entries resolve against no corpus: not dangling)
        await until(lambda: any("no workspace folder" in m.message for m in client.log_messages))
        assert [m.message for m in client.log_messages if "no workspace folder" in m.message] == [
            f"{stray}: in no workspace folder and under no seedlint configuration: its own findings only (the"
            " cross-document rules need a corpus: open its folder, or configure `paths`)"
        ]
        assert sorted(p.relative_to(elsewhere).as_posix() for p in elsewhere.rglob("*")) == [
            JEDI,
            "deep",
            f"deep/{FIRST_RING}",
        ]
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_document_whose_name_the_system_refuses_is_checked_as_an_unsaved_one(client, workspace):
    # A name of 256 bytes (no file can have it): Path.exists raised ENAMETOOLONG, an internal error at every check
    # and every request on the document.
    uri = open_document(client, workspace / ("a" * 256 + ".md"), (AZURE / JEDI).read_text(encoding="utf-8"))
    found = await complete_diagnostics(client, uri)
    # (JEDI's text: its duplicate entry, and a second document at JEDI's address, as the corpus would list it)
    assert {d.code for d in found} == {"SL507", "SL508"} and not client.messages
    assert not [m.message for m in client.log_messages if "internal error" in m.message]


async def test_controls_of_the_text_reach_the_editor_spelled_out_as_seedlint_check_shows_them(client, workspace):
    # Values quoted in messages and hovers, raw before: an escape sequence, a bell, a C1 control, DEL, an override.
    text = '---\ncategory: "\\e[31mX\\x07\\x9b\\x7f\\u202e"\n"k\\e[2J": 1\nrelated:\n  - webUrl: "https://x.y/\\e[5m"\n---\n'
    uri = open_document(client, workspace / "controls.md", text)
    found = await complete_diagnostics(client, uri)
    raw = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")
    assert [d.code for d in found if raw.search(d.message)] == []
    assert any("`k\\u001b[2J`" in d.message for d in found if d.code == "SL102")
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=4, character=6)
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    # (its Markdown source: the escaped backslash and bracket show as `\u001b[5m`)
    assert hover.contents.value.startswith("related[0] → https://x.y/\\\\u001b\\[5m\n") and not raw.search(
        hover.contents.value
    )


async def test_document_text_in_a_hover_is_shown_as_text_never_as_markdown(workspace):
    # A title or a file name is Markdown's syntax in a hover: `![x](https://…)` an image the editor fetched as it
    # showed the hover (an untrusted repository reaching out), `<img>` raw HTML, a backtick the end of a code span.
    target = workspace / FIRST_RING
    text = target.read_text(encoding="utf-8")
    lure = "![x](https://tracker.example/p.png) <img src=x> [a](b) *b* &amp;"
    renamed = workspace / "first`ring.md"
    renamed.write_text(text.replace('\ntitle: "', f'\ntitle: "{lure} ', 1), encoding="utf-8")
    target.unlink()
    client = await start(workspace)
    try:
        shown = await hover_on_the_stale_entry(client, workspace)
        escaped = "\\!\\[x\\]\\(https://tracker.example/p.png\\) \\<img src=x\\> \\[a\\]\\(b\\) \\*b\\* \\&amp;"
        assert shown == (
            "related[2] → **first\\`ring.md** (``first`ring.md``)\n\n"
            "**Stale copy**: title differs.\n\n"
            f'- title here: "{FIRST_RING_TITLE}"\n'
            f'- title in first\\`ring.md now: "{escaped} {FIRST_RING_TITLE}"'
        )
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_file_of_the_corpus_without_front_matter_is_set_aside_as_seedlint_check_sets_it_aside(workspace):
    (workspace / "seedlint.toml").write_text('paths = ["."]\n')
    notes, emptied = workspace / "notes.md", workspace / "emptied.md"
    notes.write_text("# just notes\n")
    emptied.write_text("")
    config = load_config(start=workspace)
    result = engine.run(discover([workspace], config, cwd=workspace), config)
    assert result.not_documents == ["notes.md"]
    assert [d.code for d in result.diagnostics if d.path == "emptied.md"] == ["SL006"]
    client = await start(workspace)
    try:
        uri = open_document(client, notes)
        assert list(await diagnostics_when(client, uri, lambda found: True)) == []  # (the first, or only, publish)
        assert list(await complete_diagnostics(client, uri)) == []
        change_document(client, uri, 2, "")  # emptied in the editor: an article emptied by accident
        assert summary(await diagnostics_when(client, uri, has("SL006"))) == [("SL006", 0, 0, 0, 0, 1)]
        uri = open_document(client, emptied, "")
        assert summary(await diagnostics_when(client, uri, has("SL006"))) == [("SL006", 0, 0, 0, 0, 1)]
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_without_the_server_extra_the_command_says_what_to_install():
    import subprocess

    blocked = "import sys; sys.modules['pygls'] = None; sys.modules['lsprotocol'] = None; "
    run = subprocess.run(
        [sys.executable, "-c", blocked + "from seedlint.cli import main; main(['server'])"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert run.returncode == 2
    assert (
        "`seedlint server` needs the server extra (pygls and lsprotocol): pip install 'seedlint[server]'" in run.stderr
    )
    assert "Traceback" not in run.stderr


async def test_a_new_document_not_saved_yet_is_checked_as_a_document_of_the_corpus(client, workspace):
    path = workspace / "2021-06-10-new.md"
    text = (workspace / DEFENDER).read_text(encoding="utf-8")
    uri = open_document(client, path, text)  # not on disk: a copy of DEFENDER, under the same webUrl
    found = await diagnostics_when(client, uri, has("SL508"))
    [duplicate] = [d for d in found if d.code == "SL508"]
    assert duplicate.message.endswith(f"is also the address of {DEFENDER}: two documents for one article")
    other = await diagnostics_when(client, uri_of(workspace / DEFENDER), has("SL508"))  # and the other one says so
    assert [d.message for d in other if d.code == "SL508"] == [
        "webUrl https://azure.microsoft.com/en-us/updates/azure-database-for-mariadb-azure-defender-in-general-availability/"
        " is also the address of 2021-06-10-new.md: two documents for one article"
    ]


async def test_closing_a_document_without_saving_withdraws_what_its_unsaved_text_made_others_report(client, workspace):
    path = workspace / DEFENDER
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, text)
    await diagnostics_when(client, uri, has("SL606"))
    change_document(client, uri, 2, text.replace('title: "Azure Database for MariaDB', 'title: "MariaDB', 1))
    other = uri_of(workspace / LARGE_STORAGE)
    await diagnostics_when(client, other, has("SL505"))
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert list(await diagnostics_when(client, uri, lambda found: not found)) == []
    found = await diagnostics_when(client, other, lacks("SL505"))
    assert [d.code for d in found] == ["SL608"]  # its own finding, as `seedlint check` reports it
