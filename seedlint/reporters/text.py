"""Reporters for people: `concise` (one line each) and `full` (with the source line and a caret)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TextIO, TypeAlias

import click

from seedlint import invisible
from seedlint.diagnostic import Applicability, Diagnostic
from seedlint.escaping import inert

SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}
# Of a run's findings, those in documents it was not given (a partial run's cross-document findings: a
# document naming a given one, an entry that no longer resolves), and how many such documents hold them.
Elsewhere: TypeAlias = tuple[int, int]


def count_elsewhere(diagnostics: list[Diagnostic], checked: Iterable[str]) -> Elsewhere:
    """`Elsewhere` of the findings of a run that checked the documents `checked` (display paths)."""
    outside = {d.path for d in diagnostics}.difference(checked)
    if not outside:
        return (0, 0)
    return (sum(d.path in outside for d in diagnostics), len(outside))


def concise(
    diagnostics: list[Diagnostic],
    stream: TextIO,
    *,
    files: int,
    quiet: bool = False,
    unfinished: bool = False,
    elsewhere: Elsewhere = (0, 0),
    **_options: object,
) -> None:
    """`path:line:col: CODE message`, one line each, then a summary line."""
    for d in diagnostics:
        stream.write(f"{inert(d.path)}:{d.line}:{d.column}: {d.code} {inert(d.message)}\n")
    if not quiet:
        stream.write(summary(diagnostics, files, unfinished, elsewhere) + "\n")


def full(
    diagnostics: list[Diagnostic],
    stream: TextIO,
    *,
    files: int,
    source: Callable[[str], str | None] = lambda path: None,
    color: bool = False,
    quiet: bool = False,
    unfinished: bool = False,
    elsewhere: Elsewhere = (0, 0),
    **_options: object,
) -> None:
    """Each diagnostic with the line it points at and a caret under the column (colour on a terminal)."""

    def style(text: str, fg: str | None = None, bold: bool | None = None) -> str:
        return click.style(text, fg=fg, bold=bold) if color else text

    for d in diagnostics:
        header = (
            f"{style(inert(d.path), bold=True)}:{d.line}:{d.column}: "
            f"{style(d.code, fg=SEVERITY_COLOURS[d.severity.value], bold=True)} {inert(d.message)}"
        )
        stream.write(header + "\n")
        line = _source_line(source(d.path), d.line)
        if line is not None:
            gutter = f"{d.line:>5} | "
            width = max(1, (d.end_column - d.column) if d.end_line == d.line and d.end_column else 1)
            shown, column, width = _spelled(*_window(line, d.column, min(width, max(1, len(line) - d.column + 1))))
            stream.write(style(gutter, fg="blue") + inert(shown) + "\n")
            stream.write(
                " " * (len(gutter) - 2)
                + style("| ", fg="blue")
                + " " * _display_offset(shown, column)
                + style(
                    # (at least one: a finding at the line's end, or on a character of no width such as a BOM)
                    "^" * max(1, _columns(inert(shown[column - 1 : column - 1 + width]))),
                    fg=SEVERITY_COLOURS[d.severity.value],
                    bold=True,
                )
                + "\n"
            )
        if d.fix is not None:
            stream.write(f"      = fix ({d.fix.applicability.value}): {inert(d.fix.description)}\n")
        stream.write("\n")
    if not quiet:
        stream.write(summary(diagnostics, files, unfinished, elsewhere) + "\n")


WINDOW = 100  # characters of a source line shown around the column; longer lines are cut with "…"
BEFORE = 30  # of which before the column


def _window(line: str, column: int, width: int) -> tuple[str, int, int]:
    """(the part of `line` shown, the column in it, the caret's width): a long line is cut around the
    column, and the caret under a long value stops where the shown part ends."""
    if len(line) <= WINDOW:
        return line, column, width
    start = max(0, min(column - 1 - BEFORE, len(line) - WINDOW))
    end = start + WINDOW
    shown = ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")
    column = column - start + (1 if start else 0)
    return shown, column, max(1, min(width, WINDOW - (column - (2 if start else 1))))


def _spelled(line: str, column: int, width: int) -> tuple[str, int, int]:
    """(the line, the column in it, the caret's width) with the invisible characters that hide something (those
    SL405 reports: a zero-width space, a BOM inside text) spelled as escapes: a caret under nothing would point
    at nothing."""
    hidden = invisible.hiding(line)
    if not hidden:
        return line, column, width
    pieces = list(line)
    for index in hidden:
        code = ord(line[index])
        pieces[index] = f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    start = column - 1
    return "".join(pieces), len("".join(pieces[:start])) + 1, max(1, len("".join(pieces[start : start + width])))


def _source_line(text: str | None, line: int) -> str | None:
    if text is None:
        return None
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    shown = lines[line - 1].rstrip("\r")
    return shown if len(shown) <= 400 else None  # a huge line is no help on a terminal


def _display_offset(line: str, column: int) -> int:
    # The text before the column escaped as the line is shown, so that the caret lines up with it.
    return _columns(inert(line[: column - 1]))


def _columns(text: str) -> int:
    """How many terminal columns `text` takes: two for a wide character (CJK, most emoji), none for a combining
    mark or a format character, one for the others."""
    return sum(
        0
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(char) in ("W", "F")
        else 1
        for char in text
    )


def summary(diagnostics: list[Diagnostic], files: int, unfinished: bool = False, elsewhere: Elsewhere = (0, 0)) -> str:
    """The closing line. `unfinished`: the run could not do everything (an internal error, a fix that could
    not be written): it never says that all checks passed. Fixes are counted as `seedlint fix` applies them:
    the safe ones, then those it applies only with `--unsafe-fixes`. `elsewhere`: of the findings, those in
    documents the run was not given, and in how many (see `count_elsewhere`)."""
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if not diagnostics:
        if unfinished:
            return f"No problems reported ({checked}), but the run did not finish (see the `seedlint:` messages)."
        return f"All checks passed ({checked})."
    counts = Counter(d.severity.value for d in diagnostics)
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s]]
    text = f"Found {len(diagnostics)} problem{'s' if len(diagnostics) != 1 else ''} ({', '.join(parts)}) in {checked}"
    found, documents = elsewhere
    if found:
        shown = f"{documents} other document{'s' if documents != 1 else ''}"
        text += f", {found} of them in {shown} of the corpus (cross-document rules)"
    text += "." + fixable(diagnostics)
    if unfinished:
        text += " The run did not finish (see the `seedlint:` messages)."
    return text


def fixable(diagnostics: Iterable[Diagnostic], command: str = "seedlint fix") -> str:
    """The sentence that counts the findings `command` repairs (" N fixable with `seedlint fix` (M more with
    `--unsafe-fixes`)."), or "" when it repairs none."""
    safe, unsafe = fix_counts(diagnostics)
    if safe:
        return f" {safe} fixable with `{command}`" + (f" ({unsafe} more with `--unsafe-fixes`)." if unsafe else ".")
    return f" {unsafe} fixable with `{command} --unsafe-fixes`." if unsafe else ""


def fix_counts(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    """The findings `seedlint fix` repairs, and those it repairs only with `--unsafe-fixes` (a fix without
    edits repairs nothing). Also the counts of `seedlint report`."""
    safe = unsafe = 0
    for d in diagnostics:
        if d.fix is not None and d.fix.edits:
            safe += d.fix.applicability is Applicability.SAFE
            unsafe += d.fix.applicability is Applicability.UNSAFE
    return safe, unsafe


def statistics(
    diagnostics: list[Diagnostic], stream: TextIO, *, files: int, quiet: bool = False, elsewhere: Elsewhere = (0, 0)
) -> None:
    """Counts per rule, most frequent first, with the rule's severity; `[*]` marks rules with findings that
    `seedlint fix` repairs, `[-]` those repaired only with `--unsafe-fixes` (as ruff marks them); then the run's
    summary line."""
    rows = rule_statistics(diagnostics)
    width = max((len(str(row["name"])) for row in rows), default=0)
    for row in rows:
        mark = "[*]" if row["fixable"] else "[-]" if row["unsafe_fixable"] else "   "
        name = inert(str(row["name"]))
        stream.write(f"{row['count']:>6}  {row['code']}  {mark} {name:<{width}}  {row['severity']}\n")
    if not quiet:
        stream.write(summary(diagnostics, files, elsewhere=elsewhere) + "\n")


def rule_statistics(diagnostics: list[Diagnostic]) -> list[dict[str, str | int]]:
    """Per rule (most frequent first): code, name, severity (as reported), count, how many `seedlint fix` repairs
    (`fixable`) and how many it repairs only with `--unsafe-fixes` (`unsafe_fixable`), counted as the summary
    line and `seedlint report` count them (fix_counts)."""
    counts = Counter(d.code for d in diagnostics)
    first: dict[str, Diagnostic] = {}
    by_code: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        first.setdefault(d.code, d)
        by_code.setdefault(d.code, []).append(d)
    fixes = {code: fix_counts(found) for code, found in by_code.items()}
    return [
        {
            "code": code,
            "name": first[code].name,
            "severity": first[code].severity.value,
            "count": count,
            "fixable": fixes[code][0],
            "unsafe_fixable": fixes[code][1],
        }
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
