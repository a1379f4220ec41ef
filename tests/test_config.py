"""The configuration file: which table holds seedlint's keys, where an error about a key points, and what
`seedlint config` prints."""

import shutil
import tomllib

import pytest
from conftest import SEED_000, SEEDS, run_split


def test_a_pyproject_named_with_config_must_have_a_seedlint_table(isolated_cwd):
    """`--config pyproject.toml` names the file on purpose: without a [tool.seedlint] table the defaults would pass
    for its settings. Found by discovery, such a pyproject.toml is skipped, as before."""
    (isolated_cwd / "pyproject.toml").write_text('[project]\nname = "x"\n')
    status, stdout, stderr = run_split("config", "--config", "pyproject.toml")
    assert (status, stdout) == (2, "")
    assert stderr.endswith(
        "Error: pyproject.toml has no [tool.seedlint] table: put seedlint's keys under a [tool.seedlint] header, "
        "or name a seedlint.toml\n"
    )
    status, stdout, _ = run_split("config")
    assert status == 0 and stdout.startswith("# defaults (no configuration file)\n")


@pytest.mark.parametrize(
    ("toml", "where", "kind"),
    [
        ("[tool]\nseedlint = 5\n", ":2", "an integer"),
        ('[project]\nname = "x"\n\n[tool]\nblack = {}\nseedlint = "paths"\n', ":6", "a string"),
        ("tool.seedlint = [1]\n", ":1", "an array"),
        ("tool = { seedlint = true }\n", ":1", "a boolean"),
    ],
)
def test_a_tool_seedlint_that_is_no_table_is_a_usage_error(isolated_cwd, toml, where, kind):
    (isolated_cwd / "pyproject.toml").write_text(toml)
    expected = (
        f"Error: {isolated_cwd.resolve() / 'pyproject.toml'}{where}: [tool.seedlint] must be a table (the header "
        f"[tool.seedlint], then seedlint's keys), not {kind}\n"
    )
    for command in ("config", "check", "clean"):
        status, stdout, stderr = run_split(command)
        assert (status, stdout) == (2, "") and stderr.endswith(expected)
    status, _, stderr = run_split("config", "--config", "pyproject.toml")
    assert status == 2 and stderr.endswith(
        expected.replace(str(isolated_cwd.resolve() / "pyproject.toml"), "pyproject.toml")
    )


def test_a_pyproject_whose_tool_is_no_table_beside_a_seedlint_toml_is_not_the_runs_problem(isolated_cwd):
    """seedlint.toml comes first: the pyproject.toml beside it is read only to say that its [tool.seedlint] table is
    ignored (a `tool = 5` there made that an internal error)."""
    (isolated_cwd / "seedlint.toml").write_text('paths = ["."]\n')
    shutil.copy(SEED_000, isolated_cwd / "doc.md")
    (isolated_cwd / "pyproject.toml").write_text("tool = 5\n")
    assert run_split("check", "--select", "SL0") == (0, "All checks passed (1 file checked).\n", "")


@pytest.mark.parametrize(
    ("name", "toml", "table"),
    [
        ("seedlint.toml", 'paths = ["docs"]\n[severity]\nSL2 = "info"\n', []),
        (
            "pyproject.toml",
            '[tool.seedlint]\npaths = ["docs"]\n[tool.seedlint.severity]\nSL2 = "info"\n',
            ["tool", "seedlint"],
        ),
    ],
)
def test_the_printed_configuration_can_be_pasted_into_its_source(isolated_cwd, name, toml, table):
    """`seedlint config` prints top-level keys for a seedlint.toml (a [tool.seedlint] table there was an unknown key
    `tool`), a [tool.seedlint] table for a pyproject.toml: its output, written back to the file, is the same
    configuration."""
    (isolated_cwd / "docs").mkdir()
    (isolated_cwd / name).write_text(toml)
    status, printed, stderr = run_split("config")
    assert (status, stderr) == (0, "")
    assert printed.splitlines()[:3] == [
        f"# from {isolated_cwd.resolve() / name}",
        *(["[tool.seedlint]"] if table else []),
        'paths = ["docs"]',
        *([] if table else ['include = ["*.md", "*.txt"]']),
    ]
    settings = tomllib.loads(printed)
    for part in table:
        settings = settings[part]
    assert settings["severity"] == {"SL2": "info"} and settings["cache-dir"] == ".seedlint_cache"
    (isolated_cwd / name).write_text(printed)
    assert run_split("config") == (0, printed, "")


