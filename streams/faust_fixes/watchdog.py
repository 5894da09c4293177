"""Stall watchdog: input left to read and no progress means the consumer is stuck.

Seen in CI and in repeated runs of the Apache Kafka suite (Faust 0.15): after a
rebalance handed a stopped worker's partitions to the remaining one, that worker never
read them, with no error logged. The client state logged here showed why: the Kafka
client had fetched those partitions to their end while the stream had read nothing.
Around a rebalance Faust's ``Consumer.getmany`` silently drops records the client has
already fetched (the generation changed during a batch, or the partition is not active
yet) and counts on a later seek that, here, never came.

Every few seconds the watchdog compares, for each assigned input partition, the
stream's read position with the log end. When a partition has lagged without moving
for ``NEWSWIRE_STALL_SECONDS`` it logs what the consumer and its Kafka client hold
(positions, pauses, flow control, the client's fetch state), then:

1. if the client is ahead of the stream, seeks the client back to where the stream is
   (or to the committed offset, when further);
2. otherwise, or if the stall outlives that, resumes the partitions and the flow and
   has the consumer rejoin its group: the new assignment restarts fetching from the
   committed offsets.

Records read again are counted once (agents.counting), as after any rebalance.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition

from streams.app import app
from streams.faust_fixes.rewind import seek
from streams.settings import get_settings

log = logging.getLogger("newswire.watchdog")
_CHECK_SECONDS = 5.0


@dataclass
class StallWatch:
    """Which partitions lag without progress, and for how long (pure bookkeeping)."""

    stall_seconds: float
    _since: dict[Hashable, tuple[int, float]] = field(default_factory=dict)
    #: remedies already tried for each partition's current stall
    tries: dict[Hashable, int] = field(default_factory=dict)

    def stalled(self, now: float, positions: Mapping[Hashable, tuple[int, int]]) -> list[Any]:
        """``positions``: partition -> (next offset to read, log end offset). The
        partitions that lag and have not moved for ``stall_seconds``."""
        stalled = []
        for tp, (position, end) in positions.items():
            if position >= end:
                self._since.pop(tp, None)
                self.tries.pop(tp, None)
                continue
            seen = self._since.get(tp)
            if seen is None or seen[0] != position:
                self._since[tp] = (position, now)
                if seen is not None:
                    self.tries.pop(tp, None)  # it moved: that stall is over
            elif now - seen[1] >= self.stall_seconds:
                stalled.append(tp)
        for tp in set(self._since) - set(positions):
            del self._since[tp]
            self.tries.pop(tp, None)
        return stalled

    def remedied(self, positions: Mapping[Hashable, int], now: float) -> None:
        """A remedy was applied to these partitions, which it left at ``positions``:
        count it, and give it a full period from there."""
        for tp, position in positions.items():
            self.tries[tp] = self.tries.get(tp, 0) + 1
            self._since[tp] = (position, now)

    def reset(self) -> None:
        self._since.clear()
        self.tries.clear()


_settings = get_settings()
_watch = StallWatch(_settings.stall_seconds)


def _inputs() -> set[str]:
    return {_settings.topic(name) for name in ("files", "mentions", "commenter-activity")}


@app.timer(interval=_CHECK_SECONDS)  # type: ignore[untyped-decorator]
async def watch_for_stalls() -> None:
    """Report input partitions that stopped moving, and get them moving again."""
    consumer: Any = app.consumer  # Faust's Consumer: its read and committed offsets
    tps = [tp for tp in consumer.assignment() if tp.topic in _inputs()]
    if not tps or _settings.stall_seconds <= 0:
        return
    tables: Any = app.tables
    if not tables.recovery.completed.is_set():  # restoring tables: paused on purpose
        _watch.reset()
        return
    ends = await consumer.highwaters(*tps)
    positions = {tp: (_stream_position(consumer, tp), ends.get(tp, 0)) for tp in tps}
    now = time.monotonic()
    stalled = _watch.stalled(now, positions)
    if not stalled:
        return
    client = consumer._thread._ensure_consumer()
    fetched = _client_positions(client, stalled)
    # Records the client fetched and Faust dropped (see above) leave the client ahead
    # of a stream that waits: the first remedy is to seek the client back.
    behind = {tp: positions[tp][0] for tp in stalled
              if fetched.get(tp, -1) > positions[tp][0] and not _watch.tries.get(tp)}
    state = ", ".join(f"{_name(tp)} at {positions[tp][0]} of {positions[tp][1]}"
                      for tp in sorted(stalled))
    remedy = ("seeking the client back to the stream" if behind
              else "resuming and rejoining the consumer group")
    log.error(
        "stalled for %.0f s with input left: %s; paused: %s; flow active: %s; %s; %s",
        _settings.stall_seconds, state, _names(consumer._paused_partitions) or "none",
        app.flow_control.is_active(), _client_state(client, stalled), remedy,
    )
    if behind:
        sought = await consumer._thread.call_thread(_seek_targets, client, behind)
        await seek(consumer, sought)
        _watch.remedied({tp: _stream_position(consumer, tp) for tp in sought}, now)
        return
    consumer.resume_partitions(stalled)
    consumer.resume_flow()
    app.flow_control.resume()
    # A new assignment restarts the client's fetching from scratch: its requests in
    # flight are dropped, every partition is sought to its committed offset again.
    await consumer._thread.call_thread(_rejoin, client)
    _watch.reset()


def _stream_position(consumer: Any, tp: Any) -> int:
    """Where the stream reads ``tp`` next, as Faust's consumer tracks it."""
    read = consumer._read_offset.get(tp)
    return int(read) + 1 if read is not None else int(consumer._committed_offset.get(tp) or 0)


def _client_positions(client: Any, tps: list[Any]) -> dict[Any, int]:
    """The client's fetch position of each of ``tps`` that has one."""
    assignment = client._subscription.subscription.assignment
    positions = {}
    for tp in tps:
        state = assignment.state_value(tp)
        if state.has_valid_position:
            positions[tp] = state.position
    return positions


async def _seek_targets(client: Any, positions: dict[Any, int]) -> dict[Any, int]:
    """Where to seek each partition back to: the stream's position, or its committed
    offset when that is further (run in the consumer's thread)."""
    targets = {}
    for tp, position in positions.items():
        committed = await client.committed(TopicPartition(tp.topic, tp.partition))
        targets[tp] = max(position, committed or 0)
    return targets


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


def _client_state(client: Any, tps: list[Any]) -> str:
    """What the Kafka client holds for ``tps``: its fetch loop, the commit-point
    refresh it waits on, and each partition's fetch state (read from the consumer's
    thread without locking: a snapshot for the log, nothing more)."""
    try:
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
