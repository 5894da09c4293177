"""Agent: accepted files -> articles, comments, and per-actor / per-commenter batches."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from agents.enrich import Enriched, enrich
from agents.extraction.actors import default_gazetteer
from agents.recent import article_summary, push_latest
from streams import metrics, output
from streams.app import app
from streams.batches import by_partition, set_current_event, write
from streams.continuity import InputGuard
from streams.models import (
    CommenterBatch,
    CommenterEvent,
    FileEvent,
    Malformed,
    MentionBatch,
    MentionEvent,
    RejectedEvent,
    Source,
    utcnow,
)
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


class _Outbox:
    """What a batch of documents sends once, at its end: one mentions record and one
    commenter-activity record per destination partition, one latest-articles value per
    files partition."""

    def __init__(self) -> None:
        self.mentions: dict[int, list[MentionEvent]] = defaultdict(list)
        self.activities: dict[int, list[CommenterEvent]] = defaultdict(list)
        self.latest: dict[int, tuple[Any, list[dict[str, Any]]]] = {}

    def add(self, record: Any, result: Enriched) -> None:
        for mention in result.mentions:
            self.mentions[partition_for(mentions_topic, mention.actor)].append(mention)
        for activity in result.commenters:
            self.activities[partition_for(commenters_topic, activity.commenter)].append(
                activity)
        partition = record.message.partition
        _, items = self.latest.get(partition) or (None, latest_articles.get(str(partition)))
        self.latest[partition] = (record, push_latest(items, article_summary(result.article)))

    async def send(self) -> None:
        for partition, (record, items) in self.latest.items():
            set_current_event(record)
            await write(latest_articles, str(partition), items, partition)
        set_current_event(None)
        for partition, mentions in self.mentions.items():
            await mentions_topic.send(value=MentionBatch(mentions=mentions), partition=partition)
        for partition, activities in self.activities.items():
            await commenters_topic.send(
                value=CommenterBatch(activities=activities), partition=partition)


@app.agent(files_topic, name="parse-documents")
async def parse_documents(stream: Any) -> None:
    """Parse each new document once; a doc_id already counted is reported, not recounted.

    Events come in batches (``NEWSWIRE_BATCH_SIZE`` / ``NEWSWIRE_BATCH_SECONDS``):
    articles and comments are sent per document, the batch's mentions and commenter
    activity as one record per destination partition. Faust acknowledges a batch's
    files events only once this loop asks for the next batch, after every send. Only
    records that continue their partition are processed (streams.continuity).
    """
    settings = get_settings()
    gazetteer = default_gazetteer()
    ner = None
    if settings.ner:
        from agents.extraction.ner import default_recognizer

        ner = default_recognizer(settings.ner_model)
        await asyncio.to_thread(ner.load)  # seconds: not on the event loop

    async def parse(event: FileEvent, source: Source) -> Enriched:
        if ner is None:
            return enrich(event, gazetteer, bucket_seconds=settings.bucket_seconds, source=source)
        # tens of milliseconds: off the event loop (heartbeats, the web view)
        return await asyncio.to_thread(
            enrich, event, gazetteer, bucket_seconds=settings.bucket_seconds, source=source,
            ner=ner,
        )

    async def process(record: Any, outbox: _Outbox) -> None:
        set_current_event(record)
        event = record.value
        source = Source(partition=record.message.partition, offset=record.message.offset)
        if isinstance(event, Malformed):
            await reject(None, None, "malformed_event", f"not a files event: {event.error}")
            return
        if not isinstance(event, FileEvent):
            await reject(None, None, "malformed_event", f"unexpected value {type(event).__name__}")
            return
        metrics.files_accepted.inc()
        # A doc_id always lands on the same files partition (it is the key), so the offset
        # tells a new drop of the same text (reported, not counted) from a replay of the
        # same event after a failure (processed again; counting skips what it already
        # holds, see agents.counting).
        first = documents.get(event.doc_id)
        if first is not None and first.get("offset") != source.offset:
            await reject(
                event.source_path,
                event.doc_id,
                "duplicate",
                f"same text as {first.get('source_path')}, already counted; nothing changes",
            )
            return
        try:
            result = await parse(event, source)
        except Exception as exc:  # a parser bug must not stop the stream
            await reject(event.source_path, event.doc_id, "parse_error", repr(exc)[:500])
            return
        await write(documents, event.doc_id, {
            "source_path": event.source_path,
            "offset": source.offset,
            "processed_at": result.article.processed_at.isoformat(),
        }, source.partition)
        metrics.observe_article(result.article)
        await output.send(articles_topic, event.doc_id, result.article)
        for comment in result.comments:
            await output.send(comments_topic, event.doc_id, comment)
        outbox.add(record, result)

    guard = InputGuard("parse-documents", files_topic)
    async for records in stream.take_events(settings.batch_size, within=settings.batch_seconds):
        outbox = _Outbox()
        groups = [await guard.admit(group) for group in by_partition(records).values()]
        for group in groups:
            for record in group:
                await process(record, outbox)
                # Let the rest of the worker run between documents: the producer's
                # sender, the delivery of consumed records to the counting agents,
                # heartbeats and the web view would otherwise wait for the whole batch
                # (up to a second).
                await asyncio.sleep(0)
        await outbox.send()
        for group in groups:
            if group:
                set_current_event(group[-1])
                await guard.record_applied(group)
        set_current_event(None)


async def reject(source_path: str | None, doc_id: str | None, reason: str, detail: str) -> None:
    """Publish a rejection of an event the worker could not process."""
    path = source_path or "<newswire.files>"
    await rejected_topic.send(
        key=path,
        value=RejectedEvent(
            source_path=path, doc_id=doc_id, stage="process", reason=reason, detail=detail,
            at=utcnow(),
        ),
    )
