"""One measured deployment (newswire's worker or the peer) on the broker, fed the
documents the way `newswire send` does."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from benchmarks.ceiling import Throughput
from benchmarks.kafka_io import Broker, Offsets, first_only, grown, last_only, total, wait_until
from benchmarks.procstats import cpu_seconds
from streams.child import ChildProcess
from streams.ingest import read_document
from streams.models import FileEvent, RejectedEvent
from streams.sender import Sender
from streams.settings import Settings

__all__ = ["REPO", "Deployment", "Phase", "child_env", "offer_files", "send_files"]

REPO = Path(__file__).resolve().parents[1]
_BATCH = 256


# -- feeding documents the way `newswire send` does


async def send_files(sender: Sender, paths: Sequence[Path]) -> int:
    """Read and send files in batches of 256, each acknowledged (acks=all); how many sent."""
    sent = 0
    for start in range(0, len(paths), _BATCH):
        batch: list[FileEvent | RejectedEvent] = [
            read_document(path, max_bytes=sender.settings.max_file_bytes)
            for path in paths[start : start + _BATCH]
        ]
        sent += sum(await sender.send_all(batch))
    return sent


async def offer_files(sender: Sender, paths: Sequence[Path], rate: float) -> None:
    """Offer files at a steady rate: each is read (its arrival time) and sent on schedule."""
    started = time.monotonic()
    pending: list[asyncio.Task[list[bool]]] = []
    for index, path in enumerate(paths):
        delay = started + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        event = read_document(path, max_bytes=sender.settings.max_file_bytes)
        pending.append(asyncio.create_task(sender.send_all([event])))
    await asyncio.gather(*pending)


def _ms(ts: str) -> float:
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1000


# -- one measured deployment (newswire's worker or the peer) on the broker


@dataclass
class Phase(Throughput):
    """What one burst of documents through a deployment measured."""

    messages: dict[str, int] = field(default_factory=dict)
    cpu_s: float = 0.0
    own_cpu_s: float = 0.0  # the processing process alone, without its children


class Deployment:
    """A processing process and its topics (``prefix``*, plus its internal ones)."""

    def __init__(self, broker: Broker, settings: Settings, child: ChildProcess,
                 internal: Callable[[str], bool]) -> None:
        self.broker = broker
        self.settings = settings
        self.child = child
        self.internal = internal
        self.sender = Sender(settings)
        self.topics: list[str] = []

    async def _declare_measured_topics(self) -> None:
        """Topics whose record times are measured, stamped by the broker on append.

        With LogAppendTime an output event's timestamp is when consumers could first
        read it, not when the producer queued it (before its linger and its round trip).
        """
        admin = AIOKafkaAdminClient(bootstrap_servers=self.broker.bootstrap)
        await admin.start()
        try:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics([
                    NewTopic(self.settings.topic(name), self.settings.partitions, 1,
                             topic_configs={"message.timestamp.type": "LogAppendTime"})
                    for name in ("files", "articles", "comments", "actor-counts")
                ])
        finally:
            await admin.close()

    def mine(self, topic: str) -> bool:
        return topic.startswith(self.settings.topic_prefix) or self.internal(topic)

    async def start(self) -> None:
        await self._declare_measured_topics()
        await self.sender.start(wait=60)
        self.child.start()

    async def stop(self) -> None:
        await self.sender.stop()
        self.child.stop()

    async def snapshot(self) -> Offsets:
        self.topics = await self.broker.topics(self.mine)
        return await self.broker.end_offsets(self.topics)

    async def wait_articles(self, before: Offsets, count: int, timeout: float) -> Offsets:
        articles = self.settings.topic("articles")
        target = total(before, articles) + count

        def done(offsets: Offsets) -> bool:
            return total(offsets, articles) >= target

        return await wait_until(self.broker, self.topics, done, quiet=3.0, timeout=timeout,
                                alive=self.child.alive)

    async def warm_up(self, paths: Sequence[Path], timeout: float = 180.0) -> None:
        """Send a few documents and wait for their articles: the process is then ready."""
        before = await self.snapshot()
        await send_files(self.sender, paths)
        await self.wait_articles(before, len(paths), timeout)

    async def burst(self, paths: Sequence[Path], timeout: float) -> Phase:
        """Send ``paths`` as fast as acknowledged; first files event to last output event."""
        before = await self.snapshot()
        cpu_before = cpu_seconds(self.child.pid)
        own_before = cpu_seconds(self.child.pid, descendants=False)
        await send_files(self.sender, paths)
        after = await self.wait_articles(before, len(paths), timeout)
        cpu = cpu_seconds(self.child.pid) - cpu_before
        own = cpu_seconds(self.child.pid, descendants=False) - own_before
        # Topics created meanwhile (none expected) count from zero.
        after = await self.broker.end_offsets(await self.broker.topics(self.mine))
        files = self.settings.topic("files")
        firsts = await self.broker.records(first_only(grown(before, after, files)))
        lasts: list[Any] = []
        for name in ("articles", "actor-counts"):
            lasts += await self.broker.records(last_only(grown(before, after,
                                                                 self.settings.topic(name))))
        first = min(r.timestamp for r in firsts)
        last = max(r.timestamp for r in lasts)
        messages = {
            topic: total(after, topic) - total(before, topic)
            for topic in sorted({tp.topic for tp in after})
        }
        comments = messages.get(self.settings.topic("comments"), 0)
        return Phase(len(paths), comments, (last - first) / 1000, messages, cpu, own)

    async def latency(
        self, paths: Sequence[Path], rate: float, timeout: float
    ) -> tuple[list[float], list[float]]:
        """Offer ``paths`` at ``rate``/s; each article's delay after its file's arrival,
        and the part of it until the article was parsed (its ``processed_at``), in ms.

        Arrival is FileEvent.received_at (when the file was read, as the watcher and
        `send` stamp it); the article's time is its record's timestamp on the topic.
        """
        before = await self.snapshot()
        await offer_files(self.sender, paths, rate)
        after = await self.wait_articles(before, len(paths), timeout)
        records = await self.broker.records(grown(before, after, self.settings.topic("articles")))
        articles = [(r.timestamp, orjson.loads(r.value)) for r in records]
        return (
            [at - _ms(a["received_at"]) for at, a in articles],
            [_ms(a["processed_at"]) - _ms(a["received_at"]) for _, a in articles],
        )


def child_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a processing process: ``settings`` as NEWSWIRE_*, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWIRE_")}
    env.update(
        NEWSWIRE_BROKER=settings.broker_url,
        NEWSWIRE_TOPIC_PREFIX=settings.topic_prefix,
        NEWSWIRE_APP_ID=settings.app_id,
        NEWSWIRE_DATA_DIR=str(settings.data_dir),
        NEWSWIRE_PARTITIONS=str(settings.partitions),
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(REPO),
    )
    env.update(extra)
    return env
