"""The gazetteer's entries: actors, the offices and roles that name them, and the
phrases that stand for them only in context. Validated as the data files are read."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ActorType = Literal["person", "organization", "country"]
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Actor(Frozen):
    """A person, organisation or state, as the gazetteer describes it."""

    id: str = Field(pattern=SLUG, description="Stable lowercase slug")
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


class Holder(Frozen):
    """Who held an office, from ``from`` (inclusive) to ``to`` (exclusive; null: still)."""

    actor: str
    start: date = Field(alias="from")
    end: date | None = Field(default=None, alias="to")

    def holds_on(self, day: date) -> bool:
        """Whether this holder was in office on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)


class Role(Frozen):
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


class BareRole(Frozen):
    """Wordings of an office without its state ("la Première ministre"): the state is the
    one the document is about."""

    office: str
    phrases: tuple[str, ...]


class BareName(Frozen):
    """A name without its state ("le Sénat", "le Parti démocrate"): the institution of
    the state the document is about, when the table knows it."""

    phrases: tuple[str, ...]
    of: dict[str, str] = Field(description="State id -> the actor the name stands for there")


class Metonym(Frozen):
    """A place that stands for an actor except where it only names the place
    ("Bruxelles a tranché": the EU; "réunis à Bruxelles": nothing)."""

    phrase: str
    actor: str
    not_after: tuple[str, ...] = ()


class RoleTable(Frozen):
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


class Office(Frozen):
    """An office of a state or an organisation, its titles, wordings and holders."""

    of: str
    office: str
    titles: tuple[str, ...] = Field(default=(), description='"masculine|feminine" titles')
    phrases: tuple[str, ...] = ()
    holders: tuple[Holder, ...] = ()
