"""Articles generated from templates with known actor mentions (ground truth by design)."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

# Surface forms that each count exactly once for one actor, and filler text that
# mentions no actor at all.
ACTORS: list[tuple[str, str]] = [
    ("Vladimir Poutine", "vladimir-putin"),
    ("Joe Biden", "joe-biden"),
    ("Jens Stoltenberg", "jens-stoltenberg"),
    ("Antony Blinken", "antony-blinken"),
    ("Jen Psaki", "jen-psaki"),
    ("l'OTAN", "nato"),
    ("l'Union européenne", "european-union"),
    ("la Russie", "russia"),
    ("les États-Unis", "united-states"),
    ("l'Ukraine", "ukraine"),
    ("la Géorgie", "georgia"),
    ("la Chine", "china"),
    ("l'Allemagne", "germany"),
]
# A two-comment thread in the topwar shape (authors, handles, dates, scores, a reply).
THREAD = """
2 commentaires
information
Cher lecteur, pour laisser des commentaires sur la publication, vous devez autoriser.
  1. Bitter Офлайн Bitter
    Bitter (Amer) 10 décembre 2021 11: 30
    +2
    L'OTAN ne changera pas.
    1. Jarilo Офлайн Jarilo
      Jarilo (Sergey) 10 décembre 2021 12: 05
      -1
      Poutine a raison.
"""
FILLERS = [
    "Les discussions ont duré plusieurs heures dans une ambiance tendue.",
    "Aucun calendrier précis n'a été annoncé à l'issue de la rencontre.",
    "Les observateurs restent prudents sur la suite des négociations.",
    "Un communiqué commun devrait être publié dans les prochains jours.",
]


def write_articles(folder: Path, count: int, start: int = 0, seed: int = 7) -> Counter[str]:
    """Write ``count`` articles into ``folder``; return the mentions they hold per actor."""
    rng = random.Random(seed + start)
    truth: Counter[str] = Counter()
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f"{folder.name}-staging"
    staging.mkdir(exist_ok=True)
    for number in range(start, start + count):
        (a, a_id), (b, b_id), (c, c_id) = rng.sample(ACTORS, 3)
        extra = rng.randint(0, 2)
        lines = [
            f"Dépêche numéro {number} : {a} répond à {b}",
            "",
            f"{a} a reçu une délégation venue de {b}. {rng.choice(FILLERS)}",
            "",
            f"Selon le texte numéro {number}, {c} suit le dossier de près. "
            + " ".join([f"{a} insiste." for _ in range(extra)]),
            "",
            rng.choice(FILLERS),
        ]
        truth[a_id] += 2 + extra
        truth[b_id] += 2
        truth[c_id] += 1
        tmp = staging / f"depeche-{number:05d}.txt"
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.rename(folder / tmp.name)
    return truth
