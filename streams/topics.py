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


def _topic(name: str, model: type[Event]) -> Any:
    # internal=True makes the worker create the topic at start with the configured
    # partition count, instead of leaving it to broker auto-creation (one partition).
    return app.topic(
        _settings.topic(name),
        key_type=str,
        key_serializer="raw",
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
mentions_topic = _topic("mentions", MentionEvent)
commenters_topic = _topic("commenter-activity", CommenterEvent)
