"""No document text or file name can drive a terminal or forge a GitHub Actions workflow command, in any
output: every `--output-format`, `fix --diff`, `--show-fixes`, `--statistics`, write failures, usage errors
and `seedlint config`.

The runner acts on `##[command]` anywhere in a line of the log and on `::command::` at the start of a line
after blanks, and splits lines at CR and LF. Each test replays the issue's hostile strings and reads every
output line as the runner would."""

from __future__ import annotations

import json
import os
import re
import sys
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from conftest import seed_text
from hypothesis import given, settings
from hypothesis import strategies as st

from seedlint.cli import main
from seedlint.escaping import inert, json_inert, xml_inert
from seedlint.reporters import REPORTERS

CLEAN = seed_text("002_436ca83e3ef9a780.txt")  # a real document without findings
CLEAN_TITLE = 'title: "Live Facial Recognition used in Croydon"'
FORGED_TITLE = "AT&amp;T ##[error file=README.md;line=1]Forged"
# A block scalar line that is a workflow command as it stands, next to a fixable value (the title's `&amp;`).
BLOCK = "subtitle: |\n  ::error file=README.md,line=1::forged\n    ::warning::indented"
# YAML escapes: ESC [2J clears the screen, OSC 8 makes a link, OSC 0 retitles the window; C1 CSI; a bidi
# override; a line separator; a line feed followed by a command.
ESCAPED_KEY = (
    '"\\e[2J\\e]8;;https://evil.example\\a\\e]0;pwned\\a\\x9b31m\\u202eaz\\u2028::error::x\\n::warning::y'
    '\\r##[add-mask]s": 1'
)
NAME_WITH_BREAK = "evil\n::warning file=README.md::forged\x1b]8;;evil.example\x07.md"
NAME_AT_LINE_START = "::error file=README.md::root.md"  # in the working directory: its path starts a line

RUNNER_LINE_BREAK = re.compile(r"\r\n|\r|\n")
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
OUR_COMMAND = re.compile(
    r"::(error|warning|notice) file=[^,:\r\n]*,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
    r"title=SL\d{3} [a-z0-9-]+::[^\r\n]*"
)


def commands_in(text: str, github: bool = False) -> list[str]:
    """The lines of `text` that a terminal or the Actions runner would act on (seedlint's own workflow
    commands in the `github` format excepted)."""
    found = []
    for line in RUNNER_LINE_BREAK.split(text):
        command = line.lstrip().startswith("::") and not (github and OUR_COMMAND.fullmatch(line))
        if "##[" in line or ACTIVE.search(line) or command:
            found.append(line)
    return found


@pytest.fixture
def hostile(isolated_cwd):
    """Documents whose text reaches messages (SL402, SL102, SL505 quoting another document's title), files
    named with a line break, an escape sequence and a command, and a file whose name starts a line."""
    (isolated_cwd / "seedlint.toml").write_text('related-scope = "open"\n')
    target = CLEAN.replace(CLEAN_TITLE, f'title: "{FORGED_TITLE}"\n{BLOCK}\n{ESCAPED_KEY}', 1)
    (isolated_cwd / "target.md").write_text(target)
    # A real document whose related[1] copies the target's old title: SL505 quotes the new one.
    (isolated_cwd / "referrer.md").write_text(seed_text("001_5ea581042828ec4e.txt"))
    fixable = CLEAN.replace(CLEAN_TITLE, 'title: "AT&amp;T"', 1).replace("478292", "478293")
    (isolated_cwd / NAME_AT_LINE_START).write_text(fixable.replace("478293", "478294"))
    if sys.platform == "linux":
        (isolated_cwd / NAME_WITH_BREAK).write_text(fixable)
    return isolated_cwd


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(main, list(args), catch_exceptions=False)
    # The bytes as written (click's `stdout` would turn CRLF into LF).
    return result.exit_code, result.stdout_bytes.decode(), result.stderr_bytes.decode()


