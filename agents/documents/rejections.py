"""Agent: counts ``newswire.rejected`` by stage and reason for ``/metrics``.

The watcher and ``newswire send`` write their rejections straight to that topic, so the
worker learns of them only by reading it back.
"""

from __future__ import annotations

from typing import Any

from streams import metrics
from streams.app import app
from streams.models import RejectedEvent
from streams.reasons import Reason
from streams.topics import rejected_topic


@app.agent(rejected_topic, name="count-rejections")
async def count_rejections(stream: Any) -> None:
    """One increment per rejection, labelled with its stage and reason code."""
    async for event in stream:
        if isinstance(event, RejectedEvent):
            metrics.files_rejected.labels(event.stage, event.reason).inc()
        else:
            metrics.files_rejected.labels("unknown", Reason.MALFORMED_EVENT).inc()
