"""Answers remembered per worker process for values that recur across a corpus.

A `related:` list copies other articles, so the same entries, titles and excerpts recur thousands of times
(a 100,000-document corpus holds about 1.3 million entries naming 100,000 documents). Rules that found such
a value clean once need not check it again. The memo keeps a 16-byte digest of each value, not the value (a
copy with its excerpt is kilobytes: remembering 100,000 of them whole cost a worker 300 MB), and forgets
everything when full, so a worker's memory stays bounded on any corpus.
"""

from __future__ import annotations

import hashlib


class Memo:
    def __init__(self, limit: int = 400_000):
        self.limit = limit
        self._answers: dict[bytes, object] = {}

    @staticmethod
    def _digest(key: str) -> bytes:
        return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def get(self, key: str, default=None):
        return self._answers.get(self._digest(key), default)

    def __contains__(self, key: str) -> bool:
        return self._digest(key) in self._answers

    def put(self, key: str, answer: object = True) -> None:
        if len(self._answers) >= self.limit:
            self._answers.clear()
        self._answers[self._digest(key)] = answer