@pytest.mark.parametrize("output_format", sorted(REPORTERS))
def test_no_output_format_lets_document_text_act(hostile, output_format):
    status, out, err = run("check", "--no-cache", "--output-format", output_format, ".")
    assert status == 1 and err == ""
    assert commands_in(out, github=output_format == "github") == []
    assert "SL505" in out and "SL102" in out and "SL402" in out  # the hostile text did reach the messages


def test_the_machine_formats_still_carry_the_exact_text(hostile):
    """The escapes are each format's own: a JSON or XML reader reads the document's text unchanged."""
    messages = [d["message"] for d in json.loads(run("check", "--no-cache", "--output-format", "json", ".")[1])]
    stale = next(m for m in messages if m.startswith("related[1] is a stale copy of target.md"))
    assert stale.endswith(f'but target.md now has "{FORGED_TITLE}"')
    assert any("\x1b[2J\x1b]8;;https://evil.example\x07" in m and "\u202e" in m for m in messages)
    lines = run("check", "--no-cache", "--output-format", "json-lines", ".")[1].splitlines()
    assert sorted(json.loads(line)["message"] for line in lines) == sorted(messages)
    sarif = json.loads(run("check", "--no-cache", "--output-format", "sarif", ".")[1])
    assert sorted(r["message"]["text"] for r in sarif["runs"][0]["results"]) == sorted(messages)
    gitlab = json.loads(run("check", "--no-cache", "--output-format", "gitlab", ".")[1])
    assert any(item["description"] == f"SL505 {stale}" for item in gitlab)
    junit = ElementTree.fromstring(run("check", "--no-cache", "--output-format", "junit", ".")[1].split("\n", 1)[1])
    notes = "\n".join(out.text or "" for out in junit.iter("system-out"))  # a warning: no <failure>
    assert f"SL505 [warning] {stale}" in notes
    if sys.platform == "linux":
        assert NAME_WITH_BREAK in {d["path"] for d in json.loads(run("check", "--output-format", "json", ".")[1])}
        # XML 1.0 cannot hold ESC or BEL at all (shown as escapes); the line break is kept, as a reference
        in_xml = NAME_WITH_BREAK.replace("\x1b", "\\u001b").replace("\x07", "\\u0007")
        assert in_xml in {case.get("name") for case in junit.iter("testcase")}


def test_the_text_formats_show_escapes(hostile):
    out = run("check", "--no-cache", "--output-format", "concise", ".")[1]
    assert (
        'referrer.md:48:12: SL505 related[1] is a stale copy of target.md (title differs): title is "Live '
        'Facial Recognition used in Croydon" but target.md now has "AT&amp;T ##\\u005berror file=README.md;line=1]'
        'Forged"'
    ) in out.splitlines()
    assert (
        "target.md:7:1: SL102 unknown field `\\u001b[2J\\u001b]8;;https://evil.example\\u0007\\u001b]0;pwned\\u0007"
        "\\u009b31m\\u202eaz\\u2028::error::x\\n::warning::y\\r##\\u005badd-mask]s`"
    ) in out
    assert "\\u003a:error file=README.md::root.md:3:11: SL402 " in out
    if sys.platform == "linux":
        assert "evil\\n::warning file=README.md::forged\\u001b]8;;evil.example\\u0007.md:3:11: SL402" in out


def test_full_format_lines_the_caret_up_under_escaped_text(isolated_cwd):
    (isolated_cwd / "doc.md").write_text(CLEAN.replace(CLEAN_TITLE, 'title: "\u2066x&amp;y ##[error]z"', 1))
    out = run("check", "--no-cache", "--output-format", "full", "--select", "SL402", "doc.md")[1].splitlines()
    assert out[:3] == [
        "doc.md:3:11: SL402 title contains an HTML entity left in plain text: `&amp;` (&); write the characters "
        "themselves",
        '    3 | title: "\\u2066x&amp;y ##\\u005berror]z"',
        "      | " + " " * len('title: "\\u2066x') + "^^^^^",
    ]


