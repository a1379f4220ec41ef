"""A run's report stored in parts (seedlint/cache.py): read back equal to what was kept, whole or after an
incremental rerun rewrote only the parts it changed; a part missing or altered is a miss, never a wrong report."""

import sqlite3
from pathlib import Path

import pytest
from conftest import FIXTURES

from seedlint import cache, engine, plain
from seedlint.config import Config
from seedlint.corpus import count_topics
from seedlint.diagnostic import Diagnostic
from seedlint.discovery import discover


@pytest.fixture(scope="module")
def report() -> dict:
    config = Config(root=Path.cwd())
    results = [engine.check_source(source, config) for source in discover([FIXTURES / "azure-news"], config)]
    assert len(results) > 24
    return {
        "files": {f"/abs/{r.path}\0{r.path}": (len(r.path), 1_000 + n, r.digest) for n, r in enumerate(results)},
        "partial": False,
        "errors": {r.path for r in results if r.has_error},
        "unresolved": [(r.path, "example.com", n if n % 2 else None) for n, r in enumerate(results[::5])],
        "diagnostics": sorted((d for r in results for d in r.diagnostics), key=Diagnostic.sort_key),
        "topics": count_topics(r.record for r in results if r.record is not None),
    }


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(cache, "PART_FILES", 3)


def _cache(folder: Path) -> cache.DiskCache:
    return cache.DiskCache(folder, Config(root=folder))


def _parts(folder: Path) -> dict[bytes, bytes]:
    (database,) = folder.glob("cache-*.sqlite3")
    with sqlite3.connect(database) as db:
        return dict(db.execute("SELECT low, part FROM report_parts").fetchall())


