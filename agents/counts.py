"""Agents: per-actor and per-commenter events -> tables -> ``newswire.actor-counts``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from agents.counting import (
    add_to_bucket,
    apply_commenter,
    apply_mention,
    bucket_key,
    parse_time,
    sum_window,
    window_of,
)
from streams.app import app
from streams.models import ActorCountEvent, CommenterEvent, MentionEvent, utcnow
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
            continue  # only this worker writes the internal topic; nothing to report
        total, expired = apply_mention(actor_totals.get(mention.actor), mention, retention)
        for bucket in mention.buckets:
            key = bucket_key(mention.actor, bucket.start)
            actor_buckets[key] = add_to_bucket(
                actor_buckets.get(key), bucket.mentions, bucket.articles, bucket.comments
            )
        for old in expired:
            actor_buckets.pop(f"{mention.actor}@{old}", None)
        actor_totals[mention.actor] = total
        newest = max(bucket.start for bucket in mention.buckets)
        start, end = window_of(newest, settings.bucket_seconds, settings.rolling_hours)
        held = [parse_time(s) for s in total["buckets"]]
        window = sum_window(
            ((b, actor_buckets.get(bucket_key(mention.actor, b)) or {}) for b in held
             if start <= b < end),
            start,
            end,
        )
        await actor_counts_topic.send(
            key=mention.actor,
            value=ActorCountEvent(
                actor=mention.actor,
                name=total["name"],
                type=total["type"],
                window_start=start,
                window_end=end,
                mentions=window["mentions"],
                articles=window["articles"],
                comments=window["comments"],
                total_mentions=total["article_mentions"] + total["comment_mentions"],
                total_articles=total["articles"],
                total_comments=total["comments"],
                updated_at=utcnow(),
            ),
        )


@app.agent(commenters_topic, name="count-commenters")
async def count_commenters(stream: Any) -> None:
    """Update each commenter's activity record."""
    async for activity in stream:
        if isinstance(activity, CommenterEvent):
            commenters[activity.commenter] = apply_commenter(
                commenters.get(activity.commenter), activity
            )
