"""The producer side shared by the watcher and ``newswire send``: connect, send, confirm."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

from streams.broker import CredentialsRefused, NotPlaintext, cluster_id_of
from streams.codecs import dumps
from streams.models import FileEvent, RejectedEvent
from streams.settings import Settings

log = logging.getLogger("newswire.producer")

# Headroom for the JSON envelope around a file's text (and its growth when a legacy
# encoding becomes UTF-8).
_ENVELOPE = 64 * 1024


class BrokerUnavailable(RuntimeError):
    """The broker did not answer within the allowed time."""


def client_options(settings: Settings) -> dict[str, Any]:
    """aiokafka connection options (bootstrap, SASL/SSL) from the settings."""
    options: dict[str, Any] = {"bootstrap_servers": settings.bootstrap_servers}
    if settings.security_protocol != "PLAINTEXT":
        creds = settings.broker_credentials()
        options["security_protocol"] = settings.security_protocol
        options["ssl_context"] = getattr(creds, "ssl_context", None) or getattr(
            creds, "context", None
        )
        if settings.security_protocol.startswith("SASL"):
            options["sasl_mechanism"] = settings.sasl_mechanism
            options["sasl_plain_username"] = settings.sasl_username
            options["sasl_plain_password"] = (
                settings.sasl_password.get_secret_value() if settings.sasl_password else None
            )
    return options


def _retrying(settings: Settings, wait: float) -> AsyncRetrying:
    """Exponential backoff (0.5 s doubling up to 10 s), one warning line per failure."""
    address = settings.bootstrap_servers
    return AsyncRetrying(
        stop=stop_after_delay(wait),
        wait=wait_exponential(multiplier=0.5, max=10),
        retry=retry_if_exception_type((KafkaError, OSError)),
        before_sleep=lambda state: log.warning(
            "broker %s not reachable (%s); retrying in %.1f s",
            address,
            _why(state.outcome.exception()) if state.outcome else "?",
            state.next_action.sleep if state.next_action else 0,
        ),
        reraise=True,
    )


def _why(exc: BaseException | None) -> str:
    """A failed attempt in a few words: the exception's name, or its diagnosis."""
    return str(exc.args[0]) if isinstance(exc, NotPlaintext) else type(exc).__name__


async def wait_for_broker(settings: Settings, wait: float = 300.0) -> str:
    """Wait until the configured broker answers; its cluster id. Raises BrokerUnavailable
    at once if the broker refuses the credentials or the TLS handshake fails."""
    try:
        async for attempt in _retrying(settings, wait):
            with attempt:
                return await cluster_id_of(client_options(settings))
    except CredentialsRefused as exc:
        check = ("NEWSWIRE_SSL_CAFILE, NEWSWIRE_SSL_CERTFILE and NEWSWIRE_SSL_KEYFILE"
                 if exc.tls else
                 "NEWSWIRE_SASL_MECHANISM, NEWSWIRE_SASL_USERNAME and NEWSWIRE_SASL_PASSWORD")
        raise BrokerUnavailable(f"{exc}: check {check}") from None
    except (KafkaError, OSError) as exc:
        raise _unreachable(settings, exc) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _unreachable(settings: Settings, exc: BaseException) -> BrokerUnavailable:
    return BrokerUnavailable(
        f"cannot reach the broker at {settings.bootstrap_servers} ({_why(exc)}); "
        "is it running?"
    )


async def ensure_topics(settings: Settings, wait: float = 30.0) -> None:
    """Create newswire's topics with the configured partition count, if missing, and
    wait until the broker describes every one with a leader for each partition.

    Whoever starts first must not leave creation to the broker's auto-creation (one
    partition), and a Faust worker must not subscribe before its topics exist: a topic
    missing from the metadata at subscription time is ignored ("Ignoring missing
    topic") until the next metadata refresh, minutes later.
    """
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        names = settings.all_topics()
        missing = [t for t in names if t not in set(await admin.list_topics())]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics([NewTopic(t, settings.partitions, 1) for t in missing])
        deadline = asyncio.get_running_loop().time() + wait
        while True:
            described = await admin.describe_topics(names)
            ready = [
                d for d in described
                if not d.get("error_code") and d["partitions"]
                and all(p.get("leader", -1) >= 0 for p in d["partitions"])
            ]
            if len(ready) == len(names):
                return
            if asyncio.get_running_loop().time() > deadline:
                raise KafkaError(f"topics not ready after {wait:.0f} s: {names}")
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


class Sender:
    """An acks=all producer for files and rejections that knows the cluster it talks to."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.files_topic = settings.topic("files")
        self.rejected_topic = settings.topic("rejected")
        self._producer: AIOKafkaProducer | None = None
        self.cluster_id: str = ""

    async def start(self, wait: float = 300.0) -> None:
        """Connect, retrying with exponential backoff; one log line per failed attempt."""
        self.cluster_id = await wait_for_broker(self.settings, wait)
        try:
            async for attempt in _retrying(self.settings, wait):
                with attempt:
                    await self._connect()
        except (KafkaError, OSError) as exc:
            raise _unreachable(self.settings, exc) from None

    async def _connect(self) -> None:
        options = client_options(self.settings)
        await ensure_topics(self.settings)
        producer = AIOKafkaProducer(
            **options,
            acks="all",
            linger_ms=5,
            max_request_size=self.settings.max_file_bytes * 2 + _ENVELOPE,
            request_timeout_ms=30_000,
            retry_backoff_ms=200,
        )
        try:
            await producer.start()
            await self._agree_on_partitions(producer, options)
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer

    async def _agree_on_partitions(
        self, producer: AIOKafkaProducer, options: dict[str, Any], wait: float = 15.0
    ) -> None:
        """Wait until the producer sees every partition of the files topic.

        Right after a topic is created, metadata may still show fewer partitions; a
        doc_id hashed over that count would land on another partition than the same
        doc_id later, and the worker finds duplicates on a doc_id's partition.
        """
        admin = AIOKafkaAdminClient(**options)
        await admin.start()
        try:
            [description] = await admin.describe_topics([self.files_topic])
            expected = len(description["partitions"])
        finally:
            await admin.close()
        deadline = asyncio.get_running_loop().time() + wait
        while len(await producer.partitions_for(self.files_topic)) < expected:
            if asyncio.get_running_loop().time() > deadline:
                raise KafkaError(f"{self.files_topic}: metadata never showed {expected} partitions")
            producer.client.force_metadata_update()
            await asyncio.sleep(0.2)

    async def stop(self) -> None:
        """Flush and close the producer."""
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def send_all(self, events: Sequence[FileEvent | RejectedEvent]) -> list[bool]:
        """Send events and wait for the broker's acknowledgement of each (acks=all)."""
        assert self._producer is not None, "start() first"
        futures: list[asyncio.Future[Any]] = []
        for event in events:
            if isinstance(event, FileEvent):
                topic, key = self.files_topic, event.doc_id
            else:
                topic, key = self.rejected_topic, event.source_path
            try:
                futures.append(await self._producer.send(topic, dumps(event), key=key.encode()))
            except KafkaError as exc:
                failed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
                failed.set_exception(exc)
                futures.append(failed)
        results = await asyncio.gather(*futures, return_exceptions=True)
        ok = []
        for event, result in zip(events, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("not acknowledged: %s (%s)", event.source_path, result)
            ok.append(not isinstance(result, BaseException))
        return ok
