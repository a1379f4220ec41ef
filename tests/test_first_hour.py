"""A new user's first hour (issue 16): no configuration, a site repository with a README beside the
articles, one file checked on its own. Each as a user meets it, through the real command line."""

import json
import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURES

AI_NEWS = sorted((FIXTURES / "ai-news").glob("*.md"))


def seedlint(cwd, *args):
    process = subprocess.run([sys.executable, "-m", "seedlint", *args], cwd=cwd, capture_output=True, text=True)
    return process.returncode, process.stdout, process.stderr


@pytest.fixture
def site(tmp_path):
    """A site repository: articles in _news/, a README at the root, no seedlint configuration."""
    (tmp_path / "_news").mkdir()
    for path in AI_NEWS:
        shutil.copy(path, tmp_path / "_news" / path.name)
    (tmp_path / "README.md").write_text("# My news site\n\nBuilt with Jekyll.\n")
    return tmp_path


def test_without_configuration_the_corpus_is_the_current_folder_and_the_first_line_says_so(site):
    status, out, err = seedlint(site, "check", "--no-cache", "--output-format", "json")
    lines = err.splitlines()
    assert lines[0] == (
        f"seedlint: no configuration file (seedlint.toml, or [tool.seedlint] in pyproject.toml) in {site} or above: "
        f"default settings; the corpus is the current folder {site}"
    )
    assert lines[1] == (
        "seedlint: 1 file without front matter set aside as no document: README.md "
        "(name a file to check it anyway, or `exclude` it)"
    )
    found = json.loads(out)
    assert status == 1 and found and all(item["path"].startswith("_news/") for item in found)
    assert "seeds" not in err


def test_an_empty_folder_without_configuration_says_there_is_nothing_to_check(tmp_path):
    status, out, err = seedlint(tmp_path, "check")
    assert status == 2 and out == ""
    assert f"no documents in {tmp_path} (the current folder: no configuration file names a corpus)" in err
    assert "seeds" not in err


def test_a_file_named_alone_resolves_against_the_folder_it_is_in(site, tmp_path_factory):
    """Without configuration, a given file's references resolve against its folder's documents: the
    entries that name documents of _news/ resolve (no SL504 on them), wherever seedlint runs from."""
    everything = json.loads(seedlint(site, "check", "--no-cache", "--output-format", "json", "_news")[1])
    name = AI_NEWS[0].name
    expected = [(d["line"], d["code"]) for d in everything if d["path"] == f"_news/{name}"]
    for cwd, given in ((site, f"_news/{name}"), (tmp_path_factory.mktemp("elsewhere"), str(site / "_news" / name))):
        _status, out, err = seedlint(cwd, "check", "--no-cache", "--output-format", "json", given)
        mine = [(d["line"], d["code"]) for d in json.loads(out) if d["path"].endswith(f"_news/{name}")]
        assert mine == expected, err


def test_exclude_leaves_files_out_from_the_command_line(site):
    status, _out, err = seedlint(site, "check", "--no-cache", "--exclude", "README.md", "--output-format", "json")
    assert "without front matter" not in err and status == 1
    status, _out, err = seedlint(site, "check", "--no-cache", "--exclude", "_news", "--output-format", "json")
    assert status == 2 and "no documents: the 1 file found has no front matter (README.md)" in err
    status, out, err = seedlint(site, "check", "--no-cache", "--exclude", "", "--output-format", "json")
    assert (status, out) == (2, "")
    assert err.endswith(
        "Error: --exclude names an empty pattern, which leaves out nothing: give a glob (--exclude drafts)\n"
    )


def test_a_file_without_front_matter_named_explicitly_is_checked(site):
    status, out, _ = seedlint(site, "check", "--no-cache", "--output-format", "json", "README.md")
    found = [(d["code"], d["line"]) for d in json.loads(out) if d["path"] == "README.md"]
    assert status == 1 and found == [("SL006", 1)]
