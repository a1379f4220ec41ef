"""`seedlint report`: the HTML page parses as HTML5, every number on it is the JSON summary's, the numbers
are the corpus's (checked against the real ai-news sample's documented figures and against `check`),
document text is escaped, nothing is fetched, and the trend over a git history built here is exact."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, seed_text

from seedlint.cli import main
from seedlint.report.html import lookup

AI_NEWS = FIXTURES / "ai-news"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def report(*args: str) -> tuple[str, dict]:
    """The HTML page and the JSON summary of the same arguments."""
    status, page, _ = invoke("report", *args)
    assert status == 0
    status, text, _ = invoke("report", "--format", "json", *args)
    assert status == 0
    return page, json.loads(text)


def parse(page: str) -> ElementTree.Element:
    """The page through a real HTML5 parser, which raises on any parse error."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)


def numbers(tree: ElementTree.Element) -> list[tuple[str, str]]:
    return [
        (element.get("data-num"), "".join(element.itertext())) for element in tree.iter() if element.get("data-num")
    ]


@pytest.fixture
def ai_news(tmp_path, monkeypatch):
    """A copy of the real ai-news sample with a configuration, as a maintainer's repository has."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(AI_NEWS, tmp_path / "news")
    (tmp_path / "seedlint.toml").write_text('paths = ["news"]\nrelated-scope = "hosts"\n')
    return tmp_path


def test_every_number_on_the_page_is_the_json_summarys(ai_news):
    page, summary = report()
    tree = parse(page)
    found = numbers(tree)
    assert len(found) > 300  # the page really marks its numbers
    for path, text in found:
        value = lookup(summary, path)
        assert text == (str(value) if ".line" in path or ".column" in path else f"{value:,}"), path
    for element in tree.iter():
        if element.get("data-part"):
            part, whole = lookup(summary, element.get("data-part")), lookup(summary, element.get("data-whole"))
            assert "".join(element.itertext()) == (f"{100 * part / whole:.1f}%" if whole else "–")
    # every section's numbers are there: rules, months, providers, graph, worst documents
    paths = {path for path, _ in found}
    for key in ("totals.errors", "references.outside", "rules.0.findings", "heatmap.rows.0.total", "graph.orphans"):
        assert key in paths
    assert any(p.startswith("worst.0.items.") for p in paths) and any(p.startswith("providers.") for p in paths)


def test_the_numbers_are_the_corpus_documented_figures(ai_news):
    """shared/corpus/README.md: 246 related entries, 134 resolve inside the sample, 112 point outside it,
    19 of those to hosts the sample has; 12 stale copies, 2 self-references, 8 duplicate entries."""
    _, summary = report()
    assert summary["references"] == {
        "documents_with_related": 50,
        "entries": 246,
        "resolved": 134,
        "unresolved": 112,
        "dangling": 19,  # related-scope = "hosts": the entries on the sample's hosts
        "near_miss": 0,
        "malformed": 0,
        "outside": 93,
        "missing_url": 0,
        "stale": 10,  # the README's 12 stale copies include the 2 self-references, reported as SL506 only
        "self_references": 2,
        "duplicate_entries": 8,
    }
    assert summary["totals"]["documents"] == 80


def test_the_findings_are_those_of_check(ai_news):
    status, text, _ = invoke("check", "--output-format", "json")
    assert status == 1
    checked = json.loads(text)
    _, summary = report()
    assert summary["totals"]["findings"] == len(checked)
    assert {r["code"]: r["findings"] for r in summary["rules"]} == Counter(d["code"] for d in checked)
    assert {r["code"]: r["documents"] for r in summary["rules"]} == {
        code: len({d["path"] for d in checked if d["code"] == code}) for code in {d["code"] for d in checked}
    }
    assert summary["severities"] == {s: sum(d["severity"] == s for d in checked) for s in ("error", "warning", "info")}
    assert summary["totals"]["documents_with_findings"] == len({d["path"] for d in checked})
    assert sum(summary["heatmap"]["findings"]) == len(checked)
    assert sum(g["findings"] for g in summary["folders"]) == len(checked)
    worst = summary["worst"][0]
    assert worst["items"] == [
        {k: d[k] for k in ("line", "column", "code", "name", "severity", "message")}
        for d in checked
        if d["path"] == worst["path"]
    ]
    # every rule with findings is documented on the page, under the anchor its code links to
    page = parse(invoke("report")[1])
    anchors = {e.get("id") for e in page.iter() if e.get("id")}
    assert {f"rule-{r['code']}" for r in summary["rules"]} <= anchors
    links = {e.get("href") for e in page.iter("a")}
    assert all(link.startswith("#") for link in links)  # nothing leaves the page
    assert {link[1:] for link in links} <= anchors


def test_the_fixable_findings_are_counted_as_check_counts_them(ai_news):
    """SL505's copies are safe fixes, SL312's tracking parameters unsafe ones: `seedlint fix` repairs the first.
    (One of the five tracking parameters is held: removed, it would make one capture's address another's.)"""
    status, text, _ = invoke("check", "--output-format", "concise")
    assert status == 1 and text.endswith(" 10 fixable with `seedlint fix` (4 more with `--unsafe-fixes`).\n")
    page, summary = report()
    assert (summary["totals"]["fixable"], summary["totals"]["unsafe_fixable"]) == (10, 4)
    assert {
        r["code"]: (r["fixable"], r["unsafe_fixable"]) for r in summary["rules"] if r["fixable"] or r["unsafe_fixable"]
    } == {
        "SL505": (10, 0),
        "SL312": (0, 4),
    }
    shown = " ".join("".join(parse(page).itertext()).split())
    assert (
        "seedlint fix repairs 20.8% of the findings (10); 4 more with --unsafe-fixes, which may change meaning (see "
        "each rule's fix safety)." in shown
    )
    assert "10findings seedlint fix repairs4 more with --unsafe-fixes; of 48 findings" in shown  # (the card)


def test_the_baseline_inventory_counts_what_it_holds_and_what_was_fixed(ai_news):
    assert invoke("check", "--write-baseline")[0] == 0
    (ai_news / "seedlint.toml").write_text(
        'paths = ["news"]\nrelated-scope = "hosts"\nbaseline = "seedlint-baseline.json"\n'
    )
    recorded = [
        json.loads(line.rstrip(",")) for line in (ai_news / "seedlint-baseline.json").read_text().splitlines()[1:-1]
    ]
    # A tracking parameter to fix (not the one whose removal would make its capture's address the other's: held)
    tracked = next(entry for entry in recorded if entry["code"] == "SL312" and "computer-vision" not in entry["path"])
    assert invoke("fix", "--unsafe-fixes", "--no-baseline", "--select", "SL312", tracked["path"])[0] in (0, 1)
    page, summary = report()
    inventory = summary["baseline"]
    # Fixed: the tracking parameter, and the SL508 on the same webUrl (its offending text changed: the finding
    # the corpus has now is another one, not in the baseline).
    assert inventory["entries"] == len(recorded) and inventory["fixed"] == 2
    assert inventory["still_found"] == len(recorded) - inventory["fixed"]
    assert inventory["by_code"] == dict(sorted(Counter(entry["code"] for entry in recorded).items()))
    assert inventory["documents"] == len({entry["path"] for entry in recorded})
    shown = dict(numbers(parse(page)))
    assert shown["baseline.entries"] == f"{len(recorded):,}" and shown["baseline.fixed"] == f"{inventory['fixed']:,}"


def test_the_reference_graph(ai_news):
    _, summary = report()
    graph = summary["graph"]
    # The sample's 134 resolving entries are the edges; 2 of them are self-references.
    assert graph["edges"] == 134
    assert sum(b["documents"] for b in graph["in_degree"]) == sum(b["documents"] for b in graph["out_degree"]) == 80
    assert graph["in_degree"][0] == {"label": "0", "documents": graph["orphans"]}
    assert graph["one_way"] + 2 * graph["mutual"] == graph["linked_pairs"]
    # 12 entries copy their target with a field that differs; 2 of those are the self-references (SL506
    # only): 10 stale edges
    assert graph["stale_edges"] == 10 == sum(t["count"] for t in graph["stalest_targets"])
    assert graph["dangling_edges"] == 19
    top = graph["most_referenced"][0]
    referrers = set()
    for path in (ai_news / "news").iterdir():
        if top["path"].rsplit("/", 1)[-1] != path.name:
            text = path.read_text(encoding="utf-8")
            url = re.search(r'^webUrl: "?([^"\n]+)', (ai_news / top["path"]).read_text(encoding="utf-8"), re.M)[1]
            if url in text:
                referrers.add(path.name)
    assert top["count"] == len(referrers)
    hood = graph["neighbourhoods"][0]
    assert hood["bad_edges"] >= 1
    for edges in (hood["out_edges"], hood["in_edges"]):  # the edges with findings come first
        fine = [edge["state"] in ("ok", "outside") for edge in edges]
        assert fine == sorted(fine)


def test_an_edge_to_an_address_several_captures_share_goes_where_the_entry_copies(tmp_path, monkeypatch):
    """azure-news (the fixture) holds three addresses with two captures each (SL508). Every related entry there
    copies exactly one document at its address: its edge goes to that one (not the first capture by path, which
    left a capture that entries copy without an edge), and an entry naming its own document's address is a
    self-reference (SL506) whoever shares that address."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "azure-news", tmp_path / "news")
    _, summary = report("news")
    graph = summary["graph"]
    assert summary["references"]["self_references"] == 6 and summary["references"]["stale"] == 0
    # The orphans are exactly the five documents without related entries (the fixture is closed under them).
    without = sorted(p.name for p in (tmp_path / "news").iterdir() if "\nrelated:\n" not in p.read_text())
    assert [d["path"] for d in graph["orphan_examples"]] == [f"news/{name}" for name in without]
    assert graph["orphans"] == 5
    # The later capture of the Breaking Defense article is copied by the AWS and First Ring documents; its own entry
    # at that address is a self-edge, not a link from it to the other capture.
    later = "news/2020-05-06-exclusive-dod-cio-makes-case-for-sticking-with-jedi.md"
    [hood] = [hood for hood in graph["neighbourhoods"] if hood["path"] == later]
    assert sorted(edge["path"] for edge in hood["in_edges"]) == [
        later,
        "news/2020-05-08-aws-files-a-second-jedi-protest-with-the-dod.md",
        "news/2020-05-08-first-ring-daily-live-return-of-the-jedi.md",
    ]
    assert graph["one_way"] == 0 and graph["linked_pairs"] == 2 * graph["mutual"] == 122


