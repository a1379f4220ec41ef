"""The baseline: a file of findings accepted when seedlint was adopted, so that only new ones are reported.

Written by `seedlint check --write-baseline`, read when `baseline = "…"` is configured (or `--baseline FILE`
given). A finding is recorded by what identifies it whatever its line (seedlint/locus.py): its rule, its
document relative to the project root (so the file does not depend on where seedlint runs), the field
path of the value and a digest of the offending text; the message is kept for people reading the file and
in a review, never matched. Matching counts: a finding recorded twice covers two occurrences.

The file is plain JSON, versioned, one finding per line, sorted: a refresh shows as a readable diff.

    {"seedlint-baseline": 1, "findings": [
    {"path": "_news/a.md", "code": "SL505", "field": "related[https://a.example/x].title", "text-hash": "3f…", …},
    ...
    ]}

It is part of the checked repository, so it is read like every file of it: bounded, and checked entry by
entry; anything malformed, or a rule code that no longer exists, is a usage error naming the file and the
entry (nothing is ignored silently).
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeAlias

from seedlint import writer
from seedlint.config import Config
from seedlint.diagnostic import Diagnostic
from seedlint.document import FileTooLarge, read_bounded
from seedlint.rules import all_rules
from seedlint.selection import config_relative, config_relative_all

FORMAT = 1
DEFAULT_NAME = "seedlint-baseline.json"
MAX_BASELINE_BYTES = 256 * 1024 * 1024  # about a million findings
FIELDS = ("path", "code", "field", "text-hash", "message")

# What a finding is matched by: (rule code, path relative to the project root, field path, text digest).
Key: TypeAlias = tuple[str, str, str, str]


class BaselineError(Exception):
    """A baseline that cannot be used (missing, malformed, naming an unknown rule): a usage error."""


def key(diagnostic: Diagnostic, config: Config) -> Key:
    return (diagnostic.code, config_relative(diagnostic.path, config), diagnostic.locus, diagnostic.text_key)


def keys(diagnostics: Iterable[Diagnostic], config: Config, relative: dict[str, str] | None = None) -> list[Key]:
    """The keys of many diagnostics (each document's path made relative once: a corpus reports thousands).
    `relative`: display path → relative path, kept by the caller across calls (filled here)."""
    listed = list(diagnostics)
    relative = {} if relative is None else relative
    relative.update(config_relative_all({d.path for d in listed if d.path not in relative}, config))
    return [(d.code, relative[d.path], d.locus, d.text_key) for d in listed]


def configured_path(config: Config, given: Path | None) -> Path | None:
    """The baseline file a run uses: `given` (`--baseline FILE`), else the configured `baseline`."""
    if given is not None:
        return given
    return config.resolve(config.baseline) if config.baseline else None


def write_target(config: Config, given: str) -> Path:
    """Where `--write-baseline[=FILE]` writes: FILE, else the configured `baseline`, else seedlint-baseline.json
    in the project root."""
    if given:
        return Path(given)
    return config.resolve(config.baseline or DEFAULT_NAME)


def read(path: Path) -> Counter[Key]:
    """The findings recorded in the baseline file at `path`. Raises BaselineError."""
    try:
        raw = read_bounded(path, MAX_BASELINE_BYTES)
    except FileNotFoundError:
        raise BaselineError(
            f"baseline {path} not found: record today's findings with `seedlint check --write-baseline`"
        ) from None
    except FileTooLarge:
        raise BaselineError(f"baseline {path}: over {MAX_BASELINE_BYTES:,} bytes, not read") from None
    except OSError as error:
        raise BaselineError(f"baseline {path}: cannot read it: {error.strerror or error}") from None
    return parse(raw, str(path))


def read_raw(path: Path) -> bytes | None:
    """The baseline file's bytes, None when it cannot be read (`read` says why)."""
    try:
        return read_bounded(path, MAX_BASELINE_BYTES)
    except (OSError, FileTooLarge):
        return None


def parse(raw: bytes, path: str) -> Counter[Key]:
    """The findings recorded in a baseline file's bytes (`path` names it in messages). Raises BaselineError."""
    if len(raw) > MAX_BASELINE_BYTES:
        raise BaselineError(f"baseline {path}: over {MAX_BASELINE_BYTES:,} bytes, not read")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_json_object)
    except UnicodeDecodeError as error:
        raise BaselineError(f"baseline {path}: not UTF-8 ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise BaselineError(f"baseline {path}:{error.lineno}:{error.colno}: not JSON: {error.msg}") from None
    except RecursionError:
        raise BaselineError(f"baseline {path}: not read: its values nest too deeply") from None
    except ValueError:  # (json's only other error: an integer over Python's limit on reading one)
        raise BaselineError(f"baseline {path}: not read: it holds a number of over 4,300 digits") from None
    if not isinstance(data, dict) or "seedlint-baseline" not in data or not isinstance(data.get("findings"), list):
        raise BaselineError(
            f'baseline {path}: not a seedlint baseline of format {FORMAT} (an object with "seedlint-baseline": '
            f'{FORMAT} and a "findings" list); write it again with `seedlint check --write-baseline`'
        )
    version = data["seedlint-baseline"]
    if type(version) is not int or version != FORMAT:  # (True == 1 and 1.0 == 1 in Python: neither is format 1)
        raise BaselineError(
            f'baseline {path}: "seedlint-baseline" is {_shown(version)}, not {FORMAT}: not a baseline of the format '
            "this seedlint reads; write it again with `seedlint check --write-baseline`"
        )
    if problem := _keys_problem(data, ("seedlint-baseline", "findings")):
        raise BaselineError(f'baseline {path}: {problem} (a baseline holds "seedlint-baseline" and "findings")')
    codes = {rule.code for rule in all_rules()}
    found: Counter[Key] = Counter()
    for number, entry in enumerate(data["findings"], 1):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(name), str) for name in FIELDS):
            raise BaselineError(f"baseline {path}: finding {number} is not an object of the texts {', '.join(FIELDS)}")
        if (len(entry) > len(FIELDS) or isinstance(entry, _Duplicated)) and (problem := _keys_problem(entry, FIELDS)):
            raise BaselineError(
                f"baseline {path}: finding {number} ({entry['path']}): {problem} (a finding holds the texts "
                f"{', '.join(FIELDS)})"
            )
        if not _nameable(entry["path"]):
            raise BaselineError(
                f"baseline {path}: finding {number} names the path {_shown(entry['path'])}, which no file can have"
            )
        if entry["code"] not in codes:
            raise BaselineError(
                f"baseline {path}: finding {number} ({entry['path']}) names rule {entry['code']}, which does not "
                "exist (any more): refresh the baseline with `seedlint check --write-baseline`"
            )
        found[(entry["code"], entry["path"], entry["field"], entry["text-hash"])] += 1
    return found


