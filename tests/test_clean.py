"""`seedlint clean`: it removes what seedlint made in the cache folder (its databases, and the copies of documents
that --diff-base keeps in versions/ and report --history in history/), never anything else, never through a link,
and the folder stays ignored (its .gitignore) until it is gone."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import SEEDS, run_cli

ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
ENV |= {"GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_GLOBAL": os.devnull}
VERSION = "ab" + "0" * 38
BLOB = "ef" + "1" * 38
WORKSPACE = "0123456789abcdef"


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, env=ENV, check=True, capture_output=True, text=True).stdout


def test_clean_removes_the_copies_of_documents_and_keeps_the_folder_ignored_until_it_is_gone(isolated_cwd):
    """After `check --diff-base` and `report --history`, clean left versions/ and history/ (the corpus's copies)
    and removed the .gitignore that hid them: git then listed every copy as untracked."""
    shutil.copytree(SEEDS, isolated_cwd / "news")
    (isolated_cwd / "seedlint.toml").write_text('paths = ["news"]\nrelated-scope = "hosts"\n')
    git(isolated_cwd, "init", "-q")
    git(isolated_cwd, "add", "-A")
    git(isolated_cwd, "commit", "-q", "-m", "one")
    first = isolated_cwd / "news" / "000_c11209e5b5b8f7fd.txt"
    first.write_text(first.read_text().replace('title: "', 'title: "New ', 1))
    git(isolated_cwd, "commit", "-q", "-am", "two")
    first.write_text(first.read_text().replace('title: "', 'title: "Newer ', 1))
    for command in (["check", "--diff-base", "HEAD"], ["check", "--diff-base", "HEAD"], ["report", "--history", "2"]):
        run_cli(*command)
    cache = isolated_cwd / ".seedlint_cache"
    made = sorted(path.relative_to(cache).as_posix() for path in cache.rglob("*") if path.is_file())
    workspace = made[-2].split("/")[1]  # (history/<its name>/tree/news/…, then versions/…)
    assert [name.split("/")[0] for name in made] == [".gitignore", made[1], *["history"] * 9, "versions"]
    assert made[1].startswith("cache-") and f"history/{workspace}/tree/news/004_c5cf7e08ca5b8660.txt" in made
    untracked = git(isolated_cwd, "status", "--porcelain", "--untracked-files=all")
    assert untracked == " M news/000_c11209e5b5b8f7fd.txt\n"
    (cache / "notes.txt").write_text("mine\n")
    status, output = run_cli("clean")
    files = len(made) - 1  # (all but .gitignore: the databases, the copies, tree.sha and commits.json)
    assert (status, output) == (
        0,
        f"Removed {files} files from .seedlint_cache.\nKept what seedlint did not make: notes.txt.\n",
    )
    assert sorted(path.name for path in cache.iterdir()) == [".gitignore", "notes.txt"]
    assert git(isolated_cwd, "status", "--porcelain", "--untracked-files=all") == untracked
    (cache / "notes.txt").unlink()
    assert run_cli("clean") == (0, "Removed 1 file from .seedlint_cache.\n") and not cache.exists()
    assert run_cli("clean") == (0, "Nothing to clean in .seedlint_cache.\n")


def test_clean_removes_only_the_layout_seedlint_makes_and_never_follows_a_link(isolated_cwd):
    outside = isolated_cwd / "outside"
    (outside / ("cd" + "2" * 38)).mkdir(parents=True)
    (outside / ("cd" + "2" * 38) / "x.md").write_text("not seedlint's\n")
    (outside / "t.md").write_text("not seedlint's\n")
    cache = isolated_cwd / ".seedlint_cache"
    made = {
        f"versions/ab/{VERSION}/doc.md": "a copy",
        f"versions/ab/{VERSION}/doc.md.tmp": "a copy being written",
        f"history/{WORKSPACE}/tree/news/2020/a.md": "a copy",
        f"history/{WORKSPACE}/blobs/ef/{BLOB}/a.md": "a copy",
        f"history/{WORKSPACE}/commits.json": "{}",
        f"history/{WORKSPACE}/tree.sha": "0" * 40,
    }
    mine = {
        "versions/ab/notes.md": "the user's",
        f"versions/ab/{VERSION[:-1]}/doc.md": "the user's (no blob id)",
        f"history/{WORKSPACE}/mine.txt": "the user's",
        "history/drafts/a.md": "the user's",
        "history.md": "the user's",
    }
    for name, text in {**made, **mine, ".gitignore": "*\n"}.items():
        (cache / name).parent.mkdir(parents=True, exist_ok=True)
        (cache / name).write_text(text)
    (cache / "versions" / "cd").symlink_to(outside)  # (the layout, through a link)
    (cache / "history" / WORKSPACE / "tree" / "news" / "link.md").symlink_to(outside / "t.md")
    (cache / "history" / "fedcba9876543210").symlink_to(outside)
    status, output = run_cli("clean", "--isolated")
    assert (status, output) == (
        0,
        "Removed 6 files from .seedlint_cache.\nKept what seedlint did not make: history/0123456789abcdef/mine.txt, "
        "history/0123456789abcdef/tree/news/link.md, history/drafts and 5 more.\n",
    )
    left = {path.relative_to(cache).as_posix() for path in cache.rglob("*") if path.is_file() or path.is_symlink()}
    assert left == {
        *mine,
        ".gitignore",
        "versions/cd",
        f"history/{WORKSPACE}/tree/news/link.md",
        "history/fedcba9876543210",
    }
    assert (outside / "t.md").read_text() == (outside / ("cd" + "2" * 38) / "x.md").read_text() == "not seedlint's\n"


def test_a_cache_dir_naming_a_folder_of_the_users_removes_nothing_of_theirs(isolated_cwd):
    """`--cache-dir` may name any folder: one whose history/ is the user's own keeps it."""
    notes = isolated_cwd / "notes"
    (notes / "history" / "2020").mkdir(parents=True)
    (notes / "history" / "2020" / "a.md").write_text("the user's\n")
    (notes / "versions").mkdir()
    (notes / "versions" / "v1.md").write_text("the user's\n")
    (notes / "cache-notes.md").write_text("the user's\n")
    status, output = run_cli("clean", "--isolated", "--cache-dir", "notes")
    assert (status, output) == (
        0,
        "Nothing to clean in notes.\nKept what seedlint did not make: cache-notes.md, history/2020, versions/v1.md.\n",
    )
    assert sorted(path.relative_to(notes).as_posix() for path in notes.rglob("*.md")) == [
        "cache-notes.md",
        "history/2020/a.md",
        "versions/v1.md",
    ]