def test_document_text_is_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "news"
    folder.mkdir()
    hostile = "</title><script>alert(1)</script><img src=x onerror=alert(2)>"
    text = seed_text().replace('title: "', f'title: "{hostile} ', 1)
    text = text.replace("  name: ", f"  name: {hostile.replace(':', '')} ", 1)  # the provider's name
    (folder / "<b>bold<i>.md").write_text(text, encoding="utf-8")
    (folder / "other.md").write_text(seed_text("002_436ca83e3ef9a780.txt"), encoding="utf-8")
    page, summary = report("--isolated", "--no-cache", "news")
    tree = parse(page)
    assert [e for e in tree.iter() if e.tag in ("img", "b", "i", "iframe")] == []
    scripts = [e for e in tree.iter() if e.tag.endswith("script")]
    assert len(scripts) == 1 and "alert" not in (scripts[0].text or "")  # the page's own print script only
    assert all(not name.startswith("on") for e in tree.iter() for name in e.attrib)
    shown = "".join(tree.itertext())
    assert "news/<b>bold<i>.md" in shown
    assert any(hostile in p["name"] for p in summary["providers"])


def test_the_page_fetches_nothing(ai_news):
    tree = parse(invoke("report")[1])
    for element in tree.iter():
        for name in ("src", "href", "xlink:href", "{http://www.w3.org/1999/xlink}href", "action", "data"):
            value = element.get(name)
            assert value is None or value.startswith("#"), (element.tag, name, value)
        assert element.tag not in ("link", "iframe", "object", "embed", "img")
    styles = " ".join(e.text or "" for e in tree.iter() if e.tag.endswith("style"))
    assert "url(" not in styles and "@import" not in styles


