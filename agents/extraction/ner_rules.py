"""The rules file of the name recogniser (``ner.json``) and how names are compared."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from agents.extraction.entries import ActorType
from agents.extraction.folding import fold

APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})


def key_of(name: str) -> str:
    """How names are compared: folded case and accents, single spaces."""
    return " ".join(fold(name.translate(APOSTROPHES)).split())


def slug(name: str) -> str:
    """A stable actor id for a name: ``"Mikheïl Saakachvili"`` -> ``"mikheil-saakachvili"``.

    Names without a Latin letter or digit (Cyrillic) get a short hash instead.
    """
    ascii_form = re.sub(r"[^a-z0-9]+", "-", key_of(name)).strip("-")
    if ascii_form:
        return ascii_form
    return "name-" + hashlib.sha1(key_of(name).encode()).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class NerRules:
    """The content of ``ner.json``: which labels count and which names never do."""

    labels: dict[str, ActorType] = field(
        default_factory=lambda: {"PER": "person", "ORG": "organization"}
    )
    link_labels: frozenset[str] = frozenset()  # kept only as the short form of a name
    place_labels: frozenset[str] = frozenset()  # a state when the gazetteer knows it
    leading: tuple[str, ...] = ()
    not_after: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()

    @classmethod
    def load(cls, path: Path | None = None) -> NerRules:
        """Read a rules file (by default the one shipped next to this module)."""
        if path is None:
            package = __name__.rpartition(".")[0]
            raw = resources.files(package).joinpath("ner.json").read_text(encoding="utf-8")
        else:
            raw = path.read_text(encoding="utf-8")
        data: dict[str, Any] = json.loads(raw)
        labels = data.get("labels", {"PER": "person", "ORG": "organization"})
        for label, kind in labels.items():
            if kind not in ("person", "organization", "country"):
                raise ValueError(f"ner.json: label {label!r} maps to unknown type {kind!r}")
        leading = sorted(
            (str(word).translate(APOSTROPHES) for word in data.get("leading", ())),
            key=len,
            reverse=True,
        )
        return cls(
            labels=dict(labels),
            link_labels=frozenset(data.get("link_labels", ())),
            place_labels=frozenset(data.get("place_labels", ())),
            leading=tuple(leading),
            not_after=frozenset(fold(str(word)) for word in data.get("not_after", ())),
            ignore=frozenset(key_of(str(word)) for word in data.get("ignore", ())),
        )


@lru_cache(maxsize=1)
def default_rules() -> NerRules:
    """The rules shipped with the package, read once."""
    return NerRules.load()
