"""Paragraphs of news on other subjects than the corpus's, for generated documents.

French politics, the Middle East, trade, sport, science and culture, with the hard cases
of real news: people the gazetteer knows and people it does not (named in full, then
by surname), organisations by name and by acronym, capitals and cities, events, laws and
products that are not actors, role phrases. The invented people and organisations exist
nowhere: NER has to find them, and the junk it could make of the rest shows in the
tables.
"""

from __future__ import annotations

import random

KNOWN_PEOPLE = [
    "Emmanuel Macron", "Giorgia Meloni", "Lula", "Benjamin Netanyahou", "Javier Milei",
    "Narendra Modi", "Cyril Ramaphosa", "Ursula von der Leyen", "Pedro Sánchez",
    "Recep Tayyip Erdogan", "Xi Jinping", "Olaf Scholz", "Keir Starmer", "Kylian Mbappé",
    "Elon Musk", "Christine Lagarde", "Antonio Guterres", "Marine Le Pen",
]
# (first name, surname) of people who exist nowhere.
UNKNOWN_PEOPLE = [
    ("Claire", "Dumontel"), ("Amadou", "Sissokho"), ("Hiroshi", "Tanabeya"),
    ("Lucía", "Ferrandiz"), ("Thibault", "Marquenet"), ("Ingrid", "Solvang"),
    ("Karim", "Benhaddou"), ("Mateus", "Carvalhinho"), ("Aïcha", "Konaté-Diarra"),
    ("Pavel", "Hrdlicka"), ("Nadia", "Oufkir-Laroche"), ("Jonas", "Wetterling"),
    ("Sofia", "Marangoni"), ("Baptiste", "Quercy"), ("Leïla", "Haddadine"),
    ("Ruben", "Oyelaran"), ("Mei", "Linghua"), ("Olivier", "Castagnède"),
]
UNKNOWN_ORGS = [
    ("Fédération nationale des pêcheurs côtiers", "FNPC"),
    ("Institut Lumen pour le climat", "ILC"), ("Groupe Valmontier", None),
    ("Union des producteurs du Sahel", "UPS"), ("Banque agricole du Levant", "BAL"),
    ("Collectif Terres Vives", None), ("Agence spatiale andine", "ASA"),
    ("Syndicat des soignants unis", "SSU"), ("Orchestre Boréal", None),
]
KNOWN_ORGS = [
    "l'OMS", "le FMI", "la Commission européenne", "l'UEFA", "le Hamas", "l'ONU",
    "la Banque mondiale", "l'OMC", "le Parlement européen", "la BCE", "la FIFA",
    "le Mercosur", "l'Union africaine", "Amnesty International", "Airbus",
]
COUNTRIES = [
    "l'Égypte", "le Qatar", "Israël", "le Brésil", "l'Argentine", "l'Inde", "le Japon",
    "le Sénégal", "le Kenya", "le Mexique", "l'Italie", "l'Espagne", "le Canada",
    "l'Indonésie", "la Turquie", "le Nigeria", "la Colombie", "le Maroc",
]
CAPITALS = [
    "Le Caire", "Doha", "Brasília", "Buenos Aires", "New Delhi", "Tokyo", "Dakar",
    "Nairobi", "Mexico", "Rome", "Madrid", "Ottawa", "Jakarta", "Ankara", "Matignon",
    "l'Élysée", "Bruxelles",
]
CITIES = [
    "Lyon", "Marseille", "Gaza", "Goma", "Mumbai", "São Paulo", "Barcelone", "Munich",
    "Genève", "Manchester", "Toulouse", "Alexandrie", "Kano", "Osaka",
]
THINGS = [
    "la Ligue des champions", "la Coupe du monde", "la COP29", "le DMA", "l'iPhone",
    "l'App Store", "le Festival de Cannes", "les Jeux olympiques", "le RGPD",
    "la réforme des retraites", "l'accord de Paris", "le Tour de France", "ChatGPT",
]
ROLES = [
    "le président égyptien", "la Première ministre", "le chef de l'État",
    "le chef de la diplomatie qatarie", "le Premier ministre israélien",
    "le président brésilien", "la présidente de la Commission européenne",
    "le secrétaire général de l'ONU", "le chancelier allemand", "le locataire de Matignon",
]
VERBS = [
    "a déclaré que", "a rappelé que", "estime que", "a souligné que", "a averti que",
    "affirme que", "a répondu que", "considère que", "a indiqué que", "juge que",
]
CLAUSES = [
    "les négociations reprendront la semaine prochaine",
    "aucun accord ne sera signé sans garanties",
    "le budget de l'an prochain sera revu à la baisse",
    "les exportations agricoles ont reculé de 4 %",
    "la décision sera contestée devant les tribunaux",
    "le calendrier reste trop serré",
    "les résultats dépassent les attentes",
    "la saison s'annonce difficile pour le club",
    "les essais cliniques débuteront au printemps",
    "la coalition ne survivra pas à ce vote",
    "les prix de l'énergie pèsent sur les ménages",
]


