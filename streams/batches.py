"""Helpers for agents that process their events in batches (``stream.take_events``).

Faust marks the event being processed (``faust.current_event()``, a context variable)
only while an agent iterates one event at a time. Table writes need it: a key's
changelog record goes to the current event's partition, and the RocksDB store files the
key under it. A batch loop therefore names, before it writes a key, an event of the
partition that key belongs to. Only the agent task's context variable is set: the
stream's own ``current_event`` attribute belongs to the task that fills the batch.

Table writes queue their changelog records in Faust's producer buffer, which a
background task hands to the Kafka producer. Before committing offsets Faust flushes
that buffer, but its flush gives up as soon as 0.1 s pass without a record leaving the
buffer (``ProducerBuffer.flush_atmost``): on a busy machine offsets were committed for
events whose changelog records were still queued, and a worker killed at that moment
lost those counts (found by the SIGKILL tests). A batch loop therefore waits, with
:func:`drain_changelogs`, until the buffer is empty before its events are acknowledged;
the commit's producer flush then covers every record of every acknowledged event.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from faust import streams


def set_current_event(event: Any) -> None:
    """Make ``event`` the current event of the calling task (None: no current event)."""
    streams._current_event.set(None if event is None else weakref.ref(event))


def by_partition(events: Iterable[Any]) -> dict[int, list[Any]]:
    """The events of a batch grouped by source partition, each group in arrival order."""
    groups: dict[int, list[Any]] = defaultdict(list)
    for event in events:
        groups[event.message.partition].append(event)
    return dict(groups)


async def drain_changelogs(app: Any) -> None:
    """Wait until every queued table changelog record was handed to the Kafka producer."""
    buffer = app.producer.buffer
    while buffer.size and buffer.state == "running":  # not running: no worker (unit tests)
        buffer.message_sent.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(buffer.message_sent.wait(), timeout=1.0)
