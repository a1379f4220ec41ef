"""SL2: dates injected into a real seed document; positions are the value's line and column."""

from pathlib import Path

import pytest
from conftest import FIXTURES, apply_fix, check_paths, lint_text, seed_text

from seedlint.config import Config
from seedlint.datetimes import instant
from seedlint.document import load_document, parse_document
from seedlint.rules import dates

SEED = seed_text()  # publishedDateTime on line 5 (value at column 20); related[0]'s on line 30 (column 24)
PUBLISHED = "publishedDateTime: 2024-01-24T15:00:00Z"


def found(text: str, name: str = "doc.md"):
    return [(d.code, d.line, d.column, d.message) for d in lint_text(text, dates.check, name)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "22/01/2024 18:23",
            (
                "SL201",
                5,
                20,
                "publishedDateTime '22/01/2024 18:23' is not a date-time: write RFC 3339, e.g. 2024-01-22T18:23:00Z",
            ),
        ),
        (
            "2024-01-22T16:27Z",
            (
                "SL201",
                5,
                20,
                "publishedDateTime '2024-01-22T16:27Z' is not a date-time (its time has no seconds: HH:MM:SS): write "
                "RFC 3339, e.g. 2024-01-22T18:23:00Z",
            ),
        ),
        (
            "2024-01-22T17:27:00+01",
            (
                "SL201",
                5,
                20,
                "publishedDateTime '2024-01-22T17:27:00+01' is not a date-time (its offset +01 has no minutes: "
                "+01:00): write RFC 3339, e.g. 2024-01-22T18:23:00Z",
            ),
        ),
        (
            "2024-02-30T15:00:00Z",
            ("SL202", 5, 20, "publishedDateTime 2024-02-30T15:00:00Z is not a real date: February 2024 has 29 days"),
        ),
        (
            "2023-02-29T15:00:00Z",
            ("SL202", 5, 20, "publishedDateTime 2023-02-29T15:00:00Z is not a real date: February 2023 has 28 days"),
        ),
        (
            "2024-13-01T15:00:00Z",
            ("SL202", 5, 20, "publishedDateTime 2024-13-01T15:00:00Z is not a real date: there is no month 13"),
        ),
        (
            "2024-01-24T25:00:00Z",
            (
                "SL202",
                5,
                20,
                "publishedDateTime 2024-01-24T25:00:00Z is not a real date: hour 25 does not exist (00-23)",
            ),
        ),
        (
            "2024-01-24T15:00:00",
            (
                "SL203",
                5,
                20,
                "publishedDateTime 2024-01-24T15:00:00 has no UTC offset: "
                "add `Z` (UTC) or the offset it was written in, e.g. 2024-01-24T15:00:00Z",
            ),
        ),
        (
            "2024-01-24",
            (
                "SL204",
                5,
                20,
                "publishedDateTime 2024-01-24 has no time of day: a date-time such as 2024-01-24T00:00:00Z is required",
            ),
        ),
        ("2042-01-24T15:00:00Z", ("SL206", 5, 20, None)),
        (
            "1970-01-01T00:00:00Z",
            (
                "SL207",
                5,
                20,
                "publishedDateTime 1970-01-01T00:00:00Z is before 1990: a placeholder date, not a publication date?",
            ),
        ),
    ],
    ids=[
        "not-a-date",
        "no-seconds",
        "short-offset",
        "feb-30",
        "feb-29-2023",
        "month-13",
        "hour-25",
        "no-offset",
        "date-only",
        "future",
        "too-early",
    ],
)
def test_bad_dates(value, expected):
    [diagnostic] = found(SEED.replace(PUBLISHED, f"publishedDateTime: {value}", 1))
    assert diagnostic[:3] == expected[:3]
    if expected[3] is not None:
        assert diagnostic[3] == expected[3]


@pytest.mark.parametrize("value", ["2016-12-31T23:59:60Z", "2016-12-31T18:59:60-05:00"])
def test_a_leap_second_is_a_real_date_time(value):
    # (RFC 3339 allows second 60: it was an internal error, datetime cannot hold it)
    assert found(SEED.replace(PUBLISHED, f"publishedDateTime: {value}", 1)) == []
    assert instant(value) == "2017-01-01T00:00:00+00:00"  # (the second after 23:59:59 UTC, as POSIX time counts it)


def test_year_0000_is_a_placeholder_not_an_internal_error():
    # (RFC 3339 allows it; datetime cannot hold it: the date rule raised an internal error)
    [diagnostic] = found(SEED.replace(PUBLISHED, "publishedDateTime: 0000-01-01T00:00:00Z", 1))
    assert diagnostic == (
        "SL207",
        5,
        20,
        "publishedDateTime 0000-01-01T00:00:00Z is before 1990: a placeholder date, not a publication date?",
    )
    assert instant("0000-01-01T00:00:00Z") is None and instant("0001-01-01T00:00:00+01:00") is None


