"""RFC 3339 date-times as the corpus writes them: the date rules (SL2) check their spelling, and the corpus
rules (SL5) compare the instants they name (`2019-12-17T19:40:00Z` and `2019-12-17 19:40:00+00:00` are one
instant spelled two ways: not a stale copy)."""

from __future__ import annotations

import calendar
import functools
import re
from datetime import UTC, datetime, timedelta

# (ASCII: RFC 3339's digits are 0-9, and `\d` takes any script's: `２０２４` was read as 2024, then a future date)
DATE_TIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:(?P<sep>[Tt ])(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?P<fraction>\.\d+)?"
    r"\s*(?P<offset>[Zz]|[+-]\d{2}:\d{2}|[+-]\d{4})?)?",
    re.ASCII,
)


def impossible(match: re.Match[str]) -> str | None:
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if not 1 <= day <= days:
        return f"{calendar.month_name[month]} {year} has {days} days"
    if match["hour"] is not None:
        hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
        if hour > 23:
            return f"hour {hour} does not exist (00-23)"
        if minute > 59:
            return f"minute {minute} does not exist (00-59)"
        if second > 60:
            return f"second {second} does not exist (00-59; 60 for a leap second, at 23:59 UTC)"
        offset = match["offset"]
        if offset and offset not in "Zz" and (int(offset[1:3]) > 23 or int(offset[-2:]) > 59):
            return f"offset {offset} does not exist"
        if second == 60 and not _leap_minute(hour, minute, offset):
            return "second 60 exists only for a leap second, in the last minute of a day in UTC (23:59:60Z)"
    return None


def _leap_minute(hour: int, minute: int, offset: str | None) -> bool:
    """Whether hour:minute at `offset` is 23:59 UTC, the only minute a leap second ends (RFC 3339 5.7); without an
    offset, where it is unknown, any time is let through."""
    if not offset:
        return True
    east = 0 if offset in "Zz" else (1 if offset[0] == "+" else -1) * (int(offset[1:3]) * 60 + int(offset[-2:]))
    return (hour * 60 + minute - east) % (24 * 60) == 23 * 60 + 59


def canonical_spelling(match: re.Match[str]) -> str:
    text = (
        f"{match['year']}-{match['month']}-{match['day']}"
        f"T{match['hour']}:{match['minute']}:{match['second']}{match['fraction'] or ''}"
    )
    offset = match["offset"] or ""
    if offset in ("z", "Z"):
        return text + "Z"
    if len(offset) == 5:  # +0000 → +00:00
        offset = offset[:3] + ":" + offset[3:]
    return text + offset


@functools.lru_cache(maxsize=1_024)
def instant(text: str) -> str | None:
    """The UTC instant a date-time names, in one spelling (`2019-12-17T19:40:00+00:00`), or None when the text
    is not a real date-time with a time and an offset (then only the text itself can be compared). (Remembered:
    an article's date recurs in every entry that copies it.)"""
    match = DATE_TIME.fullmatch(text.strip())
    if match is None or match["hour"] is None or match["offset"] is None or impossible(match):
        return None
    found = moment(canonical_spelling(match))
    try:
        return found.astimezone(UTC).isoformat() if found is not None else None
    except OverflowError:  # (0001-01-01T00:00:00+01:00 is in year 0 in UTC)
        return None


def moment(canonical: str) -> datetime | None:
    """The datetime of a real date-time in canonical spelling, with its offset; None for one datetime cannot hold
    (year 0000, which RFC 3339 allows). A leap second (`23:59:60`, which RFC 3339 allows and datetime cannot hold)
    is the second after `23:59:59`, as POSIX time counts it."""
    spelled = canonical.replace("Z", "+00:00")
    try:
        if spelled[17:19] == "60":
            return datetime.fromisoformat(spelled[:17] + "59" + spelled[19:]) + timedelta(seconds=1)
        return datetime.fromisoformat(spelled)
    except (ValueError, OverflowError):
        return None
