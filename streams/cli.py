"""The ``newswire`` command line."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click
import orjson

from streams.settings import Settings, record_running_broker

log = logging.getLogger("newswire")
_BROKER_HELP = (
    "kafka://host:port (default: NEWSWIRE_BROKER, else the broker a running `newswire run` "
    "or `newswire broker` started on NEWSWIRE_DATA_DIR, else kafka://127.0.0.1:9092)"
)


def _setup_logging(level: str = "info") -> None:
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


_FAST_HELP = ("Gazetteer only: no NER for unknown names (NEWSWIRE_NER=0); several times"
              " faster, for feeds on the corpus's known world")


def _export(**values: Any) -> None:
    """Pass flags to the settings (and to child processes) as NEWSWIRE_* variables."""
    for name, value in values.items():
        if value is not None:
            os.environ[f"NEWSWIRE_{name.upper()}"] = str(value)


def _settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's message names the variable and the problem
        raise click.ClickException(f"bad configuration: {exc}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newswire")
def main() -> None:
    """newswire: press articles and their comment threads, as streams of enriched events."""


@main.command()
@click.argument("inbox", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--broker", help="kafka://host:port of a running broker (default: embedded)")
@click.option(
    "--kafka", "use_kafka", is_flag=True,
    help="Run a local Apache Kafka (JDK) with its data under NEWSWIRE_DATA_DIR (durable)",
)
@click.option("--web-port", type=int, help="Port of the web view (default 6066)")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--fast", is_flag=True, help=_FAST_HELP)
def run(
    inbox: Path | None,
    broker: str | None,
    use_kafka: bool,
    web_port: int | None,
    data_dir: Path | None,
    fast: bool,
) -> None:
    """Everything at once: broker (embedded unless configured), worker, watcher, web view."""
    _export(inbox=inbox, broker=broker, web_port=web_port, data_dir=data_dir,
            ner="0" if fast else None)
    _setup_logging()
    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if use_kafka and not settings.embedded:
        raise click.UsageError("--kafka starts a local Apache Kafka; do not give a broker too")
    local: Any = None
    if use_kafka:
        local = _local_kafka(settings)
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
        _export(broker=local.url)
        settings = _settings()
        marker = record_running_broker(settings.data_dir, local.url)
    worker = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "worker"], start_new_session=True
    )
    try:
        asyncio.run(_watch(settings, progress=True, worker=worker))
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _terminate(worker, "worker")
        if local is not None:
            local.stop()
        if marker is not None:
            marker.unlink(missing_ok=True)
        log.info("stopped")


def _terminate(process: subprocess.Popen[bytes], name: str, timeout: float = 30.0) -> None:
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


async def _watch(
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


@main.command()
@click.option("--broker", help=_BROKER_HELP)
@click.option("--web-port", type=int, help="Port of this worker's web view (default 6066)")
@click.option("--loglevel", "-l", default="info", show_default=True)
@click.option("--fast", is_flag=True, help=_FAST_HELP)
def worker(broker: str | None, web_port: int | None, loglevel: str, fast: bool) -> None:
    """A Faust worker (the same as ``faust -A streams.app worker``)."""
    _export(broker=broker, web_port=web_port, ner="0" if fast else None)
    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _setup_logging(loglevel)
    _check_ner(settings)  # with NEWSWIRE_NER: a missing model stops us here, clearly
    from streams.sender import BrokerUnavailable, ensure_topics, wait_for_broker

    async def prepare() -> None:
        await wait_for_broker(settings)  # one line per attempt, not aiokafka's tracebacks
        await ensure_topics(settings)  # before Faust subscribes to them

    try:
        asyncio.run(prepare())
    except BrokerUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    from streams.app import app

    sys.argv = ["newswire worker", "worker", "--loglevel", loglevel]
    app.main()


@main.command()
@click.argument("inbox", type=click.Path(file_okay=False, path_type=Path))
@click.option("--broker", help=_BROKER_HELP)
def watch(inbox: Path, broker: str | None) -> None:
    """The directory producer alone: send INBOX's files, then new ones as they appear."""
    _export(inbox=inbox, broker=broker)
    _setup_logging()
    asyncio.run(_watch(_settings(), progress=True))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--broker", help=_BROKER_HELP)
def send(files: Sequence[Path], broker: str | None) -> None:
    """Push the given files once (no ledger: sending twice is safe, documents are deduplicated)."""
    _export(broker=broker)
    _setup_logging("warning")
    asyncio.run(_send(_settings(), list(files)))


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


def _local_kafka(settings: Settings, port: int | None = None) -> Any:
    from streams.local_kafka import KafkaPrerequisiteError, LocalKafka, check_prerequisites

    try:
        check_prerequisites()
    except KafkaPrerequisiteError as exc:
        raise click.ClickException(str(exc)) from None
    return LocalKafka(
        settings.data_dir / "kafka", port=port, partitions=settings.partitions
    )


