"""``python -m streams.cli``: the ``newswire`` command."""

from streams.cli import main

main(prog_name="newswire")
