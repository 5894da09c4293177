"""Seeking input partitions back, for the remedies of streams.faust_fixes.watchdog and
streams.faust_fixes.continuity (Faust 0.15 has no public call that also resets its own
bookkeeping)."""

from __future__ import annotations

import logging
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import IllegalStateError

from streams.faust_fixes.consumer_state import in_client_thread, kafka_client, set_stream_position

log = logging.getLogger("newswire.rewind")


async def seek(consumer: Any, targets: dict[Any, int]) -> dict[Any, int]:
    """Seek each partition's fetching to an offset, in the Kafka client's thread, and
    have Faust's consumer deliver from there again; the partitions sought (one revoked
    meanwhile is left out)."""
    sought: dict[Any, int] = await in_client_thread(
        consumer, _seek_client, kafka_client(consumer), targets)
    for tp, offset in sought.items():
        set_stream_position(consumer, tp, offset)
    return sought


async def _seek_client(client: Any, targets: dict[Any, int]) -> dict[Any, int]:
    sought = {}
    for tp, offset in targets.items():
        try:
            client.seek(TopicPartition(tp.topic, tp.partition), offset)
        except IllegalStateError:  # no longer assigned: its next owner reads it
            log.info("%s[%d] no longer assigned: not sought", tp.topic, tp.partition)
            continue
        sought[tp] = offset
    return sought
