"""`seedlint check`, `schema`, `rules`, `rule`: output shapes and exit statuses."""

import ast
import json
import shutil

import pytest
from conftest import SEEDS, run_cli, run_json, run_split, seed_text, write


def test_clean_document_exits_0_with_a_summary(tmp_path, isolated_cwd):
    path = write(tmp_path, seed_text("002_436ca83e3ef9a780.txt"))
    status, output = run_cli("check", "--select", "SL0,SL1", str(path))
    assert (status, output) == (0, "All checks passed (1 file checked).\n")


def test_error_exits_1_with_path_line_column_code_message(tmp_path, isolated_cwd):
    path = write(tmp_path, seed_text().replace("type: article\n", 'type: article\ntitle: "again"\n', 1))
    status, output = run_cli("check", "--select", "SL0", str(path))
    assert status == 1
    assert output.splitlines() == [
        "doc.md:9:1: SL010 duplicate key `title` (first defined on line 3); YAML keeps only the last value",
        "Found 1 problem (1 error) in 1 file checked.",
    ]


def test_json_output_fields(tmp_path, isolated_cwd):
    path = write(tmp_path, b"\xef\xbb\xbf" + seed_text().encode())
    status, [item] = run_json("--select", "SL005", str(path))
    assert status == 0  # a warning does not fail the run
    assert {k: item[k] for k in ("path", "line", "column", "code", "severity", "fixable")} == {
        "path": "doc.md",
        "line": 1,
        "column": 1,
        "code": "SL005",
        "severity": "warning",
        "fixable": True,
    }
    assert item["message"] == "file starts with a UTF-8 byte-order mark (U+FEFF)"


def test_missing_path_is_a_usage_error(isolated_cwd):
    status, output = run_cli("check", "nowhere.md")
    assert status == 2 and "nowhere.md: no such file or directory" in output


def test_no_path_checks_the_configured_corpus(tmp_path, isolated_cwd):
    (tmp_path / "pyproject.toml").write_text('[tool.seedlint]\npaths = ["docs"]\n')
    (tmp_path / "docs").mkdir()
    write(tmp_path / "docs", "---\ntitle: [\n---\n", "a.md")
    write(tmp_path / "docs", "ignored\n", "b.json")
    status, output = run_cli("check", "--select", "SL0", "--output-format", "concise")
    assert status == 1
    assert output.splitlines()[0].startswith("docs/a.md:3:1: SL008 YAML syntax error: ")


def test_bad_configuration_names_the_key(tmp_path, isolated_cwd):
    (tmp_path / "seedlint.toml").write_text('pahts = ["docs"]\n')
    status, output = run_cli("check")
    assert status == 2 and "unknown key `pahts`" in output


def test_schema_command_prints_the_schema():
    status, output = run_cli("schema")
    assert status == 0 and json.loads(output)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_command_prints_the_projects_schema_when_one_is_configured(isolated_cwd):
    # (it printed seedlint's own schema, not the one the project's documents are checked against)
    project = '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}\n'
    (isolated_cwd / "article.json").write_text(project)
    (isolated_cwd / "seedlint.toml").write_text('schema = "article.json"\n')
    status, stdout, stderr = run_split("schema")
    assert (status, stdout) == (0, project)
    assert stderr == (
        f"seedlint: the project's schema {isolated_cwd.resolve() / 'article.json'} (`schema` in "
        f"{isolated_cwd.resolve() / 'seedlint.toml'}), not seedlint's own\n"
    )
    assert (
        json.loads(run_split("schema", "--isolated")[1])["title"] != "" and run_split("schema", "--isolated")[2] == ""
    )


def test_rules_and_rule_come_from_the_registry():
    status, output = run_cli("rules")
    assert status == 0 and any(line.startswith("SL010  duplicate-key") for line in output.splitlines())
    status, output = run_cli("rule", "SL010")
    assert status == 0 and output.startswith("SL010 duplicate-key (error)\n")
    for section in ("What it does", "Why is this bad?", "Example", "Fix safety"):
        assert section in output
    assert run_cli("rule", "SL999")[0] == 2


