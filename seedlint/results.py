"""What a run produces: each file's result (`Checked`, small plain data that workers return and the cache
keeps) and the run's result (`RunResult`, what reporters and the fixer consume)."""

from __future__ import annotations

import bisect
import operator
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from seedlint.corpus import NO_POSITIONED
from seedlint.diagnostic import Applicability, Diagnostic, Severity

if TYPE_CHECKING:
    from seedlint.corpus import Corpus, IndexRecord, MemoKey
    from seedlint.document import Document
    from seedlint.fixbasis import FixBasis


@dataclass(slots=True)
class Checked:
    """What checking one file yields: small plain data, picklable (workers) and cacheable."""

    path: str
    # (Sequences: a result holds the one empty tuple where it has none, not an empty list of its own: 100,000
    # results held 11 MB of empty lists. See __post_init__.)
    diagnostics: Sequence[Diagnostic]
    record: IndexRecord | None
    has_suppressions: bool  # the text mentions seedlint (any case): the suppression pass must read it
    internal_errors: Sequence[str] = ()
    # For the cache: (size, mtime_ns) taken before the file was read, and the SHA-256 of what was read.
    stat: tuple[int, int] | None = None
    digest: str = ""
    # Corpus diagnostics positioned on this content by earlier runs (see Corpus.report). Never changed in place:
    # most results share one empty mapping (100,000 empty dictionaries were 6.4 MB).
    positioned: Mapping[MemoKey, Diagnostic] = field(default_factory=lambda: NO_POSITIONED)
    # In a fix run only, never cached: what fixing the file needs from the parse that checked it.
    basis: FixBasis | None = None

    def __post_init__(self) -> None:
        if not self.diagnostics:
            self.diagnostics = ()
        if not self.internal_errors:
            self.internal_errors = ()

    @property
    def has_error(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def positioned_memos(results: Iterable[Checked]) -> dict[str, dict[MemoKey, Diagnostic]]:
    """The memos of positioned findings a Corpus is given (`positioned`): each result's that has one, copied (the
    corpus adds to them; see Corpus.settled_memo for what each result keeps after the rules)."""
    return {c.path: dict(c.positioned) for c in results if c.positioned}


def _no_document(path: str) -> Document | None:
    return None


@dataclass
class RunResult:
    paths: list[str]  # display paths of the documents checked
    # The findings: a list, or, for a run answered from its stored report, that report's parts (`Findings`),
    # made into a list when `diagnostics` is first asked for.
    found: list[Diagnostic] | Findings
    internal_errors: list[str] = field(default_factory=list)  # a bug in seedlint, not in the user's file
    document: Callable[[str], Document | None] = _no_document  # any document of the run, loaded again
    checked: list[Checked] | None = None  # every file's result, the corpus's too (engine.run's `keep_checked`)
    # Files found in the corpus folders that are no documents (no front matter): not reported on, but named.
    not_documents: list[str] = field(default_factory=list)
    corpus: Corpus | None = None  # the corpus the run resolved against (kept for the fixer's runs)
    # The token of the stored report that holds these very findings (the run wrote it, or was answered whole from
    # it: see DiskCache.revision_delta); None when there is none.
    report_token: bytes | None = None

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return listed(self.found)

    @diagnostics.setter
    def diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        self.found = diagnostics

    @property
    def findings(self) -> Findings | None:
        """The findings as the stored report's parts, when the run was answered from them."""
        return self.found if isinstance(self.found, Findings) else None


_PATH = operator.attrgetter("path")


class StoredColumns(Protocol):
    """What `Findings` reads of a stored part's diagnostics in columns (plain.StoredDiagnostics)."""

    def __len__(self) -> int: ...

    @property
    def paths(self) -> list[str]: ...

    @property
    def codes(self) -> list[str]: ...

    @property
    def severities(self) -> list[str]: ...

    def paths_with_extra(self, holds: Callable[[dict[str, object]], bool]) -> set[str]: ...

    def fixed(self) -> list[tuple[str, str, dict[str, object], Applicability]]: ...


class StoredPart(Protocol):
    """What `Findings` reads of a stored report's part (plain.ReportPart, which reads this module's types)."""

    @property
    def stored(self) -> StoredColumns: ...

    @property
    def diagnostics(self) -> list[Diagnostic]: ...


class Findings:
    """A run's findings as its stored report holds them: in parts by display path (`lows`: each part's lowest),
    each part's diagnostics made into objects only when asked for (plain.StoredDiagnostics), with the findings
    of some documents replaced (`replaced`: path → that document's findings, none for an empty list).

    A hook's two runs (the corpus now, and at the revision) that start from the same report share its parts:
    comparing them (compare.split) and counting them look at the replaced documents and at the parts' columns,
    never at the 30,000 findings of the others, whose building was a third of such a run at 100,000 documents.
    `listed` makes the list any other use needs: the parts' findings in path order, each replaced document's
    in place of its own, in the order given."""

    def __init__(
        self,
        lows: list[str],
        parts: Sequence[StoredPart],
        replaced: dict[str, list[Diagnostic]] | None = None,
        listed: list[Diagnostic] | None = None,
    ):
        self.lows, self.parts = lows, parts
        self.replaced = replaced or {}
        self._listed = listed  # (the same findings as a list: given when the run made it already, else made once)
        self._by_part: dict[int, list[str]] | None = None  # the replaced documents' paths, by part (see `of_part`)

    def replacing(self, replaced: dict[str, list[Diagnostic]], listed: list[Diagnostic] | None = None) -> Findings:
        return Findings(self.lows, self.parts, {**self.replaced, **replaced}, listed)

    def shares_parts(self, other: Findings) -> bool:
        return self.parts is other.parts

    def _part_of(self, path: str) -> int:
        return bisect.bisect_right(self.lows, path) - 1

    def stored_of(self, path: str) -> list[Diagnostic]:
        """The findings the stored part holds for the document `path` (replaced or not)."""
        part = self.parts[self._part_of(path)]  # (the first part's lowest path is "")
        return [d for d in part.diagnostics if d.path == path] if path in part.stored.paths else []

    def of(self, path: str) -> list[Diagnostic]:
        """The document's findings."""
        found = self.replaced.get(path)
        return self.stored_of(path) if found is None else found

    def severities(self) -> Counter[str]:
        """How many findings of each severity (its value: "error", ...)."""
        counts: Counter[str] = Counter()
        for part in self.parts:
            counts.update(part.stored.severities)
        for path, found in self.replaced.items():
            counts.subtract(d.severity.value for d in self.stored_of(path))
            counts.update(d.severity.value for d in found)
        return +counts

    def __len__(self) -> int:
        return sum(self.severities().values())

    def paths_where(self, holds: Callable[[Diagnostic], bool], code: str | None = None) -> set[str]:
        """The documents with a finding that `holds`; `code`: of that rule (only the parts holding one are made
        into objects)."""
        found = {path for path, diagnostics in self.replaced.items() if any(map(holds, diagnostics))}
        for part in self.parts:
            if code is None or code in part.stored.codes:
                found |= {d.path for d in part.diagnostics if d.path not in self.replaced and holds(d)}
        return found

    def paths_with_extra(self, holds: Callable[[dict[str, object]], bool]) -> set[str]:
        """The documents with a finding whose `extra` `holds` (the parts' extras looked at in their columns)."""
        found = {path for path, found in self.replaced.items() if any(d.extra and holds(d.extra) for d in found)}
        for part in self.parts:
            found |= part.stored.paths_with_extra(holds) - self.replaced.keys()
        return found

    def fixed(self, skipped: Container[str] = ()) -> Iterator[tuple[str, str, dict[str, object], Applicability]]:
        """(path, code, extra, applicability) of each stored finding with a fix, from the parts' columns (none made
        into objects), but those of the replaced documents and of `skipped`."""
        for part in self.parts:
            for found in part.stored.fixed():
                if found[0] not in self.replaced and found[0] not in skipped:
                    yield found

    def listed(self) -> list[Diagnostic]:
        if self._listed is None:
            self._listed = [d for index in range(len(self.parts)) for d in self.of_part(index)]
        return self._listed

    def of_part(self, index: int) -> list[Diagnostic]:
        """The findings of the documents of part `index` (by display path: from its lowest to the next part's)."""
        part = self.parts[index]
        if not self.replaced:
            return part.diagnostics
        if self._by_part is None:
            self._by_part = {}
            for path in sorted(self.replaced):
                self._by_part.setdefault(self._part_of(path), []).append(path)
        paths = self._by_part.get(index)
        if not paths:
            return part.diagnostics
        kept = [d for d in part.diagnostics if d.path not in self.replaced]
        added = [d for path in paths for d in self.replaced[path]]
        return sorted(kept + added, key=_PATH)  # (stable: each document's findings in their order)


def listed(found: list[Diagnostic] | Findings) -> list[Diagnostic]:
    """Findings as a list (a stored report's parts made into objects)."""
    return found if isinstance(found, list) else found.listed()
