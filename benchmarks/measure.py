"""One complete benchmark run: a fresh Apache Kafka, newswire's worker (burst and
latency), the in-process ceiling and the Quix Streams peer, on the same documents."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.ceiling import run_ceiling
from benchmarks.deployment import REPO, Deployment, Phase, child_env
from benchmarks.generate import write_documents
from benchmarks.kafka_io import Broker
from benchmarks.procstats import cpu_seconds, memory_mb
from streams.broker import free_port
from streams.child import ChildProcess
from streams.ingest import read_document
from streams.local_kafka import LocalKafka
from streams.models import FileEvent
from streams.settings import Settings

__all__ = [
    "APP_ID", "PEER_PREFIX", "PREFIX", "WARMUP", "Documents", "Options", "log", "percentile",
    "run",
]

PREFIX = "bench."
APP_ID = "newswire-bench"
PEER_PREFIX = "peer."
WARMUP = 1000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Options:
    n: int
    rate: float = 100.0
    latency_docs: int | None = None
    peer: bool = True
    store: str = "memory://"
    partitions: int = 4
    parse_processes: int = -1
    fast: bool = False
    world: float = 0.5
    warmup: int = WARMUP
    seed: int = 8
    timeout: float = 3600.0
    profile: Path | None = None
    keep: Path | None = None


@dataclass
class Documents:
    """The documents of one run: warm-up, measured burst, then offered for latency."""

    warm: list[Path]
    burst: list[Path]
    offered: list[Path]


def _latency_docs(opts: Options) -> int:
    """Documents of the latency phase: as asked, else 10 s of load (at most N)."""
    return opts.latency_docs if opts.latency_docs is not None else min(
        opts.n, int(opts.rate * 10)
    )


def _generate(opts: Options, root: Path, latency_docs: int) -> Documents:
    """Write the run's documents under ``root``/docs."""
    docs = root / "docs"
    log(f"generating {opts.warmup} + {opts.n} + {latency_docs} documents")
    # In event-time order of sending: the warm-up must not be newer than the burst, or
    # the burst's buckets would fall out of the actors' retention period.
    warm = write_documents(docs, opts.warmup, 0, opts.seed, opts.world)
    burst = write_documents(docs, opts.n, opts.warmup, opts.seed, opts.world)
    offered = write_documents(docs, latency_docs, opts.warmup + opts.n, opts.seed, opts.world)
    return Documents(warm, burst, offered)


def _run_facts(opts: Options, burst: list[Path]) -> dict[str, Any]:
    """What the run is: size, store, partitions, parsing and the documents' make-up."""
    sizes = [p.stat().st_size for p in burst]
    return {
        "n": opts.n, "store": opts.store, "partitions": opts.partitions,
        "parse_processes": Settings(ner=not opts.fast,
                                    parse_processes=opts.parse_processes).parse_processes,
        "ner": not opts.fast, "world_share": opts.world,
        "doc_kb_mean": round(sum(sizes) / len(sizes) / 1024, 2),
    }


def _profiler(pid: int, out: Path) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the worker (collapsed stacks), until interrupted."""
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        log("py-spy not installed: no profile")
        return None
    return subprocess.Popen(
        [str(spy), "record", "--pid", str(pid), "--subprocesses", "--format", "raw",
         "--rate", "100", "--nonblocking", "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


# -- newswire's worker


def _worker_process(opts: Options, root: Path, settings: Settings,
                    parse_processes: int) -> ChildProcess:
    """`newswire worker` as a child process (not started)."""
    return ChildProcess(
        "worker", [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "warn"],
        child_env(settings, NEWSWIRE_WEB_PORT=str(free_port()), NEWSWIRE_STORE=opts.store,
                  NEWSWIRE_PARSE_PROCESSES=str(parse_processes),
                  NEWSWIRE_NER="0" if opts.fast else "1"),
        root / "worker.log", cwd=REPO,
    )


async def _profiled_burst(
    opts: Options, kafka: LocalKafka, newswire: Deployment, burst: list[Path]
) -> tuple[Phase, float]:
    """The measured burst (profiled if asked) and Apache Kafka's CPU seconds meanwhile."""
    worker = newswire.child
    profiler = _profiler(worker.pid, opts.profile) if opts.profile else None
    log(f"worker: {opts.n} documents as fast as they are acknowledged")
    kafka_cpu = cpu_seconds(kafka.pid) if kafka.pid else 0.0
    phase = await newswire.burst(burst, opts.timeout)
    kafka_cpu = (cpu_seconds(kafka.pid) if kafka.pid else 0.0) - kafka_cpu
    if profiler is not None:
        profiler.send_signal(signal.SIGINT)
        profiler.wait(30)
    return phase, kafka_cpu


