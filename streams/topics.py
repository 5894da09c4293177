"""Every topic newswire reads or writes, declared once, each with its event model's codec."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiokafka.partitioner import murmur2

from streams.app import app
from streams.codecs import ModelCodec
from streams.models import (
    ActorCountEvent,
    ArticleEvent,
    CommenterBatch,
    CommentEvent,
    Event,
    FileEvent,
    MentionBatch,
    RejectedEvent,
)
from streams.settings import get_settings

_settings = get_settings()


def _topic(name: str, model: type[Event], key_serializer: str = "raw") -> Any:
    # internal=True makes the worker create the topic at start with the configured
    # partition count, instead of leaving it to broker auto-creation (one partition).
    return app.topic(
        _settings.topic(name),
        key_type=str,
        key_serializer=key_serializer,
        value_serializer=ModelCodec(model),
        partitions=_settings.partitions,
        internal=True,
    )


files_topic = _topic("files", FileEvent)
articles_topic = _topic("articles", ArticleEvent)
comments_topic = _topic("comments", CommentEvent)
actor_counts_topic = _topic("actor-counts", ActorCountEvent)
rejected_topic = _topic("rejected", RejectedEvent)
# Internal re-keying topics: each record carries the mentions (or commenter activity)
# of a batch of documents whose actor (commenter) keys hash to one partition, and is
# sent to that partition, so each key's counts live on one partition. The hash is
# Kafka's default partitioner on the key as the tables serialise it (Faust's "json" for
# str keys), the one the tables' changelogs and Faust's table routing use.
mentions_topic = _topic("mentions", MentionBatch, key_serializer="json")
commenters_topic = _topic("commenter-activity", CommenterBatch, key_serializer="json")


_partitions: dict[tuple[str, str], int] = {}
_PARTITIONS_KEPT = 100_000


def partition_for(topic: Any, key: str) -> int:
    """The partition Kafka's default partitioner gives ``key`` as ``topic`` serialises it.

    Remembered per key: murmur2 in Python costs some 12 µs, and the documents agent asks
    for every mention's actor (a few hundred known actors) and every commenter.
    """
    name = topic.get_topic_name()
    partition = _partitions.get((name, key))
    if partition is None:
        raw = topic.prepare_key(key, None)[0]
        partition = kafka_partition(raw, range(_settings.partitions))
        if len(_partitions) < _PARTITIONS_KEPT:
            _partitions[name, key] = partition
    return partition


def kafka_partition(key: bytes, partitions: Iterable[int]) -> int:
    """The partition Kafka's default partitioner (murmur2) gives ``key``."""
    ordered = sorted(partitions)
    return ordered[int(murmur2(key) & 0x7FFFFFFF) % len(ordered)]


async def declare_output_topics() -> None:
    """Create the topics agents only write to (Faust declares the ones they read)."""
    for topic in (articles_topic, comments_topic, actor_counts_topic, rejected_topic):
        await topic.maybe_declare()