def test_output_file_and_usage_errors(ai_news):
    status, _, stderr = invoke("report", "--output", "out.html")
    assert status == 0 and "report written to out.html" in stderr
    parse((ai_news / "out.html").read_text(encoding="utf-8"))
    status, _, stderr = invoke("report", "--history", "3")
    assert status == 2 and "--history: news is not in a git repository" in stderr
    status, _, stderr = invoke("report", "--output", "missing/out.html")
    assert status == 2 and "cannot write missing/out.html" in stderr


def test_a_file_without_front_matter_is_no_document_as_for_check(ai_news):
    (ai_news / "news" / "README.md").write_text("# About\n", encoding="utf-8")
    status, text, stderr = invoke("check", "--output-format", "concise")
    assert status == 1 and "in 80 files checked" in text and "set aside as no document: news/README.md" in stderr
    page, summary = report()
    totals = summary["totals"]
    assert (totals["documents"], totals["clean_documents"]) == (80, 80 - totals["documents_with_findings"])
    assert [g["documents"] for g in summary["folders"]] == [80] and summary["graph"]["documents"] == 80
    assert sum(summary["heatmap"]["documents"]) == 80 and "(no date)" not in summary["heatmap"]["months"]
    assert summary["not_documents"] == ["news/README.md"]
    assert "Set aside as no document (no front matter), as seedlint check does: news/README.md" in "".join(
        parse(page).itertext()
    )
    for name in (ai_news / "news").iterdir():  # nothing but files without front matter: a report of nothing
        if name.name != "README.md":
            name.unlink()
    status, _, stderr = invoke("report")
    assert status == 2
    assert stderr.splitlines()[-1] == "Error: no documents: the 1 file found has no front matter (news/README.md)"


