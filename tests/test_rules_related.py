"""SL5: related references resolved against the corpus, on real documents with injected defects."""

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, run_cli

from seedlint import engine
from seedlint.config import Config
from seedlint.discovery import discover

URL_002 = "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478292"
URL_000 = "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478451"
SEED_001 = "001_5ea581042828ec4e.txt"


@pytest.fixture
def seeds(tmp_path, monkeypatch):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    monkeypatch.chdir(tmp_path)
    return folder


def run(folder: Path, scope: str = "hosts", given: list[Path] | None = None, select=("SL5",)):
    config = Config(root=folder.parent, paths=[folder.name], related_scope=scope, select=list(select))
    corpus = discover([folder], config)
    if given is None:
        return engine.run(corpus, config)
    return engine.run(discover(given, config), config, corpus_sources=corpus)


def found(result):
    return [(Path(d.path).name, d.code, d.line, d.column) for d in result.diagnostics]


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def apply_fix(path: Path, diagnostic) -> str:
    text = path.read_text(encoding="utf-8")
    for e in sorted(diagnostic.fix.edits, key=lambda e: e.start, reverse=True):
        text = text[: e.start] + e.content + text[e.end :]
    return text


def test_seeds_under_their_configured_scope_report_only_the_real_stale_copy(seeds):
    # 001 copies 002's excerpt with mojibake (`Metâ€™s`); 002 itself reads `Met’s`.
    assert found(run(seeds)) == [(SEED_001, "SL505", 49, 14)]


def test_stale_copy_fix_restores_the_targets_value_exactly(seeds):
    [diagnostic] = run(seeds).diagnostics
    assert diagnostic.message.startswith("related[1] is a stale copy of 002_436ca83e3ef9a780.txt (excerpt differs)")
    assert diagnostic.fix.applicability.value == "safe"
    fixed = apply_fix(seeds / SEED_001, diagnostic)
    target_excerpt_line = (seeds / "002_436ca83e3ef9a780.txt").read_text(encoding="utf-8").splitlines()[3]
    assert fixed.splitlines()[48] == "    " + target_excerpt_line  # the same quoted text, indented as an entry
    original = (seeds / SEED_001).read_text(encoding="utf-8").splitlines()
    assert fixed.splitlines()[:48] == original[:48] and fixed.splitlines()[49:] == original[49:]


def test_an_empty_copied_provider_is_said_empty_and_has_no_fix_that_breaks_the_file(seeds):
    """A copy whose `provider:` holds nothing: its values were written where none is (the verification refused the
    text, while the check counted the fix), and the message said `provider is "None"`."""
    edit(
        seeds,
        SEED_001,
        "    provider:\n      name: Metropolitan Police Service\n      domain: police.uk\n    quality: 39",
        "    provider:\n    quality: 39",
    )
    diagnostics = [d for d in run(seeds).diagnostics if "provider" in d.message]
    [diagnostic] = diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("SL505", 53, 14)
    assert diagnostic.message == (
        "related[1] is a stale copy of 002_436ca83e3ef9a780.txt (provider differs): provider is empty but "
        '002_436ca83e3ef9a780.txt now has "name Metropolitan Police Service, domain police.uk"'
    )
    assert diagnostic.fix is None


def test_a_stale_copy_differing_near_its_end_is_shown_where_it_differs(seeds):
    """Two long values cut at their first 67 characters would read the same: both are cut around the difference."""
    edit(seeds, "000_c11209e5b5b8f7fd.txt", "concerns about serious ...", "concerns about serious crime.")
    [diagnostic] = [d for d in run(seeds).diagnostics if d.line == 63]
    assert (diagnostic.code, diagnostic.column) == ("SL505", 14)
    assert diagnostic.message == (
        "related[2] is a stale copy of 000_c11209e5b5b8f7fd.txt (excerpt differs): excerpt is "
        '"...community concerns about serious ..." but 000_c11209e5b5b8f7fd.txt now has '
        '"...community concerns about serious crime."'
    )
    # A difference within the first 60 characters: the values are shown from their start, as before.
    assert (
        run(seeds)
        .diagnostics[0]
        .message.endswith(
            'excerpt is "As part of the Metâ€™s ongoing work to reduce serious violence in t..." but '
            '002_436ca83e3ef9a780.txt now has "As part of the Met’s ongoing work to reduce serious violence in the..."'
        )
    )


def test_url_altered_by_one_character_is_a_near_miss_with_a_safe_fix(seeds):
    edit(seeds, SEED_001, URL_002, URL_002.replace("478292", "478293"))
    result = run(seeds, select=["SL503"])
    [diagnostic] = result.diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("SL503", 51, 13)
    assert (
        diagnostic.message
        == f"related[1] → {URL_002[:-1]}3 does not resolve; did you mean 002_436ca83e3ef9a780.txt ({URL_002})?"
    )
    assert apply_fix(seeds / SEED_001, diagnostic) == (SEEDS / SEED_001).read_text(encoding="utf-8")


