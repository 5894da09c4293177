"""Publication dates stated by an article: a "Publié le ..." line, a date-only line, a dateline.

Dates inside sentences are events, not publication dates, and are never taken.
"""

from __future__ import annotations

import re
from datetime import datetime

from agents.parsing.text import FRENCH_DATE, find_date

_WEEKDAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
# A date as metadata prints it: "vendredi 10 décembre 2021 à 11h30", "10/12/2021 08:15",
# "2021-12-10T08:15:00Z".
_METADATA_DATE = (
    rf"(?:(?:{_WEEKDAYS}),? )?(?:le )?(?P<date>{FRENCH_DATE}"
    r"|\d{1,2}/\d{1,2}/\d{4}(?:,? (?:à )?\d{1,2} ?[:h] ?\d{2})?"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?)"
)
# "Publié le 10 décembre 2021 à 11h30 par Jean Dupont": the line is metadata. A sentence
# that merely starts that way ("Paru le 3 mars, le livre ...") does not match.
_PUBLISHED = re.compile(
    rf"(?:publié|publie|paru|mis en ligne|date de publication) ?:? ?{_METADATA_DATE}"
    r"(?: ?(?:par|by|[-–—|•]) .{1,80})?\.?",
    re.IGNORECASE,
)
_DATE_ONLY = re.compile(_METADATA_DATE, re.IGNORECASE)
# "MOSCOU, 10 décembre 2021 (AFP) – ..." or "Paris, le 3 mai 2022 : ...".
_DATELINE = re.compile(
    rf"[A-ZÀ-Ý][\w'’. -]{{1,40}}?, (?:le )?(?:(?i:{_WEEKDAYS}) )?(?P<date>(?i:{FRENCH_DATE}))"
    r" ?(?:\([^()]{1,40}\) ?)?[–—:-]+ "
)


def published_line(line: str) -> datetime | None:
    """The date of a "Publié le ..." line or of a line that is only a date."""
    if len(line) > 160:  # metadata lines are short; spare the regexes on paragraphs
        return None
    match = _PUBLISHED.fullmatch(line) or _DATE_ONLY.fullmatch(line)
    return find_date(match["date"]) if match is not None else None


def dateline_date(paragraph: str) -> datetime | None:
    """The date of a dateline opening paragraph ("MOSCOU, 10 décembre 2021 (AFP) – ...")."""
    dateline = _DATELINE.match(paragraph)
    return find_date(dateline["date"]) if dateline is not None else None
