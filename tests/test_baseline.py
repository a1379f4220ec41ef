"""Issue 17: what identifies a finding whatever its line (seedlint/locus.py), and the baseline file
(seedlint/baseline.py): recorded, matched after re-ordering and unrelated edits, refreshed, refused when
malformed. On 30 real ai-news documents (the adoption the issue replays), through the real command line."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, check_paths, lint_text

from seedlint import baseline, compare
from seedlint import cache as cache_module
from seedlint.cache import DiskCache
from seedlint.config import Config
from seedlint.diagnostic import Diagnostic, Severity
from seedlint.discovery import discover
from seedlint.engine import run
from seedlint.rules import fields

REPO = Path(__file__).resolve().parent.parent
AI_NEWS = FIXTURES / "ai-news"
# The 30 newest documents of the ai-news sample: at related-scope "hosts" they hold 16 findings (2 errors).
THIRTY = sorted(AI_NEWS.glob("*.md"))[-30:]
CLEARVIEW = "2020-02-11-clearview-ais-false-claims-of-accuracy-increase-the-dangers-of-its-face-recognition-software.md"
FASTCOMPANY = "2020-02-19-facial-recognition-is-easy-to-fool-this-tech-aims-to-fix-that.md"
THEHILL = (
    "https://thehill.com/changing-america/well-being/prevention-cures/483669-china-rolls-out-facial-recognition-"
    "thermometers"
)
CONFIG = '[tool.seedlint]\npaths = ["_news"]\nrelated-scope = "hosts"\n'


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def news(folder: Path) -> Path:
    """The 30 documents in `folder`/_news, with the project's configuration."""
    (folder / "_news").mkdir(parents=True)
    for path in THIRTY:
        shutil.copyfile(path, folder / "_news" / path.name)
    (folder / "pyproject.toml").write_text(CONFIG)
    return folder


def seedlint(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
        timeout=300,
    )


def reversed_related(text: str) -> tuple[str, int]:
    """The document with the entries of its block `related:` list in reverse order, and how many there are."""
    head, rest = text.split("\nrelated:\n", 1)
    end = re.search(r"(?m)^(?=\S)", rest)  # the next top-level key, or the closing delimiter
    assert end is not None
    block, tail = rest[: end.start()], rest[end.start() :]
    blank = block[len(block.rstrip("\n")) :]
    entries = re.split(r"(?m)^(?=  - )", block.rstrip("\n") + "\n")
    assert entries[0] == ""
    return head + "\nrelated:\n" + "".join(reversed(entries[1:])) + blank[1:] + tail, len(entries) - 1


def keys(result) -> Counter:
    return Counter((d.path.rsplit("/", 1)[-1], d.code, d.locus, d.text_key) for d in result.diagnostics)


# Fingerprints ------------------------------------------------------------------------------------------------


def test_a_related_entry_is_named_by_its_target_and_its_text(tmp_path):
    config = Config(root=tmp_path, related_scope="hosts")
    result = check_paths(news(tmp_path) / "_news", config=config)
    dangling = next(d for d in result.diagnostics if d.code == "SL504" and CLEARVIEW in d.path)
    assert (dangling.line, dangling.locus, dangling.text_key) == (150, f"related[{THEHILL}].webUrl", digest(THEHILL))


def test_a_finding_inside_a_value_is_known_by_the_damaged_text():
    result = check_paths(SEEDS, config=Config(root=REPO, related_scope="hosts"))
    mojibake = [d for d in result.diagnostics if d.code == "SL401"]
    assert [(d.path.rsplit("/", 1)[-1], d.line, d.text_key) for d in mojibake] == [
        ("000_c11209e5b5b8f7fd.txt", 29, digest("â€™")),
        ("001_5ea581042828ec4e.txt", 49, digest("â€™")),
    ]
    assert (
        mojibake[0].locus == "related[https://www.tri-cityherald.com/opinion/editorials/article284663040.html].excerpt"
    )


