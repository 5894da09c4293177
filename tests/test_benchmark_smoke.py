"""The benchmark cannot rot: a small run through the real pipeline on Apache Kafka.

No timing thresholds: the figures depend on the machine. The run must finish and its
JSON line must hold every figure, each a positive number.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.harness import REPO

FIGURES = (
    "docs_per_s", "comments_per_s", "ceiling_docs_per_s", "p50_ms", "p95_ms", "p99_ms",
    "rss_mb", "cpu_s_per_1000_docs", "messages_per_doc", "pipeline_vs_ceiling",
    "parse_cpu_s_per_1000_docs", "parsed_p50_ms", "cpu_vs_ceiling",
)


@pytest.mark.kafka
@pytest.mark.timeout(600)
def test_benchmark_smoke_run_reports_every_figure() -> None:
    from streams.local_kafka import check_prerequisites

    check_prerequisites()  # fails (not skips) with what to install
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--n", "50", "--no-peer", "--json",
         "--rate", "50", "--warmup", "20"],
        cwd=REPO, capture_output=True, text=True, timeout=540, check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for key in FIGURES:
        assert isinstance(result[key], int | float) and result[key] > 0, (key, result[key])
    assert "peer_docs_per_s" in result and result["peer_docs_per_s"] is None  # --no-peer
    assert result["n"] == 50 and result["latency_docs"] == 50
    assert result["messages_per_doc_by_topic"]["articles"] == 1.0
    assert "docs/s" in done.stdout  # the human-readable report comes first


def test_without_the_bench_extra_the_benchmark_says_what_to_install_before_any_work(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    from benchmarks import run

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "quixstreams" else real(name, *a))
    monkeypatch.setattr(run, "run", lambda *a, **k: pytest.fail("the run started"))
    assert run.main(["--n", "10"]) == 2
    assert "pip install -e '.[bench]'" in capsys.readouterr().err
    assert run.missing_extra(peer=False) is None  # --no-peer needs nothing more