def _burst_figures(phase: Phase, kafka_cpu: float) -> dict[str, Any]:
    """Throughput, CPU and messages of the burst."""
    return {
        "docs_per_s": round(phase.docs_per_s, 1),
        "comments_per_s": round(phase.comments_per_s, 1),
        "seconds": round(phase.seconds, 2),
        "comments": phase.comments,
        "cpu_s_per_1000_docs": round(phase.cpu_s / phase.documents * 1000, 2),
        "parse_cpu_s_per_1000_docs": round(
            (phase.cpu_s - phase.own_cpu_s) / phase.documents * 1000, 2),
        "kafka_cpu_s_per_1000_docs": round(kafka_cpu / phase.documents * 1000, 2),
        "messages_per_doc": round(sum(phase.messages.values()) / phase.documents, 1),
        "messages_per_doc_by_topic": {
            t.removeprefix(PREFIX): round(m / phase.documents, 2)
            for t, m in phase.messages.items() if m
        },
    }


def _latency_figures(rate: float, delays: list[float], parsed: list[float]) -> dict[str, Any]:
    """Percentiles of the latency phase, in ms."""
    return {
        "rate": rate,
        "latency_docs": len(delays),
        "p50_ms": round(percentile(delays, 50), 1),
        "p95_ms": round(percentile(delays, 95), 1),
        "p99_ms": round(percentile(delays, 99), 1),
        "parsed_p50_ms": round(percentile(parsed, 50), 1),
        "parsed_p99_ms": round(percentile(parsed, 99), 1),
    }


async def _measure_worker(
    opts: Options, kafka: LocalKafka, broker: Broker, settings: Settings,
    worker: ChildProcess, docs: Documents, latency_docs: int,
) -> dict[str, Any]:
    """The worker's figures: warm-up, burst, then latency at the offered rate."""
    newswire = Deployment(broker, settings, worker, lambda t: t.startswith(APP_ID))
    await newswire.start()
    try:
        log("worker: warming up")
        await newswire.warm_up(docs.warm)
        phase, kafka_cpu = await _profiled_burst(opts, kafka, newswire, docs.burst)
        rss_burst = memory_mb(worker.pid)
        log(f"worker: {latency_docs} documents at {opts.rate:g}/s")
        delays, parsed = await newswire.latency(docs.offered, opts.rate, opts.timeout) \
            if latency_docs else ([], [])
        return {
            **_burst_figures(phase, kafka_cpu),
            **_latency_figures(opts.rate, delays, parsed),
            "rss_mb": round(memory_mb(worker.pid), 1),
            "rss_mb_after_burst": round(rss_burst, 1),
            "rss_now_mb": round(memory_mb(worker.pid, "VmRSS"), 1),
        }
    except BaseException:
        log(f"worker log:\n{worker.tail()}")
        raise
    finally:
        await newswire.stop()


# -- the in-process ceiling and the peer


def _add_ceiling(result: dict[str, Any], burst: list[Path], settings: Settings,
                 fast: bool) -> None:
    """The in-process ceiling on the burst's documents, and the pipeline against it."""
    log("in-process ceiling")
    events = [read_document(p, max_bytes=settings.max_file_bytes) for p in burst]
    ceiling = run_ceiling([e for e in events if isinstance(e, FileEvent)], settings,
                          ner=not fast)
    result["ceiling_docs_per_s"] = round(ceiling.docs_per_s, 1)
    result["ceiling_comments_per_s"] = round(ceiling.comments_per_s, 1)
    result["pipeline_vs_ceiling"] = round(result["docs_per_s"] / ceiling.docs_per_s, 3)
    # Single-threaded: its elapsed time is its CPU time.
    result["cpu_vs_ceiling"] = round(
        result["cpu_s_per_1000_docs"] / (1000 / ceiling.docs_per_s), 2)


