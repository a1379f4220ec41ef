"""The language server's first diagnostics of a document, published while its corpus is still being read
(Session.own_findings: the document checked alone): what it says must stay true once the corpus is read, so a
suppression of a cross-document finding is not "unused" (SL017) because the corpus rules have not run yet."""

from __future__ import annotations

import shutil
from pathlib import Path

from seedlint.discovery import SourceFile
from seedlint.server.session import Session, Text

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
# related[0] names an address the seeds do not hold (SL504, line 31); its excerpt has mojibake (SL401, line 29).
DANGLING = "000_c11209e5b5b8f7fd.txt"


def early_and_final(tmp_path: Path, edit: tuple[str, str]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(code, line) of the early findings (the corpus not read) and of the final ones, for DANGLING edited."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    session = Session()
    session.workspace_folders = [folder]
    project = session.project_for(folder / DANGLING)
    text = (folder / DANGLING).read_text(encoding="utf-8")
    assert text.count(edit[0]) == 1
    edited = text.replace(*edit)
    early = session.own_findings(Text(SourceFile.at(folder / DANGLING, DANGLING), edited, project))  # (not read)
    project.load()
    texts = {DANGLING: Text(project.sources[DANGLING], edited, project)}
    final = session.findings(project, [DANGLING], texts)
    return (
        [(d.code, d.line) for d in early.by_path[DANGLING]],
        [(d.code, d.line) for d in final.by_path[DANGLING]],
    )


def test_a_used_suppression_of_a_corpus_finding_is_not_unused_before_the_corpus_is_read(tmp_path):
    url = 'article284663040.html"\n    ampWebUrl'
    early, final = early_and_final(tmp_path, (url, url.replace('"\n', '"  # seedlint: ignore[SL504]\n')))
    assert early == final == [("SL401", 29)]


def test_an_unused_suppression_of_a_documents_own_finding_is_reported_at_once(tmp_path):
    line = "category: news\n"
    early, final = early_and_final(tmp_path, (line, "category: news  # seedlint: ignore[SL402]\n"))
    assert early == [("SL017", 2), ("SL401", 29)]
    assert final == [("SL017", 2), ("SL401", 29), ("SL504", 31)]


def test_an_open_document_is_judged_again_on_a_later_day(tmp_path, monkeypatch):
    """An editor stays open past midnight: a future date's finding (its message names the day) is judged again
    once the day it was judged on is over, not kept with the text's first check."""
    from datetime import UTC, datetime

    from seedlint import clock

    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    session = Session()
    session.workspace_folders = [folder]
    project = session.project_for(folder / DANGLING)
    edited = (
        (folder / DANGLING)
        .read_text(encoding="utf-8")
        .replace("publishedDateTime: 2024-01-24T15:00:00Z", "publishedDateTime: 2030-01-10T12:00:00Z", 1)
    )
    text = Text(SourceFile.at(folder / DANGLING, DANGLING), edited, project)

    def on(day: int) -> list[tuple[str, int, int, str]]:
        monkeypatch.setattr(clock, "now", lambda: datetime(2030, 1, day, 9, 0, tzinfo=UTC))
        found = session.own_findings(text).by_path[DANGLING]
        return [(d.code, d.line, d.column, d.message) for d in found if d.code == "SL206"]

    future = "publishedDateTime 2030-01-10T12:00:00Z is in the future (today is 2030-01-0{}): a wrong year, or day and "
    future += "month swapped?"
    assert on(5) == [("SL206", 5, 20, future.format(5))]
    assert on(7) == [("SL206", 5, 20, future.format(7))]
    assert on(9) == []
