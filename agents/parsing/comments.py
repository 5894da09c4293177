"""Split off and parse the reader comment thread that follows an article.

A thread is a list of comments, each opened by an ordinal line indented two spaces per
level ("  1.", "    1.", ...), in one of two shapes:

    with authors                            without authors
      1. Jarilo Офлайн Jarilo                 1. -2
        Jarilo (Sergey) 10 décembre 2021 11: 30     24 décembre 2021 13: 31
        -1                                      text ...
        text ...

A comment may quote another: a "Citation: name" line, the quoted passage (one or more
paragraphs), then the reply. The text does not mark where the passage ends, so it is
decided by matching: the passage is the longest run of leading lines that all appear in
one earlier comment (or in the article); when none does, the first paragraph (up to a
blank line; the first line if there is no blank line). The quote is linked to the
earlier comment that holds the passage, preferring one by the quoted name, then an
ancestor, then the most recent: that is how "Citation: amer" finds the user "Bitter".

Everything runs in linear time: lines are read once, and a quoted line is compared with
a bounded number of earlier passages (picked by a substring pre-filter, or by a word
index in long threads), never with all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from agents.parsing.models import Comment, Quote
from agents.parsing.text import (
    FRENCH_DATE,
    date_from_match,
    indent_width,
    match_key,
    normalize_space,
    split_lines,
    strip_zero_width,
)

# "8 commentaires", "1 commentaire", "1 204 commentaires" (the line is normalised, so a
# no-break thousands separator is a plain space by then).
_SECTION_HEADER = re.compile(
    r"(?P<count>\d{1,3}(?: \d{3}){1,2}|\d{1,9}) commentaires?", re.IGNORECASE
)
_PREAMBLE = re.compile(r"information|cher lecteur\b.*", re.IGNORECASE)

# An ordinal line is exactly <indent><digits>. optionally followed by a name or a score.
# The digits may be missing (a damaged line); such a line must then prove itself by what
# follows it (see _read_ordinal).
_ORDINAL = re.compile(
    r"(?P<indent>[ \t\u00a0]*)(?P<number>\d{1,6})?\.(?:[ \t\u00a0].*)?"
)
_ORDINAL_START = frozenset("0123456789.")
_ONLINE = re.compile(r" (?:Офлайн|Онлайн|Offline|Online|Hors ligne|En ligne)(?= |$)")
# Five digits at most: a line "2000" under a header that already has its score is text.
_SCORE = re.compile(r"[+\-−–]?\d{1,5}")
_DATE_LINE = re.compile(
    rf"(?:(?P<name>.+?) )??(?:\((?P<handle>[^()]*)\) )?(?P<date>{FRENCH_DATE})",
    re.IGNORECASE,
)
_CITATION = re.compile(r"(?:Citation|Цитата|Quote) ?: ?(?P<author>.*)", re.IGNORECASE)
_CITATION_START = frozenset("CcЦцQq")
# A date line is short; the length test spares the regex on long text lines.
_DATE_LINE_MAX = 160

# A quoted line is compared with at most this many earlier passages, newest first, that
# hold its longest word (small threads) or its rarest word (word index, large threads).
# It bounds the work per quoted line, which keeps huge threads linear.
_CANDIDATES = 64
# Up to this many passages, scanning them with a substring test beats building an index.
_SCAN_LIMIT = 256
_ARTICLE = "\0article"  # source identity of every article paragraph


def split_comment_section(text: str) -> tuple[str, str | None, int | None]:
    """Cut text at its "N commentaires" line: (article part, comment section, N).

    The header only counts when it opens a thread: followed by the "information" /
    "Cher lecteur ..." preamble, by an ordinal line, or by nothing. The preamble is not
    part of the returned section. Without a header: (text, None, None).
    """
    lines = _Lines(split_lines(text), eager=False)
    raw = lines.raw
    for number, line in enumerate(raw):
        if "omment" not in line and "OMMENT" not in line:  # cheap filter first
            continue
        header = _SECTION_HEADER.fullmatch(lines.content(number))
        if header is None:
            continue
        following = lines.next_content(number + 1)
        if (
            following is not None
            and _PREAMBLE.fullmatch(lines.content(following)) is None
            and not _is_ordinal_line(lines, following)
        ):
            continue
        start = number + 1
        while start < len(raw) and (
            not lines.content(start) or _PREAMBLE.fullmatch(lines.content(start))
        ):
            start += 1
        count = int(re.sub(r"\D", "", header["count"]))
        return "\n".join(raw[:number]), "\n".join(raw[start:]), count
    return "\n".join(raw), None, None


class _Lines:
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


def _is_ordinal_line(lines: _Lines, number: int) -> bool:
    match = _match_ordinal(lines.raw[number])
    return match is not None and _read_ordinal(match, lines, number) is not None


def _match_ordinal(line: str) -> re.Match[str] | None:
    stripped = line.lstrip(" \t\u00a0")
    if not stripped or stripped[0] not in _ORDINAL_START:
        return None
    return _ORDINAL.fullmatch(line)


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
class _Ordinal:
    """What an ordinal line says: its number, and the author or score it may carry."""

    number: int | None
    author: str | None = None
    score: int | None = None


def _read_ordinal(match: re.Match[str], lines: _Lines, number: int) -> _Ordinal | None:
    """Interpret an ordinal-shaped line; None when it is text ("1. Premièrement, ...")."""
    written = int(match["number"]) if match["number"] else None
    # The normalised line is "<digits>. <rest>": its rest is already normalised.
    rest = lines.content(number).partition(".")[2].lstrip()
    if not rest:
        return _Ordinal(written) if written is not None else None
    if _SCORE.fullmatch(rest):
        return _Ordinal(written, score=_parse_score(rest)) if written is not None else None
    online = _ONLINE.search(rest)
    if online is not None:
        return _Ordinal(written, author=rest[: online.start()].strip() or None)
    # A bare name: believe it only when a date or score line follows, as in a header.
    following = lines.next_content(number + 1)
    if following is not None and _is_header_line(lines.content(following)):
        return _Ordinal(written, author=_single_name(rest))
    return None


@dataclass(slots=True)
class _Node:
    """A comment's place in the reply tree while the thread is read."""

    indent: int
    comment_id: str
    last_child: int = 0


