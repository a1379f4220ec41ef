"""Incremental runs: after a few files changed, a run rechecks only what they can affect, and its report
is exactly the full run's (`--no-cache`), edit after edit, on real documents that reference each other."""

import os
import random
import re
import shutil
import sqlite3
from collections import Counter

import pytest
from conftest import FIXTURES, run_cli

from seedlint import engine, incremental, statahead
from seedlint.results import Findings


def check(*args: str) -> str:
    return run_cli("check", "--output-format", "json", *args)[1]


@pytest.fixture
def counted(monkeypatch):
    """How many files each run checks itself and whether it took the full path."""
    calls = {"checked": 0, "full": 0}
    check_source, checker = engine.check_source, engine.checker

    def counting_check_source(*args, **kwargs):
        calls["checked"] += 1
        return check_source(*args, **kwargs)

    def counting_checker(*args, **kwargs):
        calls["full"] += 1
        return checker(*args, **kwargs)

    monkeypatch.setattr(engine, "check_source", counting_check_source)
    monkeypatch.setattr(incremental, "check_source", counting_check_source)
    monkeypatch.setattr(engine, "checker", counting_checker)
    return calls


def _age(folder) -> None:
    import os
    import time

    for path in folder.iterdir():
        os.utime(path, (time.time() - 3600, time.time() - 3600))


def _setup(cwd, fixture: str, scope: str):
    shutil.copytree(FIXTURES / fixture, cwd / "docs")
    (cwd / "seedlint.toml").write_text(f'paths = ["docs"]\nrelated-scope = "{scope}"\n')
    _age(cwd / "docs")
    return cwd / "docs"


def _edit(path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE), encoding="utf-8")


def _referenced(docs) -> tuple:
    """A document another document's related list names, and that other document."""
    texts = {path: path.read_text(encoding="utf-8") for path in sorted(docs.iterdir())}
    addresses = {path: re.search(r'^webUrl: "(.*)"', text, re.MULTILINE).group(1) for path, text in texts.items()}
    for target, url in addresses.items():
        if list(addresses.values()).count(url) > 1:
            continue  # two captures of one address: the newest is the one referenced
        for referrer, other in texts.items():
            if referrer != target and "related:" in other and f'    webUrl: "{url}"' in other.split("related:", 1)[1]:
                return target, referrer
    raise AssertionError("no reference in the fixture")


@pytest.mark.parametrize("bulk", [False, True])
def test_a_retitled_target_makes_its_referrers_stale_incrementally(isolated_cwd, counted, monkeypatch, bulk):
    if bulk:  # a large first run: workers, saves as it goes into an empty cache indexed at the end, then
        # results written again (their positioned diagnostics): lookups still find everything, exactly once
        monkeypatch.setattr("seedlint.cache.BULK", 1)
        monkeypatch.setattr(engine, "PARALLEL_FROM", 1)
        monkeypatch.setattr("seedlint.cache.SAVE_EVERY", 7)
    docs = _setup(isolated_cwd, "azure-news", "closed")
    check()
    if bulk:
        (database,) = (isolated_cwd / ".seedlint_cache").glob("cache-*.sqlite3")
        with sqlite3.connect(database) as db:
            assert db.execute("SELECT count(*) FROM results").fetchone() == (len(list(docs.iterdir())),)
            assert (
                db.execute(
                    "SELECT value, file, count(*) FROM links GROUP BY value, file HAVING count(*) > 1"
                ).fetchall()
                == []
            )
            assert (
                db.execute(
                    "SELECT alias, file, count(*) FROM aliases GROUP BY alias, file HAVING count(*) > 1"
                ).fetchall()
                == []
            )
            assert len(db.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()) >= 5
    target, referrer = _referenced(docs)
    _edit(target, r'^title: "', 'title: "Renamed: ')
    counted.update(checked=0, full=0)
    output = check()
    assert counted == {"checked": 1, "full": 0}  # only the edited file was read and checked again
    assert output == check("--no-cache")
    assert f'"path": "docs/{referrer.name}"' in output and "stale copy of " + target.name in output


def test_a_deleted_target_dangles_incrementally(isolated_cwd, counted):
    docs = _setup(isolated_cwd, "azure-news", "closed")
    check()
    target, _referrer = _referenced(docs)
    target.unlink()
    counted.update(checked=0, full=0)
    output = check()
    assert counted == {"checked": 0, "full": 0}
    assert output == check("--no-cache")
    assert '"SL504"' in output


def test_many_changes_take_the_full_path(isolated_cwd, counted, monkeypatch):
    docs = _setup(isolated_cwd, "azure-news", "closed")
    check()
    monkeypatch.setattr("seedlint.incremental.MOST_CHANGED", 2)
    for path in sorted(docs.iterdir())[:3]:
        _edit(path, r'^title: "', 'title: "Renamed: ')
    counted.update(checked=0, full=0)
    assert check() == check("--no-cache") and counted["full"] == 2


