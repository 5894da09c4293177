"""What every ``newswire`` command shares: logging, flags passed as settings, help texts."""

from __future__ import annotations

import logging
import os
import signal
import time
from typing import Any

import click

from streams.settings import Settings

log = logging.getLogger("newswire")
BROKER_HELP = (
    "kafka://host:port (default: NEWSWIRE_BROKER, else the broker a running `newswire run` "
    "or `newswire broker` started on NEWSWIRE_DATA_DIR, else kafka://127.0.0.1:9092)"
)


def setup_logging(level: str = "info") -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    aiokafka = logging.getLogger("aiokafka")
    aiokafka.setLevel(logging.WARNING)
    aiokafka.addFilter(_drop_connection_failures)
    logging.getLogger("aiokafka.conn").addFilter(_Once("Sending username and password"))


def _drop_connection_failures(record: logging.LogRecord) -> bool:
    """aiokafka logs every failed connection attempt and bootstrap request; the retry
    loops of newswire already say, in one line, which address is unreachable and why.
    Everything else it reports (a fetcher or coordinator failure) is kept."""
    return not str(record.msg).startswith(("Unable connect", "Unable to request metadata"))


class _Once(logging.Filter):
    """Let a message that starts with ``prefix`` through once per process (aiokafka
    warns of SASL/PLAIN over plaintext at every new connection)."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix
        self.seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(self.prefix):
            return True
        first, self.seen = not self.seen, True
        return first


FAST_HELP = ("Gazetteer only: no NER for unknown names (NEWSWIRE_NER=0); several times"
              " faster, for feeds on the corpus's known world")


def export(**values: Any) -> None:
    """Pass flags to the settings (and to child processes) as NEWSWIRE_* variables."""
    for name, value in values.items():
        if value is not None:
            os.environ[f"NEWSWIRE_{name.upper()}"] = str(value)


def load_settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's message names the variable and the problem
        raise click.ClickException(f"bad configuration: {exc}") from None



def local_kafka(settings: Settings, port: int | None = None) -> Any:
    from streams.local_kafka import KafkaPrerequisiteError, LocalKafka, check_prerequisites

    try:
        check_prerequisites()
    except KafkaPrerequisiteError as exc:
        raise click.ClickException(str(exc)) from None
    return LocalKafka(
        settings.data_dir / "kafka", port=port, partitions=settings.partitions
    )



def wait_for_signal() -> None:
    received: list[int] = []

    def handler(signum: int, frame: object) -> None:
        received.append(signum)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    while not received:
        time.sleep(0.2)

