"""newswire's benchmark: the real pipeline on a local Apache Kafka, its in-process
ceiling and a Quix Streams peer, in one run on the same documents.

    python -m benchmarks.run --n 2000 [--json] [--no-peer] [--rate 100] [--store rocksdb://]
    python -m benchmarks.run --scale [--sizes 1000,10000,100000]

See benchmarks/README.md for what is measured and how.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from benchmarks.ceiling import Throughput, run_ceiling
from benchmarks.generate import write_documents
from benchmarks.kafka_io import Broker, Offsets, first_only, grown, last_only, total, wait_until
from streams.broker import free_port
from streams.child import ChildProcess
from streams.ingest import read_document
from streams.local_kafka import LocalKafka
from streams.models import FileEvent, RejectedEvent
from streams.sender import Sender
from streams.settings import Settings

REPO = Path(__file__).resolve().parents[1]
PREFIX = "bench."
APP_ID = "newswire-bench"
PEER_PREFIX = "peer."
WARMUP = 1000
_BATCH = 256
_TICKS = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- a process and what /proc says about it


def family(pid: int) -> list[int]:
    """``pid`` and its descendants (the worker and its parsing processes)."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                pids += family(int(child))
    return pids


def cpu_seconds(pid: int, descendants: bool = True) -> float:
    """utime + stime of a process (and its descendants), from /proc/<pid>/stat."""
    total = 0.0
    for member in family(pid) if descendants else [pid]:
        with contextlib.suppress(OSError):  # a parsing process that just exited
            stat = Path(f"/proc/{member}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total


def memory_mb(pid: int, field_name: str = "VmHWM") -> float:
    """A memory figure of /proc/<pid>/status (VmHWM: peak resident set), in MB, summed
    over the process and its descendants."""
    total = 0.0
    for member in family(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith(f"{field_name}:"):
                    total += int(line.split()[1]) / 1024
    return total


# -- feeding documents the way `newswire send` does


async def send_files(sender: Sender, paths: Sequence[Path]) -> int:
    """Read and send files in batches of 256, each acknowledged (acks=all); how many sent."""
    sent = 0
    for start in range(0, len(paths), _BATCH):
        batch: list[FileEvent | RejectedEvent] = [
            read_document(path, max_bytes=sender.settings.max_file_bytes)
            for path in paths[start : start + _BATCH]
        ]
        sent += sum(await sender.send_all(batch))
    return sent


async def offer_files(sender: Sender, paths: Sequence[Path], rate: float) -> None:
    """Offer files at a steady rate: each is read (its arrival time) and sent on schedule."""
    started = time.monotonic()
    pending: list[asyncio.Task[list[bool]]] = []
    for index, path in enumerate(paths):
        delay = started + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        event = read_document(path, max_bytes=sender.settings.max_file_bytes)
        pending.append(asyncio.create_task(sender.send_all([event])))
    await asyncio.gather(*pending)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _ms(ts: str) -> float:
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1000


# -- one measured deployment (newswire's worker or the peer) on the broker


@dataclass
class Phase(Throughput):
    """What one burst of documents through a deployment measured."""

    messages: dict[str, int] = field(default_factory=dict)
    cpu_s: float = 0.0
    own_cpu_s: float = 0.0  # the processing process alone, without its children


class Deployment:
    """A processing process and its topics (``prefix``*, plus its internal ones)."""

    def __init__(self, broker: Broker, settings: Settings, child: ChildProcess,
                 internal: Callable[[str], bool]) -> None:
        self.broker = broker
        self.settings = settings
        self.child = child
        self.internal = internal
        self.sender = Sender(settings)
        self.topics: list[str] = []

    async def _declare_measured_topics(self) -> None:
        """Topics whose record times are measured, stamped by the broker on append.

        With LogAppendTime an output event's timestamp is when consumers could first
        read it, not when the producer queued it (before its linger and its round trip).
        """
        admin = AIOKafkaAdminClient(bootstrap_servers=self.broker.bootstrap)
        await admin.start()
        try:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics([
                    NewTopic(self.settings.topic(name), self.settings.partitions, 1,
                             topic_configs={"message.timestamp.type": "LogAppendTime"})
                    for name in ("files", "articles", "comments", "actor-counts")
                ])
        finally:
            await admin.close()

    def mine(self, topic: str) -> bool:
        return topic.startswith(self.settings.topic_prefix) or self.internal(topic)

    async def start(self) -> None:
        await self._declare_measured_topics()
        await self.sender.start(wait=60)
        self.child.start()

    async def stop(self) -> None:
        await self.sender.stop()
        self.child.stop()

    async def snapshot(self) -> Offsets:
        self.topics = await self.broker.topics(self.mine)
        return await self.broker.end_offsets(self.topics)

    async def wait_articles(self, before: Offsets, count: int, timeout: float) -> Offsets:
        articles = self.settings.topic("articles")
        target = total(before, articles) + count

        def done(offsets: Offsets) -> bool:
            return total(offsets, articles) >= target

        return await wait_until(self.broker, self.topics, done, quiet=3.0, timeout=timeout,
                                alive=self.child.alive)

    async def warm_up(self, paths: Sequence[Path], timeout: float = 180.0) -> None:
        """Send a few documents and wait for their articles: the process is then ready."""
        before = await self.snapshot()
        await send_files(self.sender, paths)
        await self.wait_articles(before, len(paths), timeout)

    async def burst(self, paths: Sequence[Path], timeout: float) -> Phase:
        """Send ``paths`` as fast as acknowledged; first files event to last output event."""
        before = await self.snapshot()
        cpu_before = cpu_seconds(self.child.pid)
        own_before = cpu_seconds(self.child.pid, descendants=False)
        await send_files(self.sender, paths)
        after = await self.wait_articles(before, len(paths), timeout)
        cpu = cpu_seconds(self.child.pid) - cpu_before
        own = cpu_seconds(self.child.pid, descendants=False) - own_before
        # Topics created meanwhile (none expected) count from zero.
        after = await self.broker.end_offsets(await self.broker.topics(self.mine))
        files = self.settings.topic("files")
        firsts = await self.broker.records(first_only(grown(before, after, files)))
        lasts: list[Any] = []
        for name in ("articles", "actor-counts"):
            lasts += await self.broker.records(last_only(grown(before, after,
                                                                 self.settings.topic(name))))
        first = min(r.timestamp for r in firsts)
        last = max(r.timestamp for r in lasts)
        messages = {
            topic: total(after, topic) - total(before, topic)
            for topic in sorted({tp.topic for tp in after})
        }
        comments = messages.get(self.settings.topic("comments"), 0)
        return Phase(len(paths), comments, (last - first) / 1000, messages, cpu, own)

    async def latency(
        self, paths: Sequence[Path], rate: float, timeout: float
    ) -> tuple[list[float], list[float]]:
        """Offer ``paths`` at ``rate``/s; each article's delay after its file's arrival,
        and the part of it until the article was parsed (its ``processed_at``), in ms.

        Arrival is FileEvent.received_at (when the file was read, as the watcher and
        `send` stamp it); the article's time is its record's timestamp on the topic.
        """
        before = await self.snapshot()
        await offer_files(self.sender, paths, rate)
        after = await self.wait_articles(before, len(paths), timeout)
        records = await self.broker.records(grown(before, after, self.settings.topic("articles")))
        articles = [(r.timestamp, orjson.loads(r.value)) for r in records]
        return (
            [at - _ms(a["received_at"]) for at, a in articles],
            [_ms(a["processed_at"]) - _ms(a["received_at"]) for _, a in articles],
        )


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWIRE_")}
    env.update(
        NEWSWIRE_BROKER=settings.broker_url,
        NEWSWIRE_TOPIC_PREFIX=settings.topic_prefix,
        NEWSWIRE_APP_ID=settings.app_id,
        NEWSWIRE_DATA_DIR=str(settings.data_dir),
        NEWSWIRE_PARTITIONS=str(settings.partitions),
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(REPO),
    )
    env.update(extra)
    return env


# -- the whole run


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


async def _measure(opts: Options, root: Path, kafka: LocalKafka) -> dict[str, Any]:
    latency_docs = opts.latency_docs if opts.latency_docs is not None else min(
        opts.n, int(opts.rate * 10)
    )
    docs = root / "docs"
    log(f"generating {opts.warmup} + {opts.n} + {latency_docs} documents")
    # In event-time order of sending: the warm-up must not be newer than the burst, or
    # the burst's buckets would fall out of the actors' retention period.
    warm = write_documents(docs, opts.warmup, 0, opts.seed, opts.world)
    burst = write_documents(docs, opts.n, opts.warmup, opts.seed, opts.world)
    offered = write_documents(docs, latency_docs, opts.warmup + opts.n, opts.seed, opts.world)
    sizes = [p.stat().st_size for p in burst]
    result: dict[str, Any] = {
        "n": opts.n, "store": opts.store, "partitions": opts.partitions,
        "parse_processes": Settings(ner=not opts.fast,
                                    parse_processes=opts.parse_processes).parse_processes,
        "ner": not opts.fast, "world_share": opts.world,
        "doc_kb_mean": round(sum(sizes) / len(sizes) / 1024, 2),
    }

    settings = Settings(
        broker=kafka.url, topic_prefix=PREFIX, app_id=APP_ID, data_dir=root / "worker",
        partitions=opts.partitions,
    )
    worker = ChildProcess(
        "worker", [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "warn"],
        _env(settings, NEWSWIRE_WEB_PORT=str(free_port()), NEWSWIRE_STORE=opts.store,
             NEWSWIRE_PARSE_PROCESSES=str(result["parse_processes"]),
             NEWSWIRE_NER="0" if opts.fast else "1"),
        root / "worker.log", cwd=REPO,
    )
    async with Broker(kafka.bootstrap) as broker:
        newswire = Deployment(broker, settings, worker, lambda t: t.startswith(APP_ID))
        await newswire.start()
        try:
            log("worker: warming up")
            await newswire.warm_up(warm)
            profiler = _profiler(worker.pid, opts.profile) if opts.profile else None
            log(f"worker: {opts.n} documents as fast as they are acknowledged")
            kafka_cpu = cpu_seconds(kafka.pid) if kafka.pid else 0.0
            phase = await newswire.burst(burst, opts.timeout)
            kafka_cpu = (cpu_seconds(kafka.pid) if kafka.pid else 0.0) - kafka_cpu
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(30)
            rss_burst = memory_mb(worker.pid)
            log(f"worker: {latency_docs} documents at {opts.rate:g}/s")
            delays, parsed = await newswire.latency(offered, opts.rate, opts.timeout) \
                if latency_docs else ([], [])
            result.update(
                docs_per_s=round(phase.docs_per_s, 1),
                comments_per_s=round(phase.comments_per_s, 1),
                seconds=round(phase.seconds, 2),
                comments=phase.comments,
                cpu_s_per_1000_docs=round(phase.cpu_s / phase.documents * 1000, 2),
                parse_cpu_s_per_1000_docs=round(
                    (phase.cpu_s - phase.own_cpu_s) / phase.documents * 1000, 2),
                kafka_cpu_s_per_1000_docs=round(kafka_cpu / phase.documents * 1000, 2),
                messages_per_doc=round(sum(phase.messages.values()) / phase.documents, 1),
                messages_per_doc_by_topic={
                    t.removeprefix(PREFIX): round(m / phase.documents, 2)
                    for t, m in phase.messages.items() if m
                },
                rate=opts.rate,
                latency_docs=len(delays),
                p50_ms=round(percentile(delays, 50), 1),
                p95_ms=round(percentile(delays, 95), 1),
                p99_ms=round(percentile(delays, 99), 1),
                parsed_p50_ms=round(percentile(parsed, 50), 1),
                parsed_p99_ms=round(percentile(parsed, 99), 1),
                rss_mb=round(memory_mb(worker.pid), 1),
                rss_mb_after_burst=round(rss_burst, 1),
                rss_now_mb=round(memory_mb(worker.pid, "VmRSS"), 1),
            )
        except BaseException:
            log(f"worker log:\n{worker.tail()}")
            raise
        finally:
            await newswire.stop()

        log("in-process ceiling")
        events = [read_document(p, max_bytes=settings.max_file_bytes) for p in burst]
        ceiling = run_ceiling([e for e in events if isinstance(e, FileEvent)], settings,
                              ner=not opts.fast)
        result["ceiling_docs_per_s"] = round(ceiling.docs_per_s, 1)
        result["ceiling_comments_per_s"] = round(ceiling.comments_per_s, 1)
        result["pipeline_vs_ceiling"] = round(result["docs_per_s"] / ceiling.docs_per_s, 3)
        # Single-threaded: its elapsed time is its CPU time.
        result["cpu_vs_ceiling"] = round(
            result["cpu_s_per_1000_docs"] / (1000 / ceiling.docs_per_s), 2)

        result["peer_docs_per_s"] = None
        result["newswire_vs_peer"] = None
        if opts.peer:
            peer_settings = Settings(broker=kafka.url, topic_prefix=PEER_PREFIX,
                                     partitions=opts.partitions, data_dir=root / "peer")
            peer = ChildProcess(
                "peer",
                [sys.executable, "-m", "benchmarks.peer_quix", "--broker", kafka.bootstrap,
                 "--files", peer_settings.topic("files"), "--prefix", PEER_PREFIX,
                 "--group", "quix-peer", "--state-dir", str(root / "peer-state"),
                 "--partitions", str(opts.partitions)],
                _env(peer_settings), root / "peer.log", cwd=REPO,
            )
            deployment = Deployment(broker, peer_settings, peer,
                                    lambda t: t.startswith(("repartition__", "changelog__")))
            await deployment.start()
            try:
                log("peer: warming up")
                await deployment.warm_up(warm)
                log(f"peer: {opts.n} documents")
                peer_phase = await deployment.burst(burst, opts.timeout)
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


def report(result: dict[str, Any]) -> str:
    """The figures of one run, for people."""
    def ratio(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    lines = [
        f"documents                     {result['n']} (mean {result['doc_kb_mean']} KB),"
        f" store {result['store']}, {result['partitions']} partitions,"
        f" {result['parse_processes']} parsing process(es),"
        f" {'NER' if result['ner'] else 'gazetteer only (--fast)'},"
        f" {result['world_share']:.0%} news on other subjects",
        f"pipeline                      {result['docs_per_s']:.1f} docs/s,"
        f" {result['comments_per_s']:.1f} comment events/s ({result['seconds']} s)",
        f"latency at {result['rate']:g} docs/s offered   p50 {result['p50_ms']} ms,"
        f" p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms"
        f" ({result['latency_docs']} docs); until parsed: p50 {result['parsed_p50_ms']} ms,"
        f" p99 {result['parsed_p99_ms']} ms",
        f"worker peak RSS               {result['rss_mb']} MB (with its parsing processes)",
        f"worker CPU                    {result['cpu_s_per_1000_docs']} s per 1,000 docs"
        f" (of which parsing processes: {result['parse_cpu_s_per_1000_docs']} s;"
        f" Apache Kafka: {result['kafka_cpu_s_per_1000_docs']} s)",
        f"messages written per document {result['messages_per_doc']}",
    ]
    lines += [f"    {topic:<40} {count}"
              for topic, count in result["messages_per_doc_by_topic"].items()]
    lines += [
        f"in-process ceiling            {result['ceiling_docs_per_s']:.1f} docs/s",
        f"pipeline / ceiling            {ratio(result['pipeline_vs_ceiling'])}",
        f"worker CPU / ceiling's CPU    {ratio(result['cpu_vs_ceiling'])}"
        " (per document; the rest is the cost of running on Kafka)",
    ]
    if result.get("peer_docs_per_s") is not None:
        lines += [
            f"Quix Streams peer             {result['peer_docs_per_s']:.1f} docs/s"
            f" (RSS {result['peer_rss_mb']} MB, {result['peer_cpu_s_per_1000_docs']} CPU s"
            f" per 1,000 docs, {result['peer_messages_per_doc']} messages/doc)",
            f"newswire / peer               {ratio(result['newswire_vs_peer'])}",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="newswire's benchmark")
    parser.add_argument("--n", type=int, default=2000, help="documents in the burst")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--peer", action=argparse.BooleanOptionalAction, default=True,
                        help="also run the Quix Streams peer")
    parser.add_argument("--rate", type=float, default=100.0,
                        help="offered load of the latency phase, docs/s")
    parser.add_argument("--latency-docs", type=int, default=None,
                        help="documents of the latency phase (default: 10 s of load, at most N)")
    parser.add_argument("--store", default="memory://", help="Faust table store (rocksdb://)")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--parse-processes", type=int, default=-1,
                        help="the worker's parsing processes (NEWSWIRE_PARSE_PROCESSES;"
                             " default: the worker's own)")
    parser.add_argument("--fast", action="store_true",
                        help="gazetteer only, no NER (newswire run --fast)")
    parser.add_argument("--world", type=float, default=0.5,
                        help="share of generated documents on other subjects than the corpus's")
    parser.add_argument("--warmup", type=int, default=WARMUP,
                        help="documents processed before the measured burst (at least 1)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--scale", action="store_true", help="run each of --sizes")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--profile", type=Path, help="py-spy collapsed stacks of the burst")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)

    def options(n: int, peer: bool) -> Options:
        keep = args.keep / f"n{n}" if args.keep and args.scale else args.keep
        return Options(
            n=n, rate=args.rate, latency_docs=args.latency_docs, peer=peer, store=args.store,
            partitions=args.partitions, parse_processes=args.parse_processes, seed=args.seed,
            fast=args.fast, world=args.world,
            warmup=max(1, args.warmup),
            timeout=args.timeout,
            profile=args.profile, keep=keep,
        )

    if not args.scale:
        result = run(options(args.n, args.peer))
        print(report(result))
        if args.json:
            print(json.dumps(result, sort_keys=True))
        return 0
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        result = run(options(n, args.peer))
        results.append(result)
        print(report(result), flush=True)
        print(flush=True)
    print(f"{'N':>8} {'docs/s':>9} {'ceiling':>9} {'ratio':>6} {'CPU s/1k':>9} {'RSS MB':>8}"
          f" {'p99 ms':>8}")
    for r in results:
        print(f"{r['n']:>8} {r['docs_per_s']:>9.1f} {r['ceiling_docs_per_s']:>9.1f}"
              f" {r['pipeline_vs_ceiling']:>6.2f} {r['cpu_s_per_1000_docs']:>9.2f}"
              f" {r['rss_mb']:>8.1f} {r['p99_ms']:>8.1f}")
    if args.json:
        print(json.dumps({"scale": results}, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
