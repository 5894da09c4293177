"""Counting rules for the actor and commenter tables, as plain functions.

Table values are JSON dicts so that they serialise with the table codec as they are.
Buckets are tumbling, on event time; a rolling figure is the sum of the buckets that
fall in its window, computed when read.

Exactly-once counting: every value records, per ``newswire.files`` partition, the
offset of the last document applied to it (``applied``). Documents of one files
partition reach a given key in offset order, so an event whose document offset is not
above the mark was already counted in that value: after a crash, a rebalance or a
replay it is skipped, key by key. The mark travels in the same changelog record as the
counts, so the two are always restored together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any

from streams.models import ActorCountEvent, CommenterEvent, MentionEvent, Source, utcnow

Json = dict[str, Any]
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


def bucket_key(actor: str, start: datetime) -> str:
    """Key of one actor's bucket in the bucket table."""
    return f"{actor}@{format_time(start)}"


def already_applied(value: Json | None, source: Source) -> bool:
    """True when the document at ``source`` was already counted in ``value``."""
    if not value:
        return False
    mark: int = value.get("applied", {}).get(str(source.partition), -1)
    return mark >= source.offset


def _marked(value: Json, source: Source) -> Json:
    value["applied"] = {**value.get("applied", {}), str(source.partition): source.offset}
    return value


def new_total(mention: MentionEvent) -> Json:
    """An empty totals record for the actor of ``mention``."""
    return {
        "id": mention.actor,
        "name": mention.name,
        "type": mention.type,
        "article_mentions": 0,
        "comment_mentions": 0,
        "articles": 0,
        "comments": 0,
        "buckets": [],
    }


def apply_mention(
    total: Json | None, mention: MentionEvent, retention: timedelta
) -> tuple[Json, list[str]] | None:
    """Add one document's mentions of an actor to its totals.

    Returns the new totals and the bucket starts that fell out of the retention period
    (measured back from the actor's newest bucket), for the caller to delete; None when
    this document was already counted.
    """
    if already_applied(total, mention.source):
        return None
    record = _marked(dict(total) if total else new_total(mention), mention.source)
    record["name"] = mention.name
    record["type"] = mention.type
    record["article_mentions"] += mention.article_mentions
    record["comment_mentions"] += mention.comment_mentions
    record["articles"] += int(mention.article)
    record["comments"] += mention.comments
    held = set(record["buckets"]) | {format_time(b.start) for b in mention.buckets}
    ordered = sorted(held)
    if not ordered:
        record["buckets"] = []
        return record, []
    horizon = format_time(parse_time(ordered[-1]) - retention)
    record["buckets"] = [start for start in ordered if start > horizon]
    return record, [start for start in ordered if start <= horizon]


def add_to_bucket(
    value: Json | None, source: Source, mentions: int, articles: int, comments: int
) -> Json | None:
    """One bucket's counts after adding a document's share; None if already counted."""
    if already_applied(value, source):
        return None
    current = value or {"mentions": 0, "articles": 0, "comments": 0}
    return _marked(
        {
            "mentions": current["mentions"] + mentions,
            "articles": current["articles"] + articles,
            "comments": current["comments"] + comments,
            "applied": current.get("applied", {}),
        },
        source,
    )


def window_of(end_bucket: datetime, bucket_seconds: int, hours: int) -> tuple[datetime, datetime]:
    """The rolling window [start, end) that ends with the bucket starting at ``end_bucket``."""
    end = end_bucket + timedelta(seconds=bucket_seconds)
    return end - timedelta(hours=hours), end


def window_buckets(held: Iterable[str], start: datetime, end: datetime) -> list[str]:
    """The held bucket starts (formatted) that fall in [start, end).

    The compact form sorts like the times it stands for, so no bucket is parsed: an
    actor holds up to a retention period of buckets, a window a day of them.
    """
    low, high = format_time(start), format_time(end)
    return [bucket for bucket in held if low <= bucket < high]


def sum_window(
    buckets: Iterable[tuple[datetime, Mapping[str, int]]], start: datetime, end: datetime
) -> Json:
    """Sum bucket counts whose start lies in [start, end)."""
    total = {"mentions": 0, "articles": 0, "comments": 0}
    for bucket, counts in buckets:
        if start <= bucket < end:
            for field in total:
                total[field] += counts.get(field, 0)
    return total


def apply_commenter(record: Json | None, activity: CommenterEvent) -> Json | None:
    """Add one document's activity of a commenter to its record; None if already counted."""
    if already_applied(record, activity.source):
        return None
    current: Json = dict(record) if record else {
        "commenter": activity.commenter,
        "name": activity.name,
        "handle": activity.handle,
        "comments": 0,
        "replies_received": 0,
        "score_sum": 0,
        "documents": 0,
        "last_posted_at": None,
    }
    current["name"] = activity.name
    current["handle"] = activity.handle or current.get("handle")
    current["comments"] += activity.comments
    current["replies_received"] += activity.replies_received
    current["score_sum"] += activity.score_sum
    current["documents"] += 1
    if activity.last_posted_at is not None:
        posted = format_time(activity.last_posted_at)
        if current["last_posted_at"] is None or posted > current["last_posted_at"]:
            current["last_posted_at"] = posted
    return _marked(current, activity.source)


def count_mention(
    totals: MutableMapping[str, Any],
    buckets: MutableMapping[str, Any],
    mention: MentionEvent,
    *,
    retention: timedelta,
    bucket_seconds: int,
    rolling_hours: int,
) -> ActorCountEvent | None:
    """Apply one document's mentions of an actor to the totals and bucket tables.

    Works on any mutable mapping: Faust tables in the ``count-actors`` agent, dicts in
    the benchmark's in-process ceiling. Returns the actor's new counts to emit, or None
    when the document was already counted (a replay).
    """
    previous = totals.get(mention.actor)
    applied = apply_mention(previous, mention, retention)
    total = applied[0] if applied is not None else previous
    assert total is not None  # "already applied" implies a stored value
    live = set(total["buckets"])
    # Buckets first, totals last: a crash in between is repaired on replay, since each
    # value skips the documents it already holds.
    for bucket in mention.buckets:
        if format_time(bucket.start) not in live:
            continue  # older than the retention period
        key = bucket_key(mention.actor, bucket.start)
        updated = add_to_bucket(
            buckets.get(key), mention.source, bucket.mentions, bucket.articles, bucket.comments
        )
        if updated is not None:
            buckets[key] = updated
    if applied is None:
        return None  # a replayed document: nothing changed, nothing to emit
    for old in applied[1]:
        buckets.pop(f"{mention.actor}@{old}", None)
    totals[mention.actor] = total
    newest = max(bucket.start for bucket in mention.buckets)
    start, end = window_of(newest, bucket_seconds, rolling_hours)
    window = sum_window(
        ((parse_time(b), buckets.get(f"{mention.actor}@{b}") or {})
         for b in window_buckets(total["buckets"], start, end)),
        start,
        end,
    )
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


def count_commenter(commenters: MutableMapping[str, Any], activity: CommenterEvent) -> None:
    """Apply one document's activity of a commenter to the commenters table."""
    record = apply_commenter(commenters.get(activity.commenter), activity)
    if record is not None:
        commenters[activity.commenter] = record
