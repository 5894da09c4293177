"""What the text around a gazetteer hit says: the words next to it, an acronym the
document defines for something else, a hit inside a longer name, a repeat in brackets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from agents.extraction.folding import fold
from agents.extraction.phrases import Hit

_DEFINED = re.compile(r"\(\s*([A-Z][A-Z0-9&]{1,11})\s*\)")


def redefined_acronyms(texts: Sequence[str], hits: Sequence[list[Hit]]) -> set[str]:
    """Acronyms the document defines as something else than the gazetteer says: "le
    Bureau d'enquête sur la corruption (CIO)" is not the Olympic committee there."""
    redefined = set()
    for text, mine in zip(texts, hits, strict=True):
        if "(" not in text:
            continue
        starts = {hit.start: index for index, hit in enumerate(mine)}
        for match in _DEFINED.finditer(text):
            index = starts.get(match.start(1))
            if index is None or mine[index].end != match.end(1) or mine[index].entry.actor is None:
                continue
            before = mine[index - 1] if index else None
            if (before is None or before.entry.actor != mine[index].entry.actor
                    or text[before.end:match.start()].strip()):
                redefined.add(fold(match.group(1)))
    return redefined


def inside_a_name(
    text: str, hit: Hit, not_names: frozenset[str], others: Sequence[Hit] = ()
) -> bool:
    """Whether one capitalised word the gazetteer knows is part of a longer name it does
    not know: "Martin" in "Jean Martin", "Israël" in "Stéphane Israël", "Wagner" in
    "Wagner Moura", "Biden" in "Jill Biden". Titles and sentence openers ("M.",
    "Président", "Selon") are not names (``not_names``), nor is a word that ends a
    sentence or starts another known name (``others``: "du Kremlin Iouri Ouchakov")."""
    start, end = hit.start, hit.end
    word = text[start:end]
    if " " in word or word.isupper() or not word[:1].isupper():
        return False
    if start > 1 and text[start - 1] in _BLANKS:  # most words before a name are lowercase
        space = text.rfind(" ", max(0, start - 40), start - 1)
        if text[space + 1 if space >= 0 else max(0, start - 40)].isupper():
            before = word_before(text, start)
            if (
                before is not None
                and is_name_word(text[before[0] : before[1]], not_names)
                and not any(other.end == before[1] for other in others)
            ):
                return True
    if end + 1 < len(text) and text[end] in _BLANKS and text[end + 1].isupper():
        after = word_after(text, end)
        return (
            after is not None
            and is_name_word(text[after[0] : after[1]], not_names)
            and not any(other.start == after[0] for other in others)
        )
    return False


_BLANKS = " \t\u00a0\u202f"
_IN_WORD = "'’-."


def word_before(text: str, start: int) -> tuple[int, int] | None:
    """The span of the word before ``start``, across spaces on the same line only."""
    index = start - 1
    if index < 0 or text[index] not in _BLANKS:
        return None
    while index >= 0 and text[index] in _BLANKS:
        index -= 1
    end = index + 1
    while index >= 0 and (text[index].isalnum() or text[index] in _IN_WORD):
        index -= 1
    return (index + 1, end) if end > index + 1 else None


def word_after(text: str, end: int) -> tuple[int, int] | None:
    """The span of the word after ``end``, across spaces on the same line only."""
    index, last = end, len(text)
    if index >= last or text[index] not in _BLANKS:
        return None
    while index < last and text[index] in _BLANKS:
        index += 1
    start = index
    while index < last and (text[index].isalnum() or text[index] in "'’-"):
        index += 1
    return (start, index) if index > start else None


def is_name_word(word: str, not_names: frozenset[str]) -> bool:
    if word.endswith(".") and len(word) > 2:  # "... à Washington. Biden a dit"
        return False
    return word[0].isalpha() and word[0].isupper() and not word.isupper() and (
        word not in not_names)


def one(ids: Iterable[str]) -> str | None:
    found = list(ids)
    return found[0] if len(found) == 1 else None


def lower(text: str) -> str:
    """``text`` lowercased, one character for one, so that offsets stay aligned."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)  # "İ" -> 2 chars
