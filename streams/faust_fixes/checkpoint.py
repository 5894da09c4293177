"""The steps every stateful agent takes with a batch of its input, in one place.

Faust acknowledges the records of a ``take_events`` batch when the agent asks for the
next batch, and commits acknowledged offsets after flushing its producer. Everything a
batch changes therefore has to be handed to the producer inside the batch: the state
(changelog records, :mod:`streams.faust_fixes.table_writes`), the positions applied
(:mod:`streams.faust_fixes.continuity`) and the output events.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from streams.faust_fixes.continuity import InputGuard
from streams.faust_fixes.current_event import set_current_event
from streams.faust_fixes.table_writes import write


def by_partition(events: Iterable[Any]) -> dict[int, list[Any]]:
    """The events of a batch grouped by source partition, each group in arrival order."""
    groups: dict[int, list[Any]] = defaultdict(list)
    for event in events:
        groups[event.message.partition].append(event)
    return dict(groups)


@dataclass
class Batch:
    """The admitted events of one batch, by input partition, and the calls an agent
    makes while it applies them."""

    admitted: dict[int, list[Any]] = field(default_factory=dict)

    def records(self) -> list[Any]:
        """Every admitted event, partition by partition."""
        return [event for group in self.admitted.values() for event in group]

    @staticmethod
    def at(event: Any) -> None:
        """Work on behalf of ``event``: table lookups and writes go to its partition."""
        set_current_event(event)

    @staticmethod
    async def write(table: Any, key: str, value: Any, partition: int) -> None:
        """``table[key] = value``, its changelog record handed to the producer."""
        await write(table, key, value, partition)


class Checkpoint:
    """A stateful agent's way through each batch of its input ``topic``."""

    def __init__(self, agent: str, topic: Any) -> None:
        self.guard = InputGuard(agent, topic)

    @contextlib.asynccontextmanager
    async def batch(self, events: Sequence[Any]) -> AsyncIterator[Batch]:
        """Take ``events`` through the five steps; the agent's body is steps 2 to 4."""
        batch = Batch()
        # 1. Admit: per partition, the records that continue what the agent applied;
        #    the others are held back (not acknowledged) and the partition read again.
        for partition, arrived in by_partition(events).items():
            group = await self.guard.admit(arrived)
            if group:
                batch.admitted[partition] = group
        try:
            # 2. Apply the agent's rules to the admitted records,
            # 3. write the state they change (Batch.write), and
            # 4. send the events they produce: the body of the ``async with``.
            yield batch
            # 3. (end) Positions: the last offset applied per partition, written with
            #    the state under an event of that partition.
            for group in batch.admitted.values():
                set_current_event(group[-1])
                await self.guard.record_applied(group)
        finally:
            set_current_event(None)
        # 5. Acknowledge: Faust acks the batch when the agent asks for the next one; its
        #    commit flushes the producer first, so steps 3 and 4 reach the broker before
        #    the offsets move past the batch.