def _nameable(name: str) -> bool:
    """Whether a baseline's path can name a file at all (not empty, no NUL): a finding there would only ever be
    counted as fixed. (Documents outside the project root, given on the command line, keep their paths as shown.)"""
    return bool(name) and "\0" not in name


class _Duplicated(dict[str, object]):
    """A JSON object that holds a key twice (JSON would keep only the last value): `duplicate` is the first."""

    duplicate: str


def _json_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    data = dict(pairs)
    if len(data) == len(pairs):
        return data
    duplicated = _Duplicated(data)  # (rare: counted only then, a baseline may hold a million objects)
    counts = Counter(name for name, _ in pairs)
    duplicated.duplicate = next(name for name, _ in pairs if counts[name] > 1)
    return duplicated


def _keys_problem(data: dict[str, object], known: tuple[str, ...]) -> str | None:
    """What is wrong with an object's keys: one held twice, or one that is not `known`."""
    if isinstance(data, _Duplicated):
        return f"the key {_shown(data.duplicate)} appears twice"
    unknown = next((name for name in data if name not in known), None)
    return f"unexpected key {_shown(unknown)}" if unknown is not None else None


def _shown(value: object) -> str:
    """A JSON value as a message quotes it: as written when short, else its kind."""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) <= 40:
        return text
    kinds = ((str, "a long text"), (list, "an array"), (dict, "an object"))
    return next((name for kind, name in kinds if isinstance(value, kind)), "a long number")


