"""An untrusted repository (a pull request whose every file the contributor wrote) through seedlint: no
command runs, nothing outside the repository is read into any output or written, no hang, no memory
blow-up, and a committed cache changes no finding. Each test replays one reproducer of issue 23."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS

REPO = Path(__file__).resolve().parent.parent
CLEAN = "002_436ca83e3ef9a780.txt"  # a real document without findings


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def seedlint(cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m seedlint ARGS` in a child process in `cwd` (a hang or a crash cannot hide there)."""
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository with a corpus `seeds/` of real documents, committed."""
    root = tmp_path / "repo"
    shutil.copytree(SEEDS, root / "seeds")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "seeds")
    return root


def plant_bare_repository(folder: Path, marker: Path) -> None:
    """Issue 23, item 1: the corpus folder laid out as a bare repository whose config runs a command
    (`core.fsmonitor`) whenever git starts inside it and refreshes an index."""
    (folder / "objects" / "info").mkdir(parents=True)
    (folder / "objects" / "info" / "alternates").write_text("../../.git/objects\n")
    (folder / "refs" / "heads").mkdir(parents=True)
    (folder / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / "config").write_text(
        f'[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = .\n\tfsmonitor = "id > {marker}; false"\n'
    )


@pytest.mark.parametrize("isolated", [False, True])
def test_since_runs_nothing_from_a_corpus_laid_out_as_a_bare_repository(repository, isolated):
    marker = repository.parent / "PWNED"
    head = git(repository, "rev-parse", "HEAD").strip()
    (repository / "refs").mkdir()  # (the ref the planted HEAD names: the real main branch's commit)
    plant_bare_repository(repository / "seeds", marker)
    (repository / "seeds" / "refs" / "heads" / "main").write_text(head + "\n")
    shutil.rmtree(repository / "refs")
    (repository / "seedlint.toml").write_text('paths = ["seeds"]\nrelated-scope = "hosts"\n')
    git(repository, "add", "-A")
    git(repository, "commit", "-qm", "a corpus that is also a bare repository")
    (repository / "seeds" / CLEAN).unlink()  # something changed since the revision: git diff and cat-file run
    args = ["check", "--no-cache", "--output-format", "concise", "--since", head]
    result = seedlint(repository, *args, *(["--isolated"] if isolated else []))
    assert not marker.exists(), "a command of the corpus's git config ran"
    assert "Traceback" not in result.stderr and result.returncode in (0, 1), result.stderr
    # The revision was really read: the deleted document's address is reported as lost.
    assert "at " + head in result.stdout
