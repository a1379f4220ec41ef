"""The rule registry: one entry per rule code, the single source for the CLI, `seedlint rules`,
the README table and SARIF rule metadata.

Each rule family module (seedlint/rules/*.py) declares its rules with `define(...)` at import time; the
registry never imports them back: `seedlint.rules.all_rules()` is the complete list, once every family
is imported.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seedlint import locus
from seedlint.diagnostic import Diagnostic, Fix, Severity, Span

if TYPE_CHECKING:
    from seedlint.document import Document
    from seedlint.yamltree import FieldPath

FAMILIES = {
    "SL0": "file, bytes, YAML syntax, front-matter delimiters, duplicate keys",
    "SL1": "JSON Schema",
    "SL2": "dates",
    "SL3": "URLs",
    "SL4": "text encoding",
    "SL5": "related references and corpus",
    "SL6": "other field semantics",
}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    what: str  # what it checks
    why: str  # why it matters
    example: str  # a failing example (YAML or text)
    fix: str  # "safe", "unsafe", "sometimes" or "none", followed by an explanation

    @property
    def family(self) -> str:
        return self.code[:3]

    @property
    def fix_kind(self) -> str:
        return self.fix.split(":", 1)[0].split()[0].lower()

    def documentation(self) -> str:
        """The rule's documentation in fixed sections, as `seedlint rule CODE` prints it."""
        example = textwrap.indent(self.example.strip("\n"), "    ")
        return (
            f"{self.code} {self.name} ({self.severity.value})\n\n{self.summary}\n\n"
            f"What it does\n    {self.what}\n\nWhy is this bad?\n    {self.why}\n\n"
            f"Example\n{example}\n\nFix safety\n    {self.fix}\n"
        )

    # Building diagnostics -------------------------------------------------------------------

    def at_span(
        self,
        doc: Document,
        span: Span,
        message: str,
        fix: Fix | None = None,
        *,
        path: FieldPath | None = None,
        key: bool = False,
    ) -> Diagnostic:
        """A diagnostic at `span`, with what identifies it whatever its line (seedlint/locus.py: the field
        path, from `path` when the caller knows it, else from the span, and the offending text)."""
        where, text_key = locus.locate(doc, span, path, key)
        text = doc.text
        if fix is not None and text is not None and all(text[e.start : e.end] == e.content for e in fix.edits):
            fix = None  # (it would change nothing: not offered, nor counted as fixable)
        return self.at_known(doc.display_path, span, message, fix, where, text_key)

    def at_known(
        self, display_path: str, span: Span, message: str, fix: Fix | None, where: str, text_key: str
    ) -> Diagnostic:
        """A diagnostic whose span and locus are known without the document (recorded at the first parse:
        see corpus.Anchors)."""
        return Diagnostic(
            path=display_path,
            line=span.line,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
            code=self.code,
            name=self.name,
            severity=self.severity,
            message=message,
            fix=fix,
            locus=where,
            text_key=text_key,
        )

    def at(self, doc: Document, path: tuple, message: str, *, key: bool = False, fix: Fix | None = None) -> Diagnostic:
        """A diagnostic at the value (or, with key=True, the key) found at `path` in the front matter."""
        span = doc.key_span(path) if key else doc.value_span(path)
        return self.at_span(doc, span, message, fix, path=path, key=key)


RULES: dict[str, Rule] = {}


def define(
    code: str, name: str, severity: str, summary: str, *, what: str, why: str, example: str, fix: str = "none"
) -> Rule:
    if code in RULES:
        raise ValueError(f"rule code {code} defined twice")
    if any(rule.name == name for rule in RULES.values()):
        raise ValueError(f"rule name {name} defined twice")
    rule = Rule(code, name, Severity(severity), summary, " ".join(what.split()), " ".join(why.split()), example, fix)
    RULES[code] = rule
    return rule


def markdown_table(rules: list[Rule]) -> str:
    """The README's rule table (kept in sync by tests/test_readme.py)."""
    lines = ["| code | name | severity | fix | summary |", "|---|---|---|---|---|"]
    for rule in rules:
        lines.append(f"| {rule.code} | {rule.name} | {rule.severity.value} | {rule.fix_kind} | {rule.summary} |")
    return "\n".join(lines)


def rule_as_dict(rule: Rule) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "fix": rule.fix_kind,
        "summary": rule.summary,
        "what": rule.what,
        "why": rule.why,
        "example": rule.example,
        "fix_safety": rule.fix,
    }
