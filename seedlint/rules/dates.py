"""SL2 — dates: every date-time is a real RFC 3339 date-time with an offset, and a plausible one.

Dates are checked on the exact text of the YAML scalar (seedlint never lets the YAML library build
timestamps: `2024-02-30T15:00:00Z` would crash it), so the message can quote what the author wrote.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from seedlint import clock
from seedlint.datetimes import DATE_TIME, canonical_spelling, impossible, moment
from seedlint.edits import replace_value
from seedlint.memo import Memo
from seedlint.registry import define

if TYPE_CHECKING:
    from seedlint.config import Config
    from seedlint.diagnostic import Diagnostic
    from seedlint.document import Document
    from seedlint.yamltree import JSON, FieldPath

NOT_A_DATE = define(
    "SL201",
    "not-a-date",
    "error",
    "A date field does not hold a date.",
    what="publishedDateTime, updatedDateTime and related entries' publishedDateTime must be RFC 3339 date-times "
    "(2024-01-22T18:23:00Z); any other form (22/01/2024 18:23, January 22) is reported.",
    why="Feeds, sorting and the site's templates read these fields as RFC 3339; other forms break them or are misread.",
    example="publishedDateTime: 22/01/2024 18:23",
)
IMPOSSIBLE_DATE = define(
    "SL202",
    "impossible-date",
    "error",
    "A date-time names a day or time that does not exist.",
    what="Calendar and clock values are checked: day 30 of February, month 13, hour 25, minute 61, and second 60 "
    "outside the last minute of a day in UTC, the only one a leap second ends (RFC 3339 5.7: 23:59:60Z, "
    "18:59:60-05:00).",
    why="An impossible date crashes YAML loaders that build timestamps and cannot be sorted or shown.",
    example="publishedDateTime: 2024-02-30T15:00:00Z   # February 2024 has 29 days",
)
MISSING_OFFSET = define(
    "SL203",
    "missing-utc-offset",
    "error",
    "A date-time has no UTC offset.",
    what="A date-time without `Z` or `+hh:mm`.",
    why="Without an offset the moment is ambiguous by up to a day; the corpus writes UTC with `Z`.",
    example="publishedDateTime: 2024-01-22T18:23:00",
    fix="none: which offset was meant cannot be known.",
)
DATE_WITHOUT_TIME = define(
    "SL204",
    "date-without-time",
    "error",
    "A date-time field holds only a date.",
    what="A date such as 2024-01-22 where a date-time is required.",
    why="The time of publication orders articles of the same day; a date alone is read as midnight in an unknown zone.",
    example="publishedDateTime: 2024-01-22",
    fix="none: the time is unknown.",
)
NON_CANONICAL_DATE = define(
    "SL205",
    "non-canonical-date",
    "warning",
    "A date-time is valid but not written in the canonical RFC 3339 form.",
    what="A space instead of `T`, a lowercase `t` or `z`, or an offset without its colon (`+0000`).",
    why="Not every consumer accepts these variants; one spelling keeps the corpus uniform.",
    example="publishedDateTime: 2024-01-22 18:23:00z",
    fix="safe: rewritten as `2024-01-22T18:23:00Z` (the same instant, canonical spelling).",
)
FUTURE_DATE = define(
    "SL206",
    "future-date",
    "warning",
    "A date-time lies in the future.",
    what="A date later than now by more than `future-tolerance-days` (default 2).",
    why="An article cannot have been published in the future: usually a wrong year or a swapped day and month.",
    example="publishedDateTime: 2042-01-22T18:23:00Z",
)
DATE_TOO_EARLY = define(
    "SL207",
    "date-too-early",
    "warning",
    "A date-time is earlier than the corpus can hold.",
    what="A date before `earliest-year` (default 1990).",
    why="Dates like 0001-01-01 or 1970-01-01 are placeholders or epoch defaults, not publication dates.",
    example="publishedDateTime: 1970-01-01T00:00:00Z",
)
UPDATED_BEFORE_PUBLISHED = define(
    "SL208",
    "updated-before-published",
    "warning",
    "updatedDateTime is earlier than publishedDateTime.",
    what="An article's update time must not precede its publication time.",
    why="One of the two dates is wrong.",
    example="publishedDateTime: 2024-01-22T18:23:00Z\nupdatedDateTime: 2024-01-21T09:00:00Z",
)
FILENAME_DATE_MISMATCH = define(
    "SL209",
    "filename-date-mismatch",
    "warning",
    "The date in the file name disagrees with publishedDateTime.",
    what="A file named `YYYY-MM-DD-slug.md` must be dated within `filename-date-tolerance-days` (default 1) after the "
    "UTC date of publishedDateTime: sites name files by their own publication day, which may be the next day.",
    why="The site builds the article's URL and archive from the file name: a mismatch files it under the wrong day.",
    example="2024-01-25-slug.md with publishedDateTime: 2024-01-22T18:23:00Z",
)

_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})-", re.ASCII)


@dataclass(frozen=True)
class ParsedDate:
    moment: datetime | None  # None when the date has no offset or no time
    canonical: str  # the RFC 3339 spelling of the same text


def date_paths(data: dict[str, JSON]) -> Iterator[FieldPath]:
    for name in ("publishedDateTime", "updatedDateTime"):
        if name in data:
            yield (name,)
    related = data.get("related")
    for index, entry in enumerate(related if isinstance(related, list) else []):
        if isinstance(entry, dict) and "publishedDateTime" in entry:
            yield ("related", index, "publishedDateTime")


def check(doc: Document, config: Config) -> Iterator[Diagnostic]:
    data = doc.data
    assert data is not None  # (the document checks run on documents whose front matter parsed)
    parsed: dict[FieldPath, ParsedDate] = {}
    for path in date_paths(data):
        value = _value(data, path)
        if not isinstance(value, str):
            continue
        if path[0] == "related":  # (a copy's date: only its findings matter, and the same dates recur)
            settings = f"{value}\0{config.earliest_year}\0{config.future_tolerance_days}"
            yield from _CLEAN_DATES.findings(settings, _check_text, doc, config, path, value)
            continue
        result = yield from _check_text(doc, config, path, value)
        if result is not None:
            parsed[path] = result
    published, updated = parsed.get(("publishedDateTime",)), parsed.get(("updatedDateTime",))
    if published and updated and published.moment and updated.moment and updated.moment < published.moment:
        yield UPDATED_BEFORE_PUBLISHED.at(
            doc,
            ("updatedDateTime",),
            f"updatedDateTime {updated.canonical} is earlier than publishedDateTime {published.canonical}",
        )
    if published and published.moment:
        yield from _check_file_name(doc, config, published)


# Related entries' dates found clean, with the settings that decide it: a date clean once stays clean (time only
# moves on, past the future-date limit), and a corpus's entries copy the same few thousand dates.
_CLEAN_DATES = Memo()


def _value(data: JSON, path: FieldPath) -> JSON:
    node: Any = data  # (along a path that date_paths found in the data)
    for step in path:
        node = node[step]
    return node


def _check_text(
    doc: Document, config: Config, path: FieldPath, text: str
) -> Generator[Diagnostic, None, ParsedDate | None]:
    name = path[-1] if len(path) == 1 else f"related[{path[1]}].publishedDateTime"
    match = DATE_TIME.fullmatch(text.strip())
    if match is None:
        yield NOT_A_DATE.at(
            doc,
            path,
            f"{name} {text!r} is not a date-time{_what_is_missing(text.strip())}: write RFC 3339, e.g. "
            "2024-01-22T18:23:00Z",
        )
        return None
    problem = impossible(match)
    if problem:
        yield IMPOSSIBLE_DATE.at(doc, path, f"{name} {text} is not a real date: {problem}")
        return None
    if match["hour"] is None:
        yield DATE_WITHOUT_TIME.at(
            doc, path, f"{name} {text} has no time of day: a date-time such as {text}T00:00:00Z is required"
        )
        return None
    canonical = canonical_spelling(match)
    if match["offset"] is None:
        yield MISSING_OFFSET.at(
            doc,
            path,
            f"{name} {text} has no UTC offset: add `Z` (UTC) or the offset it was written in, e.g. {canonical}Z",
        )
        return ParsedDate(None, canonical)
    if canonical != text:
        fix = replace_value(doc, path, canonical, description=f"write {canonical}")
        yield NON_CANONICAL_DATE.at(doc, path, f"{name} {text!r} is not canonical RFC 3339: write {canonical}", fix=fix)
    when = moment(canonical)
    if when is None:  # (year 0000, which datetime cannot hold; or past 9999 once a leap second is added)
        if int(canonical[:4]) < config.earliest_year:
            yield DATE_TOO_EARLY.at(
                doc,
                path,
                f"{name} {text} is before {config.earliest_year}: a placeholder date, not a publication date?",
            )
        else:
            yield FUTURE_DATE.at(doc, path, f"{name} {text} is in the future: a wrong year?")
        return ParsedDate(None, canonical)
    now = clock.now()
    if when > now + timedelta(days=config.future_tolerance_days):
        found = FUTURE_DATE.at(
            doc,
            path,
            f"{name} {text} is in the future (today is {now:%Y-%m-%d}): a wrong year, or day and month swapped?",
        )
        found.extra[clock.JUDGED_ON] = now.date().isoformat()  # (true today only: see seedlint/clock.py)
        yield found
    elif when.year < config.earliest_year:
        yield DATE_TOO_EARLY.at(
            doc, path, f"{name} {text} is before {config.earliest_year}: a placeholder date, not a publication date?"
        )
    return ParsedDate(when, canonical)


# A date and a time that lack the seconds, or whose offset lacks its minutes: said, not only "not a date-time".
_NO_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?:[Zz]|[+-]\d{2}:?\d{2})?", re.ASCII)
_SHORT_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([+-]\d{2})", re.ASCII)


def _what_is_missing(text: str) -> str:
    if (offset := _SHORT_OFFSET.fullmatch(text)) is not None:
        return f" (its offset {offset[1]} has no minutes: {offset[1]}:00)"
    if _NO_SECONDS.fullmatch(text):
        return " (its time has no seconds: HH:MM:SS)"
    return ""


def _check_file_name(doc: Document, config: Config, published: ParsedDate) -> Iterator[Diagnostic]:
    match = _FILE_DATE.match(doc.path.name)
    if match is None:
        return
    try:
        file_date = datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=UTC).date()
    except ValueError:  # (`2024-02-30-slug.md`: the site files it under no day)
        assert published.moment is not None
        utc_date = published.moment.astimezone(UTC).date()
        yield FILENAME_DATE_MISMATCH.at(
            doc,
            ("publishedDateTime",),
            f"file name is dated {match[0][:-1]}, which is no real date; publishedDateTime {published.canonical} is "
            f"{utc_date} (UTC): expected a file name dated {utc_date}",
        )
        return
    assert published.moment is not None  # (only a date with an offset and a time is compared)
    utc_date = published.moment.astimezone(UTC).date()
    lag = (file_date - utc_date).days
    if not 0 <= lag <= config.filename_date_tolerance_days:
        yield FILENAME_DATE_MISMATCH.at(
            doc,
            ("publishedDateTime",),
            f"file name is dated {file_date} but publishedDateTime {published.canonical} is {utc_date} (UTC); "
            f"expected a file name dated {utc_date} (or up to {config.filename_date_tolerance_days} day(s) later)",
        )
