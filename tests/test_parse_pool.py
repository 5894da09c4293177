"""Parsing processes (agents.documents.parse_pool): real child processes, no broker."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from agents.documents.parse_pool import DocumentParser, ParseOptions
from agents.documents.prepared import Failed, Prepared, join_records, prepare
from agents.extraction.actors import default_gazetteer
from streams.codecs import dumps
from streams.ingest import doc_id_of
from streams.models import ArticleEvent, FileEvent, MentionBatch, MentionEvent, Source
from streams.settings import Settings
from tests.generated import THREAD

pytestmark = pytest.mark.timeout(120)  # a protocol fault would hang, not fail

REPO = Path(__file__).resolve().parents[1]
OPTIONS = ParseOptions.of(Settings())


def file_event(n: int) -> FileEvent:
    text = (f"Dépêche {n}\n\nVladimir Poutine a reçu Joe Biden. Moscou et Washington"
            f" discutent de l'Ukraine ({n}).\n" + THREAD)
    return FileEvent(doc_id=doc_id_of(text), source_path=f"/inbox/{n}.txt", name=f"{n}.txt",
                     size=len(text.encode()), encoding="utf-8", text=text,
                     received_at=datetime(2021, 12, 10, 10, tzinfo=UTC))


def jobs(count: int) -> list[tuple[FileEvent, Source]]:
    return [(file_event(n), Source(partition=0, offset=n)) for n in range(count)]


def without_time(article: bytes) -> dict[str, object]:
    data: dict[str, object] = orjson.loads(article)
    del data["processed_at"]
    return data


async def parse_all(parser: DocumentParser, work: list[tuple[FileEvent, Source]]) -> list[
        Prepared | Failed]:
    tagged = [(n, event, source) for n, (event, source) in enumerate(work)]
    results = [(n, result) async for n, result in parser.parse(tagged)]
    assert [n for n, _ in results] == list(range(len(work)))  # every tag, in order
    return [result for _, result in results]


async def parse_killing(parser: DocumentParser, work: list[tuple[FileEvent, Source]],
                        pid: int, after: int) -> list[Prepared | Failed]:
    """Every result of ``work``; process ``pid`` is SIGKILLed once ``after`` came back."""
    results: list[Prepared | Failed] = []
    async for _, result in parser.parse([(None, e, s) for e, s in work]):
        results.append(result)
        if len(results) == after:
            os.kill(pid, signal.SIGKILL)
    return results


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2] != "Z"


def test_prepared_events_are_the_codec_bytes_of_the_enriched_events() -> None:
    event, source = jobs(1)[0]
    prepared = prepare(event, default_gazetteer(), bucket_seconds=3600, source=source)
    assert isinstance(prepared, Prepared)
    article = ArticleEvent.model_validate_json(prepared.article)
    assert article.doc_id == event.doc_id and article.comment_count == len(prepared.comments)
    assert {actor for actor, _ in prepared.mentions} >= {"vladimir-putin", "joe-biden"}
    assert prepared.summary["doc_id"] == event.doc_id
    mentions = [MentionEvent.model_validate_json(m) for _, m in prepared.mentions]
    batch = join_records("mentions", [m for _, m in prepared.mentions])
    assert orjson.loads(batch) == orjson.loads(dumps(MentionBatch(mentions=mentions)))


def test_a_parser_exception_is_a_failure_not_a_crash() -> None:
    event, source = jobs(1)[0]
    result = prepare(event, None, bucket_seconds=3600, source=source)  # type: ignore[arg-type]
    assert isinstance(result, Failed) and "AttributeError" in result.error


async def test_processes_give_the_same_events_in_order_as_inline_parsing() -> None:
    work = jobs(30)
    async with DocumentParser(OPTIONS, 0) as inline, DocumentParser(OPTIONS, 1) as pooled:
        expected = await parse_all(inline, work)
        results = await parse_all(pooled, work)
    assert [r.doc_id for r in results] == [e.doc_id for e, _ in work]  # type: ignore[union-attr]
    for mine, theirs in zip(results, expected, strict=True):
        assert isinstance(mine, Prepared) and isinstance(theirs, Prepared)
        assert without_time(mine.article) == without_time(theirs.article)
        assert (mine.comments, mine.mentions, mine.commenters) == (
            theirs.comments, theirs.mentions, theirs.commenters)


async def test_a_killed_parsing_process_is_replaced_and_its_documents_parsed_again() -> None:
    async with DocumentParser(OPTIONS, 1) as parser:
        [first] = parser.pids
        work = jobs(200)
        results = await parse_killing(parser, work, first, after=1)  # mid-way through chunks
        assert all(isinstance(r, Prepared) for r in results)
        assert [r.doc_id for r in results] == [e.doc_id for e, _ in work]  # type: ignore[union-attr]
        # and the new process goes on
        again = await parse_all(parser, jobs(3))
        assert all(isinstance(r, Prepared) for r in again)
        assert first not in parser.pids


class PoisonedParser(DocumentParser):
    module = "tests.poisoned_parser"  # dies on poison.txt, hangs on slow.txt


class NoisyParser(DocumentParser):
    module = "tests.noisy_parser"  # writes to fd 1 while it parses


async def test_a_document_that_kills_the_parser_is_rejected_and_the_rest_go_through(
    caplog: pytest.LogCaptureFixture,
) -> None:
    work = jobs(20)
    poison = work[10][0].model_copy(update={"name": "poison.txt"})
    work[10] = (poison, work[10][1])
    async with PoisonedParser(OPTIONS, 1) as parser:
        results = await parse_all(parser, work)
        again = await parse_all(parser, jobs(3))
    failed = [i for i, r in enumerate(results) if isinstance(r, Failed)]
    assert failed == [10]
    assert "died" in results[10].error  # type: ignore[union-attr]
    assert [r.doc_id for r in results if isinstance(r, Prepared)] == [
        e.doc_id for i, (e, _) in enumerate(work) if i != 10]
    assert all(isinstance(r, Prepared) for r in again)
    assert "a parsing process died" in caplog.text


async def test_a_document_that_hangs_the_parser_is_rejected_after_the_timeout() -> None:
    work = jobs(12)
    work[3] = (work[3][0].model_copy(update={"name": "slow.txt"}), work[3][1])
    async with PoisonedParser(OPTIONS, 1, timeout=1.0) as parser:
        [stuck] = parser.pids
        started = time.monotonic()
        results = await parse_all(parser, work)
        elapsed = time.monotonic() - started
    assert isinstance(results[3], Failed) and results[3].reason == "parse_timeout"
    assert all(isinstance(r, Prepared) for i, r in enumerate(results) if i != 3)
    assert elapsed < 10 and not alive(stuck)


async def test_two_processes_keep_the_order_when_one_dies() -> None:
    async with DocumentParser(OPTIONS, 2) as parser:
        first, second = parser.pids
        work = jobs(100)
        results = await parse_killing(parser, work, second, after=20)
        assert [r.doc_id for r in results] == [e.doc_id for e, _ in work]  # type: ignore[union-attr]
        assert first in parser.pids and second not in parser.pids


async def test_a_process_that_died_between_batches_is_replaced() -> None:
    async with DocumentParser(OPTIONS, 1) as parser:
        [idle] = parser.pids
        os.kill(idle, signal.SIGKILL)
        await asyncio.sleep(0.2)
        results = await parse_all(parser, jobs(12))
        assert all(isinstance(r, Prepared) for r in results)
        assert idle not in parser.pids and len(parser.pids) == 1


async def test_leaving_a_parse_early_leaves_no_stale_answer_and_no_process() -> None:
    async with DocumentParser(OPTIONS, 1) as parser:
        [busy] = parser.pids
        work = jobs(40)
        async with contextlib.aclosing(parser.parse([(n, e, s) for n, (e, s) in
                                                     enumerate(work)])) as results:
            async for n, _ in results:
                if n == 2:
                    break
        assert not alive(busy)  # it had answers due: stopped
        fresh = jobs(50)[40:]
        again = await parse_all(parser, fresh)
        assert [r.doc_id for r in again] == [e.doc_id for e, _ in fresh]  # type: ignore[union-attr]
        assert len(parser.pids) == 1


async def test_other_output_on_a_childs_stdout_does_not_corrupt_results() -> None:
    async with NoisyParser(OPTIONS, 1) as parser:
        results = await parse_all(parser, jobs(10))
    assert all(isinstance(r, Prepared) for r in results)


async def test_ctrl_c_is_for_the_worker_not_its_parsing_processes() -> None:
    async with DocumentParser(OPTIONS, 1) as parser:
        [pid] = parser.pids
        os.kill(pid, signal.SIGINT)
        await asyncio.sleep(0.2)
        results = await parse_all(parser, jobs(3))
        assert all(isinstance(r, Prepared) for r in results) and alive(pid)


def test_parsing_processes_exit_when_the_worker_is_killed() -> None:
    script = (
        "import asyncio\n"
        "from agents.documents.parse_pool import DocumentParser, ParseOptions\n"
        "from streams.settings import Settings\n"
        "async def main():\n"
        "    parser = DocumentParser(ParseOptions.of(Settings()), 2)\n"
        "    await parser.start()\n"
        "    print(*parser.pids, flush=True)\n"
        "    await asyncio.sleep(60)\n"
        "asyncio.run(main())\n"
    )
    worker = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert worker.stdout is not None
        pids = [int(pid) for pid in worker.stdout.readline().split()]
        assert pids and all(alive(pid) for pid in pids)
        worker.kill()
        worker.wait()
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(pid) for pid in pids), "parsing processes outlived the worker"
    finally:
        worker.kill()


async def test_a_parser_that_cannot_start_says_why() -> None:
    options = ParseOptions(bucket_seconds=3600, ner=True, ner_model="no_such_model_xx",
                           gc_threshold=0)
    with pytest.raises(Exception, match="no_such_model_xx"):
        async with DocumentParser(options, 1):
            pass


async def test_ner_runs_in_the_parsing_process() -> None:
    event, source = jobs(1)[0]
    text = event.text.replace("Moscou et Washington", "Karen Donfried dit que Moscou et Washington")
    event = event.model_copy(update={"text": text, "doc_id": doc_id_of(text)})
    async with DocumentParser(ParseOptions.of(Settings(ner=True)), 1) as parser:
        [result] = await parse_all(parser, [(event, source)])
    assert isinstance(result, Prepared)
    article = ArticleEvent.model_validate_json(result.article)
    assert "karen-donfried" in {a.id for a in article.actors}
    # A person NER found counts under the group of its surname (agents.counting.groups).
    assert "surname:donfried" in {key for key, _ in result.mentions}
