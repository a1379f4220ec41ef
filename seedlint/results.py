"""What a run produces: each file's result (`Checked`, small plain data that workers return and the cache
keeps) and the run's result (`RunResult`, what reporters and the fixer consume)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from seedlint.diagnostic import Diagnostic, Severity

if TYPE_CHECKING:
    from seedlint.corpus import Corpus, IndexRecord, MemoKey
    from seedlint.document import Document
    from seedlint.fixbasis import FixBasis


@dataclass(slots=True)
class Checked:
    """What checking one file yields: small plain data, picklable (workers) and cacheable."""

    path: str
    diagnostics: list[Diagnostic]
    record: IndexRecord | None
    has_suppressions: bool  # the text mentions seedlint (any case): the suppression pass must read it
    internal_errors: list[str] = field(default_factory=list)
    # For the cache: (size, mtime_ns) taken before the file was read, and the SHA-256 of what was read.
    stat: tuple[int, int] | None = None
    digest: str = ""
    # Corpus diagnostics positioned on this content by earlier runs (see Corpus.report).
    positioned: dict[MemoKey, Diagnostic] = field(default_factory=dict)
    # In a fix run only, never cached: what fixing the file needs from the parse that checked it.
    basis: FixBasis | None = None

    @property
    def has_error(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def _no_document(path: str) -> Document | None:
    return None


@dataclass
class RunResult:
    paths: list[str]  # display paths of the documents checked
    diagnostics: list[Diagnostic]
    internal_errors: list[str] = field(default_factory=list)  # a bug in seedlint, not in the user's file
    document: Callable[[str], Document | None] = _no_document  # any document of the run, loaded again
    checked: list[Checked] | None = None  # every file's result, the corpus's too (engine.run's `keep_checked`)
    # Files found in the corpus folders that are no documents (no front matter): not reported on, but named.
    not_documents: list[str] = field(default_factory=list)
    corpus: Corpus | None = None  # the corpus the run resolved against (kept for the fixer's runs)
    # The token of the stored report that holds these very findings (the run wrote it, or was answered whole from
    # it: see DiskCache.revision_delta); None when there is none.
    report_token: bytes | None = None
