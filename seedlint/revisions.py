"""The corpus at a git revision, read for a comparison: which documents changed since it, their blobs there,
and copies of those versions written where a run can check them. Used by `--diff-base` (seedlint/compare.py),
`--since` (seedlint/history.py) and `seedlint report --history` (seedlint/report/trend.py).

git runs only through seedlint/git.py: from the repository's root with its `.git` named, never discovered
inside the checked tree (whose folders an attacker may have laid out as a repository of their own). Only read
commands run; blobs are read with `cat-file --batch` (no filter, no text conversion).
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import TypeAlias

from seedlint import git
from seedlint.document import MAX_FILE_BYTES

_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# An `ls-tree -z` entry of a regular file or a symbolic link (120000): its mode, type and blob id, a tab, its path.
_BLOB_ENTRY = re.compile(r"(100644|100755|120000) blob ([0-9a-f]{40}|[0-9a-f]{64})\t(.+)", re.DOTALL)
# A `diff-tree -r -z` entry's header: its new mode, new object id and status (the path follows, apart).
_RAW_ENTRY = re.compile(r":[0-7]{6} ([0-7]{6}) (?:[0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) ([ADMT])")


class RevisionError(Exception):
    """The revision cannot be read (unknown revision, a folder outside the repository, git failing): a usage
    error; the message says why."""


def repository(folders: list[Path], option: str) -> tuple[Path, list[str]] | None:
    """The git repository holding the corpus `folders` (its root, and the folders relative to it), None when
    they are in none. Raises RevisionError when a folder lies outside the repository of the first."""
    existing = [Path(os.path.abspath(folder)) for folder in folders if os.path.lexists(folder)]
    if not existing:
        return None
    root = git.repository_root(existing[0] if existing[0].is_dir() else existing[0].parent)
    if root is None:
        return None
    inside = [os.path.relpath(folder, root) for folder in existing]
    for folder, relative in zip(existing, inside, strict=True):
        if relative.split(os.sep)[0] == os.pardir:
            raise RevisionError(f"{option}: {folder} is not in the git repository at {root}")
    return root, [relative.replace(os.sep, "/") for relative in inside]


def commit_of(root: Path, revision: str, option: str) -> str | None:
    """The commit `revision` names; None when it is `HEAD` in a repository without any commit yet."""
    try:
        found = git.text(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except git.GitMissing as error:
        raise RevisionError(f"{option}: {error}") from None
    except git.GitError:
        if revision == "HEAD" and _unborn(root):
            return None
        raise RevisionError(f"{option}: unknown revision `{revision}`{_shallow_hint(root)}") from None
    commit = found.strip()
    if _OBJECT_ID.fullmatch(commit) is None:
        raise RevisionError(f"{option}: unknown revision `{revision}`")
    return commit


def _shallow_hint(root: Path) -> str:
    """What to do when the revision may be missing because the clone is shallow."""
    if not git.is_shallow(root):
        return ""
    return (
        " (this clone is shallow: fetch the revision, e.g. `git fetch origin main`, or check out the whole history, "
        "e.g. actions/checkout with `fetch-depth: 0`)"
    )


def _unborn(root: Path) -> bool:
    """Whether HEAD names a branch that has no commit yet (a repository before its first commit)."""
    try:
        git.text(root, "symbolic-ref", "--quiet", "HEAD")
    except git.GitError:
        return False
    try:
        git.text(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except git.GitError:
        return True
    return False


def changed_since(root: Path, commit: str, inside: list[str]) -> set[str]:
    """The tracked paths under `inside` whose work-tree state differs from `commit` (changed, added to the
    index, deleted); renames are a deletion and an addition. (During a pre-commit hook the work tree is the
    staged state: pre-commit sets unstaged changes aside while hooks run.)"""
    return differences_since(root, commit, inside)[0]


def differences_since(root: Path, commit: str, inside: list[str]) -> tuple[set[str], set[str]]:
    """`changed_since`, and which of those paths are deleted: from the work tree, or from git's index though kept
    on disk (`git rm --cached`: git compares the commit with the work tree through the index)."""
    fields = _diff(root, commit, inside, "--name-status", "--no-renames").split("\0")
    changed: set[str] = set()
    deleted: set[str] = set()
    for status, name in zip(fields[0::2], fields[1::2], strict=False):  # (each: its status, then its path)
        if name:
            changed.add(name)
            if status.startswith("D"):
                deleted.add(name)
    return changed, deleted


def _diff(root: Path, commit: str, inside: list[str], *options: str) -> str:
    """`git diff` of the work tree against `commit` under `inside`, NUL-separated (no external diff, no text
    conversion, submodules left out: only git itself runs)."""
    return git.text(
        root, "diff", *options, "--no-ext-diff", "--no-textconv", "--ignore-submodules=all", "-z", commit, "--", *inside
    )


def renames_since(root: Path, commit: str, inside: list[str]) -> dict[str, str]:
    """The tracked paths under `inside` renamed since `commit` as git finds renames (`git mv`, or a deletion and an
    addition of similar content, both staged): new path → old path."""
    fields = _diff(root, commit, inside, "--name-status", "--find-renames", "--diff-filter=R").split("\0")
    # (each rename: its status with a score, `R100`, then the old path and the new one)
    return {
        new: old
        for status, old, new in zip(fields[0::3], fields[1::3], fields[2::3], strict=False)
        if status[:1] == "R"
    }


def changes_between(root: Path, before: str, after: str, inside: list[str]) -> tuple[list[str], list[str]]:
    """The paths a commit added or changed, and those it deleted (renames are a deletion and an addition)."""
    output = git.text(root, "diff", "--no-renames", "--name-status", "-z", before, after, "--", *inside)
    fields = output.split("\0")
    written: list[str] = []
    deleted: list[str] = []
    for status, name in zip(fields[0::2], fields[1::2], strict=False):
        if not name:
            continue
        (deleted if status.startswith("D") else written).append(name)
    return written, deleted


def listing_key(root: Path, commit: str, inside: list[str]) -> str | None:
    """What names the listing `tree_blobs` reads at `commit`: each folder's tree (git names an object by its
    content, so the same trees list the same entries whatever the commit); None when a folder is not there."""
    specs = [f"{commit}^{{tree}}" if path in ("", ".") else f"{commit}:{path}" for path in inside]
    try:
        found = git.text(root, "rev-parse", *specs).split()  # (each starts with the commit's id: no option)
    except git.GitError:
        return None
    if len(found) != len(inside) or not all(map(_OBJECT_ID.fullmatch, found)):
        return None
    return "\0".join(f"{path}\0{tree}" for path, tree in zip(inside, found, strict=True))


def listing_since(
    root: Path, base_key: str, key: str, regular: dict[str, str], links: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]] | None:
    """The listing `tree_blobs` makes of the trees `key` names (see `listing_key`), made from the one it made of
    those `base_key` names (`regular` and `links`, changed in place) and git's differences between each folder's
    two trees: `diff-tree` lists the entries a commit changed, where `ls-tree` lists 100,000 (a quarter of a second
    of the hook's run). None when the keys name other folders, or git cannot compare them."""
    return with_differences(tree_differences(root, base_key, key), regular, links)


TreeDifferences: TypeAlias = list[tuple[str, str]]  # (folder's prefix, `diff-tree -r -z` of its two trees)


def tree_differences(root: Path, base_key: str, key: str) -> TreeDifferences | None:
    """git's differences between each folder's trees that `base_key` and `key` name (`listing_since`'s first half:
    it needs no listing, so a hook starts it while the kept listing is read); None when the keys name other
    folders, or git cannot compare them."""
    base, new = _trees(base_key), _trees(key)
    if base is None or new is None or [path for path, _ in base] != [path for path, _ in new]:
        return None
    differences = []
    for (path, old), (_, tree) in zip(base, new, strict=True):
        if old == tree:
            continue
        try:
            output = git.text(root, "diff-tree", "-r", "-z", "--no-renames", old, tree)
        except git.GitError:  # (a folder that is a file at one of them: not a tree)
            return None
        differences.append(("" if path in ("", ".") else path.rstrip("/") + "/", output))
    return differences


def with_differences(
    differences: TreeDifferences | None, regular: dict[str, str], links: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]] | None:
    """`listing_since`'s second half: the listing (`regular` and `links`, changed in place) with git's differences
    applied; None when there are none to apply (see `tree_differences`) or one is not as git writes them."""
    if differences is None:
        return None
    for prefix, output in differences:
        fields = output.split("\0")
        # Each entry: `:OLD_MODE NEW_MODE OLD_ID NEW_ID STATUS`, then its path within the folder.
        for header, name in zip(fields[0::2], fields[1::2], strict=False):
            entry = _RAW_ENTRY.fullmatch(header)
            if entry is None or not name:
                return None
            full = prefix + name
            regular.pop(full, None)
            links.pop(full, None)
            if entry[3] == "D":
                continue
            if entry[1] in ("100644", "100755"):
                regular[full] = entry[2]
            elif entry[1] == "120000":
                links[full] = entry[2]
    return regular, links


