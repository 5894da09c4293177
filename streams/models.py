"""Event models: one pydantic model per event type, the public contract of every topic.

Times are timezone-aware and serialised as ISO 8601 UTC. Fields are added, never renamed
or removed (docs/contract.md).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

from streams.reasons import Reason

ActorType = Literal["person", "organization", "country"]
Stage = Literal["watch", "decode", "parse", "process"]


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def dumps(obj: Any) -> bytes:
    """Serialise an event (or plain JSON data) as every topic carries it: orjson, UTC
    times with a Z."""
    if isinstance(obj, BaseModel):
        obj = obj.model_dump()
    return orjson.dumps(obj, option=orjson.OPT_UTC_Z)


class _MarkdownDescriptions(GenerateJsonSchema):
    """Descriptions in Markdown (``x`` of the docstrings becomes `x`), as AsyncAPI and
    JSON Schema tools render them."""

    def generate(self, schema: Any, mode: Any = "validation") -> JsonSchemaValue:
        described: JsonSchemaValue = _markdown(super().generate(schema, mode))
        return described


def _markdown(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: value.replace("``", "`") if key == "description" and
                isinstance(value, str) else _markdown(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_markdown(item) for item in node]
    return node


class Event(BaseModel):
    """Base of every event: frozen, unknown fields ignored (forward compatible)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    @classmethod
    def event_schema(cls, ref_template: str = "#/$defs/{model}") -> dict[str, Any]:
        """The JSON Schema consumers get (``newswire schemas``, the AsyncAPI document)."""
        return cls.model_json_schema(ref_template=ref_template,
                                     schema_generator=_MarkdownDescriptions)


class ActorMention(Event):
    """An actor and how many times one text mentions it."""

    id: str
    name: str
    type: ActorType
    mentions: int = Field(ge=1)


class ArticleActor(ActorMention):
    """An actor of an article: its mentions in the article's own text (headline and body)
    and in its comment thread; ``mentions`` is their sum."""

    article_mentions: int = Field(ge=0, description="In the headline and the body")
    comment_mentions: int = Field(ge=0, description="In the comments, quotes left out")


class QuoteRef(Event):
    """A passage of another comment (or of the article) quoted in a comment."""

    author: str
    text: str
    comment_id: str | None = Field(
        default=None, description="The quoted comment in the same thread, when found"
    )
    author_resolved: str | None = Field(
        default=None,
        description="Display name of the quoted comment's author (the quoted name may be a"
        " translation of it: 'amer' for 'Bitter'), when the quoted comment was found",
    )


class FileEvent(Event):
    """``newswire.files``: one accepted file, decoded to text. Key: doc_id."""

    doc_id: str = Field(description="sha256 of the decoded text")
    source_path: str
    name: str
    size: int = Field(ge=0, description="Size of the file in bytes")
    encoding: str
    text: str
    received_at: AwareDatetime


class ArticleEvent(Event):
    """``newswire.articles``: one parsed article with the actors it mentions. Key: doc_id."""

    doc_id: str
    source_path: str
    title: str
    title_derived: bool = False
    outlet: str | None
    published: AwareDatetime | None
    language: str
    text: str
    word_count: int
    comment_count: int
    comment_count_declared: int | None
    actors: list[ArticleActor] = Field(
        description="Every actor of the article and its thread, most mentioned first"
    )
    received_at: AwareDatetime | None = None
    processed_at: AwareDatetime


class CommentEvent(Event):
    """``newswire.comments``: one comment of an article's thread. Key: doc_id."""

    doc_id: str
    comment_id: str = Field(description='Ordinal path, e.g. "2.1.1"')
    parent_id: str | None
    depth: int = Field(ge=1, description="1 for a top-level comment")
    author: str | None
    author_handle: str | None
    posted_at: AwareDatetime | None
    score: int | None
    text: str
    quotes: list[QuoteRef]
    actors: list[ActorMention]


class ActorCountEvent(Event):
    """``newswire.actor-counts``: an actor's counts after a change. Key: actor id.

    ``mentions``, ``articles`` and ``comments`` cover the rolling window
    [window_start, window_end) that ends with the newest bucket the change touched;
    ``total_mentions`` counts since the start.
    """

    actor: str
    name: str
    type: ActorType
    window_start: AwareDatetime
    window_end: AwareDatetime
    mentions: int
    articles: int
    comments: int
    total_mentions: int
    total_articles: int = 0
    total_comments: int = 0
    updated_at: AwareDatetime
    merged_into: str | None = Field(
        default=None,
        description="Set on the last event of a short name merged into a full one"
        " ('attal' into 'gabriel-attal'): its counts are the full name's from now on",
    )


class RejectedEvent(Event):
    """``newswire.rejected``: a file or event that could not be processed. Key: source_path."""

    source_path: str
    doc_id: str | None
    stage: Stage
    reason: Reason = Field(description="Stable machine code (docs/contract.md lists them)")
    detail: str = Field(description="For people: what was wrong and what to do")
    at: AwareDatetime


class BucketCount(Event):
    """Counts of one actor in one document that fall in one time bucket."""

    start: AwareDatetime
    mentions: int = 0
    articles: int = 0
    comments: int = 0


class Source(Event):
    """Where in ``newswire.files`` the document behind an internal event was read.

    Replaying a files event yields the same position; the counting agents use it to
    apply each document's share to each table key exactly once.
    """

    partition: int
    offset: int


class MentionEvent(Event):
    """One document's mentions of one actor, an item of a :class:`MentionBatch`."""

    doc_id: str
    source: Source
    actor: str
    key: str | None = Field(
        default=None,
        description="The table key it counts under when not the actor's id: the surname"
        " group of a person NER found ('surname:attal')",
    )
    name: str
    type: ActorType
    article_mentions: int
    comment_mentions: int
    article: bool = Field(description="The article text mentions the actor")
    comments: int = Field(description="Comments of the document that mention the actor")
    buckets: list[BucketCount]


class CommenterEvent(Event):
    """One document's activity of one commenter, an item of a :class:`CommenterBatch`."""

    doc_id: str
    source: Source
    commenter: str = Field(description="Normalised key of the commenter")
    name: str
    handle: str | None
    comments: int
    replies_received: int
    score_sum: int
    last_posted_at: AwareDatetime | None


class MentionBatch(Event):
    """Internal ``newswire.mentions``: mentions whose actors share one partition.

    Sent to the partition of its actors' keys, so every update of an actor lands on
    one partition and the per-actor table stays right with several workers; one record
    carries the mentions of every document of a processed batch, in files order.
    """

    mentions: list[MentionEvent]


class CommenterBatch(Event):
    """Internal ``newswire.commenter-activity``: activity of commenters sharing one partition."""

    activities: list[CommenterEvent]


class Malformed(BaseModel):
    """What the codec yields for bytes that are not a valid event: the agent rejects it."""

    model_config = ConfigDict(frozen=True)

    raw: bytes
    error: str


PUBLIC_EVENTS: dict[str, type[Event]] = {
    "files": FileEvent,
    "articles": ArticleEvent,
    "comments": CommentEvent,
    "actor-counts": ActorCountEvent,
    "rejected": RejectedEvent,
}
