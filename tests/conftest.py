"""Shared test helpers. Fixtures are real documents copied from ../shared (see tests/fixtures/README.md)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from seedlint import engine
from seedlint.cli import main
from seedlint.config import Config
from seedlint.discovery import discover

# A suite started as a background job of a script inherits Ctrl-C ignored (POSIX), and so would every seedlint it
# starts, which would then never see the interrupts that tests/test_interrupt.py and tests/test_watch.py send as a
# terminal does. Taken here, Ctrl-C reaches those processes with its default action.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
SEED_000 = SEEDS / "000_c11209e5b5b8f7fd.txt"


def seed_text(name: str = "000_c11209e5b5b8f7fd.txt") -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def check_paths(*paths: Path, config: Config | None = None) -> engine.RunResult:
    config = config or Config(root=Path.cwd())
    return engine.run(discover(list(paths), config), config)


def codes_at(result: engine.RunResult) -> list[tuple[str, int, int]]:
    """(code, line, column) of every diagnostic, in report order."""
    return [(d.code, d.line, d.column) for d in result.diagnostics]


def write(tmp_path: Path, text: str | bytes, name: str = "doc.md") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def run_split(*args: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of a command, apart."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str) -> tuple[int, list[dict]]:
    status, output = run_cli("check", "--output-format", "json", *args)
    return status, json.loads(output)


@pytest.fixture(autouse=True)
def outside_github_actions(monkeypatch):
    """Tests see seedlint's output as it is outside a workflow (under Actions, text output is wrapped in
    `::stop-commands::`; tests/test_output_injection.py sets GITHUB_ACTIONS itself)."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def isolated_cwd(tmp_path, monkeypatch):
    """Run in an empty folder so that no project configuration applies."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint_text(text: str, check, name: str = "doc.md") -> list:
    """The diagnostics of one rule family's `check` on a document given as text (sorted by position)."""
    from seedlint.document import parse_document

    doc = parse_document(text.encode("utf-8"), Path(name), name)
    assert doc.ok, doc.problems
    return sorted(check(doc, Config(root=Path.cwd())), key=lambda d: (d.line, d.column, d.code))


def apply_fix(text: str, fix) -> str:
    """`text` after every edit of `fix` (character offsets into the original text)."""
    for edit in sorted(fix.edits, key=lambda edit: edit.start, reverse=True):
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text


def fixture_diagnostics(check) -> list[tuple[str, str, int, int]]:
    """(fixture path, code, line, column) of every diagnostic of `check` on every real fixture document."""
    from seedlint.document import load_document

    found = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix in (".md", ".txt"):
            doc = load_document(path)
            if doc.ok:
                found += [(path.relative_to(FIXTURES).as_posix(), d.code, d.line, d.column) for d in check(doc, None)]
    return found


def yaml_value(value: object) -> str:
    """YAML (as seedlint reads it: YAML 1.1, libyaml) that means exactly the JSON value."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return {"nan": ".nan", "inf": ".inf", "-inf": "-.inf"}[repr(value)]
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        return (mantissa if "." in mantissa else mantissa + ".0") + (
            f"e{exponent if exponent[0] in '+-' else '+' + exponent}" if e else ""
        )
    if isinstance(value, str):
        escaped = "".join(
            char
            if " " <= char <= "~" and char not in '"\\'
            else (f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
            for char in value
        )
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(item) for item in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{yaml_value(key)}: {yaml_value(member)}" for key, member in value.items()) + "}"
