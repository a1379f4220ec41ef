"""The README's rule table is generated from the registry (this fails when it is stale), and its quick start
says what the commands do."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from update_readme import with_table  # noqa: E402


def test_readme_rule_table_is_up_to_date():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == with_table(readme), "README rule table is stale: run `python tools/update_readme.py`"


def test_readme_quick_start_has_exactly_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick_start.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == ["bash scripts/dev.sh check", "bash scripts/dev.sh test"]
    assert "bash scripts/dev.sh test" in (ROOT / ".ci" / "run").read_text()


def test_what_the_quick_start_says_the_seeds_give(monkeypatch):
    """seeds/ passes (fixed with seedlint itself); the originals in tests/fixtures/seeds give the three findings
    the quick start names, each fixable."""
    import json

    from click.testing import CliRunner

    from seedlint.cli import main

    monkeypatch.chdir(ROOT)
    passed = CliRunner().invoke(main, ["check", "--no-cache"])
    assert (passed.exit_code, passed.output.strip().splitlines()[-1]) == (0, "All checks passed (5 files checked).")
    found = CliRunner().invoke(main, ["check", "--no-cache", "--output-format", "json", "tests/fixtures/seeds"])
    assert found.exit_code == 1
    findings = json.loads(found.stdout)
    assert [(f["code"], f["path"], f["line"], f["column"]) for f in findings] == [
        ("SL401", "tests/fixtures/seeds/000_c11209e5b5b8f7fd.txt", 29, 40),
        ("SL505", "tests/fixtures/seeds/001_5ea581042828ec4e.txt", 49, 14),
        ("SL401", "tests/fixtures/seeds/001_5ea581042828ec4e.txt", 49, 33),
    ]
    assert all(f["fix"]["applicability"] == "safe" for f in findings)
