"""Which broker a command without a broker setting talks to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from streams.settings import RUNNING_BROKER_FILE, Settings, record_running_broker


def test_a_running_brokers_address_is_used_when_none_is_configured(tmp_path: Path) -> None:
    record_running_broker(tmp_path, "kafka://127.0.0.1:41234")
    assert Settings(data_dir=tmp_path).broker_url == "kafka://127.0.0.1:41234"
    configured = Settings(data_dir=tmp_path, broker="kafka://kafka:9092")
    assert configured.broker_url == "kafka://kafka:9092"


def test_the_note_of_a_process_that_is_gone_is_ignored(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    (tmp_path / RUNNING_BROKER_FILE).write_text(
        f'{{"url": "kafka://127.0.0.1:41234", "pid": {gone.stdout.strip()}}}')
    assert Settings(data_dir=tmp_path).broker_url == "kafka://127.0.0.1:9092"


def test_an_unreadable_note_is_ignored(tmp_path: Path) -> None:
    (tmp_path / RUNNING_BROKER_FILE).write_text("not json")
    assert Settings(data_dir=tmp_path).broker_url == "kafka://127.0.0.1:9092"
