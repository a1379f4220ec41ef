"""Which rules apply: select / extend-select / ignore by code or prefix, per-file ignores, and severity
overrides."""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import functools
import os
import re
from collections.abc import Callable, Iterable

from seedlint import suppressions
from seedlint.config import Config, ConfigError, located
from seedlint.diagnostic import Diagnostic, Severity
from seedlint.document import Document
from seedlint.registry import FAMILIES
from seedlint.results import Checked
from seedlint.rules import all_rules


def check_codes(codes: Iterable[str], where: str) -> None:
    """Raise ConfigError when one of `codes` is no rule code or prefix: a typo in a selection must never
    turn a rule (or all of linting) off silently. `where` names the option or key, as the user wrote it."""
    known = [rule.code for rule in all_rules()]
    for code in codes:
        if code != code.strip():  # (matched as written, ` SL402` would silently match nothing)
            raise ConfigError(f"{where} names {code!r}, with blanks around it: write {code.strip()!r}")
        wanted = code.upper()
        if wanted.startswith("SL") and any(k.startswith(wanted) for k in known):
            continue
        close = difflib.get_close_matches(wanted, known + list(FAMILIES), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise ConfigError(
            f"{where} names {code!r}, which is no rule code or prefix{hint} (`seedlint rules` lists them)"
        )


# A file that does not load (the errors of SL001–SL013: not SL005, a byte-order mark, a warning) was checked for
# nothing: with these turned off (`--select SL402`, an `ignore`, a `severity` below error), it passed as "All checks
# passed". They are reported whatever the selection, as errors.
ALWAYS_REPORTED = frozenset(
    rule.code for rule in all_rules() if rule.code in suppressions.NEVER_SILENCED and rule.severity is Severity.ERROR
)
WHY_ALWAYS_REPORTED = "a file that does not load (SL001–SL013 but SL005) is always reported, as an error"


def check_turned_off(codes: Iterable[str], where: str) -> None:
    """Raise ConfigError when one of `codes`, to turn rules off (ignore, per-file-ignores) or down (severity), covers
    only ALWAYS_REPORTED codes: the entry would do nothing, silently."""
    for code in codes:
        if _covers_only(code, ALWAYS_REPORTED):
            raise ConfigError(f"{where} names {code!r}, which is never turned off: {WHY_ALWAYS_REPORTED}")


def _covers_only(code: str, codes: frozenset[str]) -> bool:
    """Whether the code or prefix `code` names some rule, and only rules among `codes`."""
    covered = [rule.code for rule in all_rules() if rule.code.startswith(code.strip().upper())]
    return bool(covered) and all(found in codes for found in covered)


def check_configured_codes(config: Config) -> None:
    """The rule codes a configuration file names (select, extend-select, ignore, per-file-ignores, severity,
    allow-suppressions)."""

    def where(key: str, at: str | None = None) -> str:
        """`key`, at the line that sets `at` (by default, `key`)."""
        return f"{located(config.source, at or key)}: `{key}`" if config.source is not None else f"`{key}`"

    for key in ("select", "extend-select", "ignore", "allow-suppressions"):
        check_codes(getattr(config, key.replace("-", "_")), where(key))
    for code in config.allow_suppressions:  # (a code no comment can silence: allowed for nothing)
        if _covers_only(code, suppressions.NEVER_SILENCED):
            raise ConfigError(
                f"{where('allow-suppressions')} names {code!r}, which is never silenced: "
                f"{suppressions.WHY_NEVER_SILENCED}"
            )
    check_turned_off(config.ignore, where("ignore"))
    for pattern, codes in config.per_file_ignores.items():
        check_codes(codes, where(f"per-file-ignores.{pattern}"))
        check_turned_off(codes, where(f"per-file-ignores.{pattern}"))
    for code, setting in config.severity.items():  # (each at the line that sets it)
        check_codes([code], where("severity", f"severity.{code}"))
        if setting != "error":
            check_turned_off([code], where("severity", f"severity.{code}"))


def _matches(code: str, selectors: list[str]) -> int:
    """The length of the longest selector that is a prefix of `code` (0 when none is)."""
    return max((len(s) for s in selectors if code.startswith(s.upper())), default=0)


def is_selected(code: str, config: Config) -> bool:
    """The most specific selector wins, as in ruff: `select = ["SL"]`, `ignore = ["SL4"]` drops SL4xx,
    and `extend-select = ["SL401"]` brings SL401 back."""
    selected = max(_matches(code, config.select), _matches(code, config.extend_select))
    return selected > 0 and selected > _matches(code, config.ignore)


def check_some_selected(config: Config, codes: Iterable[str]) -> None:
    """Raise ConfigError when the selection leaves none of `codes` (every rule's) to run: every check would then
    pass, having checked nothing (`--select SL5 --ignore SL5`, or an `ignore` that covers the `select`)."""
    if any(is_selected(code, config) for code in codes):
        return
    chosen = f"`select` ({', '.join(config.select) or 'nothing'})"
    if config.extend_select:
        chosen += f" and `extend-select` ({', '.join(config.extend_select)})"
    raise ConfigError(
        f"no rule is selected: `ignore` ({', '.join(config.ignore) or 'nothing'}) covers every rule chosen by "
        f"{chosen} (the configuration and the command line's options together): nothing would be checked"
    )


def is_reported(diagnostic: Diagnostic, config: Config) -> bool:
    """Selected, and not ignored for its file by `per-file-ignores` (glob → codes or prefixes; the globs
    are relative to the configuration file's folder, wherever seedlint runs from). SL001–SL013 always are: a file
    that does not load is always reported (ALWAYS_REPORTED)."""
    if diagnostic.code in ALWAYS_REPORTED:
        return True
    if not is_selected(diagnostic.code, config):
        return False
    if config.per_file_ignores:
        path = config_relative(diagnostic.path, config)
        for pattern, codes in config.per_file_ignores.items():
            if fnmatch.fnmatch(path, pattern) and _matches(diagnostic.code, codes):
                return False
    return True


def unmatched_ignores(config: Config, documents: Iterable[str]) -> list[str]:
    """The `per-file-ignores` globs that match none of the `documents` (display paths): a glob with a typo, or
    written relative to another folder, silences nothing, and said nothing."""
    if not config.per_file_ignores:
        return []
    relative = list(config_relative_all(documents, config).values())
    matchers = {pattern: re.compile(fnmatch.translate(pattern)).match for pattern in config.per_file_ignores}
    return [pattern for pattern, matches in matchers.items() if not any(map(matches, relative))]


@functools.lru_cache(maxsize=4096)
def _relative(path: str, root: str, cwd: str) -> str:
    # The folder's real path (the configuration's root is resolved), the file's own name (a link is
    # matched by its name, as it is shown). `cwd`: what `path` is relative to (a process may run seedlint
    # from one folder, then from another: the tests do).
    folder, name = os.path.split(os.path.normpath(os.path.join(cwd, path)))  # (as os.path.abspath, from `cwd`)
    absolute = os.path.join(os.path.realpath(folder), name)
    root = os.path.realpath(root)
    if absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, root).replace(os.sep, "/")
    return path


