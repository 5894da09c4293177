"""The latest articles on the web: ``/articles/latest``."""

from __future__ import annotations

import logging
from typing import Any

from faust.web import Request, Response, View

from agents.documents.latest import LATEST_ARTICLES
from streams.app import app
from streams.tables import latest_articles
from streams.web import gather, json_response, local_items

log = logging.getLogger("newswire.views")


def _local_latest() -> list[dict[str, Any]]:
    # Keyed by files partition number, and written from that partition's events.
    items = local_items(latest_articles, lambda _table, key: int(key))
    return [summary for _, summaries in items for summary in summaries]


@app.page("/articles/latest")
class LatestArticlesView(View):
    """GET /articles/latest: the latest articles processed (title, outlet, actors)."""

    async def get(self, request: Request) -> Response:
        rows, errors = await gather(
            request, latest_articles, "/articles/latest", _local_latest
        )
        if request.query.get("scope") == "local":
            return json_response(self, {"items": rows})
        if errors:
            log.warning("latest articles incomplete: %s", errors)
        rows.sort(key=lambda row: row["processed_at"], reverse=True)
        limit = request.query.get("limit")
        count = int(limit) if limit and limit.isdigit() else LATEST_ARTICLES
        return json_response(self, rows[:count])