@main.command()
@click.option("--kafka", "use_kafka", is_flag=True,
              help="A local single-node Apache Kafka (JDK) with its data under NEWSWIRE_DATA_DIR")
@click.option("--port", type=int, default=None, help="Port (default 9092; --kafka: kept)")
def broker(use_kafka: bool, port: int | None) -> None:
    """The embedded broker alone (memory only), or Apache Kafka with --kafka, until Ctrl-C."""
    from streams.broker import EmbeddedBroker
    from streams.settings import DEFAULT_EMBEDDED_PORT

    _setup_logging()
    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    server: Any
    if use_kafka:
        server = _local_kafka(settings, port)
        kind = f"Apache Kafka (data in {server.data_dir})"
    else:
        server = EmbeddedBroker(port=port or settings.embedded_port or DEFAULT_EMBEDDED_PORT)
        kind = "embedded broker (memory only)"
    server.start()
    marker = record_running_broker(settings.data_dir, server.url)
    click.echo(f"{kind} at {server.url}; Ctrl-C stops it")
    try:
        _wait_for_signal()
    finally:
        server.stop()
        marker.unlink(missing_ok=True)


def _wait_for_signal() -> None:
    received: list[int] = []

    def handler(signum: int, frame: object) -> None:
        received.append(signum)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    while not received:
        time.sleep(0.2)


@main.command()
@click.argument("topic")
@click.option("--broker", help=_BROKER_HELP)
@click.option("--follow", "-f", is_flag=True, help="Keep waiting for new events")
@click.option("--idle", default=3.0, show_default=True, help="Stop after this many quiet seconds")
@click.option("--max", "limit", type=int, default=None, help="Stop after this many events")
def tail(topic: str, broker: str | None, follow: bool, idle: float, limit: int | None) -> None:
    """Print a topic's events from the beginning as JSON lines (TOPIC: full or short name)."""
    _export(broker=broker)
    _setup_logging("warning")
    settings = _settings()
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
        topic, **client_options(settings), group_id=None, auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
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


@main.command()
def schemas() -> None:
    """Print the JSON Schema of every event type (one JSON object keyed by topic)."""
    from streams.models import PUBLIC_EVENTS

    settings = _settings()
    doc = {settings.topic(name): model.model_json_schema() for name, model in PUBLIC_EVENTS.items()}
    click.echo(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode())


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--ner/--no-ner", default=None,
              help="Also find unknown persons and organisations (default: NEWSWIRE_NER)")
def parse(files: Sequence[Path], ner: bool | None) -> None:
    """Offline, no broker: one JSON line per file, {"article", "comments"} or {"rejected"}."""
    settings = _settings()
    for line in _parse_lines(settings, files, _recognizer(settings, ner)):
        sys.stdout.buffer.write(line + b"\n")
    sys.stdout.flush()


def _parse_lines(settings: Settings, files: Sequence[Path], ner: Any = None) -> Iterator[bytes]:
    from agents.documents.enrich import enrich
    from agents.extraction.actors import default_gazetteer
    from streams.codecs import dumps
    from streams.models import FileEvent

    gazetteer = default_gazetteer()
    for path in files:
        from streams.ingest import read_document

        event = read_document(path, max_bytes=settings.max_file_bytes)
        if not isinstance(event, FileEvent):
            yield dumps({"rejected": event.model_dump()})
            continue
        result = enrich(event, gazetteer, bucket_seconds=settings.bucket_seconds, ner=ner)
        yield dumps({"article": result.article.model_dump(),
                     "comments": [c.model_dump() for c in result.comments]})


@main.command()
@click.option(
    "--url", default=None,
    help="Web view of a worker (default: http://NEWSWIRE_WEB_HOST:NEWSWIRE_WEB_PORT)",
)
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(min=0.2),
              help="Seconds between refreshes")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="How many actors to show")
