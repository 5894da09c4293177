"""Agents: batches of per-actor and per-commenter events -> tables -> ``newswire.actor-counts``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from agents import counting
from streams.app import app
from streams.faust_fixes.continuity import InputGuard
from streams.faust_fixes.table_writes import by_partition, set_current_event, write
from streams.models import CommenterBatch, MentionBatch
from streams.settings import get_settings
from streams.tables import actors, commenters
from streams.topics import actor_counts_topic, commenters_topic, mentions_topic


@app.agent(mentions_topic, name="count-actors")
async def count_actors(stream: Any) -> None:
    """Apply each batch of mentions to the actor table; emit each changed actor's counts once.

    An actor's events all arrive on its partition, so each partition's share of a batch
    is applied with an event of that partition as the current event. Only records that
    continue their partition are applied (streams.faust_fixes.continuity).
    """
    settings = get_settings()
    retention = timedelta(hours=settings.retention_hours)
    guard = InputGuard("count-actors", mentions_topic)
    async for events in stream.take_events(settings.batch_size, within=settings.batch_seconds):
        for partition, arrived in by_partition(events).items():
            group = await guard.admit(arrived)
            if not group:
                continue
            set_current_event(group[-1])
            counted = counting.count_mentions(
                actors,
                (m for e in group if isinstance(e.value, MentionBatch) for m in e.value.mentions),
                retention=retention, bucket_seconds=settings.bucket_seconds,
                rolling_hours=settings.rolling_hours,
            )
            for actor, record in counted.records.items():
                await write(actors, actor, record, partition)
            for counts in counted.events:
                await actor_counts_topic.send(key=counts.actor, value=counts)
            await guard.record_applied(group)
        set_current_event(None)


@app.agent(commenters_topic, name="count-commenters")
async def count_commenters(stream: Any) -> None:
    """Apply each batch of commenter activity to the commenters table."""
    settings = get_settings()
    guard = InputGuard("count-commenters", commenters_topic)
    async for events in stream.take_events(settings.batch_size, within=settings.batch_seconds):
        for partition, arrived in by_partition(events).items():
            group = await guard.admit(arrived)
            if not group:
                continue
            set_current_event(group[-1])
            changed = counting.count_commenters(
                commenters,
                (a for e in group if isinstance(e.value, CommenterBatch)
                 for a in e.value.activities),
            )
            for commenter, record in changed.items():
                await write(commenters, commenter, record, partition)
            await guard.record_applied(group)
        set_current_event(None)