@dataclass(slots=True)
class _Draft:
    """A comment read from the text, before its quotes are resolved."""

    comment_id: str
    parent_id: str | None
    depth: int
    author: str | None
    author_handle: str | None
    posted_at: datetime | None
    score: int | None
    lines: list[str] = field(default_factory=list)
    has_citation: bool = False


def _read_thread(lines: _Lines) -> list[_Draft]:
    """Cut the lines into comments and place them in the tree by indentation."""
    drafts: list[_Draft] = []
    stack: list[_Node] = []
    top_last = 0
    body: list[str] | None = None  # text lines of the current comment
    raw, contents = lines.raw, lines.contents
    total = len(raw)
    number = 0
    # The loop body runs once per line of a possibly huge thread: text lines take the
    # short path (one membership test), only ordinal-shaped lines reach the regexes.
    while number < total:
        content = contents[number] or ""
        match = _ORDINAL.fullmatch(raw[number]) if content[:1] in _ORDINAL_START else None
        ordinal = _read_ordinal(match, lines, number) if match is not None else None
        if ordinal is None or match is None:
            if body is not None:
                body.append(content)
                if content[:1] in _CITATION_START and _CITATION.fullmatch(content):
                    drafts[-1].has_citation = True
            number += 1
            continue

        # Siblings may be off by one column (3 spaces instead of 2); a reply is at least
        # two columns deeper than its parent.
        indent = indent_width(match["indent"])  # tabs count as one level
        while stack and stack[-1].indent >= indent - 1:
            stack.pop()
        parent = stack[-1] if stack else None
        last = parent.last_child if parent is not None else top_last
        # Ids must be unique: keep the written ordinal unless it is missing, repeated or
        # going backwards, then count on from the previous sibling.
        written = ordinal.number
        position = written if written is not None and written > last else last + 1
        if parent is not None:
            parent.last_child = position
            comment_id = f"{parent.comment_id}.{position}"
        else:
            top_last = position
            comment_id = str(position)
        stack.append(_Node(indent, comment_id))

        author, score = ordinal.author, ordinal.score
        handle: str | None = None
        posted: datetime | None = None
        number += 1
        # Header lines (date line, score line) in either order, before any text.
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
        body = []
        drafts.append(
            _Draft(
                comment_id=comment_id,
                parent_id=parent.comment_id if parent is not None else None,
                depth=len(stack),
                author=author,
                author_handle=handle,
                posted_at=posted,
                score=score,
                lines=body,
            )
        )
    return drafts


class _PassageIndex:
    """Earlier comments and article paragraphs, searchable for a quoted line.

    Up to _SCAN_LIMIT passages, the passages holding the line's longest word are found
    with a plain substring test on their lower-cased text. Beyond, a word index is built
    (incrementally, on first need) and the line is looked up through its rarest word.
    Either way at most _CANDIDATES passages get the exact comparison, so a lookup costs
    about the same however long the thread is, and a thread without quotes costs nothing.
    """

    def __init__(self) -> None:
        self.sources: list[str] = []  # comment id, or _ARTICLE
        self.authors: list[str] = []  # lower-cased author names
        self.lowered: list[str] = []  # text.lower(), for the substring pre-filter
        self.keys: list[str | None] = []  # " " + match_key(text) + " ", made on demand
        self.postings: dict[str, list[int]] = {}
        self.indexed = 0  # passages already in postings

    def add(self, source: str, author: str | None, text: str) -> None:
        if text.strip():
            self.sources.append(source)
            self.authors.append(author.lower() if author else "")
            self.lowered.append(text.lower())
            self.keys.append(None)

    def _key(self, position: int) -> str:
        key = self.keys[position]
        if key is None:
            key = self.keys[position] = f" {match_key(self.lowered[position])} "
        return key

    def _candidates(self, words: list[str]) -> list[int]:
        """Passages that may hold all of words, newest first, at most _CANDIDATES."""
        total = len(self.sources)
        if total <= _SCAN_LIMIT:
            longest = max(words, key=len)
            lowered = self.lowered
            found: list[int] = []
            for position in range(total - 1, -1, -1):
                if longest in lowered[position]:
                    found.append(position)
                    if len(found) == _CANDIDATES:
                        break
            return found
        for position in range(self.indexed, total):
            for word in set(self._key(position).split()):
                self.postings.setdefault(word, []).append(position)
        self.indexed = total
        rarest: list[int] | None = None
        for word in set(words):
            posting = self.postings.get(word)
            if posting is None:
                return []
            if rarest is None or len(posting) < len(rarest):
                rarest = posting
        return rarest[: -_CANDIDATES - 1 : -1] if rarest is not None else []

    def find(self, line: str) -> list[int]:
        """Positions of passages that contain line (as whole words), newest first."""
        key = match_key(line)
        if not key:
            return []
        needle = f" {key} "
        return [p for p in self._candidates(key.split(" ")) if needle in self._key(p)]