def _trees(key: str) -> list[tuple[str, str]] | None:
    """The (folder, tree id) pairs a `listing_key` names."""
    fields = key.split("\0")
    if len(fields) % 2 or not all(map(_OBJECT_ID.fullmatch, fields[1::2])):
        return None
    return list(zip(fields[0::2], fields[1::2], strict=True))


def regular_blobs(root: Path, commit: str, inside: list[str]) -> dict[str, str]:
    """Path → blob id of every regular file under `inside` at `commit` (links and submodules left out: they have
    no document to read). No sizes: `ls-tree -l` reads every blob's header (4 s for 100,000 documents)."""
    return tree_blobs(root, commit, inside)[0]


def tree_blobs(root: Path, commit: str, inside: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """`regular_blobs`, and the symbolic links apart (path → the blob of the link's text), from one listing."""
    listing = git.text(root, "ls-tree", "-r", "-z", commit, "--", *inside)
    # (one match per entry: 0.07 s at 100,000 entries, where splitting each entry's fields took 0.1 s)
    regular: dict[str, str] = {}
    links: dict[str, str] = {}
    for entry in map(_BLOB_ENTRY.fullmatch, listing.split("\0")):
        if entry:
            (links if entry[1] == "120000" else regular)[entry[3]] = entry[2]
    return regular, links


def sizes(root: Path, blobs: list[str]) -> dict[str, int]:
    """Blob id → its size in bytes, for the few blobs a comparison reads (`cat-file --batch-check`)."""
    if not blobs:
        return {}
    output = git.data(root, "cat-file", "--batch-check", stdin="".join(f"{blob}\n" for blob in blobs).encode())
    found: dict[str, int] = {}
    for line in output.decode("ascii", "replace").splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] == "blob" and fields[2].isdigit():
            found[fields[0]] = int(fields[2])
    return found