def render(diagnostics: Iterable[Diagnostic], config: Config) -> Iterator[str]:
    """The baseline file's text for `diagnostics`, in pieces (a baseline adopted on a corpus with 410,000
    findings took 900 MB more when made whole first): sorted by document, rule, field, text; one finding a line."""
    listed = list(diagnostics)
    entries = sorted(
        (path, code, field, text, d.message)
        for d, (code, path, field, text) in zip(listed, keys(listed, config), strict=True)
    )
    del listed
    yield f'{{"seedlint-baseline": {FORMAT}, "findings": [\n'
    last = len(entries) - 1
    for number, entry in enumerate(entries):
        line = json.dumps(dict(zip(FIELDS, entry, strict=True)), ensure_ascii=False)
        yield f"{line},\n" if number < last else f"{line}\n"
    yield "]}\n"


def recorded(diagnostics: list[Diagnostic], target: Path, config: Config) -> list[str]:
    """What `--write-baseline` says: how many findings it recorded where, and how to use the file."""
    counts = Counter(d.severity.value for d in diagnostics)
    kinds = ", ".join(
        f"{counts[s]:,} {s}{'' if counts[s] == 1 else 's'}" for s in ("error", "warning", "info") if counts[s]
    )
    absolute = Path(os.path.abspath(target))
    shown = os.path.relpath(absolute) if absolute.is_relative_to(Path.cwd()) else str(target)
    n = len(diagnostics)
    lines = [f"recorded {n:,} finding{'' if n == 1 else 's'}{f' ({kinds})' if kinds else ''} in {shown}"]
    if configured_path(config, None) == absolute:
        return lines
    if absolute.is_relative_to(config.root):
        relative = absolute.relative_to(config.root).as_posix()
        lines.append(f'use it: `baseline = "{relative}"` in the configuration, or `--baseline {shown}`')
    else:  # (the configuration's paths stay inside the project: its `baseline` would be refused)
        lines.append(
            f"use it: `--baseline {shown}` (outside the project, the configuration's `baseline` cannot name it)"
        )
    return lines


def _replaceable(path: Path) -> bool:
    """Whether writing a baseline at `path` loses nothing: no file there, an empty one, or a seedlint baseline (of
    any format). Anything else (a configuration file, a document, named by mistake) is never overwritten."""
    if not path.exists():
        return True
    raw = read_raw(path)
    if raw is None:
        return False
    if not raw.strip():
        return True
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # (not UTF-8, not JSON, or JSON Python cannot read)
        return False
    return isinstance(data, dict) and "seedlint-baseline" in data


def write(path: Path, pieces: Iterable[str]) -> None:
    """Write the baseline atomically (a temporary file in the same folder, then `os.replace`); never through a
    link. Raises BaselineError."""
    if path.is_symlink():
        raise BaselineError(f"baseline {path} is a symbolic link: not written (write it under its own name)")
    if path.is_dir():
        raise BaselineError(f"baseline {path} is a folder: name a file (`--write-baseline=FILE`)")
    if not _replaceable(path):
        raise BaselineError(
            f"baseline {path} exists and is no seedlint baseline: not overwritten (name another file, or remove it "
            "first if it is not needed)"
        )
    try:
        mode = stat.S_IMODE(path.stat().st_mode) if path.is_file() else 0o644
        writer.replace_file(path.absolute(), (piece.encode("utf-8") for piece in pieces), mode)
    except OSError as error:
        raise BaselineError(f"baseline {path}: cannot write it: {error.strerror or error}") from None
