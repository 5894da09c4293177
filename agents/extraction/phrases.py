"""The gazetteer's phrases compiled into one automaton, and what each phrase stands for.

Every alias, surname, role wording, bare role, metonym and non-mention becomes a folded
key of one :class:`~agents.extraction.matcher.PhraseMatcher`; :meth:`PhraseTable.hits`
reads a text once and returns the phrases found, leftmost-longest, with what each stands
for (an :class:`Entry`). Deciding what a hit counts for in its document is
:mod:`agents.extraction.actors`' job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from agents.extraction.entries import Actor, BareName, BareRole, Metonym, Role, RoleTable
from agents.extraction.folding import APOSTROPHES, DASHES, fold, key, scan, shape
from agents.extraction.matcher import PhraseMatcher

__all__ = ["NON_MENTION", "Entry", "Hit", "PhraseTable", "alternation"]

# Between the texts of a document read in one pass: no phrase spans it.
_BETWEEN = "\n\x00\n"


@dataclass(frozen=True, slots=True)
class Entry:
    """What a matched phrase stands for."""

    actor: str | None = None  # an alias: its actor; nothing set: a non-mention
    person: bool = False
    cased: frozenset[str] | None = None  # a cased alias: the shapes it may take
    short_of: frozenset[str] = frozenset()  # a short form: the actors it may name
    role: Role | None = None
    also: tuple[str, ...] = ()  # a role wording: the actors it names, counted with it
    holders: frozenset[str] = frozenset()
    office: str | None = None  # a bare role: the office, of the document's state
    of_state: tuple[tuple[str, str], ...] = ()  # a bare name: state -> the actor it is
    not_after: re.Pattern[str] | None = None  # a metonym: the words that make it a place


NON_MENTION = Entry()


class Hit(NamedTuple):
    start: int
    end: int
    entry: Entry


# --------------------------------------------------------------------------- URLs

# URLs, domains and e-mail addresses are not mentions ("Photos utilisées: kremlin.ru").
_URL_TOKEN = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)\S*"
    r"|\S*@\S*"
    r"|[\w.-]+\.(?:ru|com|org|net|fr|ua|de|uk|eu|int|gov|info|io|tv|by|cn|news|ch|be)(?:/\S*)?"
)
_TOKEN_EDGE = "\"'«»“”‘’()[]{}<>,;:!?."
_TOKEN_END = re.compile(r"\S*")


def _token_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the whitespace-delimited token around ``text[start:end]``."""
    left = start
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    match = _TOKEN_END.match(text, end)
    return left, match.end() if match else end


def _is_url(token: str) -> bool:
    """Whether a whitespace-delimited token is a URL, a domain or an e-mail address."""
    token = token.strip(_TOKEN_EDGE)
    return bool(token) and _URL_TOKEN.fullmatch(token) is not None


# --------------------------------------------------------------------------- helpers

_JOIN_UNIT = "[" + re.escape(APOSTROPHES + DASHES) + r"\s]+"


def alternation(phrases: Iterable[str]) -> str:
    """A small regex alternation of ``phrases`` for lowercased text, accents optional."""
    keys = sorted({key(p) for p in phrases if p.strip()}, key=len, reverse=True)
    alternatives = (
        "".join(_JOIN_UNIT if ch == " " else _letter(ch) for ch in k) for k in keys
    )
    return "|".join(alternatives) or "(?!)"


def _letter(ch: str) -> str:
    return _letter_classes().get(ch, re.escape(ch))


@lru_cache(maxsize=1)
def _letter_classes() -> dict[str, str]:
    """For each base letter, a regex class of its lowercase accented forms ("[eéèêë…]")."""
    variants: dict[str, set[str]] = {}
    for lo, hi in ((0x00C0, 0x0250), (0x0400, 0x0500), (0x1E00, 0x1F00)):
        for code in range(lo, hi):
            ch = chr(code).lower()
            base = fold(ch)
            if len(ch) == 1 and base != ch and base.isalpha():
                variants.setdefault(base, {base}).add(ch)
    return {base: "[" + "".join(sorted(chars)) + "]" for base, chars in variants.items()}


def _article_forms(phrase_key: str, *, optional: bool) -> list[str]:
    """A folded phrase with its leading definite article in every form French contracts
    it into ("le bloc": "du bloc", "au bloc"), and without it when ``optional``."""
    for article, forms in (
        ("le ", ("le ", "du ", "au ")),
        ("les ", ("les ", "des ", "aux ")),
        ("la ", ("la ",)),
        ("l ", ("l ",)),
    ):
        if phrase_key.startswith(article):
            rest = phrase_key[len(article) :]
            return [form + rest for form in forms] + ([rest] if optional else [])
    return [phrase_key]


# --------------------------------------------------------------------------- table


