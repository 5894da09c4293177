"""Find the actors (people, organisations, states) that a French news text mentions.

Pure functions over two data files that users extend without touching code:

- ``gazetteer.json``: ``{"actors": [...], "non_mentions": [...]}``. An actor is
  ``{"id", "name", "type", "aliases": [...], "cased_aliases": [...]}``; aliases match
  whatever their case and accents, cased aliases only with the written case ("USA" but
  not the verb "usa", "US" but not "les us et coutumes"). An alias that starts with
  "le "/"les " also matches the contracted forms ("le bloc": "du bloc", "au bloc").
  ``non_mentions`` are phrases that contain an alias but name nothing we count
  ("Washington Post", "le bloc occidental", "accords de Minsk"): matching one hides
  the alias inside it.
- ``roles.json``: ``roles`` are offices, ``{"phrase", "variants", "holders": [{"actor",
  "from", "to"}], "also"}``: the phrase and its variant wordings resolve to the holder
  on the article's date (``from`` inclusive, ``to`` exclusive, null while in office),
  with or without their article ("le président russe", "président russe"), and count
  the actors named inside them ("le chef du Kremlin": russia) plus those in ``also``.
  ``titles`` may stand between a role and a name in apposition ("M.", "le général");
  ``former`` makes a role a past holder ("l'ancien président soviétique": the one past
  holder of a vacant office); ``other_before`` and ``other_after`` make it someone
  else ("le vice-ministre", "le secrétaire d'État adjoint", "de l'époque").

Counting follows the "Actors" section of the design: one noun phrase is one mention,
a role in apposition to a name counts once for the person, a state or organisation
named inside a role phrase counts for itself as well, adjectives and demonyms never
count, and matching ignores case and accents on whole words only. Where the design
leaves a case open: outlets named after a place ("Washington Post") and "le bloc
occidental" count for nothing; "l'Alliance" (with its article, in any case) and "le
bloc" are NATO; "Bruxelles" counts for nothing (the EU, NATO or Belgium); a role right
before a capitalised name stands for that name, known or not ("le président russe
Ivan Petrov" is not Putin).

How: every alias, role phrase and non-mention is compiled into one regular expression
shaped as a trie (phrases sharing a prefix are factored, so the engine does not try
hundreds of alternatives at each word). It runs once over a copy of the text that is
lowercased and has its separators (apostrophes, dashes, line breaks, quotes) turned
into spaces, one character for one, so offsets are those of the original. Text without
accents matches an accented alias through character classes in the pattern. At each
word start the longest phrase wins, which makes "Vladimir Poutine", "la Fédération de
Russie" or "le secrétaire général de l'OTAN" a single match.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Actor",
    "ActorType",
    "Gazetteer",
    "Holder",
    "Mention",
    "Role",
    "RoleTable",
    "default_gazetteer",
    "fold",
]

ActorType = Literal["person", "organization", "country"]

_PACKAGE = __name__.rpartition(".")[0]
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


# --------------------------------------------------------------------------- models


class Actor(BaseModel):
    """A person, organisation or state, as the gazetteer describes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_SLUG, description="Stable lowercase slug")
    name: str = Field(min_length=1, description="Display name")
    type: ActorType
    aliases: tuple[str, ...] = Field(default=(), description="Matched ignoring case and accents")
    cased_aliases: tuple[str, ...] = Field(
        default=(), description="Matched ignoring accents only, with the written case"
    )


class Holder(BaseModel):
    """Who held an office, from ``from`` (inclusive) to ``to`` (exclusive; null: still)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    actor: str
    start: date = Field(alias="from")
    end: date | None = Field(default=None, alias="to")

    def holds_on(self, day: date) -> bool:
        """Whether this holder was in office on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)


class Role(BaseModel):
    """An office named by a phrase ("le président russe") and its wordings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    phrase: str = Field(min_length=1)
    variants: tuple[str, ...] = ()
    holders: tuple[Holder, ...] = ()
    also: tuple[str, ...] = Field(
        default=(),
        description="Actors counted with every use of the phrase, beyond those named in it",
    )

    def holder_on(self, day: date) -> str | None:
        """The id of the office holder on ``day``, if the table knows one."""
        return next((h.actor for h in self.holders if h.holds_on(day)), None)

    def former_holder(self, day: date) -> str | None:
        """The one past holder of an office vacant on ``day`` ("l'ancien président soviétique").

        None while someone holds it or when several did: "l'ancien président américain"
        could be any of them.
        """
        if self.holder_on(day) is not None:
            return None
        past = {h.actor for h in self.holders if h.end is not None and h.end <= day}
        return past.pop() if len(past) == 1 else None


class RoleTable(BaseModel):
    """The contents of ``roles.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    titles: tuple[str, ...] = Field(
        default=(), description='Words between a role and a name in apposition: "M."'
    )
    former: tuple[str, ...] = Field(
        default=(), description='Before a role, make it a past holder: "ancien", "ex"'
    )
    other_before: tuple[str, ...] = Field(
        default=(), description='Before a role, make it someone else: "vice", "futur"'
    )
    other_after: tuple[str, ...] = Field(
        default=(), description='After a role, make it someone else: "adjoint", "de l\'époque"'
    )
    roles: tuple[Role, ...] = ()


