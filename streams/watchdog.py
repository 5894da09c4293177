"""Stall watchdog: input left to read and no progress means the consumer is stuck.

Seen once in four full CI runs (Apache Kafka, Faust 0.15, cause not found): after a
rebalance handed a stopped worker's partitions to the remaining one, that worker never
read them, with no error logged. Every few seconds the watchdog compares, for each
assigned input partition, the stream's read position with the log end. When a partition
has lagged without moving for ``NEWSWIRE_STALL_SECONDS``, it logs what the consumer
holds (positions, paused partitions, flow control) and resumes the partitions and the
flow; it does so again after each further period without progress.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from streams.app import app
from streams.settings import get_settings

log = logging.getLogger("newswire.watchdog")
_CHECK_SECONDS = 5.0


@dataclass
class StallWatch:
    """Which partitions lag without progress, and for how long (pure bookkeeping)."""

    stall_seconds: float
    _since: dict[Hashable, tuple[int, float]] = field(default_factory=dict)

    def stalled(self, now: float, positions: Mapping[Hashable, tuple[int, int]]) -> list[Any]:
        """``positions``: partition -> (next offset to read, log end offset). The
        partitions that lag and have not moved for ``stall_seconds``."""
        stalled = []
        for tp, (position, end) in positions.items():
            if position >= end:
                self._since.pop(tp, None)
                continue
            seen = self._since.get(tp)
            if seen is None or seen[0] != position:
                self._since[tp] = (position, now)
            elif now - seen[1] >= self.stall_seconds:
                stalled.append(tp)
        for tp in set(self._since) - set(positions):
            del self._since[tp]
        return stalled

    def reset(self) -> None:
        self._since.clear()


_settings = get_settings()
_watch = StallWatch(_settings.stall_seconds)


def _inputs() -> set[str]:
    return {_settings.topic(name) for name in ("files", "mentions", "commenter-activity")}


@app.timer(interval=_CHECK_SECONDS)  # type: ignore[untyped-decorator]
async def watch_for_stalls() -> None:
    """Report and resume input partitions that stopped moving."""
    consumer: Any = app.consumer  # Faust's Consumer: its read and committed offsets
    tps = [tp for tp in consumer.assignment() if tp.topic in _inputs()]
    if not tps or _settings.stall_seconds <= 0:
        return
    tables: Any = app.tables
    if not tables.recovery.completed.is_set():  # restoring tables: paused on purpose
        _watch.reset()
        return
    ends = await consumer.highwaters(*tps)
    positions: dict[Hashable, tuple[int, int]] = {}
    for tp in tps:
        read = consumer._read_offset.get(tp)
        committed = consumer._committed_offset.get(tp)
        position = read + 1 if read is not None else (committed or 0)
        positions[tp] = (position, ends.get(tp, 0))
    stalled = _watch.stalled(time.monotonic(), positions)
    if not stalled:
        return
    state = ", ".join(
        f"{tp.topic}[{tp.partition}] at {positions[tp][0]} of {positions[tp][1]}"
        for tp in sorted(stalled)
    )
    log.error(
        "stalled for %.0f s with input left: %s; paused: %s; flow active: %s; resuming",
        _settings.stall_seconds, state, sorted(consumer._paused_partitions),
        app.flow_control.is_active(),
    )
    consumer.resume_partitions(stalled)
    consumer.resume_flow()
    app.flow_control.resume()
    _watch.reset()
