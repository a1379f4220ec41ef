"""`seedlint fix` with a cache that keeps reports and a few files to fix writes each pass, then checks from the run's
last report (fixer.fix_on_disk); without one it computes every pass in memory (fixer.fix). Both must write the same
bytes and say the same, on the real fixture corpora and in a hook's comparison with HEAD."""

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, run_split

from seedlint import fixer


@pytest.fixture
def used(monkeypatch):
    """The fix drivers called, in order."""
    calls: list[str] = []
    for name in ("fix", "fix_on_disk"):
        function = getattr(fixer, name)

        def recorded(*args, _name=name, _function=function, **kwargs):
            calls.append(_name)
            return _function(*args, **kwargs)

        monkeypatch.setattr(fixer, name, recorded)
    return calls


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("corpus", ["seeds", "ai-news", "powerapps-news", "azure-news"])
@pytest.mark.parametrize("unsafe", [(), ("--unsafe-fixes",)])
def test_fixing_on_disk_writes_and_says_what_fixing_in_memory_does(tmp_path, monkeypatch, used, corpus, unsafe):
    answers = {}
    for way, cache in (("memory", ("--no-cache",)), ("disk", ())):
        folder = tmp_path / way
        shutil.copytree(FIXTURES / corpus, folder / "docs")
        monkeypatch.chdir(folder)
        if cache == ():  # (a check first: with no report of the run, a fix checks in memory, see cli.run_fix)
            run_split("check", "--isolated", "docs")
        answers[way] = (run_split("fix", "--isolated", *cache, *unsafe, "docs"), files(folder / "docs"))
    assert used == ["fix", "fix_on_disk"]
    assert answers["disk"] == answers["memory"]
    assert "Fixed " in answers["disk"][0][2]
    if corpus == "azure-news":  # (a fixed title, which copies in other documents follow)
        assert "copies of the fixed values followed" in answers["disk"][0][2]


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


def test_the_fix_hook_brings_copies_of_an_edited_title_up_to_date(tmp_path, monkeypatch, used):
    """The pre-commit case: a title edited, the documents copying it fixed to say the same, as in memory."""
    answers = {}
    for way, cache in (("memory", ("--no-cache",)), ("disk", ())):
        folder = tmp_path / way
        shutil.copytree(FIXTURES / "seeds", folder / "seeds")
        (folder / "seedlint.toml").write_text('paths = ["seeds"]\nrelated-scope = "hosts"\n', encoding="utf-8")
        monkeypatch.chdir(folder)
        run_split("fix", *cache)  # (the seeds' own fixable findings, fixed before the commit)
        git(folder, "init", "-q")
        git(folder, "add", "-A")
        git(folder, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "seeds")
        target = folder / "seeds" / "000_c11209e5b5b8f7fd.txt"
        old = 'title: "Live facial recognition helps deliver justice in Croydon"'
        text = target.read_text(encoding="utf-8")
        assert old in text
        target.write_text(text.replace(old, old[:-1] + ' (update)"'), encoding="utf-8")
        used.clear()
        answers[way] = (run_split("fix", "--diff-base", "HEAD", *cache), files(folder / "seeds"))
        assert used == (["fix_on_disk"] if way == "disk" else ["fix"])
    assert answers["disk"] == answers["memory"]
    (status, _, err), written = answers["disk"]
    assert "Fixed 1 problem in 1 file." in err and status == 0
    assert (
        b'  - title: "Live facial recognition helps deliver justice in Croydon (update)"'
        in written["001_5ea581042828ec4e.txt"]
    )


# Fixable defects, injected where they fit (a document's own title is copied by the documents naming it: its
# fix is followed there).
DEFECTS = [
    lambda text: "\ufeff" + text,
    lambda text: re.sub(r'^title: "', 'title: " ', text, count=1, flags=re.M),
    lambda text: re.sub(r'^title: "(.*)"$', r'title: "\1 "', text, count=1, flags=re.M),
    lambda text: re.sub(r"^(publishedDateTime: \d{4}-\d\d-\d\d)T", r"\1t", text, count=1, flags=re.M),
    lambda text: re.sub(r'^excerpt: "(\w+) ', r'excerpt: "\1&amp; ', text, count=1, flags=re.M),
    lambda text: text.replace("’", "â€™", 1),
    lambda text: re.sub(r'^(    title: ".*?) ', r"\1  ", text, count=1, flags=re.M),
    lambda text: text.replace("\n", "\r\n", 3),
]


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("corpus", ["ai-news", "powerapps-news", "azure-news"])
def test_random_defects_are_fixed_alike_on_disk_and_in_memory(tmp_path, monkeypatch, used, corpus, seed):
    chance = random.Random(seed)
    names = sorted(path.name for path in (FIXTURES / corpus).iterdir())
    picks = [(chance.choice(names), chance.choice(DEFECTS)) for _ in range(chance.randint(1, 6))]
    unsafe = ("--unsafe-fixes",) if seed % 3 == 0 else ()
    answers = {}
    for way, cache in (("memory", ("--no-cache",)), ("disk", ())):
        folder = tmp_path / way
        shutil.copytree(FIXTURES / corpus, folder / "docs")
        for name, defect in picks:
            path = folder / "docs" / name
            path.write_bytes(defect(path.read_text(encoding="utf-8")).encode("utf-8"))
        monkeypatch.chdir(folder)
        if way == "disk":
            run_split("check", "--isolated", "docs")  # (a report to start from, as a hook has)
        answers[way] = (run_split("fix", "--isolated", *cache, *unsafe, "docs"), files(folder / "docs"))
    assert used == ["fix", "fix_on_disk"]
    assert answers["disk"] == answers["memory"]