class _GazetteerFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actors: tuple[Actor, ...]
    non_mentions: tuple[str, ...] = ()


class Mention(NamedTuple):
    """One counted mention: the actor and the span of text that mentions it."""

    actor: str
    start: int
    end: int


# --------------------------------------------------------------------------- folding

# Machine translation mixes typographic and typewriter punctuation: "l’OTAN" and
# "l'OTAN", "États–Unis" and "Etats-Unis" are the same words.
_APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4\u2032"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# Characters that separate words. The scanner sees each as a space, so that one cheap
# pass of str.replace lets the regex start only after a space (a literal prefix that
# the engine finds fast) instead of trying every position. Only characters that come
# before a word are needed; the full stop is not one, as aliases contain it ("U.S.A.").
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c != " ")
_SEPARATORS = _APOSTROPHES + _DASHES + _WHITESPACE + '"([{«“„‹/'
_TO_SPACE = str.maketrans(dict.fromkeys(_SEPARATORS, " "))
_SPACES = re.compile(" +")


@lru_cache(maxsize=8192)
def _strip_char(ch: str) -> str:
    """``ch`` without its accents; always one character."""
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    # Keep offsets aligned: a character that decomposes into several ("…", "ﬁ") stays.
    return base if len(base) == 1 else ch


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    low = _strip_char(ch).lower()
    return low if len(low) == 1 else _strip_char(ch)


def fold(text: str) -> str:
    """Lowercase ``text`` and drop its accents, one character for one."""
    return "".join(map(_fold_char, text))


def _lower(text: str) -> str:
    """``text`` lowercased, one character for one, so that offsets stay aligned."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)  # "İ" -> 2 chars


def _spaced(text: str) -> str:
    """``text`` with every separator a space (fast; a few characters are present)."""
    for ch in _SEPARATORS:
        if ch in text:
            text = text.replace(ch, " ")
    return text


def _spelling(text: str) -> str:
    """How the scanner sees a phrase: lowercase, accents kept, single spaces."""
    return _SPACES.sub(" ", _lower(text).translate(_TO_SPACE)).strip()


def _key(text: str) -> str:
    """The form under which a phrase and every spelling that matches it are looked up."""
    return fold(_spelling(text))


def _shape(text: str) -> str:
    """Like ``_key`` but keeping the letter case, for cased aliases."""
    stripped = "".join(map(_strip_char, text))
    return _SPACES.sub(" ", stripped.translate(_TO_SPACE)).strip()


@lru_cache(maxsize=1)
def _letter_classes() -> dict[str, str]:
    """For each base letter, a regex class of its lowercase accented forms ("[eéèêë…]")."""
    variants: dict[str, set[str]] = {}
    for lo, hi in ((0x00C0, 0x0250), (0x0400, 0x0500), (0x1E00, 0x1F00)):
        for code in range(lo, hi):
            ch = chr(code).lower()
            base = _fold_char(ch)
            if len(ch) == 1 and base != ch and base.isalpha():
                variants.setdefault(base, {base}).add(ch)
    return {base: "[" + "".join(sorted(chars)) + "]" for base, chars in variants.items()}


def _unit(ch: str, accented: bool) -> str:
    """The regex fragment for one character of a key, in the scanner's text."""
    if ch == " ":
        return " +"
    if accented:
        return _letter_classes().get(ch, re.escape(ch))
    return re.escape(ch)


_APOS_UNIT = "[" + _APOSTROPHES + r"]\s*"
_JOIN_UNIT = "[" + re.escape(_APOSTROPHES + _DASHES) + r"\s]+"


def _alternation(phrases: Iterable[str]) -> str:
    """A small regex alternation of ``phrases`` for lowercased (not spaced) text."""
    keys = sorted({_key(p) for p in phrases if p.strip()}, key=len, reverse=True)
    alternatives = (
        "".join(_JOIN_UNIT if ch == " " else _unit(ch, True) for ch in key) for key in keys
    )
    return "|".join(alternatives) or "(?!)"