def _choose_comment(
    index: _PassageIndex, positions: list[int], author: str, ancestors: set[str]
) -> str | None:
    """The quoted comment among candidates: same name, else an ancestor, else the newest."""
    comments = [position for position in positions if index.sources[position] != _ARTICLE]
    if not comments:
        return None
    wanted = author.lower()
    if wanted:
        for position in comments:
            if index.authors[position] == wanted:
                return index.sources[position]
    for position in comments:
        if index.sources[position] in ancestors:
            return index.sources[position]
    return index.sources[comments[0]]


def _quote_length(segment: list[str], index: _PassageIndex) -> tuple[int, list[int]]:
    """How many leading non-blank lines of segment are quoted, and where they were found.

    The run stops at the first line that no common source (one comment, or the article)
    holds together with the lines before it.
    """
    content = [line for line in segment if line]
    run = 0
    common: set[str] | None = None
    first_hits: list[int] = []
    for line in content:
        hits = index.find(line)
        sources = {index.sources[position] for position in hits}
        common = sources if common is None else common & sources
        if not common:
            break
        # Keep the positions of the first line that lie in the common source(s).
        first_hits = hits if run == 0 else [p for p in first_hits if index.sources[p] in common]
        run += 1
    if run:
        return run, first_hits
    # Nothing found: the quote is the first paragraph, or the first line when the
    # segment has no blank line at all (so that something is left for the reply).
    if "" in segment:
        return max(1, segment.index("")), []
    return min(1, len(content)), []


def _resolve(draft: _Draft, index: _PassageIndex | None) -> tuple[str, tuple[Quote, ...]]:
    """Split a comment's lines into its reply text and its quotes."""
    if index is None or not draft.has_citation:
        return "\n".join(filter(None, draft.lines)), ()
    reply: list[str] = []
    quotes: list[Quote] = []
    parts = draft.comment_id.split(".")
    ancestors = {".".join(parts[:end]) for end in range(1, len(parts))}
    lines = draft.lines
    number = 0
    while number < len(lines):
        citation = _CITATION.fullmatch(lines[number]) if lines[number] else None
        if citation is None:
            if lines[number]:
                reply.append(lines[number])
            number += 1
            continue
        end = number + 1
        while end < len(lines) and not (lines[end] and _CITATION.fullmatch(lines[end])):
            end += 1
        first, last = number + 1, end
        while first < last and not lines[first]:
            first += 1
        while last > first and not lines[last - 1]:
            last -= 1
        segment = lines[first:last]
        length, hits = _quote_length(segment, index)
        content = [line for line in segment if line]
        author = citation["author"].strip()
        quotes.append(
            Quote(
                author=author,
                text="\n".join(content[:length]),
                comment_id=_choose_comment(index, hits, author, ancestors),
            )
        )
        reply.extend(content[length:])
        number = end
    return "\n".join(reply), tuple(quotes)


def parse_comments(section: str, *, article_text: str = "") -> tuple[Comment, ...]:
    """Parse a comment section (as returned by split_comment_section) into comments.

    Lines before the first ordinal line are ignored. article_text (the article body)
    lets a quote of the article be recognised as such.
    """
    drafts = _read_thread(_Lines(split_lines(strip_zero_width(section))))
    # Only comments before the last quoting one can be quoted: index those only.
    last_quoting = max(
        (number for number, draft in enumerate(drafts) if draft.has_citation), default=-1
    )
    index: _PassageIndex | None = None
    if last_quoting >= 0:
        index = _PassageIndex()
        for paragraph in split_lines(article_text):
            index.add(_ARTICLE, None, paragraph)
    comments: list[Comment] = []
    for number, draft in enumerate(drafts):
        text, quotes = _resolve(draft, index)
        if index is not None and number < last_quoting:
            index.add(draft.comment_id, draft.author, text)
        comments.append(
            Comment(
                comment_id=draft.comment_id,
                parent_id=draft.parent_id,
                depth=draft.depth,
                author=draft.author,
                author_handle=draft.author_handle,
                posted_at=draft.posted_at,
                score=draft.score,
                text=text,
                quotes=quotes,
            )
        )
    return tuple(comments)
