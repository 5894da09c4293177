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
        keys = []
        for phrase, value in phrases:
            if phrase:
                self._automaton.add_word(" " + phrase, (len(phrase) + 1, value, False))
                keys.append(phrase)
                self._size += 1
        self._longest = max(map(len, keys), default=0) + 2
        if self._size:
            # A phrase whose end can begin a longer phrase ("le pape" and "pape François")
            # may lose to it: where one is found, the overlaps are resolved in full.
            starts = {" ".join(words[:count]) for words in map(str.split, keys)
                      for count in range(1, len(words))}
            for phrase in keys:
                words = phrase.split()
                if any(" ".join(words[index:]) in starts for index in range(1, len(words))):
                    length, value, _ = self._automaton.get(" " + phrase)
                    self._automaton.add_word(" " + phrase, (length, value, True))
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return self._size

    def find(self, scanned: Scan) -> list[Found[T]]:
        """Whole-word phrases of ``scanned``, the longest first, then the leftmost, without
        overlaps, with their spans in the original text.

        The automaton reads leftmost-longest, in C; a phrase found that ends inside a
        longer word is not one. Where a phrase found could lose to a longer one that
        starts inside it, that stretch is read again with every phrase it holds.
        """
        if not self._size:
            return []
        text = scanned.text
        last = len(text) - 1
        chosen: list[tuple[int, int, T]] = []
        recheck = False
        for end, (length, value, overlaps) in self._automaton.iter_long(text):
            after = end + 1
            if after <= last and text[after].isalnum():
                continue  # inside a longer word
            chosen.append((after - length, after, value))
            recheck = recheck or (overlaps and self._overtaken(text, after - length, after))
        if recheck:
            chosen = self._longest_first(text)
        original = scanned.original
        # ``start`` is the space in front of the phrase.
        return [Found(original(start + 1), original(end - 1) + 1, value)
                for start, end, value in chosen]

    def _overtaken(self, text: str, start: int, end: int) -> bool:
        """Whether a longer phrase than ``text[start:end]`` starts inside it and ends
        beyond it ("le pape François": "pape François" overtakes "le pape")."""
        word = text.find(" ", start + 1, end)
        while word != -1:
            for found_end, (length, _, _) in self._automaton.iter_long(
                text, word, min(len(text), word + self._longest)
            ):
                if found_end + 1 - length == word and found_end + 1 > end and (
                        length > end - start):
                    return True
                break
            word = text.find(" ", word + 1, end)
        return False

    def _longest_first(self, text: str) -> list[tuple[int, int, T]]:
        """Every whole-word phrase of ``text``, overlaps resolved longest first."""
        last = len(text) - 1
        best: dict[int, tuple[int, T]] = {}  # start -> (end, value) of its longest phrase
        for end, (length, value, _) in self._automaton.iter(text):
            after = end + 1
            if after <= last and text[after].isalnum():
                continue
            start = after - length
            known = best.get(start)
            if known is None or known[0] < after:
                best[start] = (after, value)
        chosen: list[tuple[int, int, T]] = []  # sorted by start, not overlapping
        for start, (end, value) in sorted(best.items(),
                                          key=lambda item: (item[0] - item[1][0], item[0])):
            at = bisect_left(chosen, (start, start))
            if (at and chosen[at - 1][1] > start) or (at < len(chosen) and chosen[at][0] < end):
                continue
            chosen.insert(at, (start, end, value))
        return chosen
