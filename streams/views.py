"""Read-only web view on Faust's web server: dashboard, actors, commenters, latest
articles, health, metrics.

Any worker gives the whole truth. Lists: a worker lists the keys of the partitions it
owns (``?scope=local``) and merges the local parts of the other workers it finds in the
partition assignor's table metadata. A single actor: answered by the worker that owns
its key's partition (table routing on the same metadata).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import cache
from importlib.resources import files
from typing import Any

import orjson
from faust.web import Request, Response, View

from agents.counting import format_time, parse_time, window_counts, window_of
from agents.counting.groups import group_key
from agents.recent import LATEST_ARTICLES
from streams import metrics
from streams.app import app
from streams.settings import get_settings
from streams.tables import actors, commenters, latest_articles
from streams.topics import partition_for

log = logging.getLogger("newswire.views")
_settings = get_settings()
_ACTOR_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
_PEER_TIMEOUT = 5.0


def _json(view: View, data: Any, status: int = 200) -> Response:
    return view.bytes(
        orjson.dumps(data, option=orjson.OPT_UTC_Z),
        content_type="application/json",
        status=status,
    )


def _me() -> str:
    return str(app.conf.canonical_url).rstrip("/")


def _partition(table: Any, key: str) -> int:
    """The changelog partition of a table key (the same hash the producer and Faust's
    router use)."""
    return partition_for(table.changelog_topic, key)


def _owner(table: Any, key: str) -> str:
    """URL of the worker that owns ``key``, from the partition assignor's table metadata.

    Computed here rather than with ``app.router.key_store``, which needs the producer to
    hold metadata for the changelog topic and fails until it has written to it.
    """
    partition = _partition(table, key)
    changelog = table.changelog_topic.get_topic_name()
    try:
        hosts = app.router.table_metadata(table.name)
    except KeyError:
        hosts = {}
    for url, topics in hosts.items():
        if partition in topics.get(changelog, ()):
            return str(url).rstrip("/")
    return _me()  # no assignment known yet: answer from here


def _local_items(
    table: Any, partition_of: Callable[[Any, str], int] = _partition
) -> Iterable[tuple[str, Any]]:
    """The table's keys this worker owns (it holds no standby copies, but may still hold
    keys of partitions it lost in a rebalance)."""
    changelog = table.changelog_topic.get_topic_name()
    owned = {tp.partition for tp in app.assignor.assigned_actives() if tp.topic == changelog}
    for key, value in list(table.items()):
        if value is not None and partition_of(table, key) in owned:
            yield key, value


async def _gather(
    request: Request, table: Any, path: str, local: Callable[[], list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """This worker's rows plus those of every other worker that owns part of ``table``."""
    rows = local()
    if request.query.get("scope") == "local":
        return rows, []
    try:
        hosts = [str(url).rstrip("/") for url in app.router.table_metadata(table.name)]
    except KeyError:
        hosts = []
    peers = [host for host in hosts if host != _me()]
    errors: list[str] = []

    async def fetch(host: str) -> list[dict[str, Any]]:
        async with app.http_client.get(f"{host}{path}?scope=local") as response:
            response.raise_for_status()
            data = orjson.loads(await response.read())
            return list(data["items"] if isinstance(data, dict) else data)

    results = await asyncio.gather(
        *(asyncio.wait_for(fetch(host), _PEER_TIMEOUT) for host in peers), return_exceptions=True
    )
    for host, result in zip(peers, results, strict=True):
        if isinstance(result, BaseException):
            errors.append(f"{host}: {result!r}")
        else:
            rows.extend(result)
    return rows, errors


def _actor_row(actor: str, record: dict[str, Any]) -> dict[str, Any]:
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


def _records(items: Iterable[tuple[str, Any]]) -> Iterable[tuple[str, dict[str, Any]]]:
    """Actor records of table values: a value is one actor's record, or a surname group
    of several (agents.counting.groups)."""
    for key, value in items:
        if "members" in value:
            yield from value["members"].items()
        else:
            yield key, value


def _local_actors() -> list[dict[str, Any]]:
    # With each row, the actor's newest buckets: enough for any rolling window that ends
    # later (the merged listing picks one window end for all actors).
    keep = _settings.rolling_hours * 3600 // _settings.bucket_seconds
    return [
        {**_actor_row(actor, record),
         "recent": dict(sorted(record["buckets"].items())[-keep:])}
        for actor, record in _records(_local_items(actors))
    ]


