"""The addresses of one host within two edits of a query (SL503's near misses), found without comparing the
query with every address: a host of a large site has tens of thousands, and comparing each unresolved entry
with all of them made a run quadratic.

The beginning all the host's addresses share (`example.com/en-us/blog/`) is set apart; what follows it, the
rest, is indexed in one of two ways, by its length:

- A long rest is cut into four pieces. Two edits leave at least two of them whole, each within two characters
  of where it was, so of any three pieces a near address shares at least one with the query there: the three
  shortest of the four piece lists the query hits are read.
- A short rest (SHORT characters or fewer: an article number, `article-1234`) has pieces of one character,
  which nearly every address shares. It is indexed by every text left after deleting one or two of its
  characters instead: two texts within k edits become one text after at most k deletions from each (an edit
  is a deletion on one side, or on both), so a near address shares one with the query.

Only the addresses found so are compared, by rapidfuzz's Levenshtein distance with a cutoff (in C; linear in
the length for so few edits). Where the addresses are dense (numbered articles), those one edit away are
sought first, and those two away only when there are none: the nearest is what is reported.
"""

from __future__ import annotations

import bisect
import functools
import os
from array import array
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

Handle = TypeVar("Handle")

EDITS = 2
PIECES = 4
SHORT = 7  # rests up to this long are indexed by deletions (at 8, a piece has two characters)


class NearIndex(Generic[Handle]):
    """One host's addresses (`entries`: address and what it stands for), indexed as above."""

    def __init__(self, entries: list[tuple[str, Handle]]):
        self.aliases = [alias for alias, _ in entries]
        self.handles = [handle for _, handle in entries]
        # (character by character, as wanted: the addresses are not file paths)
        self.prefix = os.path.commonprefix(self.aliases) if self.aliases else ""  # noqa: RUF071
        cut = len(self.prefix)
        self.lengths = {len(alias) - cut for alias in self.aliases}  # of the rests
        pieces: list[int] = []
        deleted_once: list[int] = []  # (and the rests themselves)
        deleted_twice: list[int] = []
        for number, alias in enumerate(self.aliases):
            rest = alias[cut:]
            size = len(rest)
            if size <= SHORT:
                once = _deletions(rest)
                deleted_once.extend(_posting(hash(text), number) for text in {rest, *once})
                deleted_twice.extend(_posting(hash(text), number) for text in _shorter(once))
            else:
                pieces.extend(
                    _posting(hash((size, piece, rest[start : start + length])), number)
                    for piece, (start, length) in enumerate(_pieces(size))
                )
        self.pieces = _Postings(pieces)
        self.deleted_once = _Postings(deleted_once)
        self.deleted_twice = _Postings(deleted_twice)

    def nearest(self, query: str, keep: Callable[[int], bool] | None = None) -> list[tuple[int, int]]:
        """(distance, number) of the indexed addresses nearest to `query`, at most EDITS edits from it
        (`number`: its place in `aliases` and `handles`), among those `keep` keeps. Among short rests, those
        one edit away are sought first: where addresses are dense, two edits reach a good part of a site."""

        def kept(matches: list[tuple[int, int]]) -> list[tuple[int, int]]:
            return matches if keep is None else [(distance, number) for distance, number in matches if keep(number)]

        short = len(query) - len(self.prefix) - EDITS <= SHORT  # (short rests may be near)
        matches = kept(self._matches(query, self._candidates(query, EDITS, deletions=1 if short else EDITS), EDITS))
        if short and not any(distance <= 1 for distance, _ in matches):
            matches = kept(self.within(query))
        best = min((distance for distance, _ in matches), default=None)
        return [(distance, number) for distance, number in matches if distance == best]

    def within(self, query: str, edits: int = EDITS) -> list[tuple[int, int]]:
        """(distance, number) of every indexed address at most `edits` (≤ EDITS) edits from `query`."""
        return self._matches(query, self._candidates(query, edits, deletions=edits), edits)

    def _matches(self, query: str, candidates: set[int], edits: int) -> list[tuple[int, int]]:
        matches = []
        levenshtein = _levenshtein()
        for number in candidates:
            distance = levenshtein(query, self.aliases[number], score_cutoff=edits)
            if distance <= edits:
                matches.append((distance, number))
        return matches

    def _candidates(self, query: str, edits: int, deletions: int) -> set[int]:
        """The addresses that may be within `edits` edits of `query` (those with a long rest), or within
        `deletions` (≤ `edits`) edits (those with a short rest)."""
        assert 0 <= deletions <= edits <= EDITS
        cut = len(self.prefix)
        # Where the query's rest may start, with the edits its beginning leaves for it.
        left: dict[int, int] = {}
        levenshtein = _levenshtein()
        for at in range(max(0, cut - edits), min(len(query), cut + edits) + 1):
            spent = levenshtein(query[:at], self.prefix, score_cutoff=edits)
            if spent <= edits:
                left[at] = edits - spent
        found: set[int] = set()
        if not left:
            return found
        size = len(query) - cut
        if size - deletions <= SHORT:
            for at, budget in left.items():
                budget -= edits - deletions
                for text in _variants(query[at:], budget) if budget >= 0 else ():
                    found.update(self.deleted_once.hits(hash(text)))
                    if budget == 2:
                        found.update(self.deleted_twice.hits(hash(text)))
        for length in range(max(SHORT + 1, size - edits), size + edits + 1):
            if length in self.lengths:
                found.update(self._sharing_a_piece(query, length, edits))
        return found

    def _sharing_a_piece(self, query: str, length: int, edits: int) -> Iterable[int]:
        """The addresses whose rest has `length` characters and may be within `edits` edits of `query`: those
        sharing a piece with it where the piece is in them, moved by what the edits insert or delete before it:
        i insertions and d deletions with i - d the query's extra length and i + d ≤ `edits` move it at most d
        characters back, i forward."""
        extra = len(query) - len(self.prefix) - length
        back, forward = (edits - extra) // 2, (edits + extra) // 2
        lists = []
        for piece, (start, piece_length) in enumerate(_pieces(length)):
            first = len(self.prefix) + start
            shifts = range(max(0, first - back), min(len(query) - piece_length, first + forward) + 1)
            hits = [self.pieces.hits(hash((length, piece, query[at : at + piece_length]))) for at in shifts]
            lists.append((sum(map(len, hits)), hits))
        lists.sort(key=lambda item: item[0])
        for _, hits in lists[: edits + 1]:
            for numbers in hits:
                yield from numbers


