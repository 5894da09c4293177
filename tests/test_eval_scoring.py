"""`newswire eval`: the scoring arithmetic, on hand-made sets of both schemes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.evaluation import Rate, Score, count_score, evaluate, load_set, render_json, render_text
from agents.extraction.ner import default_recognizer
from tests.eval_sets import TEXT, annotation, world_annotation, write_set, write_world_set

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
