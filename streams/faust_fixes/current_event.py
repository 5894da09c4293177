"""Naming the event a batch loop works for, as Faust does for one event at a time."""

from __future__ import annotations

import weakref
from typing import Any

from faust import streams as faust_streams


def set_current_event(event: Any) -> None:
    """Make ``event`` the calling task's current event (None: no current event).

    Faust sets ``faust.current_event()`` only while an agent iterates one event at a
    time; table writes need it (a key's changelog record goes to the current event's
    partition, and a RocksDB store files the key under it), so a batch loop names one.
    Only the agent task's context variable is set: the stream's own ``current_event``
    attribute belongs to the task that fills the batch.
    """
    faust_streams._current_event.set(None if event is None else weakref.ref(event))
