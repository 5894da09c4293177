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
from collections.abc import Callable
from typing import Any

from aiokafka import TopicPartition

from streams.faust_fixes.bookkeeping import StallWatch
from streams.faust_fixes.consumer_state import (
    client_positions,
    client_state,
    in_client_thread,
    kafka_client,
    paused_partitions,
    request_rejoin,
    stream_position,
)
from streams.faust_fixes.rewind import seek

log = logging.getLogger("newswire.watchdog")
CHECK_SECONDS = 5.0


class Watchdog:
    """Watches the input partitions of ``app``'s stateful agents (``inputs()``)."""

    def __init__(
        self,
        app: Any,
        inputs: Callable[[], set[str]],
        stall_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.inputs = inputs
        self.watch = StallWatch(stall_seconds)
        self.clock = clock

    async def check(self) -> str | None:
        """Report input partitions that stopped moving and get them moving again: the
        remedy applied ("seek", "rejoin"), or None."""
        consumer: Any = self.app.consumer  # Faust's Consumer: its read and committed offsets
        tps = [tp for tp in consumer.assignment() if tp.topic in self.inputs()]
        if not tps or self.watch.stall_seconds <= 0:
            return None
        if not self.app.tables.recovery.completed.is_set():  # restoring: paused on purpose
            self.watch.reset()
            return None
        ends = await consumer.highwaters(*tps)
        positions = {tp: (stream_position(consumer, tp), ends.get(tp, 0)) for tp in tps}
        now = self.clock()
        stalled = self.watch.stalled(now, positions)
        if not stalled:
            return None
        client = kafka_client(consumer)
        fetched = client_positions(client, stalled)
        # Records the client fetched and Faust dropped (see above) leave the client
        # ahead of a stream that waits: the first remedy is to seek the client back.
        behind = {tp: positions[tp][0] for tp in stalled
                  if fetched.get(tp, -1) > positions[tp][0] and not self.watch.tries.get(tp)}
        self._report(consumer, client, stalled, positions, behind)
        if behind:
            sought = await in_client_thread(consumer, _seek_targets, client, behind)
            await seek(consumer, sought)
            self.watch.remedied({tp: stream_position(consumer, tp) for tp in sought}, now)
            return "seek"
        consumer.resume_partitions(stalled)
        consumer.resume_flow()
        self.app.flow_control.resume()
        # A new assignment restarts the client's fetching from scratch: its requests in
        # flight are dropped, every partition is sought to its committed offset again.
        await in_client_thread(consumer, _rejoin, client)
        self.watch.reset()
        return "rejoin"

    def _report(self, consumer: Any, client: Any, stalled: list[Any],
                positions: dict[Any, tuple[int, int]], behind: dict[Any, int]) -> None:
        state = ", ".join(f"{_name(tp)} at {positions[tp][0]} of {positions[tp][1]}"
                          for tp in sorted(stalled))
        remedy = ("seeking the client back to the stream" if behind
                  else "resuming and rejoining the consumer group")
        log.error(
            "stalled for %.0f s with input left: %s; paused: %s; flow active: %s; %s; %s",
            self.watch.stall_seconds, state, _names(paused_partitions(consumer)) or "none",
            self.app.flow_control.is_active(), client_state(client, stalled), remedy,
        )


async def _seek_targets(client: Any, positions: dict[Any, int]) -> dict[Any, int]:
    """Where to seek each partition back to: the stream's position, or its committed
    offset when that is further (run in the consumer's thread)."""
    targets = {}
    for tp, position in positions.items():
        committed = await client.committed(TopicPartition(tp.topic, tp.partition))
        targets[tp] = max(position, committed or 0)
    return targets


async def _rejoin(client: Any) -> None:
    request_rejoin(client)


def _name(tp: Any) -> str:
    return f"{tp.topic}[{tp.partition}]"


def _names(tps: Any) -> str:
    return ", ".join(_name(tp) for tp in sorted(tps))
