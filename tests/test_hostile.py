"""Hostile input through the real command line: every bad file gets one clear, positioned diagnostic
naming it, the other files are still checked, the exit status is 1 (a finding) or 2 (a usage error),
and nothing ends in a traceback, a hang or a crash of the process.

Each case puts one hostile file next to a witness: a real document with one known defect (a duplicate
key at 9:1), whose diagnostic proves the rest of the corpus was still checked.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import seed_text

from seedlint import discovery, document
from seedlint.cli import main
from seedlint.rules import all_rules

REPO = Path(__file__).resolve().parent.parent
CLEAN = seed_text("002_436ca83e3ef9a780.txt")  # a real document without findings
WITNESS = CLEAN.replace("type: article\n", 'type: article\ntitle: "again"\n', 1)
WITNESS_FINDING = ("docs/witness.md", "SL010", 9, 1)


def lint(*args: str) -> tuple[int, list[dict], str]:
    """`seedlint check --output-format json ARGS` in-process: (exit status, diagnostics, stderr)."""
    result = CliRunner().invoke(main, ["check", "--output-format", "json", *args], catch_exceptions=False)
    items = json.loads(result.stdout) if result.stdout.startswith("[") else []
    return result.exit_code, items, result.stderr


def lint_process(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m seedlint ARGS` in a child process: a segfault or a hang cannot hide there."""
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *args],
        capture_output=True,
        timeout=timeout,
        cwd=os.getcwd(),
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


def found(items: list[dict], path: str) -> list[tuple[str, int, int]]:
    return [(d["code"], d["line"], d["column"]) for d in items if d["path"] == path]


def assert_calm(status: int, items: list[dict], stderr: str, expected_status: int = 1) -> None:
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert status == expected_status
    codes = {rule.code for rule in all_rules()}
    for d in items:  # every diagnostic is positioned and names a known rule
        assert d["line"] >= 1 and d["column"] >= 1 and d["code"] in codes, d


def assert_one_internal_error(message: str) -> None:
    """Checking docs/ reports one bug in seedlint, in one line, and still the witness's finding."""
    status, items, stderr = lint("docs")
    assert status == 2 and "Traceback" not in stderr
    assert stderr.splitlines() == [f"seedlint: {message} (a bug in seedlint; SEEDLINT_DEBUG=1 shows the traceback)"]
    assert WITNESS_FINDING[1:] in found(items, WITNESS_FINDING[0])


@pytest.fixture
def docs(isolated_cwd):
    """`docs/` in an empty working directory, holding the witness."""
    folder = isolated_cwd / "docs"
    folder.mkdir()
    # These tests are about files, not references: copies of the witness are duplicate documents, and its
    # related entries point outside this folder.
    (isolated_cwd / "seedlint.toml").write_text('ignore = ["SL5"]\n', encoding="utf-8")
    (folder / "witness.md").write_text(WITNESS, encoding="utf-8")
    return folder


def alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "---\n" + "\n".join(lines) + "\n---\n"


TAGS = """---
a: !!python/object/apply:os.system ["touch pwned"]
b: !!python/object/new:builtins.exec ["open('pwned', 'w')"]
c: !!python/name:os.system
d: !custom value
e: !!binary aGVsbG8=
f: !!set {x: null}
---
"""

