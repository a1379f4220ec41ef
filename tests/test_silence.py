"""Issue 17: `seedlint check --add-suppressions` writes a `# seedlint: ignore[...]` comment for each of today's
findings, through the fixer's verified, atomic write path: exact bytes, a file-wide comment where a line cannot
hold one, nothing for what may not be silenced (each said)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from test_baseline import CLEARVIEW, FIXTURES, THEHILL, news, seedlint

STORIES = FIXTURES / "powerapps-news" / "2020-12-21-power-platform-stories.md"
ISOLATED = 'paths = ["docs"]\n'


def without_comments(text: str) -> str:
    """`text` with the comments --add-suppressions adds taken out again."""
    lines = []
    for line in text.split("\n"):
        if line.startswith("# seedlint: ignore-file["):
            continue
        lines.append(line.split("  # seedlint: ignore[", 1)[0] if "  # seedlint: ignore[" in line else line)
    return "\n".join(lines)


def test_today_findings_get_a_comment_on_their_line(tmp_path):
    folder = news(tmp_path)
    before = {path.name: path.read_bytes() for path in (folder / "_news").iterdir()}
    result = seedlint(folder, "check", "--add-suppressions")
    assert result.returncode == 0
    assert result.stdout == "All checks passed (30 files checked).\n"
    assert result.stderr == "seedlint: silenced 16 findings in 7 files\n"
    text = (folder / "_news" / CLEARVIEW).read_text(encoding="utf-8")
    assert f'    webUrl: "{THEHILL}"  # seedlint: ignore[SL504]\n' in text
    changed = 0
    for path in (folder / "_news").iterdir():
        after = path.read_bytes()
        changed += after != before[path.name]
        # Only comments were added: every other byte is the file's own.
        assert without_comments(after.decode("utf-8")) == before[path.name].decode("utf-8")
    assert changed == 7
    again = seedlint(folder, "check")
    assert (again.returncode, again.stdout) == (0, "All checks passed (30 files checked).\n")


def project(tmp_path: Path, name: str, text: str | bytes, config: str = ISOLATED) -> Path:
    (tmp_path / "docs").mkdir()
    path = tmp_path / "docs" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    (tmp_path / "seedlint.toml").write_text(config)
    return path


def test_a_finding_inside_a_block_scalar_gets_a_file_wide_comment(tmp_path):
    original = STORIES.read_text(encoding="utf-8")
    excerpt = original.split("\n")[3]
    block = "excerpt: >-\n  " + excerpt.removeprefix('excerpt: "').removesuffix('"')
    path = project(tmp_path, STORIES.name, original.replace(excerpt, block, 1))
    result = seedlint(tmp_path, "check", "--add-suppressions")
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "seedlint: silenced 1 finding in 1 file (1 by a file-wide comment: their line cannot hold one)\n"
    )
    assert path.read_text(encoding="utf-8") == original.replace(excerpt, block, 1).replace(
        "---\n", "---\n# seedlint: ignore-file[SL402]\n", 1
    )


def test_a_file_with_an_unused_suppression_still_gets_the_comments_it_needs(tmp_path):
    # The unused comment's SL017 stays (no comment silences it); the excerpt's entity is silenced all the same (the
    # SL017 made the file count as one whose comments would not hold: it was left unchanged).
    original = STORIES.read_text(encoding="utf-8")
    unused = original.replace("category: news\n", "category: news  # seedlint: ignore[SL401]\n", 1)
    path = project(tmp_path, STORIES.name, unused)
    result = seedlint(tmp_path, "check", "--add-suppressions")
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "seedlint: silenced 1 finding in 1 file\n"
        "seedlint: 1 SL017 finding not silenced: comments about suppressions are not silenced by more comments\n"
    )
    assert without_comments(path.read_text(encoding="utf-8")) == without_comments(unused)
    again = seedlint(tmp_path, "check", "--output-format", "concise")
    assert [line.split(": ")[1][:5] for line in again.stdout.splitlines()[:-1]] == ["SL017"]


def test_a_line_with_a_comment_and_an_existing_suppression(tmp_path):
    original = STORIES.read_text(encoding="utf-8")
    commented = original.replace('title: "Power Platform Stories"', 'title: " Power Platform Stories"  # reviewed', 1)
    path = project(tmp_path, STORIES.name, commented.replace("we&#8217;d like", "we&#8217;d like", 1))
    # The title's line holds a comment already (its SL606 goes file-wide); the excerpt's line gets one.
    result = seedlint(tmp_path, "check", "--add-suppressions")
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n# seedlint: ignore-file[SL606]\ncategory: news\n")
    assert text.split("\n")[4].endswith('Makers of apps,"  # seedlint: ignore[SL402]')
    # A second finding on a line with a suppression: its code goes between the brackets.
    path.write_text(text.replace("we&#8217;d like", "we&#8217;d&nbsp;like", 1), encoding="utf-8")
    assert seedlint(tmp_path, "check").stdout.count("SL402") == 0  # (the same code: already silenced)
    path.write_text(text.replace("we&#8217;d like", "we&#8217;d\u200blike", 1), encoding="utf-8")
    assert seedlint(tmp_path, "check", "--add-suppressions").returncode == 0
    assert path.read_text(encoding="utf-8").split("\n")[4].endswith("  # seedlint: ignore[SL402, SL405]")


def test_what_may_not_be_silenced_is_said(tmp_path):
    broken = STORIES.read_text(encoding="utf-8").replace("\nheat: 72", "\n\theat: 72", 1)
    path = project(tmp_path, "broken.md", broken, ISOLATED + 'allow-suppressions = ["SL5"]\n')
    (tmp_path / "docs" / STORIES.name).write_bytes(STORIES.read_bytes())
    result = seedlint(tmp_path, "check", "--add-suppressions")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "seedlint: silenced 0 findings in 0 files",
        "seedlint: 1 SL009 finding not silenced: a file that does not load (SL001–SL013) is always reported",
        "seedlint: 1 SL402 finding not silenced: this run allows silencing only SL5 (`allow-suppressions`)",
    ]
    assert path.read_text(encoding="utf-8") == broken


def test_a_crlf_file_keeps_its_line_endings(tmp_path):
    original = STORIES.read_bytes().replace(b"\n", b"\r\n")
    block = original.replace(b'excerpt: "As we wrap up the year, ', b"excerpt: >-\r\n  As we wrap up the year, ", 1)
    block = block.replace(b'Makers of apps,"\r\n', b"Makers of apps,\r\n", 1)
    path = project(tmp_path, STORIES.name, block)
    assert seedlint(tmp_path, "check", "--add-suppressions").returncode == 0
    assert path.read_bytes() == block.replace(b"---\r\n", b"---\r\n# seedlint: ignore-file[SL402]\r\n", 1)


def test_it_cannot_be_combined_with_a_comparison(tmp_path):
    folder = news(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    result = seedlint(folder, "check", "--add-suppressions", "--diff-base", "HEAD")
    assert result.returncode == 2 and "cannot be combined with each other, --fix, --diff, --since or --diff-base" in (
        result.stderr
    )
