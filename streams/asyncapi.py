"""The public topics as an AsyncAPI 3 document: channels, message keys and payload
schemas, with examples, so that a consuming team can generate code and docs from it.

Payload schemas are the events' JSON Schemas (pydantic); their shared definitions are
gathered under ``components/schemas``. Examples are passed in (the CLI computes them
from the sample inbox with the pipeline's own functions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from streams.models import PUBLIC_EVENTS, Event
from streams.settings import Settings

ASYNCAPI_VERSION = "3.1.0"
KAFKA_BINDING = "0.5.0"
_REF = "#/components/schemas/{model}"

#: topic -> (what the key is, what one message is)
TOPICS: dict[str, tuple[str, str]] = {
    "files": ("doc_id: sha256 of the decoded text",
              "One accepted file, decoded to text (the watcher and `newswire send` write it)."),
    "articles": ("doc_id", "One parsed article, with the actors it and its thread mention."),
    "comments": ("doc_id (all comments of an article on one partition, in order)",
                 "One comment of an article's reader thread."),
    "actor-counts": ("actor id", "An actor's counts after a processed batch changed them: "
                     "rolling window and totals. At most one per actor and batch."),
    "rejected": ("source_path (or <newswire.files> for a bad files record)",
                 "A file or event that could not be processed, with a stable reason code."),
}


def _title(topic: str) -> str:
    return "".join(part.capitalize() for part in topic.split("-"))


def _schemas(models: Mapping[str, type[Event]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each topic's payload schema (a reference) and every schema they use."""
    components: dict[str, Any] = {}
    payloads: dict[str, Any] = {}
    for topic, model in models.items():
        schema = model.event_schema(ref_template=_REF)
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
        payloads[topic] = {"$ref": _REF.format(model=model.__name__)}
    return payloads, components


def _package_version() -> str:
    try:
        return version("newswire")
    except PackageNotFoundError:  # run from a source tree without installing
        return "0.0.0"


def _message(settings: Settings, topic: str, payload: dict[str, Any],
             examples: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The message of one topic: its key, payload schema and examples."""
    key, description = TOPICS[topic]
    name = _title(topic)
    return {
        "name": name,
        "title": settings.topic(topic),
        "summary": description,
        "contentType": "application/json",
        "payload": payload,
        "bindings": {"kafka": {"key": {"type": "string", "description": key},
                               "bindingVersion": KAFKA_BINDING}},
        "examples": [
            {"name": f"{topic}-{index}", "headers": {}, "payload": example,
             "summary": f"key: {example_key}"}
            for index, (example_key, example) in enumerate(examples, 1)
        ],
    }


def _channel(settings: Settings, topic: str) -> dict[str, Any]:
    """Where one topic's messages are, and how many partitions it has."""
    key, description = TOPICS[topic]
    name = _title(topic)
    return {
        "address": settings.topic(topic),
        "description": f"{description} Key: {key}.",
        "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        "bindings": {"kafka": {"topic": settings.topic(topic),
                               "partitions": settings.partitions,
                               "bindingVersion": KAFKA_BINDING}},
    }


def _operation(settings: Settings, topic: str) -> dict[str, Any]:
    name = _title(topic)
    return {
        "action": "send",
        "title": f"newswire publishes {settings.topic(topic)}",
        "channel": {"$ref": f"#/channels/{topic}"},
        "messages": [{"$ref": f"#/channels/{topic}/messages/{name}"}],
    }


def document(
    settings: Settings, examples: Mapping[str, Sequence[tuple[str, dict[str, Any]]]]
) -> dict[str, Any]:
    """The AsyncAPI document; ``examples``: topic -> [(key, payload)]."""
    payloads, components = _schemas(PUBLIC_EVENTS)
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "newswire",
            "version": _package_version(),
            "description": (
                "Press articles and their reader comment threads as streams of enriched "
                "events. JSON values (one event per message), string keys, times in ISO "
                "8601 UTC. Delivery is at least once: recognise articles by doc_id and "
                "comments by (doc_id, comment_id). Fields are added, never renamed."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "A broker started by `newswire broker` (or the one a "
                               "running `newswire run` names in its first lines).",
            },
        },
        "channels": {topic: _channel(settings, topic) for topic in TOPICS},
        "operations": {f"publish{_title(topic)}": _operation(settings, topic)
                       for topic in TOPICS},
        "components": {
            "messages": {
                _title(topic): _message(settings, topic, payloads[topic],
                                        examples.get(topic, ()))
                for topic in TOPICS
            },
            "schemas": components,
        },
    }
