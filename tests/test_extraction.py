"""The actor extractor, convention by convention (docs/contract.md, "Actors").

Each case is a small invented French sentence and the exact counts it must give on
2021-12-10, the date of the corpus. Decisions on cases the contract leaves open:

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

from collections import Counter
from datetime import date, datetime
from pathlib import Path

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