class PhraseTable:
    """Every phrase of the gazetteer, compiled; the offices and their holders.

    Raises ValueError on inconsistent data: one spelling for two meanings, a role naming
    an unknown actor.
    """

    def __init__(
        self,
        actors: Mapping[str, Actor],
        roles: RoleTable,
        non_mentions: Iterable[str] = (),
        generated_roles: Iterable[Role] = (),
        demonyms: Mapping[str, str] | None = None,
    ) -> None:
        self._actors = actors
        self._roles = roles
        self._entries: dict[str, Entry] = {}
        self._origins: dict[str, str] = {}
        self._weak: set[str] = set()
        self._add_aliases()
        self._add_surnames()
        for phrase in non_mentions:
            for form in _article_forms(key(phrase), optional=False):
                self._add(form, NON_MENTION, f"non-mention {phrase!r}", weak=True)
        self._offices: dict[str, list[Role]] = {}
        self._holder_states: dict[date, dict[str, str]] = {}
        self._add_roles([*self._roles.roles, *generated_roles])
        self._add_bare_roles(self._roles.bare_roles)
        self._add_bare_names(self._roles.bare_names)
        self._add_metonyms(self._roles.metonyms)
        # The states' adjectives, read only for a document that needs to know which state
        # it is about (a bare role or name): a matcher of their own.
        self._adjectives = PhraseMatcher(
            (form, state) for form, state in (demonyms or {}).items()
            if form not in self._entries
        )
        self._matcher = PhraseMatcher(self._entries.items())


    def _add(
        self, phrase_key: str, entry: Entry, origin: str, *, weak: bool = False,
        replace: bool = False,
    ) -> None:
        """Register a folded phrase. A ``weak`` one (a non-mention, a generated role
        wording) gives way to anything else spelled the same; ``replace`` overrides."""
        known = self._entries.get(phrase_key)
        if known is not None and known != entry and not replace:
            if weak:
                return
            if phrase_key not in self._weak:
                raise ValueError(f"{origin} is spelled like {self._origins[phrase_key]}"
                                 f" ({phrase_key!r})")
        if known is None or known != entry or replace:
            self._origins[phrase_key] = origin
            if weak:
                self._weak.add(phrase_key)
            else:
                self._weak.discard(phrase_key)
        self._entries[phrase_key] = entry

    def _add_aliases(self) -> None:
        for actor in self._actors.values():
            person = actor.type == "person"
            origin = f"an alias of {actor.id!r}"
            entry = Entry(actor=actor.id, person=person)
            uncased = set()
            for alias in actor.aliases:
                for form in _article_forms(key(alias), optional=False):
                    self._add(form, entry, origin)
                    uncased.add(form)
            shapes: dict[str, set[str]] = {}
            for alias in actor.cased_aliases:
                shapes.setdefault(key(alias), set()).add(shape(alias))
            for phrase_key, forms in shapes.items():
                if phrase_key not in uncased:  # else it matches in any case anyway
                    cased = Entry(actor=actor.id, person=person, cased=frozenset(forms))
                    self._add(phrase_key, cased, origin)

    def _add_surnames(self) -> None:
        """Short forms (a surname, "l'Alliance") that name an actor only where the
        document names it otherwise; one may be several people's ("Fernández")."""
        owners: dict[str, set[str]] = {}
        for actor in self._actors.values():
            for form in (*actor.surnames, *actor.short_forms):
                for phrase_key in _article_forms(key(form), optional=False):
                    owners.setdefault(phrase_key, set()).add(actor.id)
        for phrase_key, ids in owners.items():
            if phrase_key in self._entries:
                continue  # an alias, which counts anywhere, wins
            person = all(self._actors[i].type == "person" for i in ids)
            self._add(phrase_key, Entry(person=person, short_of=frozenset(ids)),
                      f"a short form of {sorted(ids)}")

    def _add_roles(self, roles: Iterable[Role]) -> None:
        for role in roles:
            for actor_id in [h.actor for h in role.holders] + list(role.also):
                if actor_id not in self._actors:
                    raise ValueError(f"role {role.phrase!r} names unknown actor {actor_id!r}")
            if role.office is not None:
                self._offices.setdefault(role.office, []).append(role)
            holders = frozenset(h.actor for h in role.holders)
            generated = role.of is not None
            for wording in (role.phrase, *role.variants):
                also = tuple(dict.fromkeys([*role.also, *self._named_in(wording)]))
                entry = Entry(role=role, also=also, holders=holders)
                for form in _article_forms(key(wording), optional=True):
                    self._add(form, entry, f"role {wording!r}", weak=generated)

    def _add_bare_roles(self, bare: Iterable[BareRole]) -> None:
        for role in bare:
            holders = frozenset(
                h.actor for office in self._offices.get(role.office, ()) for h in office.holders
            )
            entry = Entry(office=role.office, holders=holders)
            for phrase in role.phrases:
                for form in _article_forms(key(phrase), optional=True):
                    # A bare role wins over a state's wording spelled the same.
                    self._add(form, entry, f"bare role {phrase!r}", replace=True)

    def _add_bare_names(self, bare: Iterable[BareName]) -> None:
        for name in bare:
            entry = Entry(of_state=tuple(sorted(name.of.items())))
            for phrase in name.phrases:
                for form in _article_forms(key(phrase), optional=False):
                    # It wins over an alias that counts it for one state only.
                    self._add(form, entry, f"bare name {phrase!r}", replace=True)

    def _add_metonyms(self, metonyms: Iterable[Metonym]) -> None:
        for metonym in metonyms:
            if metonym.actor not in self._actors:
                raise ValueError(f"metonym {metonym.phrase!r} names unknown actor"
                                 f" {metonym.actor!r}")
            words = alternation(metonym.not_after)
            entry = Entry(actor=metonym.actor,
                           not_after=re.compile(rf"(?<!\w)(?:{words})[^\S\n]*$"))
            self._add(key(metonym.phrase), entry, f"metonym {metonym.phrase!r}")

    def _named_in(self, wording: str) -> list[str]:
        """The actors that the aliases find in a short phrase: the longest names first,
        as the matcher reads a text ("le président de la Commission de l'Union
        africaine" names the Commission, not the Union)."""
        keys, shapes = key(wording).split(" "), shape(wording).split(" ")
        found: list[tuple[int, int, list[str]]] = []
        for start in range(len(keys)):
            for end in range(len(keys), start, -1):
                entry = self._entries.get(" ".join(keys[start:end]))
                if (
                    entry is not None
                    and entry.role is None
                    and entry.office is None
                    and (entry.cased is None or " ".join(shapes[start:end]) in entry.cased)
                ):
                    actors = [entry.actor] if entry.actor is not None else (
                        list(entry.short_of) if len(entry.short_of) == 1 else [])
                    found.append((start, end, actors))
                    break
        chosen: list[tuple[int, int, list[str]]] = []
        for start, end, actors in sorted(found, key=lambda item: item[0] - item[1]):
            if all(end <= s or start >= e for s, e, _ in chosen):
                chosen.append((start, end, actors))
        return [actor for _, _, actors in sorted(chosen) for actor in actors]

    def hits_in(self, texts: Sequence[str]) -> list[list[Hit]]:
        """:meth:`hits` of each of ``texts``, read in one pass (a document's article and
        comments: one scan instead of one per comment)."""
        if len(texts) == 1:
            return [self.hits(texts[0])]
        joined = _BETWEEN.join(texts)
        starts = list(accumulate((len(text) + len(_BETWEEN) for text in texts[:-1]),
                                 initial=0))
        found: list[list[Hit]] = [[] for _ in texts]
        part = 0
        for hit in self.hits(joined):
            while part + 1 < len(starts) and hit.start >= starts[part + 1]:
                part += 1
            offset = starts[part]
            found[part].append(Hit(hit.start - offset, hit.end - offset, hit.entry))
        return found

    def hits(self, text: str) -> list[Hit]:
        """The known phrases in ``text``, leftmost-longest, without overlaps."""
        hits = []
        last = len(text) - 1
        token = (0, 0, False)  # the last token checked for a URL: span, and whether it is
        for start, end, entry in self._matcher.find(scan(text)):
            if entry.cased is not None and shape(text[start:end]) not in entry.cased:
                continue
            # Only a neighbour such as "." or "/" can make the phrase part of a URL
            # ("kremlin.ru"); a full stop that ends a sentence cannot. The last token
            # looked at is remembered, so a long one is scanned once, not once a hit.
            if (start and text[start - 1] in "./@") or (
                end < last and text[end] in "./@" and not text[end + 1].isspace()
            ):
                if not token[0] <= start < token[1]:
                    left, right = _token_span(text, start, end)
                    token = (left, right, _is_url(text[left:right]))
                if token[2]:
                    continue
            hits.append(Hit(start, end, entry))
        return hits

    def adjective_states(self, texts: Sequence[str]) -> list[str]:
        """The states the adjectives of ``texts`` stand for ("espagnol": spain), once an
        adjective."""
        return [state for text in texts for _, _, state in self._adjectives.find(scan(text))]

    def entry(self, name: str) -> Entry | None:
        """What a phrase stands for, if it is one of the table's."""
        return self._entries.get(key(name))

    def holder_states(self, day: date) -> dict[str, str]:
        """The state (or organisation) each office holder on ``day`` serves."""
        states = self._holder_states.get(day)
        if states is None:
            states = {}
            for roles in self._offices.values():
                for role in roles:
                    holder = role.holder_on(day)
                    if holder is not None and role.of is not None:
                        states.setdefault(holder, role.of)
            if len(self._holder_states) < 1024:
                self._holder_states[day] = states
        return states

    def office_holders(self, office: str, day: date) -> dict[str, str]:
        """Who held ``office`` on ``day``, by state (or organisation)."""
        held: dict[str, str] = {}
        for role in self._offices.get(office, ()):
            holder = role.holder_on(day)
            if holder is not None and role.of is not None:
                held.setdefault(role.of, holder)
        return held
