"""`seedlint server` answers as LSP 3.17 says where pygls alone gives no answer: a request before `initialize`,
one after `shutdown`, one whose params do not fit its method, and the exit code. Driven by raw JSON-RPC over
the server's pipes, as a strict client would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def session(folder: Path, *messages: dict) -> tuple[int, dict[int, dict], list[dict]]:
    """The server's exit code, its responses by id and its notifications, after `messages` (then the end of its
    input)."""
    framed = b""
    for message in messages:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        framed += b"Content-Length: %d\r\n\r\n" % len(body) + body
    done = subprocess.run(
        [sys.executable, "-m", "seedlint", "server"],
        input=framed,
        capture_output=True,
        cwd=folder,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(folder)},
        timeout=120,
    )
    responses, notifications, rest = {}, [], done.stdout
    while rest:
        header, _, rest = rest.partition(b"\r\n\r\n")
        length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
        message, rest = json.loads(rest[:length]), rest[length:]
        if "id" in message and "method" not in message:
            responses[message["id"]] = message
        elif "id" not in message:
            notifications.append(message)
    return done.returncode, responses, notifications


def initialize(msg_id: int, folder: Path, **options: object) -> dict:
    params = {"processId": None, "rootUri": folder.as_uri(), "capabilities": {}, "initializationOptions": options}
    return {"id": msg_id, "method": "initialize", "params": params}


def hover(msg_id: int, folder: Path, **position: object) -> dict:
    document = {"uri": (folder / "doc.md").as_uri()}
    return {"id": msg_id, "method": "textDocument/hover", "params": {"textDocument": document, **position}}


def test_requests_out_of_order_or_malformed_get_an_error_and_exit_says_how_the_session_ended(tmp_path):
    code, responses, _ = session(
        tmp_path,
        hover(1, tmp_path, position={"line": 0, "character": 0}),
        initialize(2, tmp_path),
        {"method": "initialized", "params": {}},
        hover(3, tmp_path),  # no position
        hover(4, tmp_path, position={"line": "first", "character": 0}),
        {"id": 5, "method": "shutdown"},
        hover(6, tmp_path, position={"line": 0, "character": 0}),
        {"method": "exit"},
    )
    errors = {msg_id: response.get("error", {}).get("code") for msg_id, response in responses.items()}
    assert errors == {1: -32002, 2: None, 3: -32602, 4: -32602, 5: None, 6: -32600}
    assert responses[1]["error"]["message"] == "ServerNotInitialized: textDocument/hover"
    assert responses[3]["error"]["message"] == "Invalid Params: the params of textDocument/hover"
    assert responses[6]["error"]["message"] == "Invalid Request: textDocument/hover after shutdown"
    assert code == 0


def test_exit_without_shutdown_exits_1(tmp_path):
    code, responses, _ = session(
        tmp_path, initialize(1, tmp_path), {"method": "initialized", "params": {}}, {"method": "exit"}
    )
    assert "result" in responses[1] and code == 1


def test_option_values_that_are_no_setting_are_said(tmp_path):
    # (they were dropped without a word: only unknown names were said)
    options = {"debounceMs": "fast", "maxAffected": -1}
    _, _, notifications = session(tmp_path, initialize(1, tmp_path, **options), {"method": "exit"})
    shown = [n["params"]["message"] for n in notifications if n["method"] == "window/showMessage"]
    assert shown == [
        "seedlint: server option debounceMs must be an integer from 0 to 5,000, not 'fast': ignored",
        "seedlint: server option maxAffected must be an integer from 0 to 100,000, not -1: ignored",
    ]


def test_a_change_to_a_document_never_opened_is_logged_not_shown_as_an_error_of_the_server(tmp_path):
    # pygls raised KeyError applying it, and showed the user an "Error in server: KeyError: …" dialog
    change = {
        "textDocument": {"uri": (tmp_path / "never-opened.md").as_uri(), "version": 2},
        "contentChanges": [{"text": "---\ntitle: x\n---\n"}],
    }
    _, responses, notifications = session(
        tmp_path,
        initialize(1, tmp_path),
        {"method": "initialized", "params": {}},
        {"method": "textDocument/didChange", "params": change},
        hover(2, tmp_path, position={"line": 0, "character": 0}),
        {"id": 3, "method": "shutdown"},
        {"method": "exit"},
    )
    assert [n for n in notifications if n["method"] == "window/showMessage"] == []
    logged = [n["params"] for n in notifications if n["method"] == "window/logMessage"]
    uri = change["textDocument"]["uri"]
    said = f"seedlint: a message from the editor was not applied: JsonRpcInternalError: KeyError: '{uri}'"
    assert {"type": 2, "message": said} in logged
    assert responses[2]["result"] is None and responses[3]["result"] is None
