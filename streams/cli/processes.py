"""The pipeline's processes one by one: worker, watcher, sender, broker, and a topic reader."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from streams.cli.common import (
    BROKER_HELP,
    FAST_HELP,
    VERBOSE_HELP,
    check_web_port,
    export,
    load_settings,
    local_kafka,
    setup_logging,
    wait_for_signal,
    web_url,
)
from streams.cli.pipeline import check_ner
from streams.cli.run import print_sent, watch_inbox
from streams.settings import TOPICS, Settings, record_running_broker


@click.command()
@click.option("--broker", help=BROKER_HELP)
@click.option("--web-port", type=int, help="Port of this worker's web view (default 6066)")
@click.option("--loglevel", "-l", default=None, help="Level of the log file (default info)")
@click.option("--fast", is_flag=True, help=FAST_HELP)
@click.option("--verbose", "-v", count=True, help=VERBOSE_HELP)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but warnings and errors")
def worker(broker: str | None, web_port: int | None, loglevel: str | None, fast: bool,
           verbose: int, quiet: bool) -> None:
    """A Faust worker (the same as ``faust -A streams.app worker``)."""
    export(broker=broker, web_port=web_port, ner="0" if fast else None, log_level=loglevel,
           verbose=verbose or None)
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log_file = setup_logging(settings, "worker")
    check_web_port(settings)
    if not quiet:
        click.echo(f"newswire worker: web view {web_url(settings)} once ready; log {log_file};"
                   " Ctrl-C stops it")
    check_ner(settings)  # with NEWSWIRE_NER: a missing model stops us here, clearly
    from streams.sender import BrokerUnavailable, ensure_topics, wait_for_broker

    async def prepare() -> None:
        await wait_for_broker(settings)  # one line per attempt, not aiokafka's tracebacks
        await ensure_topics(settings)  # before Faust subscribes to them

    try:
        asyncio.run(prepare())
    except BrokerUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    from streams.app import app

    # Faust's banner and spinner only with -v: the log file has what they say.
    sys.argv = ["newswire worker", *([] if settings.verbose else ["--quiet"]), "worker"]
    app.main()


@click.command()
@click.argument("inbox", type=click.Path(file_okay=False, path_type=Path))
@click.option("--broker", help=BROKER_HELP)
@click.option("--verbose", "-v", count=True, help=VERBOSE_HELP)
def watch(inbox: Path, broker: str | None, verbose: int) -> None:
    """The directory producer alone: send INBOX's files, then new ones as they appear."""
    export(inbox=inbox, broker=broker, verbose=verbose or None)
    settings = load_settings()
    log_file = setup_logging(settings, "watcher")

    def connected() -> None:
        click.echo(f"newswire watch: {settings.inbox.absolute()} to {settings.broker_url};"
                   f" log {log_file}; Ctrl-C stops it")

    asyncio.run(watch_inbox(settings, report=print_sent, connected=connected))


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--broker", help=BROKER_HELP)
def send(files: Sequence[Path], broker: str | None) -> None:
    """Push the given files once (no ledger: sending twice is safe, documents are deduplicated)."""
    export(broker=broker)
    setup_logging()
    asyncio.run(_send(load_settings(), list(files)))


async def _send(settings: Settings, files: list[Path]) -> None:
    from rich.progress import Progress

    from streams.ingest import read_document
    from streams.models import FileEvent
    from streams.sender import BrokerUnavailable, Sender

    sender = Sender(settings)
    try:
        await sender.start(wait=30)
    except BrokerUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    sent = rejected = failed = 0
    try:
        with Progress(disable=len(files) < 20 or not sys.stderr.isatty(), transient=True) as bar:
            task = bar.add_task("sending", total=len(files))
            for start in range(0, len(files), 256):
                batch = [
                    read_document(path, max_bytes=settings.max_file_bytes)
                    for path in files[start : start + 256]
                ]
                for event, ok in zip(batch, await sender.send_all(batch), strict=True):
                    if not ok:
                        failed += 1
                    elif isinstance(event, FileEvent):
                        sent += 1
                    else:
                        rejected += 1
                        click.echo(f"rejected {event.source_path}: {event.reason}: {event.detail}",
                                   err=True)
                bar.update(task, advance=len(batch))
    finally:
        await sender.stop()
    click.echo(f"{sent} sent, {rejected} rejected, {failed} failed", err=True)
    if failed:
        raise SystemExit(1)




@click.command()
@click.option("--kafka", "use_kafka", is_flag=True,
              help="A local single-node Apache Kafka (JDK) with its data under NEWSWIRE_DATA_DIR")
@click.option("--port", type=int, default=None, help="Port (default 9092; --kafka: kept)")
def broker(use_kafka: bool, port: int | None) -> None:
    """The embedded broker alone (memory only), or Apache Kafka with --kafka, until Ctrl-C."""
    from streams.broker import EmbeddedBroker
    from streams.settings import DEFAULT_EMBEDDED_PORT

    setup_logging()
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    server: Any
    if use_kafka:
        server = local_kafka(settings, port)
        kind = f"Apache Kafka (data in {server.data_dir})"
    else:
        server = EmbeddedBroker(port=port or settings.embedded_port or DEFAULT_EMBEDDED_PORT)
        kind = "embedded broker (memory only)"
    server.start()
    marker = record_running_broker(settings.data_dir, server.url)
    click.echo(f"{kind} at {server.url}; Ctrl-C stops it")
    try:
        wait_for_signal()
    finally:
        server.stop()
        marker.unlink(missing_ok=True)




@click.command()
@click.argument("topic")
@click.option("--broker", help=BROKER_HELP)
@click.option("--follow", "-f", is_flag=True, help="Keep waiting for new events")
@click.option("--idle", default=3.0, show_default=True, help="Stop after this many quiet seconds")
@click.option("--max", "limit", type=int, default=None, help="Stop after this many events")
def tail(topic: str, broker: str | None, follow: bool, idle: float, limit: int | None) -> None:
    """Print a topic's events from the beginning as JSON lines (TOPIC: full or short name)."""
    export(broker=broker)
    setup_logging()
    settings = load_settings()
    name = topic if topic.startswith(settings.topic_prefix) else settings.topic(topic)
    asyncio.run(_tail(settings, name, follow, idle, limit))


async def _tail(
    settings: Settings, topic: str, follow: bool, idle: float, limit: int | None
) -> None:
    from aiokafka import AIOKafkaConsumer

    from streams.sender import BrokerUnavailable, client_options, wait_for_broker

    try:
        await wait_for_broker(settings, wait=10.0)
    except BrokerUnavailable as exc:
        raise click.ClickException(
            f"{exc} (give the address with --broker or NEWSWIRE_BROKER)") from None
    consumer = AIOKafkaConsumer(
        **client_options(settings), group_id=None, auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    # Asked before subscribing: a subscription's metadata request would create the topic.
    if not follow and topic not in await consumer.topics():
        await consumer.stop()
        raise click.ClickException(
            f"no topic {topic} on {settings.broker_url} (yet?); newswire's topics: "
            f"{', '.join(TOPICS)} (short names; -f waits for a topic not there yet)")
    consumer.subscribe([topic])
    count = 0
    last = time.monotonic()
    out = sys.stdout.buffer
    try:
        while follow or time.monotonic() - last < idle:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    out.write((record.value or b"null") + b"\n")
                    count += 1
                    last = time.monotonic()
                    if limit is not None and count >= limit:
                        out.flush()
                        return
            out.flush()
    finally:
        await consumer.stop()


