"""tools/growth.py at small sizes: every hostile shape of issue 24 runs and gives the findings it must.
Only that: the times it prints are figures to read (`python tools/growth.py`), never assertions."""

import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parent.parent / "tools" / "growth.py"


def test_every_hostile_shape_runs_with_the_right_findings():
    process = subprocess.run(
        [sys.executable, str(TOOL), "--scale", "0.01", "--single", "--timeout", "120"],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    lines = process.stdout.splitlines()
    assert process.returncode == 0, process.stdout + process.stderr
    shapes = [line.split()[0] for line in lines[1:]]
    assert shapes == [
        "suppression-blanks",
        "suppression-lines",
        "topics",
        "long-urls",
        "unknown-keys",
        "duplicate-keys",
        "schema-patterns",
    ]
    assert all(line.endswith("  ok") for line in lines[1:]), process.stdout


def test_a_wrong_finding_fails_the_run():
    """The expectations can fail: a shape whose findings are not what it must produce is reported."""
    sys.path.insert(0, str(TOOL.parent))
    import growth

    assert growth.SHAPES["topics"].expect(150, growth.Counter({"SL604": 150}), []) == (
        "150 SL604, expected 100 and one '50 more SL604 …'"
    )
    assert growth.SHAPES["long-urls"].expect(3, growth.Counter({"SL503": 2}), []) == "2 SL503, expected 3"
    assert growth.SHAPES["suppression-lines"].expect(5, growth.Counter({"SL017": 5}), []) is None
