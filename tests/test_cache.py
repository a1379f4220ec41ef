"""The cache: warm runs give exactly the cold results; edits, configuration and corruption are handled."""

import shutil

import pytest
from conftest import FIXTURES, run_cli


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
    assert list((corpus / ".seedlint_cache").glob("results-*.pickle"))
    assert first == cold == check()


def test_an_edit_invalidates_that_file(corpus):
    check()
    path = sorted((corpus / "docs").iterdir())[0]
    path.write_text(path.read_text(encoding="utf-8").replace("type: article", "type: artcle", 1), encoding="utf-8")
    status, output = check()
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
    for cache_file in (corpus / ".seedlint_cache").glob("results-*.pickle"):
        cache_file.write_bytes(b"\x80\x04garbage")
    assert check() == expected
    assert check() == expected


def test_cache_dir_option(corpus):
    check("--cache-dir", "elsewhere")
    assert list((corpus / "elsewhere").glob("results-*.pickle")) and not (corpus / ".seedlint_cache").exists()
