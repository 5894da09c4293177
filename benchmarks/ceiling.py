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

from agents.counting import count_commenter, count_mention
from agents.enrich import enrich
from agents.extraction.actors import default_gazetteer
from streams.models import ActorCountEvent, FileEvent, MentionEvent, Source
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
        counts = count_mention(
            self.totals, self.buckets, mention, retention=self.retention,
            bucket_seconds=self.settings.bucket_seconds,
            rolling_hours=self.settings.rolling_hours,
        )
        self.emitted += counts is not None
        return counts


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
            count_commenter(counter.commenters, activity)
    return CeilingResult(len(documents), comments, time.perf_counter() - started)
