"""``python -m streams.cli``: the ``newswire`` command."""

from streams.cli import main

if __name__ == "__main__":  # the app's autodiscovery imports every module of streams/
    main(prog_name="newswire")
