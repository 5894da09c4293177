"""Real processes for end-to-end tests: workers, watchers, topic readers, web calls."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer

from agents.counting import count_mentions, parse_time
from agents.documents.enrich import enrich
from agents.extraction.actors import default_gazetteer
from agents.extraction.ner import default_recognizer
from streams.broker import free_port
from streams.child import ChildProcess
from streams.ingest import read_document
from streams.models import FileEvent, MentionEvent, Source

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLES = REPO / "samples" / "inbox"


def wait_for(
    predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.25
) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail with ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            last = predicate()
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


def get_json(url: str, timeout: float = 10.0) -> Any:
    """GET a JSON document; HTTP errors raise."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


def get_status(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """GET anything; return status and body, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Proc(ChildProcess):
    """A ``newswire`` process of a test deployment."""


@dataclass
class Pipeline:
    """One isolated newswire deployment on a shared broker: own topics, group and data."""

    broker_url: str
    root: Path
    partitions: int = 4
    prefix: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:8]}.")
    procs: list[Proc] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)
    client: dict[str, Any] = field(default_factory=dict)  # the test's own SASL/SSL options

    def __post_init__(self) -> None:
        self.inbox = self.root / "inbox"
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.root / "data"
        self.app_id = f"newswire-{self.prefix.rstrip('.')}"

    @property
    def bootstrap(self) -> str:
        return self.broker_url.removeprefix("kafka://")

    def env(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWIRE_")}
        env.update(
            NEWSWIRE_BROKER=self.broker_url,
            NEWSWIRE_TOPIC_PREFIX=self.prefix,
            NEWSWIRE_APP_ID=self.app_id,
            NEWSWIRE_DATA_DIR=str(self.data_dir),
            NEWSWIRE_INBOX=str(self.inbox),
            NEWSWIRE_PARTITIONS=str(self.partitions),
            NEWSWIRE_SETTLE_SECONDS="0.3",
            # Delivery and counting guarantees are tested on the gazetteer alone (fast,
            # no model in every restarted worker); tests of the default set NER to 1.
            NEWSWIRE_NER="0",
            # The libraries' INFO logs on the terminal too, so that a failed test's
            # process logs say everything (a user's terminal shows warnings only).
            NEWSWIRE_VERBOSE="1",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        env.update(overrides)
        return env

    def spawn(self, name: str, *args: str, embedded: bool = False, **env: str) -> Proc:
        """Start ``newswire ARGS`` in the deployment's folder (relative paths work as a
        user's would); ``embedded`` leaves NEWSWIRE_BROKER unset."""
        proc = Proc(
            name, [sys.executable, "-m", "streams.cli", *args], self._child_env(embedded, env),
            self.root / f"{name}.log", cwd=self.root,
        )
        self.procs.append(proc)
        return proc.start()

    def cli(self, *args: str, embedded: bool = False, timeout: float = 60.0,
            fails: bool = False) -> str:
        """Run ``newswire ARGS`` to its end in the deployment's folder; its standard output
        (a non-zero exit fails, with the end of its standard error), or with ``fails`` its
        standard error (then a zero exit fails)."""
        done = subprocess.run(
            [sys.executable, "-m", "streams.cli", *args], env=self._child_env(embedded, {}),
            cwd=self.root, capture_output=True, text=True, timeout=timeout,
        )
        assert (done.returncode != 0) == fails, (
            f"newswire {' '.join(args)}: exit {done.returncode}\n{done.stderr[-2000:]}")
        return done.stderr if fails else done.stdout

    def _child_env(self, embedded: bool, env: dict[str, str]) -> dict[str, str]:
        environment = self.env(**env)
        if embedded:
            environment.pop("NEWSWIRE_BROKER")
        environment["PYTHONPATH"] = str(REPO)
        return environment

    def worker(self, name: str = "worker", web_port: int | None = None, **env: str) -> Worker:
        port = web_port or free_port()
        env.setdefault("NEWSWIRE_DATA_DIR", str(self.data_dir / name))
        proc = self.spawn(name, "worker", NEWSWIRE_WEB_PORT=str(port), **env)
        return Worker(proc, port)

    def watcher(self, name: str = "watcher", **env: str) -> Proc:
        # A relative inbox path, as a user types it.
        env.setdefault("NEWSWIRE_INBOX", self.inbox.name)
        return self.spawn(name, "watch", self.inbox.relative_to(self.root).as_posix(), **env)

    def topic(self, short: str) -> str:
        return f"{self.prefix}{short}"

    def read(self, short: str, *, until: Callable[[list[dict[str, Any]]], bool],
             timeout: float = 60.0, linger: float = 0.0) -> list[dict[str, Any]]:
        """Read a topic from the beginning until ``until(events)`` holds (then ``linger`` s)."""
        return asyncio.run(read_topic(
            self.bootstrap, self.topic(short), until, timeout, linger, **self.client))

    def logs(self) -> str:
        """Each process's last lines, then every process's warnings and errors (last, so
        that a truncated CI report still shows them)."""
        tails = [f"===== {p.name} ({p.log})\n{p.tail()}" for p in self.procs]
        notable = [f"===== {p.name}: warnings and errors\n{notable_lines(p)}"
                   for p in self.procs]
        return "\n\n".join(tails + notable)

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()


def deploy(
    request: Any, url: str, root: Path, **fields: Any
) -> Iterator[Pipeline]:
    """A fixture's body: an isolated deployment on ``url``, stopped after the test, with
    every process's log printed when the test failed."""
    deployment = Pipeline(broker_url=url, root=root, **fields)
    yield deployment
    deployment.stop_all()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(f"\n--- process logs for {request.node.name} ---\n{deployment.logs()}")


def notable_lines(proc: Proc, limit: int = 12) -> str:
    """A process log's last ``limit`` distinct warning and error lines, shortened."""
    if not proc.log.exists():
        return ""
    seen: dict[str, str] = {}
    for line in proc.log.read_text(errors="replace").splitlines():
        if "WARNING" in line or "ERROR" in line or "CRITICAL" in line:
            message = line.split("]", 3)[-1] if line.startswith("[") else line.split(" ", 1)[-1]
            seen.pop(message[:120], None)
            seen[message[:120]] = line[:1500]
    return "\n".join(list(seen.values())[-limit:])


@dataclass
class Worker:
    """A worker process and its web view."""

    proc: Proc
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ready(self, timeout: float = 120.0) -> Worker:
        def check() -> bool:
            if not self.proc.alive():
                raise AssertionError(f"worker exited:\n{self.proc.tail()}")
            status, _ = get_status(f"{self.url}/health")
            return status == 200

        try:
            wait_for(check, timeout, f"{self.proc.name} /health to be ready")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.proc.tail()}") from None
        return self

    def actors(self) -> dict[str, dict[str, Any]]:
        return {row["id"]: row for row in get_json(f"{self.url}/actors")}

    def totals(self) -> dict[str, int]:
        return {actor: row["mentions"] for actor, row in self.actors().items()}

    def wait_totals(self, expected: dict[str, int], timeout: float, what: str) -> None:
        """Wait until ``/actors`` reports exactly ``expected``; fail with the difference."""
        seen: dict[str, int] = {}

        def matches() -> bool:
            nonlocal seen
            seen = self.totals()
            return seen == expected

        try:
            wait_for(matches, timeout, what)
        except AssertionError:
            diff = {k: (seen.get(k), expected.get(k)) for k in set(seen) | set(expected)
                    if seen.get(k) != expected.get(k)}
            health = get_status(f"{self.url}/health")[1][:2000].decode(errors="replace")
            raise AssertionError(
                f"{what}: /actors differs from the truth (got, expected): {diff}; "
                f"/health: {health}"
            ) from None


