"""A large run writes each result to the cache as it comes and reads them all back once checking is done, instead of
holding them beside its worker processes (seedlint/cache.py, `Cache.results`): the same answers, whatever happens to
what was written meanwhile."""

import shutil
import sqlite3

import pytest
from conftest import FIXTURES, run_cli

from seedlint import cache, corpus, engine, plain


@pytest.fixture
def azure(isolated_cwd):
    shutil.copytree(FIXTURES / "azure-news", isolated_cwd / "docs")
    (isolated_cwd / "seedlint.toml").write_text('paths = ["docs"]\n')
    # One document retitled: 9 others copy its old title (stale copies, positioned in their documents).
    retitled = isolated_cwd / "docs" / "2021-06-11-azure-maps-elevation-api-is-now-in-general-availability.md"
    retitled.write_text(retitled.read_text(encoding="utf-8").replace('title: "', 'title: "Now: ', 1), encoding="utf-8")
    return isolated_cwd


def check(*args: str) -> tuple[int, str]:
    return run_cli("check", "--output-format", "json", *args)


@pytest.fixture
def read_back(monkeypatch):
    """The display paths each `read_back` was asked for, and those it read from the database."""
    asked: list[list[str]] = []
    decoded: list[str] = []
    original, decode = cache.DiskCache.read_back, cache.DiskCache._decoded

    def spy(self, sources, digests, check):
        asked.append([source.display_path for source in sources])
        return original(self, sources, digests, check)

    def decoding(self, blob, known_path=None):
        found = decode(self, blob, known_path)
        if found is not None and known_path is not None:
            decoded.append(known_path)
        return found

    monkeypatch.setattr(cache.DiskCache, "read_back", spy)
    monkeypatch.setattr(cache.DiskCache, "_decoded", decoding)
    return asked, decoded


@pytest.fixture
def checked(monkeypatch):
    """The display path of each file checked in this process, in order."""
    paths: list[str] = []
    original = engine.check_source

    def counted(source, *args, **kwargs):
        paths.append(source.display_path)
        return original(source, *args, **kwargs)

    monkeypatch.setattr(engine, "check_source", counted)
    return paths


@pytest.fixture
def decoded_here(monkeypatch):
    """Files checked in two worker processes, however many cores; the display path of each worker's result decoded
    in this process (cache.Encoded.decoded), in order."""
    monkeypatch.setattr(engine, "PARALLEL_FROM", 1)
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 2)
    paths: list[str] = []
    original = cache.Encoded.decoded

    def counted(self, source):
        paths.append(source.display_path)
        return original(self, source)

    monkeypatch.setattr(cache.Encoded, "decoded", counted)
    return paths


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "workers"])
def test_a_run_that_spills_reports_what_a_run_that_holds_does(azure, monkeypatch, read_back, parallel):
    held = check("--no-cache")
    assert held[1].count('"SL505"') == 9
    monkeypatch.setattr(cache, "SPILL_FROM", 1)
    if parallel:
        monkeypatch.setattr(engine, "PARALLEL_FROM", 1)
    assert check() == held
    asked, decoded = read_back
    documents = sorted(f"docs/{path.name}" for path in (azure / "docs").iterdir())
    assert [sorted(paths) for paths in asked] == [documents]
    assert sorted(decoded) == documents  # (each result read from the database, none held)
    assert check() == held  # (warm: from what the spilling run stored)
    assert check("--no-cache") == held


