"""Prometheus metrics of one worker, in a registry of their own, served at ``/metrics``.

Where each figure comes from:

- files accepted: files events the documents agent reads (files the watcher or
  ``newswire send`` accepted; duplicates included, since the worker tells them apart);
- files rejected, by stage and reason: read back from ``newswire.rejected`` by the
  ``count-rejections`` agent, so that the watcher's rejections, which never reach the
  worker otherwise, are counted with the worker's own;
- events in and out, per agent and topic: a Faust sensor (stream events in; sends and
  table changelog writes out);
- processing latency: from a file's arrival (``received_at``) to its article event
  (``processed_at``);
- input holes: records the consumer skipped, which the agents had read again
  (:mod:`streams.faust_fixes.continuity`);
- consumer lag per topic and partition, and table sizes: read from Faust when scraped.

Counters count what this worker did since it started; with several workers, sum them.
An event processed again after a crash is counted again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from faust import Sensor
from faust.agents import current_agent
from faust.types import TP, AppT, CollectionT, EventT, StreamT
from faust.types.transports import ProducerT
from faust.types.tuples import PendingMessage
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
)
from prometheus_client import generate_latest as _generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from streams.faust_fixes.consumer_state import committed_offsets, running_consumer

__all__ = ["CONTENT_TYPE_LATEST", "exposition", "registry"]

# No `*_created` series beside every counter: they would be half the lines.
disable_created_metrics()  # type: ignore[no-untyped-call]
registry = CollectorRegistry()

files_accepted = Counter(
    "newswire_files_accepted",
    "Files events read from the files topic (files the watcher or `send` accepted)",
    registry=registry,
)
files_rejected = Counter(
    "newswire_files_rejected",
    "Rejections read from the rejected topic (watcher, send and worker), by stage and reason",
    ["stage", "reason"],
    registry=registry,
)
events_in = Counter(
    "newswire_events_in",
    "Events an agent read, by agent and source topic",
    ["agent", "topic"],
    registry=registry,
)
events_out = Counter(
    "newswire_events_out",
    "Events an agent wrote (topic sends and table changelog records), by agent and topic",
    ["agent", "topic"],
    registry=registry,
)
input_holes = Counter(
    "newswire_input_holes",
    "Holes found in an input partition (records that never reached their agent, then"
    " read again: streams.faust_fixes.continuity), by topic",
    ["topic"],
    registry=registry,
)
latency = Histogram(
    "newswire_processing_latency_seconds",
    "From a file's arrival (received_at) to its article event (processed_at)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
    registry=registry,
)


def observe_latency(seconds: float) -> None:
    """Record the processing latency of one article: from its file's arrival to its
    article event."""
    latency.observe(max(0.0, seconds))


def _agent_name() -> str | None:
    agent = current_agent()
    return None if agent is None else str(agent.name)


def sending_agent() -> str:
    """The label of the agent sending from the current task ("-" outside agents)."""
    return _agent_name() or "-"


class EventSensor(Sensor):
    """Counts events in and out per agent, from inside the agent's own task."""

    def on_stream_event_in(
        self, tp: TP, offset: int, stream: StreamT[Any], event: EventT[Any]
    ) -> dict[str, Any] | None:
        events_in.labels(_agent_name() or str(stream.shortlabel), tp.topic).inc()
        return None

    def on_send_initiated(
        self,
        producer: ProducerT,
        topic: str,
        message: PendingMessage,
        keysize: int,
        valsize: int,
    ) -> Any:
        # Table changelog records are sent later from the producer's buffer, outside any
        # agent: they are counted when the agent writes the table (on_table_set).
        agent = _agent_name()
        if agent is not None:
            events_out.labels(agent, topic).inc()
        return None

    def on_table_set(self, table: CollectionT, key: Any, value: Any) -> None:
        self._changelog_record(table)

    def on_table_del(self, table: CollectionT, key: Any) -> None:
        self._changelog_record(table)

    def _changelog_record(self, table: CollectionT) -> None:
        topic = table.changelog_topic.get_topic_name()
        events_out.labels(_agent_name() or "-", topic).inc()


class FaustState(Collector):
    """Consumer lag and table sizes, read from the running app when scraped."""

    def __init__(self, faust_app: AppT) -> None:
        self.app = faust_app

    def collect(self) -> Iterable[Metric]:
        lag = GaugeMetricFamily(
            "newswire_consumer_lag",
            "Messages not yet processed and committed: high watermark minus committed offset",
            labels=["topic", "partition"],
        )
        sizes = GaugeMetricFamily(
            "newswire_table_keys", "Keys this worker holds, per table", labels=["table"]
        )
        for topic, partition, behind in self._lag():
            lag.add_metric([topic, str(partition)], behind)
        for name, table in self.app.tables.items():
            sizes.add_metric([name], len(table))
        yield lag
        yield sizes

    def _lag(self) -> list[tuple[str, int, int]]:
        consumer = running_consumer(self.app)
        if consumer is None:
            return []
        rows = []
        committed = committed_offsets(consumer)
        try:
            for tp in sorted(consumer.assignment()):
                if tp.topic.endswith(("-changelog", "__assignor-__leader")):
                    continue  # Faust's own topics: changelogs are only read to recover
                end = consumer.highwater(tp)
                if end is not None:  # None until a fetch from the partition returned
                    rows.append((tp.topic, tp.partition, max(0, end - (committed.get(tp) or 0))))
        except Exception:  # a consumer not (or no longer) running: report no lag
            return []
        return rows


def exposition() -> bytes:
    """Every metric in the Prometheus text format."""
    return _generate_latest(registry)

