"""Input continuity bookkeeping: which records continue a partition, and holes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from streams.faust_fixes.bookkeeping import Holes, continuing


def applied(expected: int, offsets: list[int]) -> tuple[list[int], int]:
    indexes, after = continuing(expected, offsets)
    return [offsets[i] for i in indexes], after


def test_records_that_continue_the_partition_are_applied() -> None:
    assert applied(4, [4, 5, 6]) == ([4, 5, 6], 7)
    assert applied(0, []) == ([], 0)


def test_a_record_past_the_expected_offset_is_held_back() -> None:
    assert applied(4, [5, 6]) == ([], 4)  # 4 never arrived: 5 and 6 wait for it
    assert applied(4, [4, 6]) == ([4], 5)


def test_records_read_again_after_a_seek_are_applied_behind_held_back_ones() -> None:
    # 7 and 8 were queued before the seek back to 4; the records read again follow.
    assert applied(4, [7, 8, 4, 5, 6]) == ([4, 5, 6], 7)


def test_records_the_state_already_holds_are_applied_again() -> None:
    # After a rebalance the consumer restarts at the committed offset, behind the state;
    # counting skips what a value already holds (agents.counting).
    assert applied(10, [7, 8, 9, 10, 11]) == ([7, 8, 9, 10, 11], 12)
    assert applied(10, [3]) == ([3], 10)


@given(st.integers(0, 50), st.lists(st.integers(0, 80), max_size=30))
def test_what_is_applied_leaves_no_hole(expected: int, offsets: list[int]) -> None:
    done, after = applied(expected, offsets)
    assert set(range(expected, after)) <= set(done)  # every offset up to `after` applied
    assert after >= expected
    assert all(o < after for o in done)
    held = [o for o in offsets if o not in done]
    assert all(o > expected for o in held)


def test_a_hole_is_read_again_at_once_then_at_doubling_intervals() -> None:
    holes = Holes(retry_seconds=2, max_retry_seconds=5)
    assert holes.open_hole("m-0", 4, 9)
    assert not holes.open_hole("m-0", 4, 7)  # the same hole, seen again
    assert holes.open["m-0"].beyond == 7
    assert [(tp, h.tries) for tp, h in holes.due(now=100)] == [("m-0", 1)]
    assert holes.due(now=101) == []
    assert [h.tries for _, h in holes.due(now=102)] == [2]
    assert holes.due(now=105) == []  # 4 s after the second re-read
    assert [h.tries for _, h in holes.due(now=106)] == [3]
    assert holes.due(now=110) == []  # capped at 5 s
    assert [h.tries for _, h in holes.due(now=111)] == [4]


def test_a_new_hole_right_after_a_seek_waits_for_the_records_read_again() -> None:
    holes = Holes(retry_seconds=2)
    holes.open_hole("m-0", 4, 7)
    holes.due(now=100)
    assert holes.close_filled("m-0", 7) is not None  # 4-6 read again, 7 held back
    assert holes.open_hole("m-0", 7, 7)
    assert holes.due(now=101) == []  # the copies of 7 and 8 are on their way
    assert [h.start for _, h in holes.due(now=102)] == [7]


def test_a_filled_hole_is_closed() -> None:
    holes = Holes()
    holes.open_hole("m-0", 4, 9)
    assert holes.close_filled("m-0", 4) is None  # 4 still lacking
    closed = holes.close_filled("m-0", 6)
    assert closed is not None and (closed.start, closed.beyond) == (4, 9)
    assert holes.open == {}


def test_a_hole_the_log_no_longer_holds_is_passed_over() -> None:
    holes = Holes()
    holes.open_hole("m-0", 4, 9)
    holes.pass_over("m-0", 6)
    assert holes.open == {} and holes.floor == {"m-0": 6}


def test_holes_of_revoked_partitions_are_forgotten() -> None:
    holes = Holes()
    holes.open_hole("m-0", 4, 9)
    holes.open_hole("m-1", 0, 2)
    holes.forget({"m-1"})
    assert set(holes.open) == {"m-1"}
