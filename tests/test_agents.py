"""Integration: each agent through Faust's test utilities (in-memory tables, no broker).

The agents' output topics are replaced by recorders for the test: what an agent sends
is what it would publish. Agents process their events in batches, so each test waits
for the outputs it expects before leaving the agent's test context.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from agents.counting import agent as counts
from agents.documents import agent as documents
from streams import metrics
from streams.ingest import doc_id_of
from streams.models import (
    ActorCountEvent,
    ArticleEvent,
    BucketCount,
    CommenterBatch,
    CommenterEvent,
    CommentEvent,
    FileEvent,
    Malformed,
    MentionBatch,
    MentionEvent,
    RejectedEvent,
    Source,
)
from streams.settings import Settings
from streams.tables import actors, commenters, positions
from streams.topics import commenters_topic, mentions_topic, partition_for
from tests.agent_doubles import Recorder, until
from tests.generated import THREAD

TEXT = (
    "Le Kremlin répond à l'OTAN\n\n"
    "Vladimir Poutine a reçu Joe Biden. Moscou et Washington discutent de l'Ukraine.\n"
    + THREAD
)


def sent_mentions(recorder: Recorder) -> dict[str, MentionEvent]:
    """The mentions of every batch sent, by actor, after checking each batch's partition
    (that of its table key: the actor, or the surname group of a person NER found)."""
    found = {}
    for (_, batch), partition in zip(recorder.sent, recorder.partitions, strict=True):
        assert isinstance(batch, MentionBatch)
        for mention in batch.mentions:
            assert partition == partition_for(mentions_topic, mention.key or mention.actor)
            found[mention.actor] = mention
    return found


def file_event(text: str = TEXT, name: str = "a.txt") -> FileEvent:
    return FileEvent(doc_id=doc_id_of(text), source_path=f"/inbox/{name}", name=name,
                     size=len(text.encode()), encoding="utf-8", text=text,
                     received_at=datetime(2021, 12, 10, 10, tzinfo=UTC))


async def test_parse_documents_emits_article_comments_and_rekeyed_events(
    faust_app: Any, outputs: dict[str, Recorder]
) -> None:
    async with documents.parse_documents.test_context() as agent:
        await agent.put(file_event(), key="k")
        await until(lambda: bool(outputs["commenters_topic"].sent))
    [(key, article)] = outputs["articles_topic"].sent
    assert isinstance(article, ArticleEvent) and key == article.doc_id
    assert article.title == "Le Kremlin répond à l'OTAN"
    assert article.comment_count == article.comment_count_declared == 2
    comments = [value for _, value in outputs["comments_topic"].sent]
    assert [c.comment_id for c in comments] == ["1", "1.1"]
    assert all(isinstance(c, CommentEvent) for c in comments)
    mentions = sent_mentions(outputs["mentions_topic"])
    assert set(mentions) >= {"vladimir-putin", "joe-biden", "russia", "united-states", "nato",
                             "ukraine"}
    assert mentions["vladimir-putin"].comment_mentions == 1
    # One record per destination partition, not one per actor.
    assert len(outputs["mentions_topic"].sent) == len(set(outputs["mentions_topic"].partitions))
    people = {}
    for (_, batch), partition in zip(outputs["commenters_topic"].sent,
                                     outputs["commenters_topic"].partitions, strict=True):
        assert isinstance(batch, CommenterBatch)
        for activity in batch.activities:
            assert partition == partition_for(commenters_topic, activity.commenter)
            people[activity.commenter] = activity
    assert people["bitter"].replies_received == 1 and people["jarilo"].comments == 1


async def test_same_document_twice_is_a_duplicate_rejection(
    faust_app: Any, outputs: dict[str, Recorder]
) -> None:
    async with documents.parse_documents.test_context() as agent:
        await agent.put(file_event(name="a.txt"), key="k")
        await agent.put(file_event(name="copy.txt"), key="k")
        await until(lambda: bool(outputs["rejected_topic"].sent))
    assert len(outputs["articles_topic"].sent) == 1
    [(key, rejected)] = outputs["rejected_topic"].sent
    assert isinstance(rejected, RejectedEvent)
    assert (rejected.reason, key) == ("duplicate", "/inbox/copy.txt")


async def test_replayed_files_event_is_processed_again_for_idempotent_counting(
    faust_app: Any, outputs: dict[str, Recorder]
) -> None:
    async with documents.parse_documents.test_context() as agent:
        for n in range(2):  # the same event at the same position, as after a crash
            agent.sent_offset = 0
            await agent.put(file_event(), key="k", partition=0)
            await until(lambda: len(outputs["articles_topic"].sent) == n + 1)  # noqa: B023
    assert outputs["rejected_topic"].sent == []
    sources = {m.source for _, batch in outputs["mentions_topic"].sent for m in batch.mentions}
    assert sources == {Source(partition=0, offset=0)}


async def test_malformed_event_is_rejected_not_crashed(
    faust_app: Any, outputs: dict[str, Recorder]
) -> None:
    async with documents.parse_documents.test_context() as agent:
        await agent.put(Malformed(raw=b"{not json", error="invalid"), key="k")
        await agent.put(file_event(), key="k")
        await until(lambda: bool(outputs["articles_topic"].sent))
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
    second = event.model_copy(update={"doc_id": "d2", "source": Source(partition=0, offset=2)})
    emitted = outputs["actor_counts_topic"].sent
    async with counts.count_actors.test_context() as agent:
        await agent.put(MentionBatch(mentions=[event]), key=None)
        await until(lambda: len(emitted) == 1)
        # d1 again (a replay after a failure, batched differently) and d2: one emission.
        await agent.put(MentionBatch(mentions=[event, second]), key=None)
        await until(lambda: len(emitted) == 2)
        await agent.put(MentionBatch(mentions=[second]), key=None)  # nothing new
        await agent.put(MentionBatch(mentions=[event.model_copy(
            update={"doc_id": "d3", "source": Source(partition=0, offset=3)})]), key=None)
        await until(lambda: len(emitted) == 3)
    assert actors["nato"]["article_mentions"] == 6
    # One changelog record per batch that changed the actor, on the events' partition.
    changelog = outputs["changelogs"]
    written = [(key, value) for key, (table, value) in changelog.sent if table == "actors"]
    assert [key for key, _ in written] == ["nato"] * 3
    assert set(changelog.partitions) == {0}
    assert written[-1][1] == actors["nato"]
    # The last offset applied, recorded with the counts (streams.faust_fixes.continuity).
    assert positions["count-actors/0"] == 3
    assert actors["nato"]["buckets"] == {"2021-12-10T11:00:00Z": [9, 3, 3]}
    values = [value for _, value in emitted]
    assert all(isinstance(e, ActorCountEvent) for e in values)
    assert [e.total_mentions for e in values] == [3, 6, 9]
    assert values[-1].mentions == 9 and values[-1].articles == 3
    assert values[-1].window_end - values[-1].window_start == (
        datetime(2021, 12, 11, tzinfo=UTC) - datetime(2021, 12, 10, tzinfo=UTC))


def batches_of(journal: list[str]) -> list[tuple[list[str], list[str]]]:
    """Each batch of a journal: (what was sent before its delivery, what after)."""
    cut = [i for i, name in enumerate(journal) if name == "delivered"]
    starts = [0, *(i + 1 for i in cut)]
    ends = [*cut, len(journal)]
    found = []
    for n, point in enumerate(cut):
        found.append((journal[starts[n]:point], journal[point + 1:ends[n + 1]]))
    return found


async def test_state_and_positions_follow_the_delivered_outputs(
    faust_app: Any, outputs: dict[str, Recorder]
) -> None:
    """The state says what a batch produced (the next owner trusts it): its changelog
    records go out only once the batch's outputs were delivered."""
    journal = outputs["changelogs"].journal
    async with documents.parse_documents.test_context() as agent:
        await agent.put(file_event(), key="k")
        await until(lambda: "changelogs" in journal)
    [(before, after)] = batches_of(journal)
    assert {"articles_topic", "comments_topic", "mentions_topic",
            "commenters_topic"} <= set(before)
    assert "changelogs" not in before
    assert set(after) == {"changelogs"}
    tables = [table for _, (table, _) in outputs["changelogs"].sent]
    assert sorted(set(tables)) == ["documents", "latest-articles", "positions"]
    assert tables[-1] == "positions"

    journal.clear()
    outputs["changelogs"].sent.clear()
    mention = sent_mentions(outputs["mentions_topic"])["nato"]
    async with counts.count_actors.test_context() as agent:
        await agent.put(MentionBatch(mentions=[mention]), key=None)
        await until(lambda: "changelogs" in journal)
    [(before, after)] = batches_of(journal)
    assert before == ["actor_counts_topic"]
    assert after == ["changelogs", "changelogs"]
    assert [table for _, (table, _) in outputs["changelogs"].sent] == ["actors", "positions"]


