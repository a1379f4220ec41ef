"""CI formats parsed by real consumers, configuration, and suppressions — on real documents, including a
hostile one whose text is full of `%`, `::`, newlines, `<`, `&` and quotes."""

import json
import re
import tomllib
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import FIXTURES, run_cli, run_split, seed_text
from jsonschema import Draft4Validator

HOSTILE_TITLE = 'title: "100% <b>&amp;</b> ::error file=x::pwned \\r\\n::warning::x, a:b \\"q\\" \'s"'
# An enum value quoted back in SL104's message: document text reaches every output format.
HOSTILE_TYPE = 'type: "<b>&amp;</b> 100% ::error file=x::pwned, a:b \\"q\\""'


@pytest.fixture
def docs(isolated_cwd):
    (isolated_cwd / "seedlint.toml").write_text('related-scope = "open"\n')  # (hostile.md copies seed.md: SL508 below)
    seed = seed_text()
    (isolated_cwd / "hostile.md").write_text(
        seed.replace('title: "Live facial recognition helps deliver justice in Croydon"', HOSTILE_TITLE, 1).replace(
            "type: article", HOSTILE_TYPE, 1
        )
    )
    (isolated_cwd / "seed.md").write_text(seed)
    return isolated_cwd


def output(*args: str) -> str:
    return run_cli("check", *args, "hostile.md", "seed.md")[1]


