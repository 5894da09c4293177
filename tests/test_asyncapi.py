"""``newswire schemas --asyncapi``: an AsyncAPI 3 document of every public topic that the
AsyncAPI project's own parser (``@asyncapi/parser``, from npm) accepts, with examples
that are real events."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from streams.models import PUBLIC_EVENTS
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CHECKER = ROOT / "tests" / "asyncapi"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "streams.cli", "schemas", "--asyncapi"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed


def _parse(document: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "node is needed: apt-get install nodejs npm"
    assert (CHECKER / "node_modules" / "@asyncapi" / "parser").is_dir(), (
        "the AsyncAPI parser is not installed: make test installs it"
        " (npm ci --prefix tests/asyncapi)")
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return subprocess.run([node, str(CHECKER / "validate.mjs"), str(path)],
                          capture_output=True, text=True, timeout=60, check=False)


def test_the_asyncapi_parser_accepts_the_document(document: dict[str, Any],
                                                   tmp_path: Path) -> None:
    checked = _parse(document, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "valid: AsyncAPI 3." in checked.stdout


def test_the_parser_would_refuse_a_broken_document(document: dict[str, Any],
                                                   tmp_path: Path) -> None:
    broken = json.loads(json.dumps(document))
    del broken["info"]["title"]
    broken["channels"]["articles"]["messages"]["Articles"] = {"$ref": "#/nowhere"}
    checked = _parse(broken, tmp_path)
    assert checked.returncode == 1 and "error" in checked.stdout


def test_every_public_topic_is_a_channel_with_its_key_and_schema(
    document: dict[str, Any]
) -> None:
    settings = Settings()
    channels = document["channels"]
    assert set(channels) == set(PUBLIC_EVENTS)
    for topic, model in PUBLIC_EVENTS.items():
        assert channels[topic]["address"] == settings.topic(topic)
        (message,) = channels[topic]["messages"].values()
        name = message["$ref"].rsplit("/", 1)[-1]
        spec = document["components"]["messages"][name]
        assert spec["payload"] == {"$ref": f"#/components/schemas/{model.__name__}"}
        assert spec["bindings"]["kafka"]["key"]["type"] == "string"


def test_the_examples_are_events_their_schema_accepts(document: dict[str, Any]) -> None:
    schemas = {"components": {"schemas": document["components"]["schemas"]}}
    for topic, model in PUBLIC_EVENTS.items():
        (message,) = document["channels"][topic]["messages"].values()
        spec = document["components"]["messages"][message["$ref"].rsplit("/", 1)[-1]]
        assert spec["examples"], f"{topic} has no example"
        validator = Draft202012Validator({**schemas, **spec["payload"]})
        for example in spec["examples"]:
            errors = [e.message for e in validator.iter_errors(example["payload"])]
            assert not errors, f"{topic}: {errors}"
            model.model_validate(example["payload"])


def test_descriptions_are_markdown_not_docstring_markup() -> None:
    text = json.dumps([model.event_schema() for model in PUBLIC_EVENTS.values()])
    assert "``" not in text
    assert "`newswire.articles`" in text  # the docstrings' ``literals`` kept as Markdown
