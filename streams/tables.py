"""Faust tables: per-actor totals, hourly buckets, per-commenter activity, seen documents.

Values are plain JSON dicts (the app's default "orjson" codec), keys raw strings.
The bucket table's keys are ``"<actor>@<bucket start>"`` and are written while
processing that actor's events, so they land on the actor's partition like the totals.
The latest-articles table has one key per ``newswire.files`` partition (its number),
written while processing that partition: a short, bounded list per partition.
"""

from __future__ import annotations

from typing import Any

from streams.app import app
from streams.settings import get_settings

_settings = get_settings()


def _table(name: str, help_: str) -> Any:
    return app.Table(
        name,
        default=None,
        key_type=str,
        partitions=_settings.partitions,
        help=help_,
    )


actor_totals = _table("actor-totals", "Per-actor counts since the start")
actor_buckets = _table("actor-buckets", "Per-actor counts in event-time buckets")
commenters = _table("commenters", "Per-commenter activity")
documents = _table("documents", "Documents already counted, by doc_id")
latest_articles = _table("latest-articles", "Latest articles, per files partition")