@click.option("--once", is_flag=True, help="Print the table once and exit (for scripts)")
def top(url: str | None, interval: float, limit: int, once: bool) -> None:
    """A live table of the top actors, refreshed from a worker's /actors."""
    import datetime
    import urllib.request

    from rich import box
    from rich.console import Console
    from rich.live import Live
    from rich.table import Table
    from rich.text import Text

    if url is None:
        settings = _settings()
        host = "127.0.0.1" if settings.web_host in ("0.0.0.0", "::", "") else settings.web_host
        url = f"http://{host}:{settings.web_port}"
    source = f"{url.rstrip('/')}/actors?envelope=1&limit={limit}"

    def fetch() -> dict[str, Any]:
        with urllib.request.urlopen(source, timeout=max(2.0, interval)) as response:
            data: dict[str, Any] = orjson.loads(response.read())
            return data

    def render(data: dict[str, Any] | None, error: str | None) -> Table:
        now = datetime.datetime.now().strftime("%H:%M:%S")
        table = Table(title=Text(f"newswire: top actors ({url})"), title_justify="left",
                      caption_justify="left", box=box.SIMPLE_HEAD)
        table.add_column("#", justify="right", style="dim")
        table.add_column("Actor", no_wrap=True, overflow="ellipsis", min_width=12)
        table.add_column("Type", style="dim", no_wrap=True)
        for name in ("Mentions", "in articles", "in comments", "Articles", "Comments",
                     "Last 24 h"):
            table.add_column(name, justify="right", no_wrap=True)
        rows = data["items"] if data else []
        for rank, row in enumerate(rows, 1):
            table.add_row(
                str(rank), Text(row["name"]), Text(row["type"]), str(row["mentions"]),
                str(row["article_mentions"]), str(row["comment_mentions"]),
                str(row["articles"]), str(row["comments"]), str(row["last_24h"]),
                style="bold" if rank == 1 else None,
            )
        window = f" · 24 h window ends {data['window_end']}" if data and data["window_end"] else ""
        if error:  # names, URLs and errors are shown as text, never read as rich markup
            table.caption = Text.assemble((error, "red"), f" · last try {now}")
        else:
            table.caption = Text(f"{len(rows)} actors · updated {now}{window}")
        return table

    def poll() -> tuple[dict[str, Any] | None, str | None]:
        try:
            return fetch(), None
        except (OSError, ValueError) as exc:  # URLError, HTTPError and bad JSON
            return None, f"cannot read {source}: {exc}"

    console = Console() if sys.stdout.isatty() else Console(width=120)
    if once:
        data, error = poll()
        if error:
            raise click.ClickException(error)
        console.print(render(data, None))
        return
    data, error = poll()
    try:
        with Live(render(data, error), console=console, auto_refresh=False) as live:
            while True:
                time.sleep(interval)
                fresh, error = poll()
                data = fresh or data  # on failure keep the last table, with the error below
                live.update(render(data, error), refresh=True)
    except KeyboardInterrupt:
        pass


def _check_ner(settings: Settings) -> None:
    """Stop with one clear line when NER is on and its model is not installed (the worker's
    parsing processes load it; the worker itself does not)."""
    if not settings.ner:
        return
    from agents.extraction.ner import NerUnavailable, check_installed

    try:
        check_installed(settings.ner_model)
    except NerUnavailable as exc:
        raise click.ClickException(str(exc)) from None


def _recognizer(settings: Settings, ner: bool | None) -> Any:
    """The NER recogniser, loaded, when the flag (else NEWSWIRE_NER) asks for it."""
    if not (settings.ner if ner is None else ner):
        return None
    from agents.extraction.ner import NerUnavailable, default_recognizer

    recognizer = default_recognizer(settings.ner_model)
    try:
        recognizer.load()
    except NerUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    return recognizer


def _default_eval_dir() -> Path:
    """The annotated sets of the repository (tests/eval), from the checkout or the cwd."""
    for candidate in (Path("tests") / "eval",
                      Path(__file__).resolve().parents[1] / "tests" / "eval"):
        if candidate.is_dir():
            return candidate
    raise click.UsageError("no tests/eval here: give the annotated set's folder as DIR")


@main.command("eval")
@click.argument("directory", required=False,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON instead of tables: one object per set, one line each")
@click.option("--ner/--no-ner", default=None,
              help="Also find unknown persons and organisations (default: NEWSWIRE_NER)")
@click.option("--details", default=20, show_default=True,
              help="How many mismatches the text report lists")
def eval_command(
    directory: Path | None, as_json: bool, ner: bool | None, details: int
) -> None:
    """Score the parsers and the actor extractor against annotated sets.

    DIR is one set, or a folder of sets (default tests/eval: every set there, each
    reported apart). Exits with 2 when a quality target of a set is not met, naming it.
    """
    from agents.evaluation import (
        evaluate,
        find_sets,
        render_json,
        render_summary,
        render_text,
    )

    settings = _settings()
    directory = directory or _default_eval_dir()
    sets = find_sets(directory) or [directory]
    recognizer = _recognizer(settings, ner)
    reports = []
    for folder in sets:
        try:
            report = evaluate(folder, ner=recognizer)
        except ValueError as exc:  # no annotated document, or a malformed annotation
            raise click.ClickException(str(exc)) from None
        reports.append(report)
        if as_json:
            click.echo(render_json(report))
        else:
            click.echo(render_text(report, details=details), nl=False)
    if len(reports) > 1 and not as_json:
        click.echo(render_summary(reports), nl=False)
    failed = False
    for report in reports:
        for line in report.failures():
            failed = True
            if as_json or len(reports) > 1:
                click.echo(f"eval: {report.directory}: target failed: {line}", err=True)
    if failed:
        raise SystemExit(2)


if __name__ == "__main__":
    main()
