"""Answers remembered per worker process for values that recur across a corpus.

A `related:` list copies other articles, so the same entries, titles and excerpts recur thousands of times
(a 100,000-document corpus holds about 1.3 million entries naming 100,000 documents). Rules that found such
a value clean once need not check it again. The memo keeps a 16-byte digest of each value, not the value (a
copy with its excerpt is kilobytes: remembering 100,000 of them whole cost a worker 300 MB), and forgets
everything when full, so a worker's memory stays bounded on any corpus.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVarTuple

if TYPE_CHECKING:
    from seedlint.diagnostic import Diagnostic

Arguments = TypeVarTuple("Arguments")


def digest(value: object, size: int = 16) -> bytes:
    """`size` bytes that name plain data from the safe loader (its repr is exact and deterministic), the
    same in every process and run (unlike hash())."""
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=size).digest()


Key = bytes | str  # a `digest` (a document computes its related entries' once: Document.entry_keys), or a short text


class Memo:
    """Answers keyed by `digest`s, or by the text itself when it is short (an address)."""

    def __init__(self, limit: int = 400_000):
        self.limit = limit
        self._answers: dict[Key, bool] = {}

    def get(self, key: Key, default: bool | None = None) -> bool | None:
        return self._answers.get(key, default)

    def __contains__(self, key: Key) -> bool:
        return key in self._answers

    def findings(
        self, key: Key | None, find: Callable[[*Arguments], Iterable[Diagnostic]], *arguments: *Arguments
    ) -> list[Diagnostic]:
        """What `find(*arguments)` reports about a value, or nothing when the value under `key` was found
        clean before (a key of None: nothing is remembered)."""
        if key is not None and key in self._answers:
            return []
        found = list(find(*arguments))
        if key is not None and not found:
            self.put(key)
        return found

    def put(self, key: Key, answer: bool = True) -> None:
        if len(self._answers) >= self.limit:
            self._answers.clear()
        self._answers[key] = answer