def test_fix_diff_cannot_start_a_command(hostile):
    status, out, err = run("fix", "--diff", "--no-cache", ".")
    assert status == 1
    assert commands_in(out) == [] and commands_in(err) == []
    assert "\n   \\u003a:error file=README.md,line=1::forged\n     \\u003a:warning::indented\n" in out
    assert '\n-title: "AT&amp;T ##\\u005berror file=README.md;line=1]Forged' in out
    assert out.startswith("--- a/\\u003a:error file=README.md::root.md\n")


def test_diff_lines_keep_tabs_and_crlf_and_mark_a_missing_final_line_break(tmp_path, isolated_cwd):
    text = CLEAN.replace(CLEAN_TITLE, 'title: "AT&amp;T"', 1).replace("\n", "\r\n")
    (isolated_cwd / "doc.md").write_bytes(text.encode())
    out = run("fix", "--diff", "--no-cache", "doc.md")[1]
    assert '-title: "AT&amp;T"\r\n+title: "AT&T"\r\n' in out
    (isolated_cwd / "doc.md").write_bytes(b"\xef\xbb\xbf---\ntitle: x\n---\nbody\twithout a final line break")
    out = run("fix", "--diff", "--no-cache", "doc.md")[1]
    assert out.endswith(
        "-\ufeff---\n+---\n title: x\n ---\n body\twithout a final line break\n\\ No newline at end of file\n"
    )


@pytest.mark.skipif(sys.platform != "linux", reason="a file name with a line break")
def test_show_fixes_and_write_failures_name_files_inertly(hostile):
    (hostile / "target.md").unlink()  # only the files named to harm: one fixable, one read-only
    (hostile / "referrer.md").unlink()
    os.chmod(hostile / NAME_AT_LINE_START, 0o444)
    status, out, err = run("fix", "--show-fixes", "--no-cache", ".")
    assert status == 2
    assert commands_in(out) == [] and commands_in(err) == []
    lines = err.splitlines()
    assert (
        "Fixed evil\\n::warning file=README.md::forged\\u001b]8;;evil.example\\u0007.md: 1 × SL402 (html-entity)"
        in lines
    )
    assert (
        "seedlint: \\u003a:error file=README.md::root.md: file is read-only; not fixed "
        "(make it writable to apply the fix)"
    ) in lines


def test_statistics_are_inert(hostile):
    status, out, _err = run("check", "--no-cache", "--statistics", ".")
    assert status == 1 and commands_in(out) == [] and "SL402  [*] html-entity" in out


def test_usage_errors_and_the_effective_configuration_are_inert(isolated_cwd):
    (isolated_cwd / "seedlint.toml").write_text('select = ["##[error]x"]\n')
    status, _out, err = run("check", ".")
    assert status == 2 and commands_in(err) == [] and "'##\\u005berror]x'" in err
    (isolated_cwd / "seedlint.toml").write_text('cache-dir = "##[error file=a]x"\ninclude = ["::warning::x"]\n')
    status, out, _err = run("config")
    assert status == 0 and commands_in(out) == []
    assert 'cache-dir = "##\\u005berror file=a]x"' in out.splitlines()


def test_under_github_actions_text_output_pauses_workflow_commands(hostile):
    env = {"GITHUB_ACTIONS": "true"}
    outputs = [run("check", "--no-cache", "--output-format", "concise", ".", env=env)[1] for _ in range(2)]
    tokens = []
    for out in outputs:
        lines = out.splitlines()
        start = re.fullmatch(r"::stop-commands::([0-9a-f]{32})", lines[0])
        assert start is not None and lines[-1] == f"::{start[1]}::"
        assert commands_in("\n".join(lines[1:-1])) == []
        tokens.append(start[1])
    assert tokens[0] != tokens[1]  # random: no document can know it
    diff = run("fix", "--diff", "--no-cache", ".", env=env)[1].splitlines()
    assert diff[0].startswith("::stop-commands::") and diff[-1] == f"::{diff[0].rsplit('::', 1)[1]}::"
    # A file format stays that format; the github format is made of commands.
    json.loads(run("check", "--no-cache", "--output-format", "json", ".", env=env)[1])
    github = run("check", "--no-cache", "--output-format", "github", ".", env=env)[1]
    assert "stop-commands" not in github and commands_in(github, github=True) == []