def test_other_list_items_are_known_by_their_text_not_their_index():
    found = lint_text('---\ntitle: "A"\ntopics: ["AI", " Robots"]\n---\n', fields.check)
    spaced = next(d for d in found if d.code == "SL606")
    assert (spaced.locus, spaced.text_key) == ("topics[]", digest("Robots"))


def test_reordering_related_entries_and_inserting_lines_keep_every_fingerprint(tmp_path):
    config = Config(root=tmp_path, related_scope="hosts")
    before = check_paths(news(tmp_path) / "_news", config=config)
    path = tmp_path / "_news" / CLEARVIEW
    reordered, entries = reversed_related(path.read_text(encoding="utf-8"))
    assert entries == 12
    # An unrelated edit too: a comment line at the top shifts every line of the document.
    path.write_text(reordered.replace("---\n", "---\n# re-ordered\n", 1), encoding="utf-8")
    after = check_paths(tmp_path / "_news", config=config)
    assert keys(after) == keys(before)
    moved = {d.line for d in after.diagnostics if CLEARVIEW in d.path}
    assert moved != {d.line for d in before.diagnostics if CLEARVIEW in d.path}


def test_a_warm_run_reports_the_fingerprints_it_cached(tmp_path):
    config = Config(root=tmp_path, related_scope="hosts")
    sources = discover([news(tmp_path) / "_news"], config)
    cold = run(sources, config, cache=DiskCache(tmp_path / "cache", config), run_id="x")
    warm = run(sources, config, cache=DiskCache(tmp_path / "cache", config), run_id="y")
    assert keys(warm) == keys(cold) and len(cold.diagnostics) == 16
    assert all(d.locus and d.text_key for d in warm.diagnostics)


# Matching ----------------------------------------------------------------------------------------------------


