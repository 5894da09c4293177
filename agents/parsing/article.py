"""Parse the article part of a dropped file: headline, body, outlet, credits, date, language.

The site-specific knowledge (boilerplate lines, credit and caption shapes, outlet hints)
lives in two data files next to this module, ``boilerplate.txt`` and ``credits.txt``,
so a new site is handled by adding a line there. They are read on first use, not at
import, and can be replaced with ``load_rules()``.

Rules, in the order they apply to each line (spaces normalised):

1. a credit line (credits.txt ``line``) leaves the body for ``Article.credits``;
2. a photo caption (``caption``) leaves the body; its photo credit joins the credits once
   (a caption printed twice is therefore dropped both times, never kept in the body);
3. a "Publié le ..." line or a line that is only a date gives ``published`` and leaves;
4. a boilerplate line (boilerplate.txt) leaves; a ``tail:`` one also drops every
   following line that is not a credit;
5. anything else is a body paragraph (one line, one paragraph: these files do not wrap).

The headline is the first body line when it stands alone (followed by a blank line or
the end of the text), is at most 250 characters and holds a single sentence; a short
line without a final period directly followed by a longer one counts too. Without a
headline the title is derived: the first sentence of the first paragraph, cut on a word
boundary to at most 200 characters (a sentence that fits keeps its final punctuation).

The outlet is the proposal of the first rule of credits.txt (file order = priority) that
made one: "Source : Lire l'article complet par X" first, then a wire credit opening the
body ("(CNSNews.com) –"), then a source URL's host, then an attribution in the lead
paragraph ("écrit le journal britannique Financial Times").

``published`` is set only from an explicit statement: a "Publié le / Paru le / Date de
publication" line, a line holding nothing but a date, or a dateline opening the body
("MOSCOU, 10 décembre 2021 (AFP) –"). Dates inside sentences are events, not
publication dates. Dates are taken as UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal, cast

from agents.parsing.models import Article
from agents.parsing.text import FRENCH_DATE, find_date, normalize_space, split_lines

CreditKind = Literal["line", "caption", "prefix", "lead"]
_KINDS: frozenset[str] = frozenset({"line", "caption", "prefix", "lead"})

TITLE_MAX = 200
HEADLINE_MAX = 250
# A headline directly followed by text (no blank line) must be clearly shorter.
_BARE_HEADLINE_MAX = 150

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

# A sentence ends at . ! ? … (possibly followed by closing quotes or a parenthesis),
# then a space, then an opening quote or a capital letter or digit.
_SENTENCE_END = re.compile(r"[.!?…]+[\"»”’)]*\s+(?=[«\"“(]?\s*[A-ZÀ-ÖØ-Þ0-9])")
# fmt: off
_ABBREVIATIONS = frozenset({
    "m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "mgr", "st", "ste", "etc", "ndlr",
    "cf", "av", "art", "vol", "no", "n°", "p", "gén", "col", "lt", "sgt", "jr", "sr",
})
# fmt: on
_LAST_WORD = re.compile(r"([\w°]+)[.)]*\s*$")
_TRAILING_PUNCT = " ,;:–—-"

# fmt: off
_FR_STOPWORDS = frozenset({
    "le", "la", "les", "des", "du", "de", "et", "est", "une", "un", "que", "qui", "dans",
    "pour", "pas", "sur", "au", "aux", "avec", "ce", "il", "elle", "ne", "se", "sont", "ont",
    "été", "cette", "mais", "ou", "son", "sa", "ses", "leur", "nous", "vous",
})
_EN_STOPWORDS = frozenset({
    "the", "of", "and", "to", "in", "is", "that", "for", "it", "with", "as", "was", "on",
    "are", "be", "by", "this", "have", "from", "not", "were", "which", "has", "an", "at",
    "its", "they", "their", "but",
})
# fmt: on
_LANGUAGE_SAMPLE = 2000  # characters (~300 words): enough to decide, cheap on huge files


@dataclass(frozen=True, slots=True)
class CreditRule:
    """One line of credits.txt: its kind, its pattern and its rank (line order)."""

    kind: CreditKind
    pattern: re.Pattern[str]
    rank: int


@dataclass(frozen=True, slots=True)
class ArticleRules:
    """The compiled content of boilerplate.txt and credits.txt."""

    boilerplate: re.Pattern[str] | None = None
    tail: re.Pattern[str] | None = None
    lines: tuple[CreditRule, ...] = ()
    captions: tuple[CreditRule, ...] = ()
    prefixes: tuple[CreditRule, ...] = ()
    leads: tuple[CreditRule, ...] = ()
    # One alternation of every line and caption pattern: most lines are body text, and
    # one failed match is much cheaper than one per rule.
    any_credit: re.Pattern[str] | None = field(default=None)


def _data_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank, non-comment lines of a data file with their 1-based line numbers."""
    return [
        (number, line.strip())
        for number, line in enumerate(split_lines(text), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _compile(pattern: str, flags: int, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(f"{where}: invalid regular expression {pattern!r}: {exc}") from exc


def _alternation(patterns: list[str], flags: int, where: str) -> re.Pattern[str] | None:
    if not patterns:
        return None
    # Named groups may repeat across rules; the alternation is only a yes/no filter.
    plain = [re.sub(r"\(\?P<\w+>", "(?:", pattern) for pattern in patterns]
    return _compile("|".join(f"(?:{pattern})" for pattern in plain), flags, where)


def rules_from_text(boilerplate: str, credits: str) -> ArticleRules:
    """Compile the text of a boilerplate file and of a credits file into ArticleRules."""
    drop: list[str] = []
    tail: list[str] = []
    for number, line in _data_lines(boilerplate):
        where = f"boilerplate line {number}"
        if line.startswith("tail:"):
            pattern = line.removeprefix("tail:").strip()
            _compile(pattern, re.IGNORECASE, where)
            tail.append(pattern)
        else:
            _compile(line, re.IGNORECASE, where)
            drop.append(line)
    by_kind: dict[str, list[CreditRule]] = {kind: [] for kind in _KINDS}
    for rank, (number, line) in enumerate(_data_lines(credits)):
        where = f"credits line {number}"
        kind, _, pattern = line.partition(" ")
        if kind not in _KINDS or not pattern.strip():
            raise ValueError(f"{where}: expected '<{'|'.join(sorted(_KINDS))}> <regex>'")
        compiled = _compile(pattern.strip(), 0, where)
        by_kind[kind].append(CreditRule(cast(CreditKind, kind), compiled, rank))
    whole_line = by_kind["line"] + by_kind["caption"]
    return ArticleRules(
        boilerplate=_alternation(drop, re.IGNORECASE, "boilerplate"),
        tail=_alternation(tail, re.IGNORECASE, "boilerplate"),
        lines=tuple(by_kind["line"]),
        captions=tuple(by_kind["caption"]),
        prefixes=tuple(by_kind["prefix"]),
        leads=tuple(by_kind["lead"]),
        any_credit=_alternation([rule.pattern.pattern for rule in whole_line], 0, "credits"),
    )


def load_rules(boilerplate: Path | None = None, credits: Path | None = None) -> ArticleRules:
    """Read and compile the rule files; None means the file shipped with the package."""
    package = resources.files("agents.parsing")
    boilerplate_text = (
        boilerplate.read_text(encoding="utf-8")
        if boilerplate is not None
        else package.joinpath("boilerplate.txt").read_text(encoding="utf-8")
    )
    credits_text = (
        credits.read_text(encoding="utf-8")
        if credits is not None
        else package.joinpath("credits.txt").read_text(encoding="utf-8")
    )
    return rules_from_text(boilerplate_text, credits_text)


@cache
def default_rules() -> ArticleRules:
    """The packaged rules, read and compiled once, on first use."""
    return load_rules()


@dataclass(slots=True)
class _Collected:
    """What the line pass gathers besides the body."""

    credits: list[str] = field(default_factory=list)
    outlets: list[tuple[int, str]] = field(default_factory=list)
    published: datetime | None = None

    def add_credit(self, credit: str) -> None:
        credit = credit.strip()
        if credit and credit not in self.credits:
            self.credits.append(credit)

    def propose_outlet(self, rank: int, outlet: str | None) -> None:
        if outlet:
            outlet = outlet.strip().rstrip('.,;:!?»"”’ ')
            if outlet:
                self.outlets.append((rank, outlet))


def _group(match: re.Match[str], name: str) -> str | None:
    """A named group's text, or None when the pattern has no such group or it is empty."""
    if name not in match.re.groupindex:
        return None
    value = match.group(name)
    return value if value else None


def _credit_line(line: str, rules: ArticleRules, found: _Collected) -> bool:
    """Handle a credit line or a caption; True when the line is one (and leaves the body)."""
    if rules.any_credit is None or rules.any_credit.fullmatch(line) is None:
        return False
    for rule in rules.lines:
        match = rule.pattern.fullmatch(line)
        if match is not None:
            found.add_credit(_group(match, "credit") or line)
            found.propose_outlet(rule.rank, _group(match, "outlet"))
            return True
    for rule in rules.captions:
        match = rule.pattern.fullmatch(line)
        if match is not None:
            credit = _group(match, "credit")
            if credit:
                found.add_credit(credit)
            found.propose_outlet(rule.rank, _group(match, "outlet"))
            return True
    return False


def _published_line(line: str) -> datetime | None:
    """The date of a "Publié le ..." line or of a line that is only a date."""
    if len(line) > 160:  # metadata lines are short; spare the regexes on paragraphs
        return None
    match = _PUBLISHED.fullmatch(line) or _DATE_ONLY.fullmatch(line)
    return find_date(match["date"]) if match is not None else None


def _first_sentence_end(text: str) -> int | None:
    """Offset just after the punctuation ending the first sentence; None for one sentence."""
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + 1
        if text[match.start()] == ".":
            # "M. Poutine", "J. Biden", "ndlr.)": an abbreviation or an initial, not an end.
            # Only the few characters before the period are looked at.
            last = _LAST_WORD.search(text, max(0, end - 12), end)
            word = last.group(1).casefold() if last else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        return match.start() + len(match.group().rstrip())
    return None


def _first_sentence(paragraph: str) -> str:
    end = _first_sentence_end(paragraph)
    return paragraph[:end].strip() if end is not None else paragraph.strip()


def derive_title(paragraph: str, limit: int = TITLE_MAX) -> str:
    """The first sentence of paragraph, cut on a word boundary to at most limit characters.

    A sentence that fits keeps its final punctuation, as the text has it.
    """
    # A sentence ending past the limit gets cut anyway: looking further is wasted work.
    sentence = _first_sentence(paragraph[: limit + 8])
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit + 1]
    space = cut.rfind(" ")
    # One giant word (a URL): a hard cut is the only option left.
    cut = cut[:space] if space > 0 else sentence[:limit]
    return cut.rstrip(_TRAILING_PUNCT)


def _is_headline(line: str, followed_by_blank: bool, next_line: str | None) -> bool:
    if followed_by_blank:
        return len(line) <= HEADLINE_MAX and _first_sentence_end(line) is None
    # No blank line after it: only a short line without a final period that introduces
    # a longer paragraph reads as a headline.
    return (
        next_line is not None
        and len(line) <= _BARE_HEADLINE_MAX
        and not line.endswith((".", ",", ";"))
        and len(next_line) > len(line)
        and _first_sentence_end(line) is None
    )


def guess_language(text: str) -> str:
    """ "fr", "en" or "und", from the share of French and English stop words."""
    # Punctuation stays glued to some words ("Russie,"); stop words are rarely affected,
    # and str.split is much cheaper than a word regex.
    sample = text[:_LANGUAGE_SAMPLE].casefold().split()
    french = sum(map(_FR_STOPWORDS.__contains__, sample))
    english = sum(map(_EN_STOPWORDS.__contains__, sample))
    if french >= 3 and french > 1.5 * english:
        return "fr"
    if english >= 3 and english > 1.5 * french:
        return "en"
    return "und"


def _apply_lead_rules(paragraphs: list[str], rules: ArticleRules, found: _Collected) -> None:
    """Wire credit and attribution of the first paragraph; dateline for ``published``."""
    if not paragraphs:
        return
    first = paragraphs[0]
    for rule in rules.prefixes:
        match = rule.pattern.match(first)
        if match is not None and match.end() < len(first):
            found.add_credit(_group(match, "credit") or match.group().strip())
            found.propose_outlet(rule.rank, _group(match, "outlet"))
            first = first[match.end() :].lstrip()
            paragraphs[0] = first
            break
    for rule in rules.leads:
        match = rule.pattern.search(first)
        if match is not None:
            found.propose_outlet(rule.rank, _group(match, "outlet"))
    if found.published is None:
        dateline = _DATELINE.match(first)
        if dateline is not None:
            found.published = find_date(dateline["date"])


def parse_article(text: str, *, rules: ArticleRules | None = None) -> Article:
    """Parse the article part of a file (everything before the comment section).

    Never raises on odd input: an empty text gives an Article with an empty title and
    body, and deciding whether that is a rejection is the caller's business.
    """
    if rules is None:
        rules = default_rules()
    found = _Collected()
    # (line number, text) of body lines; the numbers tell the headline test whether the
    # first line stands apart from the next one.
    body: list[tuple[int, str]] = []
    raw = split_lines(text)
    in_tail = False
    for number, raw_line in enumerate(raw):
        line = normalize_space(raw_line)
        if not line:
            continue
        if _credit_line(line, rules, found) or in_tail:
            continue
        date = _published_line(line)
        if date is not None:
            found.published = found.published or date
            continue
        if rules.tail is not None and rules.tail.fullmatch(line):
            in_tail = True
            continue
        if rules.boilerplate is not None and rules.boilerplate.fullmatch(line):
            continue
        body.append((number, line))

    headline: str | None = None
    if body:
        first_number, first_line = body[0]
        next_body = body[1][1] if len(body) > 1 else None
        # A blank line, or a line that was dropped (a badge, a caption), sets it apart.
        followed_by_blank = next_body is None or body[1][0] > first_number + 1
        if _is_headline(first_line, followed_by_blank, next_body):
            headline = first_line
            body = body[1:]

    paragraphs = [line for _, line in body]
    _apply_lead_rules(paragraphs, rules, found)
    if headline is not None:
        title, derived = headline, False
    elif paragraphs:
        title, derived = derive_title(paragraphs[0]), True
    else:  # nothing but furniture, or nothing at all
        title, derived = "", False

    body_text = "\n\n".join(paragraphs)
    outlet = min(found.outlets)[1] if found.outlets else None
    return Article(
        title=title,
        title_derived=derived,
        outlet=outlet,
        published=found.published,
        language=guess_language(f"{title}\n{body_text[:_LANGUAGE_SAMPLE]}"),
        body=body_text,
        headline=headline,
        credits=tuple(found.credits),
    )