def test_quoted_related_date_is_checked_at_its_own_line():
    text = SEED.replace(
        "    publishedDateTime: 2024-01-26T15:32:00Z", '    publishedDateTime: "2024-02-31T15:32:00Z"', 1
    )
    assert found(text) == [
        (
            "SL202",
            30,
            24,
            "related[0].publishedDateTime 2024-02-31T15:32:00Z is not a real date: February 2024 has 29 days",
        )
    ]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("2024-01-24 15:00:00Z", "2024-01-24T15:00:00Z"),
        ("2024-01-24t15:00:00z", "2024-01-24T15:00:00Z"),
        ("2024-01-24T15:00:00+0000", "2024-01-24T15:00:00+00:00"),
    ],
)
def test_non_canonical_spelling_has_a_safe_fix_that_writes_exactly_the_canonical_form(written, canonical):
    text = SEED.replace(PUBLISHED, f'publishedDateTime: "{written}"', 1)
    [diagnostic] = lint_text(text, dates.check)
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("SL205", 5, 20)
    assert diagnostic.fix.applicability.value == "safe"
    assert apply_fix(text, diagnostic.fix) == SEED.replace(PUBLISHED, f'publishedDateTime: "{canonical}"', 1)


def test_plain_canonical_fix_stays_plain():
    text = SEED.replace(PUBLISHED, "publishedDateTime: 2024-01-24t15:00:00Z", 1)
    [diagnostic] = lint_text(text, dates.check)
    assert apply_fix(text, diagnostic.fix) == SEED


def test_updated_before_published():
    text = SEED.replace(PUBLISHED, PUBLISHED + "\nupdatedDateTime: 2024-01-23T15:00:00Z", 1)
    assert found(text) == [
        ("SL208", 6, 18, "updatedDateTime 2024-01-23T15:00:00Z is earlier than publishedDateTime 2024-01-24T15:00:00Z")
    ]


def test_file_name_date_accepts_the_sites_next_day_convention():
    assert found(SEED, "2024-01-24-slug.md") == []
    assert found(SEED, "2024-01-25-slug.md") == []  # named by the site's own (next) publication day
    assert found(SEED, "2024-01-27-slug.md") == [
        (
            "SL209",
            5,
            20,
            "file name is dated 2024-01-27 but publishedDateTime 2024-01-24T15:00:00Z is 2024-01-24 (UTC); "
            "expected a file name dated 2024-01-24 (or up to 1 day(s) later)",
        )
    ]


def test_a_file_name_dated_no_real_day_is_said():
    # (it was skipped without a word)
    assert found(SEED, "2024-02-30-slug.md") == [
        (
            "SL209",
            5,
            20,
            "file name is dated 2024-02-30, which is no real date; publishedDateTime 2024-01-24T15:00:00Z is "
            "2024-01-24 (UTC): expected a file name dated 2024-01-24",
        )
    ]


def test_real_fixture_documents_have_no_date_findings():
    config = Config(root=Path.cwd())
    docs = [
        load_document(p) for p in sorted(FIXTURES.rglob("*")) if p.suffix in (".md", ".txt") and "ftfy" not in p.parts
    ]
    assert len(docs) > 100
    assert [(doc.display_path, d.code) for doc in docs if doc.ok for d in dates.check(doc, config)] == []


def test_a_related_date_found_clean_is_checked_again_under_other_settings_and_a_bad_one_every_time():
    # Related entries' dates found clean are remembered (they recur across a corpus), with the settings that decide.
    doc = parse_document(SEED.encode("utf-8"), Path("doc.md"), "doc.md")
    mine = [d for d in dates.check(doc, Config(root=Path.cwd())) if d.line == 30]
    assert mine == []
    later = Config(root=Path.cwd(), earliest_year=2025)
    assert [(d.code, d.line, d.column, d.message) for d in dates.check(doc, later) if d.line == 30] == [
        (
            "SL207",
            30,
            24,
            "related[0].publishedDateTime 2024-01-26T15:32:00Z is before 2025: a placeholder date, not a "
            "publication date?",
        )
    ]
    impossible = SEED.replace("publishedDateTime: 2024-01-26T15:32:00Z", "publishedDateTime: 2024-02-31T15:32:00Z", 1)
    for _ in range(2):
        assert [(d.code, d.line) for d in lint_text(impossible, dates.check)] == [("SL202", 30)]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        # Another script's digits: `\d` read `２０２４` as 2024, then called the date a future one (SL206).
        ('"\uff12\uff10\uff12\uff14-01-22T18:23:00Z"', "SL201"),
        ('"2024-01-22T18:23:00.\uff15Z"', "SL201"),
        # Second 60 only in the last minute of a day in UTC, where a leap second ends.
        ("2024-01-22T18:23:60Z", "SL202"),
        ("2016-12-31T23:59:60+01:00", "SL202"),
        ("2016-12-31T23:59:60Z", None),
        ("2016-12-31T18:59:60-05:00", None),
    ],
)
def test_digits_are_ascii_and_a_leap_second_ends_a_utc_day(tmp_path, written, code):
    # (found fuzzing the rules' precision)
    path = tmp_path / "doc.md"
    path.write_text(f"---\npublishedDateTime: {written}\n---\n", encoding="utf-8")
    found = [d.code for d in check_paths(path).diagnostics if d.code.startswith("SL2")]
    assert found == ([code] if code else [])