def finding(code: str, locus: str, text: str, severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic("_news/a.md", 1, 1, code, severity, "m", locus=locus, text_key=digest(text))


def test_matching_counts_occurrences(tmp_path):
    config = Config(root=tmp_path)
    twice = [finding("SL504", "related[https://a.example/x].webUrl", "x")] * 2
    comparison = compare.Comparison(baseline=Counter({("SL504", "_news/a.md", twice[0].locus, twice[0].text_key): 1}))
    split = compare.split(twice, config, comparison)
    assert (len(split.new), len(split.old), split.baselined, split.fixed) == (1, 1, 1, 0)
    # At a revision too: a finding new since it, even when the baseline holds another of the same document.
    comparison.before = twice
    split = compare.split(twice, config, comparison)
    assert (len(split.new), len(split.old), split.baselined) == (0, 2, 1)
    gone = compare.split([], config, comparison)
    assert gone.fixed == 1


def test_a_comparison_without_baseline_finds_the_new_findings_of_a_match_by_key():
    """Without a baseline, `split` matches only the documents whose findings differ between the two runs
    (compare._new_by_document); it must name the same new findings, in the same order, as matching every
    finding by key does (what it does with a baseline, here an empty one). Real findings, randomly changed."""
    config = Config(root=FIXTURES)
    found = run(discover([FIXTURES / "ai-news"], config), config).diagnostics
    assert len(found) > 100
    chance = random.Random(22)
    for _ in range(200):
        before = [d for d in found if chance.random() > 0.05]
        now = []
        for d in found:
            roll = chance.random()
            if roll < 0.03:
                continue  # fixed
            if roll < 0.06:
                now += [d, dataclasses.replace(d)]  # twice: once new
            elif roll < 0.09:
                now.append(dataclasses.replace(d, text_key=d.text_key + "x"))  # another value
            elif roll < 0.12:
                now.append(dataclasses.replace(d, path=chance.choice(found).path))  # in another document
            else:
                now.append(d if roll < 0.6 else dataclasses.replace(d))  # the same, or an equal copy
        by_document = compare.split(now, config, compare.Comparison(before=before))
        by_key = compare.split(now, config, compare.Comparison(before=before, baseline=Counter()))
        assert [id(d) for d in by_document.new] == [id(d) for d in by_key.new]
        assert [id(d) for d in by_document.old] == [id(d) for d in by_key.old]


def test_two_runs_sharing_a_stored_reports_parts_are_compared_by_their_replaced_documents(tmp_path, monkeypatch):
    """A hook's two runs answered from the same stored report hold its parts (results.Findings), some documents'
    findings replaced on either side; `split` then compares those documents only and counts the old findings
    from the parts' columns. It must find the same new findings, in the same order, the same documents
    differing and the same old findings by severity as comparing the two lists whole. Real findings, randomly
    changed documents."""
    monkeypatch.setattr(cache_module, "PART_FILES", 10)  # (80 documents: several parts)
    config = Config(root=FIXTURES)
    sources = discover([FIXTURES / "ai-news"], config)
    cache = DiskCache(tmp_path / "cache", config)
    found = run(sources, config, cache=cache, run_id="run").diagnostics
    report = cache.last_report("run")
    assert report is not None and "diagnostics" not in report and len(report.parts) > 1
    stored = report.findings()
    assert stored.listed() == found and len(stored) == len(found)
    found = stored.listed()  # (the parts' own objects)
    paths = sorted({source.display_path for source in sources})
    chance = random.Random(22)

    def changed() -> dict[str, list[Diagnostic]]:
        replaced = {}
        for path in chance.sample(paths, chance.randint(0, 6)):
            mine = [d for d in found if d.path == path]
            roll = chance.random()
            if roll < 0.3:
                replaced[path] = []  # every finding fixed (or none, as before)
            elif roll < 0.6:
                replaced[path] = [dataclasses.replace(d) for d in mine]  # equal copies
            else:
                extra = [dataclasses.replace(d, text_key=d.text_key + "x") for d in mine[:2]]
                replaced[path] = mine[1:] + extra  # one gone, others of another value
        return replaced

    news = 0
    for _ in range(150):
        now, before = stored.replacing(changed()), stored.replacing(changed())
        by_parts = compare.split(now, config, compare.Comparison(before=before))
        news += len(by_parts.new)
        whole = compare.split(now.listed(), config, compare.Comparison(before=before.listed()))
        assert by_parts.old is None and whole.old is not None
        assert [id(d) for d in by_parts.new] == [id(d) for d in whole.new]
        assert by_parts.differing == whole.differing
        assert by_parts.old_severities == whole.old_severities == Counter(d.severity.value for d in whole.old)
        assert sum(now.severities().values()) == len(now) == len(now.listed())
        expected = [d for d in found if d.path not in now.replaced] + [d for f in now.replaced.values() for d in f]
        assert sorted(map(id, now.listed())) == sorted(map(id, expected))
        assert [d.path for d in now.listed()] == sorted(d.path for d in expected)
    assert news > 100
    cache.close()


def test_fail_on():
    warning = finding("SL505", "related[x].title", "t", Severity.WARNING)
    assert not compare.fails([warning], "new-errors")
    assert compare.fails([warning], "new-warnings")
    assert compare.fails([finding("SL202", "publishedDateTime", "d")], "new-errors")


# The baseline file, through the command line ---------------------------------------------------------------


def test_write_baseline_never_overwrites_a_file_that_is_no_baseline(tmp_path):
    # (`--write-baseline pyproject.toml` replaced the configuration with the findings, without a word)
    folder = news(tmp_path)
    document = sorted((folder / "_news").iterdir())[0]
    before = {path: path.read_bytes() for path in (folder / "pyproject.toml", document)}
    for path in before:
        written = seedlint(folder, "check", "--write-baseline", str(path.relative_to(folder)))
        assert written.returncode == 2
        assert written.stderr.endswith(
            f"Error: baseline {path.relative_to(folder)} exists and is no seedlint baseline: not overwritten (name "
            "another file, or remove it first if it is not needed)\n"
        )
    assert {path: path.read_bytes() for path in before} == before
    (folder / "empty.json").write_text("")
    for _ in range(2):  # an empty file, then a baseline, is written
        assert seedlint(folder, "check", "--write-baseline", "empty.json").returncode == 0
    assert (folder / "empty.json").read_text().startswith('{"seedlint-baseline": 1,')


def written_baseline(folder: Path, option: str) -> str:
    """`check` with a `--write-baseline` option on the 16 findings of `news`: what it says after what it recorded."""
    written = seedlint(folder, "check", option)
    assert written.returncode == 0, written.stderr
    recorded, advice = written.stderr.splitlines()
    shown = option.partition("=")[2] or "seedlint-baseline.json"
    assert recorded == f"seedlint: recorded 16 findings (2 errors, 10 warnings, 4 infos) in {shown}"
    return advice.removeprefix("seedlint: ")


@pytest.fixture
def adopted(tmp_path) -> Path:
    folder = news(tmp_path)
    first = seedlint(folder, "check")
    assert first.returncode == 1 and "Found 16 problems (2 errors, 10 warnings, 4 infos)" in first.stdout
    assert written_baseline(folder, "--write-baseline") == (
        'use it: `baseline = "seedlint-baseline.json"` in the configuration, or `--baseline seedlint-baseline.json`'
    )
    (folder / "pyproject.toml").write_text(CONFIG + 'baseline = "seedlint-baseline.json"\n')
    return folder


OLD = (
    "16 findings existed before this change (2 errors, 10 warnings, 4 infos; 16 in the baseline): "
    "`seedlint check --no-baseline` lists them"
)


def test_the_baseline_file_is_sorted_json_one_finding_a_line(adopted):
    text = (adopted / "seedlint-baseline.json").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == '{"seedlint-baseline": 1, "findings": [' and lines[-1] == "]}" and len(lines) == 18
    entries = json.loads(text)["findings"]
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == entries
    assert entries == sorted(entries, key=lambda e: (e["path"], e["code"], e["field"], e["text-hash"], e["message"]))
    dangling = next(e for e in entries if e["code"] == "SL504" and e["path"] == f"_news/{CLEARVIEW}")
    assert dangling["field"].startswith("related[https://thehill.com/") and dangling["field"].endswith("].webUrl")
    assert dangling["message"].startswith("related[8] → https://thehill.com/")


def test_the_baseline_is_made_and_written_a_finding_at_a_time(tmp_path):
    # (made whole first, a baseline of 410,000 findings took 900 MB more than the run)
    config = Config(root=tmp_path)
    found = [finding("SL504", f"related[https://a.example/{n}].webUrl", str(n)) for n in range(3)]
    pieces = list(baseline.render(found, config))
    assert len(pieces) == 5 and pieces[0] == '{"seedlint-baseline": 1, "findings": [\n' and pieces[-1] == "]}\n"
    assert pieces[1].endswith("},\n") and pieces[3].endswith("}\n")
    assert [entry["field"] for entry in json.loads("".join(pieces))["findings"]] == [f.locus for f in found]
    baseline.write(tmp_path / "b.json", iter(pieces))
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == "".join(pieces)
    assert "".join(baseline.render([], config)) == '{"seedlint-baseline": 1, "findings": [\n]}\n'


def test_with_the_baseline_only_new_findings_are_reported_and_fail(adopted):
    clean = seedlint(adopted, "check")
    assert (clean.returncode, clean.stdout) == (0, f"No new problem outside the baseline in 30 files checked; {OLD}.\n")
    path = adopted / "_news" / FASTCOMPANY
    path.write_text(
        path.read_text().replace("publishedDateTime: 2020-02-19T18:05:00Z", "publishedDateTime: 2020-02-30T18:05:00Z")
    )
    broken = seedlint(adopted, "check")
    assert broken.returncode == 1
    lines = broken.stdout.splitlines()
    # The one error first, then the stale copies the same edit made in three documents that copy the date.
    assert lines[0] == (
        f"_news/{FASTCOMPANY}:5:20: SL202 publishedDateTime 2020-02-30T18:05:00Z is not a real date: "
        "February 2020 has 29 days"
    )
    assert [line.split(":")[0].rsplit("/", 1)[1][:40] for line in lines[1:4]] == [
        "2020-02-12-public-perception-of-facial-r",
        "2020-02-17-facial-recognition-surveillan",
        "2020-02-17-facial-recognition-technology",
    ]
    assert all(" SL505 " in line for line in lines[1:4])
    assert lines[4:] == [
        "Found 4 new problems outside the baseline (1 error, 3 warnings) in 30 files checked. 3 fixable with "
        "`seedlint fix --unsafe-fixes`.",
        f"And {OLD}.",
    ]
    everything = seedlint(adopted, "check", "--no-baseline", "--statistics")
    assert everything.returncode == 1 and everything.stdout.splitlines()[-1].startswith("Found 20 problems")


def test_a_fixed_finding_is_reported_and_the_baseline_refreshed(adopted):
    path = adopted / "_news" / CLEARVIEW
    text = path.read_text(encoding="utf-8")
    # The two SL312 findings of the document (webUrl and ampWebUrl; the AMP-cache address follows ampWebUrl).
    assert text.count("?__twitter_impression=true") == 3
    path.write_text(text.replace("?__twitter_impression=true", ""), encoding="utf-8")
    result = seedlint(adopted, "check")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "No new problem outside the baseline in 30 files checked; 14 findings existed before this change "
        "(2 errors, 10 warnings, 2 infos; 14 in the baseline): `seedlint check --no-baseline` lists them.",
        "2 findings of the baseline no longer occur (fixed): refresh it with `seedlint check --write-baseline`.",
    ]
    refreshed = seedlint(adopted, "check", "--write-baseline")
    assert (
        refreshed.stderr
        == "seedlint: recorded 14 findings (2 errors, 10 warnings, 2 infos) in seedlint-baseline.json\n"
    )
    assert seedlint(adopted, "check").stdout.count("\n") == 1


