"""`--since REV`: the addresses the corpus had at a git revision and has lost since.

A related entry that resolved at REV and resolves to nothing now points at a document that was deleted,
renamed away or given another address; it is dangling at every `related-scope`. Only the documents that
changed since REV can have lost an address, so only their old versions are read.

git runs through seedlint/git.py: from the repository's root with its `.git` named, never inside the corpus
(whose folders an attacker may have laid out as a repository of their own).
"""

from __future__ import annotations

import os
from pathlib import Path

from seedlint import git
from seedlint.corpus import record_for
from seedlint.document import MAX_FILE_BYTES, parse_document


class HistoryError(Exception):
    """git cannot answer (not a repository, unknown revision): a usage error, exit 2."""


def lost_addresses(revision: str, folders: list[Path]) -> dict[str, str]:
    """Canonical address → file name at `revision`, for every address of a document of `folders` at that
    revision that belonged to a document changed or deleted since (whether it still has it is decided
    against the current corpus index)."""
    existing = [Path(os.path.abspath(folder)) for folder in folders if os.path.lexists(folder)]
    if not existing:
        return {}
    root = git.repository_root(existing[0] if existing[0].is_dir() else existing[0].parent)
    if root is None:
        raise HistoryError(f"--since: {existing[0]} is not in a git repository")
    inside = [os.path.relpath(folder, root) for folder in existing]
    outside = next(
        (folder for folder, relative in zip(existing, inside, strict=True) if relative.split(os.sep)[0] == os.pardir),
        None,
    )
    if outside is not None:
        raise HistoryError(f"--since: {outside} is not in the git repository at {root}")
    try:
        commit = git.text(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except git.GitError:
        raise HistoryError(f"--since: unknown revision `{revision}`") from None
    commit = commit.strip()
    try:
        changed = git.text(
            root,
            "diff",
            "--name-only",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            "--ignore-submodules=all",
            "-z",
            commit,
            "--",
            *inside,
        )
        names = set(filter(None, changed.split("\0")))
        # The blobs at the revision (a file added since has none: it had no address then).
        blobs = _blobs(root, commit, inside, names)
        contents = _contents(root, list(blobs.values()))
    except git.GitError as error:
        raise HistoryError(f"--since: {error}") from None
    lost: dict[str, str] = {}
    for name, blob in sorted(blobs.items()):
        old = contents.get(blob)
        if old is None:
            continue
        record = record_for(parse_document(old, root / name, name))
        for alias in record.aliases if record is not None else ():
            lost[alias] = Path(name).name
    return lost


def _blobs(root: Path, commit: str, inside: list[str], names: set[str]) -> dict[str, str]:
    """File name → blob id at `commit`, for the `names` that were regular files of at most MAX_FILE_BYTES
    there (a link, a submodule or an oversized file has no address to lose)."""
    listing = git.text(root, "ls-tree", "-r", "-l", "-z", commit, "--", *inside)
    found: dict[str, str] = {}
    for entry in filter(None, listing.split("\0")):
        meta, _, name = entry.partition("\t")
        fields = meta.split()
        if len(fields) != 4 or name not in names or fields[0] not in ("100644", "100755") or fields[1] != "blob":
            continue
        if fields[3].isdigit() and int(fields[3]) <= MAX_FILE_BYTES:
            found[name] = fields[2]
    return found


def _contents(root: Path, blobs: list[str]) -> dict[str, bytes]:
    """Blob id → its bytes, read in one `git cat-file --batch` (plain bytes: no filter, no text conversion)."""
    if not blobs:
        return {}
    output = git.data(root, "cat-file", "--batch", stdin="".join(f"{blob}\n" for blob in blobs).encode())
    contents: dict[str, bytes] = {}
    position = 0
    while position < len(output):
        header_end = output.index(b"\n", position)
        header = output[position:header_end].split()
        position = header_end + 1
        if len(header) != 3:  # "<id> missing"
            continue
        size = int(header[2])
        contents[header[0].decode()] = output[position : position + size]
        position += size + 1  # the content, then a line feed
    return contents
