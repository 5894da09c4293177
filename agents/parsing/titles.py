"""Sentences and titles: the first-sentence cut, the headline test, the derived title."""

from __future__ import annotations

import re

TITLE_MAX = 200
HEADLINE_MAX = 250
# A headline directly followed by text (no blank line) must be clearly shorter.
_BARE_HEADLINE_MAX = 150

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


def is_headline(line: str, followed_by_blank: bool, next_line: str | None) -> bool:
    """True when the first body line reads as a headline (see the article module)."""
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
