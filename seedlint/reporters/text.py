"""Reporters for people."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from seedlint.diagnostic import Diagnostic


def concise(diagnostics: list[Diagnostic], stream: TextIO, *, files: int, **_options) -> None:
    """`path:line:col: CODE message`, one line each, then a summary line."""
    for d in diagnostics:
        stream.write(f"{d.path}:{d.line}:{d.column}: {d.code} {_one_line(d.message)}\n")
    stream.write(summary(diagnostics, files) + "\n")


def _one_line(message: str) -> str:
    return message.replace("\r", "\\r").replace("\n", "\\n")


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
