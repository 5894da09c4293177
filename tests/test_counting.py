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
from streams.models import BucketCount, CommenterEvent, MentionEvent

T0 = datetime(2021, 12, 10, 11, 30, tzinfo=UTC)


def mention(doc: str, at: datetime, article: int = 1, comment: int = 0) -> MentionEvent:
    return MentionEvent(
        doc_id=doc, actor="nato", name="NATO", type="organization",
        article_mentions=article, comment_mentions=comment, article=article > 0,
        comments=1 if comment else 0,
        buckets=[BucketCount(start=bucket_start(at, 3600), mentions=article + comment,
                             articles=int(article > 0), comments=int(comment > 0))],
    )


def test_bucket_start_is_the_hour_in_utc() -> None:
    assert bucket_start(T0, 3600) == datetime(2021, 12, 10, 11, tzinfo=UTC)
    assert parse_time(format_time(T0)) == T0.replace(second=0, microsecond=0)
    assert bucket_key("nato", bucket_start(T0, 3600)) == "nato@2021-12-10T11:00:00Z"


def test_totals_add_up_per_document() -> None:
    total, expired = apply_mention(None, mention("a", T0, 2, 3), timedelta(days=7))
    total, expired = apply_mention(total, mention("b", T0, 1, 0), timedelta(days=7))
    assert (total["article_mentions"], total["comment_mentions"]) == (3, 3)
    assert (total["articles"], total["comments"]) == (2, 1)
    assert total["buckets"] == ["2021-12-10T11:00:00Z"]
    assert expired == []


def test_buckets_older_than_retention_expire() -> None:
    retention = timedelta(hours=48)
    total, _ = apply_mention(None, mention("a", T0), retention)
    total, _ = apply_mention(total, mention("b", T0 + timedelta(hours=30)), retention)
    total, expired = apply_mention(total, mention("c", T0 + timedelta(hours=49)), retention)
    assert expired == ["2021-12-10T11:00:00Z"]
    assert len(total["buckets"]) == 2
    assert total["articles"] == 3  # totals since the start never expire


def test_rolling_window_sums_the_last_24_buckets() -> None:
    buckets = [(bucket_start(T0 + timedelta(hours=h), 3600), {"mentions": 1}) for h in range(48)]
    newest = buckets[-1][0]
    start, end = window_of(newest, 3600, 24)
    assert end - start == timedelta(hours=24)
    assert sum_window(buckets, start, end)["mentions"] == 24
    assert add_to_bucket(add_to_bucket(None, 1, 1, 0), 2, 0, 1) == {
        "mentions": 3, "articles": 1, "comments": 1}


def test_commenter_activity_accumulates() -> None:
    event = CommenterEvent(doc_id="a", commenter="bitter", name="Bitter", handle=None,
                           comments=2, replies_received=1, score_sum=0, last_posted_at=T0)
    record = apply_commenter(apply_commenter(None, event), event.model_copy(
        update={"doc_id": "b", "score_sum": 3}))
    assert (record["comments"], record["replies_received"], record["score_sum"]) == (4, 2, 3)
    assert record["documents"] == 2
    assert record["last_posted_at"] == "2021-12-10T11:30:00Z"
