"""The topic vocabulary (`topics`): the allowed topics, read once when the configuration is loaded.

A folder of taxonomy YAML files (their `name` fields), a YAML file (a list of names, or of mappings with
`name`), or a text file with one topic per line. The files are part of the checked repository, so they are
read as documents are: regular files only, without blocking, at most MAX_FILE_BYTES each, and the YAML
through the same composer and budget (seedlint/yamltree.py: no constructor, aliases and nesting bounded).
Anything wrong is a VocabularyError naming the file and the problem (a usage error, exit 2), never its
content.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from seedlint import yamltree
from seedlint.document import MAX_FILE_BYTES, FileTooLarge, read_bounded

YAML_SUFFIXES = (".yaml", ".yml", ".md")
MAX_FILES = 10_000  # files in a vocabulary folder (the real one has a few dozen)


class VocabularyError(Exception):
    """A topic vocabulary that cannot be used; the message names the file and says why."""


def load_vocabulary(path: Path, shown: str | None = None) -> frozenset[str]:
    """The allowed topics at `path` (`shown`: how the configuration names it, for messages)."""
    shown = shown or str(path)
    if path.is_dir():
        try:
            files = sorted(entry for entry in path.iterdir() if entry.suffix in YAML_SUFFIXES)
        except OSError as error:
            raise VocabularyError(f"topic vocabulary {shown}: cannot list the folder: {error.strerror}") from None
        if len(files) > MAX_FILES:
            raise VocabularyError(f"topic vocabulary {shown}: over {MAX_FILES:,} files")
    elif path.exists() or path.is_symlink():
        files = [path]
    else:
        raise VocabularyError(f"topic vocabulary {shown}: no such file or folder")
    names: set[str] = set()
    for file in files:
        text = _read(file)
        if file.suffix in YAML_SUFFIXES or file != path:
            names.update(_names(text, file))
        else:
            names.update(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    if not names:  # (every topic of the corpus would be unknown: a vocabulary configured at the wrong place)
        raise VocabularyError(f"topic vocabulary {shown}: {_why_empty(path, files)}")
    return frozenset(names)


def _why_empty(path: Path, files: list[Path]) -> str:
    if files:
        return "names no topic"
    *first, last = sorted(YAML_SUFFIXES)
    suffixes = f"{', '.join(first)} or {last}"
    try:
        folders = sorted(entry.name for entry in path.iterdir() if entry.is_dir())[:5]
    except OSError:
        folders = []
    inside = f" (it holds the folders {', '.join(folders)}: is the vocabulary in one of them?)" if folders else ""
    return f"no {suffixes} file in the folder{inside}"


def _read(file: Path) -> str:
    try:
        return read_bounded(file, MAX_FILE_BYTES).decode("utf-8")
    except FileTooLarge:
        raise VocabularyError(f"topic vocabulary {file}: over {MAX_FILE_BYTES:,} bytes") from None
    except OSError as error:
        raise VocabularyError(f"topic vocabulary {file}: cannot read it: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise VocabularyError(f"topic vocabulary {file}: not UTF-8 ({error.reason} at byte {error.start})") from None


def _names(text: str, file: Path) -> set[str]:
    # A taxonomy file may itself be front matter between `---` lines.
    body = text.split("\n---", 1)[0].removeprefix("---\n") if text.startswith("---") else text
    try:
        root = yamltree.compose(body)
        data = yamltree.to_data(root, lambda problem: None) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise VocabularyError(f"topic vocabulary {file}{where}: not valid YAML: {error.problem}") from None
    except yamltree.TooComplex as error:
        raise VocabularyError(f"topic vocabulary {file}: {error}") from None
    except (yaml.YAMLError, RecursionError, MemoryError) as error:
        raise VocabularyError(f"topic vocabulary {file}: the YAML cannot be read ({type(error).__name__})") from None
    items = data if isinstance(data, list) else [data]
    return {
        str(item["name"]) if isinstance(item, dict) else str(item)
        for item in items
        if item is not None and (not isinstance(item, dict) or "name" in item)
    }
