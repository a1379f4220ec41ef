"""Per-file caps on repeated findings: at most 100 of one rule in one file, then one diagnostic that says how
many more there are, so that a hostile file cannot make every later step (positions, cache, suppressions,
sorting, output) pay for hundreds of thousands of findings. The real corpora have at most 18."""

from __future__ import annotations

from conftest import run_json, seed_text

from seedlint.diagnostic import Diagnostic, Fix, Severity, cap_repeated

CLEAN = seed_text("002_436ca83e3ef9a780.txt")


def test_duplicate_keys_are_capped_with_a_count_of_the_rest(isolated_cwd):
    (isolated_cwd / "many.md").write_text("---\n" + "k: 1\n" * 151 + "---\n")  # 150 duplicates of `k`
    _status, items = run_json("--isolated", "--no-cache", "--select", "SL010", "many.md")
    assert [(d["line"], d["column"]) for d in items] == [(line, 1) for line in range(3, 104)]
    assert (
        items[-1]["message"]
        == "50 more SL010 duplicate-key findings in this file are not shown (at most 100 per rule and file)"
    )
    assert items[-1]["fix"] is None and all(d["code"] == "SL010" for d in items)


def test_malformed_suppressions_are_capped_too(isolated_cwd):
    comments = "".join(f"# seedlint: ignore SL40{i % 8}\n" for i in range(101))
    (isolated_cwd / "doc.md").write_text(CLEAN.replace("---\n", "---\n" + comments, 1))
    _status, items = run_json("--isolated", "--no-cache", "--select", "SL018", "doc.md")
    assert len(items) == 101 and [d["line"] for d in items[:100]] == list(range(2, 102))
    assert items[100]["line"] == 102 and items[100]["message"].startswith(
        "1 more SL018 malformed-suppression finding in this file is not shown"
    )


def _found(path: str, code: str, line: int) -> Diagnostic:
    fix = Fix.replace(0, 1, "")
    return Diagnostic(path, line, 1, code, Severity.ERROR, f"at {line}", fix=fix, name="rule")


def test_the_first_findings_in_the_file_are_kept_whatever_the_order_they_came_in():
    diagnostics = [_found("a.md", "SL010", line) for line in range(6, 0, -1)] + [_found("b.md", "SL010", 1)]
    capped = cap_repeated(diagnostics, limit=3)
    assert [(d.path, d.line) for d in capped] == [("b.md", 1), ("a.md", 1), ("a.md", 2), ("a.md", 3), ("a.md", 4)]
    assert capped[-1].message == "3 more SL010 rule findings in this file are not shown (at most 3 per rule and file)"
    assert capped[-1].fix is None and capped[1].fix is not None
    assert cap_repeated(diagnostics[:3], limit=3) == diagnostics[:3]
    assert cap_repeated(diagnostics, limit=6) == diagnostics  # at the limit: nothing left out
