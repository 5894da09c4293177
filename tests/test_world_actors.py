"""Actors of any French news: states, institutions, role phrases out of the corpus's world.

Each case is a small invented sentence and the exact counts it must give at a date; the
conventions are those of docs/annotation.md.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from agents.extraction.actors import Gazetteer, default_gazetteer

ROOT = Path(__file__).resolve().parents[1]
DAY = date(2024, 3, 1)  # Borne gone, Attal Prime Minister, Biden President


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def case(text: str, expected: dict[str, int], name: str, on: date = DAY) -> object:
    return pytest.param(text, expected, on, id=name)


STATES = [
    case("l'Égypte, Le Caire et le Qatar à Doha", {"egypt": 2, "qatar": 2}, "states, capitals"),
    case("Brasília et le Brésil", {"brazil": 2}, "brasilia"),
    case("la République arabe d'Égypte", {"egypt": 1}, "official name"),
    case("Matignon et l'Élysée", {"france": 2}, "seats of government"),
    case("Downing Street et Londres", {"united-kingdom": 2}, "london"),
    case("la Côte d'Ivoire et la RDC", {"ivory-coast": 1, "democratic-republic-of-the-congo": 1},
         "short forms"),
    case("l'Argentine et la monnaie argentine", {"argentina": 1}, "adjective is not a state"),
    case("la Suisse et le fromage suisse", {"switzerland": 1}, "suisse adjective"),
    case("les Israéliens et le gouvernement égyptien", {}, "demonyms and adjectives"),
    case("Gaza, la Cisjordanie et la Crimée", {}, "regions are not states"),
    case("réunis à Bruxelles", {}, "brussels as a place"),
    case("Bruxelles a infligé une amende", {"european-union": 1}, "brussels deciding"),
]

INSTITUTIONS = [
    case("la Commission européenne et l'Union européenne",
         {"european-commission": 1, "european-union": 1}, "commission is not the union"),
    case("le Parlement européen", {"european-parliament": 1}, "parliament"),
    case("le Conseil de sécurité de l'ONU", {"united-nations-security-council": 1},
         "security council, the longest name"),
    case("l'Organisation mondiale de la santé (OMS)", {"world-health-organization": 1},
         "name and acronym once"),
    case("le FMI et la Banque mondiale",
         {"international-monetary-fund": 1, "world-bank": 1}, "acronyms"),
]

LONGEST_SPAN = [
    case("le Paris Saint-Germain", {"paris-saint-germain-fc": 1}, "psg is not france"),
    case("La France insoumise", {"la-france-insoumise": 1}, "lfi is not france"),
    case("sur France 2", {}, "a channel is not france"),
    case("la Banque de France", {"banque-de-france": 1}, "a bank is not france"),
    case("le Washington Post", {}, "a newspaper"),
    case("l'accord UE-Mercosur", {"european-union": 1, "mercosur": 1}, "parties of an accord"),
]

ROLES = [
    case("le président égyptien", {"abdel-fattah-el-sisi": 1}, "president of egypt"),
    case("le Premier ministre israélien", {"benjamin-netanyahu": 1}, "pm of israel"),
    case("le chef de la diplomatie qatarie",
         {"mohammed-bin-abdulrahman-bin-jassim-al-thani": 1}, "foreign minister of qatar"),
    case("la Première ministre", {"elisabeth-borne": 1}, "bare role: france",
         date(2023, 3, 16)),
    case("le locataire de Matignon", {"gabriel-attal": 1, "france": 1}, "seat inside a role"),
    case("le chef de l'État", {"emmanuel-macron": 1}, "bare head of state: france"),
    case("Au Caire, le chef de l'État a reçu", {"egypt": 1, "abdel-fattah-el-sisi": 1},
         "bare role: the state of the text"),
    case("le nouveau Premier ministre britannique", {"keir-starmer": 1},
         "new office holder", date(2024, 7, 6)),
    case("Il sera Premier ministre", {}, "a predicate is not a mention"),
    case("un Premier ministre", {}, "an indefinite role"),
    case("l'ancien président brésilien", {}, "several past holders"),
]

NAMES = [
    case("Jill Biden et Joe Biden", {"joe-biden": 1}, "a name inside another name"),
    case("le PDG Stéphane Israël", {}, "a state inside a person's name"),
    case("Pedro Sánchez, puis Sánchez", {"pedro-sanchez": 2}, "surname after the full name"),
    case("Sánchez a parlé", {}, "an ambiguous surname alone"),
    case("le Bureau d'enquête (CIO) et le CIO", {}, "an acronym the text defines otherwise"),
    case("L'OTAN et l'Alliance", {"nato": 2}, "the alliance in a nato text"),
    case("l'Alliance des petits États insulaires", {}, "another alliance is not nato"),
]

BARE_NAMES = [
    case("À Washington, le Sénat a voté", {"united-states": 1, "united-states-senate": 1},
         "senate of the text's state"),
    case("le Sénat a voté", {"senate-france": 1}, "french press: france by default"),
    case("Pedro Sánchez et le PP", {"pedro-sanchez": 1, "people-s-party-spain": 1},
         "state of an office holder"),
    case("le gouvernement espagnol et le PP", {"people-s-party-spain": 1},
         "state of an adjective"),
]


@pytest.mark.parametrize(
    ("text", "expected", "on"),
    STATES + INSTITUTIONS + LONGEST_SPAN + ROLES + NAMES + BARE_NAMES,
)
def test_counts(gazetteer: Gazetteer, text: str, expected: dict[str, int], on: date) -> None:
    assert gazetteer.extract(text, on) == Counter(expected)


def test_every_state_is_an_actor_with_an_english_wikipedia_name(gazetteer: Gazetteer) -> None:
    states = [actor for actor in gazetteer.actors.values() if actor.type == "country"]
    assert len(states) >= 200
    assert gazetteer.get("egypt").name == "Egypt"  # type: ignore[union-attr]
    assert gazetteer.get("ivory-coast").name == "Ivory Coast"  # type: ignore[union-attr]


def test_every_bare_name_is_each_states_institution(gazetteer: Gazetteer) -> None:
    """In a text about a state, a bare name ("le Sénat") counts for that state's
    institution, whatever state the table knows it for."""
    for bare in gazetteer.roles.bare_names:
        for state, actor_id in bare.of.items():
            named = gazetteer.get(state)
            assert named is not None
            text = f"{named.aliases[0]} : {bare.phrases[0]}"
            assert gazetteer.extract(text, DAY)[actor_id] == 1, (text, actor_id)


def test_the_world_data_is_what_its_script_builds() -> None:
    """countries.json is rebuilt from packaged data by scripts/build_world.py."""
    done = subprocess.run([sys.executable, "scripts/build_world.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
