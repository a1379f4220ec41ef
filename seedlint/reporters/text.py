"""Reporters for people."""

from __future__ import annotations

import re
from collections import Counter
from typing import TextIO

from seedlint.diagnostic import Diagnostic


def concise(diagnostics: list[Diagnostic], stream: TextIO, *, files: int, **_options) -> None:
    """`path:line:col: CODE message`, one line each, then a summary line."""
    for d in diagnostics:
        stream.write(f"{_one_line(d.path)}:{d.line}:{d.column}: {d.code} {_one_line(d.message)}\n")
    stream.write(summary(diagnostics, files) + "\n")


# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC and CSI start escape sequences
# that can recolour, retitle or clear the terminal), line separators, and bidirectional controls that
# reorder what is shown. Document text and file names reach messages, so each is shown as an escape.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_SHORT = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}


def _one_line(text: str) -> str:
    """`text` on one line, with nothing a terminal would act on."""
    return _UNSAFE.sub(lambda m: _SHORT.get(m.group(), f"\\u{ord(m.group()):04x}"), text)


def summary(diagnostics: list[Diagnostic], files: int) -> str:
    if not diagnostics:
        return f"All checks passed ({files} file{'s' if files != 1 else ''} checked)."
    counts = Counter(d.severity.value for d in diagnostics)
    fixable = sum(d.fixable for d in diagnostics)
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s]]
    text = f"Found {len(diagnostics)} problem{'s' if len(diagnostics) != 1 else ''} ({', '.join(parts)}) in {files} file{'s' if files != 1 else ''} checked."
    if fixable:
        text += f" {fixable} fixable with `seedlint fix`."
    return text
