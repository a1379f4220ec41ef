"""Files: which documents a run checks."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from seedlint.config import Config


class DiscoveryError(Exception):
    """A path given by the user that does not exist (a usage error, exit 2)."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    display_path: str  # as shown in diagnostics: relative to the working directory when inside it


def display_path(path: Path, cwd: Path) -> str:
    # abspath, not resolve(): a link is shown by its own name, and a link loop cannot raise here
    try:
        shown = str(Path(os.path.abspath(path)).relative_to(cwd))
    except ValueError:
        shown = str(path)
    # A file name that is not UTF-8 shows its odd bytes as \xNN: text every output format can carry.
    return os.fsencode(shown).decode("utf-8", "backslashreplace")


def _matches(relative: str, patterns: list[str]) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(name, p) for p in patterns)


def discover(paths: list[Path], config: Config, cwd: Path | None = None) -> list[SourceFile]:
    """Every document under `paths`: directories are walked (symlinked folders are not followed, so a
    link loop cannot trap the walk); files named explicitly are always checked, whatever their name.
    A folder that cannot be listed is kept as a source too: loading it reports why, instead of the
    folder's documents silently going unchecked."""
    cwd = (cwd or Path.cwd()).resolve()
    found: dict[str, SourceFile] = {}

    def unlistable(error: OSError) -> None:
        path = Path(error.filename)
        found.setdefault(str(path), SourceFile(path, display_path(path, cwd)))

    for given in paths:
        if given.is_dir():
            for folder, dirnames, filenames in os.walk(given, onerror=unlistable):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not _matches(_rel(Path(folder) / d, given), config.exclude))
                for name in sorted(filenames):
                    path = Path(folder) / name
                    relative = _rel(path, given)
                    if _matches(relative, config.include) and not _matches(relative, config.exclude):
                        found.setdefault(str(path), SourceFile(path, display_path(path, cwd)))
        elif given.exists() or given.is_symlink():
            found.setdefault(str(given), SourceFile(given, display_path(given, cwd)))
        else:
            raise DiscoveryError(f"{given}: no such file or directory")
    return sorted(found.values(), key=lambda source: source.display_path)


def _rel(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()


def corpus_paths(config: Config) -> list[Path]:
    """The configured corpus folders, resolved against the configuration file's folder."""
    return [config.resolve(p) for p in config.paths]
