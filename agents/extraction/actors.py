"""Find the actors (people, organisations, states) that a French news text mentions.

Pure functions over the gazetteer's data files (:mod:`agents.extraction.data`): aliases
(matched whatever their case and accents), cased aliases (only with the written case:
"USA" but not the verb "usa"), surnames (counted only in a document that also names the
person in full or by a role: "Sánchez" after "Pedro Sánchez"), role phrases resolved to
the office holder on the article's date ("le Premier ministre israélien"), bare roles
resolved to the state the document is about ("la Première ministre"), places that stand
for an actor in context ("Bruxelles a tranché") and non-mentions (phrases that contain an
alias but name nothing we count: "Washington Post", "accords de Minsk").

Counting follows the "Actors" part of the contract (docs/contract.md) and the annotation
guide (docs/annotation.md): one noun phrase is one mention, the longest name wins ("Paris
Saint-Germain" is the club, not France), a role in apposition to a name counts once for
the person, a state or organisation named inside a role phrase counts for itself as well,
a name followed by its acronym in parentheses is one mention, adjectives and demonyms
never count, and matching is on whole words only.

How: every phrase is a key of one Aho-Corasick automaton that reads the folded text
once (:mod:`agents.extraction.phrases`); at each word start the longest phrase wins.
What a role phrase counts for depends on the words around it
(:mod:`agents.extraction.roles`) and, for surnames and bare roles, on the whole document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from agents.extraction import data
from agents.extraction.entries import Actor, ActorType, Holder, Role, RoleTable
from agents.extraction.folding import fold
from agents.extraction.phrases import Hit, PhraseTable
from agents.extraction.roles import RoleReader
from agents.extraction.surroundings import (
    inside_a_name,
    lower,
    one,
    redefined_acronyms,
)

__all__ = [
    "Actor",
    "ActorType",
    "DocumentMentions",
    "Gazetteer",
    "Holder",
    "Mention",
    "Role",
    "RoleTable",
    "default_gazetteer",
    "fold",
]

_OPEN_PAREN = re.compile(r"[^\S\n]*\([^\S\n]*")
_CLOSE_PAREN = re.compile(r"[^\S\n]*\)")


class Mention(NamedTuple):
    """One counted mention: the actor and the span of text that mentions it."""

    actor: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DocumentMentions:
    """The gazetteer's reading of a document's texts (the article, then each comment)."""

    mentions: list[list[Mention]]
    spans: list[list[tuple[int, int]]] = field(default_factory=list)  # words it decided on

    @property
    def counts(self) -> list[Counter[str]]:
        """Mentions per actor, per text."""
        return [Counter(map(itemgetter(0), found)) for found in self.mentions]


class Gazetteer:
    """The known actors and role phrases, compiled for fast extraction.

    Raises ValueError on inconsistent data: an id twice, one spelling for two meanings,
    a role naming an unknown actor.
    """

    def __init__(
        self,
        actors: Iterable[Actor],
        roles: RoleTable | None = None,
        non_mentions: Iterable[str] = (),
        generated_roles: Iterable[Role] = (),
        demonyms: Mapping[str, str] | None = None,
    ) -> None:
        self._actors: dict[str, Actor] = {}
        self._demonyms = dict(demonyms or {})
        for actor in actors:
            if actor.id in self._actors:
                raise ValueError(f"actor id {actor.id!r} appears twice in the gazetteer")
            self._actors[actor.id] = actor
        self._roles = roles or RoleTable()
        self._phrases = PhraseTable(self._actors, self._roles, non_mentions, generated_roles,
                                    self._demonyms)
        self._reader = RoleReader(self._roles)
        self._not_names = frozenset(self._roles.not_names)

    @classmethod
    def load(cls, path: Path | None = None, roles_path: Path | None = None) -> Gazetteer:
        """The package's gazetteer folder; or, given ``path``, one actors file (and a role
        table) in the format of the folder's parts, or a folder of such files."""
        if path is None or path.is_dir():
            found = data.load(path)
            return cls(found.actors.values(), found.roles, found.non_mentions,
                       found.generated_roles, found.demonyms)
        actors, non_mentions = data.load_actors_file(path)
        roles = (RoleTable.model_validate_json(roles_path.read_text(encoding="utf-8"))
                 if roles_path is not None else RoleTable())
        return cls(actors, roles, non_mentions)

    # -- lookup

    @property
    def actors(self) -> Mapping[str, Actor]:
        """Every known actor, by id."""
        return MappingProxyType(self._actors)

    @property
    def roles(self) -> RoleTable:
        """The role table in use."""
        return self._roles

    @property
    def demonyms(self) -> frozenset[str]:
        """The states' adjectives and demonyms, folded ("roumain", "roumaines"): words
        that are never a name, nor part of one at its start ("le Roumain Dragoș ...")."""
        return frozenset(self._demonyms)

    def get(self, actor_id: str) -> Actor | None:
        """The actor with this id, if known."""
        return self._actors.get(actor_id)

    def lookup(self, name: str) -> str | None:
        """The actor a name is an alias of, if any ("Égypte": ``egypt``)."""
        entry = self._phrases.entry(name)
        if entry is None:
            return None
        if entry.actor is not None and entry.not_after is None:
            return entry.actor
        return next(iter(entry.short_of)) if len(entry.short_of) == 1 else None

    # -- extraction

    def extract(self, text: str, on: date | None = None) -> Counter[str]:
        """Count the mentions of each actor in ``text``, an article of date ``on``.

        ``on`` resolves role phrases to the office holder of that day (default: today).
        """
        return self.document([text], on).counts[0]

    def mentions(self, text: str, on: date | None = None) -> list[Mention]:
        """Every counted mention in ``text``, in order, with its span."""
        return self.document([text], on).mentions[0]

    def spans(self, text: str, on: date | None = None) -> list[tuple[int, int]]:
        """Spans of the phrases the gazetteer decides on in ``text``: mentions, role
        phrases, non-mentions (NER leaves them alone)."""
        return self.document([text], on).spans[0]

    def document(self, texts: Sequence[str], on: date | None = None) -> DocumentMentions:
        """Every counted mention of a document's texts (an article, then its comments),
        read together: a surname counts where the document names its person otherwise,
        and a bare role is the office of the state the document is about."""
        return _Reading(self._phrases, self._reader, self._actors, texts, _day(on),
                        self._not_names).resolve()


