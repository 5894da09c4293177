"""Agents: batches of per-actor and per-commenter events -> tables -> ``newswire.actor-counts``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from agents import counting
from streams.app import app
from streams.faust_fixes.checkpoint import Checkpoint
from streams.models import CommenterBatch, MentionBatch
from streams.settings import get_settings
from streams.tables import actors, commenters
from streams.topics import actor_counts_topic, commenters_topic, mentions_topic


@app.agent(mentions_topic, name="count-actors")
async def count_actors(stream: Any) -> None:
    """Apply each batch of mentions to the actor table; emit each changed actor's counts once.

    An actor's events all arrive on its partition, so each partition's share of a batch
    is applied under an event of that partition (streams.faust_fixes.checkpoint).
    """
    settings = get_settings()
    retention = timedelta(hours=settings.retention_hours)
    checkpoint = Checkpoint("count-actors", mentions_topic)
    async for events in stream.take_events(settings.batch_size, within=settings.batch_seconds):
        async with checkpoint.batch(events) as batch:  # 1. admit ... 6. acknowledge
            for partition, group in batch.admitted.items():
                batch.at(group[-1])
                counted = counting.count_mentions(  # 2. apply
                    actors,
                    (m for e in group if isinstance(e.value, MentionBatch)
                     for m in e.value.mentions),
                    retention=retention, bucket_seconds=settings.bucket_seconds,
                    rolling_hours=settings.rolling_hours,
                )
                for actor, record in counted.records.items():  # 2. (the tables)
                    batch.write(actors, actor, record, partition)
                for counts in counted.events:  # 3. send
                    await actor_counts_topic.send(key=counts.actor, value=counts)


@app.agent(commenters_topic, name="count-commenters")
async def count_commenters(stream: Any) -> None:
    """Apply each batch of commenter activity to the commenters table."""
    settings = get_settings()
    checkpoint = Checkpoint("count-commenters", commenters_topic)
    async for events in stream.take_events(settings.batch_size, within=settings.batch_seconds):
        async with checkpoint.batch(events) as batch:  # 1. admit ... 6. acknowledge
            for partition, group in batch.admitted.items():
                batch.at(group[-1])
                changed = counting.count_commenters(  # 2. apply
                    commenters,
                    (a for e in group if isinstance(e.value, CommenterBatch)
                     for a in e.value.activities),
                )
                for commenter, record in changed.items():  # 2. (3: nothing to send)
                    batch.write(commenters, commenter, record, partition)
