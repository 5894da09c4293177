"""Services that consume newswire's topics with ordinary Kafka clients, on both brokers:
librdkafka (confluent-kafka) and the Java client (kafka-clients), each in a consumer
group and by assignment, through the examples in ``examples/``. Every client must see
exactly the events newswire wrote, and every event must validate against the JSON
Schemas ``newswire schemas`` prints."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import pytest
from confluent_kafka import Consumer, TopicPartition
from jsonschema import Draft202012Validator

from tests.harness import REPO, SAMPLES, Pipeline, copy_into, truth

EXAMPLES = REPO / "examples"
PUBLIC = ("files", "articles", "comments", "actor-counts", "rejected")
IDLE_SECONDS = 4

Seen = Counter[tuple[str, str, str]]  # (topic, key, event as canonical JSON)


def _seen(records: list[tuple[str, str, Any]]) -> Seen:
    return Counter((topic, key, json.dumps(event, sort_keys=True)) for topic, key, event in records)


@pytest.fixture(scope="module")
def java_classpath() -> str:
    """kafka-clients and its dependencies, from Maven Central (cached like the broker's)."""
    from streams.local_kafka import check_prerequisites, resolve_classpath

    check_prerequisites()
    return resolve_classpath(EXAMPLES / "java" / "pom.xml")


def _python_group(pipeline: Pipeline, topics: list[str]) -> tuple[Seen, float]:
    """The Python example, in a consumer group: what it printed, and how long it took."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "python" / "consume.py"), pipeline.bootstrap,
         ",".join(topics), f"{pipeline.app_id}-python", "--idle", str(IDLE_SECONDS)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    return _seen([(e["topic"], e["key"], e["event"]) for e in lines]), time.monotonic() - started


def _python_assigned(pipeline: Pipeline, topics: list[str], expected: int) -> Seen:
    """librdkafka without a group: every partition assigned, read from the beginning."""
    consumer = Consumer({"bootstrap.servers": pipeline.bootstrap, "group.id": "unused",
                         "enable.auto.commit": False})
    try:
        metadata = consumer.list_topics(timeout=10)
        consumer.assign([
            TopicPartition(topic, partition, 0)  # offset 0: from the start of the log
            for topic in topics for partition in metadata.topics[topic].partitions
        ])
        records: list[tuple[str, str, Any]] = []
        deadline = time.monotonic() + 60
        while len(records) < expected and time.monotonic() < deadline:
            for message in consumer.consume(num_messages=500, timeout=1.0):
                assert message.error() is None, message.error()
                records.append((message.topic(), message.key().decode(),
                                json.loads(message.value())))
        return _seen(records)
    finally:
        consumer.close()


def _java(pipeline: Pipeline, classpath: str, topics: list[str], group: str) -> Seen:
    """The Java example, from source (``java File.java``): GROUP, or "-" for assignment."""
    done = subprocess.run(
        ["java", "-cp", classpath, str(EXAMPLES / "java" / "NewswireConsumer.java"),
         pipeline.bootstrap, ",".join(topics), group, str(IDLE_SECONDS)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    records = [line.split("\t", 2) for line in done.stdout.splitlines()]
    return _seen([(topic, key, json.loads(value)) for topic, key, value in records])


def test_other_services_read_every_public_topic_with_kafka_clients(
    pipeline: Pipeline, java_classpath: str
) -> None:
    files = sorted(SAMPLES.glob("*.txt"))
    _, expected_comments, _ = truth(files)
    pipeline.worker().ready()
    copy_into(pipeline.inbox, files)
    (pipeline.inbox / "vide.txt").write_bytes(b"")
    pipeline.watcher()
    written: list[tuple[str, str, Any]] = []
    wanted = {"files": len(files), "articles": len(files), "comments": expected_comments,
              "rejected": 1, "actor-counts": 1}
    for short in PUBLIC:
        events = pipeline.read(short, until=lambda ev, n=wanted[short]: len(ev) >= n,
                               linger=2.0 if short == "actor-counts" else 0.0)
        for event in events:
            event.pop("_seen_at", None)
            written.append((pipeline.topic(short), event.pop("_key"), event))
    reference = _seen(written)
    topics = [pipeline.topic(short) for short in PUBLIC]

    schemas = json.loads(pipeline.cli("schemas"))
    validators = {topic: Draft202012Validator(schema) for topic, schema in schemas.items()}
    for topic, _, event in reference:
        errors = [e.message for e in validators[topic].iter_errors(json.loads(event))]
        assert not errors, f"{topic}: {errors}"

    python_group, python_seconds = _python_group(pipeline, topics)
    readers = {
        "librdkafka, consumer group": python_group,
        "librdkafka, assignment": _python_assigned(pipeline, topics, len(written)),
        "Java, consumer group": _java(pipeline, java_classpath, topics,
                                      f"{pipeline.app_id}-java"),
        "Java, assignment": _java(pipeline, java_classpath, topics, "-"),
    }
    for reader, seen in readers.items():
        assert seen == reference, (
            f"{reader}: {sum((reference - seen).values())} events missing, "
            f"{sum((seen - reference).values())} unexpected")
    print(f"librdkafka consumer group: {python_seconds:.1f} s from start to {IDLE_SECONDS} s"
          " after its last event")


def test_the_examples_stay_short() -> None:
    for example in (EXAMPLES / "python" / "consume.py",
                    EXAMPLES / "java" / "NewswireConsumer.java"):
        assert len(example.read_text(encoding="utf-8").splitlines()) < 40, example

