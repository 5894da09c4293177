"""Garbage collection tuned for newswire's allocation pattern (the worker, its parsing
processes and the benchmark's ceiling)."""

from __future__ import annotations

import gc


def tune_gc(threshold: int) -> None:
    """Collect the young generation every ``threshold`` allocations (Python: 700).

    The worker allocates many short-lived objects per document (decoded events, pydantic
    models) while its tables hold many long-lived ones; with Python's default thresholds
    the collector took about a fifth of the worker's CPU (benchmarks/README.md).
    Objects alive at start (modules, the gazetteer) are frozen out of collections.
    """
    if threshold > 0:
        gc.freeze()
        gc.set_threshold(threshold, 50, 100)