async def read_topic(
    bootstrap: str,
    topic: str,
    until: Callable[[list[dict[str, Any]]], bool],
    timeout: float,
    linger: float = 0.0,
    **client: Any,
) -> list[dict[str, Any]]:
    """Consume ``topic`` from the start (no group) until ``until`` holds or time runs out.

    ``linger`` keeps reading that long after the condition holds, so that events that
    should not exist (duplicates) have a chance to show up. ``client``: more aiokafka
    options (SASL/SSL).
    """
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
        enable_auto_commit=False, metadata_max_age_ms=1000, **client,
    )
    await consumer.start()
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    lingering = False
    try:
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=300)
            for records in batches.values():
                for record in records:
                    event = json.loads(record.value)
                    event["_key"] = record.key.decode() if record.key else None
                    event["_seen_at"] = time.time()
                    events.append(event)
            if not lingering and until(events):
                if linger <= 0:
                    return events
                lingering = True
                deadline = time.monotonic() + linger
        if until(events):
            return events
    finally:
        await consumer.stop()
    raise AssertionError(f"{topic}: condition not met in {timeout:.0f} s; got {len(events)} events")


def copy_into(inbox: Path, files: list[Path], names: Iterator[str] | None = None) -> list[Path]:
    """Drop files into the inbox the way a user would: write elsewhere, then rename in."""
    dropped = []
    staging = inbox.parent / "staging"
    staging.mkdir(exist_ok=True)
    for index, source in enumerate(files):
        name = next(names) if names is not None else source.name
        tmp = staging / f"{index}-{name}"
        tmp.write_bytes(source.read_bytes())
        target = inbox / name
        tmp.rename(target)
        dropped.append(target)
    return dropped


def truth(files: list[Path], *, ner: bool = False) -> tuple[Counter[str], int, set[str]]:
    """Per-actor mentions, comment count and doc ids the pipeline must report for ``files``.

    Computed by the same pure functions the worker calls, deduplicated by content; with
    ``ner``, names NER finds count too, people's names merged across documents by the
    counting rules (agents.counting.groups).
    """
    mentions, comments, seen, _ = truth_with_buckets(files, ner=ner)
    return mentions, comments, seen


def truth_with_buckets(
    files: list[Path], *, ner: bool = False
) -> tuple[Counter[str], int, set[str], dict[str, Counter[datetime]]]:
    """:func:`truth`, plus each actor's mentions per event-time bucket."""
    recognizer = default_recognizer() if ner else None
    events: list[MentionEvent] = []
    comments = 0
    seen: set[str] = set()
    for path in files:
        event = read_document(path, max_bytes=1 << 26)
        assert isinstance(event, FileEvent), event
        if event.doc_id in seen:
            continue
        seen.add(event.doc_id)
        result = enrich(event, default_gazetteer(), ner=recognizer,
                        source=Source(partition=0, offset=len(seen)))
        comments += len(result.comments)
        events.extend(result.mentions)
    table: dict[str, Any] = {}
    table.update(count_mentions(table, events, retention=timedelta(days=3650),
                                bucket_seconds=3600, rolling_hours=24).records)
    mentions: Counter[str] = Counter()
    buckets: dict[str, Counter[datetime]] = {}
    for key, value in table.items():
        for actor, record in value.get("members", {key: value}).items():
            mentions[actor] = record["article_mentions"] + record["comment_mentions"]
            buckets[actor] = Counter({parse_time(start): counts[0]
                                      for start, counts in record["buckets"].items()})
    return mentions, comments, seen, buckets
