"""Table writes that reach the broker before the offsets of the batch that made them.

A key's value goes to the store and its changelog record is handed to the Kafka
producer in the agent, like any output (:mod:`streams.faust_fixes.direct_send`), before
the batch's events are acknowledged, so the flush that precedes every offset commit
covers it. A plain ``table[key] = value`` queues the record in Faust's producer buffer
instead, and Faust's flush before a commit gives up as soon as 0.1 s pass without a
record leaving that buffer (``ProducerBuffer.flush_atmost``): on a busy machine offsets
were committed ahead of queued changelog records, and a worker killed at that moment
lost counts (found by the SIGKILL tests).
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from streams.faust_fixes import direct_send as output


async def write(table: Any, key: str, value: Any, partition: int) -> None:
    """``table[key] = value``, its changelog record handed to the producer for
    ``partition`` (serialised as Faust's table would) before this returns."""
    store(table, key, value)
    await send_changelog(table, key, value, partition)


def store(table: Any, key: str, value: Any) -> None:
    """``table[key] = value`` in the store only (under the current event: a RocksDB
    store keeps it in that event's partition)."""
    table.data[key] = value


async def send_changelog(table: Any, key: str, value: Any, partition: int) -> None:
    """Hand the changelog record of ``table[key] = value`` to the producer for
    ``partition``."""
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
