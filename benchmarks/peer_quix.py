"""The peer: newswire's job written with Quix Streams, for the benchmark's comparison.

Same input (a ``files`` topic of newswire FileEvents), same parse and extraction code
(:func:`agents.documents.enrich.enrich` with the gazetteer), same outputs in spirit:

- the enriched article to ``<prefix>articles`` and each comment to ``<prefix>comments``;
- per-actor 1-hour tumbling windows on event time (7 days of grace, newswire's
  retention), re-keyed by actor through Quix's ``group_by`` (a repartition topic, as
  newswire's ``mentions`` topic), state in RocksDB with changelog topics, and the
  current window's counts to ``<prefix>actor-counts`` on every update.

Run by ``benchmarks.run`` as its own process::

    python -m benchmarks.peer_quix --broker HOST:PORT --files TOPIC --prefix P --group G
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from agents.documents.enrich import enrich
from agents.extraction.actors import Gazetteer, default_gazetteer
from streams.models import FileEvent

_HOUR_MS = 3_600_000
_GRACE_MS = 7 * 24 * _HOUR_MS


def _parse_with(gazetteer: Gazetteer) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A FileEvent (as JSON data) -> its article, comments and per-actor cells."""

    def parse(value: dict[str, Any]) -> dict[str, Any]:
        result = enrich(FileEvent.model_validate(value), gazetteer)
        return {
            "article": result.article.model_dump(mode="json"),
            "comments": [c.model_dump(mode="json") for c in result.comments],
            "cells": [
                {"actor": m.actor, "name": m.name, "type": m.type,
                 "at": int(b.start.timestamp() * 1000), "mentions": b.mentions,
                 "articles": b.articles, "comments": b.comments}
                for m in result.mentions for b in m.buckets
            ],
        }

    return parse


def _comment_rows(value: dict[str, Any]) -> list[dict[str, Any]]:
    return list(value["comments"])


def _cells(value: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from value["cells"]


def _add(window: dict[str, Any], cell: dict[str, Any]) -> dict[str, Any]:
    """A window's counts plus one cell's."""
    return {
        "actor": cell["actor"], "name": cell["name"], "type": cell["type"],
        "mentions": window["mentions"] + cell["mentions"],
        "articles": window["articles"] + cell["articles"],
        "comments": window["comments"] + cell["comments"],
    }


def _first(cell: dict[str, Any]) -> dict[str, Any]:
    """A window's counts from its first cell."""
    return {key: cell[key] for key in ("actor", "name", "type", "mentions", "articles",
                                       "comments")}


def _flatten(result: dict[str, Any]) -> dict[str, Any]:
    """A window's counts with its start and end."""
    value = dict(result["value"])
    value["window_start"] = result["start"]
    value["window_end"] = result["end"]
    return value


def build(broker: str, files: str, prefix: str, group: str, state_dir: Path,
          partitions: int) -> Any:
    """The Quix application (not started)."""
    from quixstreams import Application
    from quixstreams.models.topics import TopicConfig

    app = Application(
        broker_address=broker,
        consumer_group=group,
        auto_offset_reset="earliest",
        state_dir=str(state_dir),
        loglevel="WARNING",
        commit_interval=1.0,
    )
    config = TopicConfig(num_partitions=partitions, replication_factor=1)
    files_topic = app.topic(files, value_deserializer="json", key_deserializer="str")
    articles = app.topic(f"{prefix}articles", value_serializer="json", config=config)
    comments = app.topic(f"{prefix}comments", value_serializer="json", config=config)
    counts = app.topic(f"{prefix}actor-counts", value_serializer="json", config=config)
    gazetteer = default_gazetteer()

    parsed = app.dataframe(files_topic).apply(_parse_with(gazetteer))
    parsed.apply(lambda value: value["article"]).to_topic(articles)
    parsed.apply(_comment_rows, expand=True).to_topic(comments)
    (
        parsed.apply(_cells, expand=True)
        .set_timestamp(lambda value, key, timestamp, headers: value["at"])
        .group_by(lambda cell: cell["actor"], name="actor")
        .tumbling_window(_HOUR_MS, grace_ms=_GRACE_MS)
        .reduce(_add, _first)
        .current()
        .apply(_flatten)
        .to_topic(counts)
    )
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", required=True, help="host:port")
    parser.add_argument("--files", required=True, help="the FileEvent topic to read")
    parser.add_argument("--prefix", required=True, help="prefix of the output topics")
    parser.add_argument("--group", required=True, help="consumer group")
    parser.add_argument("--state-dir", type=Path, default=Path("quix-state"))
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    app = build(args.broker, args.files, args.prefix, args.group, args.state_dir,
                args.partitions)
    app.run()


if __name__ == "__main__":
    main()
