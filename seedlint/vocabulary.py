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
    """The topics a YAML vocabulary file names: a list of names or of mappings with `name`, or one such
    mapping. Each name is text as written: a tag (nothing is constructed from one, but a tagged name would
    become the text of what was built), a name that YAML reads as something else (`name: 42`, a list) and a
    `name` key given twice (YAML keeps the last) are VocabularyErrors at their line, as a syntax error is."""
    # A taxonomy file may itself be front matter between `---` lines (its lines then count from the first).
    body = text.split("\n---", 1)[0].removeprefix("---\n") if text.startswith("---") else text
    where = _Where(file, 1 if text.startswith("---\n") else 0)
    problems: list[yamltree.TreeProblem] = []
    try:
        root = yamltree.compose(body)
        data = yamltree.to_data(root, problems.append) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise VocabularyError(f"topic vocabulary {where.at(mark)}: not valid YAML: {error.problem}") from None
    except yamltree.TooComplex as error:
        raise VocabularyError(f"topic vocabulary {file}: {error}") from None
    except (yaml.YAMLError, RecursionError, MemoryError) as error:
        raise VocabularyError(f"topic vocabulary {file}: the YAML cannot be read ({type(error).__name__})") from None
    for problem in problems:
        if problem.kind == "unsupported-tag":
            shown = yamltree.tag_display(yamltree.tag(problem.node))
            raise VocabularyError(
                f"topic vocabulary {where.at(problem.node.start_mark)}: tag {shown} is not allowed: a vocabulary "
                "is plain YAML, its topic names text"
            )
    if root is None:
        return set()
    listed = isinstance(root, yaml.SequenceNode)
    names = set()
    for node, item in zip(root.value if listed else [root], data if isinstance(data, list) else [data], strict=True):
        if not isinstance(node, yaml.MappingNode):
            names.add(_name(node, where, "a topic name" if listed else "the vocabulary"))
            continue
        named = [(key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode) and key.value == "name"]
        if len(named) > 1:
            raise VocabularyError(
                f"topic vocabulary {where.at(named[1][0].start_mark)}: duplicate key `name` (first on line "
                f"{where.line(named[0][0].start_mark)}): YAML keeps only the last; give each topic its own mapping"
            )
        if named:
            names.add(_name(named[0][1], where, "`name`"))
        elif isinstance(item, dict) and "name" in item:  # (a name merged in with `<<`)
            if not isinstance(item["name"], str):
                raise VocabularyError(f"topic vocabulary {where.at(node.start_mark)}: the merged `name` is not text")
            names.add(item["name"])
    return names


_KINDS = {"int": "a number", "float": "a number", "bool": "a boolean", "null": "empty", "timestamp": "a date"}


def _name(node: yaml.Node, where: _Where, what: str) -> str:
    """The text of a topic name's node; a VocabularyError when YAML reads it as anything but text."""
    if isinstance(node, yaml.ScalarNode) and yamltree.tag(node) == yamltree.YAML_TAG + "str":
        if not node.value.strip():  # (no topic is named so: every document's topics would be unknown, SL603)
            raise VocabularyError(f"topic vocabulary {where.at(node.start_mark)}: {what} is blank, not a topic")
        return str(node.value)
    if isinstance(node, yaml.ScalarNode):
        kind = _KINDS.get(yamltree.tag(node).removeprefix(yamltree.YAML_TAG), "something else")
        hint = ": quote it if it is a topic" if node.value else ""  # (never the value: see the module's docstring)
    else:
        kind, hint = ("a list" if isinstance(node, yaml.SequenceNode) else "a mapping"), ""
    raise VocabularyError(f"topic vocabulary {where.at(node.start_mark)}: {what} is {kind}, not text{hint}")


class _Where:
    """Positions in a vocabulary file, whose YAML may start on its second line (after `---`)."""

    def __init__(self, file: Path, lines_before: int):
        self.file, self.lines_before = file, lines_before

    def line(self, mark: yaml.Mark) -> int:
        return int(mark.line) + 1 + self.lines_before

    def at(self, mark: yaml.Mark | None) -> str:
        return f"{self.file}:{self.line(mark)}:{mark.column + 1}" if mark is not None else str(self.file)
