"""The actors of one document: the gazetteer's reading, then the names NER adds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from agents.extraction.actors import Actor, Gazetteer

if TYPE_CHECKING:  # spaCy is optional: the recogniser module imports it only when used
    from agents.extraction.ner import EntityRecognizer

__all__ = ["DocumentActors", "find_actors"]


@dataclass(frozen=True, slots=True)
class DocumentActors:
    """Mentions per actor in each text of a document, and what each actor is."""

    counts: list[Counter[str]]
    new: dict[str, Actor]  # actors NER found that the gazetteer does not know

    def actor(self, gazetteer: Gazetteer, actor_id: str) -> Actor | None:
        """The actor behind an id of ``counts``."""
        return gazetteer.get(actor_id) or self.new.get(actor_id)


def find_actors(
    texts: Sequence[str],
    on: date,
    gazetteer: Gazetteer,
    ner: EntityRecognizer | None = None,
    not_actors: Iterable[str] = (),
) -> DocumentActors:
    """Count the actors of a document's ``texts`` (the article, then each comment) on the
    article's date ``on``; with ``ner``, names the gazetteer does not know count too,
    except ``not_actors`` (commenters, the outlet)."""
    reading = gazetteer.document(texts, on)
    counts = reading.counts
    if ner is None:
        return DocumentActors(counts, {})
    found = ner.find(texts, reading.spans, not_actors)
    merged = [mine + new for mine, new in zip(counts, found.counts, strict=True)]
    return DocumentActors(merged, found.actors)
