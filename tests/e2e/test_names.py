"""Names the gazetteer does not know, found by NER in a real worker (the default), and one
person under a short and a full name counted as one actor across documents."""

from __future__ import annotations

from tests.harness import Pipeline, get_json, get_status, wait_for

SURNAME_ONLY = """Le Collectif Terres Vives manifeste à Lyon

Publié le 3 mars 2024 à 09h00

Hier à Lyon, Fortunat a pris la parole devant les agriculteurs du Collectif Terres Vives.
Selon Fortunat, la réforme ne passera pas.
"""
FULL_NAME = """Amélie Fortunat, la voix des campagnes

Publié le 4 mars 2024 à 10h00

La politologue Amélie Fortunat a répondu lundi au ministre. Amélie Fortunat dirige le
Collectif Terres Vives depuis deux ans.
"""


def test_a_surname_met_first_ends_in_the_full_name(pipeline: Pipeline) -> None:
    """"Fortunat" alone (first document), then "Amélie Fortunat" (second): one actor,
    amelie-fortunat, with the five mentions; fortunat's last counts say where they went."""
    pipeline.extra_env["NEWSWIRE_NER"] = "1"  # the default (the harness turns it off)
    worker = pipeline.worker().ready()
    pipeline.watcher()
    (pipeline.inbox / "a.txt").write_text(SURNAME_ONLY, encoding="utf-8")
    wait_for(lambda: worker.totals().get("fortunat") == 2, 90, "the surname alone counted")
    (pipeline.inbox / "b.txt").write_text(FULL_NAME, encoding="utf-8")
    wait_for(lambda: worker.totals().get("amelie-fortunat") == 5, 90, "the names merged")
    totals = worker.totals()
    assert "fortunat" not in totals
    assert totals["collectif-terres-vives"] == 3  # an organisation NER found, not known
    detail = get_json(f"{worker.url}/actors/amelie-fortunat")
    assert (detail["name"], detail["type"], detail["mentions"]) == (
        "Amélie Fortunat", "person", 5)
    status, body = get_status(f"{worker.url}/actors/fortunat")
    assert status == 404 and b"amelie-fortunat" in body
    counts = pipeline.read("actor-counts", until=lambda events: any(
        e.get("merged_into") == "amelie-fortunat" for e in events))
    merged = next(e for e in counts if e.get("merged_into"))
    assert (merged["actor"], merged["total_mentions"]) == ("fortunat", 0)
