"""The JSON, SARIF, GitLab and JUnit reports are written one finding (or file) at a time (a corpus with 410,000
findings took 2 GB of memory in JSON, 3.8 GB in SARIF and 1.8 GB in JUnit), with exactly the bytes of the whole
report serialized at once."""

import io
import json
import subprocess
import sys
from xml.etree import ElementTree

import pytest
from conftest import FIXTURES

from seedlint.diagnostic import Diagnostic, Severity
from seedlint.escaping import json_inert
from seedlint.reporters import machine

# Document text that reaches a message: line breaks, controls, `##[`, `::`, quotes and non-ASCII letters.
MESSAGES = ['"q" \\ é — 100%', "a\nb\r\n::error::x", "\x1b]8;;x\x07 ##[add-mask] \u2028 \u202e", ""]


def findings(count: int) -> list[Diagnostic]:
    return [
        Diagnostic(
            f"news/é {n}.md", n + 1, 3, "SL104", Severity.ERROR, MESSAGES[n % len(MESSAGES)], name="invalid-enum-value"
        )
        for n in range(count)
    ]


class Writes(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, text: str) -> int:
        self.sizes.append(len(text))
        return super().write(text)


def whole(data: object) -> str:
    """The report serialized at once, as the reporters wrote it before."""
    return json_inert(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


@pytest.mark.parametrize("count", [0, 1, 2, 50])
def test_json_is_the_whole_array_byte_for_byte(count):
    diagnostics = findings(count)
    stream = Writes()
    machine.json_array(diagnostics, stream)
    assert stream.getvalue() == whole([d.to_dict() for d in diagnostics])
    assert json.loads(stream.getvalue())[: min(count, 1)] == [d.to_dict() for d in diagnostics[:1]]


@pytest.mark.parametrize("count", [0, 1, 2, 50])
def test_gitlab_and_sarif_are_the_whole_report_byte_for_byte(count):
    diagnostics = findings(count)
    prints = list(machine.fingerprints(diagnostics))
    gitlab = Writes()
    machine.gitlab(diagnostics, gitlab)
    assert [item["fingerprint"] for item in json.loads(gitlab.getvalue())] == prints
    assert gitlab.getvalue() == whole(json.loads(gitlab.getvalue()))
    sarif = Writes()
    machine.sarif(diagnostics, sarif)
    log = json.loads(sarif.getvalue())
    results = log["runs"][0]["results"]
    assert [r["partialFingerprints"]["seedlintFinding/v1"] for r in results] == prints
    assert [r["message"]["text"] for r in results] == [d.message for d in diagnostics]
    assert sarif.getvalue() == whole(log)


@pytest.mark.parametrize("count", [0, 1, 2, 50])
def test_junit_is_the_whole_document_byte_for_byte(count):
    diagnostics = findings(count) + [
        Diagnostic("news/é 0.md", 9, 1, "SL401", Severity.WARNING, MESSAGES[1], name="mojibake")
    ] * (count > 0)
    stream = Writes()
    machine.junit(diagnostics, stream, files=70)
    declaration, body = stream.getvalue().split("\n", 1)
    assert declaration == "<?xml version='1.0' encoding='utf-8'?>"
    tree = ElementTree.fromstring(body)
    assert body == machine.xml_inert(ElementTree.tostring(tree, encoding="unicode")) + "\n"
    cases = tree.findall("testsuite/testcase")
    assert [case.get("name") for case in cases] == [f"news/é {n}.md" for n in range(count)]
    assert len(tree.findall("testsuite/testcase/failure")) == count
    if count:
        assert cases[0].find("system-out").text == "news/é 0.md:9:1: SL401 [warning] a\nb\r\n::error::x"


def test_no_write_holds_the_whole_report():
    diagnostics = findings(2000)
    for reporter in (machine.json_array, machine.gitlab, machine.sarif, machine.junit):
        stream = Writes()
        reporter(diagnostics, stream)
        # (SARIF's first write is its rule table, 90 kB; no write holds more than a few findings after it)
        assert max(stream.sizes[1:]) < 2_000, reporter.__name__
        assert len(stream.getvalue()) > 300_000


@pytest.mark.parametrize("output_format", ["json", "sarif", "junit"])
def test_a_reader_that_stops_early_ends_the_run_quietly_with_status_2(output_format):
    # `seedlint check --output-format json DIR | head -c 10`: the report is not delivered whole, which is an
    # error (status 2), as for the text formats, and nothing is written but the report's beginning. (Each of
    # these reports of three corpora is larger than the 64 kB a pipe holds, so the run cannot end before the
    # close; ai-news's JUnit report alone, 65,093 bytes, fitted, and the run sometimes ended first.)
    corpora = ["ai-news", "azure-news", "powerapps-news"]
    process = subprocess.Popen(
        [sys.executable, "-m", "seedlint", "check", "--isolated", "--no-cache", "--output-format", output_format]
        + corpora,
        cwd=FIXTURES,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.read(10)
    process.stdout.close()  # (the report is larger than a pipe holds: the next write finds it closed)
    assert process.wait(timeout=120) == 2
    assert len(first) == 10 and process.stderr.read() == b""
