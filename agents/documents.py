"""Agent: accepted files -> articles, comments, and per-actor / per-commenter batches."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from agents.enrich import Enriched, enrich
from agents.extraction.actors import default_gazetteer
from agents.recent import article_summary, push_latest
from streams import metrics
from streams.app import app
from streams.batches import set_current_event, write
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


@app.agent(files_topic, name="parse-documents")
async def parse_documents(stream: Any) -> None:
    """Parse each new document once; a doc_id already counted is reported, not recounted.

    Events come in batches (``NEWSWIRE_BATCH_SIZE`` / ``NEWSWIRE_BATCH_SECONDS``):
    articles and comments are sent per document, the batch's mentions and commenter
    activity as one record per destination partition. Faust acknowledges a batch's
    files events only once this loop asks for the next batch, after every send.
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

    async for records in stream.take_events(settings.batch_size, within=settings.batch_seconds):
        mentions: dict[int, list[MentionEvent]] = defaultdict(list)
        activities: dict[int, list[CommenterEvent]] = defaultdict(list)
        latest: dict[int, tuple[Any, list[dict[str, Any]]]] = {}
        for record in records:
            set_current_event(record)
            event = record.value
            source = Source(partition=record.message.partition, offset=record.message.offset)
            if isinstance(event, Malformed):
                await reject(None, None, "malformed_event", f"not a files event: {event.error}")
                continue
            if not isinstance(event, FileEvent):
                await reject(
                    None, None, "malformed_event", f"unexpected value {type(event).__name__}"
                )
                continue
            metrics.files_accepted.inc()
            # A doc_id always lands on the same files partition (it is the key), so the
            # offset tells a new drop of the same text (reported, not counted) from a
            # replay of the same event after a failure (processed again; counting skips
            # what it already holds, see agents.counting).
            first = documents.get(event.doc_id)
            if first is not None and first.get("offset") != source.offset:
                await reject(
                    event.source_path,
                    event.doc_id,
                    "duplicate",
                    f"same text as {first.get('source_path')}, already counted; nothing changes",
                )
                continue
            try:
                result = await parse(event, source)
            except Exception as exc:  # a parser bug must not stop the stream
                await reject(event.source_path, event.doc_id, "parse_error", repr(exc)[:500])
                continue
            await write(documents, event.doc_id, {
                "source_path": event.source_path,
                "offset": source.offset,
                "processed_at": result.article.processed_at.isoformat(),
            }, source.partition)
            _, items = latest.get(source.partition) or (
                None, latest_articles.get(str(source.partition)))
            latest[source.partition] = (record, push_latest(items, article_summary(result.article)))
            metrics.observe_article(result.article)
            await articles_topic.send(key=event.doc_id, value=result.article)
            for comment in result.comments:
                await comments_topic.send(key=event.doc_id, value=comment)
            for mention in result.mentions:
                mentions[partition_for(mentions_topic, mention.actor)].append(mention)
            for activity in result.commenters:
                activities[partition_for(commenters_topic, activity.commenter)].append(activity)
        for partition, (record, items) in latest.items():
            set_current_event(record)
            await write(latest_articles, str(partition), items, partition)
        set_current_event(None)
        for partition, batch in mentions.items():
            await mentions_topic.send(value=MentionBatch(mentions=batch), partition=partition)
        for partition, group in activities.items():
            await commenters_topic.send(
                value=CommenterBatch(activities=group), partition=partition
            )


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