def test_baseline_entries_survive_reordering_and_unrelated_edits(adopted):
    path = adopted / "_news" / CLEARVIEW
    reordered, _ = reversed_related(path.read_text(encoding="utf-8"))
    path.write_text(reordered.replace("\nquality: ", "\n# reviewed\nquality: ", 1), encoding="utf-8")
    other = adopted / "_news" / THIRTY[0].name
    other.write_text(other.read_text(encoding="utf-8").replace("\n---\n", "\n---\n\nMore body text.\n", 1))
    result = seedlint(adopted, "check")
    assert (result.returncode, result.stdout) == (
        0,
        f"No new problem outside the baseline in 30 files checked; {OLD}.\n",
    )


def test_fail_on_new_warnings(adopted):
    path = adopted / "_news" / FASTCOMPANY
    path.write_text(path.read_text().replace("The technology that", "The tech that", 1))
    relaxed = seedlint(adopted, "check")
    assert relaxed.returncode == 0 and "Found 3 new problems outside the baseline (3 warnings)" in relaxed.stdout
    assert seedlint(adopted, "check", "--fail-on", "new-warnings").returncode == 1
    (adopted / "pyproject.toml").write_text(CONFIG + 'baseline = "seedlint-baseline.json"\nfail-on = "new-warnings"\n')
    assert seedlint(adopted, "check").returncode == 1


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{", "seedlint-baseline.json:1:2: not JSON: Expecting property name enclosed in double quotes"),
        ('{"findings": []}', 'not a seedlint baseline of format 1 (an object with "seedlint-baseline": 1'),
        (
            '{"seedlint-baseline": 1, "findings": [{"path": "_news/a.md", "code": "SL999", "field": "", '
            '"text-hash": "", "message": ""}]}',
            "finding 1 (_news/a.md) names rule SL999, which does not exist (any more): refresh the baseline",
        ),
        ('{"seedlint-baseline": 1, "findings": [{"path": 3}]}', "finding 1 is not an object of the texts path, code"),
        ('{"seedlint-baseline": true, "findings": []}', '"seedlint-baseline" is true, not 1: not a baseline of the'),
        (
            '{"seedlint-baseline": 1, "findings": [{"path": "_news/a.md", "code": "SL401", "field": "", '
            '"text-hash": "", "message": "", "extra": 1}]}',
            'finding 1 (_news/a.md): unexpected key "extra" (a finding holds the texts path, code, field, ',
        ),
    ],
)
def test_a_malformed_baseline_is_a_usage_error(adopted, content, problem):
    (adopted / "seedlint-baseline.json").write_text(content)
    result = seedlint(adopted, "check")
    assert result.returncode == 2 and problem in result.stderr, result.stderr