def test_a_spilling_run_writes_its_workers_results_undecoded_and_the_rows_a_holding_run_does(
    azure, monkeypatch, decoded_here
):
    decoded = decoded_here
    held = check("--cache-dir", "held")
    documents = sorted(f"docs/{path.name}" for path in (azure / "docs").iterdir())
    assert sorted(decoded) == documents  # (held: each worker's result decoded once, as it came)
    decoded.clear()
    monkeypatch.setattr(cache, "SPILL_FROM", 1)
    assert check("--cache-dir", "spilled") == held
    assert decoded == []  # (spilled: written as the workers encoded them, then read back from the database)

    def rows(folder: str) -> dict[str, list[tuple]]:
        [database] = (azure / folder).glob("cache-*.sqlite3")
        with sqlite3.connect(database) as db:
            return {
                "results": sorted(db.execute("SELECT id, key, size, digest, checked FROM results")),
                "links": sorted(db.execute("SELECT * FROM links")),
                "aliases": sorted(db.execute("SELECT * FROM aliases")),
            }

    written = rows("spilled")
    assert written == rows("held")
    # each result's links and aliases, as its record carries them
    links, aliases = set(), set()
    for identifier, _, _, _, blob in written["results"]:
        record = plain.decode_checked(blob[blob.index(0) + 1 :]).record
        links |= {(value, identifier) for value in cache.links_of(record)}
        aliases |= {(corpus.host_key(alias), alias, identifier) for alias in record.aliases}
    assert len(written["results"]) == 27 and len(links) > 27 and len(aliases) >= 27
    assert (set(written["links"]), set(written["aliases"])) == (links, aliases)


def test_below_spill_from_results_are_held(azure, monkeypatch, read_back):
    monkeypatch.setattr(cache, "SPILL_FROM", 28)  # (27 documents)
    check()
    assert read_back[0] == []


def test_workers_make_cache_rows_only_for_a_cache_that_writes_them(azure, monkeypatch, decoded_here):
    rows: list[bool] = []
    decode = cache.Encoded.decoded  # (decoded_here's)
    monkeypatch.setattr(
        cache.Encoded, "decoded", lambda self, source: rows.append(self.row is not None) or decode(self, source)
    )
    check("--no-cache")
    assert len(rows) == 27 and not any(rows)
    rows.clear()
    check()
    assert len(rows) == 27 and all(rows)


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "workers"])
def test_a_result_whose_write_failed_is_checked_again(azure, monkeypatch, read_back, checked, parallel, request):
    # (in workers, where `checked` does not count, the results checked again are those decoded here)
    decoded = request.getfixturevalue("decoded_here") if parallel else []
    held = check("--no-cache")
    checked.clear()
    decoded.clear()
    monkeypatch.setattr(cache, "SPILL_FROM", 1)
    # (a disk full: nothing is written)
    monkeypatch.setattr(cache.DiskCache, "_transaction", lambda self, db, write: False)
    assert check() == held
    assert read_back[1] == []
    documents = sorted(f"docs/{path.name}" for path in (azure / "docs").iterdir())
    assert sorted(decoded if parallel else checked) == (documents if parallel else sorted(2 * documents))


@pytest.mark.parametrize("replacement", ["another file's", "another content's"])
def test_a_result_another_run_replaced_meanwhile_is_checked_again(azure, monkeypatch, replacement, checked):
    victim = "docs/2021-06-11-azure-maps-elevation-api-is-now-in-general-availability.md"
    twin = "docs/2021-06-11-twin.md"  # (the same content: its result has the same SHA-256, and another path)
    shutil.copy(azure / victim, azure / twin)
    held = check("--no-cache")
    checked.clear()
    monkeypatch.setattr(cache, "SPILL_FROM", 1)
    flush = cache.DiskCache.flush

    def replaced(self):
        flush(self)
        with sqlite3.connect(self.file) as db:  # (what another run on the same cache folder would have stored)
            rows = db.execute("SELECT id, key, checked FROM results").fetchall()
            [(mine, blob)] = [(identifier, blob) for identifier, key, blob in rows if key.endswith(victim.encode())]
            if replacement == "another file's":
                [blob] = [blob for _, key, blob in rows if key.endswith(twin.encode())]
            else:
                prefix = self._prefix()
                result = plain.decode_checked(blob[len(prefix) :])
                result.digest = "0" * 64
                blob = prefix + plain.encode_checked(result)
            # (the row whole: its digest column says what the result does)
            digest = plain.decode_checked(blob[len(self._prefix()) :]).digest
            db.execute("UPDATE results SET checked = ?, digest = ? WHERE id = ?", (blob, digest, mine))

    monkeypatch.setattr(cache.DiskCache, "flush", replaced)
    assert check() == held
    assert checked.count(victim) == 2 and len(checked) == 29  # (only that one checked again)


