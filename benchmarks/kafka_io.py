"""Reading a broker's state for the benchmark: end offsets, first/last record timestamps."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

Offsets = dict[TopicPartition, int]
Spans = dict[TopicPartition, tuple[int, int]]


class Broker:
    """A group-less consumer used to look at topics (no commits, no subscription)."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self._consumer: AIOKafkaConsumer | None = None

    async def __aenter__(self) -> Broker:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False,
            metadata_max_age_ms=1000, max_partition_fetch_bytes=16 * 1024 * 1024,
            fetch_max_bytes=64 * 1024 * 1024,
        )
        await self._consumer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._consumer is not None:
            await self._consumer.stop()

    @property
    def consumer(self) -> AIOKafkaConsumer:
        assert self._consumer is not None
        return self._consumer

    async def topics(self, match: Callable[[str], bool]) -> list[str]:
        return sorted(t for t in await self.consumer.topics() if match(t))

    async def partitions(self, topic: str) -> list[int]:
        """The partitions of ``topic``, once the client's metadata (refreshed every
        second) knows it; none after 5 s."""
        for _ in range(50):
            known = self.consumer.partitions_for_topic(topic)
            if known:
                return sorted(known)
            await asyncio.sleep(0.1)
        return []

    async def end_offsets(self, topics: Iterable[str]) -> Offsets:
        partitions = [
            TopicPartition(topic, p) for topic in topics for p in await self.partitions(topic)
        ]
        if not partitions:
            return {}
        result: Offsets = await self.consumer.end_offsets(partitions)
        return result

    async def records(self, positions: Spans) -> list[Any]:
        """Records in [start, end) for each partition, in no particular order."""
        wanted = {tp: span for tp, span in positions.items() if span[1] > span[0]}
        if not wanted:
            return []
        self.consumer.assign(list(wanted))
        for tp, (start, _) in wanted.items():
            self.consumer.seek(tp, start)
        out: list[Any] = []
        remaining = dict(wanted)
        deadline = time.monotonic() + 300
        while remaining and time.monotonic() < deadline:
            batches = await self.consumer.getmany(timeout_ms=500, max_records=10_000)
            for tp, batch in batches.items():
                if tp not in remaining:
                    continue
                end = remaining[tp][1]
                out.extend(r for r in batch if r.offset < end)
                if batch and batch[-1].offset >= end - 1:
                    del remaining[tp]
                    self.consumer.pause(tp)
        self.consumer.assign([])
        return out


def grown(before: Offsets, after: Offsets, topic: str) -> Spans:
    """The new offsets of ``topic``'s partitions between two snapshots."""
    return {tp: (before.get(tp, 0), end) for tp, end in after.items() if tp.topic == topic}


def last_only(spans: Spans) -> Spans:
    return {tp: (end - 1, end) for tp, (start, end) in spans.items() if end > start}


def first_only(spans: Spans) -> Spans:
    return {tp: (start, start + 1) for tp, (start, end) in spans.items() if end > start}


def total(offsets: Offsets, topic: str | None = None) -> int:
    return sum(end for tp, end in offsets.items() if topic is None or tp.topic == topic)


async def wait_until(
    broker: Broker, topics: list[str], done: Callable[[Offsets], bool], *, quiet: float,
    timeout: float, alive: Callable[[], bool] = lambda: True,
) -> Offsets:
    """Poll end offsets until ``done`` holds and nothing has moved for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    last: Offsets = {}
    since = time.monotonic()
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError("the processing process exited")
        offsets = await broker.end_offsets(topics)
        if offsets != last:
            last, since = offsets, time.monotonic()
        elif done(offsets) and time.monotonic() - since >= quiet:
            return offsets
        await asyncio.sleep(0.25)
    raise TimeoutError(f"not done within {timeout:.0f} s")
