"""Faust tables: per-actor counts, per-commenter activity, seen documents, latest
articles, input positions.

Values are plain JSON (dicts; offsets in the positions table) in the app's default
"orjson" codec, keys strings. A key is written while an event of its partition is the
current one (see streams.faust_fixes.table_writes), so its changelog record and its store land
on that
partition: actor and commenter keys on the partition of the re-keying topic they arrive
on, document ids on their ``newswire.files`` partition. The latest-articles table has
one key per files partition (its number), written from that partition's events: a
short, bounded list. The positions table has one key per (agent, input partition),
written on that partition (see streams.faust_fixes.continuity).
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


actors = _table("actors", "Per-actor counts: totals and event-time buckets")
commenters = _table("commenters", "Per-commenter activity")
documents = _table("documents", "Documents already counted, by doc_id")
latest_articles = _table("latest-articles", "Latest articles, per files partition")
positions = _table("positions", "Last input offset each agent applied, per input partition")
