"""A parsing process whose parser writes to file descriptor 1 (tests/test_parse_pool.py),
as a careless library could: the real child, with ``prepare`` wrapped."""

from __future__ import annotations

import os
from typing import Any

from agents.documents import parse_pool

_prepare = parse_pool.prepare


def _prepare_noisily(*args: Any, **kwargs: Any) -> Any:
    os.write(1, b"warning: something a library prints\n")
    print("and a print")
    return _prepare(*args, **kwargs)


if __name__ == "__main__":
    parse_pool.prepare = _prepare_noisily
    parse_pool.child_main()