def test_a_date_that_is_no_real_date_has_no_month(ai_news):
    """The month chart and heat-map read publishedDateTime as the SL2 rules do: 2020-13-45 names no month."""
    documents = sorted((ai_news / "news").glob("*.md"))[:3]
    for document, date in zip(documents, ["2020-13-45T00:00:00Z", '"0000-00-00T00:00:00Z"', "2020-02-30"], strict=True):
        text = document.read_text(encoding="utf-8")
        document.write_text(re.sub(r"(?m)^publishedDateTime: .*$", f"publishedDateTime: {date}", text, count=1))
    status, text, _ = invoke("check", "--select", "SL202", "--output-format", "json")
    assert status == 1 and len(json.loads(text)) == 3
    _, summary = report("--select", "SL202")
    heatmap = summary["heatmap"]
    assert heatmap["months"] == ["2019-12", "2020-01", "2020-02", "2021-03", "(no date)"]
    assert heatmap["documents"][-1] == 3 and sum(heatmap["documents"]) == 80
    assert heatmap["rows"] == [{"code": "SL202", "counts": [0, 0, 0, 0, 3], "total": 3}]


def test_a_report_of_some_documents_counts_as_check_of_them(ai_news):
    """A report of a file is about that file: the findings check reports in it (cross-document ones included);
    the findings check also reports in other documents are counted as check's summary line counts them, and the
    graph says it is the whole corpus's."""
    given = "news/2020-02-12-met-police-try-to-calm-tensions-as-live-facial-recognition-hits-london.md"
    status, text, _ = invoke("check", "--output-format", "concise", given)
    assert status == 1
    assert "in 1 file checked, 27 of them in 18 other documents of the corpus (cross-document rules)." in text
    status, text, _ = invoke("check", "--output-format", "json", given)
    own = [d for d in json.loads(text) if d["path"] == given]
    page, summary = report(given)
    assert summary["totals"]["documents"] == 1 and summary["totals"]["findings"] == len(own) == 1
    assert [(r["code"], r["findings"]) for r in summary["rules"]] == [(d["code"], 1) for d in own]
    assert summary["partial"] == {"corpus": 80, "elsewhere_findings": 27, "elsewhere_documents": 18}
    assert summary["graph"]["documents"] == 80
    shown = " ".join("".join(parse(page).itertext()).split())
    assert (
        "A report of 1 of the corpus's 80 documents: their findings, those of the cross-document rules included "
        "(the reference graph is the whole corpus's). seedlint check of them also reports 27 findings in 18 other "
        "documents (those that reference them, and every related entry that dangles), which this report counts "
        "only here: report the whole corpus to see them." in shown
    )
    assert "The whole corpus's documents (80) and references, not only the given ones;" in shown
    assert report()[1]["partial"] is None  # (the whole corpus)


