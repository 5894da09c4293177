"""The worker's garbage-collection setting."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from streams.gc_tuning import tune_gc


@pytest.fixture
def restore_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_threshold_is_applied_and_startup_objects_frozen(restore_gc: None) -> None:
    tune_gc(12_345)
    assert gc.get_threshold() == (12_345, 50, 100)
    assert gc.get_freeze_count() > 0


def test_zero_keeps_pythons_settings(restore_gc: None) -> None:
    before = gc.get_threshold()
    tune_gc(0)
    assert gc.get_threshold() == before
