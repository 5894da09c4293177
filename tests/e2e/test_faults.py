"""Faults on Apache Kafka: processes killed with SIGKILL, the broker restarted, no broker.

Counting must stay exact: every table value skips documents it already counted
(agents.counting), and the watcher marks a file sent only after the broker's ack.
"""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from streams.broker import free_port
from streams.models import (
    BucketCount,
    CommenterBatch,
    CommenterEvent,
    MentionBatch,
    MentionEvent,
    Source,
)
from streams.topics import kafka_partition
from tests.generated import write_articles
from tests.harness import Pipeline, get_json, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.kafka]


def check_windows(pipeline: Pipeline, url: str, truth: dict[str, int]) -> None:
    """Every actor's buckets add up to its total (windows exact, not only totals)."""
    for actor, mentions in truth.items():
        history = get_json(f"{url}/actors/{actor}")["history"]
        assert sum(bucket["mentions"] for bucket in history) == mentions, actor


@pytest.mark.parametrize("kill_after", [60, 220, 420])
def test_worker_killed_while_processing_500_documents_counts_exactly(
    kafka_pipeline: Pipeline, kill_after: int
) -> None:
    p = kafka_pipeline
    p.extra_env["NEWSWIRE_RETENTION_HOURS"] = str(24 * 365)
    worker = p.worker("worker-1").ready()
    p.watcher()
    truth = dict(write_articles(p.inbox, 500, seed=kill_after))
    p.read("articles", until=lambda ev: len(ev) >= kill_after, timeout=120)
    worker.proc.signal(signal.SIGKILL)
    assert worker.proc.process is not None
    worker.proc.process.wait()
    # Restarted at once, as a supervisor would: the dead member still holds its
    # partitions until its session times out (10 s), then the group rebalances.
    restarted = p.worker("worker-2", web_port=worker.port,
                         NEWSWIRE_DATA_DIR=str(p.data_dir / "worker-1")).ready()
    restarted.wait_totals(truth, 150, f"exact counts after SIGKILL at {kill_after}")
    check_windows(p, restarted.url, truth)
    time.sleep(3)  # nothing trickles in late
    assert restarted.totals() == truth


async def end_offsets(bootstrap: str, topic: str, partitions: int) -> dict[int, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, n) for n in range(partitions)]
        return {tp.partition: end for tp, end in (await consumer.end_offsets(tps)).items()}
    finally:
        await consumer.stop()


