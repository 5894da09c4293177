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
from importlib import resources
from pathlib import Path
from typing import Any

from agents.extraction.entries import (
    Actor,
    ActorType,
    BareName,
    BareRole,
    Holder,
    Metonym,
    Office,
    Role,
    RoleTable,
)
from agents.extraction.files import Countries, Country, Part
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

_PACKAGE = __name__.rpartition(".")[0]


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


def _part_actors(part: Part) -> Iterator[Actor]:
    yield from part.actors
    for person in part.people:
        yield Actor(type="person", **person.model_dump())
    for organization in part.organizations:
        yield Actor(type="organization", **organization.model_dump())


def _wordings(
    office: Office, country: Country | None, templates: dict[str, tuple[str, ...]]
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
    offices: Iterable[Office], countries: dict[str, Country], table: RoleTable
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
        part = Part.model_validate(raw)
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    actors: dict[str, Actor] = {}
    for actor in _part_actors(part):
        if actor.id in actors:
            raise ValueError(f"actor id {actor.id!r} appears twice in {path.name}")
        actors[actor.id] = actor
    return list(actors.values()), list(part.non_mentions)


def _countries(folder: Path | None) -> dict[str, Country]:
    """The states and territories of ``countries.json`` that are actors, by id."""
    countries = Countries.model_validate_json(_read(folder, "countries.json"))
    return {country.actor().id: country for country in countries.countries
            if not country.skip}


def _parts(folder: Path | None) -> Iterator[tuple[str, Part]]:
    for name in _part_names(folder):
        try:
            yield name, Part.model_validate(json.loads(_read(folder, name)))
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from exc


def _join_bare_names(names: Iterable[BareName]) -> tuple[BareName, ...]:
    """Bare names of several files, one per phrase, their states joined."""
    joined: dict[str, dict[str, str]] = {}
    for name in names:
        for phrase in name.phrases:
            joined.setdefault(key(phrase), {}).update(name.of)
    return tuple(BareName(phrases=(phrase,), of=of) for phrase, of in joined.items())


def _demonyms(countries: dict[str, Country]) -> dict[str, str]:
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