def test_deleted_target_dangles(seeds):
    (seeds / "002_436ca83e3ef9a780.txt").unlink()
    result = run(seeds, select=["SL504"])
    assert found(result) == [(SEED_001, "SL504", 51, 13)]
    assert (
        "does not resolve: the corpus has documents on that host but none at that address"
        in result.diagnostics[0].message
    )


def test_deleted_target_dangles_in_a_partial_run_of_another_file(seeds):
    # pre-commit passes only the changed files and never the deleted one: 001 is checked all the same.
    (seeds / "002_436ca83e3ef9a780.txt").unlink()
    result = run(seeds, given=[seeds / "000_c11209e5b5b8f7fd.txt"], select=["SL5"])
    assert found(result) == [(SEED_001, "SL504", 51, 13)]


def test_partial_run_reports_only_given_files_and_their_referrers(seeds):
    edit(
        seeds,
        "004_c5cf7e08ca5b8660.txt",
        '    webUrl: "https://www.computing.co.uk',
        '    webUrl: "https://www.computing.co.uk',
    )
    result = run(seeds, given=[seeds / "002_436ca83e3ef9a780.txt"], select=["SL5"])
    # 001 refers to 002, so its stale copy of 002 is reported although only 002 was given.
    assert found(result) == [(SEED_001, "SL505", 49, 14)]
    assert found(run(seeds, given=[seeds / "003_e08711b63be86b3c.txt"], select=["SL5"])) == []


def test_entry_without_url(seeds):
    edit(seeds, SEED_001, f'    webUrl: "{URL_002}"\n', "")
    assert found(run(seeds, select=["SL501"])) == [(SEED_001, "SL501", 48, 5)]


def test_malformed_url(seeds):
    edit(seeds, SEED_001, URL_002, "news.met.police.uk/news/x")
    result = run(seeds, select=["SL502"])
    assert found(result) == [(SEED_001, "SL502", 51, 13)]
    assert result.diagnostics[0].message == (
        "related[1] → news.met.police.uk/news/x has no scheme: a web address starts with https:// or http://: "
        "it names nothing"
    )


@pytest.mark.parametrize(
    "url, problem",
    [
        ("ftp://news.met.police.uk/x", "is a `ftp:` address, not a web (http or https) one"),
        ("https:/news.met.police.uk/x", "has no host: a web address reads https://host/path"),
        ("https://news.met police.uk/x", "has whitespace in its host `news.met police.uk`"),
    ],
)
def test_malformed_url_says_what_is_wrong(seeds, url, problem):
    edit(seeds, SEED_001, URL_002, url)
    [diagnostic] = run(seeds, select=["SL502"]).diagnostics
    assert diagnostic.message == f"related[1] → {url} {problem}: it names nothing"


def test_a_space_in_an_https_address_is_no_malformed_address(seeds):
    # SL304 reports the space; the address, read as a browser reads it, names nothing: here it nearly names 002
    # (by its copied title), which it was meant to.
    spaced = URL_002.replace("live-facial", "live facial")
    edit(seeds, SEED_001, URL_002, spaced)
    [diagnostic] = run(seeds, select=["SL502", "SL503", "SL504"]).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("SL503", 51, 13)
    assert diagnostic.message == (
        f"related[1] → {spaced} does not resolve; did you mean 002_436ca83e3ef9a780.txt ({URL_002})?"
    )


def test_self_reference(seeds):
    edit(seeds, SEED_001, URL_002, "https://www.bbc.com/news/uk-england-london-68062080")
    assert ("001_5ea581042828ec4e.txt", "SL506", 51, 13) in found(run(seeds, select=["SL506"]))


def test_an_exact_copy_of_the_document_itself_is_a_self_reference(seeds):
    # (an entry that copies its own document as it is: not stale, named once, but only itself)
    path = seeds / SEED_001
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    own = [next(line for line in lines if line.startswith(f"{name}: ")) for name in ("title", "excerpt", "webUrl")]
    at = lines.index("related:\n") + 1
    entry = [f"  - {own[0]}", *(f"    {line}" for line in [*own[1:], "type: article\n", "provider:\n"])]
    lines[at:at] = [
        *entry,
        "      name: BBC\n",
        "      domain: bbc.com\n",
        "    publishedDateTime: 2024-01-22T18:23:00Z\n",
    ]
    path.write_text("".join(lines), encoding="utf-8")
    # (and the seeds' real stale copy, the 8 lines inserted above it)
    assert found(run(seeds)) == [(SEED_001, "SL506", at + 3, 13), (SEED_001, "SL505", 49 + 8, 14)]


