"""Write docs/configuration.md from the settings' fields and descriptions.

    python -m scripts.configuration_doc          # rewrite the page
    python -m scripts.configuration_doc --check  # exit 1 if the page is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pydantic_core import PydanticUndefined

from streams.settings import Settings

PAGE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"

HEADER = """# Configuration

Every setting is an environment variable `NEWSWIRE_<NAME>`; the flags of the commands
(`--broker`, `--web-port`, `--data-dir`, `--fast`, ...) set the same variables. Values
are read once per process, checked, and a bad one stops the command with a message that
names the variable. This page is generated from `streams/settings.py`
(`python -m scripts.configuration_doc`); a test keeps it in step.

| variable | default | meaning |
|---|---|---|
"""


def _default(value: Any) -> str:
    if value is PydanticUndefined or value is None:
        return "unset"
    if isinstance(value, bool):
        return "`1`" if value else "`0`"
    return f"`{value}`"


def render() -> str:
    """The page, one row per setting in the order they are declared."""
    rows = []
    for name, field in Settings.model_fields.items():
        description = (field.description or "").replace("|", "\\|")
        rows.append(f"| `NEWSWIRE_{name.upper()}` | {_default(field.default)} | {description} |")
    return HEADER + "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the page is stale")
    args = parser.parse_args(argv)
    page = render()
    if args.check:
        if PAGE.read_text(encoding="utf-8") != page:
            print(f"{PAGE} is out of date: run python -m scripts.configuration_doc",
                  file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