# name → (file content, the SL0 diagnostics expected in it, a fragment of one of their messages)
CASES = {
    "empty": (b"", [("SL006", 1, 1)], "the file is empty"),
    # a PNG header: the first NUL byte starts line 3 (after `\x89PNG\r\n` and `\x1a\n`)
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", [("SL003", 3, 1)], "NUL bytes"),
    "nul-in-value": (CLEAN.replace("type: article", "type: art\x00icle", 1), [("SL003", 8, 10)], "NUL bytes"),
    "utf16-with-bom": (CLEAN.encode("utf-16"), [("SL004", 1, 1)], "UTF-16"),
    "utf16-without-bom": (CLEAN.encode("utf-16-le"), [("SL003", 1, 2)], "NUL bytes"),
    "invalid-utf8": (CLEAN.encode().replace(b'title: "Live', b'title: "\xe9Live', 1), [("SL004", 3, 9)], "e9"),
    "alias-bomb": (alias_bomb(), [("SL012", 2, 56)], "200,000 values"),
    # the root mapping is level 1: the 64th `[` (column 67) opens level 65
    "nesting-flow-10000": (
        "---\nx: " + "[" * 10_000 + "]" * 10_000 + "\n---\n",
        [("SL014", 2, 1), ("SL012", 2, 67)],
        "64 levels",
    ),
    "nesting-block-sequences-10000": (
        "---\nx:\n" + "- " * 10_000 + "a\n---\n",
        [("SL014", 3, 1), ("SL012", 3, 127)],
        "64 levels",
    ),
    "nesting-block-mappings-1000": (
        "---\n" + "".join(" " * i + "k:\n" for i in range(1000)) + "---\n",
        [("SL012", 66, 65)],
        "64 levels",
    ),
    "nesting-flow-mappings-10000": (
        "---\nx: " + "{a: " * 10_000 + "}" * 10_000 + "\n---\n",
        [("SL014", 2, 1), ("SL012", 2, 256)],
        "64 levels",
    ),
    "tags": (TAGS, [("SL011", n, 4) for n in range(2, 8)], "!!python/object/apply:os.system"),
    "duplicate-keys": (
        CLEAN.replace("heat: -1\n", "heat: -1\nheat: 0\nheat: 1\n", 1),
        [("SL010", 11, 1), ("SL010", 12, 1)],
        "duplicate key `heat`",
    ),
    "never-closed": (CLEAN.replace("\n---\n", "\n", 1), [("SL007", 1, 1)], "never closed"),
    "only-opening": ("---", [("SL007", 1, 1)], "in the 0 lines that follow"),
    "one-megabyte-line": ("x" * 1_000_000, [("SL006", 1, 1), ("SL014", 1, 1)], "found 'xxxxxxxx"),
    "one-megabyte-title": (
        CLEAN.replace("Live Facial Recognition used in Croydon", "x" * 1_000_000, 1),
        [("SL014", 3, 1)],
        "1,000,009 characters",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_hostile_file_gets_a_clear_diagnostic_and_the_rest_is_checked(docs, name):
    content, expected, fragment = CASES[name]
    (docs / f"{name}.md").write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    status, items, stderr = lint(f"docs/{name}.md", "docs")  # named: a document whatever it holds
    assert_calm(status, items, stderr)
    assert [entry for entry in found(items, f"docs/{name}.md") if entry[0].startswith("SL0")] == expected
    messages = [d["message"] for d in items if d["path"] == f"docs/{name}.md" and d["code"].startswith("SL0")]
    assert any(fragment in message for message in messages), messages
    assert WITNESS_FINDING[1:] in found(items, WITNESS_FINDING[0])


def test_tags_construct_nothing_and_run_nothing(docs):
    (docs / "tags.md").write_text(TAGS, encoding="utf-8")
    status, items, stderr = lint("docs")
    assert_calm(status, items, stderr)
    assert not (docs.parent / "pwned").exists() and not (docs / "pwned").exists()
    doc = document.load_document(docs / "tags.md")
    # plain data only: the tagged values are read as the text or list they are written as
    assert doc.data == {
        "a": ["touch pwned"],
        "b": ["open('pwned', 'w')"],
        "c": "",
        "d": "value",
        "e": "aGVsbG8=",
        "f": {"x": None},
    }


def test_deep_nesting_far_past_the_c_stack_does_not_kill_the_process(docs):
    """libyaml's composer recurses in C: 100,000 levels used to end the process with a segmentation fault."""
    depth = 100_000
    (docs / "flow.md").write_text("---\nx: " + "[" * depth + "]" * depth + "\n---\n")
    (docs / "block.md").write_text("---\nx:\n" + "- " * depth + "a\n---\n")
    (docs / "anchored.md").write_text("---\nx:\n" + "- &a " * depth + "a\n---\n")
    # libyaml also breaks lines at a lone \r and at U+2028; positions stay in the file's own lines
    (docs / "carriage-return.md").write_bytes(b"---\nx:\r" + b"- " * depth + b"a\n---\n")
    (docs / "line-separator.md").write_bytes("---\nx:\u2028".encode() + b"- " * depth + b"a\n---\n")
    process = lint_process("check", "docs")
    assert process.returncode == 1, process.stderr
    assert b"Traceback" not in process.stderr
    lines = process.stdout.decode().splitlines()
    for name in ("flow", "block"):
        assert any(
            line.startswith(f"docs/{name}.md:") and " SL012 the YAML nests more than 64 levels deep" in line
            for line in lines
        )
    # libyaml refuses `- &a - &a …` (anchored compact entries) as a syntax error, found before any depth is reached
    assert (
        "docs/anchored.md:3:6: SL008 YAML syntax error: block sequence entries are not allowed in this context" in lines
    )
    assert "docs/carriage-return.md:2:130: SL012 the YAML nests more than 64 levels deep" in lines
    assert "docs/line-separator.md:2:130: SL012 the YAML nests more than 64 levels deep" in lines
    assert any(line.startswith("docs/witness.md:9:1: SL010") for line in lines)


def test_a_hundred_megabyte_file_is_refused_without_reading_it(docs):
    big = docs / "big.md"
    with big.open("wb") as file:  # sparse: no disk used
        file.truncate(100 * 1024 * 1024)
    try:
        tracemalloc.start()
        doc = document.load_document(big, "docs/big.md")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert [(p.kind, p.message) for p in doc.problems] == [
            ("file-too-large", "file is 104,857,600 bytes; documents over 10,485,760 bytes are not parsed")
        ]
        assert peak < 1024 * 1024  # not one megabyte of it was read
        status, items, stderr = lint("docs")
        assert_calm(status, items, stderr)
        assert found(items, "docs/big.md") == [("SL002", 1, 1)]
        assert WITNESS_FINDING[1:] in found(items, WITNESS_FINDING[0])
    finally:
        big.unlink()


def test_a_file_that_grows_past_the_limit_while_read_is_cut_off(tmp_path, monkeypatch):
    """The size on disk is only a hint: the read itself stops at the limit."""
    path = tmp_path / "growing.md"
    path.write_bytes(b"---\n" + b"x" * 100)
    with pytest.raises(document.FileTooLarge):
        document.read_bounded(path, limit=50)
    monkeypatch.setattr(os, "fstat", lambda fd, real=os.fstat: os.stat_result((*real(fd)[:6], 10, *real(fd)[7:])))
    with pytest.raises(document.FileTooLarge, match="over 50 bytes"):
        document.read_bounded(path, limit=50)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_like_a_document_does_not_block(docs):
    os.mkfifo(docs / "pipe.md")
    process = lint_process("check", "docs", timeout=30)  # opening a FIFO for reading blocks without O_NONBLOCK
    assert process.returncode == 1 and b"Traceback" not in process.stderr
    assert (
        "docs/pipe.md:1:1: SL001 cannot read file: not a regular file (a FIFO)" in process.stdout.decode().splitlines()
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_link_to_an_endless_device_is_refused(docs):
    (docs / "zero.md").symlink_to("/dev/zero")
    status, items, stderr = lint("docs")
    assert_calm(status, items, stderr)
    assert [(d["code"], d["message"]) for d in items if d["path"] == "docs/zero.md"] == [
        ("SL001", "cannot read file: a link leading outside the project root (to /dev/zero): not read")
    ]
    # Whatever the path, the reader itself refuses a device without reading it.
    with pytest.raises(OSError, match=r"not a regular file \(a device or socket\)"):
        document.read_bounded(Path("/dev/zero"))


def test_directory_named_like_a_document_inside_a_walked_folder(docs):
    (docs / "empty.md").mkdir()
    (docs / "folder.md").mkdir()
    (docs / "folder.md" / "inner.md").write_text(WITNESS, encoding="utf-8")
    status, items, stderr = lint("docs")
    assert_calm(status, items, stderr)
    assert {d["path"] for d in items} == {"docs/witness.md", "docs/folder.md/inner.md"}


def test_directory_named_like_a_document_passed_explicitly(docs):
    (docs / "empty.md").mkdir()
    status, items, stderr = lint("docs/empty.md")
    assert (status, items) == (2, [])
    assert "no documents in docs/empty.md: documents are files named *.md, *.txt" in stderr
    assert "Traceback" not in stderr
    (docs / "full.md").mkdir()
    (docs / "full.md" / "inner.md").write_text(WITNESS, encoding="utf-8")
    status, items, stderr = lint("docs/full.md")
    assert_calm(status, items, stderr)
    assert found(items, "docs/full.md/inner.md") == [("SL010", 9, 1)]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_symlink_loops(docs):
    (docs / "self.md").symlink_to("self.md")
    (docs / "ping.md").symlink_to("pong.md")
    (docs / "pong.md").symlink_to("ping.md")
    (docs / "dangling.md").symlink_to("nowhere.md")
    (docs / "loop").mkdir()
    (docs / "loop" / "up").symlink_to("..")  # a folder link loop: the walk does not follow folder links
    (docs / "loop" / "again").symlink_to("../loop")
    status, items, stderr = lint("docs")
    assert_calm(status, items, stderr)
    messages = {d["path"]: (d["code"], d["line"], d["column"], d["message"]) for d in items if d["code"] == "SL001"}
    loop = "cannot read file: Too many levels of symbolic links"
    assert messages == {
        "docs/self.md": ("SL001", 1, 1, loop),
        "docs/ping.md": ("SL001", 1, 1, loop),
        "docs/pong.md": ("SL001", 1, 1, loop),
        "docs/dangling.md": ("SL001", 1, 1, "cannot read file: No such file or directory"),
    }
    assert WITNESS_FINDING[1:] in found(items, WITNESS_FINDING[0])
    # named explicitly, through the folder loop: one document, shown by the path given
    status, items, stderr = lint("docs/loop/again/again/up/witness.md", "docs/self.md")
    assert_calm(status, items, stderr)
    assert found(items, "docs/loop/again/again/up/witness.md") == [("SL010", 9, 1)]
    assert found(items, "docs/self.md") == [("SL001", 1, 1)]


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="chmod 000 does not stop root from reading; see the next test"
)
def test_unreadable_file_chmod(docs):
    locked = docs / "locked.md"
    locked.write_text(CLEAN, encoding="utf-8")
    locked.chmod(0)
    try:
        status, items, stderr = lint("docs")
    finally:
        locked.chmod(0o644)
    assert_calm(status, items, stderr)
    assert [(d["code"], d["message"]) for d in items if d["path"] == "docs/locked.md"] == [
        ("SL001", "cannot read file: Permission denied")
    ]


def test_unreadable_file_permission_denied(docs, monkeypatch):
    """What chmod 000 does for a user who is not root, made to happen for root too."""
    (docs / "locked.md").write_text(CLEAN, encoding="utf-8")
    real_open = os.open

    def denying_open(path, flags, *args, **kwargs):
        if os.fspath(path).endswith("locked.md"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denying_open)
    status, items, stderr = lint("docs")
    assert_calm(status, items, stderr)
    assert [(d["code"], d["line"], d["column"], d["message"]) for d in items if d["path"] == "docs/locked.md"] == [
        ("SL001", 1, 1, "cannot read file: Permission denied")
    ]
    assert WITNESS_FINDING[1:] in found(items, WITNESS_FINDING[0])


def test_unlistable_folder_is_reported_not_skipped(docs, monkeypatch):
    (docs / "private").mkdir()
    (docs / "private" / "hidden.md").write_text(WITNESS, encoding="utf-8")
    real_scandir = os.scandir

    def denying_scandir(path="."):
        if os.fspath(path).endswith("private"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", denying_scandir)
    real_open = os.open

    def denying_open(path, *args, **kwargs):  # as chmod 000 on the folder would, for a user who is not root
        if os.fspath(path).endswith("private"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denying_open)
    status, items, stderr = lint("docs")
    assert_calm(status, items, stderr)
    assert [(d["code"], d["message"]) for d in items if d["path"] == "docs/private"] == [
        ("SL001", "cannot read file: Permission denied")
    ]
    assert WITNESS_FINDING[1:] in found(items, WITNESS_FINDING[0])


def test_file_deleted_between_listing_and_reading(docs, monkeypatch):
    (docs / "ephemeral.md").write_text(WITNESS, encoding="utf-8")
    real_discover = discovery.discover

    def discover_then_delete(*args, **kwargs):
        sources = real_discover(*args, **kwargs)
        (docs / "ephemeral.md").unlink(missing_ok=True)  # (discovered twice: the run and its corpus)
        return sources

    monkeypatch.setattr("seedlint.cli.discover", discover_then_delete)
    status, items, stderr = lint("docs")
    assert_calm(status, items, stderr)
    assert [(d["code"], d["message"]) for d in items if d["path"] == "docs/ephemeral.md"] == [
        ("SL001", "cannot read file: No such file or directory")
    ]
    assert WITNESS_FINDING[1:] in found(items, WITNESS_FINDING[0])


def test_a_bug_in_the_loader_is_one_internal_error_and_the_other_files_are_checked(docs, monkeypatch):
    """The loader never raises for a user's file; if it ever does (a bug), the run goes on and says so in one line."""
    (docs / "trigger.md").write_text(CLEAN, encoding="utf-8")
    real_load = document.load_document

    def buggy_load(path, display=None):
        if path.name == "trigger.md":
            raise AssertionError("simulated loader bug")
        return real_load(path, display)

    monkeypatch.setattr("seedlint.checking.load_document", buggy_load)
    assert_one_internal_error(
        "docs/trigger.md: internal error while loading the file: AssertionError: simulated loader bug"
    )


def test_names_with_spaces_and_non_ascii(docs):
    names = ["with space.md", "café — 日本語.md", "emoji 🗞.md"]
    for name in names:
        (docs / name).write_text(WITNESS, encoding="utf-8")
    status, items, stderr = lint("docs")
    assert_calm(status, items, stderr)
    for name in names:
        assert found(items, f"docs/{name}") == [("SL010", 9, 1)]
    result = CliRunner().invoke(main, ["check", "docs/café — 日本語.md"], catch_exceptions=False)
    assert (
        result.stdout.splitlines()[0]
        == "docs/café — 日本語.md:9:1: SL010 duplicate key `title` (first defined on line 3); "
        "YAML keeps only the last value"
    )


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux file systems take names that are not UTF-8")
def test_a_file_name_that_is_not_utf8(docs):
    with open(os.fsencode(docs) + b"/caf\xe9.md", "wb") as file:
        file.write(WITNESS.encode())
    status, items, stderr = lint("docs")
    assert_calm(status, items, stderr)
    assert found(items, "docs/caf\\xe9.md") == [("SL010", 9, 1)]
    # a UTF-8 console that is strict about it (not the C locale): no UnicodeEncodeError
    process = lint_process("check", "docs", env={"PYTHONIOENCODING": "utf-8"})
    assert process.returncode == 1 and process.stderr == b""
    assert process.stdout.startswith(b"docs/caf\\xe9.md:9:1: SL010 ")
    process = lint_process("check", "--output-format", "json", "docs", env={"PYTHONIOENCODING": "utf-8"})
    assert process.returncode == 1 and process.stderr == b""
    assert json.loads(process.stdout)[0]["path"] == "docs/caf\\xe9.md"


def test_a_console_that_cannot_show_the_characters(docs):
    (docs / "café.md").write_text(
        CLEAN.replace("type: article\n", 'type: article\ntitle: "Ünïcödé"\n', 1), encoding="utf-8"
    )
    process = lint_process("check", "--output-format", "json", "docs", env={"PYTHONIOENCODING": "ascii"})
    assert process.returncode == 1 and b"Traceback" not in process.stderr, process.stderr
    assert max(process.stdout) < 128  # escaped as \uXXXX: still JSON, still the same text
    items = json.loads(process.stdout)
    assert ("docs/café.md", "SL010", 9, 1) in [(d["path"], d["code"], d["line"], d["column"]) for d in items]
    process = lint_process("check", "docs", env={"PYTHONIOENCODING": "ascii"})
    assert process.returncode == 1 and b"Traceback" not in process.stderr
    assert b"docs/caf\\u00e9.md:9:1: SL010" in process.stdout


def test_a_pipe_closed_early_ends_quietly(docs):
    for number in range(30):  # 30 × 110 findings (duplicate keys are capped at 100 per file): 300 kB of report
        (docs / f"many{number:02}.md").write_text("---\n" + "k: 1\n" * 2000 + "---\n")
    with subprocess.Popen(
        [sys.executable, "-m", "seedlint", "check", "docs"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    ) as process:
        first = process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read()
        status = process.wait(timeout=60)
    assert first.startswith(b"docs/many00.md:")
    assert status == 2 and stderr == b""


def test_an_unbuffered_stdout_gets_the_report_in_blocks_and_whole(docs, monkeypatch):
    # PYTHONUNBUFFERED (set in many CI environments) makes every write a system call: 60,000 findings were
    # 60,000 of them. The report is gathered in blocks, flushed whole, and stdout left as it was.
    for number in range(3):
        (docs / f"many{number}.md").write_text("---\n" + "k: 1\n" * 200 + "---\n")

    class Counting(io.RawIOBase):
        def __init__(self) -> None:
            self.writes: list[bytes] = []

        def writable(self) -> bool:
            return True

        def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
            self.writes.append(bytes(data))
            return len(data)

    raw = Counting()
    stdout = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)  # (what -u makes of sys.stdout)
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.chdir(docs.parent)
    with pytest.raises(SystemExit) as exit:
        main(["check", "--no-cache", "docs"])
    lines = b"".join(raw.writes).decode().splitlines()
    assert exit.value.code == 1 and len(lines) == 332  # 331 findings (duplicate keys capped per file), the summary
    assert lines[0].startswith("docs/many0.md:2:1: SL101") and lines[-1].startswith("Found 331 problems")
    assert len(raw.writes) <= len(b"".join(raw.writes)) // 8192 + 2
    assert stdout.write_through


def test_the_whole_hostile_collection_in_one_run(docs):
    """All the cases at once, through `python -m seedlint`: one exit status, no traceback, every file named."""
    for name, (content, _, _) in CASES.items():
        (docs / f"{name}.md").write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    process = lint_process("check", "docs")
    # (found in a folder, a file with text but no front matter is no document: set aside, and named)
    assert process.returncode == 1 and process.stderr == (
        b"seedlint: 1 file without front matter set aside as no document: docs/one-megabyte-line.md "
        b"(name a file to check it anyway, or `exclude` it)\n"
    )
    shown = {line.split(":", 1)[0] for line in process.stdout.decode().splitlines()[:-1]}
    assert shown == {f"docs/{name}.md" for name in CASES if name != "one-megabyte-line"} | {"docs/witness.md"}


def test_document_text_and_file_names_cannot_drive_the_terminal(docs):
    """Escape sequences written as YAML escapes (`\\e[2J` clears the screen, `\\e]0;…\\a` retitles the
    window), C1 controls, bidirectional overrides and a file name with a line feed reach the messages;
    the concise output shows each as an escape, so that every diagnostic stays one inert line."""
    hostile = CLEAN.replace(
        "type: article\n", 'type: "art\\e[31micle"\n"\\e[2J\\e]0;pwned\\a": x\n"ke\\u202ey": y\n', 1
    )
    name = "evil\x1b[2J\nname.md" if sys.platform == "linux" else "evil name.md"
    (docs / name).write_text(hostile, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "docs"], catch_exceptions=False)
    assert result.exit_code == 1 and result.stderr == ""
    for character in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert character not in result.stdout
    lines = result.stdout.splitlines()
    shown = name.replace("\x1b", "\\u001b").replace("\n", "\\n")
    assert f"docs/{shown}:9:1: SL102 unknown field `\\u001b[2J\\u001b]0;pwned\\u0007`" in lines
    assert f"docs/{shown}:10:1: SL102 unknown field `ke\\u202ey`" in lines
    assert all(line.startswith(("docs/", "Found ")) for line in lines)  # no line was broken in two


def test_a_whole_check_opens_no_network_connection(isolated_cwd, monkeypatch):
    """No network at lint time: every rule runs on real documents with sockets made to fail."""
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    for name in ("getaddrinfo", "create_connection"):
        monkeypatch.setattr(socket, name, no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    fixtures = Path(__file__).parent / "fixtures"
    result = CliRunner().invoke(
        main, ["check", "--quiet", str(fixtures / "seeds"), str(fixtures / "ai-news")], catch_exceptions=False
    )
    assert result.exit_code == 1 and result.stderr == ""
    result = CliRunner().invoke(main, ["check", str(fixtures / "seeds"), str(fixtures / "ai-news")])
    assert " in 85 files checked." in result.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (None, "missing.json: cannot read the schema: No such file or directory"),
        (
            '{"type": "object",',
            "missing.json: the schema is not JSON: Expecting property name enclosed in double quotes",
        ),
        (
            '{"type": 5}',
            "missing.json: not a valid JSON Schema: 5 is not one of ['array', 'boolean', 'integer', 'null', 'number', "
            "'object', 'string'] (at #/type)",
        ),
        # jsonschema would fetch this (its deprecated fallback): refused before any document is checked
        (
            '{"$ref": "https://example.com/article.json"}',
            "missing.json: `$ref: https://example.com/article.json` (at #) names `https://example.com/article.json`, "
            "which is not part of the schema; seedlint fetches nothing at lint time",
        ),
    ],
    ids=["missing", "not-json", "not-a-schema", "remote-ref"],
)
def test_a_configured_schema_that_cannot_be_used_is_one_usage_error(docs, schema, message):
    (docs.parent / "seedlint.toml").write_text('schema = "missing.json"\n')
    if schema is not None:
        (docs.parent / "missing.json").write_text(schema)
    status, items, stderr = lint("docs")
    assert (status, items) == (2, [])
    assert "Traceback" not in stderr and "internal error" not in stderr
    [error] = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert message in error


@pytest.mark.parametrize(
    ("configuration", "message"),
    [
        (b"\xff\xfe\x00x", ": cannot read configuration: 'utf-8' codec can't decode byte 0xff in position 0"),
        (b"paths = [\n", ": invalid TOML: Invalid value (at end of document)"),
        (b'severity = {SL001 = "fatal"}\n', ":1: `severity.SL001` must be error, warning or info, not 'fatal'"),
        (b'per-file-ignores = {"docs/*" = "SL0"}\n', ":1: `per-file-ignores.docs/*` must be a list of rule codes"),
    ],
    ids=["binary", "unclosed-list", "bad-severity", "ignores-not-a-list"],
)
def test_a_hostile_configuration_is_one_usage_error(docs, configuration, message):
    (docs.parent / "seedlint.toml").write_bytes(configuration)
    status, items, stderr = lint("docs")
    assert (status, items) == (2, [])
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert f"Error: {docs.parent.resolve() / 'seedlint.toml'}{message}" in stderr


# Found by tools/fuzz.py: values of the wrong shape, or URLs urllib cannot split, reached the corpus index
# (built outside the per-rule guard), so one document ended the whole run with a traceback.
FUZZ_FINDINGS = {
    "port-out-of-range": ('webUrl: "https://news.met.police.uk/', 'webUrl: "https://news.met.police.uk:99999/'),
    "port-not-a-number": ('webUrl: "https://news.met.police.uk/', 'webUrl: "https://news.met.police.uk:00:00Z/'),
    "unbalanced-bracket-in-host": ('webUrl: "https://news.met.police.uk/', 'webUrl: "https://news[.met.police.uk/'),
    "title-is-a-list": ('title: "Live Facial Recognition used in Croydon"', "title: [Live, Facial]"),
    "related-title-is-a-mapping": (
        '    webUrl: "https://www.wired.com/story/parabon-nanolabs-dna-face-models-police-facial-recognition/"',
        '    webUrl: "https://www.wired.com/story/nowhere/"\n    excerpt2: x',
    ),
    "related-provider-is-a-list": (
        "    provider:\n      name: Wired\n      domain: wired.com",
        "    provider: [Wired, wired.com]",
    ),
}


@pytest.mark.parametrize("name", FUZZ_FINDINGS)
def test_fuzz_findings_wrong_shapes_and_unsplittable_urls(docs, name):
    old, new = FUZZ_FINDINGS[name]
    assert old in CLEAN
    damaged = CLEAN.replace(old, new, 1)
    if name == "related-title-is-a-mapping":
        damaged = damaged.replace('  - title: "Cops Used DNA', '  - title: {a: 1}\n    x: "Cops Used DNA', 1)
    (docs / f"{name}.md").write_text(damaged, encoding="utf-8")
    (docs / "original.md").write_text(CLEAN, encoding="utf-8")  # its twin: the corpus rules compare them
    status, items, stderr = lint("docs")
    assert_calm(status, items, stderr)
    assert found(items, f"docs/{name}.md")  # reported, not crashed on
    assert WITNESS_FINDING[1:] in found(items, WITNESS_FINDING[0])


def test_a_bug_in_the_corpus_index_keeps_the_per_document_diagnostics(docs, monkeypatch):
    def broken_index(*args, **kwargs):
        raise TypeError("simulated index bug")

    monkeypatch.setattr("seedlint.engine.Corpus", broken_index)
    assert_one_internal_error("corpus: internal error while indexing the documents: TypeError: simulated index bug")


def test_a_long_run_of_blanks_inside_a_line_does_not_hang(docs):
    """The trailing-whitespace search once restarted inside every run of blanks that ends in text: time
    grew with the square of the run (minutes for this file). The child process gets a generous bound."""
    (docs / "blanks.md").write_text("---\na: b" + " " * 2_000_000 + "x  \n---\n")
    process = lint_process("check", "docs", timeout=120)
    assert process.returncode == 1 and process.stderr == b""
    lines = process.stdout.decode().splitlines()
    assert (
        "docs/blanks.md:2:1: SL014 line 2 is 2,000,007 characters long; "
        "lines over 10,000 characters are not article text (pasted data?)"
    ) in lines
    assert "docs/blanks.md:2:2000006: SL016 trailing whitespace (2 characters)" in lines
