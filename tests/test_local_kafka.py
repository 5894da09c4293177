"""The local Apache Kafka launcher: a real broker on the local JDK, durable across restarts."""

from __future__ import annotations

import asyncio
import os
import stat
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from streams.local_kafka import (
    KAFKA_VERSION,
    POM_PATH,
    KafkaPrerequisiteError,
    LocalKafka,
    LocalKafkaError,
    check_prerequisites,
    free_port,
    is_serving,
)
from tests.harness import wait_for

# The first start may resolve Kafka from Maven Central into an empty ~/.m2.
FIRST_START_TIMEOUT = 600.0
UNKNOWN_TOPIC_OR_PARTITION = 3


def _processes_using(path: Path) -> list[int]:
    """Pids whose command line mentions ``path`` (the broker's data dir is in its args)."""
    found = []
    needle = str(path).encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if needle in cmdline:
            found.append(int(entry.name))
    return found


@pytest.fixture
def broker_logs(request: pytest.FixtureRequest) -> Iterator[list[LocalKafka]]:
    """Brokers appended here have their log tail printed if the test fails."""
    brokers: list[LocalKafka] = []
    failed_before = request.session.testsfailed
    yield brokers
    if request.session.testsfailed > failed_before:
        for broker in brokers:
            print(f"\n--- {broker.log_file} ---\n{broker.log_tail(200)}")


@pytest.fixture
def stopped_at_teardown() -> Iterator[list[LocalKafka]]:
    """Brokers appended here are stopped when the test ends, passed or not."""
    brokers: list[LocalKafka] = []
    yield brokers
    for broker in brokers:
        broker.stop()


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def _create_topic(bootstrap: str, name: str, partitions: int) -> int:
    """Create ``name`` through the admin API and return its partition count as listed."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        response = await admin.create_topics(
            [NewTopic(name, num_partitions=partitions, replication_factor=1)]
        )
        errors = [t[1] for t in response.topic_errors]
        assert errors == [0], response
        # CreateTopics answers once the controller has the topic; the broker's
        # metadata cache may learn of it a moment later (UNKNOWN_TOPIC_OR_PARTITION).
        deadline = time.monotonic() + 30
        while True:
            (topic,) = await admin.describe_topics([name])
            if topic["error_code"] != UNKNOWN_TOPIC_OR_PARTITION or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        assert topic["error_code"] == 0, topic
        return len(topic["partitions"])
    finally:
        await admin.close()


async def _produce(bootstrap: str, topic: str, value: bytes) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        record = await producer.send_and_wait(topic, value)
        return int(record.offset)
    finally:
        await producer.stop()


async def _consume_one(bootstrap: str, topic: str, group: str) -> tuple[bytes, int | None]:
    """Read the first record of ``topic`` in ``group``, commit, return (value, committed)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), timeout=60)
        await consumer.commit()
        committed = await consumer.committed(TopicPartition(topic, record.partition))
        return record.value, committed
    finally:
        await consumer.stop()


