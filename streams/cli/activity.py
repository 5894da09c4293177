"""What ``newswire run`` shows while it runs: one line per document counted or rejected,
read from the pipeline's own output topics as any consuming service would."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import PurePath
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from rich.console import Console
from rich.markup import escape

from streams.cli.throttle import COUNTED, Throttle
from streams.sender import client_options
from streams.settings import Settings

TOP_ACTORS = 3


def article_line(article: dict[str, Any]) -> str:
    """``counted NAME  7 comments · Russia 14, NATO 9, Joe Biden 5`` (rich markup)."""
    actors = sorted(article.get("actors", []), key=lambda a: (-a["mentions"], a["name"]))
    named = ", ".join(f"{a['name']} {a['mentions']}" for a in actors[:TOP_ACTORS])
    comments = article.get("comment_count", 0)
    parts = [f"{comments} comment{'s' if comments != 1 else ''}", named or "no actor"]
    name = PurePath(article.get("source_path", "?")).name
    return f"[green]counted[/]  {escape(name)}  [dim]{escape(' · '.join(parts))}[/]"


def rejected_line(rejection: dict[str, Any]) -> str:
    """``rejected NAME: reason (detail)`` (rich markup)."""
    name = PurePath(rejection.get("source_path", "?")).name
    reason, detail = rejection.get("reason", "?"), rejection.get("detail", "")
    style = "yellow" if reason == "duplicate" else "red"
    return f"[{style}]{escape(reason)}[/]  {escape(name)}  [dim]{escape(detail)}[/]"


class Activity:
    """Follows ``newswire.articles`` and ``newswire.rejected`` from their end and prints
    a line per event, or a summary every few seconds when they come fast
    (:class:`~streams.cli.throttle.Throttle`)."""

    def __init__(self, settings: Settings, console: Console) -> None:
        self.settings = settings
        self.console = console
        self.topics = {settings.topic("articles"): article_line,
                       settings.topic("rejected"): rejected_line}
        self.ready = asyncio.Event()
        self.throttle = Throttle()

    async def run(self, stop: asyncio.Event) -> None:
        """Print until ``stop``; ``ready`` is set once positioned at the topics' end, so
        that what is sent after it is seen."""
        # No group: subscribed topics are assigned whole to this consumer.
        consumer = AIOKafkaConsumer(**client_options(self.settings), group_id=None,
                                    enable_auto_commit=False, auto_offset_reset="latest")
        await consumer.start()
        try:
            consumer.subscribe(list(self.topics))
            partitions = await self._assigned(consumer)
            for tp in partitions:  # resolve the positions now, before anything is sent
                await consumer.position(tp)
            self.ready.set()
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=500)
                for tp, records in batches.items():
                    for record in records:
                        self._print(tp.topic, record.value)
                self._show(self.throttle.flush(time.monotonic()))
        finally:
            self._show(self.throttle.flush(time.monotonic(), force=True))
            self.ready.set()
            with contextlib.suppress(Exception):
                await consumer.stop()

    async def _assigned(self, consumer: AIOKafkaConsumer) -> set[TopicPartition]:
        """The partitions of both topics, once the consumer has them (10 s at most)."""
        for _ in range(100):
            assigned: set[TopicPartition] = consumer.assignment()
            if {tp.topic for tp in assigned} == set(self.topics):
                return assigned
            await asyncio.sleep(0.1)
        remaining: set[TopicPartition] = consumer.assignment()
        return remaining

    def _print(self, topic: str, value: bytes | None) -> None:
        try:
            event = orjson.loads(value or b"null")
        except orjson.JSONDecodeError:
            return
        if not isinstance(event, dict):
            return
        line = self.topics[topic](event)
        if topic == self.settings.topic("articles"):
            mentions = {a["name"]: a["mentions"] for a in event.get("actors", [])}
            self._show(self.throttle.offer(time.monotonic(), COUNTED, line, mentions))
        else:
            kind = str(event.get("reason", "rejected"))
            self._show(self.throttle.offer(time.monotonic(), kind, line))

    def _show(self, lines: list[str]) -> None:
        for line in lines:
            self.console.print(line, highlight=False)
