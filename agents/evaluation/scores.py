"""The arithmetic of ``newswire eval``: counts of hits and misses, rates, and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents.evaluation.annotations import SetTargets

__all__ = [
    "ACTOR_TYPES",
    "COMMENT_FIELDS",
    "TARGETS",
    "Mismatch",
    "NerNames",
    "Rate",
    "Report",
    "Score",
    "count_score",
    "tally",
]

ACTOR_TYPES = ("person", "organization", "country")
COMMENT_FIELDS = (
    "id", "parent", "depth", "author", "handle", "posted_at", "score", "quote_authors",
    "quote_comment_ids", "quote_resolved_authors",
)
TARGETS = SetTargets()
_TARGETED_ARTICLE_FIELDS = ("title", "outlet", "published")


@dataclass(frozen=True, slots=True)
class Score:
    """Counts of true positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        """Share of what was found that was expected (1.0 when nothing was found)."""
        found = self.tp + self.fp
        return self.tp / found if found else 1.0

    @property
    def recall(self) -> float:
        """Share of what was expected that was found (1.0 when nothing was expected)."""
        expected = self.tp + self.fn
        return self.tp / expected if expected else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def count_score(expected: int, found: int) -> Score:
    """Score one count: the mentions an annotator counted against those found."""
    tp = min(expected, found)
    return Score(tp=tp, fp=found - tp, fn=expected - tp)


@dataclass(frozen=True, slots=True)
class Rate:
    """An exact-match rate: how many of ``total`` values were right."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.correct + other.correct, self.total + other.total)

    @property
    def rate(self) -> float | None:
        """correct / total, or None when there was nothing to compare."""
        return self.correct / self.total if self.total else None

    def as_dict(self) -> dict[str, float | int | None]:
        rate = self.rate
        return {"correct": self.correct, "total": self.total,
                "rate": None if rate is None else round(rate, 4)}


def tally(rates: dict[str, Rate], name: str, right: bool) -> None:
    """Count one compared value in ``rates[name]``."""
    rates[name] = rates.get(name, Rate()) + Rate(int(right), 1)


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One difference between the annotation and what the pipeline yielded."""

    document: str
    where: str  # "article", "comment 2.1", "actors/article", "new actors", ...
    field: str
    expected: Any
    found: Any


@dataclass(slots=True)
class NerNames:
    """How NER did on names: distinct new actors per document, true and false."""

    true: int = 0
    false: int = 0
    reachable: int = 0  # annotated person/organisation names the gazetteer did not find
    true_names: list[str] = field(default_factory=list)
    false_names: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of NER's new actors that are annotated new names."""
        found = self.true + self.false
        return self.true / found if found else 1.0

    @property
    def recall(self) -> float:
        """Share of the annotated names left to NER (not in the gazetteer) that it found."""
        return self.true / self.reachable if self.reachable else 1.0


def _by_type() -> dict[str, Score]:
    return {kind: Score() for kind in ACTOR_TYPES}


@dataclass(slots=True)
class Report:
    """Everything ``newswire eval`` measures on one annotated set.

    ``known`` and ``new`` split the actor mentions in two scopes. Scheme ``ids``: actors
    the gazetteer knows, and the others (NER's share). Older scheme: the set's listed
    ids, and every other actor (matched by name with ``new_actors``).
    """

    directory: str
    scheme: str = "names"
    targets: SetTargets = TARGETS
    documents: int = 0
    comments: int = 0
    ner: bool = False
    known: dict[str, Score] = field(default_factory=_by_type)
    known_parts: dict[str, Score] = field(
        default_factory=lambda: {"article": Score(), "comments": Score()}
    )
    new: dict[str, Score] = field(default_factory=_by_type)
    ner_names: NerNames | None = None
    comment_fields: dict[str, Rate] = field(
        default_factory=lambda: {name: Rate() for name in COMMENT_FIELDS}
    )
    article_fields: dict[str, Rate] = field(default_factory=dict)
    absent_fields: dict[str, Rate] = field(default_factory=dict)
    counts: dict[str, Rate] = field(default_factory=dict)
    seconds: float = 0.0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def known_overall(self) -> Score:
        """Mentions of the first scope, every type."""
        return sum(self.known.values(), Score())

    @property
    def new_overall(self) -> Score:
        """Mentions of the second scope, every type."""
        return sum(self.new.values(), Score())

    @property
    def all_actors(self) -> dict[str, Score]:
        """Both scopes together, per type."""
        return {kind: self.known[kind] + self.new[kind] for kind in ACTOR_TYPES}

    @property
    def targeted(self) -> dict[str, Score]:
        """The scores the actor targets apply to, per type: every actor (scheme ids) or
        the listed ids (older scheme)."""
        return self.all_actors if self.scheme == "ids" else self.known

    @property
    def comment_structure(self) -> Rate:
        """Every comment field of every comment."""
        return sum(self.comment_fields.values(), Rate())

    @property
    def docs_per_second(self) -> float:
        """Documents through read + enrich per second (the model already loaded)."""
        return self.documents / self.seconds if self.seconds else 0.0

    def failures(self) -> list[str]:
        """One line per target that is not met; empty when all are."""
        targets = self.targets
        failed = []
        scores = self.targeted
        overall = sum(scores.values(), Score())
        if overall.f1 < targets.actor_f1:
            failed.append(f"actor mentions: F1 {overall.f1:.3f} < {targets.actor_f1} overall")
        for kind, score in scores.items():
            target = getattr(targets, kind)
            if score.tp + score.fn + score.fp and score.f1 < target:
                failed.append(f"actor mentions: F1 {score.f1:.3f} < {target} for {kind}")
        for name, rate in self.comment_fields.items():
            if rate.rate is not None and rate.rate < targets.comment_fields:
                failed.append(
                    f"comment structure: {name} {rate.rate:.3f} < {targets.comment_fields}"
                )
        for name in _TARGETED_ARTICLE_FIELDS:
            rate = self.article_fields.get(name, Rate())
            if rate.rate is not None and rate.rate < targets.article_fields:
                failed.append(f"article: {name} {rate.rate:.3f} < {targets.article_fields}")
        return failed
