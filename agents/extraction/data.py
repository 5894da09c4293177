"""The gazetteer's data files, read and merged into actors, roles and non-mentions.

The data lives in ``gazetteer/``, beside this module, as JSON files a user extends
without touching code:

- ``countries.json``: every state and territory (see ``scripts/build_world.py``): its
  French names, capitals and seats of government, adjectives and article;
- ``roles.json``: the words around role phrases (titles, "ancien", "adjoint"), the
  templates that turn an office of a state into its wordings ("le {title} {adjective}",
  "la cheffe de la diplomatie {feminine}"), the bare roles resolved per document ("la
  Première ministre"), places that stand for an actor only in context ("Bruxelles"),
  and explicit roles;
- any other ``*.json``: parts with ``people``, ``organizations`` and ``actors``,
  ``offices`` (an office of a state or an organisation and its holders by date),
  ``roles`` and ``non_mentions`` (phrases that contain a name but name no actor).

An actor that appears in several files is one actor (same id, same type): its aliases
are joined. :func:`load` checks the whole: every holder and every role's actor exists.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agents.extraction.folding import key

__all__ = [
    "Actor",
    "ActorType",
    "BareName",
    "BareRole",
    "GazetteerData",
    "Holder",
    "Metonym",
    "Role",
    "RoleTable",
    "load",
    "load_actors_file",
]

ActorType = Literal["person", "organization", "country"]
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_PACKAGE = __name__.rpartition(".")[0]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Actor(_Frozen):
    """A person, organisation or state, as the gazetteer describes it."""

    id: str = Field(pattern=_SLUG, description="Stable lowercase slug")
    name: str = Field(min_length=1, description="Display name")
    type: ActorType
    aliases: tuple[str, ...] = Field(default=(), description="Matched ignoring case and accents")
    cased_aliases: tuple[str, ...] = Field(
        default=(), description="Matched ignoring accents only, with the written case"
    )
    surnames: tuple[str, ...] = Field(
        default=(),
        description="A person's surname alone: counted only in a document that also names"
        " the person in full or by a role",
    )
    short_forms: tuple[str, ...] = Field(
        default=(),
        description="Short forms counted only in a document that also names the actor"
        " otherwise ('l'Alliance' for NATO)",
    )


class Holder(_Frozen):
    """Who held an office, from ``from`` (inclusive) to ``to`` (exclusive; null: still)."""

    actor: str
    start: date = Field(alias="from")
    end: date | None = Field(default=None, alias="to")

    def holds_on(self, day: date) -> bool:
        """Whether this holder was in office on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)


class Role(_Frozen):
    """An office named by a phrase ("le président russe") and its wordings."""

    phrase: str = Field(min_length=1)
    variants: tuple[str, ...] = ()
    holders: tuple[Holder, ...] = ()
    also: tuple[str, ...] = Field(
        default=(),
        description="Actors counted with every use of the phrase, beyond those named in it",
    )
    of: str | None = Field(default=None, description="The state or organisation of the office")
    office: str | None = Field(default=None, description="head_of_state, foreign_minister...")

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


class BareRole(_Frozen):
    """Wordings of an office without its state ("la Première ministre"): the state is the
    one the document is about."""

    office: str
    phrases: tuple[str, ...]


class BareName(_Frozen):
    """A name without its state ("le Sénat", "le Parti démocrate"): the institution of
    the state the document is about, when the table knows it."""

    phrases: tuple[str, ...]
    of: dict[str, str] = Field(description="State id -> the actor the name stands for there")


class Metonym(_Frozen):
    """A place that stands for an actor except where it only names the place
    ("Bruxelles a tranché": the EU; "réunis à Bruxelles": nothing)."""

    phrase: str
    actor: str
    not_after: tuple[str, ...] = ()


class RoleTable(_Frozen):
    """The contents of ``roles.json``."""

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
    office_templates: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="Per office, wordings with {m}/{f} (the state's adjective), {de} (the"
        " state after 'de': 'du Brésil'); 'titled' applies to every office with titles,"
        " {title_m}/{title_f} standing for each of them",
    )
    not_names: tuple[str, ...] = Field(
        default=(),
        description="Capitalised words before or after a known name that are not part of"
        " another name: titles, sentence openers ('M.', 'Président', 'Selon')",
    )
    bare_roles: tuple[BareRole, ...] = ()
    bare_names: tuple[BareName, ...] = ()
    metonyms: tuple[Metonym, ...] = ()
    roles: tuple[Role, ...] = ()


class Office(_Frozen):
    """An office of a state or an organisation, its titles, wordings and holders."""

    of: str
    office: str
    titles: tuple[str, ...] = Field(default=(), description='"masculine|feminine" titles')
    phrases: tuple[str, ...] = ()
    holders: tuple[Holder, ...] = ()


class _Person(_Frozen):
    id: str = Field(pattern=_SLUG)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()
    cased_aliases: tuple[str, ...] = ()


class _Organization(_Frozen):
    id: str = Field(pattern=_SLUG)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    cased_aliases: tuple[str, ...] = ()
    short_forms: tuple[str, ...] = ()


