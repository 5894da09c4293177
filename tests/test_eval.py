"""`newswire eval`: the quality targets on the annotated set, and the scoring arithmetic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from agents.evaluation import (
    TARGETS,
    Rate,
    Score,
    count_score,
    evaluate,
    find_sets,
    load_set,
    render_json,
    render_text,
)
from agents.extraction.ner import default_recognizer
from streams.cli import main

ROOT = Path(__file__).resolve().parents[1]
EVAL_SET = ROOT / "tests" / "eval"

# A small document in the corpus shape: headline, date line, body, a two-comment thread.
TEXT = """Poutine et Biden se parleront mardi

Publié le 6 décembre 2021 à 10h20

Vladimir Poutine et Joe Biden auront un entretien vidéo. Le Kremlin a confirmé l'appel.

2 commentaires
information
Cher lecteur, pour laisser des commentaires sur la publication, vous devez autoriser.
  1. Bitter Офлайн Bitter
    Bitter (Amer) 6 décembre 2021 11: 30
    +2
    L'OTAN ne changera pas.
    1. Jarilo Офлайн Jarilo
      Jarilo (Sergey) 6 décembre 2021 12: 05
      -1
      Citation: amer
      L'OTAN ne changera pas.

      Poutine a raison.
"""


def annotation(**changes: Any) -> dict[str, Any]:
    """The hand-checked expected output of TEXT; ``changes`` replace top-level keys."""
    expected: dict[str, Any] = {
        "title": "Poutine et Biden se parleront mardi",
        "title_derived": False,
        "outlet": None,
        "published": "2021-12-06",
        "comment_count_declared": 2,
        "comments": [
            {"id": "1", "parent": None, "depth": 1, "author": "Bitter", "handle": "Amer",
             "posted_at": "2021-12-06T11:30:00Z", "score": 2, "quote_authors": [],
             "quote_comment_ids": []},
            {"id": "1.1", "parent": "1", "depth": 2, "author": "Jarilo", "handle": "Sergey",
             "posted_at": "2021-12-06T12:05:00Z", "score": -1, "quote_authors": ["amer"],
             "quote_comment_ids": ["1"]},
        ],
        # Headline: Poutine, Biden; body: Vladimir Poutine, Joe Biden, le Kremlin.
        "actors": {"article": {"vladimir-putin": 2, "joe-biden": 2, "russia": 1},
                   "comments": {"nato": 1, "vladimir-putin": 1}},
        "new_actors": [],
    }
    expected.update(changes)
    return expected


def write_set(folder: Path, expected: dict[str, Any], text: str = TEXT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "001_appel.txt").write_text(text, encoding="utf-8")
    (folder / "001_appel.json").write_text(json.dumps(expected), encoding="utf-8")
    return folder


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


# --------------------------------------------------------------------------- arithmetic


def test_count_score_is_min_for_tp_and_the_rest_for_fp_fn() -> None:
    assert count_score(3, 1) == Score(tp=1, fp=0, fn=2)
    assert count_score(1, 3) == Score(tp=1, fp=2, fn=0)
    assert count_score(0, 0) == Score()


def test_precision_recall_f1_by_hand() -> None:
    score = Score(tp=6, fp=2, fn=3)
    assert score.precision == pytest.approx(6 / 8)
    assert score.recall == pytest.approx(6 / 9)
    assert score.f1 == pytest.approx(2 * (6 / 8) * (6 / 9) / (6 / 8 + 6 / 9))
    assert Score().precision == Score().recall == 1.0  # nothing expected, nothing found
    assert Score(fn=4).f1 == 0.0
    assert Rate(3, 4).rate == 0.75 and Rate().rate is None


def test_the_hand_made_document_scores_perfectly(tmp_path: Path) -> None:
    result = evaluate(write_set(tmp_path, annotation()))
    assert result.known_overall == Score(tp=7)
    assert result.comment_structure == Rate(20, 20)
    assert result.failures() == []


def test_a_missed_mention_lowers_recall_exactly(tmp_path: Path) -> None:
    # The annotator counts one more Putin in the article than the text holds: the
    # extractor "misses" it. 7 found, all right; 8 expected.
    expected = annotation()
    expected["actors"]["article"]["vladimir-putin"] = 3
    result = evaluate(write_set(tmp_path, expected))
    assert result.known_overall == Score(tp=7, fp=0, fn=1)
    assert result.known["person"] == Score(tp=5, fp=0, fn=1)
    assert result.known["person"].recall == pytest.approx(5 / 6)
    assert result.known_overall.recall == pytest.approx(7 / 8)
    assert result.known_overall.precision == 1.0
    assert result.known_parts["article"] == Score(tp=5, fn=1)


def test_an_extra_mention_lowers_precision_only(tmp_path: Path) -> None:
    expected = annotation()
    del expected["actors"]["comments"]["nato"]  # the reply's OTAN, now unexpected
    folder = write_set(tmp_path, expected)
    # nato stays one of the set's ids although no annotation counts it now.
    (folder / "set.json").write_text('{"actor_ids": ["nato"]}')
    result = evaluate(folder)
    assert result.known["organization"] == Score(tp=0, fp=1, fn=0)
    assert result.known_overall.precision == pytest.approx(6 / 7)
    assert result.known_overall.recall == 1.0
    assert "actor mentions: F1 0.000 < 0.9 for organization" in result.failures()
    # Without the declaration, an id no annotation uses is a new actor, scored as such.
    (folder / "set.json").unlink()
    assert evaluate(folder).new["organization"] == Score(fp=1)


def test_a_wrong_comment_field_and_a_missing_comment(tmp_path: Path) -> None:
    expected = annotation()
    expected["comments"][1]["score"] = 5
    expected["comments"].append(
        {"id": "2", "parent": None, "depth": 1, "author": "X", "handle": None,
         "posted_at": None, "score": 0, "quote_authors": [], "quote_comment_ids": []}
    )
    result = evaluate(write_set(tmp_path, expected))
    assert result.comment_fields["score"] == Rate(1, 3)  # 1.1 wrong, 2 missing
    assert result.comment_fields["parent"] == Rate(2, 3)
    assert result.comment_fields["id"] == Rate(2, 3)
    assert result.counts["comments"] == Rate(0, 1)
    assert any(line.startswith("comment structure: score") for line in result.failures())


def test_null_fields_are_scored_apart_from_given_ones(tmp_path: Path) -> None:
    # The annotation says "no date", the parser reads one: not a miss of a given date.
    result = evaluate(write_set(tmp_path, annotation(published=None, outlet="Le Monde")))
    assert "published" not in result.article_fields
    assert result.absent_fields["published"] == Rate(0, 1)
    assert result.article_fields["outlet"] == Rate(0, 1)
    assert result.absent_fields.get("outlet") is None


def test_new_actors_are_matched_by_name_on_the_whole_document(tmp_path: Path) -> None:
    text = TEXT.replace("Le Kremlin a confirmé l'appel.",
                        "Alexandre Loukachenko a salué l'appel, et Loukachenko l'a dit.")
    expected = annotation(
        new_actors=[{"name": "Alexandre Loukachenko", "type": "person", "mentions": 2},
                    {"name": "Mateusz Morawiecki", "type": "person", "mentions": 1}],
    )
    del expected["actors"]["article"]["russia"]
    result = evaluate(write_set(tmp_path, expected, text))
    # The gazetteer knows Lukashenko (outside the set's ids); Morawiecki is missed.
    assert result.new["person"] == Score(tp=2, fp=0, fn=1)
    assert result.known_overall == Score(tp=6)


def test_set_json_gives_the_arrival_date_role_phrases_resolve_at(tmp_path: Path) -> None:
    text = "Le secrétaire général de l'OTAN a parlé\n\nIl a répété sa position.\n"
    expected = annotation(
        title="Le secrétaire général de l'OTAN a parlé", published=None,
        comment_count_declared=None, comments=[],
        actors={"article": {"jens-stoltenberg": 1, "nato": 1}, "comments": {}},
    )
    folder = write_set(tmp_path, expected, text)
    (folder / "set.json").write_text('{"received_at": "2021-12-31T00:00:00Z"}')
    assert load_set(folder).received_at is not None
    assert evaluate(folder).known_overall == Score(tp=2)


def test_renderings_hold_the_figures(tmp_path: Path) -> None:
    result = evaluate(write_set(tmp_path, annotation()))
    data = json.loads(render_json(result))
    assert data["actors"]["known"]["overall"] == {
        "tp": 7, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert data["passed"] is True
    text = render_text(result)
    assert "all targets met" in text and "known" in text


# --------------------------------------------------------------------------- scheme ids

WORLD_TEXT = """Le Parti travailliste l'emporte à Londres