class _Postings:
    """Numbers listed under 64-bit keys, as two sorted arrays: 16 bytes a number, no object per key (a host
    of 100,000 addresses has 400,000 pieces)."""

    def __init__(self, postings: list[int]):
        postings.sort()  # (as integers: at C speed, by key then number)
        self.keys = array("q", [posting >> _NUMBER_BITS for posting in postings])
        self.numbers = array("q", [posting & _NUMBER_MASK for posting in postings])

    def hits(self, key: int) -> array[int]:
        keys = self.keys
        start = bisect.bisect_left(keys, key)
        if start == len(keys) or keys[start] != key:  # (most keys a query has are not listed)
            return _NONE
        return self.numbers[start : bisect.bisect_right(keys, key, start)]


_NONE = array("q")
_NUMBER_BITS = 32
_NUMBER_MASK = (1 << _NUMBER_BITS) - 1


def _posting(key: int, number: int) -> int:
    """A key and a number as one integer that sorts by key, then number (a hash is a signed 64-bit integer)."""
    return (key << _NUMBER_BITS) | number


def _deletions(text: str) -> set[str]:
    return {text[:at] + text[at + 1 :] for at in range(len(text))}


def _shorter(texts: set[str]) -> set[str]:
    """Every text left after deleting one character of one of `texts`."""
    return {shorter for text in texts for shorter in _deletions(text)}


def _variants(text: str, deletions: int) -> set[str]:
    """`text` and every text left after deleting up to `deletions` (≤ 2) of its characters."""
    if deletions == 0:
        return {text}
    once = _deletions(text)
    return {text, *once} if deletions == 1 else {text, *once, *_shorter(once)}


@functools.lru_cache(maxsize=4096)
def _pieces(length: int) -> tuple[tuple[int, int], ...]:
    """(start, length) of the PIECES pieces a rest of `length` characters is cut into: as even as can be, the
    longer ones last."""
    base, longer = divmod(length, PIECES)
    sizes = [base] * (PIECES - longer) + [base + 1] * longer
    starts = [sum(sizes[:index]) for index in range(PIECES)]
    return tuple(zip(starts, sizes, strict=True))


def _levenshtein() -> Callable[..., int]:
    """rapidfuzz's Levenshtein distance, loaded when first needed (a run with no entry to search for loads none)."""
    from rapidfuzz.distance import Levenshtein

    distance: Callable[..., int] = Levenshtein.distance
    return distance
