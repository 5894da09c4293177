"""From an accepted file to every event it yields: the one function the agent, ``newswire
parse`` and ``newswire eval`` share.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from agents.counting import bucket_start
from agents.counting.groups import group_key
from agents.extraction.actors import Actor, Gazetteer
from agents.extraction.document import find_actors
from agents.parsing.models import Comment, Document
from agents.parsing.page import parse_document
from streams.models import (
    ActorMention,
    ArticleActor,
    ArticleEvent,
    BucketCount,
    CommenterEvent,
    CommentEvent,
    FileEvent,
    MentionEvent,
    QuoteRef,
    Source,
    utcnow,
)

if TYPE_CHECKING:  # spaCy is optional: the recogniser module imports it only when used
    from agents.extraction.ner import EntityRecognizer

# Offline parsing (newswire parse / eval) has no position in newswire.files.
NO_SOURCE = Source(partition=-1, offset=-1)

# An event time this far after the file arrived is a misparse, not the future.
_FUTURE_SLACK = timedelta(days=1)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Enriched:
    """Everything one document yields."""

    article: ArticleEvent
    comments: list[CommentEvent]
    mentions: list[MentionEvent] = field(default_factory=list)
    commenters: list[CommenterEvent] = field(default_factory=list)


def commenter_key(name: str) -> str:
    """Normalised commenter identity: case and spacing do not make a new person."""
    return _SPACES.sub(" ", name).strip().casefold()


def enrich(
    file: FileEvent,
    gazetteer: Gazetteer,
    *,
    bucket_seconds: int = 3600,
    now: datetime | None = None,
    source: Source = NO_SOURCE,
    ner: EntityRecognizer | None = None,
) -> Enriched:
    """Parse a file's text, recognise actors, and build its events.

    ``source`` is the files event's position, carried by the internal events so that
    counting stays exact when a document is processed again after a failure. With
    ``ner``, persons and organisations the gazetteer does not know count too.
    """
    processed_at = now or utcnow()
    document = parse_document(file.text)
    article = document.article
    reference = _reference_date(document, file.received_at)

    headline = "" if article.title_derived else (article.headline or article.title)
    texts = [f"{headline}\n\n{article.body}", *(c.text for c in document.comments)]
    found = find_actors(texts, reference, gazetteer, ner, _not_actors(document))

    def actor(actor_id: str) -> Actor | None:
        return found.actor(gazetteer, actor_id)

    article_counts, comment_counts = found.counts[0], found.counts[1:]

    article_time = _event_time(article.published, file.received_at)
    comment_events = _comment_events(file.doc_id, document.comments, comment_counts, actor)
    article_event = _article_event(
        file, document, headline, article_counts, sum(comment_counts, Counter()), actor,
        processed_at,
    )
    mentions = _mentions(
        file,
        actor,
        {actor_id: group_key(actor_id) for actor_id, new in found.new.items()
         if new.type == "person"},
        article_counts,
        article_time,
        [(_event_time(c.posted_at, file.received_at, article_time), found_in)
         for c, found_in in zip(document.comments, comment_counts, strict=True)],
        bucket_seconds,
        source,
    )
    return Enriched(
        article=article_event,
        comments=comment_events,
        mentions=mentions,
        commenters=_commenters(file.doc_id, source, document.comments),
    )


def _article_event(
    file: FileEvent,
    document: Document,
    headline: str,
    article_counts: Counter[str],
    comment_total: Counter[str],
    actor: Callable[[str], Actor | None],
    processed_at: datetime,
) -> ArticleEvent:
    """The article's event: its text, its counts, and the actors it and its thread name."""
    return ArticleEvent(
        doc_id=file.doc_id,
        source_path=file.source_path,
        title=document.article.title,
        title_derived=document.article.title_derived,
        outlet=document.article.outlet,
        published=document.article.published,
        language=document.article.language,
        text=document.article.body,
        word_count=len(headline.split()) + len(document.article.body.split()),
        comment_count=len(document.comments),
        comment_count_declared=document.comment_count_declared,
        actors=_article_actors(article_counts, comment_total, actor),
        received_at=file.received_at,
        processed_at=processed_at,
    )


def _comment_events(
    doc_id: str,
    comments: Sequence[Comment],
    counts: Sequence[Counter[str]],
    actor: Callable[[str], Actor | None],
) -> list[CommentEvent]:
    """One event per comment, with its quotes and the actors it mentions."""
    authors = {c.comment_id: c.author for c in comments}
    return [
        CommentEvent(
            doc_id=doc_id,
            comment_id=c.comment_id,
            parent_id=c.parent_id,
            depth=c.depth,
            author=c.author,
            author_handle=c.author_handle,
            posted_at=c.posted_at,
            score=c.score,
            text=c.text,
            quotes=_quotes(c, authors),
            actors=_actor_list(found_in, actor),
        )
        for c, found_in in zip(comments, counts, strict=True)
    ]


def _quotes(comment: Comment, authors: Mapping[str, str | None]) -> list[QuoteRef]:
    """A comment's quotes, each with the display name of the commenter it quotes, if known.

    "Citation: amer" names the user "Bitter" in translation: the parser found the quoted
    comment by its passage, and that comment's author is the one quoted.
    """
    return [
        QuoteRef(
            author=quote.author,
            text=quote.text,
            comment_id=quote.comment_id,
            author_resolved=authors.get(quote.comment_id) if quote.comment_id else None,
        )
        for quote in comment.quotes
    ]


