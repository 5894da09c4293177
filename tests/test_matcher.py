"""The phrase automaton and the folded text it reads."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agents.extraction.folding import fold, key, scan
from agents.extraction.matcher import PhraseMatcher

PHRASES = ["otan", "etats unis", "paris", "paris saint germain", "le pape", "pape francois",
           "union", "union europeenne"]


def found(text: str, phrases: list[str] = PHRASES) -> list[str]:
    matcher = PhraseMatcher((phrase, phrase) for phrase in phrases)
    return [text[start:end] for start, end, _ in matcher.find(scan(text))]


def test_case_accents_and_separators_are_folded_offsets_are_kept() -> None:
    text = "L’OTAN et les États–Unis,\n\nl'Otan ; Etats - Unis"
    assert found(text) == ["OTAN", "États–Unis", "Otan", "Etats - Unis"]


def test_whole_words_only() -> None:
    assert found("l'unionisme et les otanophiles") == []
    # At one start the longest phrase is read; if it goes on into a longer word, there
    # is no phrase there (a shorter one is not tried: "Union européennes" is no name).
    assert found("L'Union européennes") == []


def test_the_longest_phrase_wins_even_when_it_starts_later() -> None:
    assert found("le Paris Saint-Germain") == ["Paris Saint-Germain"]
    assert found("Le pape François et le pape") == ["pape François", "le pape"]


def test_no_phrase_spans_two_texts_read_together() -> None:
    assert found("les États\n\x00\nUnis") == []


WORDS = st.sampled_from(["OTAN", "Paris", "paris", "États", "Unis", "Union", "européenne",
                         "le", "pape", "François", "Saint", "Germain", "Müller", "İstanbul"])
SEPARATORS = st.sampled_from([" ", "  ", "-", " – ", "’", "\n\n", " « ", "\t", ", "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(WORDS, SEPARATORS), min_size=1, max_size=30))
def test_every_span_found_is_the_phrase_in_the_original_text(
    pieces: list[tuple[str, str]]
) -> None:
    text = "".join(word + sep for word, sep in pieces)
    matcher = PhraseMatcher((phrase, phrase) for phrase in PHRASES)
    for start, end, phrase in matcher.find(scan(text)):
        assert key(text[start:end]) == phrase
        assert start == 0 or not text[start - 1].isalnum()
        assert end == len(text) or not text[end].isalnum()


def test_fold_keeps_one_character_for_one() -> None:
    for text in ("İstanbul", "ﬁn", "Œuvre…", "Пекин"):
        assert len(fold(text)) == len(text)
        assert len(scan(text).text) == len(text) + 1
