"""Partitioning done by newswire itself (direct sends, re-keying): Kafka's own choice."""

from __future__ import annotations

from aiokafka.partitioner import DefaultPartitioner
from hypothesis import given
from hypothesis import strategies as st

from streams.topics import kafka_partition


@given(key=st.binary(min_size=1, max_size=80), count=st.integers(min_value=1, max_value=12))
def test_kafka_partition_is_the_producers_default(key: bytes, count: int) -> None:
    partitions = list(range(count))
    assert kafka_partition(key, set(partitions)) == DefaultPartitioner()(
        key, partitions, partitions)