def config_relative(path: str, config: Config) -> str:
    """A display path (relative to the working directory) as a path relative to the configuration's folder,
    when the file is inside it."""
    return _relative(path, str(config.root), os.getcwd())


def config_relative_all(paths: Iterable[str], config: Config) -> dict[str, str]:
    """`config_relative` of many paths at once (a baseline is matched on tens of thousands): each folder's real
    path is found once, and a path inside the root is cut from it, not computed by `os.path.relpath`."""
    root = os.path.realpath(str(config.root))
    inside = root.rstrip(os.sep) + os.sep
    folders: dict[str, str] = {}
    found: dict[str, str] = {}
    for path in paths:
        if path in found:
            continue
        folder, name = os.path.split(os.path.abspath(path))
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.realpath(folder)
        absolute = os.path.join(real, name)
        if absolute == root:
            found[path] = "."
        elif absolute.startswith(inside):
            found[path] = absolute[len(inside) :].replace(os.sep, "/")
        else:
            found[path] = path
    return found


def apply_severity(diagnostic: Diagnostic, config: Config) -> Diagnostic:
    """The diagnostic at the configured severity of the most specific code or prefix that matches (`SL`,
    `SL50`, `SL505`): a copy when that differs (the original may be a cached result's, which is the same
    whatever the configured severities)."""
    if config.severity and diagnostic.code not in ALWAYS_REPORTED:  # (errors always)
        matching = [prefix for prefix in config.severity if diagnostic.code.startswith(prefix.upper())]
        override = config.severity[max(matching, key=len)] if matching else None
        if override and override != diagnostic.severity.value:
            return dataclasses.replace(diagnostic, severity=Severity(override))
    return diagnostic


def reported(
    diagnostics: list[Diagnostic],
    checked: Iterable[Checked],
    document: Callable[[str], Document | None],
    config: Config,
) -> list[Diagnostic]:
    """The diagnostics a run reports: selected, at their configured severity, suppressions applied, sorted.
    (`checked`: the results of the files reported on; `document` loads one of them again, for its comments.)"""
    selected = [apply_severity(d, config) for d in diagnostics if is_reported(d, config)]
    with_comments = [document(c.path) for c in checked if c.has_suppressions]
    selected = suppressions.apply(
        selected,
        [doc for doc in with_comments if doc is not None],
        lambda code: is_selected(code, config),
        suppressions.Policy.configured(config.allow_suppressions),
    )
    selected.sort(key=Diagnostic.sort_key)
    return selected
