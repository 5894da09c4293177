"""Resolve the quotes in comments: where each quoted passage ends and whom it quotes.

The passage is the longest run of leading lines that one earlier comment (or the
article) holds; the quote links to a comment holding it, preferring the quoted name,
then an ancestor, then the newest. A quoted line is compared with a bounded number of
earlier passages only, so the work stays linear in the length of the thread.
"""

from __future__ import annotations

from agents.parsing.comment_headers import CITATION
from agents.parsing.comment_thread import Draft
from agents.parsing.models import Quote
from agents.parsing.text import match_key

# A quoted line is compared with at most this many earlier passages, newest first, that
# hold its longest word (small threads) or its rarest word (word index, large threads).
# It bounds the work per quoted line, which keeps huge threads linear.
_CANDIDATES = 64
# Up to this many passages, scanning them with a substring test beats building an index.
_SCAN_LIMIT = 256
ARTICLE = "\0article"  # source identity of every article paragraph


class PassageIndex:
    """Earlier comments and article paragraphs, searchable for a quoted line.

    Up to _SCAN_LIMIT passages, the passages holding the line's longest word are found
    with a plain substring test on their lower-cased text. Beyond, a word index is built
    (incrementally, on first need) and the line is looked up through its rarest word.
    Either way at most _CANDIDATES passages get the exact comparison, so a lookup costs
    about the same however long the thread is, and a thread without quotes costs nothing.
    """

    def __init__(self) -> None:
        self.sources: list[str] = []  # comment id, or ARTICLE
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
    index: PassageIndex, positions: list[int], author: str, ancestors: set[str]
) -> str | None:
    """The quoted comment among candidates: same name, else an ancestor, else the newest."""
    comments = [position for position in positions if index.sources[position] != ARTICLE]
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


def _quote_length(segment: list[str], index: PassageIndex) -> tuple[int, list[int]]:
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


def resolve_quotes(draft: Draft, index: PassageIndex | None) -> tuple[str, tuple[Quote, ...]]:
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
        citation = CITATION.fullmatch(lines[number]) if lines[number] else None
        if citation is None:
            if lines[number]:
                reply.append(lines[number])
            number += 1
            continue
        end = number + 1
        while end < len(lines) and not (lines[end] and CITATION.fullmatch(lines[end])):
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