def _peer_process(opts: Options, root: Path, kafka: LocalKafka,
                  peer_settings: Settings) -> ChildProcess:
    """The Quix Streams peer as a child process (not started)."""
    return ChildProcess(
        "peer",
        [sys.executable, "-m", "benchmarks.peer_quix", "--broker", kafka.bootstrap,
         "--files", peer_settings.topic("files"), "--prefix", PEER_PREFIX,
         "--group", "quix-peer", "--state-dir", str(root / "peer-state"),
         "--partitions", str(opts.partitions)],
        child_env(peer_settings), root / "peer.log", cwd=REPO,
    )


async def _add_peer(opts: Options, root: Path, kafka: LocalKafka, broker: Broker,
                    docs: Documents, result: dict[str, Any]) -> None:
    """The peer's figures (None without --peer), and newswire against it."""
    result["peer_docs_per_s"] = None
    result["newswire_vs_peer"] = None
    if not opts.peer:
        return
    peer_settings = Settings(broker=kafka.url, topic_prefix=PEER_PREFIX,
                             partitions=opts.partitions, data_dir=root / "peer")
    peer = _peer_process(opts, root, kafka, peer_settings)
    deployment = Deployment(broker, peer_settings, peer,
                            lambda t: t.startswith(("repartition__", "changelog__")))
    await deployment.start()
    try:
        log("peer: warming up")
        await deployment.warm_up(docs.warm)
        log(f"peer: {opts.n} documents")
        peer_phase = await deployment.burst(docs.burst, opts.timeout)
        result["peer_docs_per_s"] = round(peer_phase.docs_per_s, 1)
        result["peer_rss_mb"] = round(memory_mb(peer.pid), 1)
        result["peer_cpu_s_per_1000_docs"] = round(
            peer_phase.cpu_s / peer_phase.documents * 1000, 2
        )
        result["peer_messages_per_doc"] = round(
            sum(peer_phase.messages.values()) / peer_phase.documents, 1
        )
        result["newswire_vs_peer"] = round(
            result["docs_per_s"] / peer_phase.docs_per_s, 2
        )
    except BaseException:
        log(f"peer log:\n{peer.tail()}")
        raise
    finally:
        await deployment.stop()


# -- the whole run


async def _measure(opts: Options, root: Path, kafka: LocalKafka) -> dict[str, Any]:
    """Every figure of one run, on a started Apache Kafka."""
    latency_docs = _latency_docs(opts)
    docs = _generate(opts, root, latency_docs)
    result = _run_facts(opts, docs.burst)
    settings = Settings(
        broker=kafka.url, topic_prefix=PREFIX, app_id=APP_ID, data_dir=root / "worker",
        partitions=opts.partitions,
    )
    worker = _worker_process(opts, root, settings, result["parse_processes"])
    async with Broker(kafka.bootstrap) as broker:
        result.update(await _measure_worker(opts, kafka, broker, settings, worker, docs,
                                            latency_docs))
        _add_ceiling(result, docs.burst, settings, opts.fast)
        await _add_peer(opts, root, kafka, broker, docs, result)
    return result


def run(opts: Options) -> dict[str, Any]:
    """One complete run: a fresh Apache Kafka in a temporary folder, then everything."""
    with tempfile.TemporaryDirectory(prefix="newswire-bench-") as folder:
        root = opts.keep or Path(folder)
        if opts.keep and opts.keep.exists() and any(opts.keep.iterdir()):
            # A kept broker and worker state would be reused: documents counted twice.
            raise SystemExit(f"--keep needs a new or empty folder: {opts.keep}")
        root.mkdir(parents=True, exist_ok=True)
        kafka = LocalKafka(root / "kafka", partitions=opts.partitions)
        log("starting Apache Kafka")
        kafka.start()
        try:
            return asyncio.run(_measure(opts, root, kafka))
        finally:
            kafka.stop()
