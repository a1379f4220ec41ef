"""The listing of the checked folders kept in the cache (seedlint/discovery.py, DiskCache.keep_listing): reused
while no folder walked changed, walked again when an entry is added, removed or renamed, never kept when the
folders' times are too recent to be trusted or a document is a link."""

import gc
import os
import re
import shutil
import sqlite3
import time

import pytest
from conftest import FIXTURES, run_cli

from seedlint import cache, discovery

PAST = time.time() - 3600


def check(*args: str) -> str:
    """The findings, and at the end how many files were checked."""
    return run_cli("check", "--output-format", "concise", *args)[1]


def checked(output: str) -> int:
    return int(re.search(r"in (\d+) files? checked", output).group(1))


@pytest.fixture
def walks(monkeypatch):
    """How many folders runs list (discovery's walk)."""
    count = {"folders": 0}
    walk = discovery._walk

    def counting_walk(top, onerror):
        count["folders"] += 1
        return walk(top, onerror)

    monkeypatch.setattr(discovery, "_walk", counting_walk)
    return count


@pytest.fixture
def docs(isolated_cwd, monkeypatch):
    """A corpus of real documents in two folders, whose folders' mtimes lie in the past. (A folder's ctime
    cannot be set back: here the clock's resolution is taken as exact, so that a folder made by the test is
    trusted; every change below moves its folder's mtime from the past to now.)"""
    monkeypatch.setattr(cache, "FOLDER_RACY_NS", 0)
    shutil.copytree(FIXTURES / "azure-news", isolated_cwd / "docs")
    sub = isolated_cwd / "docs" / "more"
    sub.mkdir()
    for path in sorted((isolated_cwd / "docs").glob("*.md"))[:5]:
        path.rename(sub / path.name)
    (isolated_cwd / "seedlint.toml").write_text('paths = ["docs"]\n')
    _age(isolated_cwd / "docs")
    return isolated_cwd / "docs"


def _age(docs) -> None:
    for folder in (docs, docs / "more"):
        os.utime(folder, (PAST, PAST))


def _listings(folder) -> int:
    (database,) = folder.glob(".seedlint_cache/cache-*.sqlite3")
    with sqlite3.connect(database) as db:
        return db.execute("SELECT count(*) FROM listings").fetchone()[0]


def test_an_unchanged_corpus_is_not_listed_again(docs, walks):
    first = check()
    assert walks["folders"] == 2 and _listings(docs.parent) == 1
    assert check() == first and walks["folders"] == 2
    path = sorted(docs.glob("*.md"))[0]  # a document's content changes: not its folder's listing
    path.write_text(path.read_text(encoding="utf-8").replace("type: article", "type: artcle", 1), encoding="utf-8")
    edited = check()
    assert walks["folders"] == 2 and " SL104 " in edited and edited == check("--no-cache")


@pytest.mark.parametrize(
    "change, more",
    [
        ("add", 1),
        ("remove", -1),
        ("rename", 0),
        ("add in a subfolder", 1),
        ("remove from a subfolder", -1),
        ("new subfolder", 1),
        ("file to folder", -1),
    ],
)
def test_a_changed_listing_is_walked_again(docs, walks, change, more):
    before = check()
    listed = walks["folders"]
    path = sorted(docs.glob("*.md"))[3]
    inner = sorted((docs / "more").glob("*.md"))[0]
    if change == "add":
        shutil.copy(path, docs / "added.md")
    elif change == "remove":
        path.unlink()
    elif change == "rename":
        path.rename(docs / ("zz-" + path.name))
    elif change == "add in a subfolder":
        shutil.copy(path, docs / "more" / "added.md")
    elif change == "remove from a subfolder":
        inner.unlink()
    elif change == "new subfolder":
        (docs / "newer").mkdir()
        shutil.copy(path, docs / "newer" / "added.md")
    else:
        inner.unlink()
        (docs / "more" / inner.name).mkdir()
    after = check()
    assert walks["folders"] > listed, "the change was not seen"
    assert after == check("--no-cache") and checked(after) == checked(before) + more
    if change == "rename":
        assert "zz-" in after and "zz-" not in before
    walked = walks["folders"]
    _age(docs)
    assert check() == after and walks["folders"] > walked  # the folders' times changed again: listed again
    walked = walks["folders"]
    assert check() == after and walks["folders"] == walked  # ... and kept


def test_recent_folders_are_not_trusted(docs, walks, monkeypatch):
    monkeypatch.setattr(cache, "FOLDER_RACY_NS", 3_000_000_000)
    os.utime(docs, None)  # changed just now
    check()
    assert _listings(docs.parent) == 0
    check()
    assert walks["folders"] == 4