def test_config_says_that_a_pyproject_table_beside_the_seedlint_toml_is_ignored(isolated_cwd):
    """As `check` says it (on stderr: what config prints stays TOML), not with --config naming the file."""
    (isolated_cwd / "seedlint.toml").write_text('paths = ["."]\n')
    (isolated_cwd / "pyproject.toml").write_text('[tool.seedlint]\npaths = ["docs"]\n')
    status, printed, stderr = run_split("config")
    assert status == 0 and printed.startswith(f'# from {isolated_cwd.resolve() / "seedlint.toml"}\npaths = ["."]\n')
    assert stderr == (
        f"seedlint: warning: {isolated_cwd.resolve() / 'pyproject.toml'} has a [tool.seedlint] table too: it is "
        f"ignored, {isolated_cwd.resolve() / 'seedlint.toml'} is the configuration used\n"
    )
    assert run_split("config", "--config", "seedlint.toml")[2] == ""


@pytest.mark.parametrize(
    ("name", "toml", "error"),
    [
        (
            "seedlint.toml",
            'paths = ["."]\n\n[severity]\nSL2 = "info"\nSL104 = "fatal"\n',
            ":5: `severity.SL104` must be",
        ),
        ("seedlint.toml", '[severity]\nSL2 = "info"\n"SL\\u0031\\u00304" = "fatal"\n', ":3: `severity.SL104` must be"),
        ("seedlint.toml", 'severity.SL2 = "info"\nseverity . "SL104" = "fatal"\n', ":2: `severity.SL104` must be"),
        (
            "seedlint.toml",
            'paths = ["."]\nseverity = { SL2 = "info", SL104 = "fatal" }\n',
            ":2: `severity.SL104` must be",
        ),
        (
            "pyproject.toml",
            '[tool.seedlint]\npaths = ["."]\n\n[tool.seedlint.severity]\nSL2 = "info"\nSL104 = "fatal"\n',
            ":6: `severity.SL104` must be",
        ),
        (
            "pyproject.toml",
            '[tool.seedlint.per-file-ignores]\n"a.md" = ["SL1"]\n"docs/*.md" = 5\n',
            ":3: `per-file-ignores.docs/*.md` must be a list of rule codes",
        ),
        (
            "seedlint.toml",
            '[per-file-ignores]\n"a.md" = ["SL1"]\n\n"docs/*.md" = ["XYZ"]\n',
            ":4: `per-file-ignores.docs/*.md` names 'XYZ', which is no rule code",
        ),
        (
            "seedlint.toml",
            '[severity]\nSL2 = "info"\nSL9999 = "info"\n',
            ":3: `severity` names 'SL9999', which is no rule code",
        ),
    ],
)
def test_an_error_in_a_table_points_to_the_line_that_sets_the_entry(isolated_cwd, name, toml, error):
    """Not to the table's header (`[severity]` on line 3 for an SL104 set on line 5): the entry's own line, however
    its key is written (quoted, escaped, dotted); an inline table's line when the entry has none of its own."""
    (isolated_cwd / name).write_text(toml)
    status, _, stderr = run_split("config")
    assert status == 2 and f"Error: {isolated_cwd.resolve() / name}{error}" in stderr, stderr


