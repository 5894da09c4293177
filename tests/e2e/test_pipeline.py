"""End to end: real broker, real worker and watcher processes, real files in an inbox."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.harness import (
    SAMPLES,
    Pipeline,
    copy_into,
    get_json,
    get_status,
    read_topic,
    truth,
    truth_with_buckets,
    wait_for,
)


def inputs(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("*.txt")) + sorted(SAMPLES.glob("*.txt"))


def last_per_actor(events: list[dict[str, Any]]) -> dict[str, int]:
    latest: dict[str, int] = {}
    for event in events:
        latest[event["actor"]] = max(latest.get(event["actor"], 0), event["total_mentions"])
    return latest


def test_dropped_files_become_events_and_counts(pipeline: Pipeline, corpus: Path) -> None:
    files = inputs(corpus)
    expected, expected_comments, doc_ids, buckets = truth_with_buckets(files)
    worker = pipeline.worker().ready()
    pipeline.watcher()
    time.sleep(1.0)  # the watcher's initial scan of the empty inbox
    dropped_at = {}
    for path in files:  # one by one, as files arrive in real use
        dropped_at[path.name] = time.time()
        copy_into(pipeline.inbox, [path])
        time.sleep(0.2)

    articles = pipeline.read("articles", until=lambda ev: len(ev) >= len(files), linger=1.0)
    assert {a["doc_id"] for a in articles} == doc_ids
    assert len(articles) == len(files)  # one article per file, none twice
    for article in articles:
        assert article["_key"] == article["doc_id"]
        assert article["title"] and len(article["title"]) <= 300
        assert article["language"] == "fr"
        assert article["comment_count"] == (article["comment_count_declared"] or 0)
        assert article["processed_at"].endswith("Z")
        assert all(a["mentions"] >= 1 and a["type"] in ("person", "organization", "country")
                   for a in article["actors"])
    by_name = {Path(a["source_path"]).name: a for a in articles}
    assert by_name["000_dfebfa1dd1bc779d.txt"]["comment_count"] == 8
    assert {a["id"] for a in by_name["000_dfebfa1dd1bc779d.txt"]["actors"]} >= {
        "vladimir-putin", "joe-biden", "nato", "russia", "united-states", "ukraine"}

    comments = pipeline.read("comments", until=lambda ev: len(ev) >= expected_comments)
    assert len(comments) == expected_comments
    assert {c["comment_id"] for c in comments if c["doc_id"] == by_name[
        "000_dfebfa1dd1bc779d.txt"]["doc_id"]} == {"1", "2", "2.1", "2.1.1", "2.1.1.1", "3", "4",
                                                   "5"}

    counts = pipeline.read("actor-counts", until=lambda ev: last_per_actor(ev) == dict(expected))
    assert all(event["_key"] == event["actor"] for event in counts)
    assert wait_for(lambda: worker.totals() == dict(expected), 30, "/actors to match the truth")
    actors = worker.actors()
    putin = actors["vladimir-putin"]
    assert putin["name"] and putin["type"] == "person"
    assert putin["mentions"] == putin["article_mentions"] + putin["comment_mentions"]
    assert 0 < putin["last_24h"] <= putin["mentions"]

    # One "last 24 h" figure per actor, the list's and the detail's, both ending at the
    # stream's time (undated samples bring it to today, past the dated corpus files).
    last_24h = {actor: get_json(f"{worker.url}/actors/{actor}")["last_24h"] for actor in actors}
    assert last_24h == {actor: row["last_24h"] for actor, row in actors.items()}
    assert 0 in last_24h.values()

    detail = get_json(f"{worker.url}/actors/vladimir-putin")
    assert detail["mentions"] == expected["vladimir-putin"]
    # The history holds the buckets within the retention period (7 days) of the newest one.
    newest = max(buckets["vladimir-putin"])
    retained = {at: n for at, n in buckets["vladimir-putin"].items()
                if at > newest - timedelta(days=7)}
    assert {b["start"]: b["mentions"] for b in detail["history"]} == {
        at.strftime("%Y-%m-%dT%H:%M:%SZ"): n for at, n in sorted(retained.items())}
    assert get_status(f"{worker.url}/actors/nobody-at-all")[0] == 404
    assert get_status(f"{worker.url}/actors/..%2F..%2Fetc")[0] in (400, 404)
    commenters = get_json(f"{worker.url}/commenters")
    bitter = next(c for c in commenters if c["name"] == "Bitter")
    assert bitter["comments"] >= 2 and bitter["replies_received"] >= 1
    status, page = get_status(f"{worker.url}/")
    assert status == 200 and b"newswire" in page

    latencies = sorted(a["_seen_at"] - dropped_at[Path(a["source_path"]).name] for a in articles)
    median = statistics.median(latencies)
    print(f"\nfile drop -> article event: median {median * 1000:.0f} ms,"
          f" max {latencies[-1] * 1000:.0f} ms over {len(latencies)} files")


def test_same_text_under_another_name_counts_once(pipeline: Pipeline, corpus: Path) -> None:
    original = corpus / "000_dfebfa1dd1bc779d.txt"
    expected, _, _ = truth([original])
    worker = pipeline.worker().ready()
    pipeline.watcher()
    copy_into(pipeline.inbox, [original])
    wait_for(lambda: worker.totals() == dict(expected), 60, "counts of the first copy")

    copy_into(pipeline.inbox, [original], names=iter(["copie de l'article (2).txt"]))
    rejected = pipeline.read(
        "rejected", until=lambda ev: any(e["reason"] == "duplicate" for e in ev)
    )
    duplicate = next(e for e in rejected if e["reason"] == "duplicate")
    assert duplicate["source_path"].endswith("copie de l'article (2).txt")
    assert duplicate["doc_id"] and duplicate["stage"] == "process"
    time.sleep(2.0)
    assert worker.totals() == dict(expected)
    articles = pipeline.read("articles", until=lambda ev: len(ev) >= 1, timeout=10, linger=2.0)
    assert len(articles) == 1


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _assert_quiet(output: str, names: list[str]) -> None:
    """What a person sees: a short summary, then one line per document counted, each
    naming its file; no library log line, no traceback."""
    lines = output.splitlines()
    counted = [line for line in lines if line.startswith("counted")]
    assert sorted(line.split()[1] for line in counted) == sorted(names), output
    first = lines.index(counted[0])
    assert first <= 15, f"{first} lines before the first document was counted:\n{output}"
    assert "dashboard" in output and "Traceback" not in output, output
    assert not [line for line in lines if " INFO " in line or "[^" in line], output


@pytest.mark.parametrize(
    "mode",
    [
        pytest.param("embedded", marks=pytest.mark.e2e),
        pytest.param("kafka", marks=pytest.mark.kafka),
    ],
)
def test_run_stop_and_start_gives_identical_counts(
    tmp_path: Path, corpus: Path, mode: str
) -> None:
    """``newswire run``: SIGTERM leaves no process behind; a restart gives the same counts.

    Embedded: the memory-only broker is new, the inbox is replayed. ``--kafka``: the broker
    keeps its data, nothing is sent or counted twice.
    """
    from streams.broker import free_port

    # As a user runs it: the default settings, NER on, a quiet terminal.
    deployment = Pipeline(broker_url="", root=tmp_path,
                          extra_env={"NEWSWIRE_NER": "1", "NEWSWIRE_VERBOSE": "0"})
    files = inputs(corpus)
    expected, _, doc_ids = truth(files, ner=True)
    copy_into(deployment.inbox, files)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = ["run", "inbox"] + (["--kafka"] if mode == "kafka" else [])
    try:
        for attempt in range(2):
            run = deployment.spawn(f"run-{attempt}", *args, embedded=True,
                                   NEWSWIRE_WEB_PORT=str(port))
            wait_for(
                lambda: {r["id"]: r["mentions"] for r in get_json(f"{url}/actors")} == dict(
                    expected), 180, f"run #{attempt + 1} to count the inbox")
            if attempt == 0:
                wait_for(lambda r=run: sum(line.startswith("counted") for line in
                                           r.log.read_text().splitlines()) >= len(files),
                         30, "a line per counted document")
                _assert_quiet(run.log.read_text(), [path.name for path in files])
            below = _descendants(run.pid)
            assert below, "run should have a broker and a worker below it"
            if mode == "kafka":
                state = json.loads((deployment.data_dir / "kafka" / "local-kafka.json").read_text())
                bootstrap = f"127.0.0.1:{state['port']}"
                articles = asyncio.run(read_topic(
                    bootstrap, deployment.topic("articles"),
                    lambda ev: len(ev) >= len(doc_ids), 30, linger=3.0))
                assert sorted(a["doc_id"] for a in articles) == sorted(doc_ids)
            # `tail` without a broker setting finds the broker this run started
            tailed = deployment.cli("tail", "articles", "--idle", "3", embedded=True)
            assert {json.loads(line)["doc_id"] for line in tailed.splitlines()} == doc_ids
            error = deployment.cli("tail", "artciles", embedded=True, fails=True)
            assert "no topic" in error and "articles" in error, error
            assert run.stop(timeout=60) == 0, run.tail()
            assert not (deployment.data_dir / "running-broker.json").exists()
            wait_for(lambda b=below: not any(Path(f"/proc/{p}").exists() for p in b), 30,
                     "no process left behind after SIGTERM")
    except AssertionError:
        print(deployment.logs())
        raise
