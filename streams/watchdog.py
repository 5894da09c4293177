"""Stall watchdog: input left to read and no progress means the consumer is stuck.

Seen once in four full CI runs (Apache Kafka, Faust 0.15, cause not found): after a
rebalance handed a stopped worker's partitions to the remaining one, that worker never
read them, with no error logged. Every few seconds the watchdog compares, for each
assigned input partition, the stream's read position with the log end. When a partition
has lagged without moving for ``NEWSWIRE_STALL_SECONDS``, it logs what the consumer and
its Kafka client hold (positions, pauses, flow control, the client's fetch state), then
resumes the partitions and the flow and has the consumer rejoin its group: the new
assignment restarts fetching from the committed offsets (work done again is counted
once, as after any rebalance). It does so again after each further period without
progress.
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
    state = ", ".join(f"{_name(tp)} at {positions[tp][0]} of {positions[tp][1]}"
                      for tp in sorted(stalled))
    log.error(
        "stalled for %.0f s with input left: %s; paused: %s; flow active: %s; %s;"
        " resuming and rejoining the consumer group",
        _settings.stall_seconds, state, _names(consumer._paused_partitions) or "none",
        app.flow_control.is_active(), _client_state(consumer, stalled),
    )
    consumer.resume_partitions(stalled)
    consumer.resume_flow()
    app.flow_control.resume()
    # A new assignment restarts the client's fetching from scratch: its requests in
    # flight are dropped, every partition is sought to its committed offset again.
    await consumer._thread.call_thread(_rejoin, consumer._thread._ensure_consumer())
    _watch.reset()


async def _rejoin(client: Any) -> None:
    """Ask the group coordinator for a rebalance (run in the consumer's thread)."""
    client._coordinator.request_rejoin()


def _name(tp: Any) -> str:
    return f"{tp.topic}[{tp.partition}]"


def _names(tps: Any) -> str:
    return ", ".join(_name(tp) for tp in sorted(tps))


def _task_state(task: Any) -> str:
    if task is None:
        return "none"
    if not task.done():
        return "running"
    if task.cancelled():
        return "cancelled"
    return f"ended ({task.exception()!r})"


def _client_state(consumer: Any, tps: list[Any]) -> str:
    """What the Kafka client holds for ``tps``: its fetch loop, the commit-point
    refresh it waits on, and each partition's fetch state (read from the consumer's
    thread without locking: a snapshot for the log, nothing more)."""
    try:
        client = consumer._thread._ensure_consumer()
        fetcher, coordinator = client._fetcher, client._coordinator
        assignment = client._subscription.subscription.assignment
        parts = [
            f"fetch loop {_task_state(fetcher._fetch_task)}",
            f"commit refresh {_task_state(getattr(coordinator, '_commit_refresh_task', None))}",
            f"requests in flight to nodes {sorted(fetcher._in_flight)}",
        ]
        for tp in sorted(tps):
            state = assignment.state_value(tp)
            parts.append(
                f"{_name(tp)}: position "
                f"{state.position if state.has_valid_position else None}, awaiting reset "
                f"{state.awaiting_reset}, paused {state.paused}, waiting for its commit point "
                f"{len(state._committed_futs)}, buffered {tp in fetcher._records}"
            )
        return "; ".join(parts)
    except Exception as exc:  # diagnostics only: never fail the check over them
        return f"client state unavailable ({exc!r})"