def test_sarif_is_valid_against_the_official_schema(docs):
    log = json.loads(output("--output-format", "sarif"))
    schema = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text())
    Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["SL104"]["help"]["text"].startswith("SL104 invalid-enum-value (error)")
    entity = [r for r in run["results"] if r["ruleId"] == "SL402"]
    assert entity and entity[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert {r["ruleId"] for r in run["results"]} >= {"SL104", "SL401", "SL402"}


def test_sarif_says_its_columns_count_characters(isolated_cwd):
    # SARIF's default column kind is UTF-16 code units: undeclared, the two emoji before the entity moved the
    # highlight two characters to the left in code scanning.
    (isolated_cwd / "emoji.md").write_text(
        seed_text().replace('title: "', 'title: "\U0001f600\U0001f600 Caf&eacute; ', 1)
    )
    log = json.loads(run_cli("check", "--isolated", "--output-format", "sarif", "emoji.md")[1])
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    entity = next(r for r in run["results"] if r["ruleId"] == "SL402")
    region = entity["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (15, 23)  # `&eacute;`, counted in characters


def test_sarif_uris_percent_encode_the_names_bytes():
    from seedlint.reporters.machine import sarif_uri

    assert sarif_uri("news/a b#1.md") == "news/a%20b%231.md"
    assert sarif_uri("news/caf\\xe9.md") == "news/caf%E9.md"  # a name that is not UTF-8, as display paths show it
    assert sarif_uri("news/café.md") == "news/caf%C3%A9.md"


def test_github_commands_cannot_be_injected(docs):
    lines = output("--output-format", "github").splitlines()
    command = re.compile(
        r"^::(error|warning|notice) file=[^,:]*,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
        r"title=SL\d{3} [a-z0-9-]+::[^\r\n]*$"
    )
    assert lines and all(command.match(line) for line in lines), lines
    enum = next(line for line in lines if "SL104" in line)
    assert enum.startswith("::error file=hostile.md,line=8,col=7,")
    assert 'SL104 `type` is "<b>&amp;</b> 100%25 ::error file=x::pwned, a:b \\"q\\""' in enum


def test_a_message_with_line_breaks_stays_one_command():
    import io

    from seedlint.diagnostic import Diagnostic, Severity
    from seedlint.reporters.machine import github

    stream = io.StringIO()
    github([Diagnostic("a,b:c.md", 1, 1, "SL104", Severity.ERROR, "x\n::error file=y::pwned\r100%", name="n")], stream)
    assert (
        stream.getvalue() == "::error file=a%2Cb%3Ac.md,line=1,col=1,endLine=1,endColumn=1,title=SL104 n::"
        "SL104 x\\n::error file=y::pwned\\r100%25\n"
    )


def test_github_escaping_rules():
    from seedlint.reporters.machine import github_data, github_property

    assert github_data("a%b\r\nc") == "a%25b\\r\\nc"  # inert first: no line break reaches the runner
    assert github_data("\x1b]8;;https://x\x07##[add-mask]") == "\\u001b]8;;https://x\\u0007##\\u005badd-mask]"
    assert github_property("x:y,z%") == "x%3Ay%2Cz%25"


def test_junit_is_well_formed_xml(docs):
    (docs / "control.md").write_text(seed_text().replace("type: article", 'type: "art\\x01icle"', 1))  # U+0001: not XML
    xml = run_cli("check", "--output-format", "junit", "hostile.md", "seed.md", "control.md")[1]
    root = ElementTree.fromstring(xml.split("\n", 1)[1] if xml.startswith("<?xml") else xml)
    failures = root.findall(".//failure")
    assert failures and any(": SL104 [error] " in (f.text or "") for f in failures)
    assert any("<b>&amp;</b>" in (f.text or "") for f in failures)


def test_gitlab_code_quality(docs):
    report = json.loads(output("--output-format", "gitlab"))
    assert {item["severity"] for item in report} <= {"info", "minor", "major", "critical", "blocker"}
    first = {item["fingerprint"] for item in report}
    assert len(first) == len(report) and first == {
        item["fingerprint"] for item in json.loads(output("--output-format", "gitlab"))
    }
    assert all(set(item) == {"description", "check_name", "fingerprint", "severity", "location"} for item in report)


def test_json_lines_and_full(docs):
    items = [json.loads(line) for line in output("--output-format", "json-lines").splitlines()]
    assert items == json.loads(output("--output-format", "json"))
    full = output("--output-format", "full")
    assert '    8 | type: "<b>&amp;</b> 100% ::error file=x::pwned, a:b \\"q\\""\n      |       ^^^^^^^^' in full
    assert "\x1b[" not in full  # no colour when the output is not a terminal


def test_statistics_exit_zero_and_quiet(docs):
    status, text = run_cli("check", "--statistics", "hostile.md", "seed.md")
    assert status == 1 and re.search(r"^\s+1  SL104      invalid-enum-value +error$", text, re.M)
    total = json.loads(run_cli("check", "--output-format", "json", "hostile.md", "seed.md")[1])
    assert text.splitlines()[-1].startswith(f"Found {len(total)} problems (")
    assert run_cli("check", "--exit-zero", "hostile.md")[0] == 0
    quiet = run_cli("check", "--quiet", "--output-format", "concise", "hostile.md")[1]
    assert quiet and "Found" not in quiet


def test_statistics_as_json_agree_with_the_findings(docs):
    status, text = run_cli("check", "--statistics", "--output-format", "json", "hostile.md", "seed.md")
    rows = json.loads(text)
    items = json.loads(run_cli("check", "--output-format", "json", "hostile.md", "seed.md")[1])
    assert status == 1 and sum(row["count"] for row in rows) == len(items)
    for row in rows:
        mine = [i for i in items if i["code"] == row["code"]]
        assert row == {
            "code": row["code"],
            "name": mine[0]["name"],
            "severity": mine[0]["severity"],
            "count": len(mine),
            "fixable": sum(i["fixable"] and i["fix"]["applicability"] == "safe" for i in mine),
            "unsafe_fixable": sum(i["fixable"] and i["fix"]["applicability"] == "unsafe" for i in mine),
        }
    assert [row["count"] for row in rows] == sorted((row["count"] for row in rows), reverse=True)
    status, text = run_cli("check", "--statistics", "--output-format", "sarif", "hostile.md")
    assert status == 2 and "--statistics prints text or JSON, not sarif" in text


def test_junit_fails_only_on_what_fails_the_run(docs):
    """Only errors are <failure>s (the exit status fails only on them); warnings and infos are listed."""
    (docs / "warned.md").write_text(
        seed_text().replace("publishedDateTime: 2024-01-24T15:00:00Z", "publishedDateTime: 2024-01-24 15:00:00Z", 1)
    )
    status, xml = run_cli("check", "--output-format", "junit", "--select", "SL2", "warned.md")
    root = ElementTree.fromstring(xml.split("\n", 1)[1])
    assert status == 0 and root.get("failures") == "0" and root.findall(".//failure") == []
    [note] = root.iter("system-out")
    assert "warned.md:5:20: SL205 [warning]" in (note.text or "")
    status, xml = run_cli("check", "--output-format", "junit", "hostile.md", "warned.md")
    root = ElementTree.fromstring(xml.split("\n", 1)[1])
    found = json.loads(run_cli("check", "--output-format", "json", "hostile.md", "warned.md")[1])
    errors = {path: [i for i in found if i["path"] == path and i["severity"] == "error"] for path in ("hostile.md",)}
    # A test case per file checked, failing with one <failure> that holds its errors: `failures` counts failing cases.
    cases = {case.get("name"): case for case in root.iter("testcase")}
    failing = [name for name, case in cases.items() if case.findall("failure")]
    assert status == 1 and list(cases) == ["hostile.md", "warned.md"] and root.get("tests") == "2"
    assert root.get("failures") == str(len(failing)) == str(len({i["path"] for i in found if i["severity"] == "error"}))
    [failure] = cases["hostile.md"].findall("failure")
    mine = errors["hostile.md"]
    assert (failure.text or "").count(" [error] ") == len(mine) > 1
    assert failure.get("message") == f"{mine[0]['code']} {mine[0]['message']} (and {len(mine) - 1} more errors)"
    assert "SL205" in cases["warned.md"].find("system-out").text


def test_sarif_names_no_placeholder_home(docs):
    log = json.loads(output("--output-format", "sarif"))
    assert "informationUri" not in log["runs"][0]["tool"]["driver"]


def test_a_long_line_is_shown_around_the_finding(docs):
    long_url = "https://news.met.police.uk/news/" + "a" * 300 + " b"
    (docs / "long.md").write_text(
        seed_text().replace(
            'webUrl: "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478451"',
            f'webUrl: "{long_url}"',
            1,
        )
    )
    full = run_cli("check", "--output-format", "full", "--select", "SL304", "long.md")[1]
    source, caret = full.split("\n")[1:3]
    assert source.startswith("    7 | …") and source.endswith('b"') and len(source) <= 8 + 102
    assert caret.index("^") == source.index(' b"') and caret.endswith("^") and caret.count("^") == 1


def test_the_caret_lines_up_under_wide_characters(isolated_cwd):
    # Each emoji takes two columns of a terminal: counted as one, the caret sat two columns left of `&eacute;`.
    (isolated_cwd / "emoji.md").write_text(
        seed_text().replace('title: "', 'title: "\U0001f600\U0001f600 Caf&eacute; ', 1)
    )
    full = run_cli("check", "--isolated", "--output-format", "full", "--select", "SL402", "emoji.md")[1]
    assert full.split("\n")[1:3] == [
        '    3 | title: "\U0001f600\U0001f600 Caf&eacute; Live facial recognition helps deliver justice in Croydon"',
        "      |                 ^^^^^^^^",
    ]


def test_a_finding_of_no_width_still_has_its_caret(isolated_cwd):
    # A byte-order mark (a character of no width, spelled out) and a stray carriage return at the line's end.
    (isolated_cwd / "bom.md").write_bytes(b"\xef\xbb\xbf---\ntitle: x\n---\n")
    (isolated_cwd / "cr.md").write_bytes(b"---\r\ntitle: x\n---\n")
    full = run_cli("check", "--isolated", "--output-format", "full", "--select", "SL005,SL015", "bom.md", "cr.md")[1]
    lines = full.split("\n")
    assert lines[0].startswith("bom.md:1:1: SL005 ") and lines[1:3] == ["    1 | \\ufeff---", "      | ^^^^^^"]
    assert lines[5].startswith("cr.md:1:4: SL015 ") and lines[6:8] == ["    1 | ---", "      |    ^"]


def test_invisible_characters_are_spelled_out_under_the_caret(isolated_cwd):
    # A caret under a zero-width space points at nothing: the source line spells the characters SL405 reports
    # (and the caret covers the spelling), while a joiner between two letters, which SL405 takes as correct, stays.
    (isolated_cwd / "zw.md").write_text(
        seed_text().replace('title: "', 'title: "\u00e9\u200d\u00e9 Power\u200b Apps \ufeffnow ', 1)
    )
    full = run_cli("check", "--isolated", "--output-format", "full", "--select", "SL405", "zw.md")[1]
    assert full.split("\n")[1:3] == [
        '    3 | title: "\u00e9\u200d\u00e9 Power\\u200b Apps \\ufeffnow Live facial recognition helps deliver'
        ' justice in Croydon"',
        "      |                 ^^^^^^",
    ]


def test_configuration_changes_what_is_reported(docs):
    def codes(*args):
        return sorted(
            {item["code"] for item in json.loads(run_cli("check", "--output-format", "json", *args, "hostile.md")[1])}
        )

    everything = codes()
    assert {"SL104", "SL402"} <= set(everything)
    (docs / "seedlint.toml").write_text('related-scope = "open"\nignore = ["SL4"]\n')
    assert "SL402" not in codes() and "SL104" in codes()
    (docs / "seedlint.toml").write_text('related-scope = "open"\nignore = ["SL4"]\nextend-select = ["SL402"]\n')
    assert "SL402" in codes()
    (docs / "seedlint.toml").write_text('related-scope = "open"\n[per-file-ignores]\n"hostile.md" = ["SL1"]\n')
    assert "SL104" not in codes()
    (docs / "seedlint.toml").write_text('related-scope = "open"\n[severity]\nSL104 = "warning"\n')
    assert {i["code"]: i["severity"] for i in json.loads(run_cli("check", "--output-format", "json", "hostile.md")[1])}[
        "SL104"
    ] == "warning"
    assert codes("--isolated") != codes()  # --isolated ignores seedlint.toml (closed scope: SL504 appears)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('select = ["SL9"]\n', "`select` names 'SL9', which is no rule code or prefix"),
        ('ignore = ["SL2O2"]\n', "`ignore` names 'SL2O2', which is no rule code or prefix; did you mean SL202?"),
        (
            '[per-file-ignores]\n"a/*" = ["XYZ"]\n',
            "`per-file-ignores.a/*` names 'XYZ', which is no rule code or prefix",
        ),
        ('[severity]\nSL9999 = "info"\n', "`severity` names 'SL9999', which is no rule code or prefix"),
        ("future-tolerance-days = -5\n", "`future-tolerance-days` must be between 0 and 3650, not -5"),
        ("earliest-year = 0\n", "`earliest-year` must be between 1900 and 2100, not 0"),
        ('related-scope = "wide"\n', "`related-scope` must be one of closed, hosts, open, not 'wide'"),
        ('earliest-year = "1990"\n', "`earliest-year` must be an integer"),
        ('[severity]\nSL104 = "fatal"\n', "`severity.SL104` must be error, warning or info, not 'fatal'"),
        ("unknown-key = 1\n", "unknown key `unknown-key`"),
        # An empty list would check nothing, reported as an empty corpus ("no documents in  ..."): a typo.
        ("paths = []\n", "seedlint.toml:1: `paths` is empty: name the corpus's folders"),
        ("include = []\n", "seedlint.toml:1: `include` is empty: name the documents' file patterns"),
        ('include = ["*.md", ""]\n', "`include` names an empty pattern, which no file name matches"),
        # Settings that do nothing, accepted silently before.
        ('exclude = ["drafts", " "]\n', "seedlint.toml:1: `exclude` names an empty pattern, which leaves out nothing"),
        (
            '[per-file-ignores]\n"000*" = []\n',
            "seedlint.toml:2: `per-file-ignores.000*` names no code: it silences nothing (list the codes, e.g. "
            '["SL402"])',
        ),
        # Every rule selected ignored: every check would pass, having checked nothing.
        (
            'select = ["SL5"]\nignore = ["SL50"]\n',
            "no rule is selected: `ignore` (SL50) covers every rule chosen by `select` (SL5) (the configuration and "
            "the command line's options together): nothing would be checked",
        ),
    ],
)
def test_bad_configuration_is_a_usage_error_naming_the_key(docs, toml, message):
    (docs / "seedlint.toml").write_text(toml)
    status, text = run_cli("check", "seed.md")
    assert status == 2 and message in text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--select", "XYZ"], "`--select` names 'XYZ', which is no rule code or prefix (`seedlint rules` lists them)"),
        (["--select", "SL9999"], "`--select` names 'SL9999', which is no rule code or prefix"),
        (["--ignore", "SL2O2"], "`--ignore` names 'SL2O2', which is no rule code or prefix; did you mean SL202?"),
        (["--extend-select", "SL40l"], "`--extend-select` names 'SL40l', which is no rule code or prefix"),
        (["--select", ""], "`--select` names no rule code"),
        (["--select", " , "], "`--select` names no rule code"),
        (["--select", "SL4", "--ignore", "SL4"], "no rule is selected: `ignore` (SL4) covers every rule chosen by"),
        (["--ignore", "SL"], "no rule is selected: `ignore` (SL) covers every rule chosen by `select` (SL)"),
    ],
)
def test_a_typo_in_a_selection_option_is_a_usage_error_not_a_silent_pass(docs, options, message):
    status, text = run_cli("check", *options, "seed.md")
    assert status == 2 and message in text and "All checks passed" not in text


