"""Corpus findings that need their document are positioned together once the corpus rules are done, in the worker
processes when many documents need it (seedlint/positioning.py, engine.placer): the same findings, at the same
places, with the same fixes, as when each document is parsed in the main process."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from seedlint import engine
from seedlint.checking import Reader
from seedlint.config import Config
from seedlint.corpus import Corpus
from seedlint.diagnostic import Diagnostic
from seedlint.discovery import discover
from seedlint.document import Document
from seedlint.positioning import Placed, Placer, Wanted, place_in
from seedlint.rules.related import STALE_COPY
from tests.conftest import FIXTURES, run_cli, run_json

AZURE = FIXTURES / "azure-news"
RETITLED = "2021-06-09-azure-database-for-mariadb-azure-defender-in-general-availability.md"

two_cores = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="worker processes need two cores")


def _stale_corpus(tmp_path: Path) -> Path:
    """The azure-news fixture with every document retitled (" (revised)") and one excerpt changed: the related
    entries copying them are stale copies of title and excerpt, in most of the documents."""
    folder = tmp_path / "news"
    shutil.copytree(AZURE, folder)
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'^title: "(.*)"$', r'title: "\1 (revised)"', text, count=1, flags=re.M)
        if path.name == RETITLED:
            text = re.sub(r"^excerpt: (.*)$", r"excerpt: A new excerpt.", text, count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "seedlint.toml").write_text('paths = ["news"]\nrelated-scope = "closed"\n')
    return folder


class _Loads:
    """The documents the main process parses (Reader.load_path), by display path."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.paths: list[str] = []
        load = Reader.load_path

        def counted(reader: Reader, path: str) -> Document | None:
            self.paths.append(path)
            return load(reader, path)

        monkeypatch.setattr(Reader, "load_path", counted)


def _places(monkeypatch: pytest.MonkeyPatch, from_documents: int) -> list[bool]:
    """Places in the workers from `from_documents` documents on; the list says, per run, whether they did."""
    monkeypatch.setattr(engine, "PLACE_IN_WORKERS_FROM", from_documents)
    used: list[bool] = []
    placer = engine.placer

    def spied(reader: Reader, workers: engine.Workers | None) -> Placer:
        place = placer(reader, workers)

        def spy(groups: dict[str, list[Wanted]]) -> tuple[dict[str, Placed], list[str]] | None:
            placed = place(groups)
            used.append(placed is not None)
            return placed

        return spy

    monkeypatch.setattr(engine, "placer", spied)
    return used


@two_cores
def test_stale_copies_positioned_in_the_workers_are_those_positioned_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stale_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    here = _places(monkeypatch, 10**9)
    status_here, findings_here = run_json("--isolated", "--no-cache", "news")
    assert here == [False]
    loads = _Loads(monkeypatch)
    in_workers = _places(monkeypatch, 1)
    status, findings = run_json("--isolated", "--no-cache", "news")
    assert in_workers == [True]
    assert loads.paths == []  # no document parsed in the main process
    assert (status, findings) == (status_here, findings_here)
    stale = [f for f in findings if f["code"] == STALE_COPY.code]
    assert len(stale) == 131 and len({f["path"] for f in stale}) == 22
    # One of them, exactly: the excerpt read from the target's own document (in the worker, with the referrer).
    excerpt = next(f for f in stale if "(excerpt differs)" in f["message"])
    assert (excerpt["path"], excerpt["line"], excerpt["column"], excerpt["end_column"]) == (
        "news/2020-06-01-azure-database-for-mariadb-is-now-available-in-the-france-south-region.md",
        25,
        14,
        166,
    )
    assert excerpt["message"] == (
        f"related[0] is a stale copy of {RETITLED} (excerpt differs): excerpt is "
        '"Azure Defender detects anomalous activities indicating unusual and ..." '
        f'but {RETITLED} now has "A new excerpt."'
    )
    assert excerpt["fix"]["applicability"] == "safe"
    assert excerpt["fix"]["edits"] == [{"start": 656, "end": 808, "content": '"A new excerpt."'}]


@two_cores
def test_a_fix_of_stale_copies_positioned_in_the_workers_writes_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stale_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    _places(monkeypatch, 10**9)
    here = run_cli("fix", "--isolated", "--no-cache", "--diff", "news")
    in_workers = _places(monkeypatch, 1)
    assert run_cli("fix", "--isolated", "--no-cache", "--diff", "news") == here
    assert in_workers[0] is True
    added = [line for line in here[1].splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert sum(' title: "' in line and line.endswith(' (revised)"') for line in added) == 110
    assert sum(line.endswith(' excerpt: "A new excerpt."') for line in added) == 9
    assert here[1].count("\n+++ b/news/") == 21


@two_cores
def test_the_workers_position_in_the_texts_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a fix run's later passes the texts are the fixed ones, in memory: the workers get them with the findings."""
    folder = _stale_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(engine, "PLACE_IN_WORKERS_FROM", 1)
    config = Config(root=tmp_path)
    sources = discover([folder], config)
    referrer = "news/2021-06-09-azure-database-for-mariadb-planned-maintenance-notifications-in-general-availability.md"
    on_disk = (tmp_path / referrer).read_bytes()
    moved = b"---\n# one line more\n" + on_disk.removeprefix(b"---\n")  # (every position one line down)
    reader = Reader(sources, {referrer: moved}, [])
    wanted = Wanted(referrer, STALE_COPY.code, ("related", 3, "title"), False, "a message", None)
    with engine.Workers() as workers:
        answer = engine.placer(reader, workers)({referrer: [wanted]})
    assert answer is not None
    placed, errors = answer
    here, error = place_in(referrer, [wanted], reader.load_path)
    assert errors == [] and error is None
    assert placed == {referrer: here}
    assert here[0] is not None and (here[0].line, here[0].column) == (54, 12)  # (line 53 on disk)


def test_a_finding_that_cannot_be_made_is_an_internal_error_and_the_others_are_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _stale_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    sources = discover([folder], Config(root=tmp_path))
    reader = Reader(sources, None, [])
    referrer = "news/2021-06-09-azure-database-for-mariadb-planned-maintenance-notifications-in-general-availability.md"
    good = Wanted(referrer, STALE_COPY.code, ("related", 3, "title"), False, "a message", None)
    broken = Wanted(referrer, "SL999", ("related", 3, "title"), False, "a message", None)  # (no such rule: a bug)
    placed, error = place_in(referrer, [broken, good], reader.load_path)
    assert placed[0] is None and placed[1] is not None and (placed[1].line, placed[1].column) == (53, 12)
    assert error is not None and error.startswith(f"{referrer}: internal error while positioning a corpus finding:")
    assert "KeyError: 'SL999'" in error
    assert place_in("news/gone.md", [good], reader.load_path) == ([None], None)  # (deleted meanwhile: left out)


def test_findings_that_cannot_be_positioned_are_an_internal_error_and_the_others_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stale_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)

    def lost(corpus: Corpus, found: list[Diagnostic], internal_errors: list[str]) -> list[Diagnostic]:
        raise RuntimeError("a worker lost")

    monkeypatch.setattr(Corpus, "settle", lost)
    status, output = run_cli("check", "--isolated", "--no-cache", "--output-format", "concise", "news")
    assert status == 2
    assert (
        "corpus: internal error while positioning the findings:" in output and "RuntimeError: a worker lost" in output
    )
    assert "SL505" not in output and ":0:0:" not in output  # (no stand-in shown)
    assert (
        "news/2020-05-04-cloud-providers-see-aggressive-growth-amidst-covid-19-outbreak.md:6:9: SL508 " in output
    )  # (positioned from the record's anchors)
