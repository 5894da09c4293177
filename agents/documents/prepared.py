"""A document's events, serialised and ready to send: what the documents agent needs of
:func:`agents.documents.enrich.enrich`, in a form that crosses a process boundary cheaply (bytes
and a few plain values, no models to pickle).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from agents.documents.enrich import enrich
from agents.documents.latest import LatestArticle, article_summary
from agents.extraction.actors import Gazetteer
from streams.models import FileEvent, Source, dumps
from streams.reasons import Reason

if TYPE_CHECKING:
    from agents.extraction.ner import EntityRecognizer


@dataclass(frozen=True, slots=True)
class Prepared:
    """Every record one document yields, serialised with the events' codec."""

    doc_id: str
    latency_s: float
    article: bytes
    comments: tuple[bytes, ...]
    mentions: tuple[tuple[str, bytes], ...]  # (table key, MentionEvent)
    commenters: tuple[tuple[str, bytes], ...]  # (commenter key, CommenterEvent)
    summary: LatestArticle


@dataclass(frozen=True, slots=True)
class Failed:
    """A document that could not be parsed (the parser raised, its process died on it
    or took too long): why, for a rejection with ``reason``."""

    error: str
    reason: Reason = Reason.PARSE_ERROR


def prepare(
    file: FileEvent,
    gazetteer: Gazetteer,
    *,
    bucket_seconds: int,
    source: Source,
    ner: EntityRecognizer | None = None,
) -> Prepared | Failed:
    """Enrich ``file`` and serialise its events; a parser exception becomes ``Failed``."""
    try:
        result = enrich(file, gazetteer, bucket_seconds=bucket_seconds, source=source, ner=ner)
    except Exception as exc:  # a parser bug must not stop the stream
        return Failed(repr(exc)[:500])
    article = result.article
    return Prepared(
        doc_id=file.doc_id,
        latency_s=max(0.0, (article.processed_at - file.received_at).total_seconds()),
        article=dumps(article),
        comments=tuple(map(dumps, result.comments)),
        mentions=tuple((m.key or m.actor, dumps(m)) for m in result.mentions),
        commenters=tuple((c.commenter, dumps(c)) for c in result.commenters),
        summary=article_summary(article),
    )


def join_records(field: str, records: list[bytes]) -> bytes:
    """One JSON object whose ``field`` lists ``records`` (serialised objects), as the
    codec would serialise a batch model of them (``MentionBatch``, ``CommenterBatch``)."""
    return b'{"%s":[%s]}' % (field.encode(), b",".join(records))
