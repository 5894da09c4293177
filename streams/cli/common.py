"""What every ``newswire`` command shares: logging, flags passed as settings, help texts."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import click

from streams.settings import Settings

log = logging.getLogger("newswire")
BROKER_HELP = (
    "kafka://host:port (default: NEWSWIRE_BROKER, else the broker a running `newswire run` "
    "or `newswire broker` started on NEWSWIRE_DATA_DIR, else kafka://127.0.0.1:9092)"
)


_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_CONSOLE_LEVELS = (logging.WARNING, logging.INFO, logging.DEBUG)


def setup_logging(settings: Settings | None = None, process: str | None = None) -> Path | None:
    """Log to ``NEWSWIRE_DATA_DIR/logs/<process>.log`` at ``NEWSWIRE_LOG_LEVEL``; the
    terminal shows warnings and errors only (INFO with ``-v``, DEBUG with ``-vv``), so
    that what a command prints for people stays readable. The log file's path, if any."""
    root = logging.getLogger()
    root.handlers.clear()
    verbose = settings.verbose if settings else 0
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(_CONSOLE_LEVELS[verbose])
    if not verbose:
        console.addFilter(_passing_startup_noise)
    console.setFormatter(logging.Formatter(_FORMAT, datefmt="%H:%M:%S"))
    root.addHandler(console)
    path = None
    if settings is not None and process is not None:
        path = settings.data_dir / "logs" / f"{process}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        to_file = logging.FileHandler(path, encoding="utf-8")
        to_file.setFormatter(logging.Formatter(_FORMAT))
        to_file.setLevel(settings.log_level.upper())
        root.addHandler(to_file)
    root.setLevel(min(h.level for h in root.handlers))
    aiokafka = logging.getLogger("aiokafka")
    aiokafka.addFilter(_drop_connection_failures)
    logging.getLogger("aiokafka.conn").addFilter(_Once("Sending username and password"))
    return path


# What aiokafka and Faust report, at WARNING or ERROR, while a fresh broker creates topics
# and elects its group coordinator: retried by the client within seconds. Kept in the log
# file; shown with -v.
_STARTUP_NOISE = (
    "Failed fetch offsets from",
    "Group Coordinator Request failed",
    "Marking the coordinator dead",
    "Ignoring missing topic",
    "Topic %s not found in cluster metadata",
    "Topic {} not found in cluster metadata",
)


def _passing_startup_noise(record: logging.LogRecord) -> bool:
    """False for the transient complaints of a fresh broker's first seconds."""
    return not (record.name.startswith(("aiokafka", "faust"))
                and str(record.msg).startswith(_STARTUP_NOISE))


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


VERBOSE_HELP = "Show the libraries' INFO logs on the terminal (-vv: DEBUG) beside the log file"


def check_web_port(settings: Settings) -> None:
    """Stop at once, with what to do, when the web view's port is taken."""
    if not settings.web_enabled:
        return
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.web_host, settings.web_port))
        except OSError:
            raise click.ClickException(
                f"port {settings.web_port} of {settings.web_host} is taken (another newswire"
                " worker?): stop it, or give this one another port with --web-port"
            ) from None


def web_url(settings: Settings) -> str:
    """Where a person opens this worker's web view."""
    host = "127.0.0.1" if settings.web_host in ("0.0.0.0", "::", "") else settings.web_host
    return f"http://{host}:{settings.web_port}/"


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

