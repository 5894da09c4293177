"""The stall watchdog's bookkeeping: lagging partitions that stop moving."""

from __future__ import annotations

from streams.faust_fixes.watchdog import StallWatch


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
