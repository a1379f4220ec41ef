"""Answers remembered per worker process for values that recur across a corpus.

A `related:` list copies other articles, so the same entries, titles and excerpts recur thousands of times
(a 100,000-document corpus holds about 1.3 million entries naming 100,000 documents). Rules that found such
a value clean once need not check it again. The memo keeps a 16-byte digest of each value, not the value (a
copy with its excerpt is kilobytes: remembering 100,000 of them whole cost a worker 300 MB), and forgets
everything when full, so a worker's memory stays bounded on any corpus.
"""

from __future__ import annotations

import hashlib


def digest(value: object) -> bytes:
    """16 bytes that name plain data from the safe loader (its repr is exact and deterministic)."""
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Memo:
    """Answers keyed by `digest`s (a document computes its related entries' once: Document.entry_keys)."""

    def __init__(self, limit: int = 400_000):
        self.limit = limit
        self._answers: dict[bytes, object] = {}

    def get(self, key: bytes, default=None):
        return self._answers.get(key, default)

    def __contains__(self, key: bytes) -> bool:
        return key in self._answers

    def put(self, key: bytes, answer: object = True) -> None:
        if len(self._answers) >= self.limit:
            self._answers.clear()
        self._answers[key] = answer
