"""Input continuity: a stateful agent applies every record of its input partitions.

Faust 0.15's consumer can lose a record without a trace. Around a rebalance it drops
records its Kafka client has already fetched and counts on a later seek (see
:mod:`streams.faust_fixes.watchdog`); and its commit logic takes the committed offset for the last
record processed, so one missing record right after an assignment neither shows as a
gap nor holds the commit back. Found by the worker-SIGKILL tests on Apache Kafka: a
restarted worker counted the ``mentions`` records before and after one it never
received, and the counts stayed short.

So each stateful agent keeps, in the ``positions`` table, the offset of the last record
it applied from each input partition, written in the batch that applied it, with the
state it changed (both changelog records go out before the batch's offsets can be
committed, see :mod:`streams.faust_fixes.table_writes`). The state then says where it stops,
whatever
the consumer did or committed. A record past the next offset that mark calls for opens
a hole: that record is held back (neither applied nor acknowledged, so the agent's own
acknowledgements do not carry the commit past the hole) and the partition is sought
back to the first offset missing. A partition whose applied offset stays below the log
end for ``NEWSWIRE_STALL_SECONDS`` (the last records skipped, nothing after them) is
sought back too. Records read again are applied once (:mod:`agents.counting`). A hole
is read again until it fills, at growing intervals; only when the log no longer holds
the missing records (retention deleted them) is it passed over, with an ERROR.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from faust.exceptions import ConsumerNotStarted

from streams import metrics
from streams.app import app
from streams.faust_fixes.rewind import seek
from streams.faust_fixes.table_writes import set_current_event, write
from streams.faust_fixes.watchdog import StallWatch
from streams.settings import get_settings
from streams.tables import positions

log = logging.getLogger("newswire.continuity")
_RETRY_SECONDS = 0.5
_MAX_RETRY_SECONDS = 30.0
_REPORT_AFTER_TRIES = 8  # about 30 s
_LOG_START_AFTER_TRIES = 3  # ask where the log starts (retention) from then on


def continuing(expected: int, offsets: Sequence[int]) -> tuple[list[int], int]:
    """Which of one partition's ``offsets`` (in arrival order) a state that lacks every
    offset from ``expected`` on can apply without leaving a hole: their indexes, and the
    first offset the state lacks once they are applied.

    Each offset is judged when it comes, so a record that arrives before the ones it
    follows is held back (it is read again after the seek), and the records read again
    after a seek are applied even when held-back ones precede them in the batch.
    """
    applicable = []
    for index, offset in enumerate(offsets):
        if offset <= expected:
            applicable.append(index)
            expected = max(expected, offset + 1)
    return applicable, expected


@dataclass
class Hole:
    """Offsets from ``start`` on (the first record seen past it at ``beyond``) that have
    not reached a partition's agent."""

    start: int
    beyond: int
    tries: int = 0
    sought_at: float = float("-inf")


@dataclass
class Holes:
    """Open holes per partition and when to read each again (pure bookkeeping)."""

    retry_seconds: float = _RETRY_SECONDS
    max_retry_seconds: float = _MAX_RETRY_SECONDS
    open: dict[Hashable, Hole] = field(default_factory=dict)
    #: partition -> the offset a hole was passed over to (records deleted from the log)
    floor: dict[Hashable, int] = field(default_factory=dict)
    #: partition -> when it was last sought back
    sought: dict[Hashable, float] = field(default_factory=dict)

    def open_hole(self, tp: Hashable, start: int, beyond: int) -> bool:
        """Note that ``start`` is missing (a record at ``beyond`` came instead); True for
        a new hole. A partition sought back less than ``retry_seconds`` ago is not sought
        again at once: the records read again may still be on their way."""
        hole = self.open.get(tp)
        if hole is not None and hole.start == start:
            hole.beyond = min(hole.beyond, beyond)
            return False
        self.open[tp] = Hole(start, beyond, sought_at=self.sought.get(tp, float("-inf")))
        return True

    def close_filled(self, tp: Hashable, expected: int) -> Hole | None:
        """The agent now lacks ``expected`` first: the hole that closed, if one did."""
        hole = self.open.get(tp)
        if hole is not None and expected > hole.start:
            return self.open.pop(tp)
        return None

    def due(self, now: float) -> list[tuple[Hashable, Hole]]:
        """The holes to read again now, their tries counted: at once, then after
        ``retry_seconds``, doubling up to ``max_retry_seconds``."""
        due = []
        for tp, hole in self.open.items():
            wait = min(self.retry_seconds * 2 ** max(hole.tries - 1, 0), self.max_retry_seconds)
            if now - hole.sought_at >= wait:
                hole.tries += 1
                hole.sought_at = self.sought[tp] = now
                due.append((tp, hole))
        return due

    def pass_over(self, tp: Hashable, to: int) -> None:
        """Give up the hole of ``tp``: the log starts at ``to`` now."""
        self.open.pop(tp, None)
        self.floor[tp] = max(self.floor.get(tp, 0), to)

    def forget(self, keep: set[Any]) -> None:
        """Drop the holes of partitions no longer assigned."""
        for tp in set(self.open) - keep:
            del self.open[tp]


_holes = Holes()
_quiet = StallWatch(get_settings().stall_seconds)
_guards: dict[str, InputGuard] = {}  # by input topic


