"""Recognise the lines that open a comment: the ordinal line and the header lines after it.

An ordinal line ("  1. Jarilo Офлайн Jarilo", "  1. -2") starts a comment; then come, in
either order and before any text, a date line ("Jarilo (Sergey) 10 décembre 2021 11: 30")
and a score line ("-1"). A "Citation: name" line opens a quote inside the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from agents.parsing.text import FRENCH_DATE, date_from_match, normalize_space

# An ordinal line is exactly <indent><digits>. optionally followed by a name or a score.
# The digits may be missing (a damaged line); such a line must then prove itself by what
# follows it (see read_ordinal).
ORDINAL = re.compile(r"(?P<indent>[ \t\u00a0]*)(?P<number>\d{1,6})?\.(?:[ \t\u00a0].*)?")
ORDINAL_START = frozenset("0123456789.")
_ONLINE = re.compile(r" (?:Офлайн|Онлайн|Offline|Online|Hors ligne|En ligne)(?= |$)")
# Five digits at most: a line "2000" under a header that already has its score is text.
_SCORE = re.compile(r"[+\-−–]?\d{1,5}")
_DATE_LINE = re.compile(
    rf"(?:(?P<name>.+?) )??(?:\((?P<handle>[^()]*)\) )?(?P<date>{FRENCH_DATE})",
    re.IGNORECASE,
)
CITATION = re.compile(r"(?:Citation|Цитата|Quote) ?: ?(?P<author>.*)", re.IGNORECASE)
CITATION_START = frozenset("CcЦцQq")
# A date line is short; the length test spares the regex on long text lines.
_DATE_LINE_MAX = 160


class ThreadLines:
    """The raw lines of a thread and their normalised text, computed once.

    eager=False computes a line's text on first use, for callers that look at a few
    lines of a long text; the thread reader wants them all and reads the list directly.
    """

    __slots__ = ("contents", "raw")

    def __init__(self, raw: list[str], *, eager: bool = True) -> None:
        self.raw = raw
        # Eager: normalize_space() inlined (the text is free of zero-width characters, see
        # parse_comments), as this runs once per line of a possibly huge thread.
        self.contents: list[str | None] = (
            [" ".join(line.split()) for line in raw] if eager else [None] * len(raw)
        )

    def __len__(self) -> int:
        return len(self.raw)

    def content(self, number: int) -> str:
        cached = self.contents[number]
        if cached is None:
            cached = self.contents[number] = normalize_space(self.raw[number])
        return cached

    def next_content(self, start: int) -> int | None:
        """Index of the first non-blank line at or after start."""
        for number in range(start, len(self.raw)):
            if self.content(number):
                return number
        return None


def is_ordinal_line(lines: ThreadLines, number: int) -> bool:
    """True when line number opens a comment."""
    match = _match_ordinal(lines.raw[number])
    return match is not None and read_ordinal(match, lines, number) is not None


def _match_ordinal(line: str) -> re.Match[str] | None:
    stripped = line.lstrip(" \t\u00a0")
    if not stripped or stripped[0] not in ORDINAL_START:
        return None
    return ORDINAL.fullmatch(line)


def _is_header_line(content: str) -> bool:
    return _SCORE.fullmatch(content) is not None or (
        len(content) <= _DATE_LINE_MAX and _DATE_LINE.fullmatch(content) is not None
    )


def _parse_score(text: str) -> int:
    # A typographic minus or en dash is what some sites print for "-".
    return int(text) if text.isascii() else int(text.replace("−", "-").replace("–", "-"))


def _single_name(name: str) -> str:
    """ "Jarilo Jarilo" (name and avatar caption, marker lost) -> "Jarilo"."""
    parts = name.split(" ")
    half = len(parts) // 2
    if len(parts) % 2 == 0 and parts[:half] == parts[half:]:
        return " ".join(parts[:half])
    return name


@dataclass(slots=True)
class Ordinal:
    """What an ordinal line says: its number, and the author or score it may carry."""

    number: int | None
    author: str | None = None
    score: int | None = None


def read_ordinal(match: re.Match[str], lines: ThreadLines, number: int) -> Ordinal | None:
    """Interpret an ordinal-shaped line; None when it is text ("1. Premièrement, ...")."""
    written = int(match["number"]) if match["number"] else None
    # The normalised line is "<digits>. <rest>": its rest is already normalised.
    rest = lines.content(number).partition(".")[2].lstrip()
    if not rest:
        return Ordinal(written) if written is not None else None
    if _SCORE.fullmatch(rest):
        return Ordinal(written, score=_parse_score(rest)) if written is not None else None
    online = _ONLINE.search(rest)
    if online is not None:
        return Ordinal(written, author=rest[: online.start()].strip() or None)
    # A bare name: believe it only when a date or score line follows, as in a header.
    following = lines.next_content(number + 1)
    if following is not None and _is_header_line(lines.content(following)):
        return Ordinal(written, author=_single_name(rest))
    return None


@dataclass(slots=True)
class CommentHeader:
    """Who wrote a comment, when, and its score, from its ordinal and header lines."""

    author: str | None
    author_handle: str | None
    posted_at: datetime | None
    score: int | None


def read_header(lines: ThreadLines, number: int, ordinal: Ordinal) -> tuple[CommentHeader, int]:
    """Read the header lines from number on: the header, and the index of the first text line.

    Header lines (date line, score line) come in either order, before any text; blank
    lines among them are skipped.
    """
    contents = lines.contents
    total = len(contents)
    author, score = ordinal.author, ordinal.score
    handle: str | None = None
    posted: datetime | None = None
    while number < total:
        content = contents[number] or ""
        if not content:
            number += 1
            continue
        date_line = (
            _DATE_LINE.fullmatch(content)
            if posted is None and len(content) <= _DATE_LINE_MAX
            else None
        )
        if date_line is not None:
            posted = date_from_match(date_line)
            handle = (date_line["handle"] or "").strip() or None
            author = author or date_line["name"]
            number += 1
            continue
        if score is None and _SCORE.fullmatch(content):
            score = _parse_score(content)
            number += 1
            continue
        break
    return CommentHeader(author, handle, posted, score), number
