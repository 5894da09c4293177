"""Hand-made annotated sets for the `newswire eval` tests: one small document in the
corpus shape (older scheme), and one out-of-domain document of scheme ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# A small document in the corpus shape: headline, date line, body, a two-comment thread.
TEXT = """Poutine et Biden se parleront mardi

Publié le 6 décembre 2021 à 10h20

Vladimir Poutine et Joe Biden auront un entretien vidéo. Le Kremlin a confirmé l'appel.

2 commentaires
information
Cher lecteur, pour laisser des commentaires sur la publication, vous devez autoriser.
  1. Bitter Офлайн Bitter
    Bitter (Amer) 6 décembre 2021 11: 30
    +2
    L'OTAN ne changera pas.
    1. Jarilo Офлайн Jarilo
      Jarilo (Sergey) 6 décembre 2021 12: 05
      -1
      Citation: amer
      L'OTAN ne changera pas.

      Poutine a raison.
"""


def annotation(**changes: Any) -> dict[str, Any]:
    """The hand-checked expected output of TEXT; ``changes`` replace top-level keys."""
    expected: dict[str, Any] = {
        "title": "Poutine et Biden se parleront mardi",
        "title_derived": False,
        "outlet": None,
        "published": "2021-12-06",
        "comment_count_declared": 2,
        "comments": [
            {"id": "1", "parent": None, "depth": 1, "author": "Bitter", "handle": "Amer",
             "posted_at": "2021-12-06T11:30:00Z", "score": 2, "quote_authors": [],
             "quote_comment_ids": []},
            {"id": "1.1", "parent": "1", "depth": 2, "author": "Jarilo", "handle": "Sergey",
             "posted_at": "2021-12-06T12:05:00Z", "score": -1, "quote_authors": ["amer"],
             "quote_comment_ids": ["1"]},
        ],
        # Headline: Poutine, Biden; body: Vladimir Poutine, Joe Biden, le Kremlin.
        "actors": {"article": {"vladimir-putin": 2, "joe-biden": 2, "russia": 1},
                   "comments": {"nato": 1, "vladimir-putin": 1}},
        "new_actors": [],
    }
    expected.update(changes)
    return expected


def write_set(folder: Path, expected: dict[str, Any], text: str = TEXT) -> Path:
    """A set in ``folder`` of one document, ``text``, annotated ``expected``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "001_appel.txt").write_text(text, encoding="utf-8")
    (folder / "001_appel.json").write_text(json.dumps(expected), encoding="utf-8")
    return folder


WORLD_TEXT = """Le Parti travailliste l'emporte à Londres

Publié le 5 juillet 2024 à 08h00

Keir Starmer devient Premier ministre. Le Parti travailliste de Keir Starmer a gagné.
Selon Amélie Fortunat, politologue, Starmer devra agir vite.
"""


def world_annotation(**changes: Any) -> dict[str, Any]:
    """TEXT_WORLD as an annotator of scheme ids writes it: every actor by id and name."""
    expected: dict[str, Any] = {
        "title": "Le Parti travailliste l'emporte à Londres",
        "title_derived": False, "outlet": None, "published": "2024-07-05",
        "comment_count_declared": None, "comments": [],
        # Keir Starmer x3 ("Premier ministre" is a predicate here), Londres, the party x2,
        # Amélie Fortunat (unknown to the gazetteer).
        "actors": {"article": {"keir-starmer": 3, "united-kingdom": 1, "labour-party-uk": 2,
                               "amelie-fortunat": 1}, "comments": {}},
        "actor_names": {
            "keir-starmer": {"name": "Keir Starmer", "type": "person"},
            "united-kingdom": {"name": "United Kingdom", "type": "country",
                               "forms": ["Londres"]},
            "labour-party-uk": {"name": "Labour Party (UK)", "type": "organization",
                                "forms": ["Parti travailliste"]},
            "amelie-fortunat": {"name": "Amélie Fortunat", "type": "person"},
        },
    }
    expected.update(changes)
    return expected


def write_world_set(folder: Path, expected: dict[str, Any], **info: Any) -> Path:
    """A set of scheme ids of WORLD_TEXT; ``info`` joins its set.json."""
    write_set(folder, expected, WORLD_TEXT)
    (folder / "set.json").write_text(json.dumps({"scheme": "ids", **info}))
    return folder
