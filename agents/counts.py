"""Agents: per-actor and per-commenter events -> tables -> ``newswire.actor-counts``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from agents.counting import count_commenter, count_mention
from streams.app import app
from streams.models import CommenterEvent, MentionEvent
from streams.settings import get_settings
from streams.tables import actor_buckets, actor_totals, commenters
from streams.topics import actor_counts_topic, commenters_topic, mentions_topic


@app.agent(mentions_topic, name="count-actors")
async def count_actors(stream: Any) -> None:
    """Update an actor's totals and buckets, then emit its new counts."""
    settings = get_settings()
    retention = timedelta(hours=settings.retention_hours)
    async for mention in stream:
        if not isinstance(mention, MentionEvent):
            continue  # only newswire writes this internal topic; nothing to report
        counts = count_mention(
            actor_totals, actor_buckets, mention, retention=retention,
            bucket_seconds=settings.bucket_seconds, rolling_hours=settings.rolling_hours,
        )
        if counts is not None:
            await actor_counts_topic.send(key=mention.actor, value=counts)


@app.agent(commenters_topic, name="count-commenters")
async def count_commenters(stream: Any) -> None:
    """Update each commenter's activity record."""
    async for activity in stream:
        if isinstance(activity, CommenterEvent):
            count_commenter(commenters, activity)