def test_history_in_a_repository_without_commits_says_there_is_none(ai_news):
    git(ai_news, "init", "-q")
    status, _, stderr = invoke("report", "--history", "5")
    assert status == 2
    assert stderr.splitlines()[-1] == (
        f"Error: --history 5: the repository at {ai_news} has no commit yet: there is no history to trend"
    )


def test_output_dash_is_standard_output(ai_news):
    status, text, stderr = invoke("report", "--format", "json", "--output", "-")
    assert status == 0 and json.loads(text)["totals"]["documents"] == 80
    assert stderr == "" and not (ai_news / "-").exists()
    status, text, stderr = invoke("report", "--format", "json", "-o", "./-")  # (a file named -, as for other tools)
    assert status == 0 and text == "" and stderr == "seedlint: report written to ./-\n"
    assert json.loads((ai_news / "-").read_text(encoding="utf-8"))["totals"]["documents"] == 80


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_a_reader_that_stops_early_ends_the_report_with_status_2(ai_news, unbuffered):
    # `seedlint report | head -c 10`, as `check`: a report not delivered whole is an error. With PYTHONUNBUFFERED
    # the page (185 kB, more than the 64 kB a pipe holds, so the run cannot end before the close) was one write,
    # which the reader's close cut short without an error: status 0.
    process = subprocess.Popen(
        [sys.executable, "-m", "seedlint", "report", "--no-cache"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": unbuffered},
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.read(10)
    process.stdout.close()
    assert process.wait(timeout=120) == 2
    assert len(first) == 10 and process.stderr.read() == b""


def test_suppressions_are_listed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "news"
    folder.mkdir()
    text = seed_text().replace("\ntype: article\n", "\ntype: article   # seedlint: ignore[SL606, SL2]\n", 1)
    (folder / "a.md").write_text("---\n# seedlint: ignore-file[SL3]\n" + text.removeprefix("---\n"), encoding="utf-8")
    _, summary = report("--isolated", "--no-cache", "news")
    line = 1 + text.removeprefix("---\n").split("\n").index("type: article   # seedlint: ignore[SL606, SL2]") + 2
    assert summary["suppressions"] == {
        "comments": 2,
        "documents": 1,
        "by_code": {"SL2": 1, "SL3": 1, "SL606": 1},
        "items": [
            {"path": "news/a.md", "line": 2, "kind": "ignore-file", "codes": ["SL3"]},
            {"path": "news/a.md", "line": line, "kind": "ignore", "codes": ["SL606", "SL2"]},
        ],
    }
    assert summary["baseline"] is None


# The trend over a git history built here, edit by edit.


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, env=GIT_ENVIRONMENT
    ).stdout


GIT_ENVIRONMENT = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
    "PATH": "/usr/bin:/bin:/usr/local/bin",
}


def commit(root: Path, message: str, date: str) -> str:
    git(root, "add", "-A")
    subprocess.run(
        ["git", "commit", "-q", "-m", message],
        cwd=root,
        check=True,
        env={**GIT_ENVIRONMENT, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date},
    )
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """Four commits: two clean documents; a third with a tracking parameter (SL312) and an escaped
    ampersand (SL306); an unrelated file; the ampersand fixed and a title with a trailing space (SL606)."""
    root = tmp_path / "repo"
    news = root / "news"
    news.mkdir(parents=True)
    monkeypatch.chdir(root)
    git(root, "init", "-q")
    clean = seed_text("002_436ca83e3ef9a780.txt")
    (news / "a.md").write_text(clean, encoding="utf-8")
    (news / "b.md").write_text(clean.replace('title: "', 'title: "B ', 1), encoding="utf-8")
    shas = [commit(root, "two documents", "2024-01-01T10:00:00+00:00")]
    url = re.search(r'^webUrl: "([^"]+)"', clean, re.M)[1]
    bad = clean.replace(url, url + "?utm_source=feed&amp;x=1", 1)
    (news / "c.md").write_text(bad, encoding="utf-8")
    shas.append(commit(root, "add c", "2024-01-02T10:00:00+00:00"))
    (root / "README").write_text("not the corpus\n")
    commit(root, "readme", "2024-01-03T10:00:00+00:00")
    (news / "c.md").write_text(bad.replace("&amp;", "&", 1).replace('title: "', 'title: " ', 1), encoding="utf-8")
    shas.append(commit(root, "fix c's ampersand <b>", "2024-01-04T10:00:00+00:00"))
    return root, shas