class _Reading:
    """One document read by a gazetteer: its hits, then what each counts for."""

    def __init__(
        self,
        phrases: PhraseTable,
        reader: RoleReader,
        actors: Mapping[str, Actor],
        texts: Sequence[str],
        day: date,
        not_names: frozenset[str],
    ) -> None:
        self.phrases = phrases
        self.reader = reader
        self.actors = actors
        self.texts = texts
        self.day = day
        self.not_names = not_names
        hits = phrases.hits_in(texts)
        redefined = redefined_acronyms(texts, hits)
        self.hits = [[h for h in mine if fold(text[h.start:h.end]) not in redefined]
                     for text, mine in zip(texts, hits, strict=True)] if redefined else hits

    def resolve(self) -> DocumentMentions:
        found: list[list[tuple[str, int, int]]] = []
        short: list[list[tuple[Hit, str | None]]] = []  # hit, person named by a role
        bare: list[list[Hit]] = []
        for text, hits in zip(self.texts, self.hits, strict=True):
            mine, mine_short, mine_bare = self._read(text, hits)
            found.append(mine)
            short.append(mine_short)
            bare.append(mine_bare)
        named = {actor for mine in found for actor, _, _ in mine}
        owned: list[list[tuple[int, int]]] = []
        for index, (mine, mine_short) in enumerate(zip(found, short, strict=True)):
            text = self.texts[index]
            for hit, holder in mine_short:
                actor = holder or one(hit.entry.short_of & named)
                if actor is not None and (
                    holder or not inside_a_name(text, hit, self.not_names, self.hits[index])
                ):
                    mine.append((actor, hit.start, hit.end))
            counted = {start for _, start, _ in mine}
            owned.append([(h.start, h.end) for h in self.hits[index]
                          if h.start in counted or h.entry.not_after is not None
                          or not (h.entry.short_of or h.entry.actor)])
        state = ""
        if any(bare):
            focus = self._focus(found)
            state = focus[0] if focus else "france"  # French press: France unless said
        for mine, mine_bare in zip(found, bare, strict=True):
            for hit in mine_bare:
                if hit.entry.of_state:
                    actor = dict(hit.entry.of_state).get(state)
                else:
                    assert hit.entry.office is not None
                    actor = self._bare_holder(hit.entry.office, named, state)
                if actor is not None:
                    mine.append((actor, hit.start, hit.end))
        mentions = [
            _without_parenthesised_repeats(text, sorted(mine, key=itemgetter(1, 2)))
            for text, mine in zip(self.texts, found, strict=True)
        ]
        return DocumentMentions(mentions, owned)

    def _read(
        self, text: str, hits: list[Hit]
    ) -> tuple[list[tuple[str, int, int]], list[tuple[Hit, str | None]], list[Hit]]:
        """One text's mentions that need nothing else, its short forms (with the person a
        role in apposition names) and its bare roles, both resolved with the document."""
        day, lowered = self.day, lower(text)
        mine: list[tuple[str, int, int]] = []
        short: list[tuple[Hit, str | None]] = []
        bare: list[Hit] = []
        for index, hit in enumerate(hits):
            entry = hit.entry
            if entry.short_of:
                short.append((hit, self.reader.apposed_holder(lowered, hits, index, day)))
            elif entry.not_after is not None:
                if not entry.not_after.search(lowered, max(0, hit.start - 30), hit.start):
                    mine.append((entry.actor or "", hit.start, hit.end))
            elif entry.actor is not None:
                if not inside_a_name(text, hit, self.not_names, hits):
                    mine.append((entry.actor, hit.start, hit.end))
            elif entry.of_state:
                bare.append(hit)
            elif entry.role is not None or entry.office is not None:
                person = self.reader.person(text, lowered, hits, index, day)
                if person == "":
                    bare.append(hit)
                elif person is not None:
                    mine.append((person, hit.start, hit.end))
                mine.extend((actor_id, hit.start, hit.end) for actor_id in entry.also)
        return mine, short, bare

    def _focus(self, found: list[list[tuple[str, int, int]]]) -> list[str]:
        """The states the document talks about, most first: those it names (thrice in the
        article, once in a comment), those its adjectives and office holders stand for
        (once: "espagnol", Pedro Sánchez)."""
        actors = self.actors
        serving = self.phrases.holder_states(self.day)
        counts: Counter[str] = Counter(
            state for state in self.phrases.adjective_states(self.texts) if state in actors)
        for weight, mine in zip((3, *[1] * (len(found) - 1)), found, strict=True):
            for actor_id, _, _ in mine:
                actor = actors.get(actor_id)
                if actor is None:
                    continue
                if actor.type == "country":
                    counts[actor_id] += weight
                elif actor_id in serving and actors.get(serving[actor_id], actor).type == (
                        "country"):
                    counts[serving[actor_id]] += 1
        return [actor_id for actor_id, _ in counts.most_common()]

    def _bare_holder(self, office: str, named: set[str], state: str) -> str | None:
        """The holder a bare role names: one the document names, else that of the state
        it talks about most."""
        holders = self.phrases.office_holders(office, self.day)
        among = [holder for holder in holders.values() if holder in named]
        if len(among) == 1:
            return among[0]
        holder = holders.get(state)
        return holder if holder is not None and (not among or holder in among) else None


def _without_parenthesised_repeats(
    text: str, found: list[tuple[str, int, int]]
) -> list[Mention]:
    """Mentions, a name followed by its acronym in parentheses counted once: "le
    Rassemblement national (RN)", "l'OMC (Organisation mondiale du commerce)"."""
    if "(" not in text:
        return [Mention(*item) for item in found]
    kept: list[Mention] = []
    for actor, start, end in found:
        if kept and kept[-1].actor == actor:
            gap = _OPEN_PAREN.fullmatch(text, kept[-1].end, start)
            if gap is not None and _CLOSE_PAREN.match(text, end):
                continue
        kept.append(Mention(actor, start, end))
    return kept


def _day(on: date | None) -> date:
    if on is None:
        return date.today()
    # A datetime is a date, but does not compare with one.
    return on.date() if isinstance(on, datetime) else on


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer and role table shipped with the package, loaded once."""
    return Gazetteer.load()
