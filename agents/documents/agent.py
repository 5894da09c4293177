"""Agent: accepted files -> articles, comments, and per-actor / per-commenter batches."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from typing import Any, TypedDict

from agents.documents.latest import LatestArticle, push_latest
from agents.documents.parse_pool import DocumentParser, ParseOptions
from agents.documents.prepared import Failed, Prepared, join_records
from streams import metrics
from streams.app import app
from streams.faust_fixes import direct_send as output
from streams.faust_fixes.checkpoint import Batch, Checkpoint
from streams.models import FileEvent, Malformed, RejectedEvent, Source, utcnow
from streams.reasons import Reason
from streams.settings import get_settings
from streams.tables import documents, latest_articles
from streams.topics import (
    articles_topic,
    commenters_topic,
    comments_topic,
    files_topic,
    mentions_topic,
    partition_for,
    rejected_topic,
)


class DocumentEntry(TypedDict):
    """``documents`` table: a document already counted, by doc_id."""

    source_path: str
    #: its ``newswire.files`` offset (a replay of that offset is processed again)
    offset: int
    processed_at: str


class _Outbox:
    """What a batch of documents sends once, at its end: one mentions record and one
    commenter-activity record per destination partition, one latest-articles value per
    files partition."""

    def __init__(self) -> None:
        self.mentions: dict[int, list[bytes]] = defaultdict(list)
        self.activities: dict[int, list[bytes]] = defaultdict(list)
        self.latest: dict[int, tuple[Any, list[LatestArticle]]] = {}

    def add(self, record: Any, prepared: Prepared) -> None:
        for actor, mention in prepared.mentions:
            self.mentions[partition_for(mentions_topic, actor)].append(mention)
        for commenter, activity in prepared.commenters:
            self.activities[partition_for(commenters_topic, commenter)].append(activity)
        partition = record.message.partition
        _, items = self.latest.get(partition) or (None, latest_articles.get(str(partition)))
        self.latest[partition] = (record, push_latest(items, prepared.summary))

    async def send(self, batch: Batch) -> None:
        for partition, (record, items) in self.latest.items():
            batch.at(record)
            batch.write(latest_articles, str(partition), items, partition)
        for partition, mentions in self.mentions.items():
            await output.send_serialized(
                mentions_topic, None, join_records("mentions", mentions), partition)
        for partition, activities in self.activities.items():
            await output.send_serialized(
                commenters_topic, None, join_records("activities", activities), partition)


@app.agent(files_topic, name="parse-documents")
async def parse_documents(stream: Any) -> None:
    """Parse each new document once; a doc_id already counted is reported, not recounted.

    Events come in batches (``NEWSWIRE_BATCH_SIZE`` / ``NEWSWIRE_BATCH_SECONDS``):
    documents are parsed in child processes (agents.documents.parse_pool), articles and comments
    sent per document, the batch's mentions and commenter activity as one record per
    destination partition. Faust acknowledges a batch's files events only once this loop
    asks for the next batch, after every send. Only records that continue their
    partition are processed (streams.faust_fixes.continuity).
    """
    settings = get_settings()
    checkpoint = Checkpoint("parse-documents", files_topic)
    async with DocumentParser(ParseOptions.of(settings), settings.parse_processes,
                              timeout=settings.parse_timeout) as parser:
        async for records in stream.take_events(settings.batch_size, within=settings.batch_seconds):
            async with checkpoint.batch(records) as batch:  # 1. admit ... 6. acknowledge
                outbox = _Outbox()
                to_parse, copies = await _new_documents(batch)
                tagged = [((record, source), record.value, source) for record, source in to_parse]
                async with contextlib.aclosing(parser.parse(tagged)) as results:
                    async for (record, source), result in results:  # 2. apply
                        batch.at(record)
                        await _publish(batch, record, source, result, outbox)  # 2. and 3.
                        # Let the rest of the worker run between documents: the producer's
                        # sender, the delivery of consumed records to the counting agents,
                        # heartbeats and the web view would otherwise wait for the batch.
                        await asyncio.sleep(0)
                for record, first in copies:
                    batch.at(record)
                    await _reject_copy(record.value, first)
                await outbox.send(batch)  # 2. and 3.: what the batch sends once


async def _new_documents(
    batch: Batch,
) -> tuple[list[tuple[Any, Source]], list[tuple[Any, FileEvent]]]:
    """The records to parse, with their positions, and the second copies of a text
    that comes twice in the batch, with the first; malformed events and copies of a
    text already counted are rejected.

    A doc_id always lands on the same files partition (it is the key), so the offset
    tells a new drop of the same text (reported, not counted) from a replay of the same
    event after a failure (processed again; counting skips what it already holds, see
    agents.counting).
    """
    to_parse = []
    copies = []
    first_copies: dict[str, FileEvent] = {}
    for record in batch.records():
        batch.at(record)
        event = record.value
        source = Source(partition=record.message.partition, offset=record.message.offset)
        if isinstance(event, Malformed):
            await reject(None, None, Reason.MALFORMED_EVENT, f"not a files event: {event.error}")
        elif not isinstance(event, FileEvent):
            await reject(None, None, Reason.MALFORMED_EVENT,
                         f"unexpected value {type(event).__name__}")
        else:
            metrics.files_accepted.inc()
            counted: DocumentEntry | None = documents.get(event.doc_id)
            if counted is not None and counted.get("offset") != source.offset:
                await _reject_copy(event, None)
            elif event.doc_id in first_copies:
                copies.append((record, first_copies[event.doc_id]))
            else:
                first_copies[event.doc_id] = event
                to_parse.append((record, source))
    return to_parse, copies


async def _reject_copy(event: FileEvent, first: FileEvent | None) -> None:
    """Report a second copy of a text: counted once (or, if its first copy in the same
    batch could not be parsed, not at all)."""
    counted: DocumentEntry | None = documents.get(event.doc_id)
    if counted is None and first is not None:
        detail = f"same text as {first.source_path}, which could not be parsed; nothing changes"
    else:
        path = first.source_path if first is not None else counted and counted.get("source_path")
        detail = f"same text as {path}, already counted; nothing changes"
    await reject(event.source_path, event.doc_id, Reason.DUPLICATE, detail)


async def _publish(
    batch: Batch, record: Any, source: Source, result: Prepared | Failed, outbox: _Outbox
) -> None:
    """A parsed document's records: its documents-table entry, article and comments now,
    its mentions and commenter activity with the batch's (``outbox``)."""
    event: FileEvent = record.value
    if isinstance(result, Failed):
        await reject(event.source_path, event.doc_id, result.reason, result.error)
        return
    entry: DocumentEntry = {
        "source_path": event.source_path,
        "offset": source.offset,
        "processed_at": result.summary["processed_at"],
    }
    batch.write(documents, event.doc_id, entry, source.partition)
    metrics.observe_latency(result.latency_s)
    await output.send_serialized(articles_topic, event.doc_id, result.article)
    for comment in result.comments:
        await output.send_serialized(comments_topic, event.doc_id, comment)
    outbox.add(record, result)


async def reject(
    source_path: str | None, doc_id: str | None, reason: Reason, detail: str
) -> None:
    """Publish a rejection of an event the worker could not process."""
    path = source_path or "<newswire.files>"
    await rejected_topic.send(
        key=path,
        value=RejectedEvent(
            source_path=path, doc_id=doc_id, stage="process", reason=reason, detail=detail,
            at=utcnow(),
        ),
    )
