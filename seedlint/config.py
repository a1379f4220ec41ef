"""Configuration: `[tool.seedlint]` in pyproject.toml, or a seedlint.toml, found from the working
directory upwards. Unknown keys and bad values are errors naming the key. (Whether the rule codes it names
exist is checked by seedlint/selection.py, which knows the rules: this module knows none.)

The configuration is part of the checked repository, which an attacker may have written: every path it
names (`paths`, `schema`, `topics`, `baseline`) must resolve, links followed, inside the project root (the
configuration file's folder, or the working directory without one), and the configuration file itself
inside its own folder; otherwise it is a usage error naming the key and the path, never showing what the
file holds. (`cache-dir` is checked by seedlint/cache.py: a refused cache is a warning, not an error.)
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seedlint.document import FileTooLarge, read_bounded
from seedlint.vocabulary import load_vocabulary

MAX_CONFIG_BYTES = 1024 * 1024  # a configuration is a few hundred bytes


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


def is_within(path: Path | str, folder: Path | str) -> bool:
    """Whether `path` is `folder` or inside it, links followed on both sides."""
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


@dataclass
class Config:
    # Where the corpus is, relative to the configuration file's folder.
    paths: list[str] = field(default_factory=lambda: ["."])  # without a configuration: the current folder
    include: list[str] = field(default_factory=lambda: ["*.md", "*.txt"])
    exclude: list[str] = field(default_factory=list)
    # Which rules run: codes or prefixes (`SL4`, `SL401`).
    select: list[str] = field(default_factory=lambda: ["SL"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    # Which codes a document's suppression comments may silence (`--no-suppressions`: none).
    allow_suppressions: list[str] = field(default_factory=lambda: ["SL"])
    # Rule options.
    related_scope: str = "closed"
    schema: str | None = None
    topics: str | None = None
    future_tolerance_days: int = 2
    earliest_year: int = 1990
    filename_date_tolerance_days: int = 1
    cache_dir: str = ".seedlint_cache"
    # Adopting seedlint on a corpus with findings (seedlint/baseline.py, seedlint/compare.py): the baseline file
    # of accepted findings, and which new findings fail a run.
    baseline: str | None = None
    fail_on: str = "new-errors"
    # Where the configuration came from (not a key).
    source: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    # The allowed topics read from `topics` (see topic_vocabulary; not a key).
    vocabulary: frozenset[str] | None = field(default=None, repr=False, compare=False)

    @property
    def schema_path(self) -> Path | None:
        return self.resolve(self.schema) if self.schema else None

    def topic_vocabulary(self) -> frozenset[str] | None:
        """The allowed topics, None without `topics`: read once (when the configuration is loaded, so that a
        bad vocabulary is one usage error), then carried with the configuration (to worker processes too).
        Raises VocabularyError."""
        if self.topics is None:
            return None
        if self.vocabulary is None:
            self.vocabulary = load_vocabulary(self.resolve(self.topics), self.topics)
        return self.vocabulary

    def resolve(self, relative: str) -> Path:
        return (self.root / relative).resolve() if not Path(relative).is_absolute() else Path(relative)

    def to_toml(self) -> str:
        """The effective configuration (what `seedlint config` prints), as its source can take it back: a
        `[tool.seedlint]` table for a pyproject.toml (and for the defaults), top-level keys for a seedlint.toml."""
        lines = [f"# from {self.source}" if self.source else "# defaults (no configuration file)"]
        if self.source is None or self.source.name == "pyproject.toml":
            lines.append("[tool.seedlint]")
        for key, value in self.to_dict().items():
            if value is None:
                lines.append(f"# {key} is not set")
            elif isinstance(value, dict):
                entries = ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in value.items())
                lines.append(f"{key} = {{ {entries} }}" if value else f"{key} = {{}}")
            else:
                lines.append(f"{key} = {_toml(value)}")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict:
        values = dataclasses.asdict(self)
        values.pop("root")
        values.pop("source")
        values.pop("vocabulary")
        return {name.replace("_", "-"): value for name, value in values.items()}


def _toml(value: object) -> str:
    """A TOML value (a setting's: text, number, boolean, or a list of them). Not JSON's: JSON escapes a character
    beyond the BMP as a surrogate pair, which TOML refuses."""
    if isinstance(value, str):
        return '"' + "".join(map(_toml_character, value)) + '"'
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml, value)) + "]"
    return json.dumps(value)  # (a number; a boolean: true, false)


def _toml_character(character: str) -> str:
    if character in ('"', "\\"):
        return "\\" + character
    if character.isprintable():
        return character
    code = ord(character)  # (a line break, a control, a format character: escaped, the line stays one line)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


_CHOICES = {"related_scope": ("closed", "hosts", "open"), "fail_on": ("new-errors", "new-warnings")}
# Every number has bounds: a negative tolerance or a year 0 is a typo, never a setting.
_BOUNDS = {"future_tolerance_days": (0, 3650), "earliest_year": (1900, 2100), "filename_date_tolerance_days": (0, 366)}
# Lists that an empty value would turn into "check nothing" (reported then as no documents found, as if the
# corpus were empty): a typo, never a setting.
_NOT_EMPTY = {
    "paths": "is empty: name the corpus's folders (paths = [\"_news\"]), or leave it out to check the project's folder",
    "include": 'is empty: name the documents\' file patterns (include = ["*.md"]), or leave it out for *.md and *.txt',
}
_FIELDS = {f.name: f for f in dataclasses.fields(Config) if f.name not in ("source", "root", "vocabulary")}


def find_config_file(start: Path) -> tuple[Path, dict] | None:
    """The nearest seedlint.toml, or pyproject.toml with a [tool.seedlint] table, from `start` upwards."""
    # (Whatever has the name, not only a regular file: a folder or a FIFO named seedlint.toml was passed over in
    # silence, and the settings taken from a pyproject.toml above, or the defaults; reading it says what it is.)
    for folder in [start, *start.parents]:
        candidate = folder / "seedlint.toml"
        if os.path.lexists(candidate):
            return candidate, _read_toml(candidate)
        candidate = folder / "pyproject.toml"
        if os.path.lexists(candidate):
            table = seedlint_table(candidate, _read_toml(candidate))
            if table is not None:
                return candidate, table
    return None


def seedlint_table(path: Path, document: dict[str, Any]) -> dict[str, Any] | None:
    """The [tool.seedlint] table of a pyproject.toml's TOML, None without one (a `tool` that is no table holds
    none). Raises ConfigError when `tool.seedlint` is something else than a table: seedlint's own key, with a
    value that cannot be its settings."""
    tool = document.get("tool")
    table = tool.get("seedlint") if isinstance(tool, dict) else None
    if table is None or isinstance(table, dict):
        return table
    raise ConfigError(
        f"{_located_parts(path, ['tool', 'seedlint'], 1)}: [tool.seedlint] must be a table (the header "
        f"[tool.seedlint], then seedlint's keys), not {_kind(table)}"
    )


def _kind(value: object) -> str:
    """What a TOML value is, in the TOML specification's words."""
    kinds = ((bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"), (list, "an array"))
    return next((name for kind, name in kinds if isinstance(value, kind)), "a date or time")


def shadowed_table(config: Config) -> Path | None:
    """The pyproject.toml beside the seedlint.toml in use when it has a [tool.seedlint] table too: a table that
    is ignored (seedlint.toml comes first), which its reader may well be editing."""
    if config.source is None or config.source.name != "seedlint.toml":
        return None
    beside = config.source.parent / "pyproject.toml"
    if not beside.is_file():
        return None
    try:
        tool = _read_toml(beside).get("tool")
        return beside if isinstance(tool, dict) and "seedlint" in tool else None
    except ConfigError:  # (not the configuration in use: its problems are not this run's)
        return None


def load_config(explicit: Path | None = None, *, isolated: bool = False, start: Path | None = None) -> Config:
    if isolated and explicit is not None:  # (one of them would be ignored, silently)
        raise ConfigError(f"--config {explicit} and --isolated: --isolated reads no configuration file")
    if isolated:
        config = Config(root=start or Path.cwd())
    elif explicit is not None:
        if not (explicit.exists() or explicit.is_symlink()):
            raise ConfigError(f"{explicit}: configuration file not found")
        table = _read_toml(explicit)
        if explicit.name == "pyproject.toml":
            own = seedlint_table(explicit, table)
            if own is None:  # (named on purpose: the defaults would pass for its settings)
                raise ConfigError(
                    f"{explicit} has no [tool.seedlint] table: put seedlint's keys under a [tool.seedlint] "
                    "header, or name a seedlint.toml"
                )
            table = own
        config = config_from_table(table, explicit)
    else:
        found = find_config_file((start or Path.cwd()).resolve())
        config = Config(root=start or Path.cwd()) if found is None else config_from_table(found[1], found[0])
    check_paths(config)
    return config


def check_paths(config: Config) -> None:
    """Raise ConfigError for a path of the configuration that leads outside the project root."""
    named = [("paths", entry) for entry in config.paths]
    named += [(key, value) for key in ("schema", "topics", "baseline") if (value := getattr(config, key)) is not None]
    for key, value in named:
        if not is_within(config.resolve(value), config.root):
            where = f"{located(config.source, key)}: " if config.source is not None else ""
            raise ConfigError(
                f"{where}`{key}` names {value}, which leads outside the project root {config.root} "
                f"(to {os.path.realpath(config.resolve(value))}): not read"
            )


def config_from_table(table: dict, source: Path) -> Config:
    values: dict[str, Any] = {}
    spelled: dict[str, str] = {}  # (`related-scope` and `related_scope` are one key: the last one was taken)
    for key, value in table.items():
        name = key.replace("-", "_")
        if name in spelled:
            where = _located_parts(source, [*_table_parts(source), key], len(_table_parts(source)) + 1)
            raise ConfigError(f"{where}: `{key}` sets `{spelled[name]}` again (`-` and `_` are one): give it once")
        spelled[name] = key
        if name not in _FIELDS:
            known = sorted(k.replace("_", "-") for k in _FIELDS)
            close = difflib.get_close_matches(key.replace("_", "-"), known, n=1, cutoff=0.6)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            table_name = " in [tool.seedlint]" if source.name == "pyproject.toml" else ""
            where = _located_parts(source, [*_table_parts(source), key], len(_table_parts(source)) + 1)
            raise ConfigError(f"{where}: unknown key `{key}`{table_name}{hint} (known keys: {', '.join(known)})")
        values[name] = _checked(source, key, name, value)
    return Config(**values, source=source, root=source.parent.resolve())


def located(source: Path, key: str) -> str:
    """`source:LINE` of the line that sets `key` (for `severity.SL104`, the line that sets that entry of the
    table, else the table's), or `source` when no line plainly does: an error about a key says where to look."""
    top, _, entry = key.partition(".")  # (a key of seedlint's has no dot; an entry, a glob, may have some)
    table = _table_parts(source)
    return _located_parts(source, [*table, top, *([entry] if entry else [])], len(table) + 1)


def _table_parts(source: Path) -> list[str]:
    """The key of the table holding seedlint's keys in `source`: [tool.seedlint] in a pyproject.toml, else the top."""
    return ["tool", "seedlint"] if source.name == "pyproject.toml" else []


def _located_parts(source: Path, parts: list[str], least: int) -> str:
    """`source:LINE` of the line that sets the key `parts` (from the top of the file), else of the nearest of
    at least `least` parts that holds it, or `source`."""
    try:
        text = read_bounded(source, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, FileTooLarge, UnicodeDecodeError):
        return str(source)
    line = _key_line(text, parts, least)
    return f"{source}:{line}" if line is not None else str(source)


_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_DOTTED_KEY = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"\[\[?\s*({_DOTTED_KEY})\s*\]\]?\s*(?:#.*)?")
_SETTING = re.compile(rf"({_DOTTED_KEY})\s*=")


def _key_line(text: str, parts: list[str], least: int) -> int | None:
    """The number of the first line that sets the key `parts` or a key inside it: `key = ...` or
    `key.sub = ...` under its table, or the header `[table.key]`. Without one, the first line that sets the
    longest key of at least `least` parts holding it (`severity = { SL104 = ... }` or the header `[severity]`
    for `severity.SL104`, when no line names SL104). A best effort: lines inside a multi-line value are read
    as lines too."""
    table: list[str] | None = []
    nearest: tuple[int, int] | None = None  # (the key's number of parts, its line)
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if header := _HEADER.fullmatch(stripped):
            table = path = _key_parts(header.group(1))
        elif (setting := _SETTING.match(stripped)) and table is not None:
            sub = _key_parts(setting.group(1))
            path = None if sub is None else table + sub
        else:
            continue
        if path is None:
            continue
        if path[: len(parts)] == parts:
            return number
        if (
            least <= len(path) < len(parts)
            and parts[: len(path)] == path
            and (nearest is None or len(path) > nearest[0])
        ):
            nearest = (len(path), number)
    return nearest[1] if nearest is not None else None


def _key_parts(dotted: str) -> list[str] | None:
    """The parts of a TOML dotted key as written (`"a/*.md"`, `severity . SL104`), unquoted by tomllib itself."""
    try:
        value: Any = tomllib.loads(f"{dotted} = 0")
    except tomllib.TOMLDecodeError:
        return None
    parts = []
    while isinstance(value, dict):
        (part, value), *_ = value.items()
        parts.append(part)
    return parts


def _checked(source: Path, key: str, name: str, value: Any) -> Any:  # a TOML value, checked here
    spec = _FIELDS[name]
    default = spec.default_factory() if spec.default_factory is not dataclasses.MISSING else spec.default
    problem = None
    if isinstance(default, list):
        if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
            problem = "must be a list of strings"
        elif name in _NOT_EMPTY and not value:
            problem = _NOT_EMPTY[name]
        elif name == "include" and not all(value):
            problem = "names an empty pattern, which no file name matches"
        elif name == "exclude" and not all(pattern.strip() for pattern in value):
            problem = "names an empty pattern, which leaves out nothing"
    elif isinstance(default, dict):
        if not isinstance(value, dict):
            problem = "must be a table"
        codes: dict[str, str] = {}  # (a rule code in any case: `SL402` and `sl402` are one, and one would be dropped)
        for entry, setting in value.items() if problem is None else ():  # (here: not when a diagnostic meets them)
            if name == "severity" and entry.upper() in codes:
                key, problem = f"{key}.{entry}", f"names the code of `{codes[entry.upper()]}` again: give each once"
            elif name == "severity" and setting not in ("error", "warning", "info"):
                key, problem = f"{key}.{entry}", f"must be error, warning or info, not {setting!r}"
            elif name == "per_file_ignores" and not (
                isinstance(setting, list) and all(isinstance(code, str) for code in setting)
            ):
                key, problem = f"{key}.{entry}", "must be a list of rule codes"
            elif name == "per_file_ignores" and not setting:
                key, problem = f"{key}.{entry}", 'names no code: it silences nothing (list the codes, e.g. ["SL402"])'
            if problem is not None:
                break
            codes[entry.upper()] = entry
    elif isinstance(default, int):  # (bool is an int)
        if not isinstance(value, int) or isinstance(value, bool):
            problem = "must be an integer"
    elif not isinstance(value, str):
        problem = "must be a string"
    if problem is None and name in _PATH_KEYS and isinstance(value, str) and not value.strip():
        problem = "is empty: name a path, or leave the key out for the default"
    if problem is None and any("\0" in text for text in _texts(value)):
        problem = "holds a NUL character, which no path, pattern or rule code can"
    if problem is None and name in _BOUNDS and not _BOUNDS[name][0] <= value <= _BOUNDS[name][1]:
        problem = f"must be between {_BOUNDS[name][0]} and {_BOUNDS[name][1]}, not {value}"
    if problem is None and name in _CHOICES and value not in _CHOICES[name]:
        problem = f"must be one of {', '.join(_CHOICES[name])}, not {value!r}"
    if problem is not None:
        raise ConfigError(f"{located(source, key)}: `{key}` {problem}")
    return value


_PATH_KEYS = frozenset({"schema", "topics", "baseline", "cache_dir"})  # (one path each: "" would name the root)


def _texts(value: Any) -> list[str]:
    """Every string of a TOML value: itself, a list's items, a table's keys and values."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [key, *_texts(item)]]
    return []


def _read_toml(path: Path) -> dict:
    """The file's TOML: only a regular file inside its own folder (not a link out of it), of at most
    MAX_CONFIG_BYTES, read without blocking (see document.read_bounded)."""
    if not is_within(path, os.path.dirname(os.path.abspath(path))):
        raise ConfigError(
            f"{path}: the configuration file is a link to {os.path.realpath(path)}, outside its folder: not read"
        )
    try:
        text = read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8")
    except FileTooLarge:
        raise ConfigError(f"{path}: cannot read configuration: over {MAX_CONFIG_BYTES:,} bytes") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read configuration: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise ConfigError(f"{path}: cannot read configuration: its values nest too deeply") from None
    except tomllib.TOMLDecodeError as error:
        # tomllib ends its message with "(at line L, column C)": the position goes in front, as for a document
        position = re.search(r" \(at line (\d+), column (\d+)\)$", str(error))
        if position is None:
            raise ConfigError(f"{path}: invalid TOML: {error}") from None
        line, column = position.groups()
        raise ConfigError(f"{path}:{line}:{column}: invalid TOML: {str(error)[: position.start()]}") from None
    except ValueError:  # (tomllib's only other error: an integer over Python's limit on reading one)
        raise ConfigError(f"{path}: cannot read configuration: it holds a number of over 4,300 digits") from None
