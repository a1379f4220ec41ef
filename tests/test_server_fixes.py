"""`seedlint server`'s fixes against `seedlint fix`: an editor that applies the edits the server returns (LSP
positions: lines broken at `\\n`, `\\r\\n` and `\\r`, columns in UTF-16 code units) must get the bytes the command
line writes, on the real seeds (tests/fixtures/seeds)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from test_server import actions_at, complete_diagnostics, open_document, resolved, start
from test_server import applied as as_an_editor_applies

pytestmark = pytest.mark.asyncio(loop_scope="function")

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
# related[1].excerpt has mojibake (SL401: `Metâ€™s`) and is a stale copy of 002's excerpt, which has `Met’s`
# (SL505): the two fixes are one edit.
MOJIBAKE_AND_STALE = "001_5ea581042828ec4e.txt"
TARGET = "002_436ca83e3ef9a780.txt"
ALONE = "003_e08711b63be86b3c.txt"


def seedlint_fix(folder: Path, name: str) -> bytes:
    """What `seedlint fix` writes for `name`, on a copy of the folder."""
    copy = folder.parent / f"{folder.name}-fixed"
    shutil.copytree(folder, copy)
    subprocess.run([sys.executable, "-m", "seedlint", "fix", "--no-cache", "."], cwd=copy, capture_output=True)
    return (copy / name).read_bytes()


def with_crlf(text: str, *lines: int) -> str:
    """The text with these 1-based lines ending in CRLF (the others keep LF)."""
    split = text.split("\n")
    return "\n".join(f"{line}\r" if number in lines else line for number, line in enumerate(split, 1))


async def fixed_all(workspace: Path, name: str, text: str) -> tuple[str, list[str]]:
    """The text after "fix all", as an editor applies it, and the messages the server showed."""
    client = await start(workspace)
    try:
        uri = open_document(client, workspace / name, text)
        found = await complete_diagnostics(client, uri)
        [action] = await actions_at(client, uri, found[0], only=["source.fixAll"])
        fixed = as_an_editor_applies(text, (await resolved(client, action)).edit, uri)
        return fixed, [m.message for m in client.messages]
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_fix_all_applies_a_fix_two_findings_share_once_as_seedlint_fix_does(tmp_path):
    workspace = tmp_path / "seeds"
    shutil.copytree(SEEDS, workspace)
    text = (workspace / MOJIBAKE_AND_STALE).read_text(encoding="utf-8")
    client = await start(workspace)
    try:
        uri = open_document(client, workspace / MOJIBAKE_AND_STALE, text)
        found = await complete_diagnostics(client, uri)
        shared = [(d.code, d.range.start.line, d.range.start.character) for d in found if d.range.start.line == 48]
        assert shared == [("SL505", 48, 13), ("SL401", 48, 32)]
    finally:
        await client.shutdown_session()
        await client.stop()
    fixed, messages = await fixed_all(workspace, MOJIBAKE_AND_STALE, text)
    assert messages == []
    assert fixed.encode("utf-8") == seedlint_fix(workspace, MOJIBAKE_AND_STALE)
    assert "As part of the Met’s ongoing work" in fixed


async def test_a_line_ending_fix_is_an_edit_an_editor_applies_as_seedlint_fix_writes_it(tmp_path):
    workspace = tmp_path / "news"
    workspace.mkdir()
    mixed = with_crlf((SEEDS / ALONE).read_text(encoding="utf-8"), 3)  # one CRLF among LF lines: SL015
    (workspace / ALONE).write_bytes(mixed.encode("utf-8"))
    client = await start(workspace)
    try:
        uri = open_document(client, workspace / ALONE, mixed)
        [endings] = [d for d in await complete_diagnostics(client, uri) if d.code == "SL015"]
        [fix, _suppress] = await actions_at(client, uri, endings)
        edit = (await resolved(client, fix)).edit
        assert edit is not None and edit.changes is not None
        [change] = edit.changes[uri]
        line_3_end = len(mixed.split("\n")[2]) - 1  # (before its `\r`)
        assert (change.range.start, change.range.end, change.new_text) == (
            types.Position(line=2, character=line_3_end),
            types.Position(line=3, character=0),
            "\n",
        )
        assert as_an_editor_applies(mixed, edit, uri) == mixed.replace("\r\n", "\n")
    finally:
        await client.shutdown_session()
        await client.stop()
    fixed, messages = await fixed_all(workspace, ALONE, mixed)
    assert messages == []
    assert fixed.encode("utf-8") == seedlint_fix(workspace, ALONE)
    assert "\r" not in fixed


async def test_a_fix_of_two_crlf_lines_leaves_no_carriage_return(tmp_path):
    workspace = tmp_path / "news"
    workspace.mkdir()
    mixed = with_crlf((SEEDS / ALONE).read_text(encoding="utf-8"), 3, 4)
    (workspace / ALONE).write_bytes(mixed.encode("utf-8"))
    client = await start(workspace)
    try:
        uri = open_document(client, workspace / ALONE, mixed)
        [endings] = [d for d in await complete_diagnostics(client, uri) if d.code == "SL015"]
        [fix, _suppress] = await actions_at(client, uri, endings)
        assert as_an_editor_applies(mixed, (await resolved(client, fix)).edit, uri) == mixed.replace("\r\n", "\n")
    finally:
        await client.shutdown_session()
        await client.stop()