async def commit_past(bootstrap: str, group: str, offsets: dict[TopicPartition, int]) -> None:
    """Commit ``offsets`` for the worker's consumer group, as its own consumer would,
    once the group has no member left (the stopped worker's session has expired)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(offsets))
        deadline = time.monotonic() + 60
        while True:
            try:
                await consumer.commit(offsets)
                return
            except KafkaError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(1)
    finally:
        await consumer.stop()


async def send_batches(bootstrap: str, topic: str,
                       batches: list[MentionBatch] | list[CommenterBatch], partition: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for batch in batches:
            await producer.send_and_wait(
                topic, orjson.dumps(batch.model_dump(mode="json")), partition=partition)
    finally:
        await producer.stop()


def probe_mentions(actor: str, count: int) -> list[MentionBatch]:
    """``count`` mentions records, one mention each of a made-up actor."""
    at = datetime(2021, 12, 10, 11, tzinfo=UTC)
    return [MentionBatch(mentions=[MentionEvent(
        doc_id=f"probe-{n}", source=Source(partition=0, offset=1_000_000 + n), actor=actor,
        name="Probe", type="organization", article_mentions=1, comment_mentions=0,
        article=True, comments=0, buckets=[BucketCount(start=at, mentions=1, articles=1,
                                                        comments=0)],
    )]) for n in range(count)]


def probe_commenter(commenter: str) -> CommenterBatch:
    """One commenter-activity record of a made-up commenter (no generated article has
    comments, so nothing else is written to that topic)."""
    return CommenterBatch(activities=[CommenterEvent(
        doc_id="probe", source=Source(partition=0, offset=1_000_000), commenter=commenter,
        name="Probe", handle=None, comments=2, replies_received=0, score_sum=0,
        last_posted_at=None,
    )])


def test_records_the_consumer_skipped_are_read_again(kafka_pipeline: Pipeline) -> None:
    """The worker's consumer starts one record past what its agents applied: on every
    files partition with new input, on a mentions partition, and on a commenter-activity
    partition where the skipped record is the only one (no later record shows the
    hole; the applied offset staying below the log end does). That is the defect
    Faust's consumer showed after a worker restart (a record neither delivered nor kept
    from the commit). The agents find the holes and read them again: counts exact."""
    p = kafka_pipeline
    p.extra_env["NEWSWIRE_RETENTION_HOURS"] = str(24 * 365)
    worker = p.worker("worker-1").ready()
    p.watcher()
    truth = write_articles(p.inbox, 20, seed=11)
    worker.wait_totals(dict(truth), 120, "counts before the stop")
    worker.proc.stop()
    files, mentions = p.topic("files"), p.topic("mentions")
    files_applied = asyncio.run(end_offsets(p.bootstrap, files, p.partitions))
    mentions_applied = asyncio.run(end_offsets(p.bootstrap, mentions, p.partitions))

    truth += write_articles(p.inbox, 20, start=20, seed=11)
    p.read("files", until=lambda ev: len(ev) >= 40, timeout=60)
    probe = "probe-actor"
    probe_partition = kafka_partition(orjson.dumps(probe), range(p.partitions))
    asyncio.run(send_batches(p.bootstrap, mentions, probe_mentions(probe, 3), probe_partition))
    truth[probe] = 3
    commenters = p.topic("commenter-activity")
    commenter = "probe-commenter"
    commenter_partition = kafka_partition(orjson.dumps(commenter), range(p.partitions))
    asyncio.run(send_batches(p.bootstrap, commenters, [probe_commenter(commenter)],
                             commenter_partition))
    news = asyncio.run(end_offsets(p.bootstrap, files, p.partitions))
    skipped = {TopicPartition(files, n): files_applied[n] + 1
               for n in range(p.partitions) if news[n] > files_applied[n]}
    skipped[TopicPartition(mentions, probe_partition)] = mentions_applied[probe_partition] + 1
    skipped[TopicPartition(commenters, commenter_partition)] = 1
    asyncio.run(commit_past(p.bootstrap, p.app_id, skipped))

    restarted = p.worker("worker-2", web_port=worker.port, NEWSWIRE_STALL_SECONDS="5",
                         NEWSWIRE_DATA_DIR=str(p.data_dir / "worker-1")).ready()
    restarted.wait_totals(dict(truth), 120, "exact counts after skipped records")
    rows = wait_for(lambda: [row for row in get_json(f"{restarted.url}/commenters")
                             if row["commenter"] == commenter], 60, "the probe commenter")
    assert rows[0]["comments"] == 2
    log = restarted.proc.log.read_text()
    assert f"{commenters}[{commenter_partition}] applied up to offset 0 of 1" in log
    for tp, offset in skipped.items():
        assert f"{tp.topic}[{tp.partition}] from offset {offset - 1} read again" in log, tp
    # Every document reached newswire.articles (the read fails otherwise).
    p.read("articles", until=lambda ev: len({a["doc_id"] for a in ev}) >= 40, timeout=60)


def test_tables_on_rocksdb_count_exactly_across_a_kill(kafka_pipeline: Pipeline) -> None:
    """Tables on RocksDB (``NEWSWIRE_STORE=rocksdb://``) look a key up in the database of
    the current event's partition: every table read and write must name the right one.
    Counts exact, no input hole seen, and a worker killed and restarted on the same data
    folder comes back exact."""
    p = kafka_pipeline
    p.extra_env["NEWSWIRE_STORE"] = "rocksdb://"
    p.extra_env["NEWSWIRE_RETENTION_HOURS"] = str(24 * 365)
    worker = p.worker("worker-1").ready()
    p.watcher()
    truth = write_articles(p.inbox, 120, seed=17)
    worker.wait_totals(dict(truth), 120, "counts on RocksDB")
    worker.proc.kill()
    truth += write_articles(p.inbox, 60, start=120, seed=17)
    restarted = p.worker("worker-2", web_port=worker.port,
                         NEWSWIRE_DATA_DIR=str(p.data_dir / "worker-1")).ready()
    restarted.wait_totals(dict(truth), 150, "counts on RocksDB after SIGKILL")
    assert (p.data_dir / "worker-1").is_dir()
    for proc in (worker.proc, restarted.proc):
        log = proc.log.read_text()
        assert "rocksdb" in log.lower(), "the worker ran on RocksDB"
        assert "arrived while" not in log and "applied up to" not in log, proc.name


def test_watcher_killed_during_its_initial_scan_sends_every_file_once(
    kafka_pipeline: Pipeline,
) -> None:
    p = kafka_pipeline
    worker = p.worker().ready()
    truth = dict(write_articles(p.inbox, 500, seed=3))
    watcher = p.watcher("watcher-1")
    p.read("files", until=lambda ev: len(ev) >= 150, timeout=120)
    watcher.signal(signal.SIGKILL)
    p.watcher("watcher-2")
    articles = p.read("articles", until=lambda ev: len({a["doc_id"] for a in ev}) >= 500,
                      timeout=240, linger=3.0)
    assert len(articles) == 500, "every file reaches newswire.articles exactly once"
    worker.wait_totals(truth, 120, "counts after the watcher's restart")


def test_broker_restart_while_worker_and_watcher_run(tmp_path: Path) -> None:
    """Stop Apache Kafka under a running pipeline, drop files, start it again."""
    from streams.local_kafka import LocalKafka

    kafka = LocalKafka(tmp_path / "kafka")
    kafka.start()
    p = Pipeline(broker_url=kafka.url, root=tmp_path / "deployment")
    try:
        worker = p.worker().ready()
        watcher = p.watcher()
        truth = write_articles(p.inbox, 40)
        worker.wait_totals(dict(truth), 120, "counts before the outage")
        kafka.stop()
        truth += write_articles(p.inbox, 30, start=40)  # dropped during the outage
        time.sleep(5)
        assert worker.proc.alive() and watcher.alive()
        kafka.start()
        worker.wait_totals(dict(truth), 240, "counts after the broker came back")
    except AssertionError:
        print(p.logs(), kafka.log_tail())
        raise
    finally:
        p.stop_all()
        kafka.stop()


@pytest.mark.parametrize("command", ["watch", "worker"])
def test_no_broker_gives_one_clear_line_per_retry(tmp_path: Path, command: str) -> None:
    p = Pipeline(broker_url=f"kafka://127.0.0.1:{free_port()}", root=tmp_path)
    proc = p.spawn(command, command, *(["inbox"] if command == "watch" else []))
    try:
        wait_for(lambda: proc.tail().count("not reachable") >= 3, 30, "three retry lines")
        out = proc.tail()
        assert p.bootstrap in out, "the line names the address"
        assert "Traceback" not in out
        gaps = [line for line in out.splitlines() if "retrying in" in line]
        assert "retrying in 0.5 s" in gaps[0] and "retrying in 2.0 s" in gaps[2]  # backoff
    finally:
        proc.stop(timeout=10)
    assert not proc.alive()
