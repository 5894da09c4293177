"""Watcher pieces that need no broker: the ledger and the open-for-writing check."""

from __future__ import annotations

import os
from pathlib import Path

from streams.watcher import Ledger, Stamp, open_for_writing


def test_a_file_held_open_for_writing_is_seen_as_busy(tmp_path: Path) -> None:
    path = tmp_path / "en-cours.txt"
    with path.open("w") as handle:
        handle.write("début")
        handle.flush()
        info = os.fstat(handle.fileno())
        assert (info.st_dev, info.st_ino) in open_for_writing()
    assert (info.st_dev, info.st_ino) not in open_for_writing()
    with path.open("r"):  # readers do not make a file busy
        assert (info.st_dev, info.st_ino) not in open_for_writing()


def test_ledger_remembers_acknowledged_versions(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    stamp = Stamp(10, 123)
    assert not ledger.has("a.txt", stamp)
    ledger.record([("a.txt", stamp, "d1", "sent")])
    ledger.close()
    reopened = Ledger(tmp_path / "ledger.sqlite3")
    assert reopened.has("a.txt", stamp)
    assert not reopened.has("a.txt", Stamp(11, 124))  # a new version of the file
