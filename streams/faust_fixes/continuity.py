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
from typing import Any

from faust.exceptions import ConsumerNotStarted

from streams import metrics
from streams.app import app
from streams.faust_fixes.bookkeeping import Holes, StallWatch, continuing
from streams.faust_fixes.consumer_state import forget_unacked
from streams.faust_fixes.current_event import set_current_event
from streams.faust_fixes.rewind import seek
from streams.faust_fixes.table_writes import write
from streams.settings import get_settings
from streams.tables import positions

log = logging.getLogger("newswire.continuity")
_REPORT_AFTER_TRIES = 8  # about 30 s
_LOG_START_AFTER_TRIES = 3  # ask where the log starts (retention) from then on


class Continuity:
    """The worker's continuity check: its stateful agents' input guards, the holes open
    in their partitions and the partitions that stay quiet below their log end."""

    def __init__(self) -> None:
        self.guards: dict[str, InputGuard] = {}  # by input topic
        self.reset()

    def reset(self) -> None:
        """Forget every hole and quiet partition (guards stay: they belong to agents)."""
        self.holes = Holes()
        self.quiet = StallWatch(get_settings().stall_seconds)

    def inputs(self) -> set[str]:
        """The input topics of the stateful agents."""
        return set(self.guards)

    async def run(self) -> None:
        """Every second: read open holes again when due (:meth:`fill_holes`), and look
        for partitions whose applied offset stays below the log end
        (:meth:`find_quiet_holes`). A loop rather than a Faust timer: a seek can take a
        second or two (the Kafka client's thread finishes its fetch first), which a timer
        reports as overlapping."""
        while not app.should_stop:
            await asyncio.sleep(1.0)
            try:
                await self.fill_holes()
                await self.find_quiet_holes()
            except Exception:  # a failed check must not end the checking
                log.exception("continuity check failed")

    async def fill_holes(self) -> None:
        """Seek the partitions with a hole due for a re-read back to it; pass over a hole
        whose records the log no longer holds."""
        if not self.holes.open:
            return
        consumer: Any = app.consumer
        try:
            self.holes.forget(set(consumer.assignment()))
        except ConsumerNotStarted:  # an agent's test context: nothing to seek
            return
        due = self.holes.due(time.monotonic())
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
                    log.error("%s offsets %d-%d are no longer in the log (retention?): going"
                              " on from %d without them", _name(tp), hole.start, first - 1,
                              first)
                self.holes.pass_over(tp, first)
                targets[tp] = first
                continue
            if hole.tries == _REPORT_AFTER_TRIES:
                log.error("%s offset %d still missing after %d re-reads; still trying",
                          _name(tp), hole.start, hole.tries - 1)
            targets[tp] = hole.start
        await seek(consumer, targets)

    async def find_quiet_holes(self) -> None:
        """Open a hole where an agent's applied offset has stayed below the log end for
        ``NEWSWIRE_STALL_SECONDS``: records skipped with nothing after them to show it."""
        consumer: Any = app.consumer
        tables: Any = app.tables
        if self.quiet.stall_seconds <= 0 or not tables.recovery.completed.is_set():
            self.quiet.reset()
            return
        tps = [tp for tp in consumer.assignment() if tp.topic in self.guards]
        if not tps:
            return
        ends = await consumer.highwaters(*tps)
        applied = {tp: (self.guards[tp.topic].next_expected(tp), ends.get(tp, 0))
                   for tp in tps}
        for tp in self.quiet.stalled(time.monotonic(), applied):
            start, end = applied[tp]
            if self.holes.open_hole(tp, start, end):
                log.warning("%s: %s applied up to offset %d of %d for %.0f s; reading the "
                            "partition again from %d", self.guards[tp.topic].agent,
                            _name(tp), start, end, self.quiet.stall_seconds, start)
                metrics.input_holes.labels(topic=tp.topic).inc()
        await self.fill_holes()


CONTINUITY = Continuity()


class InputGuard:
    """The continuity check of one agent over the partitions of its input ``topic``."""

    def __init__(self, agent: str, topic: Any, continuity: Continuity = CONTINUITY) -> None:
        self.agent = agent
        self.topic = topic.get_topic_name()
        self.continuity = continuity
        continuity.guards[self.topic] = self

    def _key(self, partition: int) -> str:
        return f"{self.agent}/{partition}"

    def next_expected(self, tp: Any) -> int:
        """The first offset of ``tp`` this agent's state lacks (0 before it applied any:
        not the committed offset, which a skipped record may already have passed)."""
        applied = positions.get(self._key(tp.partition))
        lacks = applied + 1 if applied is not None else 0
        return max(lacks, self.continuity.holes.floor.get(tp, 0))

    async def admit(self, group: list[Any]) -> list[Any]:
        """The events of one partition's share of a batch that continue the partition;
        the others are held back and the partition is read again."""
        holes = self.continuity.holes
        tp = group[0].message.tp
        # A RocksDB store looks a key up in the current event's partition only.
        set_current_event(group[0])
        offsets = [event.message.offset for event in group]
        applicable, expected = continuing(self.next_expected(tp), offsets)
        closed = holes.close_filled(tp, expected)
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
            if holes.open_hole(tp, expected, min(missing)):
                log.warning("%s: %s offset %d arrived while %d was expected; reading the "
                            "partition again from %d", self.agent, _name(tp), min(missing),
                            expected, expected)
                metrics.input_holes.labels(topic=tp.topic).inc()
            # Records that were on their way past a seek can keep the records read
            # again from being delivered (Faust drops offsets below the last one it
            # delivered): the partition is sought again once the retry period is over.
            await self.continuity.fill_holes()
        return admitted

    async def record_applied(self, group: list[Any]) -> None:
        """Record the last offset of ``group`` (admitted events of one partition) as
        applied, with the state changes of the batch (the current event must be one of
        that partition: see streams.faust_fixes.current_event)."""
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
    forget_unacked(app.consumer, message)


def _name(tp: Any) -> str:
    return f"{tp.topic}[{tp.partition}]"
