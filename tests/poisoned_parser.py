"""A parsing process that dies on any document named poison.txt and hangs on any named
slow.txt (tests/test_parse_pool.py): the real child, with ``prepare`` wrapped."""

from __future__ import annotations

import os
import time
from typing import Any

from agents.documents import parse_pool

_prepare = parse_pool.prepare


def _prepare_or_die(file: Any, *args: Any, **kwargs: Any) -> Any:
    if file.name == "poison.txt":
        os._exit(3)
    if file.name == "slow.txt":
        time.sleep(3600)
    return _prepare(file, *args, **kwargs)


if __name__ == "__main__":
    parse_pool.prepare = _prepare_or_die
    parse_pool.child_main()
