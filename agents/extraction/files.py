"""The shape of the data files beside the entries: ``countries.json`` (generated part
and hand-kept part of each state) and the parts (people, organisations, offices)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agents.extraction.entries import SLUG, Actor, BareName, Frozen, Office, Role
from agents.extraction.folding import key


class Person(Frozen):
    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()
    cased_aliases: tuple[str, ...] = ()


class Organization(Frozen):
    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    cased_aliases: tuple[str, ...] = ()
    short_forms: tuple[str, ...] = ()


class Part(Frozen):
    """One data file other than ``countries.json`` and ``roles.json``."""

    about: str = ""
    actors: tuple[Actor, ...] = ()
    people: tuple[Person, ...] = ()
    organizations: tuple[Organization, ...] = ()
    offices: tuple[Office, ...] = ()
    roles: tuple[Role, ...] = ()
    bare_names: tuple[BareName, ...] = ()
    non_mentions: tuple[str, ...] = ()
    uncertain: tuple[str, ...] = Field(default=(), description="Ids whose dates are estimates")


class Generated(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    iso: str
    id: str
    name: str
    names: tuple[str, ...] = ()
    capital: str | None = None


class Country(Frozen):
    generated: Generated
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


class Countries(Frozen):
    about: str = ""
    countries: tuple[Country, ...]
