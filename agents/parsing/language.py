"""Guess an article's language (French, English or undetermined) from its stop words."""

from __future__ import annotations

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
LANGUAGE_SAMPLE = 2000  # characters (~300 words): enough to decide, cheap on huge files


def guess_language(text: str) -> str:
    """ "fr", "en" or "und", from the share of French and English stop words."""
    # Punctuation stays glued to some words ("Russie,"); stop words are rarely affected,
    # and str.split is much cheaper than a word regex.
    sample = text[:LANGUAGE_SAMPLE].casefold().split()
    french = sum(map(_FR_STOPWORDS.__contains__, sample))
    english = sum(map(_EN_STOPWORDS.__contains__, sample))
    if french >= 3 and french > 1.5 * english:
        return "fr"
    if english >= 3 and english > 1.5 * french:
        return "en"
    return "und"
