"""The in-process ceiling: the worker's parse + extract + count code on plain dicts.

The same functions the agents call (:func:`agents.enrich.enrich` and the
:mod:`agents.counting` rules, in the order ``count-actors`` and ``count-commenters``
apply them), with dicts in place of Faust tables and no Kafka: no serialisation, no
sends, no changelogs, no commits. What this code can do on this machine, single-threaded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
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
from agents.enrich import enrich
from agents.extraction.actors import default_gazetteer
from streams.models import ActorCountEvent, FileEvent, MentionEvent, Source, utcnow
from streams.settings import Settings


@dataclass
class CeilingResult:
    """Throughput of the in-process run."""

    documents: int
    comments: int
    seconds: float

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    @property
    def comments_per_s(self) -> float:
        return self.comments / self.seconds if self.seconds > 0 else 0.0


class Counter:
    """``count-actors`` and ``count-commenters`` on dicts."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.retention = timedelta(hours=settings.retention_hours)
        self.totals: dict[str, Any] = {}
        self.buckets: dict[str, Any] = {}
        self.commenters: dict[str, Any] = {}
        self.emitted = 0

    def mention(self, mention: MentionEvent) -> ActorCountEvent | None:
        previous = self.totals.get(mention.actor)
        applied = apply_mention(previous, mention, self.retention)
        total = applied[0] if applied is not None else previous
        assert total is not None
        live = set(total["buckets"])
        for bucket in mention.buckets:
            key = bucket_key(mention.actor, bucket.start)
            if format_time(bucket.start) not in live:
                continue
            updated = add_to_bucket(
                self.buckets.get(key), mention.source,
                bucket.mentions, bucket.articles, bucket.comments,
            )
            if updated is not None:
                self.buckets[key] = updated
        if applied is None:
            return None
        for old in applied[1]:
            self.buckets.pop(f"{mention.actor}@{old}", None)
        self.totals[mention.actor] = total
        newest = max(bucket.start for bucket in mention.buckets)
        start, end = window_of(newest, self.settings.bucket_seconds, self.settings.rolling_hours)
        window = sum_window(
            ((parse_time(b), self.buckets.get(f"{mention.actor}@{b}") or {})
             for b in window_buckets(total["buckets"], start, end)),
            start,
            end,
        )
        self.emitted += 1
        return ActorCountEvent(
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
        )


def run_ceiling(events: list[FileEvent], settings: Settings) -> CeilingResult:
    """Process ``events`` in-process, as one worker would; the elapsed time."""
    gazetteer = default_gazetteer()
    counter = Counter(settings)
    documents: dict[str, Any] = {}
    comments = 0
    started = time.perf_counter()
    for offset, event in enumerate(events):
        source = Source(partition=0, offset=offset)
        if event.doc_id in documents:
            continue
        result = enrich(event, gazetteer, bucket_seconds=settings.bucket_seconds, source=source)
        documents[event.doc_id] = {"offset": offset}
        comments += len(result.comments)
        for mention in result.mentions:
            counter.mention(mention)
        for activity in result.commenters:
            record = apply_commenter(counter.commenters.get(activity.commenter), activity)
            if record is not None:
                counter.commenters[activity.commenter] = record
    return CeilingResult(len(documents), comments, time.perf_counter() - started)
