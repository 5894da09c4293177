"""`newswire eval`: the quality targets on the annotated sets, and the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from agents.evaluation import TARGETS, find_sets, load_set
from streams.cli import main
from tests.eval_sets import annotation, world_annotation, write_set, write_world_set

ROOT = Path(__file__).resolve().parents[1]
EVAL_SET = ROOT / "tests" / "eval"


# --------------------------------------------------------------------------- the targets

DEV_SETS = ("home", "world")
HELD_OUT = ("home-heldout", "world-heldout")


@pytest.fixture(scope="module")
def reports() -> dict[str, dict[str, Any]]:
    """`newswire eval --json` as a user runs it (every set of tests/eval, default settings:
    NER on), in a process of its own: one JSON object per set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWIRE_")}
    done = subprocess.run(
        [sys.executable, "-m", "streams.cli", "eval", str(EVAL_SET), "--json"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600, check=False,
    )
    assert done.returncode in (0, 2), done.stdout[-2000:] + done.stderr[-2000:]
    found = {}
    for line in done.stdout.splitlines():
        data = json.loads(line)
        found[Path(data["directory"]).name] = data
    return found


def test_every_set_is_reported_apart(reports: dict[str, dict[str, Any]]) -> None:
    assert set(reports) == {*DEV_SETS, *HELD_OUT}
    assert reports["home"]["documents"] >= 30 and reports["home"]["comments"] > 100
    assert reports["world"]["documents"] >= 25
    assert reports["world-heldout"]["documents"] >= 15
    assert reports["home-heldout"]["documents"] >= 10
    for name in ("world", "world-heldout", "home-heldout"):
        actors = reports[name]["actors"]
        assert reports[name]["scheme"] == "ids"
        for scope in ("known", "new", "all"):  # known, unknown to the gazetteer, both
            assert set(actors[scope]) >= {"overall", "person", "organization", "country"}


@pytest.mark.parametrize("name", ["world", "world-heldout"])
def test_out_of_domain_sets_have_threads_in_both_shapes(name: str) -> None:
    evalset = load_set(EVAL_SET / name)
    threads = [d.annotation.comments for d in evalset.documents if d.annotation.comments]
    assert 3 * len(threads) >= len(evalset.documents)
    assert any(c.author is None for thread in threads for c in thread)  # without authors
    assert any(c.author is not None for thread in threads for c in thread)  # with


@pytest.mark.parametrize("name", DEV_SETS)
def test_development_sets_meet_their_targets(
    reports: dict[str, dict[str, Any]], name: str
) -> None:
    report = reports[name]
    assert report["passed"] and report["failures"] == [], report["failures"]
    targets = report["targets"]
    scores = report["actors"]["all" if report["scheme"] == "ids" else "known"]
    assert scores["overall"]["f1"] >= targets["actor_f1"]
    for kind in ("person", "organization", "country"):
        assert scores[kind]["f1"] >= targets[kind], kind
        assert scores[kind]["tp"] > 0, kind  # every type is really exercised


@pytest.mark.parametrize("name", DEV_SETS)
def test_comment_structure_meets_the_exact_match_target(
    reports: dict[str, dict[str, Any]], name: str
) -> None:
    fields = reports[name]["comment_fields"]
    for field in ("id", "parent", "depth", "author", "handle", "posted_at", "score",
                  "quote_authors", "quote_comment_ids", "quote_resolved_authors"):
        assert fields[field]["total"] > 0, field
        assert fields[field]["rate"] >= TARGETS.comment_fields, field


@pytest.mark.parametrize("name", DEV_SETS)
def test_titles_outlets_and_dates_meet_the_exact_match_target(
    reports: dict[str, dict[str, Any]], name: str
) -> None:
    for field in ("title", "outlet", "published"):
        rate = reports[name]["article_fields"][field]
        assert rate["total"] > 0, field
        assert rate["rate"] >= TARGETS.article_fields, field


def test_the_text_report_is_the_default(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", str(write_set(tmp_path, annotation())),
                                       "--no-ner"])
    assert result.exit_code == 0, result.output
    assert "Actor mentions" in result.output and "Exact match" in result.output
    assert "all targets met" in result.output


def test_below_a_target_exits_2_and_says_which(tmp_path: Path) -> None:
    wrong = annotation(title="Un autre titre")
    result = CliRunner().invoke(main, ["eval", str(write_set(tmp_path, wrong)),
                                       "--no-ner", "--json"])
    assert result.exit_code == 2
    assert "target failed: article: title 0.000 < 0.95" in result.stderr
    assert json.loads(result.stdout)["failures"] == ["article: title 0.000 < 0.95"]


def test_a_folder_without_annotations_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", str(tmp_path), "--no-ner"])
    assert result.exit_code == 1
    assert "no annotated document" in result.output


def test_a_folder_of_sets_is_scored_set_by_set(tmp_path: Path) -> None:
    write_set(tmp_path / "one", annotation())
    write_world_set(tmp_path / "two", world_annotation())
    assert [path.name for path in find_sets(tmp_path)] == ["one", "two"]
    result = CliRunner().invoke(main, ["eval", str(tmp_path), "--no-ner"])
    assert "Sets (actor mention F1)" in result.output
    assert "one" in result.output and "two" in result.output
    json_lines = CliRunner().invoke(main, ["eval", str(tmp_path), "--json", "--no-ner"])
    names = [Path(json.loads(line)["directory"]).name
             for line in json_lines.output.splitlines() if line.startswith("{")]
    assert names == ["one", "two"]
