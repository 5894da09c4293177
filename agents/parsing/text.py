"""Small text helpers shared by the parsers: lines, whitespace, French dates, matching keys.

Everything here is pure and cheap; the regular expressions are compiled once at import.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

# Line breaks: CRLF, lone CR (old Mac exports), LF, and the Unicode line/paragraph
# separators. str.splitlines() is not used because it also splits on \x0b, \x0c, \x1c-\x1e
# and \x85, which occur inside badly decoded text without meaning "new line".
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")

# Zero-width characters that web scraping leaves inside words.
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")

_WORD = re.compile(r"\w+")

BOM = "\ufeff"

MONTHS: dict[str, int] = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "février": 2,
    "fevrier": 2,
    "févr": 2,
    "fevr": 2,
    "fév": 2,
    "fev": 2,
    "mars": 3,
    "mar": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "août": 8,
    "aout": 8,
    "aoû": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "décembre": 12,
    "decembre": 12,
    "déc": 12,
    "dec": 12,
}

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

# "10 décembre 2021", "1er déc. 2021", "10 décembre 2021 11: 30" (the machine translation
# puts a space after the colon), "10 décembre 2021 à 11h30", "10 décembre 2021, 11:30".
FRENCH_DATE = (
    rf"(?P<day>\d{{1,2}})(?:er)?\s+(?P<month>{_MONTH_ALT})\.?\s+(?P<year>\d{{4}})"
    r"(?:\s*,?\s*(?:à\s*)?(?P<hour>\d{1,2})\s*[:h]\s*(?P<minute>\d{2})\b)?"
)
_FRENCH_DATE = re.compile(FRENCH_DATE, re.IGNORECASE)
# 10/12/2021 or 10.12.2021 (day first, as in French), then 2021-12-10 (ISO).
_NUMERIC_DATE = re.compile(
    r"(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>\d{4})"
    r"(?:\s*(?:à\s*)?(?P<hour>\d{1,2})\s*[:h]\s*(?P<minute>\d{2})\b)?"
)
_ISO_DATE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2}))?"
)


def split_lines(text: str) -> list[str]:
    """Split on any line break (CRLF, CR, LF); a trailing break yields no empty last line."""
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        lines = _LINE_BREAK.split(text)
    else:  # the usual case, several times faster than the regex
        lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def strip_zero_width(text: str) -> str:
    """Remove zero-width characters (they hide inside words and break matching)."""
    # str.isascii() is O(1) on str, so pure-ASCII text skips the scan.
    if not text.isascii() and _ZERO_WIDTH.search(text) is not None:
        return _ZERO_WIDTH.sub("", text)
    return text


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (no-break and other Unicode spaces included) to one space.

    Zero-width characters are removed; the ends are stripped.
    """
    text = strip_zero_width(text)
    # str.split() knows every Unicode space (U+00A0, U+202F, U+2009, ...) and is much
    # faster than a regex substitution.
    return " ".join(text.split())


def strip_bom(text: str) -> str:
    """Drop a leading byte-order mark left by a UTF-8-with-BOM or UTF-16 decode."""
    return text[1:] if text.startswith(BOM) else text


def indent_width(indent: str) -> int:
    """Width of a run of leading whitespace, a tab counting as two columns (one level)."""
    return len(indent.expandtabs(2))


def match_key(text: str) -> str:
    """Case-, punctuation- and spacing-insensitive key for passage matching.

    Words are kept in order and joined by single spaces, so a quoted passage matches the
    comment it came from even when quotes, apostrophes or spaces were retyped.
    """
    # lower(), not casefold(): every word of the key is then a substring of text.lower(),
    # which lets a caller pre-filter candidates with a plain substring test.
    return " ".join(_WORD.findall(text.lower()))


def _build(
    year: str, month: int, day: str, hour: str | None, minute: str | None
) -> datetime | None:
    try:
        return datetime(int(year), month, int(day), int(hour or 0), int(minute or 0), tzinfo=UTC)
    except ValueError:  # 31 février, 25: 70 ...: not a date
        return None


def _from_match(match: re.Match[str], month: int) -> datetime | None:
    return _build(match["year"], month, match["day"], match.group("hour"), match.group("minute"))


def date_from_match(match: re.Match[str]) -> datetime | None:
    """The UTC datetime of a match of a pattern that embeds FRENCH_DATE."""
    return _from_match(match, MONTHS[match["month"].casefold()])


def parse_french_date(text: str) -> datetime | None:
    """Parse a French written date with optional time ("10 décembre 2021 11: 30") as UTC.

    The whole string must be the date; see find_date() to look for one inside a text.
    """
    match = _FRENCH_DATE.fullmatch(text.strip())
    if match is None:
        return None
    return _from_match(match, MONTHS[match["month"].casefold()])


def find_date(text: str) -> datetime | None:
    """The first date in text (French words, dd/mm/yyyy or ISO), timezone-aware UTC."""
    candidates: list[tuple[int, datetime]] = []
    match = _FRENCH_DATE.search(text)
    if match is not None:
        parsed = _from_match(match, MONTHS[match["month"].casefold()])
        if parsed is not None:
            candidates.append((match.start(), parsed))
    for pattern in (_NUMERIC_DATE, _ISO_DATE):
        match = pattern.search(text)
        if match is not None:
            parsed = _from_match(match, int(match["month"]))
            if parsed is not None:
                candidates.append((match.start(), parsed))
    return min(candidates, key=lambda item: item[0])[1] if candidates else None