def test_a_result_the_cache_does_not_keep_is_held_and_checked_once(azure, monkeypatch):
    monkeypatch.setattr(cache, "SPILL_FROM", 1)
    broken = "docs/2021-06-11-azure-maps-elevation-api-is-now-in-general-availability.md"
    checked: list[str] = []
    original = engine.check_source

    def failing(source, *args, **kwargs):  # (a bug of seedlint's on that file: its result is never cached)
        checked.append(source.display_path)
        result = original(source, *args, **kwargs)
        if source.display_path == broken:
            result.internal_errors = [*result.internal_errors, f"{broken}: internal error in a rule"]
        return result

    monkeypatch.setattr(engine, "check_source", failing)
    status, output = check()
    assert status == 2 and checked.count(broken) == 1 and len(checked) == 27
    assert f"{broken}: internal error in a rule" in output


def test_a_fix_run_never_spills(azure, monkeypatch, read_back, tmp_path):
    shutil.copytree(azure / "docs", tmp_path / "held")
    run_cli("fix", "--no-cache", "docs")
    fixed_held = {path.name: path.read_bytes() for path in (azure / "docs").iterdir()}
    shutil.rmtree(azure / "docs")
    shutil.copytree(tmp_path / "held", azure / "docs")
    monkeypatch.setattr(cache, "SPILL_FROM", 1)
    run_cli("fix", "docs")
    assert {path.name: path.read_bytes() for path in (azure / "docs").iterdir()} == fixed_held
    assert read_back[0] == []


def test_freed_memory_is_given_back_without_error():
    cache.release_freed_memory()


def _fork_server_running() -> bool:
    import multiprocessing.forkserver

    return multiprocessing.forkserver._forkserver._forkserver_pid is not None


def test_the_fork_server_is_stopped_once_a_spilling_run_s_workers_are_gone(azure, monkeypatch):
    held = check("--no-cache")
    monkeypatch.setattr(cache, "SPILL_FROM", 1)
    monkeypatch.setattr(engine, "PARALLEL_FROM", 1)
    assert check() == held and not _fork_server_running()
    (azure / "docs" / "2021-06-11-twin.md").write_text("---\ntitle: x\n---\n")
    assert check("--no-cache")[1] != held[1]  # (workers again: another fork server started)
    assert not _fork_server_running()


def test_the_fork_server_is_kept_while_a_pool_is_open():
    with engine.Workers() as workers:
        assert workers.pool().submit(int, "7").result() == 7
        engine.stop_fork_server()
        assert _fork_server_running()
        assert workers.pool().submit(int, "8").result() == 8
    engine.stop_fork_server()
    assert not _fork_server_running()


def test_the_shared_empty_memo_is_read_only_and_pickled_as_itself():
    """Results without positioned findings share one empty memo (seedlint/results.py): a fix run's workers send
    results, so it must cross a pickle as that one object, and nothing may change it in place."""
    import pickle

    from seedlint.corpus import NO_POSITIONED
    from seedlint.results import Checked

    result = Checked("docs/a.md", [], None, False)
    assert result.positioned is NO_POSITIONED and result.diagnostics == () and result.internal_errors == ()
    assert pickle.loads(pickle.dumps(result)).positioned is NO_POSITIONED
    assert NO_POSITIONED == {} and not NO_POSITIONED
    with pytest.raises(TypeError):
        NO_POSITIONED[("SL505", (), False, None, None)] = None  # type: ignore[index]
