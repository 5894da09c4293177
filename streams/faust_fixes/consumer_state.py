"""What Faust's consumer and its Kafka client hold, read where Faust 0.15 offers no
public call: the stream's read position, the committed offsets, the client's fetch
state. The only place outside the remedies that reads them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any


def kafka_client(consumer: Any) -> Any:
    """The aiokafka consumer behind Faust's consumer (it lives in its own thread)."""
    return consumer._thread._ensure_consumer()


async def in_client_thread(consumer: Any, call: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """Run ``call(*args)`` in the Kafka client's thread and wait for its result."""
    return await consumer._thread.call_thread(call, *args)


def stream_position(consumer: Any, tp: Any) -> int:
    """Where the stream reads ``tp`` next, as Faust's consumer tracks it."""
    read = consumer._read_offset.get(tp)
    return int(read) + 1 if read is not None else int(consumer._committed_offset.get(tp) or 0)


def set_stream_position(consumer: Any, tp: Any, offset: int) -> None:
    """Have Faust's consumer deliver ``tp`` from ``offset`` again after a seek."""
    consumer._read_offset[tp] = offset if offset else None
    # Faust fills "gaps" between read offsets as if acknowledged; a seek is no gap.
    consumer._gap.pop(tp, None)


def running_consumer(app: Any) -> Any | None:
    """The app's consumer, or None before a worker made one (``app.consumer`` would
    make it)."""
    return getattr(app, "_consumer", None)


def committed_offsets(consumer: Any) -> Mapping[Any, int | None]:
    """The next offset Faust committed, per partition."""
    return consumer._committed_offset  # type: ignore[no-any-return]


def paused_partitions(consumer: Any) -> set[Any]:
    """The partitions Faust's consumer holds paused."""
    return set(consumer._paused_partitions)


def forget_unacked(consumer: Any, message: Any) -> None:
    """Stop the consumer waiting for ``message`` to be acknowledged."""
    consumer._unacked_messages.discard(message)


def client_positions(client: Any, tps: list[Any]) -> dict[Any, int]:
    """The client's fetch position of each of ``tps`` that has one."""
    assignment = client._subscription.subscription.assignment
    positions = {}
    for tp in tps:
        state = assignment.state_value(tp)
        if state.has_valid_position:
            positions[tp] = state.position
    return positions


def request_rejoin(client: Any) -> None:
    """Ask the group coordinator for a rebalance (from the client's thread)."""
    client._coordinator.request_rejoin()


def client_state(client: Any, tps: list[Any]) -> str:
    """What the Kafka client holds for ``tps``: its fetch loop, the commit-point
    refresh it waits on, and each partition's fetch state (read from the consumer's
    thread without locking: a snapshot for the log, nothing more)."""
    try:
        fetcher, coordinator = client._fetcher, client._coordinator
        assignment = client._subscription.subscription.assignment
        parts = [
            f"fetch loop {_task_state(fetcher._fetch_task)}",
            f"commit refresh {_task_state(getattr(coordinator, '_commit_refresh_task', None))}",
            f"requests in flight to nodes {sorted(fetcher._in_flight)}",
        ]
        for tp in sorted(tps):
            state = assignment.state_value(tp)
            parts.append(
                f"{tp.topic}[{tp.partition}]: position "
                f"{state.position if state.has_valid_position else None}, awaiting reset "
                f"{state.awaiting_reset}, paused {state.paused}, waiting for its commit point "
                f"{len(state._committed_futs)}, buffered {tp in fetcher._records}"
            )
        return "; ".join(parts)
    except Exception as exc:  # diagnostics only: never fail the check over them
        return f"client state unavailable ({exc!r})"


def _task_state(task: Any) -> str:
    if task is None:
        return "none"
    if not task.done():
        return "running"
    if task.cancelled():
        return "cancelled"
    return f"ended ({task.exception()!r})"
