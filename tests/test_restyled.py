"""The same documents written in other YAML styles say the same, so seedlint must say the same of them.

The real fixture corpora are written again with PyYAML's emitter, their data unchanged (checked): every long text
as a folded block (`excerpt: >-` and its lines), or every value double-quoted. Each corpus, whatever its style, must
give the same findings (positions aside: the lines move) with the same fixes offered, and `seedlint fix` must
leave each document holding the same data. A style-dependent rule or fix fails here: every fix of a block value
was refused (the replacement dropped the line break after it).
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES

from seedlint.cli import main
from seedlint.document import parse_document

CORPORA = ("azure-news", "powerapps-news", "ai-news")


class _BlockDumper(yaml.SafeDumper):
    """Long single-line texts as folded blocks (`>-`: no final line break, so the value is the same)."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    printable = not any(ord(char) < 32 or char in "\x85\u2028\u2029\ufeff" for char in value)
    if len(value) > 60 and value == value.strip() and "  " not in value and printable:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


class _QuotedDumper(yaml.SafeDumper):
    """Every text double-quoted (numbers and booleans as they are)."""


_BlockDumper.add_representer(str, _text)
_QuotedDumper.add_representer(
    str, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
)
STYLES = {"block": {"Dumper": _BlockDumper, "width": 80}, "double-quoted": {"Dumper": _QuotedDumper, "width": 10**6}}


def _restyled(source: Path, target: Path, style: str) -> int:
    """The corpus at `source` written in `style` into `target`; how many documents it could write so (a
    document whose data the emitter cannot keep, a number quoted into a text, is copied as it is)."""
    target.mkdir()
    written = 0
    for path in sorted(source.iterdir()):
        document = parse_document(path.read_bytes(), path, path.name)
        text = None
        if document.data is not None:
            options = {"default_flow_style": False, "allow_unicode": True, "sort_keys": False, **STYLES[style]}
            text = "---\n" + yaml.dump(document.data, **options) + "---\n" + document.body
            if parse_document(text.encode("utf-8"), path, path.name).data != document.data:
                text = None
        if text is None:
            shutil.copy(path, target / path.name)
        else:
            (target / path.name).write_text(text, encoding="utf-8")
            written += 1
    return written


def _findings(folder: Path) -> Counter:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-cache", "--output-format", "json", str(folder)])
    assert result.exit_code in (0, 1) and "internal error" not in result.stderr, result.stderr
    return Counter(
        (
            Path(d["path"]).name,
            d["code"],
            re.sub(r"line \d+", "line N", d["message"]),  # (SL311 names the line of the address it compares)
            (d["fix"] or {}).get("applicability"),
        )
        for d in json.loads(result.stdout)
    )


def _fixed_data(folder: Path) -> dict[str, object]:
    result = CliRunner().invoke(main, ["fix", "--isolated", "--no-cache", "--unsafe-fixes", str(folder)])
    assert "internal error" not in result.stderr and "left unchanged" not in result.stderr, result.stderr
    return {path.name: parse_document(path.read_bytes(), path, path.name).data for path in sorted(folder.iterdir())}


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("corpus", CORPORA)
def test_a_corpus_written_in_another_style_gets_the_same_findings_and_fixes(tmp_path, corpus, style):
    original, restyled = tmp_path / "original", tmp_path / style
    shutil.copytree(FIXTURES / corpus, original)
    written = _restyled(original, restyled, style)
    assert written >= len(list(original.iterdir())) // 2  # (most documents are written anew)
    assert _findings(restyled) == _findings(original)
    assert _fixed_data(restyled) == _fixed_data(original)