@pytest.mark.parametrize(
    ("name", "toml", "error"),
    [
        (
            "seedlint.toml",
            '# the corpus\npahts = ["docs"]\n',
            ":2: unknown key `pahts`; did you mean `paths`? (known keys: allow-suppressions, ",
        ),
        (
            "pyproject.toml",
            '[tool.black]\nselect = 1\n\n[tool.seedlint]\nextend_selec = ["SL1"]\n',
            ":5: unknown key `extend_selec` in [tool.seedlint]; did you mean `extend-select`? (known keys: ",
        ),
        ("seedlint.toml", 'paths = ["docs"]\n\n[severity]\nSL104 = "fatal"\n', ":4: `severity.SL104` must be error, "),
        ("seedlint.toml", 'paths = ["docs"]\nseverity.SL104 = "fatal"\n', ":2: `severity.SL104` must be error, "),
        (
            "pyproject.toml",
            '[tool.black]\nselect = 1\n[tool.seedlint]\n"select" = ["SL9"]\n',
            ":4: `select` names 'SL9'",
        ),
        ("seedlint.toml", '[per-file-ignores]\n"a/*.md" = ["XYZ"]\n', ":2: `per-file-ignores.a/*.md` names 'XYZ'"),
        (
            "seedlint.toml",
            'paths = ["docs"]\nschema = "../x.json"\n',
            ":2: `schema` names ../x.json, which leads outside",
        ),
        ("seedlint.toml", 'paths = ["docs"]\nselect = SL1\n', ":2:10: invalid TOML: Invalid value\n"),
    ],
)
def test_a_configuration_error_says_on_which_line(tmp_path, isolated_cwd, name, toml, error):
    (tmp_path / "docs").mkdir()
    (tmp_path / name).write_text(toml)
    status, output = run_cli("check")
    assert status == 2 and f"Error: {tmp_path.resolve() / name}{error}" in output


def test_the_summary_of_a_partial_run_counts_the_findings_in_documents_not_given(tmp_path, isolated_cwd):
    """`seedlint check FILE` also reports, in other documents, the related entries that no longer resolve (the
    given file may be their deleted target): its summary line says how many findings are in documents it was not
    given, where it used to say "in 1 file checked" only."""
    shutil.copytree(SEEDS, tmp_path / "docs")
    status, stdout, _ = run_split("check", "--output-format", "concise", "docs/001_5ea581042828ec4e.txt")
    lines = stdout.splitlines()
    assert status == 1 and len({line.split(":")[0] for line in lines[:-1]}) == 5
    summary = (
        "Found 17 problems (16 errors, 1 warning) in 1 file checked, 13 of them in 4 other documents of the corpus "
        "(cross-document rules). 2 fixable with `seedlint fix`."
    )
    assert lines[-1] == summary
    assert run_split("check", "--statistics", "docs/001_5ea581042828ec4e.txt")[1].splitlines()[-1] == summary
    whole = run_split("check", "docs")[1].splitlines()[-1]
    assert whole == "Found 18 problems (17 errors, 1 warning) in 5 files checked. 3 fixable with `seedlint fix`."


def test_a_per_file_ignores_glob_that_matches_no_document_is_said(tmp_path, isolated_cwd):
    """A glob with a typo, or written relative to another folder, silences nothing: a run of the whole corpus says
    so on stderr (not a run of given files, which the glob need not match)."""
    shutil.copytree(SEEDS, tmp_path / "docs")
    (tmp_path / "seedlint.toml").write_text(
        'paths = ["docs"]\n[per-file-ignores]\n"news/*.txt" = ["SL504"]\n"docs/00[01]*" = ["SL504"]\n'
    )
    status, stdout, stderr = run_split("check")
    assert status == 1 and "docs/000_c11209e5b5b8f7fd.txt:31:13: SL504" not in stdout  # (the second glob holds)
    assert "docs/004_c5cf7e08ca5b8660.txt:24:13: SL504" in stdout
    assert stderr == (
        "seedlint: warning: `per-file-ignores` glob 'news/*.txt' matches no document of the corpus (globs are "
        f"relative to {tmp_path.resolve()}): it silences nothing\n"
    )
    assert run_split("fix", "--diff")[2].startswith("seedlint: warning: `per-file-ignores` glob 'news/*.txt' matches")
    assert run_split("check", "docs/000_c11209e5b5b8f7fd.txt")[2] == ""
    assert run_split("check", "--quiet")[2] == ""


def test_an_exclude_glob_written_from_the_project_folder_is_said(tmp_path, isolated_cwd):
    """`exclude` globs are matched inside the folders of `paths` (or against a file's name): `_news/drafts` where
    `paths = ["_news"]` leaves nothing out, and a run of the whole corpus says what to write instead."""
    (tmp_path / "_news" / "drafts").mkdir(parents=True)
    shutil.copy(SEEDS / "000_c11209e5b5b8f7fd.txt", tmp_path / "_news" / "drafts" / "a.md")
    shutil.copy(SEEDS / "002_436ca83e3ef9a780.txt", tmp_path / "_news" / "b.md")
    (tmp_path / "seedlint.toml").write_text('paths = ["./_news"]\nexclude = ["_news/drafts"]\n')
    _, stdout, stderr = run_split("check", "--exit-zero")
    assert " in 2 files checked." in stdout.splitlines()[-1]  # (nothing left out)
    assert stderr == (
        "seedlint: warning: `exclude` glob '_news/drafts' starts with the corpus folder _news, but exclude globs are "
        "matched inside the folders of `paths` (or against a file's name): to leave out _news/drafts, write "
        "'drafts'\n"
    )
    (tmp_path / "seedlint.toml").write_text('paths = ["./_news"]\nexclude = ["drafts"]\n')
    _, stdout, stderr = run_split("check", "--exit-zero")
    assert " in 1 file checked." in stdout.splitlines()[-1] and stderr == ""


