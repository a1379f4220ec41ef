"""`seedlint report`: the corpus at a glance, as one self-contained HTML page (or its numbers as JSON).

A consumer of a run, like a reporter: `engine.run` checks the corpus exactly as `seedlint check` does
(same cache, configuration and findings) and keeps every file's index record; `summary` turns the
findings and the records into numbers, `history` does the same at past commits, `charts` draws them and
`html` lays them out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from seedlint import baseline, engine
from seedlint.cache import Cache
from seedlint.config import Config
from seedlint.discovery import SourceFile
from seedlint.report.summary import Summary, baseline_inventory, summarize


@dataclass
class Request:
    """What to report on: the run's files (as `seedlint check` finds them) and how to check them."""

    sources: list[SourceFile]
    config: Config
    corpus: list[SourceFile] | None  # the whole configured corpus, for a run on some of its files
    cache: Cache
    run_id: str
    paths: list[str]  # as given (or the configured corpus), for the page's title


def build(request: Request) -> tuple[Summary, list[str]]:
    """The summary of one run and its internal errors (a bug in seedlint, reported by the caller)."""
    result = engine.run(
        request.sources,
        request.config,
        request.corpus,
        cache=request.cache,
        run_id=request.run_id,
        keep_checked=True,
    )
    summary = summarize(result, request.paths, request.config.related_scope)
    path = baseline.configured_path(request.config, None)
    if path is not None:  # (read when the configuration was checked: a bad one is a usage error before this)
        recorded = baseline.read(path)
        found = Counter(baseline.keys(result.diagnostics, request.config))
        summary.baseline = baseline_inventory(recorded, str(path), found)
    return summary, result.internal_errors


__all__ = ["Request", "Summary", "build", "summarize"]