def _with_last_24h(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
    """Add ``last_24h``: mentions in the rolling window ending at the stream's newest bucket."""
    starts = [start for row in rows for start in row["recent"]]
    if not starts:
        for row in rows:
            row.pop("recent")
            row["last_24h"] = 0
        return rows, None
    begin, end = window_of(
        parse_time(max(starts)), _settings.bucket_seconds, _settings.rolling_hours
    )
    for row in rows:
        row["last_24h"] = window_counts(row.pop("recent"), begin, end)["mentions"]
    return rows, format_time(end)


@app.page("/actors")
class ActorsView(View):
    """GET /actors: every actor, most mentioned first."""

    async def get(self, request: Request) -> Response:
        rows, errors = await _gather(request, actors, "/actors", _local_actors)
        if request.query.get("scope") == "local":
            return _json(self, {"items": rows})
        rows, window_end = _with_last_24h(rows)
        rows.sort(key=lambda row: (-row["mentions"], row["id"]))
        limit = request.query.get("limit")
        if limit and limit.isdigit():
            rows = rows[: int(limit)]
        if errors:
            log.warning("actors listing incomplete: %s", errors)
        return _json(
            self,
            rows if request.query.get("envelope") != "1" else {
                "items": rows, "window_end": window_end, "incomplete": errors,
            },
        )


def _actor_detail(actor_id: str, key: str) -> tuple[int, dict[str, Any]]:
    """One actor's totals and bucket history from this worker's table value ``key``."""
    value = actors.get(key)
    record = value if value is None or "members" not in value else (
        value["members"].get(actor_id))
    if record is None:
        merged = value.get("merged", {}).get(actor_id) if value else None
        detail = f"no counts for {actor_id}" + (f": merged into {merged}" if merged else "")
        return 404, {"error": "unknown_actor", "detail": detail, "merged_into": merged}
    buckets = record["buckets"]
    step = timedelta(seconds=_settings.bucket_seconds)
    history = []
    for start in sorted(buckets):
        mentions, articles, comments = buckets[start]
        begin, end = window_of(parse_time(start), _settings.bucket_seconds,
                               _settings.rolling_hours)
        history.append(
            {
                "start": start,
                "end": format_time(parse_time(start) + step),
                "mentions": mentions,
                "articles": articles,
                "comments": comments,
                "rolling_24h": window_counts(buckets, begin, end)["mentions"],
            }
        )
    return 200, {
        **_actor_row(actor_id, record),
        "last_24h": history[-1]["rolling_24h"] if history else 0,
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
            return _json(
                self,
                {"error": "bad_actor_id", "detail": "an actor id is a lowercase slug"},
                status=400,
            )
        if request.query.get("scope") == "local":
            key = request.query.get("key") or id
            status, body = _actor_detail(id, key)
            return _json(self, body, status)
        # The actor's own key, then its surname group (a person NER found).
        for key in (id, group_key(id)):
            response = await self._from_owner(id, key)
            if response.status != 404:
                return response
        return response

    async def _from_owner(self, actor_id: str, key: str) -> Response:
        """The answer of the worker that owns ``key``'s partition (table routing)."""
        owner = _owner(actors, key)
        if owner == _me():
            status, body = _actor_detail(actor_id, key)
            return _json(self, body, status)
        try:
            async with app.http_client.get(
                f"{owner}/actors/{actor_id}", params={"scope": "local", "key": key}
            ) as response:
                payload = await response.read()
                return self.bytes(
                    payload, content_type="application/json", status=response.status
                )
        except (OSError, TimeoutError) as exc:
            return _json(
                self,
                {"error": "owner_unreachable", "detail": f"{owner} owns {key}: {exc!r}"},
                status=503,
            )


def _local_commenters() -> list[dict[str, Any]]:
    return [
        {field: value for field, value in record.items() if field != "applied"}
        for _, record in _local_items(commenters)
    ]


@app.page("/commenters")
class CommentersView(View):
    """GET /commenters: commenters with their activity, most active first."""

    async def get(self, request: Request) -> Response:
        rows, _ = await _gather(request, commenters, "/commenters", _local_commenters)
        if request.query.get("scope") == "local":
            return _json(self, {"items": rows})
        rows.sort(key=lambda r: (-r["comments"], -r["replies_received"], r["commenter"]))
        limit = request.query.get("limit")
        if limit and limit.isdigit():
            rows = rows[: int(limit)]
        return _json(self, rows)


def _local_latest() -> list[dict[str, Any]]:
    # Keyed by files partition number, and written from that partition's events.
    items = _local_items(latest_articles, lambda _table, key: int(key))
    return [summary for _, summaries in items for summary in summaries]


@app.page("/articles/latest")
class LatestArticlesView(View):
    """GET /articles/latest: the latest articles processed (title, outlet, actors)."""

    async def get(self, request: Request) -> Response:
        rows, errors = await _gather(
            request, latest_articles, "/articles/latest", _local_latest
        )
        if request.query.get("scope") == "local":
            return _json(self, {"items": rows})
        if errors:
            log.warning("latest articles incomplete: %s", errors)
        rows.sort(key=lambda row: row["processed_at"], reverse=True)
        limit = request.query.get("limit")
        return _json(self, rows[: int(limit) if limit and limit.isdigit() else LATEST_ARTICLES])


@app.page("/health")
class HealthView(View):
    """GET /health: readiness of this worker (200 when ready, 503 otherwise)."""

    async def get(self, request: Request) -> Response:
        recovery = app.tables.recovery  # type: ignore[attr-defined]
        assigned = len(app.assignor.assigned_actives())
        ready = bool(assigned) and not app.rebalancing and not recovery.in_recovery
        body = {
            "status": "ready" if ready else "starting",
            "broker": _settings.broker_url,
            "assigned_partitions": assigned,
            "rebalancing": bool(app.rebalancing),
            "recovering": bool(recovery.in_recovery),
            "tables": {name: len(table) for name, table in app.tables.items()},
        }
        return _json(self, body, status=200 if ready else 503)


@app.page("/")
class DashboardView(View):
    """GET /: the HTML dashboard (static page that polls the JSON views)."""

    async def get(self, request: Request) -> Response:
        page = files("streams.static").joinpath("dashboard.html").read_bytes()
        return self.bytes(page, content_type="text/html", headers={"Cache-Control": "no-cache"})


@app.page("/metrics")
class MetricsView(View):
    """GET /metrics: this worker's metrics in the Prometheus text format."""

    async def get(self, request: Request) -> Response:
        return self.bytes(
            metrics.exposition(), headers={"Content-Type": metrics.CONTENT_TYPE_LATEST}
        )


@cache
def _plotly_js() -> bytes:
    """plotly.js as the ``plotly`` wheel ships it (no CDN: the dashboard works offline)."""
    return files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()


@app.page("/static/plotly.min.js")
class PlotlyView(View):
    """GET /static/plotly.min.js: the charting library the dashboard draws with."""

    async def get(self, request: Request) -> Response:
        return self.bytes(
            _plotly_js(),
            content_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )
