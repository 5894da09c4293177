"""Counting rules for one actor or commenter record, as plain functions.

Table values are JSON dicts so that they serialise with the table codec as they are
(their shapes: :mod:`agents.counting.values`).
One record per actor holds its totals since the start and its tumbling event-time
buckets of the retention period; a rolling figure is the sum of the buckets that fall
in its window, computed when read. The agents apply events in batches: each record
changed by a batch is written once (one changelog record, one output event).

Exactly-once counting: every value records, per ``newswire.files`` partition, the
offset of the last document applied to it (``applied``). Documents of one files
partition reach a given key in offset order, so an event whose document offset is not
above the mark was already counted in that value: after a crash, a rebalance or a
replay it is skipped, key by key, however the replay is batched. The mark travels in
the same changelog record as the counts, so the two are always restored together.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from agents.counting.values import ActorRecord, CommenterRecord, WindowCounts
from streams.models import ActorCountEvent, CommenterEvent, MentionEvent, Source, utcnow

_KEY_TIME = "%Y-%m-%dT%H:%M:%SZ"


def bucket_start(ts: datetime, bucket_seconds: int) -> datetime:
    """Start of the tumbling bucket holding ``ts`` (UTC)."""
    epoch = int(ts.timestamp())
    return datetime.fromtimestamp(epoch - epoch % bucket_seconds, UTC)


def format_time(ts: datetime) -> str:
    """The compact UTC form used in table keys and values (``2021-12-10T11:00:00Z``).

    Called for every bucket of every mention: formatted by hand, not with strftime.
    """
    if ts.tzinfo is not UTC:
        ts = ts.astimezone(UTC)
    if ts.year < 1000:  # the platform's strftime decides how such years look
        return ts.strftime(_KEY_TIME)
    return (f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d}"
            f"T{ts.hour:02d}:{ts.minute:02d}:{ts.second:02d}Z")


def parse_time(text: str) -> datetime:
    """Inverse of :func:`format_time`."""
    if len(text) == 20 and text[10] == "T" and text[19] == "Z":
        return datetime.fromisoformat(text)
    return datetime.strptime(text, _KEY_TIME).replace(tzinfo=UTC)


def already_applied(value: Mapping[str, Any] | None, source: Source) -> bool:
    """True when the document at ``source`` was already counted in ``value``."""
    if not value:
        return False
    mark: int = value.get("applied", {}).get(str(source.partition), -1)
    return mark >= source.offset


def new_actor(mention: MentionEvent) -> ActorRecord:
    """An empty record for the actor of ``mention``."""
    return {
        "id": mention.actor,
        "name": mention.name,
        "type": mention.type,
        "article_mentions": 0,
        "comment_mentions": 0,
        "articles": 0,
        "comments": 0,
        "buckets": {},
        "newest": None,
        "applied": {},
    }


def working_copy(record: ActorRecord) -> ActorRecord:
    """A copy of an actor record that :func:`add_mention` may change in place."""
    copy = record.copy()
    copy["buckets"] = dict(record["buckets"])
    copy["applied"] = dict(record["applied"])
    return copy


def add_mention(record: ActorRecord, mention: MentionEvent, retention: timedelta) -> str | None:
    """Add one document's mentions of an actor to ``record`` (a working copy), in place.

    ``buckets`` maps a bucket start to ``[mentions, articles, comments]``; buckets that
    end up a retention period or more before the actor's newest bucket are dropped
    (totals since the start are kept). Returns the newest bucket start of the mention,
    or None when the document was already counted.
    """
    if already_applied(record, mention.source):
        return None
    record["applied"][str(mention.source.partition)] = mention.source.offset
    record["name"] = mention.name
    record["type"] = mention.type
    record["article_mentions"] += mention.article_mentions
    record["comment_mentions"] += mention.comment_mentions
    record["articles"] += int(mention.article)
    record["comments"] += mention.comments
    buckets = record["buckets"]
    starts = {format_time(b.start): b for b in mention.buckets}
    latest = max(starts, default="")
    newest = max(record["newest"] or "", latest)
    horizon = _horizon(newest, retention) if newest else ""
    if newest != record["newest"]:
        record["newest"] = newest
        for start in [start for start in buckets if start <= horizon]:
            del buckets[start]
    for start, bucket in starts.items():
        if start <= horizon:
            continue  # older than the retention period
        held = buckets.get(start, (0, 0, 0))
        buckets[start] = [
            held[0] + bucket.mentions, held[1] + bucket.articles, held[2] + bucket.comments
        ]
    return latest


@lru_cache(maxsize=4096)
def _horizon(newest: str, retention: timedelta) -> str:
    """The bucket start at or before which a record whose newest bucket is ``newest``
    keeps nothing (remembered: a batch asks once per mention, for a few distinct hours)."""
    return format_time(parse_time(newest) - retention)


def window_of(end_bucket: datetime, bucket_seconds: int, hours: int) -> tuple[datetime, datetime]:
    """The rolling window [start, end) that ends with the bucket starting at ``end_bucket``."""
    end = end_bucket + timedelta(seconds=bucket_seconds)
    return end - timedelta(hours=hours), end


def window_counts(
    buckets: Mapping[str, list[int]], start: datetime, end: datetime
) -> WindowCounts:
    """Sum an actor's buckets whose start lies in [start, end).

    The compact time form sorts like the times it stands for, so no bucket is parsed.
    """
    low, high = format_time(start), format_time(end)
    total: WindowCounts = {"mentions": 0, "articles": 0, "comments": 0}
    for bucket, (mentions, articles, comments) in buckets.items():
        if low <= bucket < high:
            total["mentions"] += mentions
            total["articles"] += articles
            total["comments"] += comments
    return total


def actor_counts(
    record: ActorRecord, end_bucket: str, *, bucket_seconds: int, rolling_hours: int
) -> ActorCountEvent:
    """An actor's ``newswire.actor-counts`` event: totals, and the rolling window that
    ends with the bucket starting at ``end_bucket``."""
    start, end = window_of(parse_time(end_bucket), bucket_seconds, rolling_hours)
    window = window_counts(record["buckets"], start, end)
    return ActorCountEvent(
        actor=record["id"],
        name=record["name"],
        type=record["type"],
        window_start=start,
        window_end=end,
        mentions=window["mentions"],
        articles=window["articles"],
        comments=window["comments"],
        total_mentions=record["article_mentions"] + record["comment_mentions"],
        total_articles=record["articles"],
        total_comments=record["comments"],
        updated_at=utcnow(),
    )


def add_commenter(record: CommenterRecord, activity: CommenterEvent) -> bool:
    """Add one document's activity of a commenter to ``record`` (a working copy), in place;
    False when the document was already counted."""
    if already_applied(record, activity.source):
        return False
    record["applied"][str(activity.source.partition)] = activity.source.offset
    record["name"] = activity.name
    record["handle"] = activity.handle or record.get("handle")
    record["comments"] += activity.comments
    record["replies_received"] += activity.replies_received
    record["score_sum"] += activity.score_sum
    record["documents"] += 1
    if activity.last_posted_at is not None:
        posted = format_time(activity.last_posted_at)
        if record["last_posted_at"] is None or posted > record["last_posted_at"]:
            record["last_posted_at"] = posted
    return True


def commenter_copy(record: CommenterRecord) -> CommenterRecord:
    """A copy of a commenter record that :func:`add_commenter` may change in place."""
    copy = record.copy()
    copy["applied"] = dict(record.get("applied", {}))
    return copy


def new_commenter(activity: CommenterEvent) -> CommenterRecord:
    """An empty record for the commenter of ``activity``."""
    return {
        "commenter": activity.commenter,
        "name": activity.name,
        "handle": activity.handle,
        "comments": 0,
        "replies_received": 0,
        "score_sum": 0,
        "documents": 0,
        "last_posted_at": None,
        "applied": {},
    }