def _not_actors(document: Document) -> set[str]:
    """Names in a document that NER must not make actors of: commenters and the outlet."""
    names = {document.article.outlet or ""}
    for comment in document.comments:
        names.update((comment.author or "", comment.author_handle or ""))
        names.update(quote.author for quote in comment.quotes)
    names.discard("")
    return names


def _reference_date(document: Document, received_at: datetime) -> date:
    """The date role phrases are resolved at: publication, else first comment, else arrival."""
    if document.article.published is not None:
        return document.article.published.date()
    posted = [c.posted_at for c in document.comments if c.posted_at is not None]
    return min(posted).date() if posted else received_at.date()


def _event_time(
    ts: datetime | None, received_at: datetime, fallback: datetime | None = None
) -> datetime:
    if ts is None or ts > received_at + _FUTURE_SLACK:
        return fallback or received_at
    return ts


def _actor_list(
    counts: Mapping[str, int], lookup: Callable[[str], Actor | None]
) -> list[ActorMention]:
    mentions = []
    for actor_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        actor = lookup(actor_id)
        if actor is not None and count > 0:
            mentions.append(
                ActorMention(id=actor.id, name=actor.name, type=actor.type, mentions=count)
            )
    return mentions


def _article_actors(
    in_article: Mapping[str, int],
    in_comments: Mapping[str, int],
    lookup: Callable[[str], Actor | None],
) -> list[ArticleActor]:
    """Every actor of an article and its thread, most mentioned first, each with its
    mentions in the article's own text and in the comments."""
    actors = []
    for actor_id in set(in_article) | set(in_comments):
        actor = lookup(actor_id)
        own, thread = in_article.get(actor_id, 0), in_comments.get(actor_id, 0)
        if actor is not None and own + thread > 0:
            actors.append(ArticleActor(
                id=actor.id, name=actor.name, type=actor.type, mentions=own + thread,
                article_mentions=own, comment_mentions=thread,
            ))
    actors.sort(key=lambda item: (-item.mentions, item.id))
    return actors


def _mentions(
    file: FileEvent,
    lookup: Callable[[str], Actor | None],
    keys: Mapping[str, str],
    article_counts: Mapping[str, int],
    article_time: datetime,
    comments: Iterable[tuple[datetime, Mapping[str, int]]],
    bucket_seconds: int,
    source: Source,
) -> list[MentionEvent]:
    """One event per actor the document mentions, its counts split into buckets; those
    of a person NER found count under its surname group (``keys``)."""
    buckets: dict[str, dict[datetime, list[int]]] = defaultdict(dict)
    comment_mentions: Counter[str] = Counter()
    comments_with: Counter[str] = Counter()

    def add(actor: str, start: datetime, mentions: int, articles: int, comments: int) -> None:
        cell = buckets[actor].setdefault(start, [0, 0, 0])
        cell[0] += mentions
        cell[1] += articles
        cell[2] += comments

    article_bucket = bucket_start(article_time, bucket_seconds)
    for actor_id, count in article_counts.items():
        add(actor_id, article_bucket, count, 1, 0)
    for posted_at, counts in comments:
        if not counts:
            continue
        comment_bucket = bucket_start(posted_at, bucket_seconds)
        for actor_id, count in counts.items():
            add(actor_id, comment_bucket, count, 0, 1)
            comment_mentions[actor_id] += count
            comments_with[actor_id] += 1

    events = []
    for actor_id in sorted(buckets):
        actor = lookup(actor_id)
        if actor is None:
            continue
        events.append(
            MentionEvent(
                doc_id=file.doc_id,
                source=source,
                actor=actor.id,
                key=keys.get(actor_id),
                name=actor.name,
                type=actor.type,
                article_mentions=article_counts.get(actor_id, 0),
                comment_mentions=comment_mentions[actor_id],
                article=article_counts.get(actor_id, 0) > 0,
                comments=comments_with[actor_id],
                buckets=[
                    BucketCount(start=start, mentions=m, articles=a, comments=c)
                    for start, (m, a, c) in sorted(buckets[actor_id].items())
                ],
            )
        )
    return events


@dataclass(slots=True)
class _Activity:
    name: str
    handle: str | None
    comments: int = 0
    replies: int = 0
    score: int = 0
    last: datetime | None = None


def _commenters(
    doc_id: str, source: Source, comments: Iterable[Comment]
) -> list[CommenterEvent]:
    """Per-commenter activity in one thread: comments written, replies received, scores."""
    authors: dict[str, str] = {}
    activity: dict[str, _Activity] = {}
    for comment in comments:
        if comment.author:
            key = commenter_key(comment.author)
            authors[comment.comment_id] = key
            record = activity.setdefault(key, _Activity(comment.author, comment.author_handle))
            record.comments += 1
            record.score += comment.score or 0
            if comment.posted_at and (record.last is None or comment.posted_at > record.last):
                record.last = comment.posted_at
        parent_key = authors.get(comment.parent_id) if comment.parent_id else None
        if parent_key is not None:
            activity[parent_key].replies += 1
    return [
        CommenterEvent(
            doc_id=doc_id,
            source=source,
            commenter=key,
            name=record.name,
            handle=record.handle,
            comments=record.comments,
            replies_received=record.replies,
            score_sum=record.score,
            last_posted_at=record.last,
        )
        for key, record in activity.items()
    ]
