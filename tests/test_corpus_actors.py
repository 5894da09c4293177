"""The actors of the five corpus files: the main ones, and exact counts where a reader
counted them."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from agents.extraction.actors import Gazetteer, default_gazetteer

DAY = date(2021, 12, 10)
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def _corpus(prefix: str) -> str:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not beside the repository ({CORPUS})")
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("prefix", "actors"),
    [
        (
            "000",
            {
                "vladimir-putin",
                "joe-biden",
                "nato",
                "russia",
                "united-states",
                "ukraine",
                "mikhail-gorbachev",
                "china",
            },
        ),
        ("001", {"joe-biden", "vladimir-putin", "nato", "russia", "united-states", "ukraine"}),
        (
            "002",
            {
                "vladimir-putin",
                "joe-biden",
                "antony-blinken",
                "yuri-ushakov",
                "lloyd-austin",
                "jens-stoltenberg",
                "nato",
                "russia",
                "united-states",
                "ukraine",
                "georgia",
                "germany",
            },
        ),
        ("003", {"jens-stoltenberg", "nato", "russia", "united-states"}),
        (
            "004",
            {
                "jen-psaki",
                "jens-stoltenberg",
                "vladimir-putin",
                "nato",
                "russia",
                "united-states",
                "ukraine",
                "georgia",
            },
        ),
    ],
)
def test_corpus_main_actors(gazetteer: Gazetteer, prefix: str, actors: set[str]) -> None:
    assert actors <= set(gazetteer.extract(_corpus(prefix), DAY))


def test_corpus_001_exact_counts(gazetteer: Gazetteer) -> None:
    # Counted by hand: "(le président russe Vladimir – ndlr.) Poutine" is one Putin,
    # "le chef de la Maison Blanche" and "au chef des États-Unis" are Biden and the US.
    assert gazetteer.extract(_corpus("001"), DAY) == Counter(
        {
            "russia": 10,
            "joe-biden": 8,
            "nato": 7,
            "united-states": 7,
            "ukraine": 5,
            "vladimir-putin": 3,
        }
    )


def test_corpus_003_exact_counts(gazetteer: Gazetteer) -> None:
    # Counted by hand: two secretary-general roles are Stoltenberg and NATO, the first in
    # apposition to his name; "du bloc militaire" is NATO; "le secrétaire général qui
    # n'a pas conduit l'alliance" names no one; the credits name no actor; "le Conseil
    # Russie-OTAN" is the NATO-Russia Council, an institution of its own.
    assert gazetteer.extract(_corpus("003"), DAY) == Counter(
        {
            "nato": 10,
            "jens-stoltenberg": 7,
            "russia": 6,
            "united-states": 3,
            "nato-russia-council": 1,
        }
    )


def test_corpus_details(gazetteer: Gazetteer) -> None:
    first = gazetteer.extract(_corpus("000"), DAY)
    assert first["china"] == 1  # "Pékin"
    second = gazetteer.extract(_corpus("002"), DAY)
    # "le secrétaire à la Défense, le général Lloyd Austin" once, then "Austin" three times.
    assert second["lloyd-austin"] == 4
    # "le secrétaire général de l'OTAN Jens Stoltenberg" is one mention of him.
    assert second["jens-stoltenberg"] == 1
    # "la porte-parole de la Maison Blanche Jen Psaki", then "Psaki".
    assert gazetteer.extract(_corpus("004"), DAY)["jen-psaki"] == 2
