"""The in-process ceiling: the worker's parse + extract + count code on plain dicts.

The same functions the agents call (:func:`agents.documents.enrich.enrich` and the
:mod:`agents.counting` rules, in batches as ``count-actors`` and ``count-commenters``
apply them), with dicts in place of Faust tables and no Kafka: no serialisation, no
sends, no changelogs, no commits. What this code can do on this machine, single-threaded.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from agents.counting import count_commenters, count_mentions
from agents.documents.enrich import enrich
from agents.extraction.actors import default_gazetteer
from streams.gc_tuning import tune_gc
from streams.models import CommenterEvent, FileEvent, MentionEvent, Source
from streams.settings import Settings


@dataclass
class Throughput:
    """Documents and comments over a measured time."""

    documents: int
    comments: int
    seconds: float

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    @property
    def comments_per_s(self) -> float:
        return self.comments / self.seconds if self.seconds > 0 else 0.0


def run_ceiling(
    events: list[FileEvent], settings: Settings, batch_size: int = 100, *, ner: bool = False
) -> Throughput:
    """Process ``events`` in-process, as one worker would; the elapsed time.

    Counting is applied every ``batch_size`` documents, like the agents' batches, and the
    garbage collector is tuned as in the worker (``NEWSWIRE_GC_THRESHOLD``); with ``ner``,
NER runs too (its model loaded before the clock starts).
    """
    gazetteer = default_gazetteer()
    recognizer = None
    if ner:
        from agents.extraction.ner import default_recognizer

        recognizer = default_recognizer(settings.ner_model)
        recognizer.load()
    retention = timedelta(hours=settings.retention_hours)
    actors: dict[str, Any] = {}
    commenters: dict[str, Any] = {}
    documents: dict[str, Any] = {}
    mentions: list[MentionEvent] = []
    activities: list[CommenterEvent] = []
    comments = 0

    def count() -> None:
        actors.update(count_mentions(actors, mentions, retention=retention,
                                     bucket_seconds=settings.bucket_seconds,
                                     rolling_hours=settings.rolling_hours).records)
        commenters.update(count_commenters(commenters, activities))
        mentions.clear()
        activities.clear()

    thresholds = gc.get_threshold()
    tune_gc(settings.gc_threshold)
    started = time.perf_counter()
    for offset, event in enumerate(events):
        source = Source(partition=0, offset=offset)
        if event.doc_id in documents:
            continue
        result = enrich(event, gazetteer, bucket_seconds=settings.bucket_seconds, source=source,
                        ner=recognizer)
        documents[event.doc_id] = {"offset": offset}
        comments += len(result.comments)
        mentions.extend(result.mentions)
        activities.extend(result.commenters)
        if (offset + 1) % batch_size == 0:
            count()
    count()
    elapsed = time.perf_counter() - started
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    return Throughput(len(documents), comments, elapsed)
