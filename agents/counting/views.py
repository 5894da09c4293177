"""The counting tables on the web: ``/actors``, ``/actors/{id}`` and ``/commenters``."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from faust.web import Request, Response, View

from agents.counting.groups import group_key
from agents.counting.records import format_time, parse_time, window_counts, window_of
from agents.counting.values import ActorGroup, ActorRecord, ActorValue, CommenterRecord
from streams.app import app
from streams.settings import get_settings
from streams.tables import actors, commenters
from streams.web import gather, json_response, local_items, owner_of, this_worker

log = logging.getLogger("newswire.views")
_settings = get_settings()
_ACTOR_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


def _actor_row(actor: str, record: ActorRecord) -> dict[str, Any]:
    """What every actor listing shows of an actor record."""
    return {
        "id": actor,
        "name": record["name"],
        "type": record["type"],
        "mentions": record["article_mentions"] + record["comment_mentions"],
        "article_mentions": record["article_mentions"],
        "comment_mentions": record["comment_mentions"],
        "articles": record["articles"],
        "comments": record["comments"],
    }


def _records(items: Iterable[tuple[str, ActorValue]]) -> Iterable[tuple[str, ActorRecord]]:
    """Actor records of table values: a value is one actor's record, or a surname group
    of several (agents.counting.groups)."""
    for key, value in items:
        if "members" in value:
            yield from cast(ActorGroup, value)["members"].items()
        else:
            yield key, value


def _local_actors() -> list[dict[str, Any]]:
    # With each row, the actor's newest buckets: enough for any rolling window that ends
    # later (the merged listing picks one window end for all actors).
    keep = _settings.rolling_hours * 3600 // _settings.bucket_seconds
    return [
        {**_actor_row(actor, record),
         "recent": dict(sorted(record["buckets"].items())[-keep:])}
        for actor, record in _records(local_items(actors))
    ]


def _with_last_24h(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
    """Add ``last_24h``: mentions in the rolling window ending at the stream's newest bucket."""
    starts = [start for row in rows for start in row["recent"]]
    if not starts:
        for row in rows:
            row.pop("recent")
            row["last_24h"] = 0
        return rows, None
    newest = max(starts)
    for row in rows:
        row["last_24h"] = _last_24h(row.pop("recent"), newest)
    return rows, format_time(_window_ending(newest)[1])


def _window_ending(newest: str) -> tuple[datetime, datetime]:
    """The rolling window that ends with the bucket starting at ``newest``."""
    return window_of(parse_time(newest), _settings.bucket_seconds, _settings.rolling_hours)


def _last_24h(buckets: Mapping[str, list[int]], newest: str | None) -> int:
    """Mentions in the rolling window ending at the stream's time ``newest``."""
    return 0 if newest is None else window_counts(buckets, *_window_ending(newest))["mentions"]


@app.page("/actors")
class ActorsView(View):
    """GET /actors: every actor, most mentioned first."""

    async def get(self, request: Request) -> Response:
        rows, errors = await gather(request, actors, "/actors", _local_actors)
        if request.query.get("scope") == "local":
            return json_response(self, {"items": rows})
        rows, window_end = _with_last_24h(rows)
        rows.sort(key=lambda row: (-row["mentions"], row["id"]))
        limit = request.query.get("limit")
        if limit and limit.isdigit():
            rows = rows[: int(limit)]
        if errors:
            log.warning("actors listing incomplete: %s", errors)
        return json_response(
            self,
            rows if request.query.get("envelope") != "1" else {
                "items": rows, "window_end": window_end, "incomplete": errors,
            },
        )


def _newest_bucket() -> str | None:
    """The stream's time as this worker has seen it: the newest bucket of any actor."""
    return max((max(record["buckets"]) for _, record in _records(local_items(actors))
                if record["buckets"]), default=None)


def _actor_detail(actor_id: str, key: str) -> tuple[int, dict[str, Any]]:
    """One actor's totals and bucket history from this worker's table value ``key``."""
    value: ActorValue | None = actors.get(key)
    group = cast(ActorGroup, value) if value is not None and "members" in value else None
    record = group["members"].get(actor_id) if group else cast(ActorRecord | None, value)
    if record is None:
        merged = group["merged"].get(actor_id) if group else None
        detail = f"no counts for {actor_id}" + (f": merged into {merged}" if merged else "")
        return 404, {"error": "unknown_actor", "detail": detail, "merged_into": merged}
    buckets = record["buckets"]
    step = timedelta(seconds=_settings.bucket_seconds)
    history = []
    for start in sorted(buckets):
        mentions, articles, comments = buckets[start]
        history.append(
            {
                "start": start,
                "end": format_time(parse_time(start) + step),
                "mentions": mentions,
                "articles": articles,
                "comments": comments,
                "rolling_24h": _last_24h(buckets, start),
            }
        )
    return 200, {
        **_actor_row(actor_id, record),
        # As in /actors: the window ends at the stream's time, not at this actor's last
        # mention (an actor of a replayed archive has 0 here and its history below).
        "last_24h": _last_24h(buckets, _newest_bucket()),
        "bucket_seconds": _settings.bucket_seconds,
        "rolling_hours": _settings.rolling_hours,
        "retention_hours": _settings.retention_hours,
        "history": history,
    }


@app.page("/actors/{id}")
class ActorView(View):
    """GET /actors/{id}: one actor with its bucket history, from the worker that owns it."""

    async def get(self, request: Request, id: str) -> Response:
        if not _ACTOR_ID.match(id):
            return json_response(
                self,
                {"error": "bad_actor_id", "detail": "an actor id is a lowercase slug"},
                status=400,
            )
        if request.query.get("scope") == "local":
            key = request.query.get("key") or id
            status, body = _actor_detail(id, key)
            return json_response(self, body, status)
        # The actor's own key, then its surname group (a person NER found).
        for key in (id, group_key(id)):
            response = await self._fromowner_of(id, key)
            if response.status != 404:
                return response
        return response

    async def _fromowner_of(self, actor_id: str, key: str) -> Response:
        """The answer of the worker that owns ``key``'s partition (table routing)."""
        owner = owner_of(actors, key)
        if owner == this_worker():
            status, body = _actor_detail(actor_id, key)
            return json_response(self, body, status)
        try:
            async with app.http_client.get(
                f"{owner}/actors/{actor_id}", params={"scope": "local", "key": key}
            ) as response:
                payload = await response.read()
                return self.bytes(
                    payload, content_type="application/json", status=response.status
                )
        except (OSError, TimeoutError) as exc:
            return json_response(
                self,
                {"error": "owner_unreachable", "detail": f"{owner} owns {key}: {exc!r}"},
                status=503,
            )


def _local_commenters() -> list[dict[str, Any]]:
    records: Iterable[tuple[str, CommenterRecord]] = local_items(commenters)
    return [
        {field: value for field, value in record.items() if field != "applied"}
        for _, record in records
    ]


@app.page("/commenters")
class CommentersView(View):
    """GET /commenters: commenters with their activity, most active first."""

    async def get(self, request: Request) -> Response:
        rows, _ = await gather(request, commenters, "/commenters", _local_commenters)
        if request.query.get("scope") == "local":
            return json_response(self, {"items": rows})
        rows.sort(key=lambda r: (-r["comments"], -r["replies_received"], r["commenter"]))
        limit = request.query.get("limit")
        if limit and limit.isdigit():
            rows = rows[: int(limit)]
        return json_response(self, rows)