def test_same_target_twice_through_another_alias(seeds):
    # related[2] names 000 by webUrl; related[1] is rewritten to 000's address with `www.` and a trailing slash.
    edit(seeds, SEED_001, URL_002, URL_000.replace("https://news", "https://www.news") + "/")
    result = run(seeds, select=["SL507"])
    assert found(result) == [(SEED_001, "SL507", 65, 13)]
    assert (
        result.diagnostics[0].message
        == f"related[2] → {URL_000} names 000_c11209e5b5b8f7fd.txt again (already related[1])"
    )


def test_duplicated_document(seeds):
    shutil.copy(seeds / "000_c11209e5b5b8f7fd.txt", seeds / "005_copy.txt")
    result = run(seeds, select=["SL508"])
    assert found(result) == [("000_c11209e5b5b8f7fd.txt", "SL508", 7, 9), ("005_copy.txt", "SL508", 7, 9)]
    assert (
        result.diagnostics[0].message
        == f"webUrl {URL_000} is also the address of 005_copy.txt: two documents for one article"
    )


def test_a_large_cluster_of_duplicates_names_five_and_counts_the_others(seeds):
    # (30 copies of one article made each of their 30 messages name 29 files: 2 kB each, 66 MB of report)
    for number in range(7):
        shutil.copy(seeds / "000_c11209e5b5b8f7fd.txt", seeds / f"copy{number}.txt")
    result = run(seeds, select=["SL508"])
    assert [f[0] for f in found(result)] == ["000_c11209e5b5b8f7fd.txt"] + [f"copy{n}.txt" for n in range(7)]
    assert result.diagnostics[0].message == (
        f"webUrl {URL_000} is also the address of copy0.txt, copy1.txt, copy2.txt, copy3.txt, copy4.txt and 2 more: "
        "eight documents for one article"
    )
    assert result.diagnostics[-1].message == (
        f"webUrl {URL_000} is also the address of 000_c11209e5b5b8f7fd.txt, copy0.txt, copy1.txt, copy2.txt, "
        "copy3.txt and 2 more: eight documents for one article"
    )


def test_each_duplicate_names_the_first_other_that_writes_the_address_otherwise(seeds):
    # (a group's documents and addresses are gathered once for all its members: each still skips itself, and the
    # others that write the address as it does)
    text = (seeds / "000_c11209e5b5b8f7fd.txt").read_text(encoding="utf-8")
    written = URL_000.replace("https://", "https://www.")
    (seeds / "copyA.txt").write_text(text.replace(f'webUrl: "{URL_000}"', f'webUrl: "{written}"'), encoding="utf-8")
    (seeds / "copyB.txt").write_text(text, encoding="utf-8")
    result = run(seeds, select=["SL508"])
    assert [(Path(d.path).name, d.message) for d in result.diagnostics] == [
        (
            "000_c11209e5b5b8f7fd.txt",
            f"webUrl {URL_000} is, written otherwise, also the address of copyA.txt, copyB.txt ({written}): "
            "three documents for one article",
        ),
        (
            "copyA.txt",
            f"webUrl {written} is, written otherwise, also the address of 000_c11209e5b5b8f7fd.txt, copyB.txt "
            f"({URL_000}): three documents for one article",
        ),
        (
            "copyB.txt",
            f"webUrl {URL_000} is, written otherwise, also the address of 000_c11209e5b5b8f7fd.txt, copyA.txt "
            f"({written}): three documents for one article",
        ),
    ]


def test_closed_scope_reports_every_outside_entry(seeds):
    counts = {}
    for _, code, _, _ in found(run(seeds, scope="closed")):
        counts[code] = counts.get(code, 0) + 1
    assert counts == {"SL504": 15, "SL505": 1}
    assert found(run(seeds, scope="open")) == [(SEED_001, "SL505", 49, 14)]


def test_ai_news_sample_real_defects():
    result = run(FIXTURES / "ai-news", scope="closed")
    counts = {}
    for _, code, _, _ in found(result):
        counts[code] = counts.get(code, 0) + 1
    # The sample's README: 112 entries point outside it, 12 stale copies, 2 self-references, the same article
    # twice in one list in 8 files; plus the two Medium captures that differ only by a tracking parameter and
    # the two infoq captures of one article (duplicate documents). Two of the 12 stale copies are the two
    # self-references (a page listing itself under its old title): SL506 only, since the fix is to remove them.
    assert counts == {"SL504": 112, "SL505": 10, "SL506": 2, "SL507": 8, "SL508": 4}


