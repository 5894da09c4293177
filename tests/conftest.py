"""Shared fixtures: one broker of each kind per session, an isolated pipeline per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from streams.settings import Settings
from tests.agent_doubles import Recorder
from tests.harness import CORPUS, Pipeline, deploy


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Keep each phase's report on the item, so fixtures can print logs on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The real input files in ../shared/corpus (skipped, with the reason, when absent)."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not beside the repository ({CORPUS})")
    return CORPUS


@pytest.fixture(scope="session")
def tansu_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The embedded Tansu broker, shared by the session (tests isolate by topic prefix)."""
    from streams.broker import EmbeddedBroker

    log = tmp_path_factory.mktemp("tansu") / "broker.log"
    broker = EmbeddedBroker(log_file=log)
    broker.start()
    yield broker.url
    broker.stop()


@pytest.fixture(scope="session")
def kafka_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local Apache Kafka (KRaft) from Maven Central on the JDK, shared by the session."""
    from streams.local_kafka import LocalKafka, check_prerequisites

    check_prerequisites()  # fails (not skips) with what to install when Java/Maven is missing
    kafka = LocalKafka(tmp_path_factory.mktemp("kafka"))
    kafka.start()
    yield kafka.url
    kafka.stop()


@pytest.fixture(
    params=[
        pytest.param("tansu", marks=pytest.mark.e2e),
        pytest.param("kafka", marks=pytest.mark.kafka),
    ]
)
def broker_url(request: pytest.FixtureRequest) -> str:
    """Every end-to-end test runs once on each broker."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def pipeline(
    request: pytest.FixtureRequest, broker_url: str, tmp_path: Path
) -> Iterator[Pipeline]:
    """An isolated deployment (own topics, consumer group, data dir); logs shown on failure."""
    yield from deploy(request, broker_url, tmp_path)


@pytest.fixture
def kafka_pipeline(
    request: pytest.FixtureRequest, kafka_url: str, tmp_path: Path
) -> Iterator[Pipeline]:
    """A deployment on Apache Kafka only, for what relies on durable changelogs."""
    yield from deploy(request, kafka_url, tmp_path)


@pytest.fixture
def outputs(monkeypatch: pytest.MonkeyPatch) -> dict[str, Recorder]:
    """The topics the agents write to, replaced by recorders."""
    from agents.counting import agent as counts
    from agents.documents import agent as documents
    from streams.faust_fixes import checkpoint, continuity

    recorders = {}
    journal: list[str] = []  # every send, and each delivery, in order
    for module, names in (
        (documents, ("articles_topic", "comments_topic", "mentions_topic",
                     "commenters_topic", "rejected_topic")),
        (counts, ("actor_counts_topic",)),
    ):
        for name in names:
            recorders[name] = Recorder(getattr(module, name), name, journal)
            monkeypatch.setattr(module, name, recorders[name])
    # Table writes: the store as in the worker, the changelog record recorded.
    changelogs = recorders["changelogs"] = Recorder(None, "changelogs", journal)

    async def send_changelog(table: Any, key: str, value: Any, partition: int) -> None:
        await changelogs.send(key=key, value=(table.name, value), partition=partition)

    async def write(table: Any, key: str, value: Any, partition: int) -> None:
        table.data[key] = value
        await send_changelog(table, key, value, partition)

    async def deliver() -> None:
        journal.append("delivered")

    monkeypatch.setattr(checkpoint, "send_changelog", send_changelog)
    monkeypatch.setattr(checkpoint, "deliver", deliver)
    monkeypatch.setattr(continuity, "write", write)

    # streams.faust_fixes.direct_send, sending to the recorder that stands for the topic
    class Direct:
        @staticmethod
        async def send_serialized(
            topic: Any, key: str | None, value: bytes, partition: int | None = None
        ) -> None:  # decoded with the topic's codec, so tests see the events
            await topic.send(key=key, value=topic.value_serializer.loads(value),
                             partition=partition)

    monkeypatch.setattr(documents, "output", Direct)
    # Parsed in the test's process (tests/test_parse_pool.py covers parsing processes).
    monkeypatch.setattr(documents, "get_settings", lambda: Settings(parse_processes=0))
    return recorders


@pytest.fixture
def faust_app() -> Iterator[Any]:
    """The app, finalized for ``agent.test_context()``, with empty tables and no
    input hole open."""
    from streams.app import app
    from streams.faust_fixes import continuity

    app.finalize()
    app.flow_control.resume()
    for table in app.tables.values():
        table.data.clear()
    continuity.CONTINUITY.reset()
    yield app
    for table in app.tables.values():
        table.data.clear()
    continuity.CONTINUITY.reset()
