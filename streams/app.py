"""The Faust application, built by a factory from :class:`~streams.settings.Settings`.

Agents and web views register themselves through autodiscovery, and the worker class
installs the background tasks (:mod:`streams.background`); this module imports none of
them, so ``faust -A streams.app worker`` and ``newswire worker`` run the same worker.
"""

from __future__ import annotations

import socket
from datetime import timedelta

import faust

from streams.settings import Settings, get_settings


def advertised_web_host(settings: Settings) -> str:
    """The host other workers use to reach this one's web view (for table routing)."""
    if settings.web_advertised_host:
        return settings.web_advertised_host
    if settings.web_host in ("0.0.0.0", "::", ""):
        return socket.gethostname()
    return settings.web_host


def create_app(settings: Settings) -> faust.App:
    """Build the Faust app for these settings (no I/O: nothing connects until it starts)."""
    return faust.App(
        settings.app_id,
        broker=settings.broker_url,
        broker_credentials=settings.broker_credentials(),
        autodiscover=["agents", "streams.web"],
        origin="streams",
        datadir=str(settings.data_dir / "worker"),
        store=settings.store,
        topic_partitions=settings.partitions,
        topic_replication_factor=1,
        topic_allow_declare=True,
        key_serializer="raw",
        value_serializer="orjson",
        producer_acks=-1,
        producer_linger=0.05,
        producer_max_batch_size=1024 * 1024,
        # A files event carries a whole document's text.
        producer_max_request_size=settings.max_file_bytes * 2 + 64 * 1024,
        consumer_auto_offset_reset="earliest",
        broker_rebalance_timeout=settings.rebalance_timeout,
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=min(3.0, settings.session_timeout / 3),
        broker_commit_interval=1.0,
        # At-least-once delivery, exactly-once counting: every table value carries the
        # position of the last document it counted (agents.counting), so a document
        # processed again after a crash or rebalance changes nothing. Faust's
        # exactly_once mode is not used: its transactional producers are chosen by
        # destination partition, which fails when an agent re-keys events to a
        # partition another worker owns ("No transaction producer found").
        processing_guarantee="at_least_once",
        Worker="streams.faust_fixes.worker:Worker",
        # One copy of each table partition per worker: a local listing then holds
        # only the keys this worker owns, and the web view merges workers' listings.
        table_standby_replicas=0,
        table_cleanup_interval=60.0,
        stream_recovery_delay=0.0,
        web_enabled=settings.web_enabled,
        web_bind=settings.web_host,
        web_host=advertised_web_host(settings),
        web_port=settings.web_port,
        web_transport="tcp://",
        logging_config=None,
        timezone=None,
        worker_redirect_stdouts=False,
        web_cors_options=None,
        recovery_consistency_check=False,
        producer_request_timeout=timedelta(seconds=120),
    )


app = create_app(get_settings())
