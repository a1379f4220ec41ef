"""`pip install .` must give a seedlint that finds its schema: the wheel carries schemas/article.schema.json."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_the_schema_and_the_console_script(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True,
    )
    [wheel] = tmp_path.glob("seedlint-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        packaged = archive.read("seedlint/schemas/article.schema.json")
        entry_points = archive.read(next(n for n in archive.namelist() if n.endswith("entry_points.txt"))).decode()
    assert packaged == (ROOT / "schemas" / "article.schema.json").read_bytes()
    assert "seedlint = seedlint.entry:main" in entry_points
