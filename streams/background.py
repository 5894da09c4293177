"""Everything a worker runs besides its agents and web views, started from one place.

The worker (:class:`streams.faust_fixes.worker.Worker`) installs these when it first
starts; importing a module never starts anything.
"""

from __future__ import annotations

from faust.types import AppT

from streams.faust_fixes.continuity import CONTINUITY
from streams.faust_fixes.watchdog import CHECK_SECONDS, Watchdog
from streams.metrics import EventSensor, FaustState, registry
from streams.settings import get_settings
from streams.topics import declare_output_topics


def install(app: AppT) -> None:
    """Register the worker's background tasks, timer and sensors on ``app``."""
    # Create the topics the agents only write to (Faust declares the ones they read).
    app.task(declare_output_topics)
    # Re-read input records a stateful agent missed (streams.faust_fixes.continuity).
    app.task(CONTINUITY.run)
    # Unstick input partitions that stopped moving (streams.faust_fixes.watchdog).
    watchdog = Watchdog(app, CONTINUITY.inputs, get_settings().stall_seconds)
    app.timer(interval=CHECK_SECONDS)(watchdog.check)
    # Events in and out per agent and topic; lag and table sizes when /metrics is read.
    app.sensors.add(EventSensor())
    registry.register(FaustState(app))
