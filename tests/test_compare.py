"""Issue 17: `--diff-base REV` in real git repositories: what a change did is reported first (also in documents it
did not touch), the old findings in one line, deletions fail at every related-scope, and a repository without
a commit, a folder outside git and an unknown revision each say so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_baseline import CLEARVIEW, CONFIG, FASTCOMPANY, news, seedlint

from seedlint import compare
from seedlint.config import load_config
from seedlint.diagnostic import Diagnostic
from seedlint.discovery import discover

PERCEPTION = "2020-02-12-public-perception-of-facial-recognition-technologies-a-four-countries-study.md"
STALE = [
    "_news/2020-02-12-public-perception-of-facial-recognition-technologies-a-four-countries-study.md",
    "_news/2020-02-17-facial-recognition-surveillance-technology-should-be-suspended-in-the-us-says-coalition-of-40-"
    "privacy-and-free-speech-groups.md",
    "_news/2020-02-17-facial-recognition-technology-is-the-new-rogues-gallery.md",
]
OLD_AT_HEAD = (
    "16 findings existed before this change (2 errors, 10 warnings, 4 infos; 16 at HEAD): `seedlint check` lists them"
)
ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@t",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "PATH": "/usr/bin:/bin",
}


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=folder, env=ENV, check=True, capture_output=True, text=True, timeout=60
    ).stdout


@pytest.fixture
def repository(tmp_path) -> Path:
    folder = news(tmp_path / "site")
    git(folder, "init", "-q")
    (folder / ".gitignore").write_text(".seedlint_cache/\n")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "30 documents")
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_broken_date_is_the_first_line_and_fails(repository):
    edit(
        repository / "_news" / FASTCOMPANY,
        "publishedDateTime: 2020-02-19T18:05:00Z",
        "publishedDateTime: 2020-02-30T18:05:00Z",
    )
    result = seedlint(repository, "check", "--diff-base", "HEAD")
    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"_news/{FASTCOMPANY}:5:20: SL202 publishedDateTime 2020-02-30T18:05:00Z is not a real date: "
        "February 2020 has 29 days"
    )
    assert [line.split(":")[0] for line in lines[1:4]] == STALE  # the copies of the date in three other documents
    assert lines[4:] == [
        "Found 4 new problems since HEAD (1 error, 3 warnings) in 30 files checked. 3 fixable with "
        "`seedlint fix --diff-base HEAD --unsafe-fixes`.",
        f"And {OLD_AT_HEAD}.",
    ]


def test_stale_copies_made_in_untouched_documents_are_shown(repository):
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    git(repository, "add", "-A")
    result = seedlint(repository, "check", "--diff-base", "HEAD")
    assert result.returncode == 0  # warnings: shown, not failing (fail-on = "new-errors")
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == STALE
    assert all(" SL505 related[" in line and "(excerpt differs)" in line for line in lines[:3])
    assert lines[3] == (
        "Found 3 new problems since HEAD (3 warnings) in 30 files checked. 3 fixable with `seedlint fix --diff-base "
        "HEAD`."
    )
    assert seedlint(repository, "check", "--diff-base", "HEAD", "--fail-on", "new-warnings").returncode == 1


def test_deleting_a_referenced_document_fails_at_hosts_scope(repository):
    git(repository, "rm", "-q", f"_news/{PERCEPTION}")
    # At "hosts" scope the document was the only one on its host: without a comparison, nothing dangles.
    plain = seedlint(repository, "check")
    assert "linkedin.com" not in plain.stdout
    result = seedlint(repository, "check", "--diff-base", "HEAD")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 9 and all(" SL504 related[" in line for line in lines[:7])
    assert lines[0].startswith("_news/2020-02-11-london-police-deploy-live-facial-recognition-technology-stirring-")
    assert lines[0].endswith(
        "does not resolve: it named 2020-02-12-public-perception-of-facial-recognition-technologies-a-four-countries-"
        "study.md at HEAD, which no longer has that address (deleted or changed)"
    )
    assert lines[7] == "Found 7 new problems since HEAD (7 errors) in 29 files checked."


def test_a_new_address_without_redirect_fails(repository):
    old = repository / "_news" / PERCEPTION
    text = old.read_text(encoding="utf-8")
    old.unlink()
    # Renamed, and its address changed: the entries naming the old address no longer resolve; the document
    # keeps its title, so each is a near miss whose safe fix points it at the new address.
    (repository / "_news" / "2020-02-12-renamed.md").write_text(
        text.replace("linkedin.com/pulse/public-perception", "linkedin.com/pulse/perception", 1), encoding="utf-8"
    )
    result = seedlint(repository, "check", "--diff-base", "HEAD")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 9 and all(
        " SL503 " in line and "did you mean 2020-02-12-renamed.md" in line for line in lines[:7]
    )
    assert lines[7] == (
        "Found 7 new problems since HEAD (7 errors) in 30 files checked. 7 fixable with `seedlint fix --diff-base "
        "HEAD`."
    )
    fixed = seedlint(repository, "fix", "--diff-base", "HEAD")
    assert fixed.returncode == 0 and "Fixed 7 problems in 7 files." in fixed.stderr


def test_a_revision_further_back_and_machine_formats(repository):
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    git(repository, "commit", "-q", "-am", "excerpt")
    edit(repository / "_news" / CLEARVIEW, "quality: 93", "quality: 94")
    git(repository, "commit", "-q", "-am", "quality")
    found = seedlint(repository, "check", "--diff-base", "HEAD~2", "--output-format", "json")
    assert found.returncode == 0
    assert [(d["path"], d["code"]) for d in json.loads(found.stdout)] == [(path, "SL505") for path in STALE]
    # A file format keeps stdout that format: the summary goes to stderr.
    assert found.stderr.splitlines() == [
        "Found 3 new problems since HEAD~2 (3 warnings) in 30 files checked. 3 fixable with `seedlint fix "
        "--diff-base 'HEAD~2'`.",
        f"And {OLD_AT_HEAD.replace('at HEAD', 'at HEAD~2')}.",
    ]
    github = seedlint(repository, "check", "--diff-base", "HEAD~2", "--output-format", "github")
    assert [line.split(" ", 1)[0] for line in github.stdout.splitlines()] == ["::warning"] * 3
    assert seedlint(repository, "check", "--diff-base", "HEAD", "--output-format", "json").stdout == "[]\n"


def test_the_versions_at_the_revision_are_kept_in_the_cache(repository):
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    first = seedlint(repository, "check", "--diff-base", "HEAD")
    blob = git(repository, "rev-parse", f"HEAD:_news/{FASTCOMPANY}").strip()
    # (the first run made the cache folder: from the second on, the versions are kept there)
    again = seedlint(repository, "check", "--diff-base", "HEAD")
    assert (repository / ".seedlint_cache" / "versions" / blob[:2] / blob / FASTCOMPANY).is_file()
    uncached = seedlint(repository, "check", "--diff-base", "HEAD", "--no-cache")
    assert first.stdout == again.stdout == uncached.stdout and first.stdout.count(" SL505 ") == 3


def test_no_commit_yet_and_no_repository_are_said_once(tmp_path):
    folder = news(tmp_path / "site")
    outside = seedlint(folder, "check", "--diff-base", "HEAD")
    assert outside.returncode == 1
    assert outside.stderr == (
        "seedlint: --diff-base HEAD: the corpus is not in a git repository: no comparison, every finding is new\n"
    )
    assert "Found 16 problems (2 errors, 10 warnings, 4 infos) in 30 files checked." in outside.stdout
    git(folder, "init", "-q")
    unborn = seedlint(folder, "check", "--diff-base", "HEAD")
    assert unborn.returncode == 1
    assert unborn.stderr == (
        "seedlint: --diff-base HEAD: the repository has no commit yet: every finding is new (to accept today's "
        "findings, record them with `seedlint check --write-baseline`)\n"
    )
    assert (
        unborn.stdout.splitlines()[-1] == "Found 16 new problems (2 errors, 10 warnings, 4 infos) in 30 files checked. "
        "4 fixable with `seedlint fix` (4 more with `--unsafe-fixes`)."
    )
    (folder / "pyproject.toml").write_text(CONFIG + 'baseline = "seedlint-baseline.json"\n')
    assert seedlint(folder, "check", "--write-baseline").returncode == 0
    accepted = seedlint(folder, "check", "--diff-base", "HEAD")
    assert accepted.returncode == 0 and accepted.stdout.startswith("No new problem outside the baseline in 30 files")


def test_an_unknown_revision_is_a_usage_error(repository):
    result = seedlint(repository, "check", "--diff-base", "no-such-branch")
    assert result.returncode == 2 and result.stderr.splitlines()[-1] == (
        "Error: --diff-base: unknown revision `no-such-branch`"
    )
    both = seedlint(repository, "check", "--diff-base", "HEAD", "--since", "HEAD")
    assert both.returncode == 2 and "--diff-base includes what --since checks" in both.stderr


def test_the_fixer_compared_fixes_only_what_the_change_made(repository):
    untouched = seedlint(repository, "fix", "--diff-base", "HEAD")
    assert untouched.returncode == 0 and git(repository, "status", "--porcelain") == ""
    assert untouched.stdout.startswith("No new problem since HEAD in 30 files checked; 16 findings existed before")
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    fixed = seedlint(repository, "fix", "--diff-base", "HEAD")
    assert fixed.returncode == 0 and "Fixed 3 problems in 3 files." in fixed.stderr
    # The three copies of the new excerpt, and nothing else (the 5 old stale copies stay as they were).
    assert sorted(git(repository, "status", "--porcelain").split()) == sorted(
        ["M", "M", "M", "M", f"_news/{FASTCOMPANY}", *STALE]
    )
    assert (
        seedlint(repository, "check", "--no-cache").stdout.count(" SL505 ") == 4
    )  # (and the self-reference: SL506 only)


def test_ci_formats_under_comparison_carry_only_new_findings_with_stable_fingerprints(repository):
    import jsonschema
    from test_baseline import FIXTURES

    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    git(repository, "commit", "-q", "-am", "excerpt")
    gitlab = json.loads(seedlint(repository, "check", "--diff-base", "HEAD~1", "--output-format", "gitlab").stdout)
    assert [item["location"]["path"] for item in gitlab] == STALE
    sarif = json.loads(seedlint(repository, "check", "--diff-base", "HEAD~1", "--output-format", "sarif").stdout)
    schema = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results] == STALE
    assert [r["partialFingerprints"]["seedlintFinding/v1"] for r in results] == [i["fingerprint"] for i in gitlab]
    # Lines added above the copies, and the copied excerpt changed again: the messages and lines change, the
    # findings' identities do not (GitLab shows nothing as fixed and found again).
    for path in STALE:
        edit(repository / path, "\ntype: article\n", "\n# checked\ntype: article\n")
    edit(repository / "_news" / FASTCOMPANY, "The tech that", "The technique that")
    git(repository, "commit", "-q", "-am", "again")
    later = json.loads(seedlint(repository, "check", "--diff-base", "HEAD~2", "--output-format", "gitlab").stdout)
    assert [item["fingerprint"] for item in later] == [item["fingerprint"] for item in gitlab]
    assert [item["description"] for item in later] != [item["description"] for item in gitlab]
    assert [item["location"]["lines"]["begin"] for item in later] == [
        item["location"]["lines"]["begin"] + 1 for item in gitlab
    ]


def test_a_change_cannot_accept_its_own_findings_into_the_baseline(repository):
    (repository / "pyproject.toml").write_text(CONFIG + 'baseline = "seedlint-baseline.json"\n')
    assert seedlint(repository, "check", "--write-baseline").returncode == 0
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "baseline")
    # A change breaks a date and records the finding in the baseline in the same commit.
    edit(
        repository / "_news" / FASTCOMPANY,
        "publishedDateTime: 2020-02-19T18:05:00Z",
        "publishedDateTime: 2020-02-30T18:05:00Z",
    )
    assert seedlint(repository, "check", "--write-baseline").returncode == 0
    git(repository, "commit", "-q", "-am", "a bad date, accepted")
    assert seedlint(repository, "check").returncode == 0  # against the work tree's baseline alone: hidden
    # Compared with the revision before it, the baseline is the one that revision had: the finding is new.
    result = seedlint(repository, "check", "--diff-base", "HEAD~1")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(f"_news/{FASTCOMPANY}:5:20: SL202 ")
    assert "Found 4 new problems since HEAD~1 (1 error, 3 warnings) in 30 files checked." in result.stdout
    # The file given on the command line (the CI's own choice) is taken as it is.
    given = seedlint(repository, "check", "--diff-base", "HEAD~1", "--baseline", "seedlint-baseline.json")
    assert given.returncode == 0


def test_an_unchanged_corpus_is_checked_once_and_a_changed_one_twice(repository, monkeypatch):
    """Nothing changed since the revision: one run answers both sides (compare._same_sources); a changed
    document: the current run, the findings at the revision taken from the last report, made there
    (compare._as_last_reported); once that report was made elsewhere, the run at the revision first, then the
    current run (in process, to count them)."""
    from conftest import run_split

    from seedlint import engine, statahead

    runs = []
    run = engine.run
    monkeypatch.setattr(engine, "run", lambda sources, *a, **k: runs.append(len(sources)) or run(sources, *a, **k))
    taken = []  # the stats of both runs are taken once, in a child (seedlint/statahead.py)
    monkeypatch.setattr(statahead, "FROM", 1)
    collect = statahead.StatsAhead._taken
    monkeypatch.setattr(statahead.StatsAhead, "_taken", lambda self: taken.append(self.forked) or collect(self))
    monkeypatch.chdir(repository)
    monkeypatch.setenv("NO_COLOR", "1")
    assert run_split("check", "--diff-base", "HEAD")[0] == 0
    assert runs == [30]
    runs.clear()
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    taken.clear()
    status, stdout, _ = run_split("check", "--diff-base", "HEAD")
    assert status == 0 and runs == [30] and taken == [True]
    runs.clear()
    edit(repository / "_news" / CLEARVIEW, "\ntitle: ", "\ntitle: Edited ")
    git(repository, "commit", "-qam", "edits no run checked")  # (the last report is not the revision's)
    edit(repository / "_news" / FASTCOMPANY, "The tech that", "The tech which")
    taken.clear()
    assert run_split("check", "--diff-base", "HEAD")[0] == 0
    assert runs == [30, 30] and taken == [True]
    assert stdout.splitlines()[3] == (
        "Found 3 new problems since HEAD (3 warnings) in 30 files checked. 3 fixable with `seedlint fix --diff-base "
        "HEAD`."
    )


def test_the_revisions_listing_holds_its_regular_files_only_with_their_blobs(tmp_path):
    """`revisions.regular_blobs` reads `git ls-tree -r -z` one anchored match per entry: regular and executable
    files (any name: a tab, a space, a newline, a name that reads like an entry), not links."""
    from seedlint import revisions

    folder = tmp_path / "repo"
    (folder / "_news").mkdir(parents=True)
    names = ["a.md", "tab\there.md", "new\nline.md", "x 100644 blob " + "0" * 40 + "\tfake.md", "run.sh"]
    for name in names:
        (folder / "_news" / name).write_text(f"---\ntitle: {len(name)}\n---\n")
    (folder / "_news" / "run.sh").chmod(0o755)
    (folder / "_news" / ("link 100644 blob " + "0" * 40 + "\tfake.md")).symlink_to("a.md")  # (no entry of its own)
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "files")
    commit = git(folder, "rev-parse", "HEAD").strip()
    found = revisions.regular_blobs(folder, commit, ["_news"])
    assert found == {f"_news/{name}": git(folder, "rev-parse", f"HEAD:_news/{name}").strip() for name in names}


@pytest.mark.parametrize("option", ["--diff-base", "--since"])
def test_git_missing_is_said_as_such_not_as_an_unknown_revision(repository, tmp_path, option):
    """Without git on the PATH, a comparison cannot be made: the usage error says git cannot be run (it said
    "unknown revision `HEAD`", sending the user to look for a typo)."""
    empty = tmp_path / "no-programs"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "seedlint", "check", option, "HEAD"],
        cwd=repository,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "NO_COLOR": "1", "PATH": str(empty)},
        timeout=300,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"Error: {option}: cannot run git: No such file or directory"


def test_an_unknown_revision_in_a_shallow_clone_says_how_to_fetch_it(repository, tmp_path):
    """CI checkouts fetch one commit by default: the revision compared with is then missing, not misspelled."""
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    git(repository, "commit", "-q", "-am", "a second commit")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repository}", str(clone))
    result = seedlint(clone, "check", "--diff-base", "HEAD~1")
    assert result.returncode == 2 and result.stderr.splitlines()[-1] == (
        "Error: --diff-base: unknown revision `HEAD~1` (this clone is shallow: fetch the revision, e.g. "
        "`git fetch origin main`, or check out the whole history, e.g. actions/checkout with `fetch-depth: 0`)"
    )


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["cache", "no-cache"])
def test_a_renamed_document_brings_no_new_finding(repository, cache):
    # (its findings at HEAD, known by its old name, were all new under the new one: `git mv` failed the hooks)
    findings = json.loads(seedlint(repository, "check", "--output-format", "json").stdout)
    renamed = Path(findings[0]["path"])
    git(repository, "mv", str(renamed), "_news/renamed.md")
    (repository / "_news" / "sub folder é").mkdir()
    other = next(Path(d["path"]) for d in findings if Path(d["path"]) != renamed)
    git(repository, "mv", str(other), "_news/sub folder é/moved.md")
    result = seedlint(repository, "check", "--diff-base", "HEAD", *cache)
    assert (result.returncode, result.stdout.splitlines()[0]) == (
        0,
        f"No new problem since HEAD in 30 files checked; {OLD_AT_HEAD}.",
    )
    edit(repository / "_news" / "renamed.md", "\ntitle: ", "\ntitle: Caf&eacute; ")  # then a new finding in it
    result = seedlint(repository, "check", "--diff-base", "HEAD", *cache, "--output-format", "concise")
    new = [line for line in result.stdout.splitlines() if line.startswith("_news/")]
    assert result.returncode == 0 and [line.split(": ")[1].split()[0] for line in new] == ["SL402"]
    assert new[0].startswith("_news/renamed.md:3:")


def in_a_hook(folder: Path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    """seedlint as pre-commit runs it (PRE_COMMIT=1, and pre-commit's other `variables`)."""
    env = {"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "seedlint", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**env, "PRE_COMMIT": "1", **variables},
        timeout=300,
    )


def test_in_a_hook_the_documents_git_does_not_track_are_no_part_of_the_commit(repository):
    # pre-commit sets unstaged changes aside, not untracked files: a draft beside the articles failed an unrelated
    # commit, and an entry naming a document that is not committed passed.
    draft = repository / "_news" / "draft.md"
    draft.write_text("---\ntitle: x\n---\n")
    result = in_a_hook(repository, "check", "--diff-base", "HEAD")
    assert (result.returncode, result.stdout.splitlines()[0]) == (
        0,
        f"No new problem since HEAD in 30 files checked; {OLD_AT_HEAD}.",
    )
    assert (
        result.stderr == "seedlint: 1 document git does not track left out (not part of the commit): _news/draft.md\n"
    )
    assert seedlint(repository, "check", "--diff-base", "HEAD").returncode == 1  # (by hand, the draft counts)
    # a committed entry now names the draft's address: it dangles in the commit
    text = (repository / "_news" / FASTCOMPANY).read_text(encoding="utf-8")
    address = text.split('webUrl: "', 1)[1].split('"', 1)[0]
    draft.write_text(text.replace(address, address + "-draft"), encoding="utf-8")
    referrer = next(
        path
        for path in sorted((repository / "_news").iterdir())
        if f'webUrl: "{address}"' in path.read_text() and path.name != FASTCOMPANY
    )
    referrer.write_text(
        referrer.read_text(encoding="utf-8").replace(f'webUrl: "{address}"', f'webUrl: "{address}-draft"', 1)
    )
    git(repository, "add", str(referrer))
    result = in_a_hook(repository, "check", "--diff-base", "HEAD", "--output-format", "concise")
    assert result.returncode == 1 and "does not resolve" in result.stdout.splitlines()[0]
    assert result.stdout.splitlines()[0].startswith(f"_news/{referrer.name}:")


def test_in_a_hook_a_document_removed_from_the_index_but_kept_on_disk_is_gone_from_the_commit(repository):
    # `git rm --cached`: the commit deletes the document, and the entries naming it dangle. It was left out of the
    # revision's side too, so those findings were old ones ("141 at HEAD" counted them) and the commit passed.
    git(repository, "rm", "-q", "--cached", f"_news/{FASTCOMPANY}")
    kept = in_a_hook(repository, "check", "--diff-base", "HEAD", "--output-format", "concise")
    (repository / "_news" / FASTCOMPANY).rename(repository / "removed.md")
    deleted = in_a_hook(repository, "check", "--diff-base", "HEAD", "--output-format", "concise")
    assert kept.returncode == deleted.returncode == 1
    assert kept.stdout == deleted.stdout and "does not resolve" in kept.stdout.splitlines()[0]
    assert f"{OLD_AT_HEAD}" in kept.stderr + kept.stdout


def test_an_unknown_revision_in_a_worktree_of_a_shallow_clone_says_the_clone_is_shallow(repository, tmp_path):
    # A linked worktree's `.git` is a file naming its folder: the `shallow` file was looked for beside it, not
    # in the main repository's folder, and the hint was missing.
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    git(repository, "commit", "-q", "-am", "a second commit")
    clone, worktree = tmp_path / "clone", tmp_path / "worktree"
    git(tmp_path, "clone", "-q", "--depth", "1", repository.as_uri(), str(clone))
    git(clone, "worktree", "add", "-q", "--detach", str(worktree), "HEAD")
    for checkout in (clone, worktree):
        result = seedlint(checkout, "check", "--diff-base", "HEAD~1")
        assert result.returncode == 2 and "(this clone is shallow: fetch the revision" in result.stderr, checkout


def test_a_to_ref_that_is_not_checked_out_is_said(repository):
    # (`pre-commit run --from-ref A --to-ref B` judges the work tree: B elsewhere was ignored without a word)
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    git(repository, "commit", "-q", "-am", "second")
    head = {"PRE_COMMIT_FROM_REF": "HEAD~1", "PRE_COMMIT_TO_REF": "HEAD"}
    assert in_a_hook(repository, "check", "--diff-base", "HEAD", **head).stderr == ""
    elsewhere = in_a_hook(repository, "check", "--diff-base", "HEAD", **{**head, "PRE_COMMIT_TO_REF": "HEAD~1"})
    assert elsewhere.stderr == (
        "seedlint: pre-commit's --to-ref HEAD~1 is not the commit checked out: the documents checked are the work "
        "tree's (check out HEAD~1 first to check that commit)\n"
    )


def test_the_hint_lists_the_findings_of_the_paths_given(repository, tmp_path):
    # (run from elsewhere with the corpus named, the hint's bare `seedlint check` checked that other folder)
    result = seedlint(tmp_path, "check", "--diff-base", "HEAD", str(repository / "_news"))
    assert result.stdout.splitlines()[-1].endswith(f"`seedlint check {repository / '_news'}` lists them.")


def test_a_new_difference_in_a_stale_copy_is_new_and_fixed_alone(repository):
    # The copies' excerpts were stale at HEAD already; the target's title changes now. One finding per field: the
    # excerpts stay old (and unfixed by the fix hook), the titles are new. (As one "title, excerpt differ" finding,
    # the old excerpt finding was "fixed" and the fix hook rewrote the old excerpts too.)
    target = repository / "_news" / FASTCOMPANY
    edit(target, "The technology that", "The tech that")
    git(repository, "commit", "-q", "-am", "excerpt edited, copies left stale")
    title = target.read_text(encoding="utf-8").split("\ntitle: ", 1)[1].split("\n", 1)[0]
    edit(target, f"\ntitle: {title}\n", f"\ntitle: {title[:-1]} (updated){title[-1]}\n")
    result = seedlint(repository, "check", "--diff-base", "HEAD", "--output-format", "concise")
    new = result.stdout.splitlines()[:3]
    assert [line.split(":")[0] for line in new] == STALE
    assert all("(title differs)" in line for line in new)
    assert result.stdout.splitlines()[3] == (
        "Found 3 new problems since HEAD (3 warnings) in 30 files checked. 3 fixable with `seedlint fix --diff-base "
        "HEAD`."
    )
    copies = {name: (repository / name).read_text(encoding="utf-8") for name in STALE}
    seedlint(repository, "fix", "--diff-base", "HEAD")
    for name, before in copies.items():
        after = (repository / name).read_text(encoding="utf-8")
        changed = [(old, new) for old, new in zip(before.splitlines(), after.splitlines(), strict=True) if old != new]
        assert len(changed) == 1 and "(updated)" in changed[0][1] and "title: " in changed[0][1], name


def test_the_findings_at_a_revision_are_kept_by_what_its_documents_hold(repository, monkeypatch):
    """A commit's documents never change: the run at the revision is made once per state of its documents (each
    one's path and git blob), and a hook run again on the same commit, or on a commit that changed no document,
    checks the work tree only. A finding judged on another day (a future date) is not reused."""
    from datetime import UTC, datetime

    from conftest import run_split

    from seedlint import clock, engine

    runs = []
    run = engine.run
    monkeypatch.setattr(engine, "run", lambda sources, *a, **k: runs.append(len(sources)) or run(sources, *a, **k))
    monkeypatch.chdir(repository)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(clock, "now", lambda: datetime(2030, 1, 5, 9, 0, tzinfo=UTC))
    edit(repository / "_news" / CLEARVIEW, "\npublishedDateTime: ", "\npublishedDateTime: 2030-01-20T00:00:00Z\nx: ")
    git(repository, "commit", "-qam", "a date in the future")
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")

    def compared(*options: str) -> tuple[list[int], tuple[int, str, str]]:
        runs.clear()
        return runs, run_split("check", "--diff-base", "HEAD", *options)

    first = compared()
    assert first == ([30, 30], first[1]) and first[1][1].splitlines()[3].startswith("Found 3 new problems since HEAD")
    assert compared() == ([30], first[1])  # the same commit again: its findings are kept
    (repository / "notes.txt").write_text("not a document\n")
    git(repository, "add", "notes.txt")
    git(repository, "commit", "-qm", "no document changed")
    assert compared() == ([30], first[1])  # another commit, the same documents
    assert compared("--ignore", "SL4")[0] == [30, 30]  # another selection: other findings
    monkeypatch.setattr(clock, "now", lambda: datetime(2030, 1, 6, 9, 0, tzinfo=UTC))
    again = compared()
    assert again[0] == [30, 30] and again[1][1] == first[1][1].replace("2030-01-05", "2030-01-06")  # judged today
    git(repository, "commit", "-qam", "the edit")
    edit(repository / "_news" / FASTCOMPANY, "The tech that", "The tech which")
    # A document changed at the new commit, which is what the last run checked: the findings there are its report's.
    assert compared()[0] == [30]


def _checks_of(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each check of the work tree's file `path` in this process (engine.check_source), as it happens."""
    from seedlint import engine

    checks: list[Path] = []
    check_source = engine.check_source

    def counted(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(source.location).resolve() == path.resolve():
            checks.append(path)
        return check_source(source, *args, **kwargs)

    monkeypatch.setattr(engine, "check_source", counted)
    return checks


def test_the_addresses_lost_since_the_revision_come_from_the_cache_when_it_knows_them(repository, monkeypatch):
    """A changed document's addresses, at the revision and now, are read from its cached index record (the run at
    the revision checked its version there, the current run its file): a hook run again parses neither; the
    addresses lost are the same, whether parsed or cached."""
    from conftest import run_split

    from seedlint import history

    parsed = []
    aliases_of = history.aliases_of
    monkeypatch.setattr(history, "aliases_of", lambda root, found: parsed.extend(found) or aliases_of(root, found))
    monkeypatch.chdir(repository)
    monkeypatch.setenv("NO_COLOR", "1")
    readdressed = repository / "_news" / PERCEPTION
    old = "https://www.linkedin.com/pulse/public-perception-facial-recognition-technologies-four-meckel"
    edit(readdressed, f'webUrl: "{old}"', 'webUrl: "https://example.org/perception"')  # (its old address: lost)
    edit(readdressed, "\ntitle: ", "\ntitle: Another ")  # (and its title: no near miss by title)
    checks = _checks_of(readdressed, monkeypatch)
    first = run_split("check", "--diff-base", "HEAD", "--output-format", "concise")
    assert parsed == [f"_news/{PERCEPTION}"]  # (at the revision; now, it is checked once, for the run too)
    assert checks == [readdressed]
    assert first[0] == 1 and first[1].count(" SL504 related[") == 7 and "it named " + PERCEPTION in first[1]
    parsed.clear()
    checks.clear()
    assert run_split("check", "--diff-base", "HEAD", "--output-format", "concise") == first
    assert parsed == [] and checks == []
    assert run_split("check", "--diff-base", "HEAD", "--output-format", "concise", "--no-cache") == first
    assert parsed == [f"_news/{PERCEPTION}"] * 2


def test_a_changed_documents_addresses_at_the_revision_come_from_its_result_before_the_change(repository, monkeypatch):
    """The first hook run after an edit: the file's last stored result is of its version at the revision (the run
    before the edit checked it), so only its new version is parsed; a stored result of another version is not used."""
    from conftest import run_split

    from seedlint import history

    parsed = []
    aliases_of = history.aliases_of
    monkeypatch.setattr(history, "aliases_of", lambda root, found: parsed.extend(found) or aliases_of(root, found))
    monkeypatch.chdir(repository)
    monkeypatch.setenv("NO_COLOR", "1")
    assert run_split("check")[0] == 1  # (the version at HEAD, checked and stored)
    readdressed = repository / "_news" / PERCEPTION
    old = "https://www.linkedin.com/pulse/public-perception-facial-recognition-technologies-four-meckel"
    edit(readdressed, f'webUrl: "{old}"', 'webUrl: "https://example.org/perception"')  # (its old address: lost)
    edit(readdressed, "\ntitle: ", "\ntitle: Another ")
    checks = _checks_of(readdressed, monkeypatch)
    first = run_split("check", "--diff-base", "HEAD", "--output-format", "concise")
    assert parsed == [] and checks == [readdressed]  # (now: checked once, for the run too)
    assert first[0] == 1 and first[1].count(" SL504 related[") == 7 and "it named " + PERCEPTION in first[1]
    assert run_split("check", "--diff-base", "HEAD", "--output-format", "concise", "--no-cache") == first
    # Stored for another version: the one at HEAD is parsed.
    parsed.clear()
    git(repository, "commit", "-qam", "readdressed")
    assert run_split("check")[0] == 1  # (the readdressed version stored)
    edit(readdressed, 'webUrl: "https://example.org/perception"', f'webUrl: "{old}"')
    git(repository, "commit", "-qam", "back")
    edit(readdressed, f'webUrl: "{old}"', 'webUrl: "https://example.org/perception2"')
    second = run_split("check", "--diff-base", "HEAD", "--output-format", "concise")
    assert parsed == [f"_news/{PERCEPTION}"]  # (at HEAD, whose version the stored result is not)
    assert second[1].count(" SL504 related[") == 7
    assert run_split("check", "--diff-base", "HEAD", "--output-format", "concise", "--no-cache") == second


def test_committed_links_are_at_the_revision_as_they_are_now(repository):
    """The revision's listing held regular files only: a committed link to a document (two documents for one article,
    SL508 on both) and a link leading outside (SL001) were "added since", their findings new in every hook run of
    an unchanged tree. A link unchanged since is there as it is now; one to a document changed since reads that
    document's version there."""
    news = repository / "_news"
    (news / "link.md").symlink_to(FASTCOMPANY)
    (news / "outside.md").symlink_to("/etc/hostname")
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "links")
    unchanged = seedlint(repository, "check", "--diff-base", "HEAD", "--output-format", "concise")
    assert unchanged.returncode == 0, unchanged.stdout
    assert unchanged.stdout.startswith("No new problem since HEAD in 32 files checked")
    edit(news / FASTCOMPANY, "The technology that", "The tech that")
    edited = seedlint(repository, "check", "--diff-base", "HEAD", "--output-format", "concise")
    new = [line.split(":")[0] for line in edited.stdout.splitlines() if line.startswith("_news/")]
    assert new and not {"_news/link.md", "_news/outside.md"} & set(new), edited.stdout


def test_a_deleted_document_whose_name_is_not_utf8_is_at_the_revision(repository):
    """Its git name and its display path (`\\xff.md`) differ: looking one up by the other was an internal error."""
    name = os.fsdecode(b"\xff.md")
    (repository / "_news" / name).write_bytes((repository / "_news" / FASTCOMPANY).read_bytes())
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "a copy")
    (repository / "_news" / name).unlink()
    done = seedlint(repository, "check", "--diff-base", "HEAD", "--output-format", "concise")
    assert done.returncode == 0 and "internal error" not in done.stderr, done.stderr
    assert done.stdout.startswith("No new problem since HEAD"), done.stdout


def test_a_hook_run_again_takes_the_findings_at_the_revision_from_its_report(repository, monkeypatch):
    """Run again on the same state (a commit retried after a failed hook), the findings at the revision are the
    run's last report's but for the documents that differ there (`DiskCache.revision_delta`): exactly the findings
    the run at the revision made, kept whole beside them, which are not read then. A document added since (none
    at the revision), a file set aside (no front matter) and stale copies in untouched documents are all in it.
    When another run has stored its report since, the whole findings are read instead."""
    from conftest import run_split

    from seedlint import compare
    from seedlint.cache import DiskCache

    monkeypatch.chdir(repository)
    monkeypatch.setenv("NO_COLOR", "1")
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    added = (repository / "_news" / CLEARVIEW).read_text(encoding="utf-8").replace(".html", "-again.html")
    (repository / "_news" / ("2021-" + CLEARVIEW)).write_text(added, encoding="utf-8")
    (repository / "_news" / "README.md").write_text("The articles of the site.\n", encoding="utf-8")
    git(repository, "add", "-A")
    kept: list[tuple[compare.Comparison, DiskCache, str]] = []
    check_before = compare.check_before
    monkeypatch.setattr(
        compare,
        "check_before",
        lambda c, config, corpus, cache, run_id, *a: (
            check_before(c, config, corpus, cache, run_id, *a) if kept.append((c, cache, run_id)) is None else []
        ),
    )
    first = run_split("check", "--diff-base", "HEAD")
    assert first[1].splitlines()[-2].startswith("Found 9 new problems since HEAD (4 errors, 3 warnings, 2 infos)")
    comparison, cache, run_id = kept[-1]
    assert comparison.state is not None and comparison.before_token is None  # (the whole findings, this first time)
    delta = cache.revision_delta(comparison.state)
    whole = cache.revision_findings(comparison.state)
    report = cache.last_report(run_id)
    cache.close()
    assert delta is not None and whole is not None and report is not None
    assert {"_news/README.md", "_news/2021-" + CLEARVIEW} <= delta.paths
    assert sorted(map(Diagnostic.to_plain, delta.applied(report).listed()), key=str) == sorted(
        map(Diagnostic.to_plain, whole), key=str
    )

    def unread(self: DiskCache, state: str) -> None:
        raise AssertionError("the whole findings at the revision were read")

    with monkeypatch.context() as inside:
        inside.setattr(DiskCache, "revision_findings", unread)
        assert run_split("check", "--diff-base", "HEAD") == first
    assert kept[-1][0].before_token == delta.token
    # Another run stores its report meanwhile (an edit undone: the same documents, another token).
    edit(repository / "_news" / CLEARVIEW, "\ntitle: ", "\ntitle: Edited ")
    run_split("check")
    edit(repository / "_news" / CLEARVIEW, "\ntitle: Edited ", "\ntitle: ")
    run_split("check")
    whole_read: list[str] = []
    revision_findings = DiskCache.revision_findings
    monkeypatch.setattr(
        DiskCache, "revision_findings", lambda own, state: whole_read.append(state) or revision_findings(own, state)
    )
    assert run_split("check", "--diff-base", "HEAD") == first
    assert whole_read == [comparison.state]


def test_the_revisions_listing_is_kept_by_its_folders_trees(repository, monkeypatch):
    """git's listing of the corpus folders at the revision is kept in the cache under git's ids of those folders'
    trees (the hook's git listing took as long as walking the corpus). git lists every entry once; a commit that
    changes no file in them lists the same; one that does is made from the kept listing and git's differences
    (revisions.listing_since: `tree_differences`, started while the kept listing is decoded, then
    `with_differences`), and kept only when the run found something new (a hook that fails is run again at the same
    commit)."""
    from conftest import run_split

    from seedlint import revisions

    monkeypatch.chdir(repository)
    monkeypatch.setenv("NO_COLOR", "1")
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    listed: list[str] = []
    made: list[str] = []
    tree_blobs, tree_differences = revisions.tree_blobs, revisions.tree_differences
    monkeypatch.setattr(revisions, "tree_blobs", lambda *a: listed.append(a[1]) or tree_blobs(*a))
    monkeypatch.setattr(revisions, "tree_differences", lambda *a: made.append(a[2]) or tree_differences(*a))
    first = run_split("check", "--diff-base", "HEAD")
    head = git(repository, "rev-parse", "HEAD").strip()
    assert listed == [head] and made == [] and first[1].splitlines()[-2].startswith("Found 3 new problems since HEAD")
    assert run_split("check", "--diff-base", "HEAD") == first and listed == [head] and made == []
    (repository / "notes.txt").write_text("not a document\n")
    git(repository, "add", "notes.txt")
    git(repository, "commit", "-qm", "no document changed")
    assert run_split("check", "--diff-base", "HEAD") == first and listed == [head] and made == []  # the same trees
    git(repository, "commit", "-qam", "the edit")
    edit(repository / "_news" / FASTCOMPANY, "The tech that", "The tech which")
    second = run_split("check", "--diff-base", "HEAD")
    key = revisions.listing_key(repository, git(repository, "rev-parse", "HEAD").strip(), ["_news"])
    assert listed == [head] and made == [key]
    assert second == (
        0,
        "No new problem since HEAD in 30 files checked; 19 findings existed before this change (2 errors, 13 "
        "warnings, 4 infos; 19 at HEAD): `seedlint check` lists them.\n",
        "",
    )  # (the copies of the title were stale at the new commit already)
    assert run_split("check", "--diff-base", "HEAD") == second and made == [key, key]  # (nothing new: not kept)
    assert second == run_split("check", "--diff-base", "HEAD", "--no-cache")
    assert revisions.listing_key(repository, head, ["_news", "nowhere"]) is None


@pytest.mark.parametrize("damage", ["not this cache's", "malformed"])
def test_a_kept_listing_that_cannot_be_read_is_listed_by_git_again(repository, monkeypatch, damage):
    """The kept listing is decoded only once git was started on what differs from it (`tree_differences`): one
    that is not this cache's, or malformed, is a miss then, and git lists the revision whole, as on a first run."""
    import sqlite3

    from conftest import run_split

    from seedlint import revisions

    monkeypatch.chdir(repository)
    monkeypatch.setenv("NO_COLOR", "1")
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    first = run_split("check", "--diff-base", "HEAD")
    git(repository, "commit", "-qam", "the edit")
    edit(repository / "_news" / FASTCOMPANY, "The tech that", "The tech which")
    (database,) = (repository / ".seedlint_cache").glob("cache-*.sqlite3")
    with sqlite3.connect(database) as db:
        [(blob,)] = db.execute("SELECT listing FROM revision_listings").fetchall()
        damaged = b"another\0" + blob if damage == "not this cache's" else blob[: blob.index(b"\0") + 1] + b"\xc1"
        db.execute("UPDATE revision_listings SET listing = ?", (damaged,))
    listed: list[str] = []
    tree_blobs = revisions.tree_blobs
    monkeypatch.setattr(revisions, "tree_blobs", lambda *a: listed.append(a[1]) or tree_blobs(*a))
    second = run_split("check", "--diff-base", "HEAD")
    assert listed == [git(repository, "rev-parse", "HEAD").strip()]
    assert second == run_split("check", "--diff-base", "HEAD", "--no-cache") and second != first


def test_the_findings_at_the_revision_are_kept_whole_only_when_the_run_found_something_new(repository, monkeypatch):
    """A hook that passes is next run at another commit, where the findings at this one are of no use: kept, they
    cost it half a second at 100,000 documents. A hook that fails is run again at the same commit: they are kept."""
    from conftest import run_split

    from seedlint.cache import DiskCache

    monkeypatch.chdir(repository)
    monkeypatch.setenv("NO_COLOR", "1")
    kept: list[int] = []
    keep = DiskCache.keep_revision_findings
    monkeypatch.setattr(
        DiskCache,
        "keep_revision_findings",
        lambda own, state, found: kept.append(len(found)) or keep(own, state, found),
    )
    document = repository / "_news" / FASTCOMPANY
    document.write_text(document.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    passed = run_split("check", "--diff-base", "HEAD")
    assert passed[1].startswith("No new problem since HEAD") and kept == []
    git(repository, "commit", "-qam", "a paragraph more")  # (at the next commit, made at the revision again)
    edit(document, "The technology that", "The tech that")  # (its copies elsewhere now stale: new findings)
    failed = run_split("check", "--diff-base", "HEAD")
    assert failed[1].splitlines()[-2].startswith("Found 3 new problems since HEAD") and kept == [16], failed
    assert failed[1].splitlines()[-1].endswith("16 at HEAD): `seedlint check` lists them.")  # (the 16 kept)


@pytest.mark.parametrize("committed", ["as checked", "edited after the check"])
def test_the_next_commits_hook_takes_the_findings_at_the_revision_from_the_last_report(
    repository, monkeypatch, committed
):
    """The usual hook: the last run checked what was then committed, and the revision is that commit. The findings
    there are the last report's (compare._as_last_reported: no run at the revision), with a file set aside and a
    document added since; not when the commit holds what the last run did not check. Either way the output is
    exactly that of a run without the cache."""
    from conftest import run_split

    from seedlint import compare

    monkeypatch.chdir(repository)
    monkeypatch.setenv("NO_COLOR", "1")
    (repository / "_news" / "README.md").write_text("The articles of the site.\n", encoding="utf-8")
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    git(repository, "add", "-A")
    run_split("check", "--diff-base", "HEAD")
    if committed == "edited after the check":
        edit(repository / "_news" / CLEARVIEW, "\ntitle: ", "\ntitle: Edited ")
    git(repository, "commit", "-qam", "the checked edit")
    edit(repository / "_news" / FASTCOMPANY, "The tech that", "The tech which")
    added = (repository / "_news" / CLEARVIEW).read_text(encoding="utf-8").replace(".html", "-again.html")
    (repository / "_news" / ("2021-" + CLEARVIEW)).write_text(added, encoding="utf-8")
    git(repository, "add", "-A")
    answers: list[bool] = []
    as_last_reported = compare._as_last_reported
    monkeypatch.setattr(
        compare, "_as_last_reported", lambda *a: answers.append((made := as_last_reported(*a)) is not None) or made
    )
    cached = run_split("check", "--diff-base", "HEAD")
    assert answers == [committed == "as checked"]
    assert cached == run_split("check", "--diff-base", "HEAD", "--no-cache")
    assert cached[1].splitlines()[-2].startswith("Found ")


@pytest.mark.parametrize("inside", [["_news"], ["."], ["_news", "other"]])
def test_a_listing_made_from_another_commits_and_gits_differences_is_the_one_git_lists(tmp_path, inside):
    """revisions.listing_since against tree_blobs itself, across a commit that changes, deletes and adds documents
    (one in a new folder), turns a link into a file and a file into a link, sets an executable bit, and changes a
    file outside the folders."""
    from seedlint import revisions

    root = tmp_path / "site"
    (root / "_news" / "sub").mkdir(parents=True)
    (root / "other").mkdir()
    for name in ("a.md", "b.md", "sub/c.md", "turned.md", "exec.md"):
        (root / "_news" / name).write_text(f"{name}\n")
    (root / "_news" / "link.md").symlink_to("a.md")
    (root / "other" / "o.md").write_text("o\n")
    (root / "outside.md").write_text("x\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "A")
    before = git(root, "rev-parse", "HEAD").strip()
    (root / "_news" / "a.md").write_text("a, edited\n")
    (root / "_news" / "b.md").unlink()
    (root / "_news" / "new").mkdir()
    (root / "_news" / "new" / "d.md").write_text("d\n")
    (root / "_news" / "link.md").unlink()
    (root / "_news" / "link.md").write_text("now a file\n")
    (root / "_news" / "turned.md").unlink()
    (root / "_news" / "turned.md").symlink_to("sub/c.md")
    (root / "_news" / "exec.md").chmod(0o755)
    (root / "other" / "o.md").write_text("o, edited\n")
    (root / "outside.md").write_text("y\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "B")
    after = git(root, "rev-parse", "HEAD").strip()
    base_key, key = (revisions.listing_key(root, commit, inside) for commit in (before, after))
    assert base_key is not None and key is not None and base_key != key
    made = revisions.listing_since(root, base_key, key, *revisions.tree_blobs(root, before, inside))
    listed = revisions.tree_blobs(root, after, inside)
    assert made == listed and "_news/new/d.md" in listed[0] and "_news/turned.md" in listed[1]
    elsewhere = "elsewhere" + key[key.index("\0") :]  # (another first folder)
    assert revisions.listing_since(root, base_key, elsewhere, *listed) is None


def test_a_commit_retried_with_another_edit_is_checked_from_the_last_report(repository, monkeypatch):
    """A hook that failed is run again at the same commit after another edit of the same document. Its addresses
    there and now are looked up first (compare.find_lost), which checks the new content and stores its result in
    place of the one the last report was made from: the run then lacked what the edit undoes, and checked the
    whole corpus again (22 s instead of 2 s at 100,000 documents). The replaced result is kept for the run."""
    from conftest import run_split

    from seedlint import incremental

    monkeypatch.chdir(repository)
    monkeypatch.setenv("NO_COLOR", "1")
    answers: list[bool] = []
    rerun = incremental.rerun
    monkeypatch.setattr(
        incremental, "rerun", lambda *a, **k: answers.append((found := rerun(*a, **k)) is not None) or found
    )
    edit(repository / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    first = run_split("check", "--diff-base", "HEAD")
    edit(repository / "_news" / FASTCOMPANY, "The tech that", "The tech which")
    answers.clear()
    again = run_split("check", "--diff-base", "HEAD")
    assert answers == [True]  # (the run at HEAD is kept: the work tree's run only, from its last report)
    assert again[1].splitlines()[-2:] == first[1].splitlines()[-2:]
    edit(repository / "_news" / FASTCOMPANY, "The tech which", "The technology that")
    answers.clear()
    assert run_split("check", "--diff-base", "HEAD")[1].startswith("No new problem since HEAD in 30 files checked")
    assert answers == [True]


def test_in_a_hook_the_commit_is_made_of_what_git_s_index_holds(tmp_path, monkeypatch):
    # The documents of the commit are told from git's differences with the revision (`Revision.in_commit`), not from
    # a listing of the whole index: git's own listing of its index (`git ls-files`) is the reference, for every state
    # a document on disk can be in.
    folder = tmp_path / "site"
    news_folder = folder / "_news"
    news_folder.mkdir(parents=True)
    committed_names = ["unchanged", "staged", "edited", "uncached", "recached", "retyped", "deleted"]
    for name in committed_names:
        (news_folder / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n")
    (news_folder / "link.md").symlink_to("unchanged.md")
    (news_folder / "unlinked.md").symlink_to("unchanged.md")
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "the revision")
    (news_folder / "staged.md").write_text("---\ntitle: staged, changed\n---\n")
    git(folder, "add", "_news/staged.md")
    (news_folder / "edited.md").write_text("---\ntitle: edited, not staged\n---\n")
    git(folder, "rm", "-q", "--cached", "_news/uncached.md", "_news/recached.md", "_news/unlinked.md")
    (news_folder / "recached.md").write_text("---\ntitle: removed from the index, then added again\n---\n")
    git(folder, "add", "_news/recached.md")
    (news_folder / "retyped.md").unlink()
    (news_folder / "retyped.md").symlink_to("unchanged.md")
    git(folder, "add", "_news/retyped.md")
    (news_folder / "deleted.md").unlink()
    for name in ("added", "intended", "draft"):
        (news_folder / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n")
    (news_folder / "new-link.md").symlink_to("unchanged.md")
    (news_folder / "loose-link.md").symlink_to("unchanged.md")
    git(folder, "add", "_news/added.md", "_news/new-link.md")
    git(folder, "add", "-N", "_news/intended.md")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("PRE_COMMIT", "1")
    for variable in ("PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"):
        monkeypatch.delenv(variable, raising=False)
    config = load_config(isolated=True)
    revision = compare.prepare(config, [news_folder], diff_base="HEAD").revision
    assert revision is not None
    corpus = discover([news_folder], config)
    on_disk = {Path(source.display_path).name for source in corpus}
    assert on_disk == {path.name for path in news_folder.iterdir()}  # (every state is among the documents)
    index = {Path(name).name for name in git(folder, "ls-files", "-z", "--", "_news").split("\0") if name}
    kept, left_out = compare.committed(corpus, revision)
    assert {Path(source.display_path).name for source in kept} == on_disk & index
    assert (
        {Path(source.display_path).name for source in left_out}
        == on_disk - index
        == {
            "uncached.md",
            "unlinked.md",
            "draft.md",
            "loose-link.md",
        }
    )
    assert [revision.in_commit(f"_news/{name}") for name in sorted(on_disk)] == [
        name in index for name in sorted(on_disk)
    ]
