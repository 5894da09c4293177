"""Pure bookkeeping of the input checks: which records continue a partition, the holes
open per partition, the partitions that lag without moving. No Kafka, no Faust."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_RETRY_SECONDS = 0.5
_MAX_RETRY_SECONDS = 30.0


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
