"""Input continuity bookkeeping: which records continue a partition, and holes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from streams.continuity import Holes, continuing


def test_records_that_continue_the_partition_are_applied() -> None:
    assert continuing(4, [4, 5, 6]) == (3, 7)
    assert continuing(0, []) == (0, 0)


def test_a_record_past_the_expected_offset_stops_the_batch_there() -> None:
    # 4 never arrived: 5 and everything after it wait.
    assert continuing(4, [5, 6]) == (0, 4)
    assert continuing(4, [4, 6, 5]) == (1, 5)


def test_records_read_again_are_applied_and_do_not_move_the_mark_back() -> None:
    # After a rebalance the consumer restarts at the committed offset, behind the state.
    assert continuing(10, [7, 8, 9, 10, 11]) == (5, 12)
    assert continuing(10, [3]) == (1, 10)


@given(st.integers(0, 50), st.lists(st.integers(0, 80), max_size=30))
def test_applied_records_never_leave_a_hole(expected: int, offsets: list[int]) -> None:
    count, after = continuing(expected, offsets)
    lacking = expected
    for offset in offsets[:count]:
        assert offset <= lacking
        lacking = max(lacking, offset + 1)
    assert after == lacking
    assert count == len(offsets) or offsets[count] > lacking


def test_a_hole_is_read_again_at_once_then_every_retry_period() -> None:
    holes = Holes(retry_seconds=2, max_tries=3)
    assert holes.found("m-0", 4, 9)
    assert not holes.found("m-0", 4, 7)  # the same hole, seen again
    assert holes.open["m-0"].beyond == 7
    [(tp, hole, given_up)] = holes.due(now=100)
    assert (tp, hole.start, hole.tries, given_up) == ("m-0", 4, 1, False)
    assert holes.due(now=101) == []
    assert [h.tries for _, h, _ in holes.due(now=102)] == [2]


def test_a_filled_hole_is_closed() -> None:
    holes = Holes()
    holes.found("m-0", 4, 9)
    assert holes.reached("m-0", 4) is None  # 4 still lacking
    closed = holes.reached("m-0", 6)
    assert closed is not None and (closed.start, closed.beyond) == (4, 9)
    assert holes.open == {}


def test_a_hole_that_re_reading_does_not_fill_is_passed_over() -> None:
    holes = Holes(retry_seconds=1, max_tries=2)
    holes.found("m-0", 4, 9)
    assert [given_up for _, _, given_up in holes.due(0)] == [False]
    assert [given_up for _, _, given_up in holes.due(1)] == [False]
    [(_, hole, given_up)] = holes.due(2)
    assert given_up and hole.beyond == 9
    assert holes.open == {} and holes.floor == {"m-0": 9}


def test_holes_of_revoked_partitions_are_forgotten() -> None:
    holes = Holes()
    holes.found("m-0", 4, 9)
    holes.found("m-1", 0, 2)
    holes.forget({"m-1"})
    assert set(holes.open) == {"m-1"}