def test_the_trend_over_git_history_is_exact(repository):
    _, shas = repository
    status, text, _ = invoke(
        "report", "--isolated", "--select", "SL3,SL606", "--format", "json", "--history", "10", "news"
    )
    assert status == 0
    history = json.loads(text)["history"]
    # The commit that does not touch news/ is not a point of the trend.
    assert [(c["sha"], c["subject"], c["documents"], c["changed_documents"]) for c in history["commits"]] == [
        (shas[0], "two documents", 2, 0),
        (shas[1], "add c", 3, 1),
        (shas[2], "fix c's ampersand <b>", 3, 1),
    ]
    assert [c["by_rule"] for c in history["commits"]] == [{}, {"SL306": 1, "SL312": 1}, {"SL312": 1, "SL606": 1}]
    assert [(c["findings"], c["introduced"], c["resolved"]) for c in history["commits"]] == [
        (0, 0, 0),
        (2, 2, 0),
        (2, 1, 1),
    ]
    assert history["rules"] == ["SL312", "SL306", "SL606"]
    assert history["worst_commits"] == [shas[1], shas[2]]
    # The newest point is the work tree's own report (nothing changed since).
    status, checked, _ = invoke("check", "--isolated", "--select", "SL3,SL606", "--output-format", "json", "news")
    assert Counter(d["code"] for d in json.loads(checked)) == history["commits"][-1]["by_rule"]
    # The page shows it, escaped.
    page = parse(invoke("report", "--isolated", "--select", "SL3,SL606", "--history", "2", "news")[1])
    assert "fix c's ampersand <b>" in "".join(page.itertext())
    assert [e for e in page.iter() if e.tag == "b"] == []


def test_history_counts_no_file_without_front_matter_as_a_document(repository):
    root, _ = repository
    (root / "news" / "README.md").write_text("# About\n", encoding="utf-8")
    commit(root, "about", "2024-01-05T10:00:00+00:00")
    status, text, _ = invoke("report", "--isolated", "--format", "json", "--history", "10", "news")
    assert status == 0
    assert [c["documents"] for c in json.loads(text)["history"]["commits"]] == [2, 3, 3, 3]


def test_history_checks_only_the_changed_documents(repository, monkeypatch):
    from seedlint import checking, engine, incremental

    checked: list[str] = []
    real = checking.check_source

    def counting(source, config, content=None, fixing=False):
        checked.append(source.display_path)
        return real(source, config, content, fixing)

    monkeypatch.setattr(engine, "check_source", counting)
    monkeypatch.setattr(incremental, "check_source", counting)
    status, _, _ = invoke("report", "--isolated", "--format", "json", "--history", "10", "news")
    assert status == 0
    # The work tree (3, by the report's own run); then only the versions it does not hold: c as the
    # commit "add c" wrote it (a and b at every commit, and c at the last one, are the work tree's).
    assert checked == ["news/a.md", "news/b.md", "news/c.md", "news/c.md"]
    first = json.loads(invoke("report", "--isolated", "--format", "json", "--history", "10", "news")[1])["history"]
    checked.clear()
    again = json.loads(invoke("report", "--isolated", "--format", "json", "--history", "10", "news")[1])["history"]
    assert checked == [] and again == first  # every commit is known now
    (repository[0] / "news" / "b.md").write_text(seed_text(), encoding="utf-8")  # the work tree moves on
    invoke("report", "--isolated", "--format", "json", "--history", "10", "news")
    assert checked == ["news/b.md"]  # the work tree's new b only: the commits' findings are remembered
    checked.clear()
    other = json.loads(
        invoke("report", "--isolated", "--select", "SL3", "--format", "json", "--history", "10", "news")[1]
    )
    assert [c["by_rule"] for c in other["history"]["commits"]] == [{}, {"SL306": 1, "SL312": 1}, {"SL312": 1}]
    # The selection is applied when reporting (the cache is keyed by what changes per-file results): once
    # the work tree's new b is settled, another selection checks nothing again.
    checked.clear()
    selected = json.loads(
        invoke("report", "--isolated", "--select", "SL306", "--format", "json", "--history", "10", "news")[1]
    )
    assert [c["by_rule"] for c in selected["history"]["commits"]] == [{}, {"SL306": 1}, {}]
    assert checked == []