def test_folders_with_times_in_the_future_are_not_trusted(docs, walks):
    future = time.time() + 3600
    os.utime(docs, (future, future))
    check()
    assert _listings(docs.parent) == 0


def test_a_linked_document_is_never_listed_from_the_cache(docs, walks):
    (docs / "link.md").symlink_to(sorted(docs.glob("*.md"))[0])
    _age(docs)
    first = check()
    assert _listings(docs.parent) == 0 and walks["folders"] == 2
    assert check() == first and walks["folders"] == 4


def test_a_stored_listing_is_bound_to_its_folders_and_working_directory(docs, walks, monkeypatch):
    check()
    monkeypatch.chdir(docs)
    other = check("..")  # from another folder: other display paths, another listing (the parent and two below)
    assert walks["folders"] == 2 + 3 and other == check("..", "--no-cache") and other.startswith("../docs/")
    walked = walks["folders"]
    assert check("..") == other and walks["folders"] == walked
    _age(docs)
    monkeypatch.chdir(docs.parent)
    assert check() != other and walks["folders"] == walked + 2


def test_a_listing_that_does_not_decode_is_walked_again(docs, walks):
    import pickle

    first = check()
    (database,) = docs.parent.glob(".seedlint_cache/cache-*.sqlite3")
    for blob in (pickle.dumps(os.system), b"\x95" + b"\xc1" * 20):
        with sqlite3.connect(database) as db:
            db.execute("UPDATE listings SET listing = ?", (blob,))
        walked = walks["folders"]
        assert check() == first and walks["folders"] == walked + 2


def test_a_listing_whose_names_do_not_decode_is_walked_again(docs, walks):
    """The folders' names are decoded after their stamps matched (plain.PackedNames): names that do not decode then
    are a listing not kept, walked again, not an error."""
    from seedlint import plain

    first = check()
    (database,) = docs.parent.glob(".seedlint_cache/cache-*.sqlite3")
    with sqlite3.connect(database) as db:
        ((blob,),) = db.execute("SELECT listing FROM listings")
        prefix, _, data = blob.partition(b"\0")
        began, folders = plain.loads(data)
        folders[-1][-1] = plain.dumps(["a.md", 7])  # (the last folder's names: not all texts)
        db.execute("UPDATE listings SET listing = ?", (prefix + b"\0" + plain.dumps([began, folders]),))
    walked = walks["folders"]
    assert check() == first and walks["folders"] == walked + 2


def _rewrite_listing(folder, change) -> None:
    """The stored listing decoded, changed by `change(listing)` and written back (bound to its cache as before)."""
    from seedlint import plain

    (database,) = folder.glob(".seedlint_cache/cache-*.sqlite3")
    with sqlite3.connect(database) as db:
        ((blob,),) = db.execute("SELECT listing FROM listings")
        prefix, _, data = blob.partition(b"\0")
        listing = plain.decode_listing(data)
        change(listing)
        db.execute("UPDATE listings SET listing = ?", (prefix + b"\0" + plain.encode_listing(listing),))


@pytest.mark.parametrize(
    "forgery", ["name with a separator", "name ..", "folder ..", "no folder given", "another path given", "NUL"]
)
def test_a_forged_listing_is_never_used(docs, walks, forgery):
    (docs.parent / "secret.md").write_text((FIXTURES / "seeds" / "000_c11209e5b5b8f7fd.txt").read_text("utf-8"))
    first = check()

    def forge(listing):
        target, inner, stamp, names = listing.folders[0]
        assert (target, inner) == (0, "")  # (the folder given: first walked)
        if forgery == "name with a separator":
            listing.folders[0] = (target, inner, stamp, (*names, "../secret.md"))
        elif forgery == "name ..":
            listing.folders[0] = (target, inner, stamp, (*names, ".."))
        elif forgery == "folder ..":
            listing.folders.append((0, "more/..", stamp, ("secret.md",)))
        elif forgery == "no folder given":
            del listing.folders[0]
        elif forgery == "another path given":
            listing.folders.append((1, "", stamp, ("secret.md",)))
        else:
            listing.folders[0] = (target, inner, stamp, (*names, "x\0y.md"))

    _rewrite_listing(docs.parent, forge)
    walked = walks["folders"]
    assert check() == first and walks["folders"] == walked + 2


