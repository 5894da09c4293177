"""New actors by NER: the filters and the linking (pure), then the spaCy model end to end."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from agents.documents.enrich import enrich
from agents.extraction.actors import default_gazetteer
from agents.extraction.names import Candidate, select, slug
from agents.extraction.ner import EntityRecognizer
from streams.ingest import doc_id_of
from streams.models import FileEvent


def candidates(text: str, *found: tuple[str, str], part: int = 0) -> list[Candidate]:
    """Candidates for the first occurrence of each (name, label), as the model gives them."""
    out = []
    for name, label in found:
        start = text.index(name)
        before = text[:start].rstrip(" ")
        initial = not before or before[-1] in ".!?:\n"
        out.append(Candidate(part, start, start + len(name), label, initial))
    return out


def run(text: str, *found: tuple[str, str], known: list[tuple[int, int]] | None = None,
        ignore: tuple[str, ...] = ()) -> dict[str, int]:
    result = select(candidates(text, *found), [text], [known or []], ignore)
    return {f"{actor}:{result.actors[actor].type}": n for actor, n in result.counts[0].items()}


def test_persons_and_organisations_become_actors_with_a_slug() -> None:
    text = "Selon Karen Donfried, la société Gazprom livrera moins."
    assert run(text, ("Karen Donfried", "PER"), ("Gazprom", "ORG")) == {
        "karen-donfried:person": 1, "gazprom:organization": 1}
    assert slug("Mikheïl Saakachvili") == "mikheil-saakachvili"
    assert slug("Ursula von der Leyen") == "ursula-von-der-leyen"
    assert slug("Путин").startswith("name-")


def test_places_and_other_labels_are_not_actors() -> None:
    assert run("Il était à Genève hier.", ("Genève", "LOC")) == {}


def test_a_span_overlapping_a_gazetteer_phrase_is_left_to_the_gazetteer() -> None:
    text = "Le ministre de la Défense Sergueï Choïgou a parlé."
    start = text.index("Choïgou")
    found = run(text, ("ministre de la Défense Sergueï Choïgou", "ORG"),
                known=[(start, start + len("Choïgou"))])
    assert found == {}


def test_commenter_names_and_the_outlet_are_not_actors() -> None:
    text = "Comme le dit Kirill Riabov, écrit le journal The Guardian."
    found = run(text, ("Kirill Riabov", "PER"), ("The Guardian", "ORG"),
                ignore=("kirill riabov", "The Guardian"))
    assert found == {}


def test_a_capitalised_word_opening_a_sentence_needs_more_evidence() -> None:
    text = "Rappelez-vous. Doubler les effectifs ? Bonne année."
    assert run(text, ("Rappelez", "PER"), ("Doubler", "PER"), ("Bonne", "PER")) == {}
    # An acronym is a name wherever it stands; so is a name written mid-sentence too.
    text = "SWIFT menace. Gazprom livre. Selon Gazprom, rien ne change."
    found = select(
        [*candidates(text, ("SWIFT", "ORG"), ("Gazprom", "ORG")),
         Candidate(0, text.rindex("Gazprom"), text.rindex("Gazprom") + 7, "ORG", False)],
        [text], [[]],
    )
    assert found.counts[0] == Counter({"swift": 1, "gazprom": 2})


def test_a_surname_alone_counts_for_the_full_name_of_the_document() -> None:
    article = "La ministre Annalena Baerbock est arrivée. À Kiev, Baerbock a parlé."
    comment = "Baerbock ne changera rien."
    found = select(
        [*candidates(article, ("Annalena Baerbock", "PER")),
         Candidate(0, article.rindex("Baerbock"), article.rindex("Baerbock") + 8, "LOC", False),
         *candidates(comment, ("Baerbock", "PER"), part=1)],
        [article, comment], [[], []],
    )
    assert list(found.actors) == ["annalena-baerbock"]
    assert found.actors["annalena-baerbock"].name == "Annalena Baerbock"
    assert found.counts == [Counter({"annalena-baerbock": 2}), Counter({"annalena-baerbock": 1})]


def test_leading_articles_titles_and_things_named_after_a_word_are_dropped() -> None:
    assert run("Il a vu M. James Baker.", ("M. James Baker", "PER")) == {"james-baker:person": 1}
    assert run("Il a quitté le traité ABM.", ("ABM", "ORG")) == {}
    assert run("Il arrive en Janvier prochain.", ("Janvier", "PER")) == {}
    assert run("Il lit l'article du G7.", ("G7", "ORG")) == {"g7:organization": 1}
    assert run("Il cite la description générale.", ("description générale", "ORG")) == {}


# --------------------------------------------------------------------------- with the model


TEXT = (
    "Washington envoie une émissaire à Kiev\n\n"
    "La secrétaire d'État adjointe Karen Donfried est arrivée lundi à Kiev, avant de se"
    " rendre à Moscou. Elle doit y rencontrer le vice-ministre Sergueï Riabkov.\n\n"
    "À Kiev, Donfried rencontrera le président Volodymyr Zelensky.\n"
)


def test_enrich_with_ner_adds_new_actors_to_every_event() -> None:
    event = FileEvent(doc_id=doc_id_of(TEXT), source_path="a.txt", name="a.txt",
                      size=len(TEXT), encoding="utf-8", text=TEXT,
                      received_at=datetime(2021, 12, 10, tzinfo=UTC))
    gazetteer = default_gazetteer()
    plain = enrich(event, gazetteer)
    result = enrich(event, gazetteer, ner=EntityRecognizer())
    actors = {a.id: a for a in result.article.actors}
    assert actors["karen-donfried"].name == "Karen Donfried"
    assert actors["karen-donfried"].type == "person"
    assert actors["karen-donfried"].mentions == 2
    # What the gazetteer found is untouched, and Riabkov (known) is not found twice.
    assert {a.id: a.mentions for a in plain.article.actors}.items() <= {
        a.id: a.mentions for a in result.article.actors}.items()
    assert not any("riabkov" in actor_id for actor_id in actors)
    mention = next(m for m in result.mentions if m.actor == "karen-donfried")
    assert (mention.name, mention.type, mention.article_mentions) == (
        "Karen Donfried", "person", 2)


def test_an_acronym_stands_for_the_name_whose_initials_it_spells() -> None:
    text = "Le Rassemblement national progresse. Le RN est en tête."
    assert run(text, ("Rassemblement national", "ORG"), ("RN", "ORG")) == {
        "rassemblement-national:organization": 2}


def test_an_acronym_in_parentheses_is_the_name_before_it_and_counts_once() -> None:
    text = ("Le Bureau d'enquête sur la corruption des hauts fonctionnaires (CIO) enquête."
            " Le CIO a convoqué le président.")
    start = text.index("(CIO)") + 1
    found = select(
        [*candidates(text, ("Bureau d'enquête sur la corruption des hauts fonctionnaires",
                            "ORG")),
         Candidate(0, start, start + 3, "ORG"),
         Candidate(0, text.rindex("CIO"), text.rindex("CIO") + 3, "ORG")],
        [text], [[]],
    )
    assert found.counts[0] == Counter(
        {"bureau-d-enquete-sur-la-corruption-des-hauts-fonctionnaires": 2})


def test_the_first_word_of_an_organisation_stands_for_it() -> None:
    text = "L'Inter Milan a gagné. Plus tard, l'Inter a fêté le titre."
    found = select(
        [*candidates(text, ("Inter Milan", "ORG")),
         Candidate(0, text.rindex("Inter"), text.rindex("Inter") + 5, "ORG")],
        [text], [[]],
    )
    assert found.counts[0] == Counter({"inter-milan": 2})


def test_demonyms_adjectives_and_elided_words_are_not_part_of_a_name() -> None:
    demonyms = frozenset({"roumain", "roumaine"})
    text = "selon le Roumain Dragoș Tudorache et l'eurodéputé roumain Ion Popa, Meta n’a rien dit."
    found = select(
        candidates(text, ("Roumain Dragoș Tudorache", "PER"), ("roumain Ion Popa", "PER"),
                   ("Meta n’", "ORG")),
        [text], [[]], demonyms=demonyms,
    )
    assert set(found.actors) == {"dragos-tudorache", "ion-popa", "meta"}
    assert select(candidates("Les Roumains votent.", ("Roumains", "PER")), ["Les Roumains votent."],
                  [[]], demonyms=frozenset({"roumains"})).counts[0] == Counter()


def test_an_ordinary_word_is_a_name_only_as_the_short_form_of_one() -> None:
    def is_word(word: str) -> bool:
        return word in {"jeunes", "borne"}

    text = "Les syndicats et les Jeunes agriculteurs manifestent."
    found = select(candidates(text, ("Jeunes", "ORG")), [text], [[]], is_word=is_word)
    assert found.counts[0] == Counter()
    text = "Élisabeth Borne a parlé. Selon Borne, rien ne change."
    found = select(
        [*candidates(text, ("Élisabeth Borne", "PER")),
         Candidate(0, text.rindex("Borne"), text.rindex("Borne") + 5, "PER")],
        [text], [[]], is_word=is_word)
    assert found.counts[0] == Counter({"elisabeth-borne": 2})


def test_a_known_state_found_as_a_place_counts_for_it() -> None:
    text = "Les Phillipines ont protesté."
    found = select(candidates(text, ("Phillipines", "LOC")), [text], [[]],
                   place=lambda name: "philippines" if name == "Phillipines" else None)
    assert found.counts[0] == Counter({"philippines": 1})


def test_a_verb_opening_the_sentence_is_not_part_of_a_name() -> None:
    text = ("Un résultat ? Attendons Genève. Imaginez Gazprom sans clients. "
            "Attendons la Banque mondiale.")
    found = [Candidate(0, text.index(name), text.index(name) + len(name), "ORG", True)
             for name in ("Attendons Genève", "Imaginez Gazprom", "Attendons la Banque mondiale")]
    recogniser = EntityRecognizer()
    assert recogniser.is_verb("attendons") and recogniser.is_verb("imaginez")
    assert not recogniser.is_verb("marine") and not recogniser.is_verb("nations")
    result = select(found, [text], [[]], is_verb=recogniser.is_verb)
    assert set(result.actors) == {"geneve", "gazprom", "banque-mondiale"}  # a city: ``places``
    assert set(select(found, [text], [[]]).actors) == {
        "attendons-geneve", "imaginez-gazprom", "attendons-la-banque-mondiale"}


def test_an_aside_between_dashes_is_not_a_name() -> None:
    text = "Ils craignent que (le président russe Vladimir – ndlr.) Poutine attaque."
    assert run(text, ("Vladimir – ndlr", "PER")) == {}
    assert run("Selon Jean-Marc Ayrault, rien.", ("Jean-Marc Ayrault", "PER")) == {
        "jean-marc-ayrault:person": 1}