Publié le 5 juillet 2024 à 08h00

Keir Starmer devient Premier ministre. Le Parti travailliste de Keir Starmer a gagné.
Selon Amélie Fortunat, politologue, Starmer devra agir vite.
"""


def world_annotation(**changes: Any) -> dict[str, Any]:
    """TEXT_WORLD as an annotator of scheme ids writes it: every actor by id and name."""
    expected: dict[str, Any] = {
        "title": "Le Parti travailliste l'emporte à Londres",
        "title_derived": False, "outlet": None, "published": "2024-07-05",
        "comment_count_declared": None, "comments": [],
        # Keir Starmer x3 ("Premier ministre" is a predicate here), Londres, the party x2,
        # Amélie Fortunat (unknown to the gazetteer).
        "actors": {"article": {"keir-starmer": 3, "united-kingdom": 1, "labour-party-uk": 2,
                               "amelie-fortunat": 1}, "comments": {}},
        "actor_names": {
            "keir-starmer": {"name": "Keir Starmer", "type": "person"},
            "united-kingdom": {"name": "United Kingdom", "type": "country",
                               "forms": ["Londres"]},
            "labour-party-uk": {"name": "Labour Party (UK)", "type": "organization",
                                "forms": ["Parti travailliste"]},
            "amelie-fortunat": {"name": "Amélie Fortunat", "type": "person"},
        },
    }
    expected.update(changes)
    return expected


def write_world_set(folder: Path, expected: dict[str, Any], **info: Any) -> Path:
    write_set(folder, expected, WORLD_TEXT)
    (folder / "set.json").write_text(json.dumps({"scheme": "ids", **info}))
    return folder


def test_scheme_ids_scores_every_actor_known_and_unknown(tmp_path: Path) -> None:
    result = evaluate(write_world_set(tmp_path, world_annotation()), ner=default_recognizer())
    assert result.scheme == "ids"
    # The gazetteer knows Starmer, the United Kingdom and Labour (as a bare name of the
    # state the article is about); Amélie Fortunat is NER's.
    assert result.known["person"] == Score(tp=3)
    assert result.known["organization"] == Score(tp=2)
    assert result.known["country"] == Score(tp=1)
    assert result.new["person"] == Score(tp=1)
    assert result.failures() == []


def test_scheme_ids_matches_a_name_found_by_its_annotated_form(tmp_path: Path) -> None:
    """An actor found under another id than the annotated one is the same actor when its
    name is one of the annotated forms; otherwise it is a miss and a false find."""
    renamed = world_annotation()
    renamed["actor_names"]["amelie-fortunat-researcher"] = renamed["actor_names"].pop(
        "amelie-fortunat") | {"forms": ["Amélie Fortunat"]}
    renamed["actors"]["article"]["amelie-fortunat-researcher"] = renamed["actors"][
        "article"].pop("amelie-fortunat")
    ner = default_recognizer()
    assert evaluate(write_world_set(tmp_path / "a", renamed), ner=ner).new["person"] == Score(
        tp=1)
    unmatched = world_annotation()
    unmatched["actor_names"]["someone-else"] = {"name": "Someone Else", "type": "person"}
    unmatched["actors"]["article"]["someone-else"] = unmatched["actors"]["article"].pop(
        "amelie-fortunat")
    del unmatched["actor_names"]["amelie-fortunat"]
    assert evaluate(write_world_set(tmp_path / "b", unmatched), ner=ner).new["person"] == Score(
        fp=1, fn=1)


def test_scheme_ids_needs_a_name_for_every_id(tmp_path: Path) -> None:
    expected = world_annotation()
    del expected["actor_names"]["united-kingdom"]
    with pytest.raises(ValueError, match="united-kingdom"):
        load_set(write_world_set(tmp_path, expected))


def test_set_targets_come_from_set_json(tmp_path: Path) -> None:
    expected = world_annotation()
    expected["actors"]["article"]["keir-starmer"] = 6  # half of Starmer missed
    folder = write_world_set(tmp_path, expected, targets={"actor_f1": 0.99, "person": 0.5})
    failures = evaluate(folder).failures()
    assert any("overall" in line for line in failures)
    assert not any("for person" in line for line in failures)


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
