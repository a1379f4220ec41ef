"""Issue 17, replayed as a new user would: 30 real ai-news documents in `_news/` of a fresh repository, the
`seedlint` and `seedlint-fix` hooks of this repository's .pre-commit-hooks.yaml, and the real pre-commit and git.

The hooks run as .pre-commit-hooks.yaml defines them (entry, arguments, flags, `verbose`), from a `local`
repository whose entry runs this checkout's seedlint; `test_the_hooks_install_from_a_local_clone` installs them
the way a user does, from a clone, through pre-commit's own Python environment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_baseline import CLEARVIEW, CONFIG, FASTCOMPANY, news, reversed_related
from test_compare import PERCEPTION, STALE, edit

REPO = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())


def local_hooks() -> str:
    """The hooks of .pre-commit-hooks.yaml as a `local` repository running this checkout's seedlint."""
    hooks = []
    for hook in sorted(HOOKS, key=lambda hook: hook["id"] != "seedlint-fix"):  # the fixer first, then the check
        entry = hook["entry"]
        assert entry.startswith("seedlint ")
        hooks.append({**hook, "entry": f"{sys.executable} -m {entry}", "language": "system"})
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


class Site:
    def __init__(self, path: Path, env: dict[str, str]):
        self.path, self.env = path, env

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            args,
            cwd=self.path,
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # git prints its hooks' output on stderr: both in one
            text=True,
            timeout=600,
        )

    def commit(self, message: str, **env: str) -> subprocess.CompletedProcess:
        self.run("git", "add", "-A")
        return self.run("git", "commit", "-q", "-m", message, **env)

    def commits(self) -> int:
        return len(self.run("git", "rev-list", "--all").stdout.split())

    def seedlint(self, *args: str) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "-m", "seedlint", *args)


def environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "NO_COLOR": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }


@pytest.fixture
def site(tmp_path) -> Site:
    site = Site(news(tmp_path / "site"), environment(tmp_path))
    site.run("git", "init", "-q")
    (site.path / ".gitignore").write_text(".seedlint_cache/\n")
    (site.path / ".pre-commit-config.yaml").write_text(local_hooks())
    assert site.run(sys.executable, "-m", "pre_commit", "install").returncode == 0
    return site


def hook_output(output: str, name: str) -> list[str]:
    """The lines a hook printed (pre-commit shows them under `- hook id: …` / `- duration: …` and a blank line)."""
    start = output.index(f"- hook id: {name}\n")
    lines = output[start:].split("\n\n", 1)[1].split("\n")
    end = next(i for i, line in enumerate(lines) if line == "" or re.match(r"\S.*\.\.\.(Passed|Failed|Skipped)$", line))
    return lines[:end]