def test_a_pyproject_table_beside_the_seedlint_toml_in_use_is_said_to_be_ignored(tmp_path, isolated_cwd):
    """seedlint.toml comes first: a [tool.seedlint] table in the pyproject.toml beside it, which its reader may be
    editing, is ignored, and the run says so (not with --config naming the file, nor with --quiet)."""
    shutil.copytree(SEEDS, tmp_path / "docs")
    (tmp_path / "seedlint.toml").write_text('paths = ["docs"]\n')
    (tmp_path / "pyproject.toml").write_text('[tool.seedlint]\npaths = ["docs"]\nignore = ["SL504"]\n')
    _, stdout, stderr = run_split("check")
    assert " SL504 " in stdout and stderr == (
        f"seedlint: warning: {tmp_path.resolve() / 'pyproject.toml'} has a [tool.seedlint] table too: it is ignored, "
        f"{tmp_path.resolve() / 'seedlint.toml'} is the configuration used\n"
    )
    assert run_split("check", "--config", "seedlint.toml")[2] == run_split("check", "--quiet")[2] == ""
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    assert run_split("check")[2] == ""


def test_a_folder_outside_the_configured_corpus_is_a_corpus_of_its_own(tmp_path, isolated_cwd):
    """Checking another corpus from inside a project must not pull the project's own documents in."""
    (tmp_path / "pyproject.toml").write_text('[tool.seedlint]\npaths = ["docs"]\n')
    (tmp_path / "docs").mkdir()
    write(tmp_path / "docs", "no front matter\n", "a.md")
    (tmp_path / "other").mkdir()
    write(tmp_path / "other", seed_text("002_436ca83e3ef9a780.txt"), "b.md")
    status, output = run_cli("check", "--select", "SL0,SL5", "--output-format", "concise", "other")
    assert status == 1 and {line.split(":")[0] for line in output.splitlines()[:-1]} == {"other/b.md"}
    assert output.splitlines()[-1] == "Found 2 problems (2 errors) in 1 file checked."


def test_no_documents_left_by_exclude_says_so(tmp_path, isolated_cwd):
    # (before: "documents are files named *.md, *.txt" only, as if there were none)
    write(tmp_path, seed_text(), "a.md")
    status, _out, err = run_split("check", "--isolated", "--exclude", "*", str(tmp_path))
    assert status == 2
    assert f"no documents in {tmp_path}: documents are files named *.md, *.txt that `exclude` (*) leaves in" in err


def test_a_run_answered_from_its_cache_loads_neither_jsonschema_nor_ftfy(tmp_path):
    """Checking a document needs jsonschema and ftfy; a run that checks none (answered from its last report: a
    warm run, a hook run again) does not load them (a third of every command's start). Nor does a run that starts
    no worker process load multiprocessing, nor one that searches no near miss rapidfuzz (a hook's run at 100,000
    documents: 15 ms of its second, with `secrets`, which nothing needs)."""
    import subprocess
    import sys
    from pathlib import Path

    shutil.copytree(SEEDS, tmp_path / "docs")
    (tmp_path / "seedlint.toml").write_text('paths = ["docs"]\n', encoding="utf-8")
    loaded = (
        "import atexit, sys; atexit.register(lambda: sys.stderr.write(repr(sorted(m for m in ('ftfy', 'jsonschema', "
        "'multiprocessing', 'rapidfuzz', 'secrets') if m in sys.modules)))); from seedlint.entry import main; main()"
    )

    def modules() -> str:
        run = subprocess.run(
            [sys.executable, "-c", loaded, "check", "--quiet", "--exit-zero"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "NO_COLOR": "1"},
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
        return run.stderr

    first = set(ast.literal_eval(modules()))  # (the five documents checked in this process, none in a worker)
    assert {"ftfy", "jsonschema"} <= first and "multiprocessing" not in first
    assert modules() == "[]"


def test_a_configured_corpus_that_is_not_there_is_said_with_the_line_that_names_it(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.seedlint]\nselect = ["SL1"]\npaths = [\n  "nope",\n]\n')
    monkeypatch.chdir(tmp_path)
    status, _, error = run_split("check")
    assert status == 2
    assert error.splitlines()[-1] == (
        f"Error: {tmp_path}/nope: no such file or directory (the corpus configured by `paths`, "
        f"{tmp_path}/pyproject.toml:3)"
    )
    (tmp_path / "nope").mkdir()
    status, _, error = run_split("check")
    assert status == 2
    assert error.splitlines()[-1] == (
        f"Error: no documents in {tmp_path}/nope (the corpus configured by `paths`, {tmp_path}/pyproject.toml:3): "
        "documents are files named *.md, *.txt"
    )
