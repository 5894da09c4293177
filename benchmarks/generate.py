"""Realistic documents for the benchmark, generated from templates with a seeded RNG.

The shapes follow the corpus (see the design notes): a headline or a derived title,
paragraphs of machine-translated French about NATO, Russia, Ukraine and the United
States, outlet credits and boilerplate, and a topwar-style comment thread (0-50
comments, nested replies, authors with handles, French dates, scores, quotes).
Documents weigh 2-8 KB; every one is distinct (its doc_id is the hash of its text).
A share of them (``world``, half by default) are news on other subjects instead
(:mod:`benchmarks.world_news`): known and unknown people and organisations, places,
events and products, the work NER does on a real feed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.world_news import world_sentence, world_title

# Surface forms the gazetteer knows (names, aliases, metonyms, role phrases) and some
# it does not, so that extraction does the same work as on the corpus.
ACTOR_FORMS = [
    "Vladimir Poutine", "Poutine", "le président russe", "Joe Biden", "Biden",
    "le président américain", "Jens Stoltenberg", "le secrétaire général de l'OTAN",
    "Antony Blinken", "Jen Psaki", "Sergueï Lavrov", "l'OTAN", "l'Alliance",
    "l'Union européenne", "l'UE", "la Russie", "Moscou", "le Kremlin", "les États-Unis",
    "Washington", "la Maison Blanche", "l'Ukraine", "Kiev", "la Géorgie", "la Chine",
    "Pékin", "l'Allemagne", "Berlin", "la France", "Paris", "Mikhaïl Gorbatchev",
    "Volodymyr Zelensky", "la Pologne", "Dmitri Peskov", "Iouri Ouchakov",
]
VERBS = [
    "a déclaré que", "a rappelé que", "estime que", "a souligné que", "a averti que",
    "affirme que", "a répondu que", "considère que", "a indiqué que",
]
CLAUSES = [
    "les garanties de sécurité restent au cœur des discussions",
    "aucune concession ne sera faite sur l'élargissement vers l'Est",
    "les sanctions économiques seraient sans précédent",
    "la diplomatie doit l'emporter sur la confrontation",
    "les troupes massées près de la frontière inquiètent les alliés",
    "le gazoduc pourrait devenir un instrument de pression",
    "les négociations de Genève seront décisives",
    "les promesses verbales d'autrefois n'ont pas été tenues",
    "la sécurité européenne ne peut se construire sans dialogue",
    "les livraisons d'armes continueront malgré les avertissements",
]
FILLERS = [
    "Les discussions ont duré plusieurs heures dans une ambiance tendue.",
    "Aucun calendrier précis n'a été annoncé à l'issue de la rencontre.",
    "Les observateurs restent prudents sur la suite des négociations.",
    "Un communiqué commun devrait être publié dans les prochains jours.",
    "Il est à noter que la situation évolue rapidement sur le terrain.",
    "Selon plusieurs analystes, un compromis reste possible mais fragile.",
    "Les marchés ont réagi avec nervosité à ces déclarations.",
]
TITLES = [
    "{a} répond à {b} sur les garanties de sécurité",
    "« Le Kremlin a fait monter les enchères » : {a} face à {b}",
    "{a} menace {b} de « conséquences massives »",
    "Entretien entre {a} et {b} : ce qu'il faut retenir",
    "{a} refuse de donner à {b} des garanties",
]
OUTLETS = [
    "source : https://topwar.ru\ntraduction Avic pour Réseau International",
    "Source : Lire l'article complet par Réseau International",
    "• Photos utilisées: kremlin.ru",
    "écrit le journal britannique Financial Times",
]
BOILERPLATE = [
    "Vous aimer cet article ? Partagez-le avec un ami !",
    "*********************************",
    "Adblock test (Why?)",
    "Abonnez-vous et restez informé de l'actualité.",
]
COMMENTERS = [
    ("Sibiryak", "Andrey"), ("Dart2027", None), ("Vieux Marin", "Viktor"),
    ("Alexandre K.", "Alexander"), ("Jarilo", "Sergey"), ("Bulanov", "Ivan"),
    ("Alexeï Davydov", "Alexey"), ("Jacques Sékavar", "Jacques Sékavar"),
    ("Bitter", "Oleg"), ("Nord", None), ("Tatiana", "Tanya"), ("Kolya", "Nikolai"),
]
COMMENT_LINES = [
    "Personne ne donnera de garanties écrites.",
    "Alors il faut agir sans attendre leur permission.",
    "La force, c'est aussi l'économie.",
    "Tout est dans les limites du permis.",
    "Nous ne sommes pas intéressés par les concessions.",
    "Ils ont plus peur que nous de la guerre.",
    "Pendant que la bouillie est encore chaude dans la marmite.",
]
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre",
]


def _french(ts: datetime) -> str:
    return f"{ts.day} {MONTHS[ts.month - 1]} {ts.year} {ts.hour}: {ts.minute:02d}"


def _sentence(rng: random.Random, met: list[tuple[str, str]] | None = None) -> str:
    if met is not None:
        return world_sentence(rng, met)
    subject = rng.choice(ACTOR_FORMS)
    text = f"{subject[0].upper()}{subject[1:]} {rng.choice(VERBS)} {rng.choice(CLAUSES)}."
    if rng.random() < 0.5:
        text += f" {rng.choice(FILLERS)}"
    if rng.random() < 0.3:
        text += f" Selon {rng.choice(ACTOR_FORMS)}, {rng.choice(CLAUSES)}."
    return text


def _comment(rng: random.Random, depth: int, ordinal: int, posted: datetime,
             quoted: str | None, met: list[tuple[str, str]] | None) -> str:
    pad = "  " * (depth + 1)
    body = "  " * (depth + 2)
    score = rng.choice(["+4", "+2", "+1", "0", "-1", "-2", "+7"])
    lines = []
    if rng.random() < 0.85:
        name, handle = rng.choice(COMMENTERS)
        marker = rng.choice(["Офлайн", "Онлайн"])
        lines.append(f"{pad}{ordinal}. {name} {marker} {name}")
        who = f"{name} ({handle})" if handle else name
        lines.append(f"{body}{who} {_french(posted)}")
        lines.append(f"{body}{score}")
    else:
        lines.append(f"{pad}{ordinal}. {score}")
        lines.append(f"{body}{_french(posted)}")
    if quoted is not None:
        lines.append(f"{body}Citation: {quoted}")
        lines.append(f"{body}{rng.choice(COMMENT_LINES)}")
        lines.append("")
    for _ in range(rng.randint(1, 2)):
        if rng.random() < 0.5:
            lines.append(f"{body}{rng.choice(COMMENT_LINES)} {_sentence(rng, met)}")
        else:
            lines.append(f"{body}{rng.choice(COMMENT_LINES)}")
    return "\n".join(lines)


def document(number: int, seed: int = 8, world: float = 0.5) -> str:
    """The text of document ``number`` (2-8 KB, 0-50 comments); news on other subjects
    than the corpus's with probability ``world``."""
    rng = random.Random(seed * 1_000_003 + number)
    met: list[tuple[str, str]] | None = [] if rng.random() < world else None
    target = rng.randint(2048, 7800)
    comments = min(50, int(rng.expovariate(1 / 12))) if rng.random() < 0.85 else 0
    # A feed in time order: one document every 30 s of event time, give or take 6 hours.
    published = datetime(2021, 12, 1, 6) + timedelta(
        seconds=30 * number - rng.randint(0, 6 * 3600)
    )
    a, b = rng.sample(ACTOR_FORMS, 2)
    title = (world_title(rng, met) if met is not None
             else TITLES[number % len(TITLES)].format(a=a, b=b))
    parts = [title + f" ({number})", ""]
    # Always dated: an undated article counts at its arrival time, which is years
    # after these 2021 dates and would push every actor's window past them.
    parts += [f"Publié le {published.day} {MONTHS[published.month - 1]} "
              f"{published.year} à {published.hour}h{published.minute:02d}", ""]
    head = ["", "{count} commentaires", "information",
            "Cher lecteur, pour laisser des commentaires sur la publication, "
            "vous devez autoriser."]
    room = target - 1200  # the article keeps at least one paragraph
    written: list[str] = []
    posted = published + timedelta(minutes=rng.randint(5, 120))
    top = depth = 0
    for _ in range(comments):
        depth = rng.randint(0, min(depth + 1, 3)) if top else 0
        ordinal = top + 1 if depth == 0 else rng.randint(1, 3)
        quoted = rng.choice(COMMENTERS)[0] if depth and rng.random() < 0.2 else None
        text = _comment(rng, depth, ordinal, posted, quoted, met)
        room -= len(text.encode()) + 1
        if room < 0:
            break
        top += depth == 0
        written.append(text)
        posted += timedelta(minutes=rng.randint(1, 90))
    thread = [*head[:1], head[1].format(count=len(written)), *head[2:], *written] if written else []
    tail = ["", rng.choice(OUTLETS), "", rng.choice(BOILERPLATE)]
    size = len("\n".join(parts + tail + thread).encode())
    body: list[str] = []
    while size < target or not body:
        paragraph = " ".join(_sentence(rng, met) for _ in range(rng.randint(2, 4)))
        body += [paragraph, ""]
        size += len(paragraph.encode()) + 2
    return "\n".join(parts + body + tail + thread) + "\n"


def write_documents(
    folder: Path, count: int, start: int = 0, seed: int = 8, world: float = 0.5
) -> list[Path]:
    """Write documents ``start`` .. ``start + count - 1`` into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        path = folder / f"bench-{number:06d}.txt"
        path.write_text(document(number, seed, world), encoding="utf-8")
        paths.append(path)
    return paths
