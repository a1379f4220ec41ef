"""The real `pre-commit`, in a temporary git repository: bad documents block the commit, the fix hook
repairs them and says so, a clean commit passes, and deleting a referenced document is caught."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS

REPO = Path(__file__).resolve().parent.parent
SEEDLINT = f"{sys.executable} -m seedlint"
CONFIG = f"""repos:
  - repo: local
    hooks:
      - id: seedlint-fix
        name: seedlint (fix)
        entry: {SEEDLINT} fix
        language: system
        pass_filenames: false
        always_run: true
        require_serial: true
      - id: seedlint
        name: seedlint
        entry: {SEEDLINT} check
        language: system
        pass_filenames: false
        always_run: true
        require_serial: true
"""


class Repo:
    def __init__(self, path: Path, env: dict):
        self.path, self.env = path, env

    def __truediv__(self, name: str) -> Path:
        return self.path / name

    def run(self, *args, check=False) -> subprocess.CompletedProcess:
        # git prints its hooks' output on stderr: keep both streams in one
        return subprocess.run(
            args,
            cwd=self.path,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=check,
            timeout=300,
        )


@pytest.fixture
def repo(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "NO_COLOR": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    work = tmp_path / "work"
    work.mkdir()
    repo = Repo(work, env)
    repo.run("git", "init", "-q", check=True)
    shutil.copytree(SEEDS, work / "seeds")
    (work / "pyproject.toml").write_text('[tool.seedlint]\npaths = ["seeds"]\nrelated-scope = "hosts"\n')
    (work / ".pre-commit-config.yaml").write_text(CONFIG)
    repo.run(sys.executable, "-m", "pre_commit", "install", check=True)
    return repo


def commit(repo) -> subprocess.CompletedProcess:
    repo.run("git", "add", "-A")
    return repo.run("git", "commit", "-q", "-m", "change")


def test_fix_hook_repairs_then_a_clean_commit_passes(repo):
    # The seeds carry two mojibake excerpts: the fix hook repairs them and fails the first commit.
    first = commit(repo)
    assert first.returncode == 1
    assert "files were modified by this hook" in first.stdout
    assert "Sheriff’s" in (repo / "seeds" / "000_c11209e5b5b8f7fd.txt").read_text(encoding="utf-8")
    second = commit(repo)
    assert second.returncode == 0, second.stdout
    assert "seedlint (fix)" in second.stdout and "Passed" in second.stdout


def test_a_bad_document_blocks_the_commit(repo):
    assert commit(repo).returncode == 1 and commit(repo).returncode == 0
    path = repo / "seeds" / "003_e08711b63be86b3c.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("type: article\n", "type: artcle\n", 1), encoding="utf-8")
    result = commit(repo)
    assert result.returncode == 1
    assert (
        'seeds/003_e08711b63be86b3c.txt:7:7: SL104 `type` is "artcle"; '
        'expected one of "article", "video"; did you mean "article"?'
    ) in result.stdout
    assert repo.run("git", "log", "--oneline").stdout.count("\n") == 1  # the bad commit did not happen


def test_deleting_a_referenced_document_fails_the_hook(repo):
    assert commit(repo).returncode == 1 and commit(repo).returncode == 0
    repo.run("git", "rm", "-q", "seeds/002_436ca83e3ef9a780.txt", check=True)
    result = repo.run("git", "commit", "-q", "-m", "delete 002")
    assert result.returncode == 1
    assert (
        "seeds/001_5ea581042828ec4e.txt:51:13: SL504 related[1] → "
        "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478292 does not resolve"
        in result.stdout
    )