def test_config_command_prints_the_effective_configuration(docs):
    status, text = run_cli("config")
    assert (
        status == 0
        and 'related-scope = "open"' in text
        and text.startswith(f"# from {Path(docs / 'seedlint.toml').resolve()}")
    )


def test_the_printed_configuration_is_toml_that_reads_back_as_the_configuration(docs):
    """`seedlint config` prints what can be pasted into the seedlint.toml: a glob holding a quote, a backslash and
    a character beyond the BMP (once printed as a JSON surrogate pair, which TOML refuses), a line separator, a
    tab and a zero-width space reads back the same."""
    glob = 'we"ird\\path/\U0001f600\u2028\t\u200b*.md'
    key = json.dumps(glob, ensure_ascii=False)  # (a TOML basic string: the quote and the backslash escaped)
    (docs / "seedlint.toml").write_text(
        f'paths = ["."]\n[per-file-ignores]\n{key} = ["SL5"]\n[severity]\nSL505 = "error"\n', encoding="utf-8"
    )
    status, text = run_cli("config")
    printed = tomllib.loads(text)  # (top-level keys, as the seedlint.toml it came from)
    assert status == 0 and printed["per-file-ignores"] == {glob: ["SL5"]}
    assert printed["severity"] == {"SL505": "error"} and printed["paths"] == ["."]
    # (each line one line: a line break, a tab or a format character in a value is escaped)
    assert 'per-file-ignores = { "we\\"ird\\\\path/\U0001f600\\u2028\\u0009\\u200B*.md" = ["SL5"] }' in text


