"""The gazetteer's data: every id of the contract, every alias and role wording, data
changes without code, and inconsistent data refused."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pydantic
import pytest

from agents.extraction.actors import Gazetteer, default_gazetteer

DAY = date(2021, 12, 10)
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


DESIGN_IDS = {
    "vladimir-putin": "person",
    "joe-biden": "person",
    "jens-stoltenberg": "person",
    "antony-blinken": "person",
    "jen-psaki": "person",
    "yuri-ushakov": "person",
    "lloyd-austin": "person",
    "mikhail-gorbachev": "person",
    "nato": "organization",
    "european-union": "organization",
    "russia": "country",
    "united-states": "country",
    "ukraine": "country",
    "georgia": "country",
    "china": "country",
    "germany": "country",
}


def test_the_gazetteer_has_every_id_of_the_design(gazetteer: Gazetteer) -> None:
    types = {actor_id: actor.type for actor_id, actor in gazetteer.actors.items()}
    assert types.items() >= DESIGN_IDS.items()
    putin = gazetteer.get("vladimir-putin")
    assert putin is not None
    assert putin.name == "Vladimir Putin"
    assert "Poutine" in putin.aliases
    assert gazetteer.get("nobody") is None


def test_every_alias_alone_is_one_mention_of_its_actor(gazetteer: Gazetteer) -> None:
    """No alias is hidden by another alias, a role or a non-mention."""
    for actor in gazetteer.actors.values():
        for alias in actor.aliases + actor.cased_aliases:
            assert gazetteer.extract(alias, DAY) == Counter({actor.id: 1}), alias


def test_every_role_wording_resolves_to_each_holder(gazetteer: Gazetteer) -> None:
    for role in gazetteer.roles.roles:
        for holder in role.holders:
            for wording in (role.phrase, *role.variants):
                assert gazetteer.extract(wording, holder.start)[holder.actor] == 1, wording


def test_the_default_gazetteer_is_loaded_once() -> None:
    assert default_gazetteer() is default_gazetteer()


def test_actors_are_frozen(gazetteer: Gazetteer) -> None:
    actor = gazetteer.get("nato")
    assert actor is not None
    with pytest.raises(pydantic.ValidationError):
        actor.name = "OTAN"  # type: ignore[misc]
    with pytest.raises(TypeError):
        gazetteer.actors["nato"] = actor  # type: ignore[index]


def _write(tmp_path: Path, actors: object, roles: object) -> tuple[Path, Path]:
    actors_path, roles_path = tmp_path / "gazetteer.json", tmp_path / "roles.json"
    actors_path.write_text(json.dumps(actors, ensure_ascii=False), encoding="utf-8")
    roles_path.write_text(json.dumps(roles, ensure_ascii=False), encoding="utf-8")
    return actors_path, roles_path


def test_a_new_actor_and_role_are_a_data_change(tmp_path: Path) -> None:
    paths = _write(
        tmp_path,
        {
            "actors": [
                {
                    "id": "annalena-baerbock",
                    "name": "Annalena Baerbock",
                    "type": "person",
                    "aliases": ["Annalena Baerbock", "Baerbock"],
                },
                {"id": "germany", "name": "Germany", "type": "country", "aliases": ["Allemagne"]},
            ],
            "non_mentions": ["Baerbock Street"],
        },
        {
            "roles": [
                {
                    "phrase": "la cheffe de la diplomatie de l'Allemagne",
                    "holders": [{"actor": "annalena-baerbock", "from": "2021-12-08", "to": None}],
                }
            ]
        },
    )
    gazetteer = Gazetteer.load(*paths)
    text = "Baerbock, Baerbock Street ; la cheffe de la diplomatie de l'Allemagne"
    assert gazetteer.extract(text, DAY) == Counter({"annalena-baerbock": 2, "germany": 1})
    assert gazetteer.extract(text, date(2021, 12, 1)) == Counter(
        {"annalena-baerbock": 1, "germany": 1}
    )


def test_a_bare_list_of_actors_is_a_gazetteer(tmp_path: Path) -> None:
    actors = [{"id": "osce", "name": "OSCE", "type": "organization", "aliases": ["OSCE"]}]
    gazetteer = Gazetteer.load(*_write(tmp_path, actors, {}))
    assert gazetteer.extract("l'OSCE", DAY) == Counter({"osce": 1})


@pytest.mark.parametrize(
    ("actors", "roles", "message"),
    [
        (
            [
                {"id": "a", "name": "A", "type": "country", "aliases": ["Pays"]},
                {"id": "b", "name": "B", "type": "country", "aliases": ["pays"]},
            ],
            {},
            "alias",
        ),
        (
            [{"id": "a", "name": "A", "type": "country", "aliases": ["Pays"]}],
            {"roles": [{"phrase": "le chef", "holders": [{"actor": "z", "from": "2020-01-01"}]}]},
            "unknown actor",
        ),
        ([{"id": "Not A Slug", "name": "A", "type": "country"}], {}, "pattern"),
        ([{"id": "a", "name": "A", "type": "planet"}], {}, "type"),
    ],
    ids=["alias of two actors", "unknown holder", "bad id", "bad type"],
)
def test_inconsistent_data_is_refused(
    tmp_path: Path, actors: object, roles: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Gazetteer.load(*_write(tmp_path, actors, roles))
