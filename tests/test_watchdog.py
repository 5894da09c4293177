"""The stall watchdog: its bookkeeping (lagging partitions that stop moving) and its
remedies (seek back, resume and rejoin)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from aiokafka import TopicPartition

from streams.faust_fixes.bookkeeping import StallWatch
from streams.faust_fixes.consumer_state import stream_position
from streams.faust_fixes.watchdog import Watchdog


def test_a_lagging_partition_that_does_not_move_is_stalled_after_the_delay() -> None:
    watch = StallWatch(stall_seconds=30)
    assert watch.stalled(0, {"files-0": (5, 9), "files-1": (9, 9)}) == []
    assert watch.stalled(29, {"files-0": (5, 9), "files-1": (9, 9)}) == []
    assert watch.stalled(30, {"files-0": (5, 9), "files-1": (9, 9)}) == ["files-0"]


def test_progress_or_catching_up_restarts_the_clock() -> None:
    watch = StallWatch(stall_seconds=30)
    watch.stalled(0, {"files-0": (5, 9)})
    assert watch.stalled(40, {"files-0": (6, 9)}) == []  # it moved
    assert watch.stalled(69, {"files-0": (6, 12)}) == []
    assert watch.stalled(70, {"files-0": (6, 12)}) == ["files-0"]
    assert watch.stalled(80, {"files-0": (12, 12)}) == []  # caught up
    assert watch.stalled(200, {"files-0": (12, 13)}) == []  # new input: a new clock


def test_revoked_partitions_are_forgotten() -> None:
    watch = StallWatch(stall_seconds=10)
    watch.stalled(0, {"files-0": (1, 2)})
    watch.stalled(5, {})
    assert watch.stalled(20, {"files-0": (1, 2)}) == []


def test_remedies_are_counted_per_stall_and_forgotten_once_it_moves() -> None:
    watch = StallWatch(stall_seconds=10)
    watch.stalled(0, {"files-0": (1, 5)})
    assert watch.stalled(10, {"files-0": (1, 5)}) == ["files-0"]
    watch.remedied({"files-0": 2}, 10)  # the remedy left the stream at 2
    assert watch.tries == {"files-0": 1}
    assert watch.stalled(15, {"files-0": (2, 5)}) == []  # a full period for the remedy
    assert watch.stalled(20, {"files-0": (2, 5)}) == ["files-0"]  # it did not help
    assert watch.tries == {"files-0": 1}  # the next remedy is chosen from this
    watch.stalled(25, {"files-0": (3, 5)})  # it moved: a new stall starts from scratch
    assert watch.tries == {}


# The remedies, on a consumer and Kafka client that hold the state Faust's and aiokafka's
# would hold (the attributes streams.faust_fixes.consumer_state reads), and a clock the
# test moves.

class _PartitionState:
    def __init__(self, position: int | None) -> None:
        self.has_valid_position = position is not None
        self.position = position
        self.awaiting_reset = False
        self.paused = False
        self._committed_futs: list[Any] = []


class _Client:
    def __init__(self, fetched: dict[Any, int], committed: dict[Any, int]) -> None:
        states = {tp: _PartitionState(position) for tp, position in fetched.items()}
        assignment = SimpleNamespace(state_value=lambda tp: states.get(tp, _PartitionState(None)))
        self._subscription = SimpleNamespace(subscription=SimpleNamespace(assignment=assignment))
        self._coordinator = SimpleNamespace(request_rejoin=self._rejoin)
        self._fetcher = SimpleNamespace(_fetch_task=None, _in_flight=set(), _records={})
        self._committed = committed
        self.sought: dict[Any, int] = {}
        self.rejoins = 0

    def _rejoin(self) -> None:
        self.rejoins += 1

    def seek(self, tp: Any, offset: int) -> None:
        self.sought[tp] = offset

    async def committed(self, tp: Any) -> int | None:
        return self._committed.get(tp)


class _Thread:
    def __init__(self, client: _Client) -> None:
        self.client = client

    def _ensure_consumer(self) -> _Client:
        return self.client

    async def call_thread(self, fun: Any, *args: Any) -> Any:
        return await fun(*args)


class _Consumer:
    def __init__(self, read: dict[Any, int], ends: dict[Any, int], client: _Client) -> None:
        self._read_offset: dict[Any, int | None] = dict(read)
        self._committed_offset: dict[Any, int] = {}
        self._gap: dict[Any, Any] = {}
        self._paused_partitions: set[Any] = set()
        self._thread = _Thread(client)
        self.ends = ends
        self.resumed: list[Any] = []
        self.flow_resumed = 0

    def assignment(self) -> set[Any]:
        return set(self.ends)

    async def highwaters(self, *tps: Any) -> dict[Any, int]:
        return {tp: self.ends[tp] for tp in tps}

    def resume_partitions(self, tps: list[Any]) -> None:
        self.resumed.extend(tps)

    def resume_flow(self) -> None:
        self.flow_resumed += 1


class _App:
    def __init__(self, consumer: _Consumer) -> None:
        self.consumer = consumer
        recovered = SimpleNamespace(is_set=lambda: self.recovered)
        self.recovered = True
        self.tables = SimpleNamespace(recovery=SimpleNamespace(completed=recovered))
        self.flow_resumed = 0
        self.flow_control = SimpleNamespace(resume=self._resume, is_active=lambda: True)

    def _resume(self) -> None:
        self.flow_resumed += 1


FILES_0 = TopicPartition("newswire.files", 0)
OTHER_0 = TopicPartition("newswire-count-actors-changelog", 0)


def _watchdog(
    fetched: int | None, committed: int = 0
) -> tuple[Watchdog, _App, _Client, list[float]]:
    """A watchdog over newswire.files[0]: the stream has read up to offset 4 of 9, the
    client fetched up to ``fetched``."""
    client = _Client({FILES_0: fetched} if fetched is not None else {}, {FILES_0: committed})
    consumer = _Consumer({FILES_0: 4, OTHER_0: 0}, {FILES_0: 9, OTHER_0: 7}, client)
    app = _App(consumer)
    now = [0.0]
    watchdog = Watchdog(app, lambda: {"newswire.files"}, stall_seconds=30,
                        clock=lambda: now[0])
    return watchdog, app, client, now


async def test_a_client_ahead_of_a_stalled_stream_is_sought_back_to_the_stream() -> None:
    watchdog, app, client, now = _watchdog(fetched=9)
    assert await watchdog.check() is None  # lagging, for 0 s
    now[0] = 29
    assert await watchdog.check() is None
    now[0] = 30
    assert await watchdog.check() == "seek"
    assert client.sought == {FILES_0: 5}  # where the stream reads next
    # Faust's bookkeeping follows the seek: offset 5 is delivered again.
    assert stream_position(app.consumer, FILES_0) == 6
    assert client.rejoins == 0 and app.consumer.resumed == []  # only other partitions' inputs


async def test_the_seek_goes_to_the_committed_offset_when_that_is_further() -> None:
    watchdog, _, client, now = _watchdog(fetched=9, committed=7)
    await watchdog.check()
    now[0] = 30
    assert await watchdog.check() == "seek"
    assert client.sought == {FILES_0: 7}


async def test_a_stall_that_outlives_the_seek_resumes_and_rejoins() -> None:
    watchdog, app, client, now = _watchdog(fetched=9)
    await watchdog.check()
    now[0] = 30
    assert await watchdog.check() == "seek"
    # The seek did not help: the stream stays where the seek left it.
    now[0] = 59
    assert await watchdog.check() is None  # the remedy gets a full period
    now[0] = 60
    assert await watchdog.check() == "rejoin"
    assert app.consumer.resumed == [FILES_0]
    assert app.consumer.flow_resumed == 1 and app.flow_resumed == 1
    assert client.rejoins == 1
    assert watchdog.watch.tries == {}  # the rejoin starts every clock again


async def test_a_client_not_ahead_of_the_stream_rejoins_at_once() -> None:
    watchdog, _, client, now = _watchdog(fetched=5)
    await watchdog.check()
    now[0] = 30
    assert await watchdog.check() == "rejoin"
    assert client.sought == {}
    assert client.rejoins == 1


async def test_no_remedy_while_tables_recover_or_when_the_watchdog_is_off() -> None:
    watchdog, app, _, now = _watchdog(fetched=9)
    await watchdog.check()
    app.recovered = False  # restoring tables: the consumer is paused on purpose
    now[0] = 30
    assert await watchdog.check() is None
    app.recovered = True
    now[0] = 31
    assert await watchdog.check() is None  # the clock restarted after the recovery
    off, _, _, off_now = _watchdog(fetched=9)
    off.watch.stall_seconds = 0
    off_now[0] = 1000
    assert await off.check() is None
