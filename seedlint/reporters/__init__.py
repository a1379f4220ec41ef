"""Reporters: turn a run's diagnostics into text for people or machines. Each takes the diagnostics and
a stream; none checks anything. `REPORTERS` maps `--output-format` names to them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TextIO

from seedlint.diagnostic import Diagnostic
from seedlint.reporters import machine, text


class Reporter(Protocol):
    """What every reporter accepts (each takes the keywords it uses, and ignores the others)."""

    def __call__(
        self,
        diagnostics: list[Diagnostic],
        stream: TextIO,
        /,
        *,
        files: int,
        paths: Sequence[str],  # the documents checked, in the run's order
        source: Callable[[str], str | None],
        color: bool,
        quiet: bool,
        unfinished: bool,
        elsewhere: text.Elsewhere,
    ) -> None: ...


REPORTERS: dict[str, Reporter] = {
    "full": text.full,
    "concise": text.concise,
    "json": machine.json_array,
    "json-lines": machine.json_lines,
    "github": machine.github,
    "sarif": machine.sarif,
    "junit": machine.junit,
    "gitlab": machine.gitlab,
}
