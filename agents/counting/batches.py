"""Apply a batch of internal events to the stored table values: the changed values, to
store once each, and the ``newswire.actor-counts`` events they make."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from agents.counting import groups
from agents.counting.records import (
    actor_counts,
    add_commenter,
    add_mention,
    commenter_copy,
    new_actor,
    new_commenter,
    working_copy,
)
from agents.counting.values import ActorGroup, ActorRecord, ActorValue, CommenterRecord
from streams.models import ActorCountEvent, CommenterEvent, MentionEvent, utcnow

__all__ = ["Counted", "count_commenters", "count_mentions", "merged_away"]


@dataclass
class Counted:
    """What a batch of mentions changed: the table values to store (each once) and one
    ``newswire.actor-counts`` event per changed actor."""

    records: dict[str, ActorValue]
    events: list[ActorCountEvent]


def _value(actors: Mapping[str, Any], changed: Mapping[str, ActorValue], mention: MentionEvent,
           key: str) -> ActorValue:
    """The working copy of the value a mention counts in: an actor's record, or the
    surname group of a person NER found (``mention.key`` set)."""
    value = changed.get(key)
    if value is not None:
        return value
    stored = actors.get(key)
    if mention.key is None:
        return working_copy(stored) if stored else new_actor(mention)
    return groups.working_copy_of(stored) if stored else groups.new(key)


def _record(value: ActorValue, mention: MentionEvent) -> tuple[str, ActorRecord]:
    """The actor a mention counts for in ``value``, and its record there."""
    if mention.key is None:
        return mention.actor, cast(ActorRecord, value)
    group = cast(ActorGroup, value)
    actor = groups.member_for(group, mention)
    return actor, group["members"][actor]


def count_mentions(
    actors: Mapping[str, Any],
    mentions: Iterable[MentionEvent],
    *,
    retention: timedelta,
    bucket_seconds: int,
    rolling_hours: int,
) -> Counted:
    """Apply a batch of mentions (several documents, several actors) to the stored
    values, which are read, never changed.

    ``actors`` is any mapping: the Faust table in the ``count-actors`` agent, a dict in
    the benchmark's in-process ceiling. A mention counts under its ``key``: the actor's
    id, or the surname group of a person NER found (:mod:`agents.counting.groups`). Each
    changed actor's counts are emitted once, with the rolling window that ends at the
    newest bucket the batch touched. Documents already counted change nothing.
    """
    changed: dict[str, ActorValue] = {}
    window_end: dict[str, str] = {}
    merged: dict[str, str] = {}
    for mention in mentions:
        key = mention.key or mention.actor
        value = _value(actors, changed, mention, key)
        actor, record = _record(value, mention)
        newest = add_mention(record, mention, retention)
        if newest is None:
            continue
        changed[key] = value
        window_end[actor] = max(newest, window_end.get(actor, newest))
        if mention.key is not None:
            group = cast(ActorGroup, value)
            for short, full in groups.merge_short_forms(group).items():
                merged[short] = full
                ends = (window_end.pop(short, ""), window_end.get(full, ""))
                window_end[full] = max(*ends, group["members"][full]["newest"] or "")
    return Counted(changed, _events(changed, window_end, merged, bucket_seconds,
                                    rolling_hours))


def _events(
    changed: Mapping[str, ActorValue],
    window_end: Mapping[str, str],
    merged: Mapping[str, str],
    bucket_seconds: int,
    rolling_hours: int,
) -> list[ActorCountEvent]:
    """One event per changed actor; one with no counts for an actor merged into another."""
    records: dict[str, ActorRecord] = {}
    for key, value in changed.items():
        if "members" in value:
            records.update(cast(ActorGroup, value)["members"])
        else:
            records[key] = value
    events = [
        actor_counts(records[actor], end, bucket_seconds=bucket_seconds,
                     rolling_hours=rolling_hours)
        for actor, end in window_end.items() if actor in records
    ]
    events.extend(merged_away(short, full, records[full]) for short, full in merged.items())
    return events


def merged_away(short: str, full: str, into: ActorRecord) -> ActorCountEvent:
    """The last event of an actor merged into another: no counts, and where they went."""
    now = utcnow()
    return ActorCountEvent(
        actor=short, name=short, type=into["type"], window_start=now, window_end=now,
        mentions=0, articles=0, comments=0, total_mentions=0, total_articles=0,
        total_comments=0, updated_at=now, merged_into=full,
    )


def count_commenters(
    commenters: Mapping[str, Any], activities: Iterable[CommenterEvent]
) -> dict[str, CommenterRecord]:
    """Apply a batch of commenter activity to the stored commenter records (read, never
    changed); the changed records to store, each once."""
    changed: dict[str, CommenterRecord] = {}
    for activity in activities:
        record = changed.get(activity.commenter)
        if record is None:
            stored = commenters.get(activity.commenter)
            record = commenter_copy(stored) if stored else new_commenter(activity)
        if add_commenter(record, activity):
            changed[activity.commenter] = record
    return changed
