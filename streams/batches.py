"""Helpers for agents that process their events in batches (``stream.take_events``).

Faust marks the event being processed (``faust.current_event()``, a context variable)
only while an agent iterates one event at a time. Table writes need it: a key's
changelog record goes to the current event's partition, and the RocksDB store files the
key under it. A batch loop therefore names, before it writes a key, an event of the
partition that key belongs to. Only the agent task's context variable is set: the
stream's own ``current_event`` attribute belongs to the task that fills the batch.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from faust import streams


def set_current_event(event: Any) -> None:
    """Make ``event`` the current event of the calling task (None: no current event)."""
    streams._current_event.set(None if event is None else weakref.ref(event))


def by_partition(events: Iterable[Any]) -> dict[int, list[Any]]:
    """The events of a batch grouped by source partition, each group in arrival order."""
    groups: dict[int, list[Any]] = defaultdict(list)
    for event in events:
        groups[event.message.partition].append(event)
    return dict(groups)
