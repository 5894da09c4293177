"""The worker's web server: the helpers every view uses, and the views of the platform
(health, metrics, the dashboard page and its charting library).

Any worker gives the whole truth. Lists: a worker lists the keys of the partitions it
owns (``?scope=local``) and merges the local parts of the other workers it finds in the
partition assignor's table metadata (:func:`gather`). A single key: answered by the
worker that owns its partition (:func:`owner_of`, table routing on the same metadata).
The pipeline's views (agents.counting.views, agents.documents.views) build on these.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from functools import cache
from importlib.resources import files
from typing import Any

import orjson
from faust.web import Request, Response, View

from streams import metrics
from streams.app import app
from streams.settings import get_settings
from streams.topics import partition_for

__all__ = ["changelog_partition", "gather", "json_response", "local_items", "owner_of",
           "this_worker"]

log = logging.getLogger("newswire.web")
_settings = get_settings()
_PEER_TIMEOUT = 5.0


def json_response(view: View, data: Any, status: int = 200) -> Response:
    """``data`` as JSON (orjson, UTC times with a Z)."""
    return view.bytes(
        orjson.dumps(data, option=orjson.OPT_UTC_Z),
        content_type="application/json",
        status=status,
    )


def this_worker() -> str:
    """This worker's own URL (as other workers reach it)."""
    return str(app.conf.canonical_url).rstrip("/")


def changelog_partition(table: Any, key: str) -> int:
    """The changelog partition of a table key (the same hash the producer and Faust's
    router use)."""
    return partition_for(table.changelog_topic, key)


def owner_of(table: Any, key: str) -> str:
    """URL of the worker that owns ``key``, from the partition assignor's table metadata.

    Computed here rather than with ``app.router.key_store``, which needs the producer to
    hold metadata for the changelog topic and fails until it has written to it.
    """
    partition = changelog_partition(table, key)
    changelog = table.changelog_topic.get_topic_name()
    try:
        hosts = app.router.table_metadata(table.name)
    except KeyError:
        hosts = {}
    for url, topics in hosts.items():
        if partition in topics.get(changelog, ()):
            return str(url).rstrip("/")
    return this_worker()  # no assignment known yet: answer from here


def local_items(
    table: Any, partition_of: Callable[[Any, str], int] = changelog_partition
) -> Iterable[tuple[str, Any]]:
    """The table's keys this worker owns (it holds no standby copies, but may still hold
    keys of partitions it lost in a rebalance)."""
    changelog = table.changelog_topic.get_topic_name()
    owned = {tp.partition for tp in app.assignor.assigned_actives() if tp.topic == changelog}
    for key, value in list(table.items()):
        if value is not None and partition_of(table, key) in owned:
            yield key, value


async def gather(
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
    peers = [host for host in hosts if host != this_worker()]
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
        return json_response(self, body, status=200 if ready else 503)


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
