"""What a user gives that would do nothing, or not what it says, is said, never passed over: each case below was
found by a fuzzing round on the options and the configuration, and each test fails on the code before its fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_split

from seedlint import failsafe

ENTITY = '---\ntitle: "Caf&eacute;"\n---\n'
BROKEN = "---\ntitle: [unclosed\n---\n"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(ENTITY, encoding="utf-8")
    return tmp_path


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=a@b", "-c", "user.name=x", *args], cwd=folder, check=True, capture_output=True
    )


def _error(status: int, stderr: str) -> tuple[int, str]:
    return status, stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        # Path("") is the current folder: the whole folder was checked, or a cache written into it.
        (["''"], "Error: Invalid value for '[PATHS]...': an empty path names no file (`.` is the current folder)"),
        (
            ["--cache-dir", "", "."],
            "Error: Invalid value for '--cache-dir': an empty path names no file (`.` is the current folder)",
        ),
        # It did nothing: a check reports every fix, safe or not, as it is.
        (
            ["--unsafe-fixes", "."],
            "Error: --unsafe-fixes applies the unsafe fixes too: give it with --fix or --diff (or run `seedlint fix "
            "--unsafe-fixes`); a check reports every fix, safe or not, as it is",
        ),
    ],
)
def test_an_option_that_would_do_nothing_or_something_else_is_a_usage_error(folder, arguments, error):
    arguments = ["" if argument == "''" else argument for argument in arguments]
    status, _, stderr = run_split(
        "check", "--isolated", "--no-cache" if "--cache-dir" not in arguments else "-q", *arguments
    )
    assert _error(status, stderr) == (2, error)
    assert sorted(path.name for path in folder.iterdir()) == ["a.md"]


def test_an_empty_since_is_an_unknown_revision_as_an_empty_diff_base_is(folder):
    _git(folder, "init", "-q", ".")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-qm", "first")
    assert _error(*run_split("check", "--isolated", "--no-cache", "--since=", ".")[::2]) == (
        2,
        "Error: --since: unknown revision ``",
    )
    # (and with --diff-base, the two are refused together, as for any --since)
    status, _, stderr = run_split("check", "--isolated", "--no-cache", "--since=", "--diff-base", "HEAD", ".")
    assert _error(status, stderr) == (2, "Error: --diff-base includes what --since checks: give one of them")


def test_an_unknown_pre_commit_from_ref_is_named_as_such(folder, monkeypatch):
    _git(folder, "init", "-q", ".")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-qm", "first")
    monkeypatch.setenv("PRE_COMMIT", "1")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "nope")
    status, _, stderr = run_split("check", "--isolated", "--no-cache", "--diff-base", "HEAD")
    assert _error(status, stderr) == (
        2,
        "Error: --diff-base: unknown revision `nope` (named by PRE_COMMIT_FROM_REF, which `pre-commit run "
        "--from-ref` sets, in place of HEAD)",
    )


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_configuration_file_that_is_no_regular_file_is_an_error_not_the_defaults(folder, kind):
    # (it was passed over: the defaults, or a pyproject.toml's [tool.seedlint] above, taken in silence)
    (folder / "pyproject.toml").write_text('[tool.seedlint]\nselect = ["SL1"]\n', encoding="utf-8")
    if kind == "folder":
        (folder / "seedlint.toml").mkdir()
    else:
        os.mkfifo(folder / "seedlint.toml")
    status, _, stderr = run_split("check", "--no-cache")
    shown = "a directory" if kind == "folder" else "a FIFO"
    assert _error(status, stderr) == (
        2,
        f"Error: {folder}/seedlint.toml: cannot read configuration: not a regular file ({shown})",
    )


@pytest.mark.parametrize(
    ("toml", "error"),
    [
        (
            'related-scope = "open"\nrelated_scope = "closed"\n',
            "seedlint.toml:2: `related_scope` sets `related-scope` again (`-` and `_` are one): give it once",
        ),
        (
            'severity = {SL402 = "error", sl402 = "info"}\n',
            "seedlint.toml:1: `severity.sl402` names the code of `SL402` again: give each once",
        ),
    ],
)
def test_one_setting_given_twice_in_two_spellings_is_an_error(folder, toml, error):
    # (one of the two was dropped: the last key, the first severity)
    (folder / "seedlint.toml").write_text(toml, encoding="utf-8")
    status, _, stderr = run_split("check", "--no-cache")
    assert _error(status, stderr) == (2, f"Error: {folder}/{error}")


def test_a_file_given_inside_the_cache_folder_is_refused_before_the_cache_is_made_there(folder):
    # (an internal error, "DiscoveryError", after the cache's database was made beside the document)
    status, _, stderr = run_split("check", "--isolated", "--cache-dir", ".", "a.md")
    assert _error(status, stderr) == (
        2,
        f"Error: the cache folder {folder.name} ({folder}) holds documents (a.md): a run leaves its cache folder "
        "out, so they would not be checked; give the cache a folder of its own (`cache-dir`, `--cache-dir`)",
    )
    assert sorted(path.name for path in folder.iterdir()) == ["a.md"]


@pytest.mark.parametrize("output", ["a.md", "page.html"])
def test_the_report_is_never_written_over_a_document(folder, output):
    # (`report -o docs/a.md` wrote the page over the article; a file outside the corpus that holds front matter is
    # taken for a document too)
    (folder / "page.html").write_text("---\ntitle: other\n---\n", encoding="utf-8")
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    status, _, stderr = run_split("report", "--isolated", "--no-cache", "-o", output, "a.md")
    why = "is a document of the corpus" if output == "a.md" else "holds front matter, as a document does"
    assert _error(status, stderr) == (2, f"Error: -o {output} {why}: the report is not written over it")
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


@pytest.mark.parametrize(
    "arguments", [["--select", "SL402"], ["--ignore", "SL0"], ["--select", "SL1,SL4"], ["--ignore", "SL005"]]
)
def test_a_document_that_does_not_load_is_reported_whatever_the_selection(folder, arguments):
    # It was checked for nothing, and passed: "All checks passed (1 file checked)", status 0.
    (folder / "a.md").write_text(BROKEN, encoding="utf-8")
    status, stdout, _ = run_split("check", "--isolated", "--no-cache", "--output-format", "concise", *arguments)
    assert (status, stdout.splitlines()[0]) == (
        1,
        "a.md:2:8: SL008 YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence here: the "
        "front matter ends on line 3 before it is closed)",
    )


@pytest.mark.parametrize(
    ("toml", "where"),
    [
        ('ignore = ["SL008"]\n', "seedlint.toml:1: `ignore` names 'SL008'"),
        ('per-file-ignores = {"*.md" = ["SL007"]}\n', "seedlint.toml:1: `per-file-ignores.*.md` names 'SL007'"),
        ('severity = {SL008 = "info"}\n', "seedlint.toml:1: `severity` names 'SL008'"),
    ],
)
def test_an_entry_that_would_turn_only_a_file_that_does_not_load_off_is_an_error(folder, toml, where):
    (folder / "seedlint.toml").write_text(toml, encoding="utf-8")
    status, _, stderr = run_split("check", "--no-cache")
    assert _error(status, stderr) == (
        2,
        f"Error: {folder}/{where}, which is never turned off: a file that does not load (SL001–SL013 but SL005) is "
        "always reported, as an error",
    )


@pytest.mark.parametrize(
    ("value", "on"), [("", False), ("0", False), ("false", False), (" No ", False), ("off", False), ("1", True)]
)
def test_seedlint_debug_is_off_for_the_usual_spellings_of_off(monkeypatch, value, on):
    monkeypatch.setenv(failsafe.DEBUG_VARIABLE, value)
    assert failsafe.debugging() is on


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_said_as_such_not_as_a_bug(folder):
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "seedlint", "check", "--isolated", "--no-cache", "a.md"],
            cwd=folder,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert (done.returncode, done.stderr) == (
        2,
        "seedlint: a write failed: No space left on device; what it wrote is incomplete\n",
    )


def test_since_in_a_repository_without_commits_says_there_is_nothing_to_compare_with(folder):
    # (as --diff-base says it; --since ran in silence)
    _git(folder, "init", "-q", ".")
    status, _, stderr = run_split("check", "--isolated", "--no-cache", "--since", "HEAD", ".")
    assert (status, stderr.splitlines()[0]) == (
        1,
        "seedlint: --since HEAD: the repository has no commit yet: no address can have been lost since",
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc, where no folder can be made")
def test_a_cache_folder_that_cannot_be_made_is_said_once_and_the_run_goes_on_without_it(folder):
    # (`--cache-dir /proc`: the run went on without a cache, saying nothing)
    status, stdout, stderr = run_split("check", "--isolated", "--cache-dir", "/proc/seedlint-cache", "a.md")
    assert (status, stderr) == (
        1,
        "seedlint: warning: cannot use the cache in /proc/seedlint-cache (/proc/seedlint-cache: No such file or "
        "directory); running without a cache\n",
    )
    assert stdout.splitlines()[-1].startswith("Found 8 problems")


def test_a_file_given_against_a_configured_corpus_of_no_document_is_a_usage_error(folder):
    # (a run of the whole corpus says "no documents"; one on a file given resolved its entries against nothing, and
    # each dangled: SL504)
    (folder / "docs").mkdir()
    (folder / "docs" / "b.txt").write_text(ENTITY, encoding="utf-8")
    (folder / "seedlint.toml").write_text('paths = ["docs"]\ninclude = ["*.md"]\n', encoding="utf-8")
    status, _, stderr = run_split("check", "--no-cache", "docs/b.txt")
    assert _error(status, stderr) == (
        2,
        f"Error: no documents in {folder}/docs, the corpus the related entries of the files given resolve against: "
        "documents are files named *.md",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_the_report_is_written_to_a_fifo_its_reader_waits_on(folder):
    # (the check that the output is no document opened it to read its first bytes: with a reader waiting on the FIFO
    # and no writer yet, that open waited for ever)
    import threading

    os.mkfifo(folder / "pipe")
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append((folder / "pipe").read_bytes()), daemon=True)
    reader.start()
    done = subprocess.run(
        [sys.executable, "-m", "seedlint", "report", "--isolated", "--no-cache", "-o", "pipe", "a.md"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
    )
    reader.join(10)
    assert (done.returncode, done.stderr) == (0, "seedlint: report written to pipe\n")
    assert received[0].startswith(b"<!DOCTYPE html>")