def test_history_without_cache_gives_the_same_trend(repository):
    args = ("report", "--isolated", "--format", "json", "--history", "10", "news")
    without = json.loads(invoke(*args, "--no-cache")[1])["history"]
    assert not (repository[0] / ".seedlint_cache").exists()  # nothing written
    assert json.loads(invoke(*args)[1])["history"] == without
    assert (repository[0] / ".seedlint_cache" / "history").is_dir()


def test_a_trend_cut_short_by_a_shallow_clone_says_so(repository, tmp_path, monkeypatch):
    """CI checkouts fetch one commit by default: the trend then shows one commit, and says why."""
    root, _ = repository
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(shallow))
    monkeypatch.chdir(shallow)
    status, text, stderr = invoke("report", "--isolated", "--format", "json", "--history", "10", "news")
    assert status == 0 and len(json.loads(text)["history"]["commits"]) == 1
    assert stderr.splitlines() == [
        "seedlint: --history 10: 1 commit of this clone changed the corpus, and the clone is shallow: fetch the "
        "whole history (`git fetch --unshallow`) for the trend"
    ]
    monkeypatch.chdir(root)  # (the whole history: three commits changed news/, fewer than asked, and nothing said)
    assert invoke("report", "--isolated", "--format", "json", "--history", "10", "news")[2] == ""


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_chromium_renders_the_page(ai_news):
    invoke("report", "--output", "report.html")
    script = Path(__file__).resolve().parent.parent / "scripts" / "render-report.sh"
    subprocess.run(["bash", str(script), "report.html", "report.png", "1280", "2000"], check=True, capture_output=True)
    png = (ai_news / "report.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == 1280


def test_without_the_report_extra_the_command_says_how_to_install_it(ai_news, monkeypatch):
    import sys

    for name in [name for name in sys.modules if name.startswith("seedlint.report")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pygal", None)  # `import pygal` now raises ImportError
    status, _, stderr = invoke("report")
    assert status == 2
    assert "`seedlint report` needs the report extra (pygal is missing): pip install 'seedlint[report]'" in stderr


def test_document_text_in_the_report_cannot_act_on_a_log_or_a_terminal(tmp_path, monkeypatch):
    """The report goes to stdout unless `-o` is given: a title holding a line break then `::error`, `##[`, an
    escape sequence or a bidi override reached the CI log as it was, in the HTML and the JSON alike (every other
    output makes such text inert: seedlint/escaping.py). A name that is not UTF-8, named in another document's
    message (SL508, SL509), made `-o` fail to write the page (internal error) and JSON carry a lone surrogate."""
    monkeypatch.chdir(tmp_path)
    text = seed_text("002_436ca83e3ef9a780.txt")
    hostile = 'title: "Live\\n::error title=x::y ##[add-mask]z \\e]0;t\\a \\u202e Croydon"'
    (tmp_path / "a.md").write_text(text.replace('title: "Live Facial Recognition used in Croydon"', hostile, 1))
    (tmp_path / os.fsdecode(b"\xff.md")).write_text(text)  # (the same address: SL508 names each from the other)
    page, _ = report("--isolated", "--no-cache", ".")
    _, text, _ = invoke("report", "--format", "json", "--isolated", "--no-cache", ".")
    for output in (page, text):
        assert not re.search(r"^\s*::|##\[|[\x1b\x07\u202e]", output, re.MULTILINE)
    assert "Live\\n::error title=x::y ##\\u005badd-mask]z \\u001b]0;t\\u0007 \\u202e Croydon" in page
    assert "is also the address of \\xff.md: two documents for one article" in page
    status, _, stderr = invoke("report", "--isolated", "--no-cache", "-o", "page.html", ".")
    assert (status, stderr) == (0, "seedlint: report written to page.html\n")