@pytest.mark.parametrize(
    ("toml", "error"),
    [
        ('paths = ["docs\\u0000x"]\n', ":1: `paths` holds a NUL character, which no path, pattern or rule code can"),
        ('exclude = ["a\\u0000b"]\n', ":1: `exclude` holds a NUL character, which no path, pattern or rule code can"),
        ('ignore = [" SL402"]\n', ":1: `ignore` names ' SL402', with blanks around it: write 'SL402'"),
        ('select = ["SL4 ", "SL1"]\n', ":1: `select` names 'SL4 ', with blanks around it: write 'SL4'"),
        ('[severity]\n"SL016 " = "error"\n', ":2: `severity` names 'SL016 ', with blanks around it: write 'SL016'"),
        (
            "earliest-year = 1" + "0" * 5000 + "\n",
            ": cannot read configuration: it holds a number of over 4,300 digits",
        ),
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", ": cannot read configuration: its values nest too deeply"),
        ('schema = ""\n', ":1: `schema` is empty: name a path, or leave the key out for the default"),
        ('cache-dir = " "\n', ":1: `cache-dir` is empty: name a path, or leave the key out for the default"),
    ],
    ids=[
        "nul-path",
        "nul-pattern",
        "blank-code",
        "blank-prefix",
        "blank-severity",
        "huge-integer",
        "deep",
        "empty-schema",
        "empty-cache-dir",
    ],
)
def test_a_value_no_run_can_use_is_a_positioned_usage_error(isolated_cwd, toml, error):
    """A NUL in a path was an internal error (os.path.realpath raised), and in a pattern accepted; a code with
    blanks around it passed the check (which stripped it) and then matched nothing, silently; a huge integer or
    deep nesting made tomllib raise what no handler caught; an empty schema or cache-dir named the project root
    (the packaged schema used, the cache written at the root), silently."""
    (isolated_cwd / "seedlint.toml").write_text(toml)
    status, _, stderr = run_split("check", "--no-cache")
    assert status == 2 and stderr.splitlines()[-1] == f"Error: {isolated_cwd.resolve() / 'seedlint.toml'}{error}"


def test_a_cache_folder_holding_documents_is_a_usage_error(isolated_cwd):
    """`cache-dir = "_news"`: a run leaves its cache folder out, so the whole corpus vanished ("no documents", which
    never named cache-dir); with `paths = ["_news"]` the same folder was checked. Either way, it says so."""
    (isolated_cwd / "_news").mkdir()
    shutil.copy(SEED_000, isolated_cwd / "_news" / "a.md")
    (isolated_cwd / "seedlint.toml").write_text('cache-dir = "_news"\n')
    for paths in ([], ["_news"]):
        status, _, stderr = run_split("check", *paths)
        folder = (isolated_cwd / "_news").resolve()
        assert status == 2 and f"Error: the cache folder _news ({folder}) holds documents (a.md): a run" in stderr


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (
            ["--isolated", "--config", "x.toml"],
            "Error: --config x.toml and --isolated: --isolated reads no configuration",
        ),
        (["--isolated", "--ignore", "SL402,,SL016"], "Error: `--ignore` 'SL402,,SL016' has an empty item between its"),
        (
            ["--isolated", "--baseline", "nope.json", "--no-baseline"],
            "Error: --baseline nope.json and --no-baseline: --no-baseline reads no baseline",
        ),
    ],
    ids=["isolated-with-config", "empty-item", "baseline-with-no-baseline"],
)
def test_options_that_would_be_ignored_in_part_are_usage_errors(isolated_cwd, options, error):
    shutil.copy(SEED_000, isolated_cwd / "a.md")
    status, _, stderr = run_split("check", *options)
    assert status == 2 and stderr.splitlines()[-1].startswith(error), stderr


def test_exclude_globs_that_match_nothing_are_said(isolated_cwd):
    shutil.copy(SEED_000, isolated_cwd / "a.md")
    absolute = str(isolated_cwd.resolve() / "a.md")
    status, _, stderr = run_split("check", "--isolated", "--no-cache", "--exclude", absolute, "--exclude", "./a.md")
    assert status == 1
    assert stderr.splitlines()[:2] == [
        f"seedlint: warning: `exclude` glob {absolute!r} is an absolute path, but exclude globs are matched against a "
        "path inside the folders of `paths` (or a file's name): it leaves out nothing",
        "seedlint: warning: `exclude` glob './a.md' starts with `./`, but exclude globs are matched against a path "
        "inside the folders of `paths` (or a file's name): it leaves out nothing; write 'a.md'",
    ]


def test_a_repeated_selection_option_adds_up(isolated_cwd):
    """`--select SL4 --select SL5` selected SL5 alone (the last one), silently; as in ruff, it is SL4,SL5."""
    shutil.copytree(SEEDS, isolated_cwd / "seeds")
    _, out, _ = run_split(
        "check", "--isolated", "--no-cache", "--output-format", "concise", "--select", "SL4", "--select", "SL5", "seeds"
    )
    assert {line.split()[1] for line in out.splitlines()[:-1]} == {"SL401", "SL504", "SL505"}
