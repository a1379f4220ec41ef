"""`--since REV`: the addresses the corpus had at a git revision and has lost since.

A related entry that resolved at REV and resolves to nothing now points at a document that was deleted,
renamed away or given another address; it is dangling at every `related-scope`. Only the documents that
changed since REV can have lost an address, so only their old versions are read (`git show`).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from seedlint.corpus import record_for
from seedlint.document import parse_document


class HistoryError(Exception):
    """git cannot answer (not a repository, unknown revision): a usage error, exit 2."""


def lost_addresses(revision: str, folders: list[Path]) -> dict[str, str]:
    """Canonical address → file name at `revision`, for every address of a document of `folders` at that
    revision that belonged to a document changed or deleted since (whether it still has it is decided
    against the current corpus index)."""
    existing = [folder for folder in folders if folder.exists()]
    if not existing:
        return {}
    cwd = existing[0] if existing[0].is_dir() else existing[0].parent
    top = Path(_git(cwd, "rev-parse", "--show-toplevel").strip())
    _git(cwd, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    changed = _git(
        top, "diff", "--name-only", "--no-renames", "-z", revision, "--", *(str(f.resolve()) for f in existing)
    )
    lost: dict[str, str] = {}
    for name in filter(None, changed.split("\0")):
        try:
            old = subprocess.run(["git", "show", f"{revision}:{name}"], cwd=top, capture_output=True, check=True).stdout
        except subprocess.CalledProcessError:
            continue  # added since the revision: it had no address then
        record = record_for(parse_document(old, top / name, name))
        for alias in record.aliases if record is not None else ():
            lost[alias] = Path(name).name
    return lost


def _git(cwd: Path, *args: str) -> str:
    try:
        process = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    except OSError as error:
        raise HistoryError(f"--since needs git: {error.strerror or error}") from None
    if process.returncode != 0:
        detail = process.stderr.strip().splitlines()[-1] if process.stderr.strip() else f"`git {' '.join(args)}` failed"
        if args[:2] == ("rev-parse", "--verify"):
            detail = f"unknown revision `{args[-1][:-9]}`"
        raise HistoryError(f"--since: {detail}")
    return process.stdout
