"""Every topic newswire reads or writes, declared once, each with its event model's codec."""

from __future__ import annotations

from typing import Any

from streams.app import app
from streams.codecs import ModelCodec
from streams.models import (
    ActorCountEvent,
    ArticleEvent,
    CommenterEvent,
    CommentEvent,
    Event,
    FileEvent,
    MentionEvent,
    RejectedEvent,
)
from streams.settings import get_settings

_settings = get_settings()


def _topic(name: str, model: type[Event], key_serializer: str = "raw") -> Any:
    # internal=True makes the worker create the topic at start with the configured
    # partition count, instead of leaving it to broker auto-creation (one partition).
    return app.topic(
        _settings.topic(name),
        key_type=str,
        key_serializer=key_serializer,
        value_serializer=ModelCodec(model),
        partitions=_settings.partitions,
        internal=True,
    )


files_topic = _topic("files", FileEvent)
articles_topic = _topic("articles", ArticleEvent)
comments_topic = _topic("comments", CommentEvent)
actor_counts_topic = _topic("actor-counts", ActorCountEvent)
rejected_topic = _topic("rejected", RejectedEvent)
# Internal re-keying topics: one event per (document, actor) keyed by actor, and per
# (document, commenter) keyed by commenter, so each key's counts live on one partition.
# Their keys are serialised like the tables' keys (Faust's "json" for str keys): Faust's
# table routing hashes a key that way, so events must be partitioned the same way.
mentions_topic = _topic("mentions", MentionEvent, key_serializer="json")
commenters_topic = _topic("commenter-activity", CommenterEvent, key_serializer="json")


@app.task  # type: ignore[untyped-decorator]
async def declare_output_topics() -> None:
    """Create the topics agents only write to (Faust declares the ones they read)."""
    for topic in (articles_topic, comments_topic, actor_counts_topic, rejected_topic):
        await topic.maybe_declare()
