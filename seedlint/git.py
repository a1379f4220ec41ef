"""Running git on the repository being checked, which an attacker may have written (CI runs on pull requests).

git reads configuration and hooks-capable settings from the repository it discovers; a folder of the
checked repository laid out as a bare repository (HEAD, objects/, refs/, a `config` with `core.fsmonitor`)
would be discovered as a repository of its own if git ran inside it, and its config would run commands.
So git never discovers anything here: it runs from the repository's root, with that root's `.git` named
explicitly, bare repositories refused, the file-system monitor off and no external diff or text
conversion programs.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# Settings given on the command line win over every configuration file git reads.
SAFE_SETTINGS = ("safe.bareRepository=explicit", "core.fsmonitor=false", "core.untrackedCache=false")
# Variables that would make git look elsewhere than the repository named here.
_REDIRECTING = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
)


class GitError(Exception):
    """git cannot answer (no repository, unknown revision, git missing); the message says why."""


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds a `.git` folder (or a `.git` file, as a worktree
    or submodule has): found without running git, so that nothing of the checked tree is executed."""
    for folder in [start, *start.parents]:
        if (folder / ".git").exists():
            return folder
    return None


def run(root: Path, *args: str, text: bool = True) -> str | bytes:
    """`git ARGS` on the repository at `root` (its `.git` named explicitly); raises GitError."""
    git_dir = root / ".git"
    command = ["git", f"--git-dir={git_dir}", f"--work-tree={root}"]
    for setting in SAFE_SETTINGS:
        command += ["-c", setting]
    environment = {key: value for key, value in os.environ.items() if key not in _REDIRECTING}
    try:
        process = subprocess.run(
            [*command, *args], cwd=root, capture_output=True, env=environment, stdin=subprocess.DEVNULL
        )
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror or error}") from None
    if process.returncode != 0:
        stderr = process.stderr.decode("utf-8", "replace").strip()
        raise GitError(stderr.splitlines()[-1] if stderr else f"`git {' '.join(args)}` failed")
    return process.stdout.decode("utf-8", "surrogateescape") if text else process.stdout
