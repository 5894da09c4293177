"""Find known phrases in a text in one pass: an Aho-Corasick automaton over folded text.

Every phrase (an alias, a role wording, a non-mention) is added in its folded form with a
space in front, so a match always starts at a word. The automaton reports every phrase
that ends at each position; :meth:`PhraseMatcher.find` keeps those that end at a word's
end and resolves overlaps the way a reader does: the longest phrase wins ("Paris
Saint-Germain", not "Paris"; "le secrétaire général de l'OTAN", not "l'OTAN"; "le pape
François" is "pape François", not the role "le pape"), then the leftmost.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import Generic, NamedTuple, TypeVar

import ahocorasick

from agents.extraction.folding import Scan

__all__ = ["Found", "PhraseMatcher"]

T = TypeVar("T")


class Found(NamedTuple, Generic[T]):
    """A phrase found: its span in the original text and what it stands for."""

    start: int
    end: int
    value: T


class PhraseMatcher(Generic[T]):
    """Phrases (folded keys) and what each stands for, compiled once."""

    def __init__(self, phrases: Iterable[tuple[str, T]]) -> None:
        self._automaton = ahocorasick.Automaton()
        self._size = 0
        for phrase, value in phrases:
            if phrase:
                self._automaton.add_word(" " + phrase, (len(phrase) + 1, value))
                self._size += 1
        if self._size:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return self._size

    def find(self, scanned: Scan) -> list[Found[T]]:
        """Whole-word phrases of ``scanned``, leftmost-longest, without overlaps, with
        their spans in the original text."""
        if not self._size:
            return []
        text = scanned.text
        last = len(text) - 1
        best: dict[int, tuple[int, T]] = {}  # start -> (end, value) of its longest phrase
        for end, (length, value) in self._automaton.iter(text):
            after = end + 1
            if after <= last and text[after].isalnum():
                continue  # inside a longer word
            start = after - length
            known = best.get(start)
            if known is None or known[0] < after:
                best[start] = (after, value)
        chosen: list[tuple[int, int]] = []  # (start, end), sorted by start, not overlapping
        for start, (end, _) in sorted(best.items(), key=lambda item: (item[0] - item[1][0],
                                                                       item[0])):
            at = bisect_left(chosen, (start, start))
            if (at and chosen[at - 1][1] > start) or (at < len(chosen) and chosen[at][0] < end):
                continue
            chosen.insert(at, (start, end))
        # ``start`` is the space in front of the phrase.
        return [Found(scanned.original(start + 1), scanned.original(end - 1) + 1,
                      best[start][1]) for start, end in chosen]
