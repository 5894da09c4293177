"""Output events handed straight to the Kafka producer.

Faust's ``Topic.send`` wraps every record in pending and future message objects, runs
its codec registry and sensors and attaches a delivery callback; for the article and
each comment of every document that was most of the agents' send cost. The documents
agent sends those events here instead: serialised once with the events' codec, handed
to the same aiokafka producer (same partitioner, linger, acks=all), counted in the
metrics as Faust's sends are. Delivery is covered as before: the producer flush Faust
runs before each offset commit waits for these records too.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from streams.app import app
from streams.codecs import dumps
from streams.metrics import events_out, sending_agent


async def send(topic: Any, key: str, value: BaseModel) -> None:
    """Queue ``value`` for ``topic`` under ``key`` (partitioned by the key's hash)."""
    name = topic.get_topic_name()
    producer = app.producer._ensure_producer()  # type: ignore[attr-defined]
    await producer.send(name, dumps(value), key=key.encode())
    events_out.labels(sending_agent(), name).inc()
