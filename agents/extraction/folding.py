"""How names are compared: case, accents and punctuation folded away.

Machine translation mixes typographic and typewriter punctuation ("l’OTAN" and
"l'OTAN", "États–Unis" and "Etats-Unis") and drops accents now and then ("Pekin"). Names
are therefore matched on a folded form: lowercase, without accents, with apostrophes,
dashes, quotes and line breaks turned into spaces. Folding keeps one character for one,
so that a match in the folded text has the same offsets in the original; only runs of
several separators are shortened, and :class:`Scan` maps positions back.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

__all__ = ["SEPARATORS", "Scan", "fold", "key", "scan", "shape", "spelling"]

APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4\u2032"
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c != " ")
# Characters that separate words: each becomes a space. The full stop is not one, as
# names contain it ("U.S.A."); a name is a whole word when no letter or digit follows.
SEPARATORS = APOSTROPHES + DASHES + _WHITESPACE + '"([{«“„‹/)]}»”›'
_TO_SPACE = str.maketrans(dict.fromkeys(SEPARATORS, " "))
_SPACES = re.compile(" +")
_RUNS = re.compile(" {2,}")


@lru_cache(maxsize=8192)
def _strip_char(ch: str) -> str:
    """``ch`` without its accents; always one character."""
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    # Keep offsets aligned: a character that decomposes into several ("…", "ﬁ") stays.
    return base if len(base) == 1 else ch


# Latin letters that Unicode does not decompose: folded to the letter they read as, so that
# text and names compare ("Łukasz", "Øresund", "cœur") and French stays Latin-1.
_NARROW = {"œ": "o", "æ": "a", "ß": "s", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "t",
           "ı": "i", "ŀ": "l", "ħ": "h", "ŧ": "t", "ĸ": "k", "ŋ": "n", "ſ": "s"}


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    low = _strip_char(ch).lower()
    low = low if len(low) == 1 else _strip_char(ch)
    return _NARROW.get(low, low)


def fold(text: str) -> str:
    """Lowercase ``text`` and drop its accents, one character for one."""
    return "".join(map(_fold_char, text))


def spelling(text: str) -> str:
    """A phrase as written, lowercased, separators as single spaces (accents kept)."""
    lowered = text.lower() if len(text.lower()) == len(text) else fold(text)
    return _SPACES.sub(" ", lowered.translate(_TO_SPACE)).strip()


def key(text: str) -> str:
    """The folded form under which a phrase and all its spellings are looked up."""
    return fold(spelling(text))


def shape(text: str) -> str:
    """Like :func:`key` but keeping the letter case (for names matched with their case)."""
    stripped = "".join(map(_strip_char, text))
    return _SPACES.sub(" ", stripped.translate(_TO_SPACE)).strip()


@lru_cache(maxsize=4096)
def _scan_char(ch: str) -> str:
    """How the phrase matcher sees one character: a separator is a space."""
    return " " if ch in SEPARATORS else _fold_char(ch)


# How :func:`scan` folds Latin-1 text: one byte for one, in C.
_LATIN = bytes(
    ord(folded) if ord(folded := _scan_char(chr(code))) < 256 else code for code in range(256)
)



def _wide(code: int) -> str:
    """How :func:`scan` sees a character beyond Latin-1: its fold, or, for a sign without
    a Latin-1 form ("…", "€"), a full stop (never part of a word)."""
    ch = _scan_char(chr(code))
    return ch if ord(ch) < 256 or ch.isalnum() else "."


_WIDE = {code: _wide(code) for code in range(256, 0x3000) if _wide(code) != chr(code)}
_ALL = {**{code: chr(_LATIN[code]) for code in range(256) if _LATIN[code] != code}, **_WIDE}


@dataclass(frozen=True, slots=True)
class Scan:
    """A text as the phrase matcher reads it: folded, one space before every word.

    ``text`` is a space followed by the folded text, runs of separators shortened to one
    space. :meth:`original` maps a position of ``text`` back to the original text.
    """

    text: str
    _cuts: tuple[int, ...]  # positions of ``text`` after which characters were removed
    _removed: tuple[int, ...]  # how many had been removed up to each cut, cumulated

    def original(self, position: int) -> int:
        """The position in the original text of position ``position`` of ``text``."""
        index = bisect_right(self._cuts, position)
        return position - 1 + (self._removed[index - 1] if index else 0)


def scan(text: str) -> Scan:
    """Fold ``text`` for the phrase matcher (see :class:`Scan`).

    French text is Latin-1 but for a few characters (’ – « œ …): those are replaced one
    by one, then the rest is folded as bytes, in C. Text with more of them (Cyrillic,
    Polish) takes a slower path, one lookup a character.
    """
    folded = text.lower()
    if len(folded) != len(text):  # "İ" lowercases to two characters
        folded = fold(text)
    for _ in range(8):
        try:
            raw = folded.encode("latin-1")
        except UnicodeEncodeError as error:
            ch = folded[error.start]
            folded = folded.replace(ch, _WIDE.get(ord(ch), ch))
            if ord(folded[error.start]) > 255:  # a letter without a Latin-1 form
                folded = folded.translate(_ALL)
                break
        else:
            folded = raw.translate(_LATIN).decode("latin-1")
            break
    else:
        folded = folded.translate(_ALL)
    if "  " not in folded:
        return Scan(" " + folded, (), ())
    spans = [run.span() for run in _RUNS.finditer(folded)]
    removed = tuple(accumulate(end - start - 1 for start, end in spans))
    # A cut: the first character after a run, in the shortened text after its leading space.
    cuts = tuple(end - total + 1 for (_, end), total in zip(spans, removed, strict=True))
    return Scan(" " + _RUNS.sub(" ", folded), cuts, removed)
