"""Agents: per-actor and per-commenter events -> tables -> ``newswire.actor-counts``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from agents.counting import (
    add_to_bucket,
    apply_commenter,
    apply_mention,
    bucket_key,
    format_time,
    parse_time,
    sum_window,
    window_buckets,
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
            continue  # only newswire writes this internal topic; nothing to report
        previous = actor_totals.get(mention.actor)
        applied = apply_mention(previous, mention, retention)
        total = applied[0] if applied is not None else previous
        assert total is not None  # "already applied" implies a stored value
        live = set(total["buckets"])
        # Buckets first, totals last: a crash in between is repaired on replay, since
        # each value skips the documents it already holds.
        for bucket in mention.buckets:
            key = bucket_key(mention.actor, bucket.start)
            if format_time(bucket.start) not in live:
                continue  # older than the retention period
            updated = add_to_bucket(
                actor_buckets.get(key), mention.source,
                bucket.mentions, bucket.articles, bucket.comments,
            )
            if updated is not None:
                actor_buckets[key] = updated
        if applied is None:
            continue  # a replayed document: nothing changed, nothing to emit
        for old in applied[1]:
            actor_buckets.pop(f"{mention.actor}@{old}", None)
        actor_totals[mention.actor] = total
        newest = max(bucket.start for bucket in mention.buckets)
        start, end = window_of(newest, settings.bucket_seconds, settings.rolling_hours)
        window = sum_window(
            ((parse_time(b), actor_buckets.get(f"{mention.actor}@{b}") or {})
             for b in window_buckets(total["buckets"], start, end)),
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
            record = apply_commenter(commenters.get(activity.commenter), activity)
            if record is not None:
                commenters[activity.commenter] = record