ENTRY = '{"path": "_news/a.md", "code": "SL401", "field": "title", "text-hash": "3f9a", "message": "m"'
AGAIN = "write it again with `seedlint check --write-baseline`"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        # (in Python True == 1 and 1.0 == 1: neither is format 1)
        (
            '{"seedlint-baseline": true, "findings": []}',
            f'"seedlint-baseline" is true, not 1: not a baseline of the format this seedlint reads; {AGAIN}',
        ),
        (
            '{"seedlint-baseline": 1.0, "findings": []}',
            f'"seedlint-baseline" is 1.0, not 1: not a baseline of the format this seedlint reads; {AGAIN}',
        ),
        (
            '{"seedlint-baseline": "1", "findings": []}',
            f'"seedlint-baseline" is "1", not 1: not a baseline of the format this seedlint reads; {AGAIN}',
        ),
        (
            '{"seedlint-baseline": 2, "findings": []}',
            f'"seedlint-baseline" is 2, not 1: not a baseline of the format this seedlint reads; {AGAIN}',
        ),
        (
            '{"seedlint-baseline": 1, "findings": [], "extra": 1}',
            'unexpected key "extra" (a baseline holds "seedlint-baseline" and "findings")',
        ),
        (
            f'{{"seedlint-baseline": 1, "findings": [{ENTRY}}}], "findings": []}}',
            'the key "findings" appears twice (a baseline holds "seedlint-baseline" and "findings")',
        ),
        (
            f'{{"seedlint-baseline": 1, "findings": [{ENTRY}}}, {ENTRY}, "extra": 1}}]}}',
            'finding 2 (_news/a.md): unexpected key "extra" (a finding holds the texts path, code, field, text-hash, '
            "message)",
        ),
        (
            f'{{"seedlint-baseline": 1, "findings": [{ENTRY}, "code": "SL402"}}]}}',
            'finding 1 (_news/a.md): the key "code" appears twice (a finding holds the texts path, code, field, '
            "text-hash, message)",
        ),
    ],
)
def test_a_baseline_with_a_key_or_format_it_should_not_have_is_refused_naming_it(content, problem):
    """What the README calls a usage error is one: a finding is five texts, the file holds the format and the
    findings, format 1 is the number 1, and a key held twice (JSON keeps the last) is no choice to make silently."""
    with pytest.raises(baseline.BaselineError) as refused:
        baseline.parse(content.encode(), "b.json")
    assert str(refused.value) == f"baseline b.json: {problem}"
    assert baseline.parse(f'{{"seedlint-baseline": 1, "findings": [{ENTRY}}}, {ENTRY}}}]}}'.encode(), "b.json") == (
        Counter({("SL401", "_news/a.md", "title", "3f9a"): 2})
    )


