"""Files: which documents a run checks.

Every document must lie inside the run's boundary, links followed: the project root (the configuration's
folder) for what lies in it, or a folder given on the command line outside the project (the user's own
choice: `seedlint check ../other/corpus`). A document that is a link leading out of it is never read:
it is kept as a source whose loading reports why (SL001), so that nothing outside the repository reaches
any output and `fix` never writes there. Folder links are not followed while walking.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import gc
import itertools
import json
import operator
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol, TypeAlias

from seedlint.config import Config, is_within


class DiscoveryError(Exception):
    """A path given by the user that does not exist (a usage error, exit 2)."""


class SourceFile(NamedTuple):
    """A file a run checks. A named tuple, not a frozen dataclass: a corpus has 100,000 of them, made at C speed
    from a stored listing (`_sources`) in a tenth of the time."""

    location: str  # the path as found or given (a str: a corpus has 100,000 of them; `path` makes a Path)
    display_path: str  # as shown in diagnostics: relative to the working directory when inside it
    absolute: str  # os.path.abspath(location), which the cache knows the file by
    refused: str = ""  # why the file is not read (a link leading out of the project), or ""
    named: bool = False  # given by name (not found by walking a folder): checked as a document whatever it holds

    @classmethod
    def at(cls, path: Path | str, display: str, refused: str = "", named: bool = False) -> SourceFile:
        return cls(str(path), display, os.path.abspath(path), refused, named)

    @property
    def path(self) -> Path:
        return Path(self.location)


# A SourceFile's location, display_path and absolute path, at C speed.
LOCATION, DISPLAY, ABSOLUTE = (operator.itemgetter(index) for index in range(3))
NAME = operator.itemgetter(0)  # a walked (name, is_link)'s name


def display_path(path: Path, cwd: Path) -> str:
    # abspath, not resolve(): a link is shown by its own name, and a link loop cannot raise here
    try:
        shown = str(Path(os.path.abspath(path)).relative_to(cwd))
    except ValueError:
        shown = str(path)
    # A file name that is not UTF-8 shows its odd bytes as \xNN: text every output format can carry.
    return os.fsencode(shown).decode("utf-8", "backslashreplace")


def _matches(relative: str, patterns: list[str]) -> bool:
    return _matched(_pattern(patterns), relative, relative.rsplit("/", 1)[-1])


def _matched(pattern: re.Pattern[str] | None, relative: str, name: str) -> bool:
    """Whether a pattern of the list matches the path relative to the folder given, or the file's name."""
    return pattern is not None and (pattern.match(relative) is not None or pattern.match(name) is not None)


def _pattern(patterns: list[str]) -> re.Pattern[str] | None:
    return _compiled(tuple(patterns)) if patterns else None


