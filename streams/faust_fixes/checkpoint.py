"""The steps every stateful agent takes with a batch of its input, in one place.

Faust acknowledges the records of a ``take_events`` batch when the agent asks for the
next batch, and commits acknowledged offsets after flushing its producer. Everything a
batch changes therefore has to be handed to the producer inside the batch: the output
events, the state (changelog records, :mod:`streams.faust_fixes.table_writes`) and the
positions applied (:mod:`streams.faust_fixes.continuity`).

The state and the positions say what the batch produced: a worker that takes the
partition over trusts them and does not produce it again. So they go to the producer
only once the broker has acknowledged the batch's outputs
(:func:`streams.faust_fixes.direct_send.deliver`). Handed over in the same breath, a
positions record could land while the batch's mentions were still lingering in the
producer, and a worker killed then lost those mentions for good (found by the
worker-SIGKILL tests on Apache Kafka).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from streams.faust_fixes.continuity import InputGuard
from streams.faust_fixes.current_event import set_current_event
from streams.faust_fixes.direct_send import deliver
from streams.faust_fixes.table_writes import send_changelog, store


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
    #: changelog records to send once the outputs are delivered, by (table, key)
    changes: dict[tuple[str, str], tuple[Any, Any, int]] = field(default_factory=dict)

    def records(self) -> list[Any]:
        """Every admitted event, partition by partition."""
        return [event for group in self.admitted.values() for event in group]

    @staticmethod
    def at(event: Any) -> None:
        """Work on behalf of ``event``: table lookups and writes go to its partition."""
        set_current_event(event)

    def write(self, table: Any, key: str, value: Any, partition: int) -> None:
        """``table[key] = value`` now; its changelog record goes to the producer once the
        batch's outputs are delivered (the last value of a key, once)."""
        store(table, key, value)
        self.changes[(table.name, key)] = (table, value, partition)

    async def send_changes(self) -> None:
        """Hand the changelog records of the batch's writes to the producer."""
        for (_, key), (table, value, partition) in self.changes.items():
            await send_changelog(table, key, value, partition)


class Checkpoint:
    """A stateful agent's way through each batch of its input ``topic``."""

    def __init__(self, agent: str, topic: Any) -> None:
        self.guard = InputGuard(agent, topic)

    @contextlib.asynccontextmanager
    async def batch(self, events: Sequence[Any]) -> AsyncIterator[Batch]:
        """Take ``events`` through the six steps; the agent's body is steps 2 and 3."""
        batch = Batch()
        # 1. Admit: per partition, the records that continue what the agent applied;
        #    the others are held back (not acknowledged) and the partition read again.
        for partition, arrived in by_partition(events).items():
            group = await self.guard.admit(arrived)
            if group:
                batch.admitted[partition] = group
        try:
            # 2. Apply the agent's rules to the admitted records, changing the tables
            #    (Batch.write: the store now, the changelog at step 5), and
            # 3. send the events they produce: the body of the ``async with``.
            yield batch
            # 4. Deliver: the broker has acknowledged every output of the batch.
            await deliver()
            # 5. Write the state and the positions (the last offset applied per
            #    partition, under an event of that partition) to their changelogs.
            await batch.send_changes()
            for group in batch.admitted.values():
                set_current_event(group[-1])
                await self.guard.record_applied(group)
        finally:
            set_current_event(None)
        # 6. Acknowledge: Faust acks the batch when the agent asks for the next one; its
        #    commit flushes the producer first, so step 5 reaches the broker before the
        #    offsets move past the batch.