def test_a_report_reads_back_equal(tmp_path, report, small_parts):
    _cache(tmp_path).keep_report("run", report)
    parts = _parts(tmp_path)
    assert len(parts) == -(-len(report["files"]) // 3)
    read = _cache(tmp_path).last_report("run")
    # The files' states and the findings are made into objects when asked for; the findings are the parts' too.
    assert "diagnostics" not in read and len(read.findings()) == len(report["diagnostics"])
    assert read.findings().listed() == report["diagnostics"]
    assert read["files"] == report["files"] and read["diagnostics"] == report["diagnostics"] and read == report
    assert _cache(tmp_path).last_report("another run") is None


def test_an_incremental_rerun_rewrites_only_the_parts_it_changed(tmp_path, report, small_parts):
    _cache(tmp_path).keep_report("run", report)
    before = _parts(tmp_path)
    reader = _cache(tmp_path)
    changed = reader.last_report("run")
    reader.keep_report("run", changed, touched=_edited(changed))
    after = _parts(tmp_path)
    rewritten = {low for low in after if after[low] != before.get(low)}
    assert len(rewritten) == 3 and after.keys() == before.keys()
    assert _read(tmp_path) == changed


def _edited(changed: dict) -> set[str]:
    """One file's state and diagnostics changed, one file removed, one added (inside a part's range): their keys."""
    keys = sorted(changed["files"], key=lambda key: key.split("\0")[1])
    edited, removed = keys[4], keys[13]
    edited_path, removed_path = edited.split("\0")[1], removed.split("\0")[1]
    added_path = keys[22].split("\0")[1] + "-copy.md"
    changed["files"][edited] = (1, 2, "new digest")
    del changed["files"][removed]
    added = f"/abs/{added_path}\0{added_path}"
    changed["files"][added] = (3, 4, "added")
    changed["errors"] = (changed["errors"] - {removed_path}) | {added_path}
    changed["diagnostics"] = sorted(
        [d for d in changed["diagnostics"] if d.path not in (edited_path, removed_path)]
        + [Diagnostic(added_path, 1, 1, "SL101", changed["diagnostics"][0].severity, "new finding")],
        key=Diagnostic.sort_key,
    )
    return {edited, removed, added}


def test_the_report_a_process_wrote_is_read_again_from_memory(tmp_path, report, small_parts, monkeypatch):
    """--diff-base's second run, --watch's next: the report this process wrote after an incremental rerun is
    what the database would give, made from the parts already decoded and the few rewritten; once."""
    _cache(tmp_path).keep_report("run", report)
    reader = _cache(tmp_path)
    changed = reader.last_report("run")
    reader.keep_report("run", changed, touched=_edited(changed))
    stored = _read(tmp_path)
    decoded = []
    decode = plain.decode_report_part
    monkeypatch.setattr(plain, "decode_report_part", lambda blob: decoded.append(blob) or decode(blob))
    again = reader.last_report("run")
    assert len(decoded) == 3  # the parts it rewrote, not the others
    assert again["files"] == stored["files"] and again == stored == changed
    assert (again.lows, again.displays, again.absolutes, again.stats) == (
        stored.lows,
        stored.displays,
        stored.absolutes,
        stored.stats,
    )
    third = reader.last_report("run")
    assert third["files"] == stored["files"] and third == stored and decoded  # (read from the database this time)


def test_a_report_another_process_wrote_since_is_read_from_the_database(tmp_path, report, small_parts):
    _cache(tmp_path).keep_report("run", report)
    reader = _cache(tmp_path)
    changed = reader.last_report("run")
    reader.keep_report("run", changed, touched=_edited(changed))
    _cache(tmp_path).keep_report("run", report)  # (another connection: the database's data_version moves)
    read = reader.last_report("run")
    assert read["files"] == report["files"] and read == report != changed


def test_findings_replaced_in_a_few_documents_are_stored_making_only_their_parts_into_objects(
    tmp_path, report, small_parts, monkeypatch
):
    """An incremental rerun's findings: the stored parts with the findings of the documents it judged again replaced
    (results.Findings, see incremental.rerun). Written back, only the parts holding those documents are made into
    objects; read back, they hold what a list of every finding would."""
    _cache(tmp_path).keep_report("run", report)
    reader = _cache(tmp_path)
    read = reader.last_report("run")
    findings = read.findings()
    index = next(index for index, part in enumerate(findings.parts) if index > 2 and len(part.stored))
    judged = findings.parts[index].stored.paths[0]
    new = Diagnostic(judged, 1, 1, "SL101", report["diagnostics"][0].severity, "new finding")
    built: list[int] = []
    build = plain.StoredDiagnostics.built
    monkeypatch.setattr(plain.StoredDiagnostics, "built", lambda self: built.append(id(self)) or build(self))
    replaced = findings.replacing({judged: [new]})
    (key,) = [key for key in read["files"] if key.endswith("\0" + judged)]
    reader.keep_report("run", {**read, "diagnostics": replaced}, touched={key})
    assert set(built) == {id(findings.parts[index].stored)}
    expected = sorted([d for d in report["diagnostics"] if d.path != judged] + [new], key=Diagnostic.sort_key)
    assert replaced.listed() == expected and _read(tmp_path)["diagnostics"] == expected


def _read(folder):
    report = _cache(folder).last_report("run")
    report["files"]
    return report


def test_a_part_that_grows_too_large_rewrites_every_part(tmp_path, report, small_parts):
    _cache(tmp_path).keep_report("run", report)
    reader = _cache(tmp_path)
    changed = reader.last_report("run")
    low = sorted(changed["files"], key=lambda key: key.split("\0")[1])[6].split("\0")[1]
    added = [f"/abs/{low}{n}\0{low}{n}" for n in range(10)]
    for n, key in enumerate(added):
        changed["files"][key] = (n, n, "added")
    reader.keep_report("run", changed, touched=set(added))
    assert len(_parts(tmp_path)) == -(-len(changed["files"]) // 3)
    assert _read(tmp_path) == changed


@pytest.mark.parametrize("damage", ["delete a part", "swap two parts", "garbage", "other settings"])
def test_a_damaged_report_is_a_miss(tmp_path, report, small_parts, damage):
    kept = _cache(tmp_path)
    kept.keep_report("run", report)
    (database,) = tmp_path.glob("cache-*.sqlite3")
    with sqlite3.connect(database) as db:
        (first, one), (second, two) = db.execute("SELECT low, part FROM report_parts ORDER BY low LIMIT 2")
        if damage == "delete a part":
            db.execute("DELETE FROM report_parts WHERE low = ?", (second,))
        elif damage == "swap two parts":
            db.execute("UPDATE report_parts SET part = ? WHERE low = ?", (two, first))
            db.execute("UPDATE report_parts SET part = ? WHERE low = ?", (one, second))
        elif damage == "garbage":
            db.execute("UPDATE report_parts SET part = ? WHERE low = ?", (one[:40] + b"\xc1" * 9, second))
        else:
            db.execute("UPDATE reports SET head = ?", (b"0" * 20 + b"\0" + b"\x92\xc2\x01",))
    assert _cache(tmp_path).last_report("run") is None