# Children are tried in this order: frequent word initials first, so that the engine
# finds the branch of an ordinary word early (alternatives are tried one by one).
_RANK = {ch: rank for rank, ch in enumerate("dlecpsamtniroqfuvbghjxyzkw ")}


class _Trie:
    """Spellings keyed by folded characters; an edge is accented if any spelling is."""

    __slots__ = ("accented", "children", "terminal")

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.accented: set[str] = set()
        self.terminal = False

    def add(self, spelling: str) -> None:
        node = self
        for ch, folded in zip(spelling, fold(spelling), strict=True):
            if ch != folded:
                node.accented.add(folded)
            node = node.children.setdefault(folded, _Trie())
        node.terminal = True

    def pattern(self) -> str:
        # Children before the end of the phrase: the engine tries the longest phrase
        # first and falls back to shorter ones, i.e. the longest match at a position.
        # Text without accents matches an accented spelling ("Etats-Unis", "Pekin"); the
        # accent classes stay where an alias has an accent, as they slow the engine.
        alternatives = [
            _unit(ch, ch in self.accented) + self.children[ch].pattern()
            for ch in sorted(self.children, key=lambda c: (_RANK.get(c, len(_RANK)), c))
        ]
        if self.terminal:
            alternatives.append(r"(?!\w)")
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"


def _compile(spellings: Iterable[str]) -> re.Pattern[str]:
    """One regex for all ``spellings``, on whole words of the scanner's text.

    The scanner's text is lowercased, its separators turned into spaces and a space put
    in front, so a phrase starts after a space: the engine jumps from space to space.
    """
    trie = _Trie()
    for spelling in spellings:
        trie.add(spelling)
    return re.compile(" (" + (trie.pattern() if trie.children else "(?!)") + ")")


def _article_forms(spelling: str, *, optional: bool) -> list[str]:
    """``spelling`` with its leading definite article in every form French contracts it into."""
    for article, forms in (
        ("le ", ("le ", "du ", "au ")),
        ("les ", ("les ", "des ", "aux ")),
        ("la ", ("la ",)),
        ("l ", ("l ",)),
    ):
        if spelling.startswith(article):
            rest = spelling[len(article) :]
            return [form + rest for form in forms] + ([rest] if optional else [])
    return [spelling]


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


# --------------------------------------------------------------------------- compiled


@dataclass(frozen=True, slots=True)
class _Entry:
    """What a matched phrase stands for."""

    actor: str | None = None  # an alias: its actor; neither actor nor role: a non-mention
    person: bool = False
    cased: frozenset[str] | None = None  # a cased alias: the shapes it may take
    role: Role | None = None
    also: tuple[str, ...] = ()  # a role wording: the actors it names, counted with it
    holders: frozenset[str] = frozenset()


_NON_MENTION = _Entry()


class _Hit(NamedTuple):
    start: int
    end: int
    entry: _Entry