@pytest.mark.parametrize("targets", [["."], ["c"], ["c", "c/sub"], ["c/sub", "c/sub/ünï"]])
def test_a_listing_rebuilds_exactly_the_sources_a_walk_finds(isolated_cwd, monkeypatch, targets):
    from pathlib import Path

    from seedlint.config import Config

    monkeypatch.setattr(cache, "FOLDER_RACY_NS", 0)
    for name in [
        b"c/a.md",
        b"c/b.txt",
        b"c/x.yaml",
        b"c/sub/\xc3\xbcn.md",
        b"c/sub/\xff\xfe.md",
        "c/sub/ünï/z.md".encode(),
    ]:
        path = isolated_cwd / os.fsdecode(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"---\ntitle: x\n---\n")
    (isolated_cwd / "c" / ".hidden").mkdir()
    (isolated_cwd / "c" / ".hidden" / "h.md").write_bytes(b"")
    (isolated_cwd / ".seedlint_cache").mkdir()  # (made before the folders' times are set back)
    for folder in ("c", "c/sub", "c/sub/ünï", "c/.hidden", "."):
        os.utime(isolated_cwd / folder, (PAST, PAST))
    config = Config(root=isolated_cwd)
    paths = [Path(target) for target in targets]
    stored = cache.DiskCache(isolated_cwd / ".seedlint_cache", config)
    walked = discovery.discover(paths, config)
    assert discovery.discover(paths, config, listings=stored) == walked  # (walked, and kept)
    monkeypatch.setattr(discovery, "_walk", None)  # (not walked again)
    rebuilt = discovery.discover(paths, config, listings=cache.DiskCache(isolated_cwd / ".seedlint_cache", config))
    assert rebuilt == walked and [type(source) for source in rebuilt] == [discovery.SourceFile] * len(walked)
    assert any("\\xff" in source.display_path for source in rebuilt)
    # Walked or rebuilt, a source holds one string where its paths agree (a million sources held three each).
    for sources in (walked, rebuilt):
        agreeing = [s for s in sources if s.location == s.display_path and s.display_path.isascii()]
        assert (bool(agreeing) or "c" not in targets) and all(s.location is s.display_path for s in agreeing)


def test_data_made_with_the_cycle_collector_paused_is_frozen_not_scanned_again():
    # (the collector's first pass after a report's 100,000 findings were made scanned them all: a twentieth of
    # a hook run; frozen, they are left out of its passes and still freed by reference counting)
    gc.unfreeze()
    try:
        assert gc.isenabled()
        with discovery.cycle_collection_paused():
            assert not gc.isenabled()
            made = [[number] for number in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= len(made)
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("option", [[], ["--no-cache"], ["--cache-dir", "news/elsewhere"]], ids=str)
def test_the_cache_folders_are_never_walked_as_part_of_the_corpus(tmp_path, monkeypatch, option):
    # A cache folder without a leading dot, inside the corpus: `--diff-base` and `report --history` keep copies of
    # documents as they were there (versions/, history/), and the next run checked them as documents (SL508 twice).
    # The configured cache folder is left out whether a cache is used or not, and one given with --cache-dir too.
    shutil.copytree(FIXTURES / "seeds", tmp_path / "news")
    (tmp_path / "seedlint.toml").write_text('paths = ["news"]\ncache-dir = "news/cache"\n', encoding="utf-8")
    for cache_folder in ["news/cache", *option[1:]]:
        copy = tmp_path / cache_folder / "versions" / "ab" / "abcdef" / "001_5ea581042828ec4e.txt"
        copy.parent.mkdir(parents=True)
        shutil.copyfile(FIXTURES / "seeds" / "001_5ea581042828ec4e.txt", copy)
    monkeypatch.chdir(tmp_path)
    output = check(*option)
    assert "/versions/" not in output
    assert checked(output) == 5


@pytest.mark.parametrize("cached", [False, True])
def test_a_file_reached_through_two_paths_given_is_checked_once(tmp_path, monkeypatch, cached):
    shutil.copytree(FIXTURES / "seeds", tmp_path / "news")
    (tmp_path / "news" / "sub").mkdir()
    shutil.copyfile(FIXTURES / "seeds" / "000_c11209e5b5b8f7fd.txt", tmp_path / "news" / "sub" / "000.txt")
    monkeypatch.chdir(tmp_path)
    cache = [] if cached else ["--no-cache"]
    for paths in (["news", "news/sub"], ["news/sub", "news"], ["news/sub/000.txt", str(tmp_path / "news/sub/000.txt")]):
        check(*cache, *paths)  # (a listing kept, for the cached run)
        output = check(*cache, *paths)
        assert checked(output) == (1 if paths[0].endswith(".txt") else 6), paths
        assert len(output.splitlines()) == len(set(output.splitlines())), paths