def test_suppressions(docs):
    text = seed_text()
    lines = text.split("\n")
    lines[28] += "  # seedlint: ignore[SL401, SL402]"  # the real mojibake excerpt of related[0]
    lines[2] += "  # seedlint: ignore[SL3]"  # nothing to silence there
    lines.insert(1, "# seedlint: ignore-file[SL6]")
    (docs / "seed.md").write_text("\n".join(lines))
    _status, out = run_cli("check", "--output-format", "concise", "--ignore", "SL508", "seed.md")
    assert out.splitlines()[:3] == [
        "seed.md:2:1: SL017 unused suppression: SL6 reported nothing on this file",
        "seed.md:4:68: SL017 unused suppression: SL3 reported nothing on this line",
        f"seed.md:30:{len(lines[29]) - len('# seedlint: ignore[SL401, SL402]') + 1}: "
        "SL017 unused suppression: SL402 reported nothing on this line",
    ]
    run_cli("fix", "seed.md")
    fixed = (docs / "seed.md").read_text()
    assert fixed == text.replace(
        lines[29].split("  #")[0], lines[29].split("  #")[0] + "  # seedlint: ignore[SL401]", 1
    )


def test_a_hash_inside_a_quoted_value_is_not_a_suppression(docs):
    (docs / "seed.md").write_text(
        seed_text().replace('title: "Live facial', 'title: "# seedlint: ignore-file[SL4] Live facial', 1)
    )
    out = run_cli("check", "--output-format", "concise", "--ignore", "SL508", "seed.md")[1]
    assert out.splitlines()[0].startswith("seed.md:29:40: SL401 ") and "SL017" not in out


