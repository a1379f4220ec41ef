"""Running git on the repository being checked, which an attacker may have written (CI runs on pull requests).

What the attacker controls is the work tree: every file of the pull request. What it does not control is
the checkout's own `.git` (its config and hooks are the CI's), nor the command line and environment. So:

- git never discovers a repository. A folder of the work tree laid out as a bare repository (HEAD,
  objects/, refs/, a `config` with `core.worktree` and `core.fsmonitor`) would be taken for a repository
  of its own by a git started inside it, and its config would run commands. Here git runs from the
  repository's root, with that root's `.git` named explicitly (`--git-dir`, `--work-tree`), and
  `safe.bareRepository=explicit` refuses any bare repository it would otherwise find (also in the child
  processes git starts: `-c` settings are passed down to them).
- No setting that runs a program is used by the commands run here:
  `core.fsmonitor=false` (the one hook `git diff` would run while refreshing the index);
  `core.untrackedCache=false`; `--no-ext-diff --no-textconv` and `--ignore-submodules=all` for `diff` (no diff
  driver, no `git status` run inside a submodule's folder); blobs are read with `cat-file --batch`, which
  applies no filter or text conversion (`.gitattributes` of the work tree name drivers, but the programs are
  only ever defined in config, which is the CI's); `protocol.allow=never` and GIT_NO_LAZY_FETCH (git ≥ 2.44)
  so that a partial clone's missing blob is never fetched (no network, no ssh or credential helper);
  `--no-pager`, and stdin closed. Hooks (`core.hooksPath`) run only for commands that change the
  repository (commit, checkout, merge...), never for the read commands used here, so they are not touched.
- Variables that would point git at another repository are dropped; `--literal-pathspecs` makes the
  corpus folders' names plain paths, not globs.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# Settings given on the command line win over every configuration file git reads.
SAFE_SETTINGS = (
    "safe.bareRepository=explicit",
    "core.fsmonitor=false",
    "core.untrackedCache=false",
    "protocol.allow=never",
)
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
    "GIT_NAMESPACE",
)


class GitError(Exception):
    """git cannot answer (no repository, unknown revision, git missing); the message says why."""


class GitMissing(GitError):
    """git itself cannot be run (not installed, not on the PATH): no answer about the repository."""


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds a `.git` folder (or a `.git` file, as a worktree
    or submodule has): found without running git, so that nothing of the checked tree is executed.
    (git refuses to add any path named `.git` to a commit, so a pull request cannot plant one.)"""
    start = Path(os.path.abspath(start))
    for folder in [start, *start.parents]:
        if os.path.lexists(folder / ".git"):
            return folder
    return None


def is_shallow(root: Path) -> bool:
    """Whether the repository at `root` is a shallow clone (CI checkouts fetch one commit by default): told from
    git's own `shallow` file, without running git."""
    return os.path.isfile(_common_dir(root) / "shallow")


def _common_dir(root: Path) -> Path:
    """The repository's own folder: `.git`, or for a linked worktree, whose `.git` is a file naming its own folder
    (`gitdir: …`), the main repository's, which that folder's `commondir` names (read, without running git)."""
    dot_git = root / ".git"
    try:
        if not dot_git.is_file():
            return dot_git
        with dot_git.open("rb") as file:
            line = file.read(4096).decode("utf-8", "surrogateescape").strip()
        if not line.startswith("gitdir: "):
            return dot_git
        own = root / line.removeprefix("gitdir: ")
        with (own / "commondir").open("rb") as file:
            return own / file.read(4096).decode("utf-8", "surrogateescape").strip()
    except (OSError, ValueError):
        return dot_git


def command(root: Path, *args: str) -> list[str]:
    """The full command line of `git ARGS` on the repository at `root`."""
    line = ["git", "--no-pager", "--literal-pathspecs", f"--git-dir={root / '.git'}", f"--work-tree={root}"]
    for setting in SAFE_SETTINGS:
        line += ["-c", setting]
    return [*line, *args]


def environment() -> dict[str, str]:
    variables = {key: value for key, value in os.environ.items() if key not in _REDIRECTING}
    variables["GIT_NO_LAZY_FETCH"] = "1"
    return variables


def run(root: Path, *args: str, text: bool = True, stdin: bytes | None = None) -> str | bytes:
    """`git ARGS` on the repository at `root` (its `.git` named explicitly); raises GitError."""
    try:
        process = subprocess.run(
            command(root, *args),
            cwd=root,
            capture_output=True,
            env=environment(),
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
        )
    except OSError as error:
        raise GitMissing(f"cannot run git: {error.strerror or error}") from None
    if process.returncode != 0:
        stderr = process.stderr.decode("utf-8", "replace").strip()
        raise GitError(stderr.splitlines()[-1] if stderr else f"`git {' '.join(args)}` failed")
    return process.stdout.decode("utf-8", "surrogateescape") if text else process.stdout


def text(root: Path, *args: str) -> str:
    found = run(root, *args)
    assert isinstance(found, str)
    return found


def data(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    found = run(root, *args, text=False, stdin=stdin)
    assert isinstance(found, bytes)
    return found


def tracked_files(root: Path, folder: Path) -> bool:
    """Whether git tracks any file under `folder` (a folder of the repository at `root`)."""
    relative = os.path.relpath(os.path.abspath(folder), root)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return False
    return bool(data(root, "ls-files", "-z", "--", relative))
