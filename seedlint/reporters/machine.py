"""Reporters for machines and CI systems, all derived from `Diagnostic.to_dict()`.

Every format escapes document text for its consumer: a message quoting a title full of `::`, `%`,
newlines, `<` or `&` must not be able to inject a workflow command or break the XML. And every format can
end up in a CI log or on a terminal (`seedlint check --output-format json` in a workflow step): each spells
the escapes of seedlint/escaping.py in its own syntax, so that its consumers read the exact text while the
log and the terminal see nothing to act on."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO
from urllib.parse import quote
from xml.etree import ElementTree

from seedlint import __version__
from seedlint.diagnostic import Diagnostic, Severity
from seedlint.escaping import inert, json_inert, xml_inert
from seedlint.reporters.text import rule_statistics
from seedlint.rules import all_rules


def fingerprints(diagnostics: list[Diagnostic]) -> Iterator[str]:
    """A stable identity per finding, for the CI systems that follow findings from one run to the next (GitLab's
    merge-request widget, GitHub code scanning): its document, rule, field path and offending text
    (seedlint/locus.py), not its line (which moves when lines are added above) nor its message (which quotes
    other documents), and which occurrence of that it is in the report (identities must be unique)."""
    seen: Counter[tuple[str, ...]] = Counter()
    for d in diagnostics:
        identity = (d.path, d.code, d.locus, d.text_key) if d.locus or d.text_key else (d.path, d.code, d.message)
        seen[identity] += 1
        material = "\0".join([*identity, str(seen[identity])])
        yield hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()


def write_json(data: object, stream: TextIO, indent: int | None = 2) -> None:
    stream.write(json_inert(json.dumps(data, ensure_ascii=False, indent=indent)) + "\n")


ITEMS = "\0seedlint: the items\0"  # where write_json_items puts the items in the skeleton
_NONE = object()


def write_json_items(skeleton: object, items: Iterable[object], stream: TextIO) -> None:
    """`write_json` of `skeleton` with its list `[ITEMS]` holding `items`, byte for byte, but written one item
    at a time: a report never exists whole in memory (as dicts, as one string of JSON and as its escaped copy,
    410,000 findings took 2 GB in JSON and 3.8 GB in SARIF)."""
    items = iter(items)
    first = next(items, _NONE)
    if first is _NONE:
        write_json(_without_items(skeleton), stream)
        return
    text = json_inert(json.dumps(skeleton, ensure_ascii=False, indent=2))
    marker = text.index(json.dumps(ITEMS))
    line = text.rindex("\n", 0, marker) + 1
    indent = text[line:marker]  # (the items' own indentation: JSON strings hold no line break)
    stream.write(text[:line])
    for number, item in enumerate(itertools.chain([first], items)):
        rendered = json_inert(json.dumps(item, ensure_ascii=False, indent=2))
        stream.write(("" if number == 0 else ",\n") + indent + rendered.replace("\n", "\n" + indent))
    stream.write(text[marker + len(json.dumps(ITEMS)) :] + "\n")


def _without_items(data: object) -> object:
    if data == [ITEMS]:
        return []
    if isinstance(data, dict):
        return {key: _without_items(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_without_items(value) for value in data]
    return data


def json_array(diagnostics: list[Diagnostic], stream: TextIO, **_options: object) -> None:
    write_json_items([ITEMS], (d.to_dict() for d in diagnostics), stream)


def statistics_json(diagnostics: list[Diagnostic], stream: TextIO, **_options: object) -> None:
    """`--statistics --output-format json`: per rule, code, name, severity, count, and the fixable counts (safe,
    and with `--unsafe-fixes`)."""
    write_json(rule_statistics(diagnostics), stream)


def json_lines(diagnostics: list[Diagnostic], stream: TextIO, **_options: object) -> None:
    for d in diagnostics:
        write_json(d.to_dict(), stream, indent=None)


# GitHub Actions workflow commands ---------------------------------------------------------------------

_GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def github_data(text: str) -> str:
    """A workflow command's message: inert text (no line break, control or `##[`: see seedlint/escaping.py),
    then the runner's own encoding of `%` (CR and LF, which it also decodes, are escaped before)."""
    return inert(text).replace("%", "%25")


