"""The actor extractor, convention by convention (design.md, "Actors").

Each case is a small invented French sentence and the exact counts it must give on
2021-12-10, the date of the corpus. Decisions on cases the design leaves open:

- "Washington Post" (and other outlets named after a place) is a newspaper, not an
  actor of the gazetteer: it counts for nothing, and its "Washington" does not count.
- "le bloc occidental" is the Western bloc, wider than NATO, a common noun like
  "l'Occident": it counts for nothing. "le bloc de l'OTAN" is NATO (one mention); "le
  bloc" alone and "le bloc militaire" are NATO in a document that names NATO.
- "l'Alliance" with its article is NATO whatever its case (the corpus writes
  "l'alliance" for NATO throughout) in a document that names NATO, so "l'alliance
  occidentale" is one NATO mention there; "l'alliance transatlantique" is NATO anywhere;
  "une alliance" and "obligations d'alliance" are not. Elsewhere "l'Alliance" is some
  other alliance ("l'Alliance des États du Sahel").
- "Austin" alone is Lloyd Austin in a document that names him; "Austin, Texas" is a
  place. "Johnson" alone is Boris Johnson likewise; "Hollande" alone is not François
  Hollande (la Hollande is the Netherlands).
- "Bruxelles" counts for nothing: it would be the EU, NATO or Belgium.
- A role followed by a capitalised name is in apposition to it: "le président russe
  Ivan Petrov" is Ivan Petrov (unknown here), not Vladimir Putin.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pydantic
import pytest

from agents.extraction.actors import Gazetteer, default_gazetteer

DAY = date(2021, 12, 10)
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def case(text: str, expected: dict[str, int], name: str) -> object:
    return pytest.param(text, expected, id=name)


ONE_NOUN_PHRASE = [
    case("Vladimir Poutine a parlé.", {"vladimir-putin": 1}, "first and last name once"),
    case("Joe Biden a répondu.", {"joe-biden": 1}, "joe biden"),
    case("Joseph Beiden a répondu.", {"joe-biden": 1}, "machine-translation typo"),
    case("Biden a répondu.", {"joe-biden": 1}, "last name alone"),
    case("Poutine, Putin, Poutin et Путин.", {"vladimir-putin": 4}, "transliterations"),
    case("Youri Ouchakov, puis Ushakov.", {"yuri-ushakov": 2}, "two references"),
    case("le général Lloyd Austin", {"lloyd-austin": 1}, "title before a name"),
    case("Mikhaïl Gorbatchev, puis Gorbatchev.", {"mikhail-gorbachev": 2}, "gorbachev"),
    case("Mishka Gorbatchev a fait monter les enchères.", {"mikhail-gorbachev": 1}, "mishka"),
    case("Mikhailo Sergeevich n'a pas pu.", {"mikhail-gorbachev": 1}, "first name+patronymic"),
    case("la Fédération de Russie", {"russia": 1}, "federation of russia"),
    case("l'Alliance de l'Atlantique Nord", {"nato": 1}, "north atlantic alliance"),
    case("le bloc de l'OTAN", {"nato": 1}, "the nato bloc"),
    case("les États-Unis d'Amérique", {"united-states": 1}, "united states of america"),
    case(
        "Vladimir Poutine a parlé ; le président russe a ajouté.",
        {"vladimir-putin": 2},
        "separate references count separately",
    ),
    case("l'Ukraine a demandé, Kiev a répondu.", {"ukraine": 2}, "state then capital"),
]

SEATS_OF_GOVERNMENT = [
    case("Moscou et le Kremlin", {"russia": 2}, "moscow and the kremlin"),
    case("Washington et la Maison Blanche", {"united-states": 2}, "washington, white house"),
    case("la Maison-Blanche", {"united-states": 1}, "hyphenated white house"),
    case("Kiev ou Kyiv", {"ukraine": 2}, "kyiv"),
    case("Pékin", {"china": 1}, "beijing"),
    case("Berlin", {"germany": 1}, "berlin"),
    case("Tbilissi", {"georgia": 1}, "tbilisi"),
    case(
        "Londres, Paris, Varsovie et Minsk",
        {
            "united-kingdom": 1,
            "france": 1,
            "poland": 1,
            "belarus": 1,
        },
        "other capitals",
    ),
]

CASE_AND_ACCENTS = [
    case("OTAN, otan, Otan et NATO", {"nato": 4}, "nato in any case"),
    case(
        "États-Unis, Etats-Unis, Etats Unis, ETATS-UNIS, USA et U.S.A.",
        {"united-states": 6},
        "united states spellings",
    ),
    case("Pékin et Pekin", {"china": 2}, "accents optional"),
    case("la Federation de Russie", {"russia": 1}, "federation without accent"),
    case("Il usa de son influence selon les us et coutumes.", {}, "usa and us are words"),
    case("l'armée US", {"united-states": 1}, "us in capitals"),
    case("sous Louis XI, puis Xi a parlé", {"xi-jinping": 1}, "xi not a roman numeral"),
    case("Que l'UE ait eu raison.", {"european-union": 1}, "eu is a past participle"),
]

ELISION = [
    case(
        "l'OTAN, l’OTAN, à l'OTAN, à l’OTAN",
        {"nato": 4},
        "straight and typographic apostrophes",
    ),
    case("d'Ukraine, d’Ukraine, de l'Ukraine", {"ukraine": 3}, "d' and de l'"),
    case("l'UE et l’UE", {"european-union": 2}, "eu after an apostrophe"),
    case("Russie-OTAN", {"russia": 1, "nato": 1}, "hyphenated pair"),
    case("le Conseil Russie–OTAN", {"nato-russia-council": 1}, "an institution of its own"),
]

WHOLE_WORDS = [
    case("Il faut que la machine tourne.", {}, "ue in que, chine in machine"),
    case("le poutinisme et les bidenomics", {}, "longer words"),
    case("la Biélorussie", {"belarus": 1}, "belarus is not russia"),
    case("l'Indochine", {}, "indochina is not china"),
    case("Les Washington Post signalé vendredi", {}, "washington post is a newspaper"),
    case(
        "Biden a quitté Washington, selon le Washington Post.",
        {"joe-biden": 1, "united-states": 1},
        "washington but not the post",
    ),
    case("• Photos utilisées: kremlin.ru", {}, "domain"),
    case("source : https://www.nato.int/cps/fr", {}, "url"),
    case("Il est arrivé à Moscou.", {"russia": 1}, "full stop is not a domain"),
    case("Hunter Biden", {}, "someone else named biden"),
    case("à Austin, Texas", {}, "a city"),
    case("Lloyd Austin est arrivé. Austin a souligné", {"lloyd-austin": 2}, "austin after"),
    case("Austin a souligné", {}, "austin alone is ambiguous"),
]

NOT_MENTIONS = [
    case(
        "la partie russe, la présence militaire américaine, la crise ukrainienne, "
        "ses collègues européens",
        {},
        "adjectives",
    ),
    case("les Américains, les Russes, les Ukrainiens", {}, "demonyms"),
    case("les alliés, l'Occident, l'Europe", {}, "common nouns"),
    case("l'ensemble du bloc occidental", {}, "western bloc"),
    case("L'OTAN et l'ensemble du bloc militaire", {"nato": 2}, "the bloc"),
    case("l'ensemble du bloc militaire", {}, "the bloc, no nato in the document"),
    case("l'alliance transatlantique", {"nato": 1}, "transatlantic alliance"),
    case("l'OTAN, l'alliance occidentale", {"nato": 2}, "western alliance"),
    case("l'Alliance des États du Sahel", {"alliance-of-sahel-states": 1}, "another alliance"),
    case("une alliance militaire défensive", {}, "an alliance"),
    case("des obligations d'alliance", {}, "alliance obligations"),
    case("les accords de Minsk", {}, "minsk agreements"),
    case("à Bruxelles", {}, "brussels is ambiguous"),
    case("la Hollande", {}, "the netherlands"),
]

ROLES = [
    case("le président russe", {"vladimir-putin": 1}, "president of russia"),
    case("le dirigeant russe", {"vladimir-putin": 1}, "russian leader"),
    case("le président américain", {"joe-biden": 1}, "president of the united states"),
    case("Le Président Américain", {"joe-biden": 1}, "role in capitals"),
    case(
        "le chef de la Maison Blanche",
        {"joe-biden": 1, "united-states": 1},
        "state named inside a role",
    ),
    case("le chef du Kremlin", {"vladimir-putin": 1, "russia": 1}, "kremlin inside a role"),
    case("au chef des États-Unis", {"joe-biden": 1, "united-states": 1}, "contracted article"),
    case(
        "le secrétaire général de l'OTAN",
        {"jens-stoltenberg": 1, "nato": 1},
        "organisation named inside a role",
    ),
    case(
        "le secrétaire général du bloc",
        {"jens-stoltenberg": 1, "nato": 1},
        "secretary general of the bloc",
    ),
    case("le secrétaire d'État américain", {"antony-blinken": 1}, "secretary of state"),
    case(
        "la porte-parole de la Maison Blanche",
        {"jen-psaki": 1, "united-states": 1},
        "press secretary",
    ),
    case("le chancelier allemand", {"olaf-scholz": 1}, "chancellor since 2021-12-08"),
    case("le président", {}, "bare title"),
    case("le secrétaire général", {}, "bare secretary general"),
]

APPOSITION = [
    case("le secrétaire d'État Antony Blinken", {"antony-blinken": 1}, "title and name"),
    case("le secrétaire d'État américain Antony Blinken", {"antony-blinken": 1}, "blinken"),
    case("le président russe Vladimir Poutine", {"vladimir-putin": 1}, "putin"),
    case("Le président américain Joe Biden", {"joe-biden": 1}, "biden"),
    case(
        "le secrétaire général de l'OTAN Jens Stoltenberg",
        {"jens-stoltenberg": 1, "nato": 1},
        "stoltenberg",
    ),
    case(
        "le secrétaire général de l’OTAN, Jens Stoltenberg, a déclaré",
        {"jens-stoltenberg": 1, "nato": 1},
        "between commas",
    ),
    case(
        "(le président russe Vladimir – ndlr.) Poutine utilise",
        {"vladimir-putin": 1},
        "translator's note",
    ),
    case(
        "le secrétaire à la Défense, le général Lloyd Austin, a été interrogé",
        {"lloyd-austin": 1},
        "comma and title",
    ),
    case(
        "la porte-parole de la Maison Blanche Jen Psaki",
        {"jen-psaki": 1, "united-states": 1},
        "psaki",
    ),
    case("le président russe, M. Poutine, a dit", {"vladimir-putin": 1}, "monsieur"),
    case(
        "le porte-parole du Kremlin, Dmitri Peskov, a dit",
        {"dmitry-peskov": 1, "russia": 1},
        "peskov",
    ),
    case(
        "Jens Stoltenberg, le secrétaire général de l'OTAN, a déclaré",
        {"jens-stoltenberg": 1, "nato": 1},
        "name then role",
    ),
    case("LE PRÉSIDENT RUSSE VLADIMIR POUTINE", {"vladimir-putin": 1}, "headline in capitals"),
    case("le président russe Ivan Petrov", {}, "unknown name"),
    case(
        "Selon le président américain, Poutine bluffe.",
        {"joe-biden": 1, "vladimir-putin": 1},
        "comma before someone else",
    ),
    case(
        "Après avoir parlé à Joe Biden, le président russe a dit",
        {"joe-biden": 1, "vladimir-putin": 1},
        "name before someone else's role",
    ),
]

QUALIFIERS = [
    case("l'ancien président américain Barack Obama", {"barack-obama": 1}, "former, named"),
    case("l'ancien président américain a critiqué", {}, "former, several candidates"),
    case("l'ex-président russe", {}, "ex-"),
    case("l'ancien président soviétique", {"mikhail-gorbachev": 1}, "vacant office"),
    case("le dernier dirigeant soviétique", {"mikhail-gorbachev": 1}, "last soviet leader"),
    case("le vice-président américain", {"kamala-harris": 1}, "vice president"),
    case("le vice-ministre russe des Affaires étrangères", {}, "deputy minister"),
    case("le secrétaire d'État américain adjoint", {}, "deputy secretary"),
    case(
        "le secrétaire d'État américain de l'époque, James Baker",
        {},
        "secretary of state at the time",
    ),
    case("Mardi dernier le président russe a appelé", {"vladimir-putin": 1}, "last tuesday"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    ONE_NOUN_PHRASE
    + SEATS_OF_GOVERNMENT
    + CASE_AND_ACCENTS
    + ELISION
    + WHOLE_WORDS
    + NOT_MENTIONS
    + ROLES
    + APPOSITION
    + QUALIFIERS,
)
def test_counts(gazetteer: Gazetteer, text: str, expected: dict[str, int]) -> None:
    assert gazetteer.extract(text, DAY) == Counter(expected)


@pytest.mark.parametrize(
    ("phrase", "on", "expected"),
    [
        ("le président américain", date(2016, 6, 1), {"barack-obama": 1}),
        ("le président américain", date(2019, 6, 1), {"donald-trump": 1}),
        ("le président américain", date(2021, 1, 20), {"joe-biden": 1}),
        ("le président américain", date(2025, 1, 20), {"donald-trump": 1}),
        ("le président russe", date(2010, 1, 1), {"dmitry-medvedev": 1}),
        ("le chancelier allemand", date(2021, 12, 7), {"angela-merkel": 1}),
        ("le secrétaire général de l'OTAN", date(2025, 3, 1), {"mark-rutte": 1, "nato": 1}),
        ("le secrétaire d'État américain", date(1990, 1, 1), {}),
    ],
)
def test_roles_resolve_to_the_holder_on_the_date(
    gazetteer: Gazetteer, phrase: str, on: date, expected: dict[str, int]
) -> None:
    assert gazetteer.extract(phrase, on) == Counter(expected)


def test_no_text_no_mentions(gazetteer: Gazetteer) -> None:
    assert gazetteer.extract("", DAY) == Counter()
    assert gazetteer.mentions(" \n", DAY) == []


def test_date_may_be_a_datetime_or_today(gazetteer: Gazetteer) -> None:
    text = "le président américain"
    assert gazetteer.extract(text, datetime(2021, 12, 10, 11, 30)) == Counter({"joe-biden": 1})
    assert gazetteer.extract(text) == gazetteer.extract(text, date.today())


def test_mentions_give_spans_in_the_original_text(gazetteer: Gazetteer) -> None:
    text = "L’ÉTAT : Vladimir Poutine et la Fédération de Russie"
    spans = [(m.actor, text[m.start : m.end]) for m in gazetteer.mentions(text, DAY)]
    assert spans == [("vladimir-putin", "Vladimir Poutine"), ("russia", "Fédération de Russie")]


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
