"""Input continuity: a stateful agent applies every record of its input partitions.

Faust 0.15's consumer can lose a record without a trace. Around a rebalance it drops
records its Kafka client has already fetched and counts on a later seek (see
:mod:`streams.watchdog`); and its commit logic takes the committed offset for the last
record processed, so one missing record right after an assignment neither shows as a
gap nor holds the commit back. Found by the worker-SIGKILL tests on Apache Kafka: a
restarted worker counted the ``mentions`` records before and after one it never
received, and the counts stayed short.

So each stateful agent keeps, in the ``positions`` table, the offset of the last record
it applied from each input partition, written in the batch that applied it, with the
state it changed (both changelog records go out before the batch's offsets can be
committed, see :mod:`streams.batches`). A record past the next offset that mark calls
for opens a hole: it and every later record of its partition are left unapplied and
unacknowledged, so no commit can pass the hole, and the partition is sought back to the
first missing offset. Records read again are applied once (:mod:`agents.counting`).
A hole that re-reading does not fill (records deleted by retention) is reported at
ERROR and passed over: the records after it are read again and applied.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition
from faust.exceptions import ConsumerNotStarted

from streams import metrics
from streams.app import app
from streams.batches import write
from streams.tables import positions

log = logging.getLogger("newswire.continuity")
_RETRY_SECONDS = 2.0
_MAX_TRIES = 5


def continuing(expected: int, offsets: Sequence[int]) -> tuple[int, int]:
    """How many of one partition's ``offsets`` (in arrival order) a state that lacks
    every offset from ``expected`` on can apply: all up to the first that would leave a
    hole. Returns that number and the offset the state lacks after applying them."""
    for index, offset in enumerate(offsets):
        if offset > expected:
            return index, expected
        expected = max(expected, offset + 1)
    return len(offsets), expected


@dataclass
class Hole:
    """Offsets ``[start, beyond)`` of a partition that have not reached its agent."""

    start: int
    beyond: int
    tries: int = 0
    sought_at: float = float("-inf")


@dataclass
class Holes:
    """The open holes of each partition and when to read each again (pure bookkeeping)."""

    retry_seconds: float = _RETRY_SECONDS
    max_tries: int = _MAX_TRIES
    open: dict[Hashable, Hole] = field(default_factory=dict)
    #: partition -> the offset a hole given up on was passed over to
    floor: dict[Hashable, int] = field(default_factory=dict)

    def found(self, tp: Hashable, start: int, beyond: int) -> bool:
        """A record at ``beyond`` arrived while ``start`` was expected; True when this
        is a new hole (not one already being filled)."""
        hole = self.open.get(tp)
        if hole is not None and hole.start == start:
            hole.beyond = min(hole.beyond, beyond)
            return False
        self.open[tp] = Hole(start, beyond)
        return True

    def reached(self, tp: Hashable, expected: int) -> Hole | None:
        """The agent now lacks ``expected`` first: the hole it closed, if any."""
        hole = self.open.get(tp)
        if hole is not None and expected > hole.start:
            return self.open.pop(tp)
        return None

    def due(self, now: float) -> list[tuple[Hashable, Hole, bool]]:
        """The holes to read again now, each with True when it is given up: one still
        open after ``max_tries`` re-reads is removed, and its ``beyond`` becomes the
        floor of what the agent expects."""
        due = []
        for tp, hole in list(self.open.items()):
            if now - hole.sought_at < self.retry_seconds:
                continue
            given_up = hole.tries >= self.max_tries
            if given_up:
                del self.open[tp]
                self.floor[tp] = max(self.floor.get(tp, 0), hole.beyond)
            else:
                hole.tries += 1
                hole.sought_at = now
            due.append((tp, hole, given_up))
        return due

    def forget(self, keep: set[Any]) -> None:
        """Drop the holes of partitions no longer assigned."""
        for tp in set(self.open) - keep:
            del self.open[tp]


_holes = Holes()


class InputGuard:
    """The continuity check of one agent (named ``agent``) over its input partitions."""

    def __init__(self, agent: str) -> None:
        self.agent = agent

    def _key(self, partition: int) -> str:
        return f"{self.agent}/{partition}"

    def expected(self, tp: Any) -> int:
        """The first offset of ``tp`` this agent's state lacks."""
        applied = positions.get(self._key(tp.partition))
        lacks = applied + 1 if applied is not None else 0
        return max(lacks, _holes.floor.get(tp, 0))

    async def admit(self, group: list[Any]) -> list[Any]:
        """The events of one partition's share of a batch that continue the partition;
        the others are left unacknowledged and the partition is read again."""
        tp = group[0].message.tp
        count, expected = continuing(self.expected(tp), [e.message.offset for e in group])
        closed = _holes.reached(tp, expected)
        if closed is not None:
            log.warning("%s: %s offsets %d-%d read again after %d seek(s); applied",
                        self.agent, _name(tp), closed.start, closed.beyond - 1, closed.tries)
        if count == len(group):
            return group
        for event in group[count:]:
            _leave_unacknowledged(event.message)
        beyond = group[count].message.offset
        if _holes.found(tp, expected, beyond):
            log.warning("%s: %s offset %d arrived while %d was expected: offsets %d-%d "
                        "never reached the agent; reading them again",
                        self.agent, _name(tp), beyond, expected, expected, beyond - 1)
            metrics.input_holes.labels(topic=tp.topic).inc()
            await fill_holes()
        return group[:count]

    async def applied(self, group: list[Any]) -> None:
        """Record the last offset of ``group`` (admitted events of one partition) as
        applied, with the state changes of the batch (the current event must be one of
        that partition: see streams.batches)."""
        if not group:
            return
        partition = group[0].message.partition
        last = max(e.message.offset for e in group)
        held = positions.get(self._key(partition))
        if held is None or last > held:
            await write(positions, self._key(partition), last, partition)


