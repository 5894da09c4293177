"""Doubles for testing agents through Faust's ``test_context`` (no broker)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


class Recorder:
    """Stands in for a topic: keeps what is sent to it, and notes its ``name`` in a
    ``journal`` the recorders of a test share (the order of every send); anything else
    (key serialisation) is the real topic's."""

    def __init__(self, topic: Any = None, name: str = "", journal: list[str] | None = None
                 ) -> None:
        self.topic = topic
        self.name = name
        self.journal = journal if journal is not None else []
        self.sent: list[tuple[str | None, Any]] = []
        self.partitions: list[int | None] = []

    async def send(
        self, *, value: Any, key: str | None = None, partition: int | None = None
    ) -> None:
        self.sent.append((key, value))
        self.partitions.append(partition)
        self.journal.append(self.name)

    def values(self) -> list[Any]:
        return [value for _, value in self.sent]

    def __getattr__(self, name: str) -> Any:
        if self.topic is None:
            raise AttributeError(name)
        return getattr(self.topic, name)


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for ``condition``: agents process their events in batches, after ``put``
    returned (it only waits until the event is buffered)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the agent did not get there in time")
        await asyncio.sleep(0.01)