async def _read_all(bootstrap: str, topic: str, expected: int) -> list[bytes]:
    """Read ``expected`` records of ``topic`` from the start, without a group."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    values: list[bytes] = []
    try:
        while len(values) < expected:
            record = await asyncio.wait_for(consumer.getone(), timeout=60)
            values.append(record.value)
        return values
    finally:
        await consumer.stop()


async def _committed(bootstrap: str, topic: str, group: str) -> int | None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    await consumer.start()
    try:
        committed: int | None = await consumer.committed(TopicPartition(topic, 0))
        return committed
    finally:
        await consumer.stop()


@pytest.mark.kafka
@pytest.mark.timeout(FIRST_START_TIMEOUT + 300)
def test_broker_serves_and_keeps_data_across_restart(
    tmp_path: Path, broker_logs: list[LocalKafka], stopped_at_teardown: list[LocalKafka]
) -> None:
    data_dir = tmp_path / "kafka"
    kafka = LocalKafka(data_dir)
    broker_logs.append(kafka)
    stopped_at_teardown.append(kafka)

    started = time.monotonic()
    kafka.start(timeout=FIRST_START_TIMEOUT)
    first_start = time.monotonic() - started
    print(f"\nApache Kafka {KAFKA_VERSION}: first start {first_start:.1f} s on {kafka.bootstrap}")
    assert kafka.url == f"kafka://127.0.0.1:{kafka.port}"
    port = kafka.port

    partitioned = _unique("partitioned")
    assert asyncio.run(_create_topic(kafka.bootstrap, partitioned, 4)) == 4

    topic, group = _unique("durable"), _unique("group")
    offset = asyncio.run(_produce(kafka.bootstrap, topic, b"kept across restarts"))
    assert offset == 0
    value, committed = asyncio.run(_consume_one(kafka.bootstrap, topic, group))
    assert value == b"kept across restarts"
    assert committed == 1

    pid = kafka.pid
    assert pid is not None
    kafka.stop()
    kafka.stop()  # idempotent
    assert not kafka.running
    assert _processes_using(data_dir) == []

    again = LocalKafka(data_dir)
    stopped_at_teardown.append(again)
    started = time.monotonic()
    again.start()
    restart = time.monotonic() - started
    print(f"Apache Kafka {KAFKA_VERSION}: restart {restart:.1f} s on {again.bootstrap}")

    assert again.port == port
    assert asyncio.run(_read_all(again.bootstrap, topic, 1)) == [b"kept across restarts"]
    # The group coordinator loads committed offsets after a restart: until it has, a
    # lookup answers nothing, so ask again for a while.
    wait_for(lambda: asyncio.run(_committed(again.bootstrap, topic, group)) == 1, 60,
             "the group's committed offset after the restart")
    assert asyncio.run(_create_topic(again.bootstrap, _unique("after-restart"), 2)) == 2

    # A crash (SIGKILL) loses nothing that was acknowledged with acks=all either.
    again.kill()
    assert _processes_using(data_dir) == []
    with LocalKafka(data_dir) as recovered:
        stopped_at_teardown.append(recovered)
        assert asyncio.run(_read_all(recovered.bootstrap, topic, 1)) == [b"kept across restarts"]
    assert _processes_using(data_dir) == []


@pytest.fixture(scope="module")
def kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafka]:
    """One broker shared by the protocol tests of this module."""
    broker = LocalKafka(tmp_path_factory.mktemp("kafka"))
    broker.start(timeout=FIRST_START_TIMEOUT)
    try:
        yield broker
    finally:
        broker.stop()


async def _transactions(bootstrap: str) -> tuple[list[bytes], int | None]:
    """Consume-transform-produce in transactions, as Faust's exactly_once does.

    One transaction is committed (its output and the input offsets), one aborted; a
    read_committed reader must see the committed output only.
    """
    source, sink, group = _unique("tx-in"), _unique("tx-out"), _unique("tx-group")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for value in (b"a", b"b", b"c"):
            await producer.send_and_wait(source, value, partition=0)
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    transactional = AIOKafkaProducer(
        bootstrap_servers=bootstrap, transactional_id=_unique("tx-producer")
    )
    await consumer.start()
    await transactional.start()
    try:
        records = []
        while len(records) < 3:
            records.append(await asyncio.wait_for(consumer.getone(), timeout=60))
        async with transactional.transaction():
            for record in records:
                await transactional.send(sink, record.value.upper(), partition=0)
            await transactional.send_offsets_to_transaction(
                {TopicPartition(source, 0): records[-1].offset + 1}, group
            )
        await transactional.begin_transaction()
        await transactional.send(sink, b"aborted", partition=0)
        await transactional.abort_transaction()
        committed = await consumer.committed(TopicPartition(source, 0))
    finally:
        await transactional.stop()
        await consumer.stop()

    reader = AIOKafkaConsumer(
        sink,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )
    await reader.start()
    try:
        values: list[bytes] = []
        # Three committed records plus commit markers and the aborted batch: read until
        # the end of the partition rather than for a count, so a leak would show.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            batch = await reader.getmany(timeout_ms=1000)
            values += [r.value for rs in batch.values() for r in rs]
            if len(values) >= 3 and not batch:
                break
        return values, committed
    finally:
        await reader.stop()


@pytest.mark.kafka
@pytest.mark.timeout(FIRST_START_TIMEOUT + 120)
def test_transactions_commit_output_and_offsets_together(
    kafka: LocalKafka, broker_logs: list[LocalKafka]
) -> None:
    broker_logs.append(kafka)
    values, committed = asyncio.run(_transactions(kafka.bootstrap))
    assert values == [b"A", b"B", b"C"]
    assert committed == 3


@pytest.mark.kafka
def test_a_data_dir_serves_one_broker_at_a_time(kafka: LocalKafka) -> None:
    second = LocalKafka(kafka.data_dir)
    with pytest.raises(LocalKafkaError, match=f"still runs .* as pid {kafka.pid}"):
        second.start()
    assert kafka.running
    assert is_serving(kafka.host, kafka.port)


def test_check_prerequisites_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(KafkaPrerequisiteError) as error:
        check_prerequisites()
    message = str(error.value)
    assert "java" in message
    assert "apt-get install openjdk-17-jdk-headless maven" in message


def _fake_java(bin_dir: Path, version: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    java = bin_dir / "java"
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2025-04-15' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)


def test_check_prerequisites_wants_maven_until_the_classpath_is_cached(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fake_java(tmp_path / "bin", "17.0.15")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(KafkaPrerequisiteError, match=r"'mvn'.*apt-get install"):
        check_prerequisites()


def test_check_prerequisites_rejects_an_old_java(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fake_java(tmp_path / "bin", "11.0.2")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}/usr/bin")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(KafkaPrerequisiteError, match="Java 17 or newer, found Java 11"):
        check_prerequisites()


def test_pom_pins_the_version_the_launcher_reports() -> None:
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    pom = ET.parse(POM_PATH).getroot()
    assert pom.findtext("m:properties/m:kafka.version", namespaces=namespace) == KAFKA_VERSION


def _server_settings(kafka: LocalKafka) -> dict[str, str]:
    """The server.properties ``kafka`` would start with (internal listener on port 1234)."""
    return kafka.server_settings(free_port(), internal_port=1234)


@pytest.mark.parametrize("user", [{"a": 'b"; x'}, {"a b": "c"}, {"": "c"}, {"a": "pässwörd"}])
def test_sasl_users_refuse_what_the_jaas_line_cannot_hold(
    tmp_path: Path, user: dict[str, str]
) -> None:
    with pytest.raises(ValueError, match="SASL user names and passwords"):
        LocalKafka(tmp_path, sasl_users=user)


def test_sasl_users_make_the_client_port_require_sasl(tmp_path: Path) -> None:
    kafka = LocalKafka(tmp_path, port=free_port(), sasl_users={"newswire": "s3cret"})
    settings = _server_settings(kafka)
    assert settings["listeners"].startswith(f"SASL_PLAINTEXT://127.0.0.1:{kafka.port},")
    assert settings["inter.broker.listener.name"] == "INTERNAL"
    assert settings["advertised.listeners"] == (
        f"SASL_PLAINTEXT://127.0.0.1:{kafka.port},INTERNAL://127.0.0.1:1234")
    assert 'user_newswire="s3cret";' in settings[
        "listener.name.sasl_plaintext.plain.sasl.jaas.config"]


@pytest.mark.parametrize(
    ("sasl", "tls", "protocol"),
    [(False, False, "PLAINTEXT"), (True, False, "SASL_PLAINTEXT"), (False, True, "SSL"),
     (True, True, "SASL_SSL")],
)
def test_client_port_protocol_follows_sasl_and_tls(
    tmp_path: Path, sasl: bool, tls: bool, protocol: str
) -> None:
    kafka = LocalKafka(tmp_path, port=free_port(), sasl_users={"u": "p"} if sasl else None,
                       tls=tls)
    assert kafka.security_protocol == protocol
    settings = _server_settings(kafka)
    assert settings["listeners"].startswith(f"{protocol}://127.0.0.1:{kafka.port},")
    assert ("ssl.keystore.type" in settings) == tls
    if tls:
        assert settings["ssl.keystore.location"] == str(tmp_path / "tls" / "broker-keystore.pem")
    assert "ssl.client.auth" not in settings


def test_client_auth_requires_certificates_from_the_ca(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs tls"):
        LocalKafka(tmp_path, client_auth=True)
    kafka = LocalKafka(tmp_path, port=free_port(), tls=True, client_auth=True)
    settings = _server_settings(kafka)
    assert settings["ssl.client.auth"] == "required"
    assert settings["ssl.truststore.location"] == str(kafka.ca_file)