def github_property(text: str) -> str:
    """A workflow command's property value: as the message, plus `:` and `,`."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: list[Diagnostic], stream: TextIO, **_options: object) -> None:
    for d in diagnostics:
        item = d.to_dict()
        properties = {
            "file": item["path"],
            "line": item["line"],
            "col": item["column"],
            "endLine": item["end_line"],
            "endColumn": item["end_column"],
            "title": f"{d.code} {d.name}",
        }
        joined = ",".join(f"{key}={github_property(str(value))}" for key, value in properties.items())
        stream.write(f"::{_GITHUB_LEVELS[item['severity']]} {joined}::{github_data(f'{d.code} {d.message}')}\n")


# SARIF 2.1.0 ---------------------------------------------------------------------------------------------

_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def sarif(diagnostics: list[Diagnostic], stream: TextIO, **_options: object) -> None:
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    driver = {
        "name": "seedlint",
        "version": __version__,
        "rules": [
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.what},
                "help": {"text": rule.documentation()},
                "defaultConfiguration": {"level": _SARIF_LEVELS[rule.severity.value]},
                "properties": {"fix": rule.fix_kind},
            }
            for rule in rules
        ],
    }

    def result(d: Diagnostic, fingerprint: str) -> dict[str, object]:
        item = d.to_dict()
        return {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _SARIF_LEVELS[item["severity"]],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": sarif_uri(item["path"])},
                        "region": {
                            "startLine": item["line"],
                            "startColumn": item["column"],
                            "endLine": item["end_line"],
                            "endColumn": item["end_column"],
                        },
                    }
                }
            ],
            "partialFingerprints": {"seedlintFinding/v1": fingerprint},
        }

    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        # Columns count characters (code points), where SARIF's default is UTF-16 code units: an emoji before a
        # finding would move its highlight.
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": [ITEMS]}],
    }
    write_json_items(log, map(result, diagnostics, fingerprints(diagnostics)), stream)


_BYTE_SHOWN = re.compile(r"\\x([0-9a-f]{2})")  # a byte of a name that is not UTF-8, as display paths show it


def sarif_uri(path: str) -> str:
    """A display path as a relative URI: the name's bytes percent-encoded. A name that is not UTF-8 shows its odd
    bytes as `\\xNN` (discovery._shown): those bytes (`caf%E9.md`), not a folder `caf` and a file `xe9.md`."""
    if os.sep == "\\":
        path = path.replace("\\", "/")
    pieces = _BYTE_SHOWN.split(path)  # text, hex digits of a byte, text, ...
    raw = b"".join(
        bytes.fromhex(piece) if i % 2 else piece.encode("utf-8", "surrogateescape") for i, piece in enumerate(pieces)
    )
    return quote(raw)


# JUnit XML -----------------------------------------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Characters XML 1.0 cannot hold at all (control characters, lone surrogates) written as \\uXXXX."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def junit(
    diagnostics: list[Diagnostic], stream: TextIO, *, files: int = 0, paths: Sequence[str] = (), **_options: object
) -> None:
    """One test case per file checked (`paths`): a file with an error fails, with one <failure> that
    holds all its errors; `failures` counts the failing cases. Only errors fail, as only an error fails the run:
    warnings and infos are listed in the case's <system-out>, so the report and the exit status tell the same
    story. (ElementTree escapes `<`, `&` and quotes.)"""
    by_path: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_path.setdefault(d.path, []).append(d)
    cases = list(dict.fromkeys([*paths, *by_path]))  # (the run's order; a finding elsewhere after them)
    failing = sum(any(d.severity is Severity.ERROR for d in found) for found in by_path.values())
    tests = str(len(cases) if paths else max(files, len(cases)))
    suites = ElementTree.Element("testsuites", name="seedlint", tests=tests, failures=str(failing))
    suite = ElementTree.SubElement(suites, "testsuite", name="seedlint", tests=tests, failures=str(failing))
    stream.write("<?xml version='1.0' encoding='utf-8'?>\n")
    if not cases:
        stream.write(_xml(suites) + "\n")
        return
    # One case at a time (a report of 400,000 findings as one tree took a gigabyte), each written as it is
    # within the whole document, at the place of a stand-in element.
    ElementTree.SubElement(suite, _CASES)
    head, tail = _xml(suites).split(f"<{_CASES} />")
    stream.write(head)
    for path in cases:
        stream.write(_xml(_test_case(path, by_path.get(path, []))))
    stream.write(tail + "\n")


_CASES = "seedlint-cases"


def _xml(element: ElementTree.Element) -> str:
    return xml_inert(ElementTree.tostring(element, encoding="unicode"))  # one line: no break in any text


def _test_case(path: str, found: list[Diagnostic]) -> ElementTree.Element:
    case = ElementTree.Element("testcase", classname="seedlint", name=xml_text(path))
    errors = [d for d in found if d.severity is Severity.ERROR]
    if errors:
        first, more = errors[0], len(errors) - 1
        message = f"{first.code} {first.message}" + (f" (and {more} more error{'s' * (more > 1)})" if more else "")
        failure = ElementTree.SubElement(case, "failure", type=first.code, message=xml_text(message))
        failure.text = "\n".join(map(_case_line, errors))
    notes = [_case_line(d) for d in found if d.severity is not Severity.ERROR]
    if notes:
        ElementTree.SubElement(case, "system-out").text = "\n".join(notes)
    return case


def _case_line(d: Diagnostic) -> str:
    return xml_text(f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity.value}] {d.message}")


# GitLab Code Quality -------------------------------------------------------------------------------------

_GITLAB_SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def gitlab(diagnostics: list[Diagnostic], stream: TextIO, **_options: object) -> None:
    """GitLab Code Quality JSON. The fingerprint (see `fingerprints`) leaves out the line and the message, so a
    finding keeps its identity when lines above it move or the document it copies changes again: GitLab then
    shows a merge request's new findings as new, and no old one as fixed and found again."""

    def issue(d: Diagnostic, fingerprint: str) -> dict[str, object]:
        return {
            "description": f"{d.code} {d.message}",
            "check_name": d.code,
            "fingerprint": fingerprint,
            "severity": _GITLAB_SEVERITIES[d.severity.value],
            "location": {"path": d.path, "lines": {"begin": d.line, "end": d.end_line or d.line}},
        }

    write_json_items([ITEMS], map(issue, diagnostics, fingerprints(diagnostics)), stream)