EDITS = [
    ("retitle", lambda p: _edit(p, r'^title: "', 'title: "Changed '), False),
    ("new excerpt", lambda p: _edit(p, r'^excerpt: ".{0,20}', 'excerpt: "Rewritten. '), False),
    ("address one character off", lambda p: _edit(p, r'^(webUrl: ".*?)/?"$', r'\1x"'), False),
    ("error in the document", lambda p: _edit(p, r"^type: article", "type: artcle"), False),
    ("body text", lambda p: p.write_bytes(p.read_bytes() + b"\nMore body text.\n"), False),
    ("suppression", lambda p: _edit(p, r"\A---\n", "---\n# seedlint: ignore-file[SL505]\n"), False),
    ("touched", lambda p: p.touch(), False),
    ("related entry renamed", lambda p: _edit(p, r'^(    webUrl: ".*?)"$', r'\1-gone"'), False),
    ("topic misspelled", lambda p: _edit(p, r"^  - (Power Apps|Azure|AI)$", r"  - \1s"), False),
    ("date moved", lambda p: _edit(p, r"^publishedDateTime: (\d{4})", r"publishedDateTime: 2031"), False),
    ("provider renamed", lambda p: _edit(p, r"^  name: .*$", "  name: Another"), False),
    (
        "an AMP address added",
        lambda p: _edit(p, r'^(webUrl: "?)(https?://[^"\n]*)("?)$', r"\1\2\3\nampWebUrl: \1\2amp\3"),
        False,
    ),
    ("a copied title edited", lambda p: _edit(p, r'^    title: "', '    title: "Edited '), False),
    ("a related entry removed", lambda p: _edit(p, r"^related:\n  - [^\n]*\n(    [^\n]*\n)*", "related:\n"), False),
    ("topic added", lambda p: _edit(p, r"^topics:$", "topics:\n  - Portals"), False),
    ("deleted", lambda p: p.unlink(), True),
    ("copied (a duplicate document)", lambda p: shutil.copy(p, p.with_name("copy-" + p.name)), True),
]


@pytest.mark.parametrize(
    "fixture, scope, seed, part_files",
    [
        ("azure-news", "closed", 1, 1_000),
        ("azure-news", "closed", 2, 4),
        ("ai-news", "hosts", 3, 3),
        ("powerapps-news", "hosts", 4, 3),
        ("powerapps-news", "hosts", 12, 1_000),  # (these two: a topic's count in another document's message)
        ("azure-news", "hosts", 22, 3),
    ],
)
def test_random_edits_report_exactly_what_a_full_run_reports(
    isolated_cwd, counted, monkeypatch, fixture, scope, seed, part_files
):
    monkeypatch.setattr("seedlint.cache.PART_FILES", part_files)  # the report in one part, or in many
    monkeypatch.setattr("seedlint.statahead.FROM", 1 if seed == 1 else 10**9)  # stat-ed in a child, or here
    answered = []
    result = statahead.StatsAhead.result
    monkeypatch.setattr(statahead.StatsAhead, "result", lambda self: answered.append(self.forked) or result(self))
    # A rerun's findings are also the stored report's parts with the changed documents replaced (results.Findings,
    # which a hook's comparison reads): those must say what the list says, finding by finding.
    rerun, replaced_runs = incremental.rerun, []

    def consistent_rerun(*args, **kwargs):
        result = rerun(*args, **kwargs)
        findings = None if result is None else result.findings
        if findings is not None and findings.replaced:
            made = Findings(findings.lows, findings.parts, findings.replaced).listed()
            assert list(map(id, made)) == list(map(id, result.diagnostics))
            replaced_runs.append(len(findings.replaced))
        return result

    monkeypatch.setattr(engine.incremental, "rerun", consistent_rerun)
    docs = _setup(isolated_cwd, fixture, scope)
    chance = random.Random(seed)
    check()
    for step in range(12):
        path = chance.choice(sorted(docs.iterdir()))
        name, edit, _ = chance.choice(EDITS)
        edit(path)
        if chance.random() < 0.5:
            _age(docs)  # trusted mtimes; otherwise the edited files are recognised by their content
        counted.update(checked=0, full=0)
        output = check()
        assert counted["full"] == 0, f"step {step}: {name} took the full path"
        assert output == check("--no-cache"), f"step {step}: {name} on {path.name}"
    assert answered and set(answered) == {seed == 1}
    assert len(replaced_runs) >= 6


