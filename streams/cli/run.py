"""``newswire run``: broker, worker, watcher and web view in one command."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from streams.cli.common import (
    FAST_HELP,
    export,
    load_settings,
    local_kafka,
    log,
    setup_logging,
)
from streams.settings import Settings, record_running_broker


@click.command()
@click.argument("inbox", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--broker", help="kafka://host:port of a running broker (default: embedded)")
@click.option(
    "--kafka", "use_kafka", is_flag=True,
    help="Run a local Apache Kafka (JDK) with its data under NEWSWIRE_DATA_DIR (durable)",
)
@click.option("--web-port", type=int, help="Port of the web view (default 6066)")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--fast", is_flag=True, help=FAST_HELP)
def run(
    inbox: Path | None,
    broker: str | None,
    use_kafka: bool,
    web_port: int | None,
    data_dir: Path | None,
    fast: bool,
) -> None:
    """Everything at once: broker (embedded unless configured), worker, watcher, web view."""
    export(inbox=inbox, broker=broker, web_port=web_port, data_dir=data_dir,
            ner="0" if fast else None)
    setup_logging()
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if use_kafka and not settings.embedded:
        raise click.UsageError("--kafka starts a local Apache Kafka; do not give a broker too")
    local: Any = None
    if use_kafka:
        local = local_kafka(settings)
        local.start()
        log.info("Apache Kafka at %s (data in %s)", local.url, local.data_dir)
    elif settings.embedded:
        from streams.broker import EmbeddedBroker

        local = EmbeddedBroker(
            port=settings.embedded_port, log_file=settings.data_dir / "broker.log"
        )
        local.start()
        log.info("embedded broker (memory only) at %s", local.url)
    marker = None
    if local is not None:
        export(broker=local.url)
        settings = load_settings()
        marker = record_running_broker(settings.data_dir, local.url)
    worker = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "worker"], start_new_session=True
    )
    try:
        asyncio.run(watch_inbox(settings, progress=True, worker=worker))
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        terminate(worker, "worker")
        if local is not None:
            local.stop()
        if marker is not None:
            marker.unlink(missing_ok=True)
        log.info("stopped")


def terminate(process: subprocess.Popen[bytes], name: str, timeout: float = 30.0) -> None:
    """SIGTERM a child's process group, then SIGKILL if it does not exit in time."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        log.warning("%s did not stop in %.0f s; killing it", name, timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


async def watch_inbox(
    settings: Settings, progress: bool, worker: subprocess.Popen[bytes] | None = None
) -> None:
    """Run the watcher until SIGINT/SIGTERM (or, under ``run``, until the worker exits)."""
    from streams.sender import BrokerUnavailable, Sender
    from streams.watcher import Watcher

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    sender = Sender(settings)
    connecting = asyncio.create_task(sender.start())
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({connecting, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if not connecting.done():  # stopped while still waiting for the broker
        connecting.cancel()
        await asyncio.gather(connecting, return_exceptions=True)
        return
    stopped.cancel()
    try:
        connecting.result()
    except BrokerUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    helpers = []
    if worker is not None:
        helpers = [
            asyncio.create_task(_supervise(worker, stop)),
            asyncio.create_task(_announce(settings, stop)),
        ]
    try:
        watcher = Watcher(settings, sender, progress=progress and sys.stderr.isatty())
        await watcher.run(stop)
    finally:
        for task in helpers:
            task.cancel()
        await sender.stop()


async def _supervise(worker: subprocess.Popen[bytes], stop: asyncio.Event) -> None:
    """Stop everything if the worker dies: a pipeline without it counts nothing."""
    while worker.poll() is None:
        await asyncio.sleep(1.0)
    log.error("the worker exited (code %s); stopping", worker.returncode)
    stop.set()


async def _announce(settings: Settings, stop: asyncio.Event) -> None:
    """Print the dashboard URL once the worker's web view answers."""
    import urllib.error
    import urllib.request

    url = f"http://{settings.web_host}:{settings.web_port}/"

    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"{url}health", timeout=2):
                return True
        except urllib.error.HTTPError:  # 503 while starting: it answers, good enough
            return True
        except OSError:
            return False

    while not stop.is_set() and not await asyncio.to_thread(ready):
        await asyncio.sleep(0.5)
    if not stop.is_set():
        click.secho(
            f"newswire dashboard: {url}  (inbox: {settings.inbox.resolve()}; Ctrl-C stops)",
            bold=True,
        )