def test_severity_by_prefix_the_most_specific_wins(docs):
    (docs / "seedlint.toml").write_text('related-scope = "open"\n[severity]\nSL = "info"\nSL10 = "warning"\n')
    items = json.loads(run_cli("check", "--output-format", "json", "hostile.md")[1])
    severities = {i["code"]: i["severity"] for i in items}
    assert severities["SL104"] == "warning" and severities["SL402"] == "info"


def test_per_file_ignores_are_relative_to_the_configuration_file_wherever_seedlint_runs(docs, monkeypatch):
    (docs / "sub").mkdir()
    (docs / "sub" / "hostile.md").write_bytes((docs / "hostile.md").read_bytes())
    (docs / "seedlint.toml").write_text('related-scope = "open"\n[per-file-ignores]\n"sub/*" = ["SL1"]\n')
    from_root = {i["code"] for i in json.loads(run_cli("check", "--output-format", "json", "sub/hostile.md")[1])}
    monkeypatch.chdir(docs / "sub")
    from_sub = {i["code"] for i in json.loads(run_cli("check", "--output-format", "json", "hostile.md")[1])}
    assert "SL104" not in from_root and from_root == from_sub and "SL402" in from_sub


def test_statistics_count_as_fixable_only_what_seedlint_fix_repairs(monkeypatch):
    # ai-news: 10 stale copies that `seedlint fix` repairs; 5 tracking parameters, 4 removed only with
    # `--unsafe-fixes` (the fifth would give two documents one address). Before, all 14 were "fixable", marked `[*]`.
    monkeypatch.chdir(FIXTURES)
    rows = {
        row["code"]: row
        for row in json.loads(
            run_split("check", "--isolated", "--no-cache", "--statistics", "--output-format", "json", "ai-news")[1]
        )
    }
    assert {
        code: (row["count"], row["fixable"], row["unsafe_fixable"])
        for code, row in rows.items()
        if code in ("SL312", "SL505")
    } == {"SL505": (10, 10, 0), "SL312": (5, 0, 4)}
    text = run_split("check", "--isolated", "--no-cache", "--statistics", "ai-news")[1].splitlines()
    assert "     5  SL312  [-] tracking-parameter       info" in text
    assert "    10  SL505  [*] related-stale-copy       warning" in text
    assert text[-1].endswith("10 fixable with `seedlint fix` (4 more with `--unsafe-fixes`).")