def readable(root: Path, blobs: list[str]) -> dict[str, bytes]:
    """Blob id → bytes, of those of `blobs` that can be documents (at most MAX_FILE_BYTES: a larger file is
    refused anyway, SL002, and is not read into memory)."""
    known = sizes(root, sorted(set(blobs)))
    return read_blobs(root, [blob for blob, size in known.items() if fits(size)])


def read_blobs(root: Path, blobs: list[str]) -> dict[str, bytes]:
    """Blob id → its bytes, read in one `git cat-file --batch` (plain bytes: no filter, no text conversion).
    Only blobs of at most MAX_FILE_BYTES should be asked for (a larger document is refused anyway)."""
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


def file_at(root: Path, commit: str, name: str, limit: int) -> bytes | None:
    """The bytes of the regular file `name` (a path in the repository) at `commit`; None when it is no regular
    file there. Raises RevisionError for a file over `limit` bytes."""
    blob = regular_blobs(root, commit, [name]).get(name)
    if blob is None:
        return None
    if sizes(root, [blob]).get(blob, 0) > limit:
        raise RevisionError(f"{name} at {commit[:12]}: over {limit:,} bytes, not read")
    return read_blobs(root, [blob]).get(blob)


def version_path(folder: Path, blob: str, name: str) -> Path:
    """Where the version `blob` of the document `name` is written to be checked: a path of its own per
    version (the cache keeps one result per path), with the document's own file name (rules read it)."""
    return folder / blob[:2] / blob / posixpath.basename(name)


def write_version(folder: Path, blob: str, name: str, content: bytes) -> Path:
    """The version's copy (written once: a blob's content never changes)."""
    path = version_path(folder, blob, name)
    if not path.is_file() or path.is_symlink():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.unlink(missing_ok=True)
        temporary.write_bytes(content)
        os.replace(temporary, path)
    return path


def fits(size: int) -> bool:
    """Whether a blob of `size` bytes can be a document (a larger file is refused, SL002: not read)."""
    return size <= MAX_FILE_BYTES