_CACHE_LIMIT = 65536
_ARTICLE = re.compile(r"(?:l[ae]s?|du|aux?|des)[^\S\n]|l" + _APOS_UNIT)


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
    ) -> None:
        self._actors: dict[str, Actor] = {}
        for actor in actors:
            if actor.id in self._actors:
                raise ValueError(f"actor id {actor.id!r} appears twice in the gazetteer")
            self._actors[actor.id] = actor
        self._roles = roles or RoleTable()
        self._entries: dict[str, _Entry] = {}
        self._origins: dict[str, str] = {}
        self._spellings: list[str] = []
        self._add_aliases()
        for phrase in non_mentions:
            for spelling in _article_forms(_spelling(phrase), optional=False):
                self._add(spelling, _NON_MENTION, f"non-mention {phrase!r}")
        self._add_roles()
        self._regex = _compile(self._spellings)
        self._cache: dict[str, _Entry] = {}

        titles = _alternation(self._roles.titles)
        former = _alternation(self._roles.former)
        other = _alternation(self._roles.other_before)
        before = _alternation(self._roles.former + self._roles.other_before)
        # What may stand between a role and the name it is in apposition to, on one
        # line: a comma, an opening parenthesis, titles ("M.", "le général"), initials.
        self._gap_after = re.compile(
            r"[^\S\n]*(?P<comma>,)?[^\S\n]*\(?[^\S\n]*"
            rf"(?:(?:{titles})(?!\w)[^\S\n]*,?[^\S\n]*)*"
            r"(?:[^\W\d_]\.[^\S\n]*)*"
        )
        # ... and between a name and the role that follows it ("Jens Stoltenberg, le
        # secrétaire général", "Donald Trump, l'ancien président américain").
        self._gap_before = re.compile(
            rf"[^\S\n]*[,(][^\S\n]*(?:l{_APOS_UNIT}|la[^\S\n]+|le[^\S\n]+)?"
            rf"(?:(?:{before})[^\S\n]*-?[^\S\n]*)?"
        )
        # A qualifier stands between the article and the noun ("l'ancien président"),
        # so these only apply to a role found without its article.
        self._former = re.compile(rf"(?<!\w)(?:{former})[^\S\n]*-?[^\S\n]*$")
        self._other_before = re.compile(rf"(?<!\w)(?:{other})[^\S\n]*-?[^\S\n]*$")
        self._other_after = re.compile(
            rf"[^\S\n]*+,?[^\S\n]*+(?:{_alternation(self._roles.other_after)})(?!\w)"
        )
        self._word = re.compile(r"[^\W\d_][\w'\u2019-]*")

    def _is_name(self, text: str, at: int) -> bool:
        """Whether a capitalised word (not all capitals: a headline) starts at ``at``."""
        word = self._word.match(text, at)
        return word is not None and word.group()[0].isupper() and not word.group().isupper()

    # -- construction

    def _add(self, spelling: str, entry: _Entry, origin: str) -> None:
        key = fold(spelling)
        known = self._entries.get(key)
        if known is not None and known != entry:
            raise ValueError(f"{origin} is spelled like {self._origins[key]} ({key!r})")
        self._entries[key] = entry
        self._origins.setdefault(key, origin)
        self._spellings.append(spelling)

    def _add_aliases(self) -> None:
        for actor in self._actors.values():
            person = actor.type == "person"
            origin = f"an alias of {actor.id!r}"
            entry = _Entry(actor=actor.id, person=person)
            uncased = set()
            for alias in actor.aliases:
                for spelling in _article_forms(_spelling(alias), optional=False):
                    self._add(spelling, entry, origin)
                    uncased.add(fold(spelling))
            shapes: dict[str, set[str]] = {}
            for alias in actor.cased_aliases:
                shapes.setdefault(_spelling(alias), set()).add(_shape(alias))
            for spelling, forms in shapes.items():
                if fold(spelling) not in uncased:  # else it matches in any case anyway
                    cased = _Entry(actor=actor.id, person=person, cased=frozenset(forms))
                    self._add(spelling, cased, origin)

    def _add_roles(self) -> None:
        for role in self._roles.roles:
            for actor_id in [h.actor for h in role.holders] + list(role.also):
                if actor_id not in self._actors:
                    raise ValueError(f"role {role.phrase!r} names unknown actor {actor_id!r}")
            holders = frozenset(h.actor for h in role.holders)
            for wording in (role.phrase, *role.variants):
                also = tuple(dict.fromkeys([*role.also, *self._named_in(wording)]))
                entry = _Entry(role=role, also=also, holders=holders)
                for spelling in _article_forms(_spelling(wording), optional=True):
                    self._add(spelling, entry, f"role {wording!r}")

    def _named_in(self, wording: str) -> list[str]:
        """The actors that the aliases find in a short phrase (leftmost-longest words)."""
        keys, shapes = _key(wording).split(" "), _shape(wording).split(" ")
        named, start = [], 0
        while start < len(keys):
            for end in range(len(keys), start, -1):
                entry = self._entries.get(" ".join(keys[start:end]))
                if (
                    entry is not None
                    and entry.role is None
                    and (entry.cased is None or " ".join(shapes[start:end]) in entry.cased)
                ):
                    if entry.actor is not None:
                        named.append(entry.actor)
                    start = end
                    break
            else:
                start += 1
        return named

    @classmethod
    def load(cls, path: Path | None = None, roles_path: Path | None = None) -> Gazetteer:
        """Read a gazetteer and a role table (by default, the ones shipped in the package)."""
        data: Any = json.loads(_read(path, "gazetteer.json"))
        if isinstance(data, list):  # a bare list of actors, without non-mentions
            data = {"actors": data}
        gazetteer = _GazetteerFile.model_validate(data)
        roles = RoleTable.model_validate_json(_read(roles_path, "roles.json"))
        return cls(gazetteer.actors, roles, gazetteer.non_mentions)

    # -- lookup

    @property
    def actors(self) -> Mapping[str, Actor]:
        """Every known actor, by id."""
        return MappingProxyType(self._actors)

    @property
    def roles(self) -> RoleTable:
        """The role table in use."""
        return self._roles

    def get(self, actor_id: str) -> Actor | None:
        """The actor with this id, if known."""
        return self._actors.get(actor_id)

    # -- extraction

    def extract(self, text: str, on: date | None = None) -> Counter[str]:
        """Count the mentions of each actor in ``text``, an article of date ``on``.

        ``on`` resolves role phrases to the office holder of that day (default: today).
        """
        return Counter(map(itemgetter(0), self._resolve(text, on)))

    def mentions(self, text: str, on: date | None = None) -> list[Mention]:
        """Every counted mention in ``text``, in order, with its span."""
        return [Mention(*found) for found in self._resolve(text, on)]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Spans of every known phrase in ``text``: aliases, role phrases, non-mentions.

        Whatever they count for, these words are the gazetteer's: NER leaves them alone.
        """
        return [(hit.start, hit.end) for hit in self._hits(text, _lower(text))]

    def _resolve(self, text: str, on: date | None) -> list[tuple[str, int, int]]:
        """(actor id, start, end) of every counted mention."""
        day = _day(on)
        lowered = _lower(text)
        hits = self._hits(text, lowered)
        found: list[tuple[str, int, int]] = []
        for index, (start, end, entry) in enumerate(hits):
            if entry.actor is not None:
                found.append((entry.actor, start, end))
            elif entry.role is not None:
                person = self._role_person(text, lowered, hits, index, day)
                if person is not None:
                    found.append((person, start, end))
                found.extend((actor_id, start, end) for actor_id in entry.also)
        return found

    def _hits(self, text: str, lowered: str) -> list[_Hit]:
        """The known phrases in ``text``, leftmost-longest, without overlaps."""
        hits = []
        cache = self._cache
        last = len(text) - 1
        token = (0, 0, False)  # the last token checked for a URL: span, and whether it is
        for match in self._regex.finditer(" " + _spaced(lowered)):
            found = match.group(1)
            entry = cache.get(found)
            if entry is None:
                entry = self._entries[_key(found)]
                if len(cache) < _CACHE_LIMIT:  # spacing variants could grow it forever
                    cache[found] = entry
            end = match.end() - 1  # the scanned text has a space in front
            start = end - len(found)
            if entry.cased is not None and _shape(text[start:end]) not in entry.cased:
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
            hits.append(_Hit(start, end, entry))
        return hits

    def _role_person(
        self, text: str, lowered: str, hits: list[_Hit], index: int, day: date
    ) -> str | None:
        """The person a role phrase counts for; None when a name beside it counts instead."""
        hit = hits[index]
        role, holders = hit.entry.role, hit.entry.holders
        assert role is not None
        gap = self._gap_after.match(lowered, hit.end)
        assert gap is not None  # every part of it is optional
        after = gap.end()
        nxt = hits[index + 1] if index + 1 < len(hits) else None
        named = nxt.entry if nxt is not None and nxt.start == after else None
        if gap.group("comma"):
            # "le secrétaire à la Défense, le général Lloyd Austin" is one person only if
            # the name is one of the office's holders; otherwise a new clause names
            # someone else ("selon le président américain, Poutine ...").
            if named is not None and named.actor in holders:
                return None
        elif named is not None and named.actor is not None:
            if named.person:
                return None  # "le président russe Vladimir Poutine", "... M. Poutine"
        elif self._is_name(text, after):
            # "(le président russe Vladimir – ndlr.) Poutine", "le président russe Ivan
            # Petrov": a capitalised name right after the role is the person it
            # describes; the name counts if it is known, the role does not.
            return None
        prev = hits[index - 1] if index else None
        if (
            prev is not None
            and prev.entry.actor in holders
            and hit.start - prev.end < 40
            and self._gap_before.fullmatch(lowered, prev.end, hit.start)
        ):
            return None  # "Jens Stoltenberg, le secrétaire général de l'OTAN"
        if self._other_after.match(lowered, hit.end):
            return None  # "le secrétaire d'État adjoint", "... américain de l'époque"
        if not _ARTICLE.match(lowered, hit.start):  # "mardi dernier le président russe"
            window = max(0, hit.start - 24), hit.start
            if self._former.search(lowered, *window):
                return role.former_holder(day)  # "l'ancien président soviétique"
            if self._other_before.search(lowered, *window):
                return None  # "le vice-ministre russe des Affaires étrangères"
        return role.holder_on(day)


def _day(on: date | None) -> date:
    if on is None:
        return date.today()
    # A datetime is a date, but does not compare with one.
    return on.date() if isinstance(on, datetime) else on


def _read(path: Path | None, default: str) -> str:
    if path is not None:
        return path.read_text(encoding="utf-8")
    return resources.files(_PACKAGE).joinpath(default).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer and role table shipped with the package, loaded once."""
    return Gazetteer.load()