def test_adopting_seedlint_on_an_existing_corpus(site):
    # Without a baseline the first commit meets 16 findings of documents nobody touched.
    refused = site.commit("30 documents", SKIP="seedlint-fix")
    assert refused.returncode == 1 and site.commits() == 0
    assert "every finding is new (to accept today's findings, record them with `seedlint check --write-baseline`)" in (
        refused.stdout
    )
    assert "Found 16 new problems (2 errors, 10 warnings, 4 infos) in 30 files checked." in refused.stdout

    # 1. A baseline records them: the first commit passes, with both hooks.
    written = site.seedlint("check", "--write-baseline")
    assert written.returncode == 0
    (site.path / "pyproject.toml").write_text(CONFIG + 'baseline = "seedlint-baseline.json"\n')
    first = site.commit("30 documents and a baseline")
    assert first.returncode == 0, first.stdout
    assert site.commits() == 1
    passed = hook_output(first.stdout, "seedlint")
    assert passed == [
        "seedlint: --diff-base HEAD: the repository has no commit yet: compared only with the baseline",
        "No new problem outside the baseline in 30 files checked; 16 findings existed before this change "
        "(2 errors, 10 warnings, 4 infos; 16 in the baseline): `seedlint check --no-baseline` lists them.",
    ]

    # 2. A commit that breaks a date fails, with that finding first.
    document = site.path / "_news" / FASTCOMPANY
    edit(document, "publishedDateTime: 2020-02-19T18:05:00Z", "publishedDateTime: 2020-02-30T18:05:00Z")
    broken = site.commit("a bad date")
    assert broken.returncode == 1 and site.commits() == 1
    assert "seedlint.................................................................Failed" in broken.stdout
    shown = hook_output(broken.stdout, "seedlint")
    assert shown[0] == (
        f"_news/{FASTCOMPANY}:5:20: SL202 publishedDateTime 2020-02-30T18:05:00Z is not a real date: "
        "February 2020 has 29 days"
    )
    assert shown[-2:] == [
        "Found 4 new problems since HEAD (1 error, 3 warnings) in 30 files checked. 3 fixable with "
        "`seedlint fix --diff-base HEAD --unsafe-fixes`.",
        "And 16 findings existed before this change (2 errors, 10 warnings, 4 infos; 16 in the baseline): "
        "`seedlint check --no-baseline` lists them.",
    ]
    site.run("git", "reset", "-q", "--hard")

    # 3. An excerpt edit that makes three copies stale passes, and the stale copies are shown.
    edit(document, "The technology that", "The tech that")
    stale = site.commit("an excerpt", SKIP="seedlint-fix")
    assert stale.returncode == 0 and site.commits() == 2
    shown = hook_output(stale.stdout, "seedlint")
    assert [line.split(":")[0] for line in shown[:3]] == STALE
    assert all(" SL505 " in line and "(excerpt differs)" in line for line in shown[:3])
    assert shown[3] == (
        "Found 3 new problems since HEAD (3 warnings) in 30 files checked. 3 fixable with `seedlint fix --diff-base "
        "HEAD`."
    )
    # pre-commit checking that range in CI (`--from-ref`) compares with its start, not with HEAD.
    ranged = site.run(sys.executable, "-m", "pre_commit", "run", "seedlint", "--from-ref", "HEAD~1", "--to-ref", "HEAD")
    assert "Found 3 new problems since HEAD~1 (3 warnings) in 30 files checked." in ranged.stdout
    #    The fix hook rewrites the copies an edit makes stale: the commit stops, the user adds them, it passes.
    site.run("git", "revert", "--no-edit", "HEAD")
    edit(document, "The technology that", "The technique that")
    fixing = site.commit("another excerpt")
    assert fixing.returncode == 1 and "files were modified by this hook" in fixing.stdout
    assert "Fixed 3 problems in 3 files." in fixing.stdout
    fixed = site.commit("another excerpt, copies updated")
    assert fixed.returncode == 0 and site.commits() == 4
    for path in STALE:
        assert "The technique that" in (site.path / path).read_text(encoding="utf-8")

    # 4. Deleting a referenced document (the only one on its host, so "hosts" scope alone would not see it) fails.
    site.run("git", "rm", "-q", f"_news/{PERCEPTION}")
    deleted = site.run("git", "commit", "-q", "-m", "delete")
    assert deleted.returncode == 1 and site.commits() == 4
    shown = hook_output(deleted.stdout, "seedlint")
    assert sum(" SL504 " in line and f"it named {PERCEPTION} at HEAD" in line for line in shown) == 7
    assert "Found 7 new problems since HEAD (7 errors) in 29 files checked." in shown
    site.run("git", "reset", "-q", "--hard")

    # 5. The baseline survives re-ordering a related list and unrelated edits.
    path = site.path / "_news" / CLEARVIEW
    reordered, _ = reversed_related(path.read_text(encoding="utf-8"))
    path.write_text(reordered.replace("\nquality: ", "\n# reviewed\nquality: ", 1) + "More text.\n", encoding="utf-8")
    kept = site.commit("re-ordered")
    assert kept.returncode == 0 and site.commits() == 5
    assert hook_output(kept.stdout, "seedlint")[0].startswith("No new problem since HEAD in 30 files checked")


def test_the_hooks_install_from_a_local_clone(tmp_path):
    """The hooks as a user installs them: `repo:` a clone of seedlint (this checkout's files, committed), pre-commit
    building its own environment with `pip install` of the clone."""
    clone = tmp_path / "seedlint-clone"
    files = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, files):
        if (REPO / name).is_file() and not name.startswith("tests/"):
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, clone / name)
    env = {**environment(tmp_path), "PYTHONPATH": ""}
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "seedlint"]):
        subprocess.run(command, cwd=clone, env=env, check=True, timeout=60)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True, check=True).stdout
    site = Site(news(tmp_path / "site"), env)
    site.run("git", "init", "-q")
    (site.path / ".gitignore").write_text(".seedlint_cache/\n")
    (site.path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone}\n    rev: {rev.strip()}\n    hooks:\n      - id: seedlint\n"
    )
    installed = site.run(sys.executable, "-m", "pre_commit", "install-hooks")
    if installed.returncode != 0 and "pip" in installed.stdout and "No matching distribution" in installed.stdout:
        pytest.skip("pre-commit cannot install seedlint's dependencies here (no package index)")
    assert installed.returncode == 0, installed.stdout
    assert site.run(sys.executable, "-m", "pre_commit", "install").returncode == 0
    assert site.seedlint("check", "--write-baseline").returncode == 0
    (site.path / "pyproject.toml").write_text(CONFIG + 'baseline = "seedlint-baseline.json"\n')
    first = site.commit("adopted")
    assert first.returncode == 0, first.stdout
    assert hook_output(first.stdout, "seedlint") == [
        "seedlint: --diff-base HEAD: the repository has no commit yet: compared only with the baseline",
        "No new problem outside the baseline in 30 files checked; 16 findings existed before this change "
        "(2 errors, 10 warnings, 4 infos; 16 in the baseline): `seedlint check --no-baseline` lists them.",
    ]
    edit(
        site.path / "_news" / FASTCOMPANY,
        "publishedDateTime: 2020-02-19T18:05:00Z",
        "publishedDateTime: 2020-02-30T18:05:00Z",
    )
    broken = site.commit("a bad date")
    assert broken.returncode == 1
    assert hook_output(broken.stdout, "seedlint")[0].startswith(f"_news/{FASTCOMPANY}:5:20: SL202 ")
