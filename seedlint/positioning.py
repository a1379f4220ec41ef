"""Corpus findings positioned in their documents.

A cross-document rule decides from the index records alone what it reports; where the record holds no position
for the value (a related entry's title, excerpt or date), the finding waits as data (`Wanted`) until the rules are
done, and is then made a diagnostic where its document is parsed: in this process, or in the worker processes
when many documents need it (engine.placer). Parsing them one after another in the main process was most of a run
after many titles changed (250 of azure-news retitled: 20 of 30 s, see README "Corpus findings").
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from seedlint.diagnostic import Diagnostic, Fix
from seedlint.document import Document
from seedlint.edits import replace_value
from seedlint.registry import RULES
from seedlint.yamltree import FieldPath

Load = Callable[[str], Document | None]


@dataclass(frozen=True, slots=True)
class SetValue:
    """A fix that sets the string at the finding's own place to `value` (`edits.replace_value`), made from
    the recorded anchor when there is one, else from the document."""

    value: str
    safe: bool = True
    description: str = ""


class Composed(Protocol):
    """A finding's message and fix, made from its parsed document: plain data with a method, so that it can be
    made in a worker process (see rules/related.py's stale copies)."""

    @property
    def reads(self) -> tuple[str, ...]:
        """The other documents `compose` loads (shipped to the worker with the document)."""
        ...

    def compose(self, doc: Document, load: Load) -> tuple[str, Fix | None]: ...


@dataclass(frozen=True, slots=True)
class Wanted:
    """A finding of rule `code` at `where` in document `path`, to be positioned there (see Corpus.report)."""

    path: str
    code: str
    where: FieldPath
    key: bool
    message: str | Composed
    fix: SetValue | None

    @property
    def reads(self) -> tuple[str, ...]:
        return () if isinstance(self.message, str) else self.message.reads


Placed = list[Diagnostic | None]  # per wanted finding of a document; None where the document could not be read
# Each document's wanted findings → each one positioned, and the internal errors met; None: positioned here instead.
Placer = Callable[[dict[str, list[Wanted]]], tuple[dict[str, Placed], list[str]] | None]


def place_in(path: str, wanted: list[Wanted], load: Load) -> tuple[Placed, str | None]:
    """The findings `wanted` in document `path`, positioned; a finding that raises is an internal error (a bug),
    and the document's other findings are still made."""
    doc = load(path)
    if doc is None:
        return [None] * len(wanted), None
    placed: Placed = []
    error = None
    for one in wanted:
        try:
            placed.append(_made(one, doc, load))
        except Exception:
            placed.append(None)
            error = error or f"{path}: internal error while positioning a corpus finding:\n{traceback.format_exc()}"
    return placed, error


def place_here(groups: dict[str, list[Wanted]], load: Load) -> tuple[dict[str, Placed], list[str]]:
    """Every document's findings positioned in this process, one document after another."""
    placed: dict[str, Placed] = {}
    errors: list[str] = []
    for path, wanted in groups.items():
        placed[path], error = place_in(path, wanted, load)
        if error is not None:
            errors.append(error)
    return placed, errors


def _made(wanted: Wanted, doc: Document, load: Load) -> Diagnostic:
    rule = RULES[wanted.code]
    fix: Fix | None = None
    if isinstance(wanted.message, str):
        message = wanted.message
        if wanted.fix is not None:
            value = wanted.fix
            fix = replace_value(doc, wanted.where, value.value, safe=value.safe, description=value.description)
    else:
        message, fix = wanted.message.compose(doc, load)
    return rule.at(doc, wanted.where, message, key=wanted.key, fix=fix)
