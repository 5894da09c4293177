"""Helpers for agents that process their events in batches (``stream.take_events``).

Faust marks the event being processed (``faust.current_event()``) only while an agent
iterates one event at a time. Table writes need it: the RocksDB store files a key
under the current event's partition. A batch loop therefore names, before it writes a
key, an event of the partition that key belongs to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any


def set_current_event(stream: Any, event: Any) -> None:
    """Make ``event`` the stream's current event (None: no current event)."""
    stream._set_current_event(event)


def by_partition(events: Iterable[Any]) -> dict[int, list[Any]]:
    """The events of a batch grouped by source partition, each group in arrival order."""
    groups: dict[int, list[Any]] = defaultdict(list)
    for event in events:
        groups[event.message.partition].append(event)
    return dict(groups)