class _Part(_Frozen):
    """One data file other than ``countries.json`` and ``roles.json``."""

    about: str = ""
    actors: tuple[Actor, ...] = ()
    people: tuple[_Person, ...] = ()
    organizations: tuple[_Organization, ...] = ()
    offices: tuple[Office, ...] = ()
    roles: tuple[Role, ...] = ()
    bare_names: tuple[BareName, ...] = ()
    non_mentions: tuple[str, ...] = ()
    uncertain: tuple[str, ...] = Field(default=(), description="Ids whose dates are estimates")


class _Generated(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    iso: str
    id: str
    name: str
    names: tuple[str, ...] = ()
    capital: str | None = None


class _Country(_Frozen):
    generated: _Generated
    id: str | None = None
    name: str | None = None
    article: str = ""
    adjectives: tuple[str, ...] = ()
    capitals: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    cased_aliases: tuple[str, ...] = ()
    not_aliases: tuple[str, ...] = ()
    skip: bool = False

    def actor(self) -> Actor:
        generated = self.generated
        drop = {key(name) for name in self.not_aliases}
        capitals = self.capitals if self.capitals is not None else (
            (generated.capital,) if generated.capital else ()
        )
        names = [n for n in (*generated.names, *self.aliases, *capitals) if key(n) not in drop]
        return Actor(
            id=self.id or generated.id,
            name=self.name or generated.name,
            type="country",
            aliases=tuple(dict.fromkeys(names)),
            cased_aliases=self.cased_aliases,
        )

    def de_forms(self) -> list[str]:
        """The state after "de", in its main names: "du Brésil", "de l'Égypte", "d'Israël"."""
        forms = []
        for name in self.generated.names[:1] + tuple(
            a for a in self.aliases if key(a) in {key(n) for n in self.generated.names[:1]}
        ):
            forms.append(_de_form(self.article, name))
        return list(dict.fromkeys(forms))


def _de_form(article: str, name: str) -> str:
    if article == "le":
        return f"du {name}"
    if article == "les":
        return f"des {name}"
    if article == "la":
        return f"de la {name}"
    if article == "l'":
        return f"de l'{name}"
    return f"d'{name}" if name[:1].lower() in "aeiouyéèêâîôûh" else f"de {name}"


class _Countries(_Frozen):
    about: str = ""
    countries: tuple[_Country, ...]


@dataclass
class GazetteerData:
    """Everything the data files say, merged and checked."""

    actors: dict[str, Actor]
    roles: RoleTable
    generated_roles: list[Role] = field(default_factory=list)
    non_mentions: list[str] = field(default_factory=list)
    demonyms: dict[str, str] = field(default_factory=dict)  # "roumaine" -> "romania"


def _read(folder: Path | None, name: str) -> str:
    if folder is not None:
        return (folder / name).read_text(encoding="utf-8")
    return resources.files(_PACKAGE).joinpath("gazetteer", name).read_text(encoding="utf-8")


def _part_names(folder: Path | None) -> list[str]:
    if folder is not None:
        names = [path.name for path in folder.glob("*.json")]
    else:
        root = resources.files(_PACKAGE).joinpath("gazetteer")
        names = [entry.name for entry in root.iterdir() if entry.name.endswith(".json")]
    return sorted(name for name in names if name not in ("countries.json", "roles.json"))


def _merge(actors: dict[str, Actor], actor: Actor, origin: str) -> None:
    known = actors.get(actor.id)
    if known is None:
        actors[actor.id] = actor
        return
    if known.type != actor.type:
        raise ValueError(f"{origin}: {actor.id!r} is a {actor.type}, elsewhere a {known.type}")
    actors[actor.id] = known.model_copy(update={
        "aliases": tuple(dict.fromkeys((*known.aliases, *actor.aliases))),
        "cased_aliases": tuple(dict.fromkeys((*known.cased_aliases, *actor.cased_aliases))),
        "surnames": tuple(dict.fromkeys((*known.surnames, *actor.surnames))),
        "short_forms": tuple(dict.fromkeys((*known.short_forms, *actor.short_forms))),
    })


def _part_actors(part: _Part) -> Iterator[Actor]:
    yield from part.actors
    for person in part.people:
        yield Actor(type="person", **person.model_dump())
    for organization in part.organizations:
        yield Actor(type="organization", **organization.model_dump())


def _wordings(
    office: Office, country: _Country | None, templates: dict[str, tuple[str, ...]]
) -> list[str]:
    """Every wording of an office: its explicit phrases, and for a state's office the
    templates filled with its titles, adjectives and names."""
    wordings = list(office.phrases)
    if country is None:
        return wordings
    adjectives = country.adjectives
    titles = [title.split("|") for title in office.titles] or [[""]]
    titled = templates.get("titled", ()) if office.titles else ()
    for template in titled + templates.get(office.office, ()):
        for title in titles:
            title_m, title_f = title[0], title[-1]
            if ("{title_m}" in template or "{title_f}" in template) and not title_m:
                continue
            for de in (country.de_forms() if "{de}" in template else [""]):
                if ("{m}" in template or "{f}" in template) and len(adjectives) < 2:
                    continue
                wordings.append(template.format(
                    m=adjectives[0] if adjectives else "", f=adjectives[-1] if adjectives else "",
                    de=de, title_m=title_m, title_f=title_f,
                ))
    return list(dict.fromkeys(wordings))


def _office_roles(
    offices: Iterable[Office], countries: dict[str, _Country], table: RoleTable
) -> list[Role]:
    """One role per office. A wording that two offices of different holders share ("le
    président congolais": two Congos) is dropped: it names neither for sure."""
    explicit = {key(w) for role in table.roles for w in (role.phrase, *role.variants)}
    wordings: dict[int, list[str]] = {}
    owners: dict[str, set[tuple[str, str]]] = {}
    offices = list(offices)
    for index, office in enumerate(offices):
        found = [w for w in _wordings(office, countries.get(office.of), table.office_templates)
                 if key(w) not in explicit]
        wordings[index] = found
        for wording in found:
            owners.setdefault(key(wording), set()).add((office.of, office.office))
    roles = []
    for index, office in enumerate(offices):
        unique = [w for w in wordings[index] if len(owners[key(w)]) == 1]
        if unique:
            roles.append(Role(phrase=unique[0], variants=tuple(unique[1:]),
                              holders=office.holders, of=office.of, office=office.office))
    return roles


def load_actors_file(path: Path) -> tuple[list[Actor], list[str]]:
    """The actors and non-mentions of one file: a part of the gazetteer folder, or a bare
    list of actors."""
    raw: Any = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(raw, list):
        raw = {"actors": raw}
    try:
        part = _Part.model_validate(raw)
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    actors: dict[str, Actor] = {}
    for actor in _part_actors(part):
        if actor.id in actors:
            raise ValueError(f"actor id {actor.id!r} appears twice in {path.name}")
        actors[actor.id] = actor
    return list(actors.values()), list(part.non_mentions)


def _countries(folder: Path | None) -> dict[str, _Country]:
    """The states and territories of ``countries.json`` that are actors, by id."""
    countries = _Countries.model_validate_json(_read(folder, "countries.json"))
    return {country.actor().id: country for country in countries.countries
            if not country.skip}


def _parts(folder: Path | None) -> Iterator[tuple[str, _Part]]:
    for name in _part_names(folder):
        try:
            yield name, _Part.model_validate(json.loads(_read(folder, name)))
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from exc


def _join_bare_names(names: Iterable[BareName]) -> tuple[BareName, ...]:
    """Bare names of several files, one per phrase, their states joined."""
    joined: dict[str, dict[str, str]] = {}
    for name in names:
        for phrase in name.phrases:
            joined.setdefault(key(phrase), {}).update(name.of)
    return tuple(BareName(phrases=(phrase,), of=of) for phrase, of in joined.items())


def _demonyms(countries: dict[str, _Country]) -> dict[str, str]:
    """Every form of the states' adjectives ("roumain", "roumaines"), folded, and its
    state; a form two states share ("congolais") names neither."""
    owners: dict[str, set[str]] = {}
    for state, country in countries.items():
        for adjective in country.adjectives:
            for form in (adjective, adjective + "s"):
                owners.setdefault(key(form), set()).add(state)
    return {form: states.pop() for form, states in owners.items() if len(states) == 1}


def _check(actors: dict[str, Actor], table: RoleTable, generated: Iterable[Role]) -> None:
    """Every actor a role, a metonym or a bare name names exists."""
    for role in (*table.roles, *generated):
        for actor_id in [h.actor for h in role.holders] + list(role.also):
            if actor_id not in actors:
                raise ValueError(f"role {role.phrase!r} names unknown actor {actor_id!r}")
    for metonym in table.metonyms:
        if metonym.actor not in actors:
            raise ValueError(f"metonym {metonym.phrase!r} names unknown actor {metonym.actor!r}")
    for bare in table.bare_names:
        for state, actor_id in bare.of.items():
            if state not in actors or actor_id not in actors:
                raise ValueError(f"bare name {bare.phrases[0]!r} names unknown actor"
                                 f" {state!r} or {actor_id!r}")


def load(folder: Path | None = None) -> GazetteerData:
    """Read and merge every data file of ``folder`` (default: the package's own)."""
    table = RoleTable.model_validate_json(_read(folder, "roles.json"))
    countries = _countries(folder)
    actors: dict[str, Actor] = {}
    for country in countries.values():
        _merge(actors, country.actor(), "countries.json")
    offices: list[Office] = []
    roles = list(table.roles)
    bare_names = list(table.bare_names)
    non_mentions: list[str] = []
    for name, part in _parts(folder):
        for actor in _part_actors(part):
            _merge(actors, actor, name)
        offices.extend(part.offices)
        roles.extend(part.roles)
        bare_names.extend(part.bare_names)
        non_mentions.extend(part.non_mentions)
    table = table.model_copy(update={
        "roles": tuple(roles), "bare_names": _join_bare_names(bare_names),
    })
    generated = _office_roles(offices, countries, table)
    _check(actors, table, generated)
    demonyms = _demonyms(countries)
    return GazetteerData(actors, table, generated, list(dict.fromkeys(non_mentions)),
                         demonyms)