def _person(rng: random.Random, met: list[tuple[str, str]]) -> str:
    """A person: known, unknown in full, or the surname of an unknown one already met."""
    roll = rng.random()
    if met and roll < 0.3:
        return rng.choice(met)[1]
    if roll < 0.6:
        first, last = rng.choice(UNKNOWN_PEOPLE)
        met.append((first, last))
        return f"{first} {last}"
    return rng.choice(KNOWN_PEOPLE)


def _organisation(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(KNOWN_ORGS)
    name, acronym = rng.choice(UNKNOWN_ORGS)
    if acronym and rng.random() < 0.5:
        return f"la {name} ({acronym})" if rng.random() < 0.5 else f"la {acronym}"
    return f"le {name}" if name.startswith(("Groupe", "Collectif", "Syndicat")) else name


def _de(text: str) -> str:
    """``text`` after "de", contracted as French writes it ("du FMI", "de l'OMS")."""
    if text.startswith("le "):
        return "du " + text[3:]
    if text.startswith("les "):
        return "des " + text[4:]
    return "de " + text


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def world_sentence(rng: random.Random, met: list[tuple[str, str]]) -> str:
    """One sentence of world news."""
    shape = rng.randrange(8)
    clause = rng.choice(CLAUSES)
    if shape == 0:
        return f"{_cap(_person(rng, met))} {rng.choice(VERBS)} {clause}."
    if shape == 1:
        return (f"À {rng.choice(CITIES)}, {_person(rng, met)} a rencontré "
                f"{_person(rng, met)} en marge de {rng.choice(THINGS)}.")
    if shape == 2:
        return f"{_cap(rng.choice(ROLES))} {rng.choice(VERBS)} {clause}."
    if shape == 3:
        return (f"{_cap(_organisation(rng))} et {rng.choice(COUNTRIES)} {rng.choice(VERBS)} "
                f"{clause}, selon {_person(rng, met)}.")
    if shape == 4:
        return f"{_cap(rng.choice(CAPITALS))} {rng.choice(VERBS)} {clause}."
    if shape == 5:
        first, last = rng.choice(UNKNOWN_PEOPLE)
        met.append((first, last))
        return (f"« {_cap(clause)} », a expliqué {first} {last}, porte-parole "
                f"{_de(_organisation(rng))}, avant que {last} ne quitte {rng.choice(CITIES)}.")
    if shape == 6:
        return (f"Les supporters réunis à {rng.choice(CITIES)} pour {rng.choice(THINGS)} "
                f"ont salué {_person(rng, met)}.")
    return (f"Le débat sur {rng.choice(THINGS)} oppose {rng.choice(COUNTRIES)} à "
            f"{_organisation(rng)}, note {_person(rng, met)}.")


def world_title(rng: random.Random, met: list[tuple[str, str]]) -> str:
    """A headline of world news."""
    return rng.choice([
        f"{_cap(_person(rng, met))} face à {_organisation(rng)}",
        f"{_cap(rng.choice(COUNTRIES))} et {rng.choice(COUNTRIES)} : {rng.choice(CLAUSES)}",
        f"À {rng.choice(CITIES)}, {_person(rng, met)} relance le débat",
        f"{_cap(rng.choice(ROLES))} sous pression",
    ])
