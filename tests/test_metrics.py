"""The operator's figures without a broker: the latest-articles list, the counters the
agents feed, and the Prometheus exposition."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from agents.documents import agent as documents
from agents.documents import rejections
from agents.documents.latest import ACTORS_PER_ARTICLE, article_summary, push_latest
from streams import metrics
from streams.ingest import doc_id_of
from streams.models import ArticleActor, ArticleEvent, FileEvent, RejectedEvent
from streams.tables import latest_articles
from tests.agent_doubles import Recorder, until
from tests.generated import THREAD

TEXT = "L'OTAN répond au Kremlin\n\nVladimir Poutine a reçu Joe Biden à Moscou.\n" + THREAD


def article(doc_id: str = "d1", actors: int = 3) -> ArticleEvent:
    at = datetime(2021, 12, 10, 10, tzinfo=UTC)
    return ArticleEvent(
        doc_id=doc_id, source_path=f"/inbox/{doc_id}.txt", title=f"Titre {doc_id}",
        outlet="AFP", published=at, language="fr", text="...", word_count=3,
        comment_count=0, comment_count_declared=None,
        actors=[ArticleActor(id=f"a{i}", name=f"A{i}", type="person", mentions=i + 1,
                             article_mentions=i + 1, comment_mentions=0)
                for i in range(actors)],
        received_at=at, processed_at=at + timedelta(seconds=1.5),
    )


def sample(name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


def test_summary_keeps_the_main_actors_and_sortable_times() -> None:
    summary = article_summary(article(actors=ACTORS_PER_ARTICLE + 3))
    assert summary["title"] == "Titre d1" and summary["name"] == "d1.txt"
    assert [a["mentions"] for a in summary["actors"]] == list(
        range(ACTORS_PER_ARTICLE + 3, 3, -1))
    assert summary["published"] == "2021-12-10T10:00:00Z"
    assert summary["processed_at"] == "2021-12-10T10:00:01.500000Z"


def test_latest_is_newest_first_bounded_and_without_repeats() -> None:
    items: list[dict[str, Any]] = []
    for n in range(5):
        items = push_latest(items, article_summary(article(f"d{n}")), limit=3)
    assert [i["doc_id"] for i in items] == ["d4", "d3", "d2"]
    items = push_latest(items, article_summary(article("d2")), limit=3)  # processed again
    assert [i["doc_id"] for i in items] == ["d2", "d4", "d3"]


async def test_documents_agent_counts_files_latency_and_keeps_the_latest(
    faust_app: Any, outputs: dict[str, Recorder]
) -> None:
    before = {name: sample(name) for name in (
        "newswire_files_accepted_total", "newswire_processing_latency_seconds_count")}
    received = datetime.now(UTC)
    event = FileEvent(doc_id=doc_id_of(TEXT), source_path="/inbox/a.txt", name="a.txt",
                      size=len(TEXT.encode()), encoding="utf-8", text=TEXT,
                      received_at=received)
    async with documents.parse_documents.test_context() as agent:
        await agent.put(event, key="k", partition=2)
        await agent.put(event.model_copy(update={"source_path": "/inbox/b.txt"}), key="k",
                        partition=2)  # a duplicate: accepted, then rejected by the worker
        await until(lambda: bool(outputs["rejected_topic"].sent))
    assert sample("newswire_files_accepted_total") == before[
        "newswire_files_accepted_total"] + 2
    assert sample("newswire_processing_latency_seconds_count") == before[
        "newswire_processing_latency_seconds_count"] + 1
    [summary] = latest_articles["2"]
    assert summary["doc_id"] == event.doc_id
    assert summary["title"] == "L'OTAN répond au Kremlin"
    assert {a["id"] for a in summary["actors"]} >= {"nato", "russia", "vladimir-putin"}


async def test_rejections_are_counted_by_stage_and_reason(faust_app: Any) -> None:
    labels = {"stage": "decode", "reason": "empty_file"}
    before = sample("newswire_files_rejected_total", **labels)
    event = RejectedEvent(source_path="/inbox/vide.txt", doc_id=None, stage="decode",
                          reason="empty_file", detail="empty", at=datetime.now(UTC))
    async with rejections.count_rejections.test_context() as agent:
        await agent.put(event, key=event.source_path)
        await agent.put(event, key=event.source_path)
    assert sample("newswire_files_rejected_total", **labels) == before + 2


def test_exposition_is_prometheus_text_with_every_family() -> None:
    from streams.app import app

    metrics.observe_latency(0.2)
    state = metrics.FaustState(app)  # as a worker's streams.background.install registers it
    metrics.registry.register(state)
    try:
        text = metrics.exposition().decode()
    finally:
        metrics.registry.unregister(state)
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert {
        "newswire_files_accepted", "newswire_files_rejected", "newswire_events_in",
        "newswire_events_out", "newswire_processing_latency_seconds", "newswire_consumer_lag",
        "newswire_table_keys",
    } <= set(families)
    assert families["newswire_processing_latency_seconds"].type == "histogram"
    sizes = {s.labels["table"] for s in families["newswire_table_keys"].samples}
    assert sizes >= {"actors", "commenters", "documents",
                     "latest-articles"}
    assert metrics.CONTENT_TYPE_LATEST.startswith("text/plain")
