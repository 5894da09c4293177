"""Rejection reasons are stable codes kept in one place (streams.reasons); the README and
the contract list exactly those, each with its meaning."""

from __future__ import annotations

import re
from pathlib import Path

from streams.models import RejectedEvent
from streams.reasons import MEANINGS, Reason

ROOT = Path(__file__).resolve().parents[1]


def test_every_reason_has_a_meaning() -> None:
    assert set(MEANINGS) == set(Reason)
    assert all(MEANINGS[reason].strip() for reason in Reason)


def test_the_event_schema_enumerates_the_reasons() -> None:
    schema = RejectedEvent.model_json_schema()
    assert set(schema["$defs"]["Reason"]["enum"]) == {reason.value for reason in Reason}


def test_the_contract_lists_every_reason_with_its_meaning() -> None:
    text = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (.+?) \|$", text, re.MULTILINE))
    assert set(rows) == {reason.value for reason in Reason}
    for reason in Reason:
        assert rows[reason.value] == MEANINGS[reason]


def test_the_readme_lists_every_reason() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"Rejection reasons: (.+?)\.\n", text, re.DOTALL)
    assert listed is not None
    assert set(re.findall(r"`([a-z_]+)`", listed.group(1))) == {reason.value for reason in Reason}
