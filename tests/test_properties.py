"""Properties of the whole checker on inputs drawn by hypothesis: arbitrary bytes, arbitrary text,
YAML-ish text between `---` lines and mutated real documents never make it crash. No exception, no
internal error; every diagnostic has line >= 1, column >= 1, an end not before its start, a line inside
the file and a registered code; every fix stays inside the text; the JSON output always parses.

The checks are tools/fuzz.py's (`problems_of`), which runs the same thing for minutes at a time.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from seedlint.config import Config
from seedlint.discovery import SourceFile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.fuzz import FRAGMENTS, MUTATIONS, VALUES, check_bytes, mutate

FIXTURES = Path(__file__).parent / "fixtures"
REAL = sorted([*(FIXTURES / "seeds").iterdir(), *(FIXTURES / "ai-news").glob("*.md")])
# Few examples each: the suite runs on a 2-core CI machine; tools/fuzz.py is for long runs.
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    folder = tmp_path_factory.mktemp("properties")
    config = Config(root=folder)

    def problems(raw: bytes, neighbours: list[SourceFile] = ()) -> list[str]:
        return check_bytes(raw, folder / "input.md", config, list(neighbours))

    return problems


@FEW
@given(st.binary(max_size=3000))
@example(b"---\n\x00---\n")
@example(b"\xef\xbb\xbf---\ntitle: x\n---\n")
def test_arbitrary_bytes(checker, raw):
    assert checker(raw) == []


@FEW
@given(st.text(max_size=3000))
@example("---\r\ntitle: x\r---\n")
@example("---\n\u2028title: x\u0085a: b\n---\n")
def test_arbitrary_text(checker, text):
    assert checker(text.encode("utf-8", "surrogatepass")) == []


YAML_TOKENS = st.sampled_from(
    [f.decode("utf-8", "replace") for f in FRAGMENTS] + [v.decode("utf-8", "replace") for v in VALUES]
)
YAMLISH = st.lists(
    st.one_of(
        YAML_TOKENS,
        st.text(max_size=8),
        st.sampled_from(["title", "webUrl", "related", "topics", "images", "provider", "name", "url"]),
    ),
    max_size=80,
)


@FEW
@given(YAMLISH)
@example(["title", ": ", "&a", " [", "*a", "]"])
@example(["related", ":", "\n", "- ", "webUrl", ": ", "https://", "\n", "- ", "*a"])
def test_yamlish_front_matter(checker, pieces):
    assert checker(("---\n" + "".join(pieces) + "\n---\nbody\n").encode("utf-8", "surrogatepass")) == []


OPERATION = st.tuples(st.sampled_from(MUTATIONS), st.floats(0, 1, exclude_max=True), st.integers(0, 1 << 16))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(REAL), st.lists(OPERATION, min_size=1, max_size=5), st.sampled_from(REAL), st.booleans())
def test_mutated_real_documents(checker, original, operations, donor, with_original):
    """With the unchanged original next to it half the time, so that the corpus rules compare the two."""
    raw = mutate(original.read_bytes(), operations, donor=donor.read_bytes())
    neighbours = [SourceFile.at(original, original.name)] if with_original else []
    assert checker(raw, neighbours) == []


def test_the_checks_do_catch_a_broken_rule(checker, monkeypatch):
    """The property above can fail: a rule that raises, or yields a diagnostic at line 0, is reported."""
    from seedlint import rules
    from seedlint.diagnostic import Span
    from seedlint.rules import file

    def broken(doc, config):
        yield file.DUPLICATE_KEY.at_span(doc, Span(0, 1, 0, 1, 0, 0), "nowhere")
        raise KeyError("simulated")

    monkeypatch.setattr(rules, "DOCUMENT_CHECKS", [*rules.DOCUMENT_CHECKS, broken])
    problems = checker(REAL[2].read_bytes())
    assert [p.splitlines()[0] for p in problems] == [
        "internal error: input.md: internal error in test_properties.broken:",
        "input.md:0:1 SL010: bad position (end (0, 1))",
    ]
