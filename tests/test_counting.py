"""Counting rules of the tables: buckets, retention, rolling windows, commenters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from agents.counting import (
    actor_counts,
    bucket_start,
    count_commenters,
    count_mentions,
    format_time,
    parse_time,
    window_counts,
    window_of,
)
from agents.counting.groups import group_key
from streams.models import ActorCountEvent, BucketCount, CommenterEvent, MentionEvent, Source

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
    assert format_time(bucket_start(T0, 3600)) == "2021-12-10T11:00:00Z"


def count(
    table: dict[str, Any], *events: MentionEvent, retention: timedelta = timedelta(days=7)
) -> list[ActorCountEvent]:
    """Count a batch and store its records in ``table``, as the agent does."""
    counted = count_mentions(table, events, retention=retention, bucket_seconds=3600,
                             rolling_hours=24)
    table.update(counted.records)
    return counted.events


def test_totals_add_up_per_document() -> None:
    table: dict[str, Any] = {}
    count(table, mention("a", T0, 2, 3))
    count(table, mention("b", T0, 1, 0))
    total = table["nato"]
    assert (total["article_mentions"], total["comment_mentions"]) == (3, 3)
    assert (total["articles"], total["comments"]) == (2, 1)
    assert total["buckets"] == {"2021-12-10T11:00:00Z": [6, 2, 1]}


def test_a_batch_writes_each_actor_once_and_emits_its_latest_counts() -> None:
    counted = count_mentions(
        {}, [mention("a", T0, 1), mention("b", T0 + timedelta(hours=2), 2),
             mention("c", T0, 0, 1)],
        retention=timedelta(days=7), bucket_seconds=3600, rolling_hours=24)
    assert list(counted.records) == ["nato"]
    assert counted.records["nato"]["article_mentions"] == 3
    [event] = counted.events
    assert (event.total_mentions, event.total_articles, event.total_comments) == (4, 2, 1)
    assert event.window_end == datetime(2021, 12, 10, 14, tzinfo=UTC)  # newest bucket + 1 h
    assert event.mentions == 4


def test_stored_values_are_not_changed_in_place() -> None:
    table: dict[str, Any] = {}
    count(table, mention("a", T0))
    before = table["nato"]
    snapshot = {**before, "buckets": dict(before["buckets"])}
    count(table, mention("b", T0 + timedelta(hours=1)))
    assert before == snapshot and table["nato"] is not before


def test_buckets_older_than_retention_expire() -> None:
    table: dict[str, Any] = {}
    retention = timedelta(hours=48)
    count(table, mention("a", T0), retention=retention)
    count(table, mention("b", T0 + timedelta(hours=30)), retention=retention)
    count(table, mention("c", T0 + timedelta(hours=49)), retention=retention)
    assert sorted(table["nato"]["buckets"]) == ["2021-12-11T17:00:00Z", "2021-12-12T12:00:00Z"]
    assert table["nato"]["articles"] == 3  # totals since the start never expire
    count(table, mention("d", T0 - timedelta(hours=1)), retention=retention)  # too old
    assert len(table["nato"]["buckets"]) == 2 and table["nato"]["articles"] == 4


def test_rolling_window_sums_the_last_24_buckets() -> None:
    buckets = {format_time(bucket_start(T0 + timedelta(hours=h), 3600)): [1, 0, 0]
               for h in range(48)}
    newest = max(buckets)
    start, end = window_of(parse_time(newest), 3600, 24)
    assert end - start == timedelta(hours=24)
    assert window_counts(buckets, start, end)["mentions"] == 24
    record = {"id": "nato", "name": "NATO", "type": "organization", "article_mentions": 48,
              "comment_mentions": 0, "articles": 48, "comments": 0, "buckets": buckets}
    event = actor_counts(record, newest, bucket_seconds=3600, rolling_hours=24)
    assert (event.mentions, event.total_mentions) == (24, 48)


def test_a_document_is_counted_once_per_value_whatever_the_replays() -> None:
    table: dict[str, Any] = {}
    first = mention("a", T0, 2, 0, offset=10)
    count(table, first)
    assert count(table, first) == []  # the same document again
    assert count(table, mention("z", T0, offset=9)) == []  # older
    # A replay batched differently: the counted document is skipped, the new one counted.
    count(table, first, mention("b", T0, 1, 0, offset=11))
    assert table["nato"]["article_mentions"] == 3
    other_partition = mention("c", T0, 5, 0, offset=3).model_copy(
        update={"source": Source(partition=1, offset=3)})
    count(table, other_partition)
    assert table["nato"]["article_mentions"] == 8
    assert table["nato"]["applied"] == {"0": 11, "1": 3}
    assert table["nato"]["buckets"]["2021-12-10T11:00:00Z"] == [8, 3, 0]


def test_commenter_activity_accumulates() -> None:
    event = CommenterEvent(doc_id="a", source=Source(partition=0, offset=1),
                           commenter="bitter", name="Bitter", handle=None, comments=2,
                           replies_received=1, score_sum=0, last_posted_at=T0)
    table: dict[str, Any] = {}
    later = event.model_copy(
        update={"doc_id": "b", "score_sum": 3, "source": Source(partition=0, offset=2)})
    table.update(count_commenters(table, [event, later]))  # one record for the batch
    stored = table["bitter"]
    assert count_commenters(table, [event]) == {}  # already counted
    again = count_commenters(table, [later.model_copy(
        update={"doc_id": "c", "source": Source(partition=0, offset=3)})])
    assert table["bitter"] is stored and stored["documents"] == 2  # stored value untouched
    assert again["bitter"]["documents"] == 3
    record = table["bitter"]
    assert (record["comments"], record["replies_received"], record["score_sum"]) == (4, 2, 3)
    assert record["documents"] == 2
    assert record["last_posted_at"] == "2021-12-10T11:30:00Z"


# --------------------------------------------------------------------------- name groups


def person(actor: str, offset: int, mentions: int = 1) -> MentionEvent:
    """A person NER found, counted under its surname group."""
    return mention(f"d{offset}", T0, mentions, offset=offset).model_copy(update={
        "actor": actor, "name": actor.replace("-", " ").title(), "type": "person",
        "key": group_key(actor),
    })


def members(table: dict[str, Any], key: str) -> dict[str, int]:
    return {actor: record["article_mentions"]
            for actor, record in table[key]["members"].items()}


def test_a_surname_alone_merges_into_the_full_name_met_later() -> None:
    table: dict[str, Any] = {}
    count(table, person("attal", 1, 2))
    assert members(table, "surname:attal") == {"attal": 2}
    events = count(table, person("gabriel-attal", 2, 3))
    assert members(table, "surname:attal") == {"gabriel-attal": 5}
    assert table["surname:attal"]["merged"] == {"attal": "gabriel-attal"}
    merged = next(e for e in events if e.actor == "attal")
    assert (merged.merged_into, merged.total_mentions) == ("gabriel-attal", 0)
    full = next(e for e in events if e.actor == "gabriel-attal")
    assert full.total_mentions == 5
    # Later mentions of the surname alone count for the full name.
    count(table, person("attal", 3))
    assert members(table, "surname:attal") == {"gabriel-attal": 6}


def test_merged_names_count_each_document_once_whatever_the_replays() -> None:
    table: dict[str, Any] = {}
    first, second = person("attal", 1, 2), person("gabriel-attal", 2, 3)
    count(table, first)
    count(table, second)
    assert count(table, first, second) == []  # both replayed after the merge
    assert members(table, "surname:attal") == {"gabriel-attal": 5}
    replayed: dict[str, Any] = {}
    count(replayed, first, second, first)  # one batch, the first document twice
    assert replayed == table


def test_a_surname_two_full_names_share_stays_apart() -> None:
    table: dict[str, Any] = {}
    count(table, person("gabriel-attal", 1), person("marie-attal", 2), person("attal", 3))
    assert members(table, "surname:attal") == {"gabriel-attal": 1, "marie-attal": 1,
                                              "attal": 1}


def test_chains_of_short_names_end_in_the_fullest() -> None:
    table: dict[str, Any] = {}
    count(table, person("leyen", 1), person("von-der-leyen", 2))
    count(table, person("ursula-von-der-leyen", 3))
    assert members(table, "surname:leyen") == {"ursula-von-der-leyen": 3}
    assert table["surname:leyen"]["merged"] == {
        "leyen": "von-der-leyen", "von-der-leyen": "ursula-von-der-leyen"}
