"""Which rules apply: select / extend-select / ignore by code or prefix, per-file ignores, and severity
overrides."""

from __future__ import annotations

import fnmatch

from seedlint.config import Config
from seedlint.diagnostic import Diagnostic, Severity


def _matches(code: str, selectors: list[str]) -> int:
    """The length of the longest selector that is a prefix of `code` (0 when none is)."""
    return max((len(s) for s in selectors if code.startswith(s.upper())), default=0)


def is_selected(code: str, config: Config) -> bool:
    """The most specific selector wins, as in ruff: `select = ["SL"]`, `ignore = ["SL4"]` drops SL4xx,
    and `extend-select = ["SL401"]` brings SL401 back."""
    selected = max(_matches(code, config.select), _matches(code, config.extend_select))
    return selected > 0 and selected > _matches(code, config.ignore)


def is_reported(diagnostic: Diagnostic, config: Config) -> bool:
    """Selected, and not ignored for its file by `per-file-ignores` (glob → codes or prefixes)."""
    if not is_selected(diagnostic.code, config):
        return False
    for pattern, codes in config.per_file_ignores.items():
        if fnmatch.fnmatch(diagnostic.path, pattern) and _matches(diagnostic.code, codes):
            return False
    return True


def apply_severity(diagnostic: Diagnostic, config: Config) -> Diagnostic:
    override = config.severity.get(diagnostic.code) or config.severity.get(diagnostic.code[:3])
    if override:
        diagnostic.severity = Severity(override)
    return diagnostic