def test_outside_github_actions_nothing_is_added(hostile):
    assert not run("check", "--no-cache", ".")[1].startswith("::")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("AT&amp;T ##[error file=README.md;line=1]Forged", "AT&amp;T ##\\u005berror file=README.md;line=1]Forged"),
        ("###[x", "###\\u005bx"),
        ("::warning::x", "\\u003a:warning::x"),
        ("  ::error::x", "  \\u003a:error::x"),
        ("\t::error::x", "\\t::error::x"),  # the tab is shown as `\t`: the line no longer starts with `::`
        ("\u3000\u00a0::error::x", "\u3000\u00a0\\u003a:error::x"),  # the runner trims Unicode blanks too
        ("a ::error::x", "a ::error::x"),  # not at the start: inert as it stands
        (":x", ":x"),
        ("a\nb\rc\r\n", "a\\nb\\rc\\r\\n"),
        ("\x1b]8;;https://x\x07link\x1b]8;;\x07", "\\u001b]8;;https://x\\u0007link\\u001b]8;;\\u0007"),
        ("\x9b2J \x85 \u2028 \u2029", "\\u009b2J \\u0085 \\u2028 \\u2029"),
        ("\u202eevil\u2066\u200f", "\\u202eevil\\u2066\\u200f"),
        ("Caf\u00e9 \u2019s \U0001f600", "Caf\u00e9 \u2019s \U0001f600"),  # ordinary text is untouched
    ],
)
def test_inert(text, shown):
    assert inert(text) == shown


def test_inert_keeps_tabs_when_asked_and_the_other_spellings_read_back_the_same():
    assert inert("\t::x\x1b", keep_tabs=True) == "\t\\u003a:x\\u001b"
    value = {"m": "##[error]\x9b\u2028\u202e\n::x"}
    serialized = json_inert(json.dumps(value, ensure_ascii=False))
    assert commands_in(serialized) == [] and json.loads(serialized) == value
    xml = xml_inert(ElementTree.tostring(ElementTree.Element("a", m=value["m"]), encoding="unicode"))
    assert commands_in(xml) == [] and ElementTree.fromstring(xml).get("m") == value["m"]
    element = ElementTree.Element("a")
    element.text = "x\r\n##[error]y\n::warning::z"
    xml = xml_inert(ElementTree.tostring(element, encoding="unicode"))
    assert commands_in(xml) == [] and ElementTree.fromstring(xml).text == element.text


_ACTIVE_AND_NEAR = "\x00\x07\t\n\r\x1b\x7f\x85\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a\u202e\u2066\u2069\ufeff"


@given(st.text(alphabet=st.sampled_from(list("a ~#[:é€" + _ACTIVE_AND_NEAR)) | st.characters(), max_size=40))
@settings(max_examples=2_000, deadline=None)
def test_inert_skips_the_pattern_only_when_it_would_change_nothing(text):
    """inert's fast path (a printable text without `##[` is left as it is) gives what the pattern gives."""
    from seedlint import escaping

    for keep_tabs in (False, True):
        pattern = escaping._TAB_KEPT if keep_tabs else escaping._TEXT
        slow = pattern.sub(escaping._escape, text)
        leading = escaping._LEADING_COMMAND.match(slow)
        if leading is not None:
            slow = slow[: leading.end() - 1] + "\\u003a" + slow[leading.end() :]
        assert escaping.inert(text, keep_tabs=keep_tabs) == slow
