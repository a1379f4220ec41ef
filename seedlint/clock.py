"""The time a run judges by: one place, so that the rules and the cache agree on what "today" is.

A finding that depends on the day (a date in the future, SL206) carries the day it was judged on in its `extra`
(`JUDGED_ON`); a remembered result or run report holding one judged on another day is not reused: as days pass
the date may no longer lie in the future, and the message names the day. (Time only moves on: a finding absent
one day cannot appear a later day for the same text, so clean results stay valid.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seedlint.diagnostic import Diagnostic

JUDGED_ON = "judged-on"  # the key of a diagnostic's `extra` naming the day (UTC, ISO) it was judged on


def now() -> datetime:
    return datetime.now(UTC)


def today() -> str:
    return now().date().isoformat()


def outdated(diagnostics: Iterable[Diagnostic], day: str | None = None) -> bool:
    """Whether any of the findings was judged on another day than `day` (default: today)."""
    judged = judged_another_day(day)
    return any(judged(d.extra) for d in diagnostics if d.extra)


def judged_another_day(day: str | None = None) -> Callable[[dict[str, object]], bool]:
    """Whether a finding's `extra` says it was judged on another day than `day` (default: today)."""
    day = day or today()
    return lambda extra: extra.get(JUDGED_ON, day) != day