def test_topic_findings_follow_the_counts_of_the_whole_corpus(isolated_cwd, counted):
    """A rerun checks a few documents, but a topic is rare or frequent by the whole corpus's counts (SL604)."""
    docs = _setup(isolated_cwd, "powerapps-news", "hosts")
    files = sorted(docs.iterdir())
    without = [path for path in files if "\n  - Portals\n" not in path.read_text(encoding="utf-8")]
    _edit(files[2], r"^  - Power Apps$", "  - Power Aps")  # (a misspelling, in one document only)
    _edit(without[0], r"^topics:$", "topics:\n  - Portls")  # (near `Portals`, named by 4 documents: not yet)
    check()
    steps = [
        ("another field of the misspelling's document", files[2], r"^quality: .*$", "quality: 3", 1),
        ("a second document names the misspelling", files[5], r"^  - Power Apps$", "  - Power Aps", 0),
        ("... and no longer", files[5], r"^  - Power Aps$", "  - Power Apps", 1),
        ("a fifth document names `Portals`", without[1], r"^topics:$", "topics:\n  - Portals", 2),
        ("... and no longer", without[1], r"^  - Portals\n", "", 1),
    ]
    for name, path, pattern, replacement, found in steps:
        _edit(path, pattern, replacement)
        counted.update(checked=0, full=0)
        output = check()
        assert counted["full"] == 0 and counted["checked"] == 1, name
        assert output == check("--no-cache"), name
        assert output.count('"SL604"') == found, name
    # A document added: the count the misspelling's message gives, in a document not checked again.
    assert "(used in 38 documents)" in output
    shutil.copy(files[0], docs / "added.md")
    counted.update(checked=0, full=0)
    output = check()
    assert counted["full"] == 0 and counted["checked"] == 1  # (the added one; the other from the cache)
    assert output == check("--no-cache") and "(used in 39 documents)" in output


def test_a_file_known_under_another_absolute_path_is_new_and_the_old_one_gone(tmp_path):
    """Under --diff-base, a changed document's version at the revision is a file of the cache shown under the
    document's path: the report's columns still line up with the run's files, and the file at the other
    absolute path is a new one (even with the same size and mtime) while the one the report knew is gone;
    the same answer as comparing key by key."""
    from seedlint.cache import FILE_KEY, StoredReport
    from seedlint.discovery import SourceFile
    from seedlint.plain import ReportPart

    sources = []
    for name in ("a.md", "b.md", "c.md"):
        (tmp_path / name).write_text(name)
        sources.append(SourceFile.at(tmp_path / name, name))
    states = [(os.stat(source.location).st_size, os.stat(source.location).st_mtime_ns) for source in sources]
    absolutes = (sources[0].absolute, str(tmp_path / "versions" / "b.md"), sources[2].absolute)
    displays = ("a.md", "b.md", "c.md")
    part = ReportPart(displays, absolutes, *map(list, zip(*states, strict=True)), ("", "", ""), (), [], [])
    stored = StoredReport(
        {"partial": False, "errors": set(), "unresolved": [], "diagnostics": [], "topics": Counter()},
        [""],
        [part],
        b"t" * 16,
    )
    by_key = {"files": {FILE_KEY(a, d): (*state, "") for a, d, state in zip(absolutes, displays, states, strict=True)}}
    expected = ([sources[1]], [FILE_KEY(absolutes[1], "b.md")])
    assert incremental.changed_files(stored, sources, None) == expected
    assert incremental.changed_files(by_key, sources, None) == expected


def test_which_files_changed_is_answered_once_for_the_same_report_files_and_stats(tmp_path, monkeypatch):
    """A hook's run at the revision asks which files changed since the report, then its current run asks again with
    the same files and the same stats taken ahead: answered once (a new list each time). Other files, or stats not
    taken ahead (taken again at each call), are answered again."""
    from seedlint.cache import FILE_KEY, StoredReport
    from seedlint.discovery import LOCATION, SourceFile
    from seedlint.plain import ReportPart
    from seedlint.statahead import StatsAhead

    sources = []
    for name in ("a.md", "b.md", "c.md"):
        (tmp_path / name).write_text(name)
        sources.append(SourceFile.at(tmp_path / name, name))
    states = [(os.stat(source.location).st_size, os.stat(source.location).st_mtime_ns) for source in sources]
    states[1] = (0, 0)  # (b.md changed since the report)
    displays, absolutes = tuple(s.display_path for s in sources), tuple(s.absolute for s in sources)
    part = ReportPart(displays, absolutes, *map(list, zip(*states, strict=True)), ("", "", ""), (), [], [])
    items = {"partial": False, "errors": set(), "unresolved": [], "diagnostics": [], "topics": Counter()}
    stored = StoredReport(items, [""], [part], b"t" * 16)
    answered = []
    answer = incremental._changed_files
    monkeypatch.setattr(incremental, "_changed_files", lambda *args: answered.append(1) or answer(*args))
    ahead = StatsAhead(list(map(LOCATION, sources)))
    first = incremental.changed_files(stored, sources, None, ahead)
    assert first == ([sources[1]], [])
    first[0].clear()
    assert incremental.changed_files(stored, list(sources), None, ahead) == ([sources[1]], []) and len(answered) == 1
    gone = FILE_KEY(sources[2].absolute, "c.md")
    assert incremental.changed_files(stored, sources[:2], None, ahead) == ([sources[1]], [gone]) and len(answered) == 2
    incremental.changed_files(stored, sources, None)
    incremental.changed_files(stored, sources, None)
    assert len(answered) == 4
