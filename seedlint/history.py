"""`--since REV`: the addresses the corpus had at a git revision and has lost since.

A related entry that resolved at REV and resolves to nothing now points at a document that was deleted,
renamed away or given another address; it is dangling at every `related-scope`. Only the documents that
changed since REV can have lost an address, so only their old versions are read.

git runs through seedlint/git.py: from the repository's root with its `.git` named, never inside the corpus
(whose folders an attacker may have laid out as a repository of their own).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from seedlint import git, revisions
from seedlint.corpus import record_for
from seedlint.document import parse_document


class HistoryError(Exception):
    """git cannot answer (not a repository, unknown revision): a usage error, exit 2."""


def lost_addresses(
    revision: str, folders: list[Path], say: Callable[[str], None] = lambda note: None
) -> dict[str, str]:
    """Canonical address → file name at `revision`, for every address of a document of `folders` at that
    revision that belonged to a document changed or deleted since (whether it still has it is decided
    against the current corpus index). `say`: told why there is nothing to compare with (no commit yet)."""
    try:
        found = revisions.repository(folders, "--since")
        if found is None:
            if not any(os.path.lexists(folder) for folder in folders):
                return {}
            raise HistoryError(f"--since: {next(f for f in folders if os.path.lexists(f))} is not in a git repository")
        root, inside = found
        commit = revisions.commit_of(root, revision, "--since")
        if commit is None:  # no commit yet: nothing was there to lose
            say(f"--since {revision}: the repository has no commit yet: no address can have been lost since")
            return {}
        return addresses_at(root, commit, revisions.changed_since(root, commit, inside), inside)
    except revisions.RevisionError as error:
        raise HistoryError(str(error)) from None
    except git.GitError as error:
        raise HistoryError(f"--since: {error}") from None


def addresses_at(root: Path, commit: str, names: set[str], inside: list[str]) -> dict[str, str]:
    """Canonical address → file name, of the documents `names` as they were at `commit` (a file added since
    has none: it had no address then). Raises git.GitError."""
    blobs = {name: blob for name, blob in revisions.regular_blobs(root, commit, inside).items() if name in names}
    contents = revisions.readable(root, list(blobs.values()))
    return addresses_of(root, {name: contents[blob] for name, blob in blobs.items() if blob in contents})


def addresses_of(root: Path, contents: dict[str, bytes]) -> dict[str, str]:
    """Canonical address → file name, of every address of the documents `contents` (path in the repository at
    `root` → bytes)."""
    return addresses_by_alias(aliases_of(root, contents))


def aliases_of(root: Path, contents: dict[str, bytes]) -> dict[str, tuple[str, ...]]:
    """Path → the canonical addresses of the document (its index record's aliases), of the documents `contents`."""
    found: dict[str, tuple[str, ...]] = {}
    for name, content in contents.items():
        record = record_for(parse_document(content, root / name, name))
        found[name] = record.aliases if record is not None else ()
    return found


def addresses_by_alias(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Canonical address → the file name of the document having it (path → aliases): the last path wins."""
    return {alias: Path(name).name for name, found in sorted(aliases.items()) for alias in found}
