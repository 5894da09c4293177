"""Annotated sets: documents and the output a careful reader expects of them.

A set is a folder of ``NNN_slug.txt`` documents, each with its annotation in
``NNN_slug.json`` (format: ``docs/annotation.md``), and optionally a ``set.json``:
``received_at`` says when the documents are taken to arrive (role phrases of an undated
article resolve at that date), ``scheme`` is ``"ids"`` when every actor is annotated by
id with its name and type (``actor_names``), ``actor_ids`` (the older scheme) lists the
ids annotated by count, every other actor being listed by name in ``new_actors``, and
``targets`` sets the quality targets of the set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from agents.extraction.actors import ActorType

__all__ = [
    "ActorName",
    "AnnotatedActors",
    "AnnotatedComment",
    "Annotation",
    "EvalDocument",
    "EvalSet",
    "NewActor",
    "SetTargets",
    "find_sets",
    "load_set",
]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AnnotatedComment(_Strict):
    """The expected reading of one comment."""

    id: str
    parent: str | None
    depth: int
    author: str | None
    handle: str | None
    posted_at: AwareDatetime | None
    score: int | None
    quote_authors: list[str] = Field(default_factory=list)
    quote_comment_ids: list[str | None] = Field(default_factory=list)


class AnnotatedActors(_Strict):
    """Expected mentions per actor id, in the article (headline and body) and the comments."""

    article: dict[str, int] = Field(default_factory=dict)
    comments: dict[str, int] = Field(default_factory=dict)


class NewActor(_Strict):
    """A named actor outside the set's id list, mentions summed over the document."""

    name: str
    type: ActorType
    mentions: int = Field(ge=1)


class ActorName(_Strict):
    """What an annotated id stands for (scheme ``ids``): its name, its type, and the
    forms the document writes it in (to recognise it under another id)."""

    name: str
    type: ActorType
    forms: list[str] = Field(default_factory=list)


class Annotation(_Strict):
    """The expected output for one document (see ``docs/annotation.md``)."""

    title: str
    title_derived: bool
    outlet: str | None
    published: date | None
    comment_count_declared: int | None
    comments: list[AnnotatedComment] = Field(default_factory=list)
    actors: AnnotatedActors = Field(default_factory=AnnotatedActors)
    actor_names: dict[str, ActorName] = Field(default_factory=dict)
    new_actors: list[NewActor] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EvalDocument:
    """One annotated document: its name, its text file and what it should yield."""

    name: str
    path: Path
    annotation: Annotation


class SetTargets(BaseModel):
    """A set's quality targets: mention F1 overall and per actor type (``all`` scope for
    scheme ``ids``, the listed ids for the older scheme), and exact-match rates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor_f1: float = 0.95
    person: float = 0.90
    organization: float = 0.90
    country: float = 0.90
    comment_fields: float = 0.99
    article_fields: float = 0.95


_DEFAULT_TARGETS = SetTargets()


class _SetInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    received_at: AwareDatetime | None = None
    scheme: Literal["ids", "names"] = "names"
    actor_ids: frozenset[str] | None = None
    targets: SetTargets = Field(default_factory=SetTargets)


@dataclass(frozen=True, slots=True)
class EvalSet:
    """An annotated set: its documents, and how they are to be read and scored."""

    documents: tuple[EvalDocument, ...]
    received_at: datetime | None = None
    actor_ids: frozenset[str] | None = None
    scheme: Literal["ids", "names"] = "names"
    targets: SetTargets = _DEFAULT_TARGETS
    name: str = ""

    @property
    def known_ids(self) -> frozenset[str]:
        """The ids the annotations count (``set.json``'s list, else every id they use)."""
        used = frozenset(
            actor_id
            for document in self.documents
            for counts in (document.annotation.actors.article,
                           document.annotation.actors.comments)
            for actor_id in counts
        )
        return used | (self.actor_ids or frozenset())


def load_set(directory: Path) -> EvalSet:
    """Read an annotated set: every ``*.txt`` that has a ``.json`` beside it.

    Raises ValueError when the folder holds no annotated document or an annotation is
    malformed (the message names the file).
    """
    documents = []
    for text_path in sorted(directory.glob("*.txt")):
        json_path = text_path.with_suffix(".json")
        if not json_path.is_file():
            continue
        try:
            annotation = Annotation.model_validate_json(json_path.read_bytes())
        except ValueError as exc:
            raise ValueError(f"{json_path.name}: {exc}") from exc
        documents.append(EvalDocument(text_path.stem, text_path, annotation))
    if not documents:
        raise ValueError(f"no annotated document (NNN_name.txt + NNN_name.json) in {directory}")
    info_path = directory / "set.json"
    try:
        info = (_SetInfo.model_validate_json(info_path.read_bytes()) if info_path.is_file()
                else _SetInfo())
    except ValueError as exc:
        raise ValueError(f"{info_path}: {exc}") from exc
    if info.scheme == "ids":
        for document in documents:
            annotation = document.annotation
            used = set(annotation.actors.article) | set(annotation.actors.comments)
            missing = used - set(annotation.actor_names)
            if missing:
                raise ValueError(f"{document.name}.json: no actor_names for {sorted(missing)}")
    return EvalSet(tuple(documents), info.received_at, info.actor_ids, info.scheme,
                   info.targets, directory.name)


def find_sets(directory: Path) -> list[Path]:
    """The annotated sets in ``directory``: itself if it holds documents, else each of its
    sub-folders that does, in name order."""
    if any(directory.glob("*.json")) and any(directory.glob("*.txt")):
        return [directory]
    return sorted(
        folder for folder in directory.iterdir()
        if folder.is_dir() and any(folder.glob("*.txt")) and any(folder.glob("*.json"))
    )