def _leave_unacknowledged(message: Any) -> None:
    """Faust acknowledges every event of a batch once the batch is done; this one must
    not be (its offset would be committed past the hole): it counts as acknowledged
    already, and the consumer no longer waits for it."""
    message.acked = True
    consumer: Any = app.consumer
    consumer._unacked_messages.discard(message)


@app.timer(interval=1.0)  # type: ignore[untyped-decorator]
async def read_holes_again() -> None:
    """Every second: :func:`fill_holes` (a hole found seeks at once; later re-reads,
    and the records delivered late that may have passed a seek, need the timer)."""
    await fill_holes()


async def fill_holes() -> None:
    """Seek the partitions with an open hole back to it; pass over those that several
    re-reads did not fill."""
    if not _holes.open:
        return
    consumer: Any = app.consumer
    try:
        _holes.forget(set(consumer.assignment()))
    except ConsumerNotStarted:  # an agent's test context: nothing to seek
        return
    for tp, hole, given_up in _holes.due(time.monotonic()):
        target = hole.start
        if given_up:
            target = hole.beyond
            log.error("%s offsets %d-%d did not arrive in %d re-reads (deleted from the "
                      "log?); going on from %d without them",
                      _name(tp), hole.start, hole.beyond - 1, hole.tries, hole.beyond)
        await seek(consumer, {tp: target})


async def seek(consumer: Any, targets: dict[Any, int]) -> None:
    """Seek each partition's fetching to an offset (in the Kafka client's thread), and
    have Faust's consumer deliver from there again."""
    client = consumer._thread._ensure_consumer()
    await consumer._thread.call_thread(_seek_client, client, targets)
    for tp, offset in targets.items():
        consumer._read_offset[tp] = offset if offset else None
        # Faust fills "gaps" between read offsets as if acknowledged; a seek is no gap.
        consumer._gap.pop(tp, None)


async def _seek_client(client: Any, targets: dict[Any, int]) -> None:
    for tp, offset in targets.items():
        client.seek(TopicPartition(tp.topic, tp.partition), offset)


def _name(tp: Any) -> str:
    return f"{tp.topic}[{tp.partition}]"
