"""Output events handed straight to the Kafka producer.

Faust's ``Topic.send`` wraps every record in pending and future message objects, runs
its codec registry and sensors and attaches a delivery callback; for the article and
each comment of every document that was most of the agents' send cost. The documents
agent sends those events here instead, serialised with the events' codec, handed
to the same aiokafka producer (same partitioner, linger, acks=all), counted in the
metrics as Faust's sends are. Delivery is covered as before: the producer flush Faust
runs before each offset commit waits for these records too. Table changelog records
take the same path (streams.faust_fixes.table_writes.write).
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Any

from aiokafka.errors import KafkaError

from streams.app import app
from streams.metrics import events_out, sending_agent
from streams.topics import kafka_partition

log = logging.getLogger("newswire.output")
_last_key: dict[str, tuple[bytes, int | None]] = {}


async def send_serialized(
    topic: Any, key: str | None, value: bytes, partition: int | None = None
) -> None:
    """Queue an event serialised with the events' codec for ``topic``: on ``partition``,
    else on the partition of ``key``'s hash."""
    name = topic.get_topic_name()
    raw = None if key is None else key.encode()
    if partition is None and raw is not None:
        partition = _partition(name, raw)
    await send_bytes(name, raw, value, partition)


def _partition(topic: str, key: bytes) -> int | None:
    """Kafka's default partition for ``key``, as the producer would choose it, reused
    while the same key comes again (a document's article and comments); None when the
    producer does not know the topic yet (it then partitions the record itself)."""
    last = _last_key.get(topic)
    if last is not None and last[0] == key:
        return last[1]
    producer = app.producer._ensure_producer()  # type: ignore[attr-defined]
    partitions = producer._metadata.partitions_for_topic(topic)
    partition = kafka_partition(key, partitions) if partitions else None
    _last_key[topic] = (key, partition)
    return partition


async def send_bytes(
    topic: str, key: bytes | None, value: bytes, partition: int | None = None
) -> asyncio.Future[Any]:
    """Queue a serialised record; the future the producer resolves on delivery."""
    producer = app.producer._ensure_producer()  # type: ignore[attr-defined]
    delivered: asyncio.Future[Any] = await producer.send(
        topic, value, key=key, partition=partition)
    delivered.add_done_callback(partial(_report_failure, topic))
    events_out.labels(sending_agent(), topic).inc()
    return delivered


def _report_failure(topic: str, delivered: asyncio.Future[Any]) -> None:
    """Log a record the producer gave up on (after its retries and request timeout)."""
    if not delivered.cancelled() and delivered.exception() is not None:
        log.error("a record for %s was not delivered: %r", topic, delivered.exception())


async def deliver() -> None:
    """Send every record handed to the producer so far, without waiting out the linger,
    and return once the broker has acknowledged each; raise if any was not delivered.

    The producer keeps one batch per partition and sends a batch when its linger ends,
    so records handed to it later for a partition with an older batch can reach the
    broker before earlier ones for other partitions: handing records over in order
    does not deliver them in order. What must land after other records is handed over
    after this returns.
    """
    producer = app.producer._ensure_producer()  # type: ignore[attr-defined]
    accumulator = producer._message_accumulator
    batches = [batch for queued in accumulator._batches.values() for batch in queued]
    batches += list(accumulator._pending_batches)
    await accumulator.flush_for_commit()
    failed = [batch.future.exception() for batch in batches
              if not batch.future.cancelled() and batch.future.exception() is not None]
    if failed:
        raise KafkaError(f"{len(failed)} batch(es) of records not delivered: {failed[0]!r}")
