"""Regenerate the README's rule table from the registry: python tools/update_readme.py"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seedlint.registry import markdown_table  # noqa: E402
from seedlint.rules import all_rules  # noqa: E402

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def with_table(readme: str) -> str:
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: f"{START}\n{markdown_table(all_rules())}\n{END}", readme)


if __name__ == "__main__":
    path = ROOT / "README.md"
    path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
