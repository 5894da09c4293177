"""Helpers for agents that process their events in batches (``stream.take_events``).

Faust marks the event being processed (``faust.current_event()``, a context variable)
only while an agent iterates one event at a time. Table writes need it: a key's
changelog record goes to the current event's partition, and the RocksDB store files the
key under it. A batch loop therefore names, before it writes a key, an event of the
partition that key belongs to. Only the agent task's context variable is set: the
stream's own ``current_event`` attribute belongs to the task that fills the batch.

Tables are written with :func:`write`: the value goes to the store and its changelog
record is handed to the Kafka producer in the agent, like any output
(:mod:`streams.faust_fixes.direct_send`), before the batch's events are acknowledged, so the
flush that
precedes every offset commit covers it. A plain ``table[key] = value`` queues the
record in Faust's producer buffer instead, and Faust's flush before a commit gives up
as soon as 0.1 s pass without a record leaving that buffer
(``ProducerBuffer.flush_atmost``): on a busy machine offsets were committed ahead of
queued changelog records, and a worker killed at that moment lost counts (found by the
SIGKILL tests).
"""

from __future__ import annotations

import asyncio
import weakref
from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from typing import Any

from faust import streams

from streams.faust_fixes import direct_send as output


def set_current_event(event: Any) -> None:
    """Make ``event`` the current event of the calling task (None: no current event)."""
    streams._current_event.set(None if event is None else weakref.ref(event))


def by_partition(events: Iterable[Any]) -> dict[int, list[Any]]:
    """The events of a batch grouped by source partition, each group in arrival order."""
    groups: dict[int, list[Any]] = defaultdict(list)
    for event in events:
        groups[event.message.partition].append(event)
    return dict(groups)


async def write(table: Any, key: str, value: Any, partition: int) -> None:
    """``table[key] = value``, its changelog record handed to the producer for
    ``partition`` (serialised as Faust's table would) before this returns."""
    table.data[key] = value
    changelog = table.changelog_topic
    key_bytes, _ = changelog.prepare_key(key, table.key_serializer)
    value_bytes, _ = changelog.prepare_value(value, table.value_serializer)
    delivered = await output.send_bytes(
        changelog.get_topic_name(), key_bytes, value_bytes, partition)
    delivered.add_done_callback(partial(_persisted, table))


def _persisted(table: Any, delivered: asyncio.Future[Any]) -> None:
    """What Faust's table does when its changelog record is delivered: remember the
    offset (a RocksDB store keeps it, to recover only what it lacks)."""
    if not delivered.cancelled() and delivered.exception() is None:
        record = delivered.result()
        table.data.set_persisted_offset(record.topic_partition, record.offset)
