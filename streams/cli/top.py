"""``newswire top``: the live actor table in a terminal."""

from __future__ import annotations

import datetime
import sys
import time
import urllib.request
from typing import Any

import click
import orjson
from rich import box
from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from streams.cli.common import load_settings

_COLUMNS = ("Mentions", "in articles", "in comments", "Articles", "Comments", "Last 24 h")


@click.command()
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
    if url is None:
        settings = load_settings()
        host = "127.0.0.1" if settings.web_host in ("0.0.0.0", "::", "") else settings.web_host
        url = f"http://{host}:{settings.web_port}"
    source = f"{url.rstrip('/')}/actors?envelope=1&limit={limit}"
    console = Console() if sys.stdout.isatty() else Console(width=120)
    data, error = _poll(source, interval)
    if once:
        if error:
            raise click.ClickException(error)
        console.print(_table(url, data, None))
        return
    try:
        with Live(_table(url, data, error), console=console, auto_refresh=False) as live:
            while True:
                time.sleep(interval)
                fresh, error = _poll(source, interval)
                data = fresh or data  # on failure keep the last table, with the error below
                live.update(_table(url, data, error), refresh=True)
    except KeyboardInterrupt:
        pass


def _poll(source: str, interval: float) -> tuple[dict[str, Any] | None, str | None]:
    """The worker's answer, or the reason there is none."""
    try:
        with urllib.request.urlopen(source, timeout=max(2.0, interval)) as response:
            data: dict[str, Any] = orjson.loads(response.read())
            return data, None
    except (OSError, ValueError) as exc:  # URLError, HTTPError and bad JSON
        return None, f"cannot read {source}: {exc}"


def _table(url: str, data: dict[str, Any] | None, error: str | None) -> Table:
    """The actors as a table; names, URLs and errors are text, never rich markup."""
    now = datetime.datetime.now().strftime("%H:%M:%S")
    table = Table(title=Text(f"newswire: top actors ({url})"), title_justify="left",
                  caption_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("#", justify="right", style="dim")
    table.add_column("Actor", no_wrap=True, overflow="ellipsis", min_width=12)
    table.add_column("Type", style="dim", no_wrap=True)
    for name in _COLUMNS:
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
    if error:
        table.caption = Text.assemble((error, "red"), f" · last try {now}")
    else:
        table.caption = Text(f"{len(rows)} actors · updated {now}{window}")
    return table
