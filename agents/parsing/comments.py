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

The pieces live next door: the ordinal and header lines in comment_headers, the reply
tree in comment_thread, quote matching in quotes; this module ties them together.
"""

from __future__ import annotations

import re

from agents.parsing.comment_headers import ThreadLines, is_ordinal_line
from agents.parsing.comment_thread import read_thread
from agents.parsing.models import Comment
from agents.parsing.quotes import ARTICLE, PassageIndex, resolve_quotes
from agents.parsing.text import split_lines, strip_zero_width

# "8 commentaires", "1 commentaire", "1 204 commentaires" (the line is normalised, so a
# no-break thousands separator is a plain space by then).
_SECTION_HEADER = re.compile(
    r"(?P<count>\d{1,3}(?: \d{3}){1,2}|\d{1,9}) commentaires?", re.IGNORECASE
)
_PREAMBLE = re.compile(r"information|cher lecteur\b.*", re.IGNORECASE)


def split_comment_section(text: str) -> tuple[str, str | None, int | None]:
    """Cut text at its "N commentaires" line: (article part, comment section, N).

    The header only counts when it opens a thread: followed by the "information" /
    "Cher lecteur ..." preamble, by an ordinal line, or by nothing. The preamble is not
    part of the returned section. Without a header: (text, None, None).
    """
    lines = ThreadLines(split_lines(text), eager=False)
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
            and not is_ordinal_line(lines, following)
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


def parse_comments(section: str, *, article_text: str = "") -> tuple[Comment, ...]:
    """Parse a comment section (as returned by split_comment_section) into comments.

    Lines before the first ordinal line are ignored. article_text (the article body)
    lets a quote of the article be recognised as such.
    """
    drafts = read_thread(ThreadLines(split_lines(strip_zero_width(section))))
    # Only comments before the last quoting one can be quoted: index those only.
    last_quoting = max(
        (number for number, draft in enumerate(drafts) if draft.has_citation), default=-1
    )
    index: PassageIndex | None = None
    if last_quoting >= 0:
        index = PassageIndex()
        for paragraph in split_lines(article_text):
            index.add(ARTICLE, None, paragraph)
    comments: list[Comment] = []
    for number, draft in enumerate(drafts):
        text, quotes = resolve_quotes(draft, index)
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
