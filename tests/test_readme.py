"""The README's rule table is generated from the registry; this fails when it is stale."""

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
