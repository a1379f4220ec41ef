"""Reporters for people: `concise` (one line each) and `full` (with the source line and a caret)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import TextIO

import click

from seedlint.diagnostic import Applicability, Diagnostic

SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}


def concise(
    diagnostics: list[Diagnostic],
    stream: TextIO,
    *,
    files: int,
    quiet: bool = False,
    unfinished: bool = False,
    **_options: object,
) -> None:
    """`path:line:col: CODE message`, one line each, then a summary line."""
    for d in diagnostics:
        stream.write(f"{one_line(d.path)}:{d.line}:{d.column}: {d.code} {one_line(d.message)}\n")
    if not quiet:
        stream.write(summary(diagnostics, files, unfinished) + "\n")


def full(
    diagnostics: list[Diagnostic],
    stream: TextIO,
    *,
    files: int,
    source: Callable[[str], str | None] = lambda path: None,
    color: bool = False,
    quiet: bool = False,
    unfinished: bool = False,
    **_options: object,
) -> None:
    """Each diagnostic with the line it points at and a caret under the column (colour on a terminal)."""

    def style(text: str, fg: str | None = None, bold: bool | None = None) -> str:
        return click.style(text, fg=fg, bold=bold) if color else text

    for d in diagnostics:
        header = (
            f"{style(one_line(d.path), bold=True)}:{d.line}:{d.column}: "
            f"{style(d.code, fg=SEVERITY_COLOURS[d.severity.value], bold=True)} {one_line(d.message)}"
        )
        stream.write(header + "\n")
        line = _source_line(source(d.path), d.line)
        if line is not None:
            gutter = f"{d.line:>5} | "
            width = max(1, (d.end_column - d.column) if d.end_line == d.line and d.end_column else 1)
            width = min(width, max(1, len(line) - d.column + 1))
            stream.write(style(gutter, fg="blue") + one_line(line) + "\n")
            stream.write(
                " " * (len(gutter) - 2)
                + style("| ", fg="blue")
                + " " * _display_offset(line, d.column)
                + style("^" * width, fg=SEVERITY_COLOURS[d.severity.value], bold=True)
                + "\n"
            )
        if d.fix is not None:
            stream.write(f"      = fix ({d.fix.applicability.value}): {one_line(d.fix.description)}\n")
        stream.write("\n")
    if not quiet:
        stream.write(summary(diagnostics, files, unfinished) + "\n")


def _source_line(text: str | None, line: int) -> str | None:
    if text is None:
        return None
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    shown = lines[line - 1].rstrip("\r")
    return shown if len(shown) <= 400 else None  # a huge line is no help on a terminal


def _display_offset(line: str, column: int) -> int:
    # Tabs and escapes are shown one-for-one by `one_line`, so the caret lines up with the printed text.
    return len(one_line(line[: column - 1]))


# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC and CSI start escape sequences
# that can recolour, retitle or clear the terminal), line separators, and bidirectional controls that
# reorder what is shown. Document text and file names reach messages, so each is shown as an escape.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_SHORT = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}


def one_line(text: str) -> str:
    """`text` on one line, with nothing a terminal would act on."""
    return _UNSAFE.sub(lambda m: _SHORT.get(m.group(), f"\\u{ord(m.group()):04x}"), text)


def summary(diagnostics: list[Diagnostic], files: int, unfinished: bool = False) -> str:
    """The closing line. `unfinished`: the run could not do everything (an internal error, a fix that could
    not be written): it never says that all checks passed. Fixes are counted as `seedlint fix` applies them:
    the safe ones, then those it applies only with `--unsafe-fixes`."""
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if not diagnostics:
        if unfinished:
            return f"No problems reported ({checked}), but the run did not finish (see the `seedlint:` messages)."
        return f"All checks passed ({checked})."
    counts = Counter(d.severity.value for d in diagnostics)
    safe = sum(
        d.fix is not None and bool(d.fix.edits) and d.fix.applicability is Applicability.SAFE for d in diagnostics
    )
    unsafe = sum(
        d.fix is not None and bool(d.fix.edits) and d.fix.applicability is Applicability.UNSAFE for d in diagnostics
    )
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s]]
    text = f"Found {len(diagnostics)} problem{'s' if len(diagnostics) != 1 else ''} ({', '.join(parts)}) in {checked}."
    if safe:
        text += f" {safe} fixable with `seedlint fix`"
        text += f" ({unsafe} more with `--unsafe-fixes`)." if unsafe else "."
    elif unsafe:
        text += f" {unsafe} fixable with `seedlint fix --unsafe-fixes`."
    if unfinished:
        text += " The run did not finish (see the `seedlint:` messages)."
    return text


def statistics(diagnostics: list[Diagnostic], stream: TextIO) -> None:
    """Counts per rule, most frequent first; `[*]` marks rules with fixes."""
    counts = Counter(d.code for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    fixable = {d.code for d in diagnostics if d.fixable}
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        stream.write(f"{count:>6}  {code}  {'[*]' if code in fixable else '   '} {names[code]}\n")