@functools.lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a list of globs (fnmatch's own translation; a corpus has 100,000 names)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


@dataclass
class Listing:
    """What walking the given folders found: for each folder walked, in the walk's order, which path given it lies
    in, its path relative to that one ("a/b", "" for itself), its device, inode, mtime and ctime when it was listed
    (taken before listing it), and the names of the documents found in it. `trusted`: nothing made the walk
    depend on more than the folders' entries (no folder that could not be listed, no link among the documents,
    whose refusal depends on where it leads)."""

    folders: list[Folder]
    began: int  # time.time_ns() before the first folder was stamped
    trusted: bool = True


Stamp: TypeAlias = tuple[int, int, int, int]  # device, inode, mtime_ns, ctime_ns
Folder: TypeAlias = tuple[int, str, Stamp, Sequence[str]]  # (names: a stored listing's decoded when read)


class Listings(Protocol):
    """Where listings are kept between runs (the cache: DiskCache.stored_listing, keep_listing)."""

    def stored_listing(self, key: str) -> Listing | None: ...

    def keep_listing(self, key: str, listing: Listing) -> None: ...

    def own_folder(self) -> str | None: ...  # the cache's folder: never walked (see discover)


def discover(
    paths: list[Path], config: Config, cwd: Path | None = None, listings: Listings | None = None
) -> list[SourceFile]:
    """Every document under `paths`: directories are walked (symlinked folders are not followed, so a
    link loop cannot trap the walk); files named explicitly are always checked, whatever their name.
    A folder that cannot be listed is kept as a source too: loading it reports why, instead of the
    folder's documents silently going unchecked. A link leading out of the boundary is kept refused.

    `listings`: when every path is a folder, the walk's result is kept there and reused while every folder
    walked still has the device, inode, mtime and ctime it had: creating, removing or renaming an entry
    changes its folder's mtime and ctime (POSIX), and a folder's ctime cannot be set back (changing a
    document's content changes neither: the cache compares each document's own size and mtime). A listing
    made within the clock's resolution of a change is not kept (DiskCache.keep_listing).

    The cache's own folder is never walked, wherever it is configured: it holds copies of documents as they were
    (`--diff-base`, `report --history`), which are no documents of the corpus."""
    cwd = (cwd or Path.cwd()).resolve()
    project = os.path.realpath(config.root)
    # By absolute path: a file reached through two paths given (`. sub`, `b.md /abs/b.md`) is checked once, as first
    # found (it was reported twice, and SL508 called it two documents for one article).
    found: dict[str, SourceFile] = {}
    listing = Listing([], time.time_ns())

    def unlistable(error: OSError) -> None:
        listing.trusted = False
        path = Path(error.filename)
        found.setdefault(os.path.abspath(path), SourceFile.at(path, display_path(path, cwd)))

    include, exclude = _pattern(config.include), _pattern(config.exclude)
    caches = _cache_folders(config, listings)
    _no_documents_in_caches(
        {folder: name for folder, name in caches.items() if any(is_within(folder, given) for given in paths)}, include
    )

    boundaries = []
    for given in paths:
        if not (given.exists() or given.is_symlink()):
            raise DiscoveryError(f"{given}: no such file or directory")
        boundary = _boundary(given, project)
        if given.is_dir() and not is_within(given, boundary):
            raise DiscoveryError(f"{given}: a link to {os.path.realpath(given)}, outside the project root: not read")
        boundaries.append(boundary)
    key = None
    if listings is not None and paths and all(given.is_dir() for given in paths):
        key = json.dumps(
            [[str(given) for given in paths], str(cwd), project, config.include, config.exclude, sorted(caches)]
        )
        with cycle_collection_paused():
            stored = listings.stored_listing(key)
            rebuilt = _rebuilt(stored, paths, cwd) if stored is not None else None
        if rebuilt is not None:
            return rebuilt
    with cycle_collection_paused():  # (100,000 sources made, as when rebuilt from a listing)
        for target, (given, boundary) in enumerate(zip(paths, boundaries, strict=True)):
            if not given.is_dir():  # (a file a hook passed may be a link: a finding, like a link found in a folder)
                found.setdefault(
                    os.path.abspath(given),
                    SourceFile.at(given, display_path(given, cwd), _refused(given, boundary, project), named=True),
                )
                continue
            root = str(given)
            absolute_root = os.path.abspath(root)
            shown_root = display_path(given, cwd)
            for folder, stamp, dirnames, files in _walk(root, unlistable):
                inner = folder[len(root) :].lstrip(os.sep).replace(os.sep, "/")  # the folder relative to `given`
                prefix = inner + "/" if inner else ""
                dirnames[:] = sorted(
                    d
                    for d in dirnames
                    if not d.startswith(".")
                    and not _matches(prefix + d, config.exclude)
                    and not (d in caches.values() and os.path.realpath(folder + os.sep + d) in caches)
                )
                files.sort(key=NAME)
                chosen = _wanted(files, prefix, include, exclude)
                names = [name for name, _ in chosen]
                listing.folders.append((target, inner, stamp, tuple(names)))
                locations, displays, absolutes = _paths_in(folder, root, absolute_root, shown_root, inner, names)
                refusals: Iterable[str] = itertools.repeat("")
                if any(is_link for _, is_link in chosen):
                    listing.trusted = False
                    refusals = [
                        _refused(path, boundary, project) if is_link else ""
                        for path, (_, is_link) in zip(locations, chosen, strict=True)
                    ]
                made = map(
                    _MAKE_SOURCE, zip(locations, displays, absolutes, refusals, itertools.repeat(False), strict=False)
                )
                walked = dict(zip(absolutes, made, strict=True))
                for absolute in walked.keys() & found.keys():  # (the first found is kept)
                    del walked[absolute]
                found.update(walked)
    sources = list(found.values())
    shown_paths = list(map(DISPLAY, sources))
    if shown_paths != sorted(shown_paths):  # (one folder of names the walk sorted: sorted already)
        sources.sort(key=DISPLAY)
    if listings is not None and key is not None and listing.trusted:
        listings.keep_listing(key, listing)
    return sources


def _cache_folders(config: Config, listings: Listings | None) -> dict[str, str]:
    """Real path → name of the cache folders a walk leaves out: the configured one, and the one in use
    (`--cache-dir`)."""
    folders = [os.path.join(config.root, config.cache_dir), listings.own_folder() if listings is not None else None]
    return {os.path.realpath(folder): os.path.basename(folder) for folder in folders if folder is not None}


def no_documents_in_cache(folder: Path, config: Config) -> None:
    """Raise DiscoveryError when the cache folder about to be used holds documents (see `_no_documents_in_caches`):
    asked before the cache is opened, which would make its database among them."""
    _no_documents_in_caches({os.path.realpath(folder): folder.name}, _pattern(config.include))


def _no_documents_in_caches(caches: dict[str, str], include: re.Pattern[str] | None) -> None:
    """Raise DiscoveryError for a cache folder in a walked path holding documents (`cache-dir = "_news"`): the
    walk leaves it out, and the documents in it would go unchecked, silently (a cache holds none at its top: its
    versions of documents are in folders below)."""
    for folder, name in caches.items():
        try:
            with os.scandir(folder) as entries:
                names = [entry.name for entry in entries if entry.is_file()]
            documents = sorted(file for file in names if _matched(include, "", file))
        except OSError:  # (no such folder yet: the usual case)
            continue
        if documents:
            shown = ", ".join(documents[:3]) + (", ..." if len(documents) > 3 else "")
            raise DiscoveryError(
                f"the cache folder {name} ({folder}) holds documents ({shown}): a run leaves its cache folder out, "
                "so they would not be checked; give the cache a folder of its own (`cache-dir`, `--cache-dir`)"
            )


@contextlib.contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """While stored data is made into objects (a listing's 100,000 sources, a report's findings): hundreds of
    thousands of objects and no reference cycle, which the cycle collector, run on allocation counts, would only
    scan again and again (a tenth of a warm run). They are frozen on the way out (gc.freeze: moved out of the
    collector's generations, where its first pass would scan them all once more; still freed by reference
    counting when no longer used)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _rebuilt(listing: Listing, paths: list[Path], cwd: Path) -> list[SourceFile] | None:
    """The sources walking `paths` finds, made from a stored listing as the walk makes them; None when it no
    longer holds (a folder's device, inode, mtime or ctime differs) or is not one a walk makes. A folder's inode
    and ctime can neither be set back by any tool nor be known before the folder exists: a listing that seedlint
    did not make from this very folder since its last change cannot match (one that came with a checkout, or
    restored onto another checkout). And whatever the cache holds, every source is a name (no separator, no
    `.` or `..`) in a folder under a path given: nothing outside is ever read."""
    roots = [(str(given), os.path.abspath(given), display_path(given, cwd)) for given in paths]
    listed: set[int] = set()
    locations: list[str] = []
    absolutes: list[str] = []
    displays: list[str] = []
    folders = []
    for target, inner, stamp, names in listing.folders:  # (every stamp first: the names are decoded when read)
        if not 0 <= target < len(roots):
            return None
        steps = inner.split("/") if inner else []
        if any(step in ("", ".", "..") or os.sep in step or "\0" in step for step in steps):
            return None
        folder = os.sep.join([roots[target][0], *steps])  # (as the walk names it)
        if _stamp(folder) != stamp:
            return None
        folders.append((target, inner, folder, names))
    for target, inner, folder, stored in folders:
        try:
            names = tuple(stored)
        except ValueError:  # (stored names that do not decode)
            return None
        joined = "\0".join(names)  # (at C speed: a folder may hold 100,000 documents)
        if os.sep in joined or joined.count("\0") != max(len(names) - 1, 0) or "." in names or ".." in names:
            return None
        if not inner:
            listed.add(target)
        here, shown, absolute = _paths_in(folder, *roots[target], inner, names)
        locations += here
        displays += shown
        absolutes += absolute
    if listed != set(range(len(roots))):
        return None
    count = len(locations)
    none, no = itertools.repeat("", count), itertools.repeat(False, count)  # (not refused, not named)
    sources = list(map(_MAKE_SOURCE, zip(locations, displays, absolutes, none, no, strict=True)))
    if len(roots) > 1:  # the first found of one path, as the walk keeps it
        sources = list(dict(zip(reversed(absolutes), reversed(sources), strict=True)).values())
        displays = list(map(DISPLAY, sources))
    return sources if displays == sorted(displays) else sorted(sources, key=DISPLAY)  # (one folder: sorted)


def _wanted(
    files: list[tuple[str, bool]], prefix: str, include: re.Pattern[str] | None, exclude: re.Pattern[str] | None
) -> list[tuple[str, bool]]:
    """The files of a folder (name, is_link) that are documents: their path relative to the folder given (`prefix`
    and the name), or their name, matches `include` and neither matches `exclude`. (`_matched`, written inline: a
    folder may hold 100,000 names, and two calls per name cost more than the matching, profiled.)"""
    if include is None:
        return []
    chosen = [file for file in files if include.match(prefix + file[0]) or include.match(file[0])]
    if exclude is None:
        return chosen
    return [file for file in chosen if not (exclude.match(prefix + file[0]) or exclude.match(file[0]))]


def _paths_in(
    folder: str, root: str, absolute_root: str, shown_root: str, inner: str, names: Sequence[str]
) -> tuple[list[str], list[str], list[str]]:
    """The locations, display paths and absolute paths of the documents `names` of a folder walked (`folder`, at
    `inner` in the path given `root`), made at C speed: a folder may hold 100,000 documents. (The same strings when
    the paths agree: a folder given by its absolute path, or relative to the working directory, shows its files as
    found; a million sources held each path three times.)"""
    absolute_folder = absolute_root + folder[len(root) :]
    prefix = inner + "/" if inner else ""
    shown_folder = _shown(prefix) if shown_root == "." else shown_root + "/" + _shown(prefix)
    locations = list(map((folder + os.sep).__add__, names))
    absolutes = locations if absolute_folder == folder else list(map((absolute_folder + os.sep).__add__, names))
    ascii_only = all(map(str.isascii, names))
    if shown_folder == folder + os.sep and ascii_only:
        return locations, locations, absolutes
    shown = names if ascii_only else [name if name.isascii() else _shown(name) for name in names]
    return locations, list(map(shown_folder.__add__, shown)), absolutes


_MAKE_SOURCE = functools.partial(tuple.__new__, SourceFile)  # (no Python call per source)


def _stamp(folder: str) -> Stamp | None:
    """How a folder stands now (None when it is no folder, or cannot be stat-ed)."""
    try:
        info = os.stat(folder)
    except (OSError, ValueError):
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None
    return (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_ctime_ns)


def _boundary(given: Path, project: str) -> str:
    """Where the documents of `given` must lie: the project root when `given` is an entry of a folder
    inside it; else the given folder itself (or a given file's folder): the user named a place outside."""
    parent = os.path.dirname(os.path.abspath(given))
    if is_within(parent, project):
        return project
    return os.path.realpath(given if given.is_dir() else parent)


def _refused(path: str | Path, boundary: str, project: str) -> str:
    if is_within(path, boundary):
        return ""
    where = "the project root" if boundary == project else "the checked folder"
    return f"cannot read file: a link leading outside {where} (to {os.path.realpath(path)}): not read"


def _walk(
    top: str, onerror: Callable[[OSError], None]
) -> Iterator[tuple[str, Stamp, list[str], list[tuple[str, bool]]]]:
    """os.walk (top down, links to folders not followed), with each folder's stamp (taken before it is listed;
    -1s when it cannot be taken: never matched again), and each file's name and whether it is a link (known from
    the directory listing: no stat per file)."""
    stamp = _stamp(top) or (-1, -1, -1, -1)
    try:
        entries = list(os.scandir(top))
    except OSError as error:
        onerror(error)
        return
    dirnames: list[str] = []
    files: list[tuple[str, bool]] = []
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            dirnames.append(entry.name)
        else:
            files.append((entry.name, entry.is_symlink()))
    yield top, stamp, dirnames, files
    for name in dirnames:
        yield from _walk(top + os.sep + name, onerror)


def _shown(relative: str) -> str:
    # As display_path does: a name that is not UTF-8 shows its odd bytes as \xNN.
    return relative if relative.isascii() else os.fsencode(relative).decode("utf-8", "backslashreplace")


def corpus_paths(config: Config) -> list[Path]:
    """The configured corpus folders, resolved against the configuration file's folder."""
    return [config.resolve(p) for p in config.paths]


def unmatchable_excludes(config: Config) -> list[tuple[str, str, str | None]]:
    """The `exclude` globs that can match nothing, each with why and the glob meant, when known: an absolute path,
    or one starting with `./` (a glob is matched against a path inside a folder of `paths`, which has neither, or
    a file's name)."""
    misplaced = {pattern for pattern, _, _ in misplaced_excludes(config)}
    found: list[tuple[str, str, str | None]] = []
    for pattern in config.exclude:
        if os.path.isabs(pattern):
            found.append((pattern, "is an absolute path", None))
        elif pattern.startswith("./") and pattern not in misplaced:
            found.append((pattern, "starts with `./`", pattern.removeprefix("./")))
    return found


def misplaced_excludes(config: Config) -> list[tuple[str, str, str]]:
    """The `exclude` globs written from the project's folder instead of from a corpus folder (`_news/drafts`
    where `paths = ["_news"]`): a glob is matched against a path inside a folder of `paths`, or a file's name,
    so they leave out nothing they name. Each with the folder, and the glob that would be meant (`drafts`)."""
    folders = [Path(p).as_posix() for p in config.paths]  # (as_posix: "./_news/" is "_news")
    found = []
    for pattern in config.exclude:
        written = pattern.removeprefix("./")
        for folder in folders:
            if folder != "." and written.startswith(folder + "/") and len(written) > len(folder) + 1:
                found.append((pattern, folder, written[len(folder) + 1 :]))
                break
    return found