def test_a_missing_or_outside_baseline_is_a_usage_error(adopted):
    (adopted / "seedlint-baseline.json").unlink()
    missing = seedlint(adopted, "check")
    assert missing.returncode == 2
    assert "seedlint-baseline.json not found: record today's findings with `seedlint check --write-baseline`" in (
        missing.stderr
    )
    (adopted / "pyproject.toml").write_text(CONFIG + 'baseline = "../elsewhere.json"\n')
    outside = seedlint(adopted, "check")
    assert outside.returncode == 2 and "`baseline` names ../elsewhere.json, which leads outside the project root" in (
        outside.stderr
    )


def test_write_baseline_records_the_whole_corpus_only(adopted):
    given = seedlint(adopted, "check", "--write-baseline", "_news")
    assert given.returncode == 2 and "seedlint-baseline.json" not in given.stderr  # _news taken as FILE: a folder
    assert "is a folder: name a file (`--write-baseline=FILE`)" in given.stderr
    paths = seedlint(adopted, "check", "--write-baseline=b.json", "_news")
    assert paths.returncode == 2 and "--write-baseline records the whole configured corpus" in paths.stderr


def test_write_baseline_writes_the_file_that_baseline_names(adopted):
    # (before, `--baseline b.json` was ignored and the configured seedlint-baseline.json overwritten)
    before = (adopted / "seedlint-baseline.json").read_bytes()
    written = seedlint(adopted, "check", "--write-baseline", "--baseline", "b.json")
    assert written.returncode == 0, written.stderr
    assert "recorded 16 findings (2 errors, 10 warnings, 4 infos) in b.json\n" in written.stderr
    assert (adopted / "b.json").read_bytes() == before
    assert (adopted / "seedlint-baseline.json").read_bytes() == before


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "its values nest too deeply"),
        (b'{"seedlint-baseline": 1' + b"0" * 5000 + b', "findings": []}', "it holds a number of over 4,300 digits"),
    ],
    ids=["deep", "huge-integer"],
)
def test_a_baseline_python_cannot_read_is_a_baseline_error_not_an_internal_one(raw, why):
    with pytest.raises(baseline.BaselineError) as raised:
        baseline.parse(raw, "bl.json")
    assert str(raised.value) == f"baseline bl.json: not read: {why}"


