"""The shapes of the table values: plain JSON, so they serialise with the table codec as
they are, typed here so that code and readers agree on every field."""

from __future__ import annotations

from typing import TypedDict

from streams.models import ActorType

#: files partition (as a string) -> offset of the last document counted in the value
Applied = dict[str, int]


class ActorRecord(TypedDict):
    """``actors`` table: one actor's totals since the start and its event-time buckets."""

    id: str
    name: str
    type: ActorType
    article_mentions: int
    comment_mentions: int
    articles: int
    comments: int
    #: bucket start (``2021-12-10T11:00:00Z``) -> [mentions, articles, comments]
    buckets: dict[str, list[int]]
    #: the newest bucket start counted
    newest: str | None
    applied: Applied


class ActorGroup(TypedDict):
    """``actors`` table, key ``surname:<surname>``: the names of people NER found that
    end with one surname (:mod:`agents.counting.groups`)."""

    group: str
    members: dict[str, ActorRecord]
    #: short name -> the full name it was merged into
    merged: dict[str, str]


#: what the ``actors`` table holds under a key
ActorValue = ActorRecord | ActorGroup


class WindowCounts(TypedDict):
    """An actor's counts in a rolling window."""

    mentions: int
    articles: int
    comments: int


class CommenterRecord(TypedDict):
    """``commenters`` table: one commenter's activity across documents."""

    commenter: str
    name: str
    handle: str | None
    comments: int
    replies_received: int
    score_sum: int
    documents: int
    last_posted_at: str | None
    applied: Applied
