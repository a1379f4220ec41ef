"""The one central value: a diagnostic, with its position and optional fix.

Rules produce diagnostics; the engine filters them; reporters and the fixer consume them.
"""

from __future__ import annotations

import dataclasses
import enum
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Self, TypeAlias, TypedDict


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Applicability(str, enum.Enum):
    """How far a fix can be trusted (ruff's terms)."""

    SAFE = "safe"  # keeps the meaning; applied by `seedlint fix`
    UNSAFE = "unsafe"  # may change meaning; applied only with --unsafe-fixes


class FastPickle:
    """For slotted dataclasses that are pickled by the hundred thousand (worker results, the cache):
    the dataclass default reads its fields' metadata for every object, which made pickling the cache
    of a 100,000-document corpus take longer than checking it. A tuple of the field values is enough."""

    __slots__: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[Callable[..., Self], tuple[object, ...]]:
        return (type(self), tuple(getattr(self, name) for name in self.__slots__))


@dataclass(frozen=True, slots=True)
class Span(FastPickle):
    """A region of a file: 1-based line and column, 0-based character offsets into the decoded text."""

    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Edit(FastPickle):
    """Replace text[start:end] (character offsets into the decoded file text) with `content`."""

    start: int
    end: int
    content: str


@dataclass(frozen=True, slots=True)
class Fix(FastPickle):
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    description: str = ""

    @classmethod
    def replace(cls, start: int, end: int, content: str, *, safe: bool = True, description: str = "") -> Fix:
        applicability = Applicability.SAFE if safe else Applicability.UNSAFE
        return cls((Edit(start, end, content),), applicability, description)


# A diagnostic as plain data (see Diagnostic.to_plain): its fix as (edits as (start, end, content),
# applicability, description).
PlainFix: TypeAlias = tuple[tuple[tuple[int, int, str], ...], str, str]
PlainDiagnostic: TypeAlias = tuple[
    str, int, int, str, str, str, int | None, int | None, PlainFix | None, str, dict[str, object], str, str
]


class EditDict(TypedDict):
    start: int
    end: int
    content: str


class FixDict(TypedDict):
    applicability: str
    description: str
    edits: list[EditDict]


class DiagnosticDict(TypedDict):
    """Diagnostic.to_dict(): the JSON form of a diagnostic."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    severity: str
    message: str
    fixable: bool
    fix: FixDict | None


@dataclass(slots=True)
class Diagnostic(FastPickle):
    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    end_line: int | None = None
    end_column: int | None = None
    fix: Fix | None = None
    name: str = ""  # the rule's kebab-case name, filled from the registry
    extra: dict[str, object] = field(default_factory=dict)
    # What identifies the finding whatever the line (seedlint/locus.py, set where the diagnostic is made, when
    # the document is at hand): the value's field path (`related[https://…].title`, `topics[]`, "" for the
    # file) and a digest of the offending text. A baseline and a comparison with a revision match on them.
    locus: str = ""
    text_key: str = ""

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def to_plain(self) -> PlainDiagnostic:
        """Plain data (marshal can store it: a 100,000-document report loads several times faster)."""
        fix = self.fix
        plain_fix = (
            None
            if fix is None
            else (tuple((e.start, e.end, e.content) for e in fix.edits), fix.applicability.value, fix.description)
        )
        return (
            self.path,
            self.line,
            self.column,
            self.code,
            self.severity.value,
            self.message,
            self.end_line,
            self.end_column,
            plain_fix,
            self.name,
            self.extra,
            self.locus,
            self.text_key,
        )

    @classmethod
    def from_plain(cls, plain: PlainDiagnostic) -> Diagnostic:
        path, line, column, code, severity, message, end_line, end_column, plain_fix, name, extra, *keys = plain
        fix = None
        if plain_fix is not None:
            fix = Fix(tuple(Edit(*edit) for edit in plain_fix[0]), Applicability(plain_fix[1]), plain_fix[2])
        return cls(path, line, column, code, Severity(severity), message, end_line, end_column, fix, name, extra, *keys)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def to_dict(self) -> DiagnosticDict:
        """The JSON form every machine-readable reporter derives from."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line if self.end_line is not None else self.line,
            "end_column": self.end_column if self.end_column is not None else self.column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "fixable": self.fixable,
            "fix": None
            if self.fix is None
            else {
                "applicability": self.fix.applicability.value,
                "description": self.fix.description,
                "edits": [{"start": e.start, "end": e.end, "content": e.content} for e in self.fix.edits],
            },
        }


# The most findings of one rule reported in one file. The real corpora have at most 18 (SL504 in an ai-news
# document); a hostile file can have hundreds of thousands (one duplicate key per line), each of which would
# be positioned, cached, suppressed, sorted and printed.
MAX_PER_RULE_AND_FILE = 100


def cap_repeated(diagnostics: list[Diagnostic], limit: int = MAX_PER_RULE_AND_FILE) -> list[Diagnostic]:
    """At most `limit` diagnostics of one code per file (the first ones in the file), then one that says how
    many more there are (at the first one left out, without a fix)."""
    counts = Counter((d.path, d.code) for d in diagnostics)
    if not counts or max(counts.values()) <= limit:
        return diagnostics
    kept: list[Diagnostic] = []
    over: dict[tuple[str, str], list[Diagnostic]] = {}
    for d in diagnostics:
        if counts[(d.path, d.code)] > limit:
            over.setdefault((d.path, d.code), []).append(d)
        else:
            kept.append(d)
    for found in over.values():
        # A rule may have counted its own flood already (see `left_out`): those notes add to the count.
        noted = sum(count for d in found if isinstance(count := d.extra.get(LEFT_OUT, 0), int))
        shown = sorted((d for d in found if LEFT_OUT not in d.extra), key=Diagnostic.sort_key)
        kept.extend(shown[:limit])
        first = shown[limit] if len(shown) > limit else next(d for d in found if LEFT_OUT in d.extra)
        kept.append(left_out(first, max(0, len(shown) - limit) + noted, limit))
    return kept


LEFT_OUT = "left_out"  # in a note's `extra`: how many findings it stands for


def left_out(first: Diagnostic, more: int, limit: int = MAX_PER_RULE_AND_FILE) -> Diagnostic:
    """The one diagnostic standing for `more` findings of `first`'s rule not shown (at `first`, no fix)."""
    return dataclasses.replace(
        first,
        message=f"{more:,} more {first.code} {first.name} finding{'s' if more != 1 else ''} in this file "
        f"{'are' if more != 1 else 'is'} not shown (at most {limit} per rule and file)",
        fix=None,
        extra={LEFT_OUT: more},
    )
