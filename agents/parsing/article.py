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

This module runs the line pass; the rule files are compiled in article_rules, the
headline test and derived title live in titles, the publication dates in
publication_dates and the language guess in language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from agents.parsing.article_rules import (
    ArticleRules,
    CreditKind,
    CreditRule,
    default_rules,
    load_rules,
    rules_from_text,
)
from agents.parsing.language import LANGUAGE_SAMPLE, guess_language
from agents.parsing.models import Article
from agents.parsing.publication_dates import dateline_date, published_line
from agents.parsing.text import normalize_space, split_lines
from agents.parsing.titles import HEADLINE_MAX, TITLE_MAX, derive_title, is_headline

# Re-exported: these lived here before the rules, titles and language got their modules.
__all__ = [
    "HEADLINE_MAX",
    "TITLE_MAX",
    "ArticleRules",
    "CreditKind",
    "CreditRule",
    "default_rules",
    "derive_title",
    "guess_language",
    "load_rules",
    "parse_article",
    "rules_from_text",
]


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
        found.published = dateline_date(first)


def _body_lines(text: str, rules: ArticleRules, found: _Collected) -> list[tuple[int, str]]:
    """The line pass: (line number, text) of body lines; credits and dates go to found.

    The line numbers tell the headline test whether the first line stands apart from
    the next one.
    """
    body: list[tuple[int, str]] = []
    raw = split_lines(text)
    in_tail = False
    for number, raw_line in enumerate(raw):
        line = normalize_space(raw_line)
        if not line:
            continue
        if _credit_line(line, rules, found) or in_tail:
            continue
        date = published_line(line)
        if date is not None:
            found.published = found.published or date
            continue
        if rules.tail is not None and rules.tail.fullmatch(line):
            in_tail = True
            continue
        if rules.boilerplate is not None and rules.boilerplate.fullmatch(line):
            continue
        body.append((number, line))
    return body


def _split_headline(
    body: list[tuple[int, str]],
) -> tuple[str | None, list[tuple[int, str]]]:
    """The headline (None without one) and the body lines that follow it."""
    if body:
        first_number, first_line = body[0]
        next_body = body[1][1] if len(body) > 1 else None
        # A blank line, or a line that was dropped (a badge, a caption), sets it apart.
        followed_by_blank = next_body is None or body[1][0] > first_number + 1
        if is_headline(first_line, followed_by_blank, next_body):
            return first_line, body[1:]
    return None, body


def _title(headline: str | None, paragraphs: list[str]) -> tuple[str, bool]:
    """The title and whether it was derived from the first paragraph."""
    if headline is not None:
        return headline, False
    if paragraphs:
        return derive_title(paragraphs[0]), True
    return "", False  # nothing but furniture, or nothing at all


def parse_article(text: str, *, rules: ArticleRules | None = None) -> Article:
    """Parse the article part of a file (everything before the comment section).

    Never raises on odd input: an empty text gives an Article with an empty title and
    body, and deciding whether that is a rejection is the caller's business.
    """
    if rules is None:
        rules = default_rules()
    found = _Collected()
    headline, body = _split_headline(_body_lines(text, rules, found))
    paragraphs = [line for _, line in body]
    _apply_lead_rules(paragraphs, rules, found)
    title, derived = _title(headline, paragraphs)

    body_text = "\n\n".join(paragraphs)
    outlet = min(found.outlets)[1] if found.outlets else None
    return Article(
        title=title,
        title_derived=derived,
        outlet=outlet,
        published=found.published,
        language=guess_language(f"{title}\n{body_text[:LANGUAGE_SAMPLE]}"),
        body=body_text,
        headline=headline,
        credits=tuple(found.credits),
    )
