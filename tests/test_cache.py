"""The cache: warm runs give exactly the cold results; edits, configuration and corruption are handled."""

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, run_cli


@pytest.fixture
def corpus(isolated_cwd):
    shutil.copytree(FIXTURES / "ai-news", isolated_cwd / "docs")
    (isolated_cwd / "seedlint.toml").write_text('paths = ["docs"]\n')
    return isolated_cwd


def check(*args: str) -> tuple[int, str]:
    return run_cli("check", "--output-format", "json", *args)


def test_warm_run_equals_cold_run(corpus):
    cold = check("--no-cache")
    assert not (corpus / ".seedlint_cache").exists()
    first = check()
    assert list((corpus / ".seedlint_cache").glob("cache-*.sqlite3"))
    assert first == cold == check()


def test_an_edit_invalidates_that_file(corpus):
    check()
    path = sorted((corpus / "docs").iterdir())[0]
    path.write_text(path.read_text(encoding="utf-8").replace("type: article", "type: artcle", 1), encoding="utf-8")
    _status, output = check()
    assert output == check("--no-cache")[1] and '"SL104"' in output


def test_same_size_edit_within_the_clock_resolution_is_seen(corpus):
    import os

    path = sorted((corpus / "docs").iterdir())[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")  # modified just now: the cache must not trust its mtime
    stat = path.stat()
    check()
    path.write_text(text.replace("type: article", "type: articl_", 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime tick: only the hash tells
    assert '"SL104"' in check()[1]


def test_configuration_change_invalidates(corpus):
    before = check()[1]
    (corpus / "seedlint.toml").write_text('paths = ["docs"]\nignore = ["SL5"]\n')
    after = check()[1]
    assert after == check("--no-cache")[1] and after != before


def test_corrupt_cache_is_ignored_and_rebuilt(corpus):
    expected = check()
    for cache_file in (corpus / ".seedlint_cache").glob("cache-*"):
        cache_file.write_bytes(b"\x80\x04garbage" * 1000)
    assert check() == expected
    assert check() == expected


def test_a_byte_of_the_schema_text_damaged_is_a_cache_rebuilt_not_an_internal_error(corpus):
    # sqlite's message then quotes schema text that is no UTF-8: Python raised UnicodeDecodeError, not a database
    # error, and every run ended in an internal error until `seedlint clean` (found fuzzing the cache).
    expected = check()
    [database] = (corpus / ".seedlint_cache").glob("cache-*.sqlite3")
    content = database.read_bytes()
    assert content.count(b"CREATE INDEX links_by_value") == 1
    database.write_bytes(content.replace(b"CREATE INDEX links_by_value", b"CRE\x97TE INDEX links_by_value"))
    assert check() == expected
    assert check() == expected


def test_cache_dir_option(corpus):
    check("--cache-dir", "elsewhere")
    assert list((corpus / "elsewhere").glob("cache-*.sqlite3")) and not (corpus / ".seedlint_cache").exists()


def _sql(database, statement: str) -> list:
    import sqlite3

    with sqlite3.connect(database) as db:
        return db.execute(statement).fetchall()


def _age(folder, seconds: int = 3600) -> None:
    """Files last changed an hour ago: older than the clock-resolution guard, so their mtimes are trusted."""
    import os
    import time

    for path in folder.iterdir():
        os.utime(path, (time.time() - seconds, time.time() - seconds))


def test_an_unchanged_run_is_answered_whole(corpus):
    _age(corpus / "docs")
    cold = check("--no-cache")
    assert check() == cold
    (database,) = (corpus / ".seedlint_cache").glob("cache-*.sqlite3")
    _sql(database, "DELETE FROM results")  # the per-file results are not needed to answer an unchanged run...
    assert check() == cold
    assert _sql(database, "SELECT count(*) FROM results") == [(0,)]  # ...so none were read or rebuilt
    path = sorted((corpus / "docs").iterdir())[0]
    path.write_text(path.read_text(encoding="utf-8").replace("type: article", "type: artcle", 1), encoding="utf-8")
    _age(corpus / "docs")
    assert check() == check("--no-cache") != cold  # one changed file: the whole answer is not reused


@pytest.fixture
def azure(isolated_cwd):
    shutil.copytree(FIXTURES / "azure-news", isolated_cwd / "docs")
    (isolated_cwd / "seedlint.toml").write_text('paths = ["docs"]\n')
    _age(isolated_cwd / "docs")
    return isolated_cwd


def test_corpus_diagnostics_are_positioned_from_the_cache(azure, monkeypatch):
    """Stale copies need the referring document's text; a warm run takes them from the cache instead of
    parsing those documents again, and reports exactly what a cold run reports."""
    from seedlint.corpus import Corpus

    loads = []
    original = Corpus.document
    monkeypatch.setattr(Corpus, "document", lambda self, path: loads.append(path) or original(self, path))
    retitled = azure / "docs" / "2021-06-11-azure-maps-elevation-api-is-now-in-general-availability.md"
    retitled.write_text(retitled.read_text(encoding="utf-8").replace('title: "', 'title: "Now: ', 1), encoding="utf-8")
    _age(azure / "docs")  # (9 documents copy its old title: stale copies)
    cold = check("--no-cache")
    assert cold[1].count('"SL505"') == 9 and '"SL508"' in cold[1]
    cold_loads = len(loads)
    check()
    # One unrelated edit: the run is not answered whole, but every corpus diagnostic is still in the cache.
    untouched = sorted((azure / "docs").iterdir())[-1]
    untouched.write_bytes(untouched.read_bytes() + b"\nbody text\n")
    _age(azure / "docs")
    loads.clear()
    assert check() == cold
    # Cold, only the 9 stale copies' documents are parsed again (their message quotes the copy); the
    # duplicates (SL507, SL508, SL509) are positioned from what the first parse recorded.
    assert cold_loads == 9 and loads == []


def test_editing_the_topic_vocabulary_invalidates(corpus):
    (corpus / "topics.yaml").write_text("- name: AI\n")
    (corpus / "seedlint.toml").write_text('paths = ["docs"]\ntopics = "topics.yaml"\nselect = ["SL603"]\n')
    _age(corpus / "docs")
    first = check()
    (corpus / "topics.yaml").write_text("- name: A.I.\n")  # same size: only the content tells
    import time

    time.sleep(1.1)  # one process runs both checks here: it looks at the vocabulary at most once a second
    assert check() == check("--no-cache") != first


def test_a_new_selection_reuses_the_per_file_results(corpus, monkeypatch):
    """Selection, severities and per-file ignores are applied when reporting: changing them re-checks no
    file and makes no new database, and the report is that of a run without cache."""
    from seedlint import engine

    selections = [["--select", "SL1"], ["--ignore", "SL5,SL6"], ["--select", "SL2", "--extend-select", "SL104"]]
    expected = [check("--no-cache", *options) for options in selections]
    reconfigured = 'paths = ["docs"]\nseverity = {SL104 = "info"}\nper-file-ignores = {"docs/2*" = ["SL5"]}\n'
    (corpus / "seedlint.toml").write_text(reconfigured)
    expected_reconfigured = check("--no-cache")
    (corpus / "seedlint.toml").write_text('paths = ["docs"]\n')
    check()
    calls = []
    original = engine.check_source
    monkeypatch.setattr(
        engine, "check_source", lambda *args, **kwargs: calls.append(args[0]) or original(*args, **kwargs)
    )
    assert [check(*options) for options in selections] == expected
    (corpus / "seedlint.toml").write_text(reconfigured)
    assert check() == expected_reconfigured
    assert calls == []
    assert len(list((corpus / ".seedlint_cache").glob("cache-*.sqlite3"))) == 1


def test_old_databases_are_pruned(corpus):
    from seedlint.cache import KEPT_DATABASES

    for year in range(1990, 1990 + KEPT_DATABASES + 3):
        (corpus / "seedlint.toml").write_text(f'paths = ["docs"]\nearliest-year = {year}\n')
        check()
    assert len(list((corpus / ".seedlint_cache").glob("cache-*.sqlite3"))) == KEPT_DATABASES


def test_clean_removes_only_seedlint_files(corpus):
    check()
    (corpus / ".seedlint_cache" / "notes.txt").write_text("mine\n")
    status, output = run_cli("clean")
    assert status == 0 and output.startswith("Removed ") and "from .seedlint_cache." in output
    assert sorted(p.name for p in (corpus / ".seedlint_cache").iterdir()) == [".gitignore", "notes.txt"]  # (ignored)
    (corpus / ".seedlint_cache" / "notes.txt").unlink()
    check()
    assert run_cli("clean")[0] == 0 and not (corpus / ".seedlint_cache").exists()
    assert run_cli("clean") == (0, "Nothing to clean in .seedlint_cache.\n")


def test_clean_refuses_a_linked_cache_folder(corpus, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "cache-x.sqlite3").write_bytes(b"not ours to remove")
    (corpus / ".seedlint_cache").symlink_to(outside)
    status, output = run_cli("clean")
    assert status == 2 and "symbolic link" in output and "not cleaned" in output
    assert (outside / "cache-x.sqlite3").exists()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts the open files in /proc")
def test_a_run_leaves_no_database_open(isolated_cwd):
    """Each run closes its cache: a process running seedlint again and again (the tests, a script) kept every
    run's connection open (frozen with the run's objects), until select() ran out of descriptors."""
    shutil.copytree(SEEDS, isolated_cwd / "seeds")
    run_cli("check", "seeds")
    before = len(os.listdir("/proc/self/fd"))
    for command in ("check", "fix", "check", "report"):
        run_cli(command, "seeds")
    assert len(os.listdir("/proc/self/fd")) == before


def test_a_future_date_is_judged_again_on_a_later_day(corpus, monkeypatch):
    """A date in the future is so only until that day comes: the cache and the run report do not keep the
    finding past the day it was judged on (its message names that day), whatever else is unchanged."""
    from datetime import UTC, datetime

    from seedlint import clock

    path = corpus / "docs" / "2019-12-16-waymo-acquires-ai-startup-latent-logic.md"
    text = path.read_text(encoding="utf-8")
    assert "publishedDateTime: 2019-12-16T13:23:00Z\n" in text  # (its own date; its file name says 2019-12-16)
    path.write_text(text.replace("publishedDateTime: 2019-12-16T13:23:00Z", "publishedDateTime: 2030-01-10T12:00:00Z"))
    _age(corpus / "docs")

    def on(day: int) -> list[tuple[str, int, int, str]]:
        monkeypatch.setattr(clock, "now", lambda: datetime(2030, 1, day, 9, 0, tzinfo=UTC))
        found = json.loads(check()[1])
        assert json.loads(check("--no-cache")[1]) == json.loads(check()[1])  # (warm: the same as cold)
        return [(d["code"], d["line"], d["column"], d["message"]) for d in found if d["code"] == "SL206"]

    future = "publishedDateTime 2030-01-10T12:00:00Z is in the future (today is 2030-01-0{}): a wrong year, or day and "
    future += "month swapped?"
    assert on(5) == [("SL206", 5, 20, future.format(5))]
    assert on(7) == [("SL206", 5, 20, future.format(7))]  # the same file, another day: judged again
    assert on(9) == []  # within the two days' tolerance: no longer in the future


def test_the_addresses_kept_by_git_blob_are_bounded(corpus, monkeypatch):
    """`--diff-base` keeps the addresses of each document version it parsed, by git blob: the oldest beyond the
    limit are forgotten, the newest kept."""
    from seedlint import cache as cache_module
    from seedlint.cache import open_cache
    from seedlint.config import load_config

    monkeypatch.setattr(cache_module, "BLOB_ALIASES_KEPT", 3)
    cache = open_cache(load_config(), False, None, lambda message: None)
    for number in range(5):
        cache.keep_blob_aliases({f"{number:040x}": (f"example.org/{number}",)})
    known = cache.blob_aliases({f"{number:040x}" for number in range(5)})
    assert known == {f"{number:040x}": (f"example.org/{number}",) for number in (2, 3, 4)}
    cache.close()
