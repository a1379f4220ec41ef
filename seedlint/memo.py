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


class Answers:
    """The table behind one or more memos: each key's flags, two bits per memo (known, and the answer). Memos keyed
    by the same digests (a document's related entries', Document.entry_keys) share one: a worker then holds one
    table where it held one per memo (at a million documents, where the memos fill, a table of 400,000 keys is
    21 MB). Full, it forgets everything, for every memo, and starts again. At most `MEMOS` memos share a table:
    their flags stay under 256, integers Python keeps one object of each (a table's memos never leave it, and the
    language server makes a schema's memo anew whenever the schema changes: past a table's fourth memo, each new one
    has a table of its own).
    """

    MEMOS = 4

    def __init__(self, limit: int = 400_000):
        self.limit = limit
        self.flags: dict[Key, int] = {}
        self.memos = 0  # (how many memos hold bits of it)


class Memo:
    """Answers keyed by `digest`s, or by the text itself when it is short (an address). `shared`: the table of
    other memos keyed alike (see `Answers`), unless `Answers.MEMOS` share it already; else one of its own holding
    `limit` keys."""

    def __init__(self, limit: int = 400_000, shared: Answers | None = None):
        self.table = shared if shared is not None and shared.memos < Answers.MEMOS else Answers(limit)
        self._known = 1 << (2 * self.table.memos)
        self._true = self._known << 1
        self.table.memos += 1

    def get(self, key: Key, default: bool | None = None) -> bool | None:
        flags = self.table.flags.get(key, 0)
        return bool(flags & self._true) if flags & self._known else default

    def __contains__(self, key: Key) -> bool:
        return bool(self.table.flags.get(key, 0) & self._known)

    def findings(
        self, key: Key | None, find: Callable[[*Arguments], Iterable[Diagnostic]], *arguments: *Arguments
    ) -> list[Diagnostic]:
        """What `find(*arguments)` reports about a value, or nothing when the value under `key` was found
        clean before (a key of None: nothing is remembered)."""
        if key is not None and self.table.flags.get(key, 0) & self._known:
            return []
        found = list(find(*arguments))
        if key is not None and not found:
            self.put(key)
        return found

    def put(self, key: Key, answer: bool = True) -> None:
        flags = self.table.flags
        before = flags.get(key)
        if before is None:
            if len(flags) >= self.table.limit:
                flags.clear()
            before = 0
        flags[key] = (before & ~self._true) | self._known | (self._true if answer else 0)


# The memos of the rules that look at a related entry whole, keyed by its digest (see `Answers`): the URL and
# encoding rules', and the first schema's a process checks entries with (schema.FastCheck).
ENTRY_ANSWERS = Answers()