def test_azure_subset_closed_under_references():
    # 27 real azure-news documents closed under their references: nothing dangles. Three addresses each have
    # two captures (SL508); each capture lists the other under their shared address: a link to the page's own
    # address (SL506, naming the other capture), and a copy of one of the captures, so never a stale copy.
    result = run(FIXTURES / "azure-news", scope="closed")
    codes = sorted({code for _, code, _, _ in found(result)})
    assert codes == ["SL506", "SL507", "SL508"]
    assert [f for f in found(result) if f[1] == "SL506"] == [
        ("2020-05-04-cloud-providers-see-aggressive-growth-amidst-covid-19-outbreak.md", "SL506", 30, 13),
        ("2020-05-05-cloud-providers-see-aggressive-growth-amidst-covid-19-pandemic.md", "SL506", 30, 13),
        ("2020-05-05-exclusive-dods-cio-makes-case-for-sticking-with-jedi.md", "SL506", 32, 13),
        ("2020-05-06-exclusive-dod-cio-makes-case-for-sticking-with-jedi.md", "SL506", 32, 13),
        ("2021-04-02-no-foolin-microsoft-cloud-outage-takes-azure-teams-and-office-365-offline.md", "SL506", 73, 13),
        ("2021-04-02-no-fooling-microsoft-cloud-outage-takes-azure-teams-and-office-365-offline.md", "SL506", 73, 13),
    ]
    assert result.diagnostics[1].message == (
        "related[0] → https://www.datacenterdynamics.com/en/news/cloud-providers-see-aggressive-growth-amidst-covid-19"
        "-outbreak/ is this document's own address (also the address of "
        "2020-05-05-cloud-providers-see-aggressive-growth-amidst-covid-19-pandemic.md: SL508)"
    )


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


def test_since_makes_a_deletion_visible_at_every_scope(seeds):
    """`open` scope reports no plain dangling entry; `--since` still shows the one a deletion created."""
    _git(seeds.parent, "init", "-q")
    _git(seeds.parent, "-c", "user.name=t", "-c", "user.email=t@t", "add", "seeds")
    _git(seeds.parent, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "seeds")
    (seeds / "002_436ca83e3ef9a780.txt").unlink()
    (seeds.parent / "seedlint.toml").write_text('paths = ["seeds"]\nrelated-scope = "open"\nselect = ["SL504"]\n')
    status, output = run_cli("check", "--output-format", "concise", "--no-cache")
    assert (status, output) == (0, "All checks passed (4 files checked).\n")
    status, output = run_cli("check", "--output-format", "concise", "--no-cache", "--since", "HEAD")
    assert status == 1
    assert output.splitlines()[0] == (
        f"seeds/{SEED_001}:51:13: SL504 related[1] → https://news.met.police.uk/news/"
        "live-facial-recognition-used-in-croydon-478292 does not resolve: it named "
        "002_436ca83e3ef9a780.txt at HEAD, which no longer has that address (deleted or changed)"
    )


def test_since_an_unknown_revision_is_a_usage_error(seeds):
    _git(seeds.parent, "init", "-q")
    status, output = run_cli("check", "--no-cache", "--since", "no-such-rev", "seeds")
    assert status == 2 and "--since: unknown revision `no-such-rev`" in output


def test_another_document_is_named_with_the_way_from_the_folder_of_the_one_reported(isolated_cwd):
    # Named by file name alone, `b.md` and `sub/b.md` were each "the address of b.md".
    seed = (SEEDS / "002_436ca83e3ef9a780.txt").read_bytes()
    (isolated_cwd / "sub").mkdir()
    (isolated_cwd / "b.md").write_bytes(seed)
    (isolated_cwd / "sub" / "b.md").write_bytes(seed)
    _status, output = run_cli("check", "--isolated", "--no-cache", "--select", "SL508", "--output-format", "concise")
    assert output.splitlines()[:2] == [
        "b.md:7:9: SL508 webUrl https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478292 is "
        "also the address of sub/b.md: two documents for one article",
        "sub/b.md:7:9: SL508 webUrl https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478292 "
        "is also the address of ../b.md: two documents for one article",
    ]


def test_a_stale_copy_that_differs_only_where_it_does_not_show_says_where(seeds):
    # "title is "Live Facial Recognition used in Croydon" but … now has "Live Facial Recognition used in Croydon"":
    # the same text twice to a reader, a no-break space in one (found fuzzing the rules' precision).
    edit(
        seeds,
        SEED_001,
        '  - title: "Live Facial Recognition used in Croydon"',
        '  - title: "Live Facial\u00a0Recognition used in Croydon"',
    )
    [diagnostic] = [d for d in run(seeds).diagnostics if d.path.endswith(SEED_001) and d.line == 48]
    assert diagnostic.message.endswith(
        "(they differ only where it does not show, at character 12: U+00A0 NO-BREAK SPACE against U+0020 SPACE)"
    )
