"""The latest articles as the dashboard lists them: a short summary each, newest first."""

from __future__ import annotations

from datetime import UTC
from pathlib import PurePath
from typing import TypedDict

from agents.counting import format_time
from streams.models import ArticleEvent

LATEST_ARTICLES = 20
ACTORS_PER_ARTICLE = 8



class ActorSummary(TypedDict):
    id: str
    name: str
    type: str
    mentions: int


class LatestArticle(TypedDict):
    """``latest-articles`` table: one entry of a files partition's list."""

    doc_id: str
    title: str
    outlet: str | None
    published: str | None
    name: str  # the file name
    word_count: int
    comment_count: int
    actors: list[ActorSummary]
    processed_at: str  # microseconds: the list is ordered by it


def article_summary(article: ArticleEvent) -> LatestArticle:
    """What the latest-articles list shows of an article: title, outlet, main actors."""
    actors = sorted(article.actors, key=lambda a: (-a.mentions, a.id))[:ACTORS_PER_ARTICLE]
    return {
        "doc_id": article.doc_id,
        "title": article.title,
        "outlet": article.outlet,
        "published": format_time(article.published) if article.published else None,
        "name": PurePath(article.source_path).name,
        "word_count": article.word_count,
        "comment_count": article.comment_count,
        "actors": [
            {"id": a.id, "name": a.name, "type": a.type, "mentions": a.mentions}
            for a in actors
        ],
        # Microseconds: the list is ordered by this, and several files arrive per second.
        "processed_at": article.processed_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }


def push_latest(
    items: list[LatestArticle] | None, summary: LatestArticle, limit: int = LATEST_ARTICLES
) -> list[LatestArticle]:
    """``summary`` first, then the others (without an older copy of it), at most ``limit``."""
    rest = [item for item in items or [] if item.get("doc_id") != summary["doc_id"]]
    return [summary, *rest][:limit]