async def test_count_commenters_accumulates(faust_app: Any, outputs: dict[str, Recorder]) -> None:
    event = CommenterEvent(doc_id="d1", source=Source(partition=0, offset=1),
                           commenter="bitter", name="Bitter", handle="Amer", comments=2,
                           replies_received=1, score_sum=2, last_posted_at=None)
    second = event.model_copy(update={"doc_id": "d2", "source": Source(partition=0, offset=2)})
    async with counts.count_commenters.test_context() as agent:
        await agent.put(CommenterBatch(activities=[event, second]), key=None)
        await agent.put(CommenterBatch(activities=[event]), key=None)
        await until(lambda: (commenters.get("bitter") or {}).get("documents") == 2)
    assert commenters["bitter"]["comments"] == 4
    assert commenters["bitter"]["replies_received"] == 2


async def test_with_ner_on_a_new_name_reaches_the_article_and_the_mentions(
    faust_app: Any, outputs: dict[str, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "get_settings",
                        lambda: Settings(ner=True, parse_processes=0))
    text = TEXT.replace("Moscou et Washington", "Karen Donfried dit que Moscou et Washington")
    async with documents.parse_documents.test_context() as agent:
        await agent.put(file_event(text), key="k")
        await until(lambda: bool(outputs["mentions_topic"].sent), timeout=30)
    [(_, article)] = outputs["articles_topic"].sent
    assert ("karen-donfried", "Karen Donfried", "person", 1) in {
        (a.id, a.name, a.type, a.mentions) for a in article.actors}
    mentions = sent_mentions(outputs["mentions_topic"])
    assert mentions["karen-donfried"].name == "Karen Donfried"


async def test_records_past_a_hole_wait_until_it_is_read_again(
    faust_app: Any, outputs: dict[str, Recorder]
) -> None:
    """A mentions record the consumer skipped (offset 1 of partition 0) holds back the
    next one (2) until both are read again; each is counted once. Partition 1, in the
    same batches, is counted meanwhile."""
    at = datetime(2021, 12, 10, 11, tzinfo=UTC)

    def batch(offset: int, actor: str = "nato") -> MentionBatch:
        return MentionBatch(mentions=[MentionEvent(
            doc_id=f"d{offset}", source=Source(partition=0, offset=offset), actor=actor,
            name=actor.upper(), type="organization", article_mentions=1, comment_mentions=0,
            article=True, comments=0, buckets=[BucketCount(start=at, mentions=1, articles=1,
                                                            comments=0)],
        )])

    async def put(offset: int, partition: int = 0, actor: str = "nato") -> None:
        agent.sent_offset = offset
        await agent.put(batch(offset, actor), key=None, partition=partition)

    def holes() -> float:
        labels = {"topic": mentions_topic.get_topic_name()}
        return metrics.registry.get_sample_value("newswire_input_holes_total", labels) or 0.0

    before = holes()
    async with counts.count_actors.test_context() as agent:
        await put(0)
        await until(lambda: actors.get("nato") is not None)
        await put(2)  # offset 1 never arrives
        await put(0, partition=1, actor="un")
        await until(lambda: actors.get("un") is not None)
        assert holes() == before + 1
        assert actors["nato"]["article_mentions"] == 1  # 2 is held back, not counted
        assert positions["count-actors/0"] == 0
        await put(1)  # partition 0 read again from the hole
        await put(2)
        await put(1, partition=1, actor="un")
        await until(lambda: actors["nato"]["article_mentions"] == 3)
        await until(lambda: actors["un"]["article_mentions"] == 2)
    assert (positions["count-actors/0"], positions["count-actors/1"]) == (2, 1)
    assert holes() == before + 1
