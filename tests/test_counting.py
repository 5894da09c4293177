"""Counting rules of the tables: buckets, retention, rolling windows, commenters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agents.counting import (
    add_to_bucket,
    apply_commenter,
    apply_mention,
    bucket_key,
    bucket_start,
    format_time,
    parse_time,
    sum_window,
    window_of,
)
from streams.models import BucketCount, CommenterEvent, MentionEvent, Source

T0 = datetime(2021, 12, 10, 11, 30, tzinfo=UTC)


def mention(
    doc: str, at: datetime, article: int = 1, comment: int = 0, offset: int | None = None
) -> MentionEvent:
    return MentionEvent(
        doc_id=doc, source=Source(partition=0, offset=ord(doc[0]) if offset is None else offset),
        actor="nato", name="NATO", type="organization",
        article_mentions=article, comment_mentions=comment, article=article > 0,
        comments=1 if comment else 0,
        buckets=[BucketCount(start=bucket_start(at, 3600), mentions=article + comment,
                             articles=int(article > 0), comments=int(comment > 0))],
    )


def test_bucket_start_is_the_hour_in_utc() -> None:
    assert bucket_start(T0, 3600) == datetime(2021, 12, 10, 11, tzinfo=UTC)
    assert parse_time(format_time(T0)) == T0.replace(second=0, microsecond=0)
    assert bucket_key("nato", bucket_start(T0, 3600)) == "nato@2021-12-10T11:00:00Z"


def apply(total: dict[str, object] | None, event: MentionEvent, retention: timedelta) -> tuple[
    dict[str, object], list[str]
]:
    result = apply_mention(total, event, retention)
    assert result is not None
    return result


def test_totals_add_up_per_document() -> None:
    total, expired = apply(None, mention("a", T0, 2, 3), timedelta(days=7))
    total, expired = apply(total, mention("b", T0, 1, 0), timedelta(days=7))
    assert (total["article_mentions"], total["comment_mentions"]) == (3, 3)
    assert (total["articles"], total["comments"]) == (2, 1)
    assert total["buckets"] == ["2021-12-10T11:00:00Z"]
    assert expired == []


def test_buckets_older_than_retention_expire() -> None:
    retention = timedelta(hours=48)
    total, _ = apply(None, mention("a", T0), retention)
    total, _ = apply(total, mention("b", T0 + timedelta(hours=30)), retention)
    total, expired = apply(total, mention("c", T0 + timedelta(hours=49)), retention)
    assert expired == ["2021-12-10T11:00:00Z"]
    assert len(total["buckets"]) == 2
    assert total["articles"] == 3  # totals since the start never expire


def test_rolling_window_sums_the_last_24_buckets() -> None:
    buckets = [(bucket_start(T0 + timedelta(hours=h), 3600), {"mentions": 1}) for h in range(48)]
    newest = buckets[-1][0]
    start, end = window_of(newest, 3600, 24)
    assert end - start == timedelta(hours=24)
    assert sum_window(buckets, start, end)["mentions"] == 24


def test_a_document_is_counted_once_per_value_whatever_the_replays() -> None:
    retention = timedelta(days=7)
    first = mention("a", T0, 2, 0, offset=10)
    total, _ = apply(None, first, retention)
    assert apply_mention(total, first, retention) is None  # the same document again
    assert apply_mention(total, mention("z", T0, offset=9), retention) is None  # older
    total, _ = apply(total, mention("b", T0, 1, 0, offset=11), retention)
    assert total["article_mentions"] == 3
    other_partition = mention("c", T0, 5, 0, offset=3).model_copy(
        update={"source": Source(partition=1, offset=3)})
    total, _ = apply(total, other_partition, retention)
    assert total["article_mentions"] == 8
    assert total["applied"] == {"0": 11, "1": 3}

    bucket = add_to_bucket(None, Source(partition=0, offset=10), 1, 1, 0)
    assert add_to_bucket(bucket, Source(partition=0, offset=10), 1, 1, 0) is None
    bucket = add_to_bucket(bucket, Source(partition=0, offset=11), 2, 0, 1)
    assert bucket is not None
    assert (bucket["mentions"], bucket["articles"], bucket["comments"]) == (3, 1, 1)


def test_commenter_activity_accumulates() -> None:
    event = CommenterEvent(doc_id="a", source=Source(partition=0, offset=1),
                           commenter="bitter", name="Bitter", handle=None, comments=2,
                           replies_received=1, score_sum=0, last_posted_at=T0)
    record = apply_commenter(apply_commenter(None, event), event.model_copy(
        update={"doc_id": "b", "score_sum": 3, "source": Source(partition=0, offset=2)}))
    assert record is not None
    assert apply_commenter(record, event) is None
    assert (record["comments"], record["replies_received"], record["score_sum"]) == (4, 2, 3)
    assert record["documents"] == 2
    assert record["last_posted_at"] == "2021-12-10T11:30:00Z"