class InputGuard:
    """The continuity check of one agent over the partitions of its input ``topic``."""

    def __init__(self, agent: str, topic: Any) -> None:
        self.agent = agent
        self.topic = topic.get_topic_name()
        _guards[self.topic] = self

    def _key(self, partition: int) -> str:
        return f"{self.agent}/{partition}"

    def next_expected(self, tp: Any) -> int:
        """The first offset of ``tp`` this agent's state lacks (0 before it applied any:
        not the committed offset, which a skipped record may already have passed)."""
        applied = positions.get(self._key(tp.partition))
        lacks = applied + 1 if applied is not None else 0
        return max(lacks, _holes.floor.get(tp, 0))

    async def admit(self, group: list[Any]) -> list[Any]:
        """The events of one partition's share of a batch that continue the partition;
        the others are held back and the partition is read again."""
        tp = group[0].message.tp
        # A RocksDB store looks a key up in the current event's partition only.
        set_current_event(group[0])
        offsets = [event.message.offset for event in group]
        applicable, expected = continuing(self.next_expected(tp), offsets)
        closed = _holes.close_filled(tp, expected)
        if closed is not None:
            log.warning("%s: %s from offset %d read again after %d seek(s); applied",
                        self.agent, _name(tp), closed.start, closed.tries)
        if len(applicable) == len(group):
            return group
        admitted = [group[index] for index in applicable]
        held = set(range(len(group))) - set(applicable)
        for index in held:
            _hold_back(group[index].message)
        missing = [offsets[index] for index in held if offsets[index] >= expected]
        if missing:
            if _holes.open_hole(tp, expected, min(missing)):
                log.warning("%s: %s offset %d arrived while %d was expected; reading the "
                            "partition again from %d", self.agent, _name(tp), min(missing),
                            expected, expected)
                metrics.input_holes.labels(topic=tp.topic).inc()
            # Records that were on their way past a seek can keep the records read
            # again from being delivered (Faust drops offsets below the last one it
            # delivered): the partition is sought again once the retry period is over.
            await fill_holes()
        return admitted

    async def record_applied(self, group: list[Any]) -> None:
        """Record the last offset of ``group`` (admitted events of one partition) as
        applied, with the state changes of the batch (the current event must be one of
        that partition: see streams.faust_fixes.table_writes)."""
        if not group:
            return
        partition = group[0].message.partition
        last = max(event.message.offset for event in group)
        held = positions.get(self._key(partition))
        if held is None or last > held:
            await write(positions, self._key(partition), last, partition)


def _hold_back(message: Any) -> None:
    """Keep the message's offset from being committed: Faust acknowledges every event
    of a batch once the batch is done, so the message is made to look acknowledged
    already (Faust's ack then does nothing), and the consumer stops waiting for it."""
    message.acked = True
    consumer: Any = app.consumer
    consumer._unacked_messages.discard(message)


@app.task  # type: ignore[untyped-decorator]
async def check_continuity() -> None:
    """Every second: read open holes again when due (:func:`fill_holes`), and look for
    partitions whose applied offset stays below the log end (:func:`find_quiet_holes`).
    A loop rather than a Faust timer: a seek can take a second or two (the Kafka
    client's thread finishes its fetch first), which a timer reports as overlapping."""
    while not app.should_stop:
        await asyncio.sleep(1.0)
        try:
            await fill_holes()
            await find_quiet_holes()
        except Exception:  # a failed check must not end the checking
            log.exception("continuity check failed")


async def fill_holes() -> None:
    """Seek the partitions with a hole due for a re-read back to it; pass over a hole
    whose records the log no longer holds."""
    if not _holes.open:
        return
    consumer: Any = app.consumer
    try:
        _holes.forget(set(consumer.assignment()))
    except ConsumerNotStarted:  # an agent's test context: nothing to seek
        return
    due = _holes.due(time.monotonic())
    if not due:
        return
    long_open = [tp for tp, hole in due if hole.tries >= _LOG_START_AFTER_TRIES]
    earliest = await consumer.earliest_offsets(*long_open) if long_open else {}
    targets = {}
    for tp, hole in due:
        first = earliest.get(tp, 0)
        if first > hole.start:
            if hole.start == 0:  # a state that never read this partition, a trimmed log
                log.info("%s starts at offset %d", _name(tp), first)
            else:
                log.error("%s offsets %d-%d are no longer in the log (retention?): going "
                          "on from %d without them", _name(tp), hole.start, first - 1, first)
            _holes.pass_over(tp, first)
            targets[tp] = first
            continue
        if hole.tries == _REPORT_AFTER_TRIES:
            log.error("%s offset %d still missing after %d re-reads; still trying",
                      _name(tp), hole.start, hole.tries - 1)
        targets[tp] = hole.start
    await seek(consumer, targets)


async def find_quiet_holes() -> None:
    """Open a hole where an agent's applied offset has stayed below the log end for
    ``NEWSWIRE_STALL_SECONDS``: records skipped with nothing after them to show it."""
    consumer: Any = app.consumer
    tables: Any = app.tables
    if _quiet.stall_seconds <= 0 or not tables.recovery.completed.is_set():
        _quiet.reset()
        return
    tps = [tp for tp in consumer.assignment() if tp.topic in _guards]
    if not tps:
        return
    ends = await consumer.highwaters(*tps)
    applied = {tp: (_guards[tp.topic].next_expected(tp), ends.get(tp, 0)) for tp in tps}
    for tp in _quiet.stalled(time.monotonic(), applied):
        start, end = applied[tp]
        if _holes.open_hole(tp, start, end):
            log.warning("%s: %s applied up to offset %d of %d for %.0f s; reading the "
                        "partition again from %d", _guards[tp.topic].agent, _name(tp),
                        start, end, _quiet.stall_seconds, start)
            metrics.input_holes.labels(topic=tp.topic).inc()
    await fill_holes()


def _name(tp: Any) -> str:
    return f"{tp.topic}[{tp.partition}]"
