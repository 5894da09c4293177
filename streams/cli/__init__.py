"""The ``newswire`` command line."""

from __future__ import annotations

import click

from streams.cli.pipeline import eval_command, parse, schemas
from streams.cli.processes import broker, send, tail, watch, worker
from streams.cli.run import run
from streams.cli.top import top


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newswire")
def main() -> None:
    """newswire: press articles and their comment threads, as streams of enriched events."""


for command in (run, worker, watch, send, broker, tail, schemas, parse, top, eval_command):
    main.add_command(command)
