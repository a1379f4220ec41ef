"""A partial run (`seedlint check FILE` inside a configured corpus) with a cache is answered from the whole corpus's
run (incremental.partial): it must report exactly what reading every record reports (`--no-cache`), on real
documents, before and after edits, for one file or several."""

import random
import shutil

import pytest
from conftest import FIXTURES, run_cli
from test_incremental import EDITS, _age

from seedlint import incremental


@pytest.fixture
def answered(monkeypatch):
    """How many partial runs the whole run's report answered."""
    calls = {"answered": 0}
    partial = incremental.partial

    def counting(*args, **kwargs):
        answer = partial(*args, **kwargs)
        calls["answered"] += answer is not None
        return answer

    monkeypatch.setattr(incremental, "partial", counting)
    return calls


def check(*args: str) -> str:
    return run_cli("check", "--output-format", "json", *args)[1]


@pytest.mark.parametrize(
    "fixture, scope, seed",
    [("azure-news", "closed", 1), ("ai-news", "hosts", 2), ("ai-news", "closed", 3), ("powerapps-news", "hosts", 4)],
)
def test_a_partial_run_reports_what_reading_every_record_reports(isolated_cwd, answered, fixture, scope, seed):
    shutil.copytree(FIXTURES / fixture, isolated_cwd / "docs")
    (isolated_cwd / "seedlint.toml").write_text(f'paths = ["docs"]\nrelated-scope = "{scope}"\n')
    _age(isolated_cwd / "docs")
    chance = random.Random(seed)
    check()
    for step in range(10):
        names = sorted(path.name for path in (isolated_cwd / "docs").iterdir())
        given = [f"docs/{name}" for name in chance.sample(names, chance.choice([1, 1, 2, 3]))]
        edited = ""
        if step % 2:
            edited, edit, _ = chance.choice(EDITS)
            edit(isolated_cwd / given[0])
        left = sorted(path.name for path in (isolated_cwd / "docs").iterdir())
        given = [path for path in given if (isolated_cwd / path).exists()] or [f"docs/{left[0]}"]
        if chance.random() < 0.5:
            _age(isolated_cwd / "docs")
        before = answered["answered"]
        output = check(*given)
        assert answered["answered"] == before + 1, f"step {step}: not answered from the whole run"
        assert output == check("--no-cache", *given), f"step {step}: {given}, after {edited or 'no edit'}"


def test_an_entry_naming_a_deleted_document_is_reported_in_a_partial_run(isolated_cwd, answered):
    """Outside the given files, the entries that resolve to nothing are reported (a deletion cannot pass)."""
    shutil.copytree(FIXTURES / "seeds", isolated_cwd / "seeds")
    (isolated_cwd / "seedlint.toml").write_text('paths = ["seeds"]\nrelated-scope = "hosts"\n')
    check()
    (isolated_cwd / "seeds" / "002_436ca83e3ef9a780.txt").unlink()
    output = check("seeds/004_c5cf7e08ca5b8660.txt")
    assert answered["answered"] == 1
    assert output == check("--no-cache", "seeds/004_c5cf7e08ca5b8660.txt")
    assert '"path": "seeds/001_5ea581042828ec4e.txt"' in output and '"code": "SL504"' in output


def test_a_rare_topic_spelling_is_found_by_the_whole_corpus_counts(isolated_cwd, answered):
    shutil.copytree(FIXTURES / "powerapps-news", isolated_cwd / "docs")
    (isolated_cwd / "seedlint.toml").write_text('paths = ["docs"]\n')
    check()
    path = sorted((isolated_cwd / "docs").iterdir())[2]
    path.write_text(
        path.read_text(encoding="utf-8").replace("  - Power Apps\n", "  - Power Aps\n", 1), encoding="utf-8"
    )
    given = f"docs/{path.name}"
    output = check(given)
    assert answered["answered"] == 1
    assert output == check("--no-cache", given) and "did you mean `Power Apps` (used in 38 documents)?" in output
