"""Files: which documents a run checks."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from seedlint.config import Config
from seedlint.diagnostic import FastPickle


class DiscoveryError(Exception):
    """A path given by the user that does not exist (a usage error, exit 2)."""


@dataclass(frozen=True, slots=True)
class SourceFile(FastPickle):
    location: str  # the path as found or given (a str: a corpus has 100,000 of them; `path` makes a Path)
    display_path: str  # as shown in diagnostics: relative to the working directory when inside it
    absolute: str  # os.path.abspath(location), which the cache knows the file by

    @classmethod
    def at(cls, path: Path | str, display: str) -> SourceFile:
        return cls(str(path), display, os.path.abspath(path))

    @property
    def path(self) -> Path:
        return Path(self.location)


def display_path(path: Path, cwd: Path) -> str:
    # abspath, not resolve(): a link is shown by its own name, and a link loop cannot raise here
    try:
        shown = str(Path(os.path.abspath(path)).relative_to(cwd))
    except ValueError:
        shown = str(path)
    # A file name that is not UTF-8 shows its odd bytes as \xNN: text every output format can carry.
    return os.fsencode(shown).decode("utf-8", "backslashreplace")


def _matches(relative: str, patterns: list[str]) -> bool:
    if not patterns:
        return False
    name = relative.rsplit("/", 1)[-1]
    pattern = _compiled(tuple(patterns))
    return pattern.match(relative) is not None or pattern.match(name) is not None


@functools.lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a list of globs (fnmatch's own translation; a corpus has 100,000 names)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


def discover(paths: list[Path], config: Config, cwd: Path | None = None) -> list[SourceFile]:
    """Every document under `paths`: directories are walked (symlinked folders are not followed, so a
    link loop cannot trap the walk); files named explicitly are always checked, whatever their name.
    A folder that cannot be listed is kept as a source too: loading it reports why, instead of the
    folder's documents silently going unchecked."""
    cwd = (cwd or Path.cwd()).resolve()
    found: dict[str, SourceFile] = {}

    def unlistable(error: OSError) -> None:
        path = Path(error.filename)
        found.setdefault(str(path), SourceFile.at(path, display_path(path, cwd)))

    for given in paths:
        if given.is_dir():
            root = str(given)
            absolute_root = os.path.abspath(root)
            shown_root = display_path(given, cwd)
            for folder, dirnames, filenames in os.walk(root, onerror=unlistable):
                inner = folder[len(root) :].lstrip(os.sep).replace(os.sep, "/")  # the folder relative to `given`
                absolute_folder = absolute_root + folder[len(root) :]
                prefix = inner + "/" if inner else ""
                dirnames[:] = sorted(
                    d for d in dirnames if not d.startswith(".") and not _matches(prefix + d, config.exclude)
                )
                for name in sorted(filenames):
                    relative = prefix + name
                    if _matches(relative, config.include) and not _matches(relative, config.exclude):
                        path = folder + os.sep + name
                        shown = _shown(relative) if shown_root == "." else shown_root + "/" + _shown(relative)
                        found.setdefault(path, SourceFile(path, shown, absolute_folder + os.sep + name))
        elif given.exists() or given.is_symlink():
            found.setdefault(str(given), SourceFile.at(given, display_path(given, cwd)))
        else:
            raise DiscoveryError(f"{given}: no such file or directory")
    return sorted(found.values(), key=lambda source: source.display_path)


def _shown(relative: str) -> str:
    # As display_path does: a name that is not UTF-8 shows its odd bytes as \xNN.
    return relative if relative.isascii() else os.fsencode(relative).decode("utf-8", "backslashreplace")


def corpus_paths(config: Config) -> list[Path]:
    """The configured corpus folders, resolved against the configuration file's folder."""
    return [config.resolve(p) for p in config.paths]
