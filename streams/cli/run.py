"""``newswire run``: broker, worker, watcher and web view in one command."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from streams.cli.activity import Activity
from streams.cli.common import (
    FAST_HELP,
    VERBOSE_HELP,
    check_web_port,
    export,
    load_settings,
    local_kafka,
    log,
    setup_logging,
    web_url,
)
from streams.models import FileEvent, RejectedEvent
from streams.settings import Settings, record_running_broker


@click.command()
@click.argument("inbox", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--broker", help="kafka://host:port of a running broker (default: embedded)")
@click.option(
    "--kafka", "use_kafka", is_flag=True,
    help="Run a local Apache Kafka (JDK) with its data under NEWSWIRE_DATA_DIR (durable)",
)
@click.option("--web-port", type=int, help="Port of the web view (default 6066)")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Tables, logs, ledger and broker state (default: NEWSWIRE_DATA_DIR, ./data)")
@click.option("--fast", is_flag=True, help=FAST_HELP)
@click.option("--verbose", "-v", count=True, help=VERBOSE_HELP)
def run(
    inbox: Path | None,
    broker: str | None,
    use_kafka: bool,
    web_port: int | None,
    data_dir: Path | None,
    fast: bool,
    verbose: int,
) -> None:
    """Everything at once: broker (embedded unless configured), worker, watcher, web view.

    INBOX is the folder to watch (default: NEWSWIRE_INBOX, else ./inbox).
    """
    export(inbox=inbox, broker=broker, web_port=web_port, data_dir=data_dir,
           ner="0" if fast else None, verbose=verbose or None)
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    setup_logging(settings, "run")
    if use_kafka and not settings.embedded:
        raise click.UsageError("--kafka starts a local Apache Kafka; do not give a broker too")
    check_web_port(settings)
    local, kind = _start_broker(settings, use_kafka)
    marker = None
    if local is not None:
        export(broker=local.url)
        settings = load_settings()
        marker = record_running_broker(settings.data_dir, local.url)
    console = Console(highlight=False, soft_wrap=True)
    _summary(console, settings, kind)
    worker = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "worker", "--quiet"], start_new_session=True
    )
    try:
        asyncio.run(watch_inbox(settings, worker=worker, console=console))
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
        console.print("stopped")


def _start_broker(settings: Settings, use_kafka: bool) -> tuple[Any, str]:
    """The broker ``run`` owns, if any, and how to name it."""
    if use_kafka:
        kafka = local_kafka(settings)
        kafka.start()
        return kafka, f"Apache Kafka (data in {kafka.data_dir})"
    if settings.embedded:
        from streams.broker import EmbeddedBroker

        embedded = EmbeddedBroker(
            port=settings.embedded_port, log_file=settings.data_dir / "logs" / "broker.log"
        )
        embedded.start()
        return embedded, "embedded, in memory"
    return None, "broker"


def _summary(console: Console, settings: Settings, kind: str) -> None:
    """The few lines a person needs before anything happens."""
    inbox = settings.inbox.absolute()
    waiting = sum(1 for p in inbox.iterdir() if p.is_file()) if inbox.is_dir() else 0
    rows = [
        ("broker", f"{settings.broker_url} · {kind}"),
        ("inbox", f"{inbox} ({waiting} file{'s' if waiting != 1 else ''} there now)"),
        ("dashboard", f"{web_url(settings)} (once the worker is up)"),
        ("logs", f"{settings.data_dir.absolute() / 'logs'}"),
        ("topics", f"{own_command()} tail -f articles   (from another terminal, this folder)"),
    ]
    console.print("[bold]newswire run[/] · drop .txt files into the inbox · Ctrl-C stops")
    for label, value in rows:
        console.print(f"  [dim]{label:<10}[/] {escape(value)}")


def own_command() -> str:
    """How to call newswire again from this folder: ``newswire`` when the shell finds
    this very program, else its path (``.venv/bin/newswire`` after ``make run``)."""
    program = Path(sys.argv[0])
    on_path = shutil.which("newswire")
    # Run through python -m or a test runner, the documented name is the best answer.
    if program.name != "newswire" or (on_path and Path(on_path).resolve() == program.resolve()):
        return "newswire"
    with contextlib.suppress(ValueError):
        return str(program.absolute().relative_to(Path.cwd()))
    return str(program)


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
    settings: Settings,
    *,
    report: Callable[[Path, FileEvent | RejectedEvent], None] | None = None,
    connected: Callable[[], None] | None = None,
    worker: subprocess.Popen[bytes] | None = None,
    console: Console | None = None,
) -> None:
    """Run the watcher until SIGINT/SIGTERM (or, under ``run``, until the worker exits),
    with ``connected`` called once the broker answers and ``report`` for each file sent;
    under ``run``, what the pipeline counts and rejects is printed as it happens
    (:mod:`streams.cli.activity`)."""
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
    if connected is not None:
        connected()
    helpers = []
    if worker is not None and console is not None:
        activity = Activity(settings, console)
        helpers = [
            asyncio.create_task(_supervise(worker, stop)),
            asyncio.create_task(_announce(settings, stop, console)),
            asyncio.create_task(activity.run(stop)),
        ]
        await activity.ready.wait()
    try:
        await Watcher(settings, sender, report=report).run(stop)
    finally:
        for task in helpers:
            task.cancel()
        await asyncio.gather(*helpers, return_exceptions=True)
        await sender.stop()


def print_sent(path: Path, event: FileEvent | RejectedEvent) -> None:
    """One line per file the watcher sent or rejected."""
    if isinstance(event, FileEvent):
        click.echo(f"sent      {path.name}  ({event.size} bytes, {event.encoding})")
    else:
        click.secho(f"rejected  {path.name}: {event.reason} ({event.detail})", fg="red")


async def _supervise(worker: subprocess.Popen[bytes], stop: asyncio.Event) -> None:
    """Stop everything if the worker dies: a pipeline without it counts nothing."""
    while worker.poll() is None:
        await asyncio.sleep(1.0)
    log.error("the worker exited (code %s); stopping", worker.returncode)
    stop.set()


async def _announce(settings: Settings, stop: asyncio.Event, console: Console) -> None:
    """Say when the dashboard answers."""
    import urllib.error
    import urllib.request

    url = web_url(settings)

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
        console.print(f"[bold]worker ready[/] · dashboard {url}")