@pytest.mark.parametrize("name", ["", "a\u0000b.md"], ids=["empty", "nul"])
def test_a_baseline_finding_whose_path_no_file_can_have_is_a_baseline_error(name):
    raw = json.dumps(
        {
            "seedlint-baseline": 1,
            "findings": [{"code": "SL402", "path": name, "field": "title", "text-hash": "x", "message": "m"}],
        }
    ).encode()
    with pytest.raises(baseline.BaselineError) as raised:
        baseline.parse(raw, "bl.json")
    assert str(raised.value) == f"baseline bl.json: finding 1 names the path {json.dumps(name)}, which no file can have"


def test_a_baseline_written_outside_the_project_is_not_offered_as_a_configuration_key(tmp_path):
    """The configuration's paths must stay inside the project (a `baseline = "../x"` is refused), so a baseline
    written outside it is offered as `--baseline` only, which reads it."""
    folder = news(tmp_path / "site")
    assert written_baseline(folder, "--write-baseline=../outside.json") == (
        "use it: `--baseline ../outside.json` (outside the project, the configuration's `baseline` cannot name it)"
    )
    compared = seedlint(folder, "check", "--baseline", "../outside.json")
    assert compared.returncode == 0 and compared.stdout.startswith("No new problem outside the baseline")
    (folder / "pyproject.toml").write_text(CONFIG + 'baseline = "../outside.json"\n')
    refused = seedlint(folder, "check")
    assert refused.returncode == 2 and "leads outside the project root" in refused.stderr
