"""Score the parsers and the actor extractor against an annotated set (``newswire eval``).

An annotated set is a folder of ``NNN_slug.txt`` documents, each with its expected output
in ``NNN_slug.json`` (format: ``tests/eval/README.md``), and optionally a ``set.json``:
``received_at`` says when the documents are taken to arrive (role phrases of an undated
article, "le secrétaire général de l'OTAN", resolve at that date, as they would have
when the set's articles were news), ``actor_ids`` lists the ids the annotations count
(default: every id they use). Each document goes through the worker's own
path: ``streams.ingest.read_document`` then ``agents.enrich.enrich``; only the events
that path yields are compared with the annotations. Nothing here touches Kafka or Faust.

What is scored:

- actor mentions, counted per document and per (actor, article | comments):
  tp = min(expected, found), fp = found - tp, fn = expected - tp; precision, recall and
  F1 per actor type and overall. The annotations give counts for a fixed list of ids
  (the "known" actors, ``actor_ids``). Every other actor found
  (gazetteer actors outside that list, names found by NER) is scored against the
  document's ``new_actors``, matched by name, on the document's total; "all" adds both.
  Every mention found is therefore scored once, in one of the two scopes.
- comment structure: exact-match rate of each field (id, parent, depth, author, handle,
  posted_at, score, quote authors, quoted comment ids, quoted comments' authors) over
  every annotated comment, matched by id; a comment the parser invents counts as a
  wrong id.
- the article: title and title_derived always; outlet and published where the
  annotation gives a value ("given", the targets), and separately whether the parser
  also says nothing where the annotation says null ("absent").
- comment counts: the declared "N commentaires" and the number of comments read.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import orjson
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from agents.enrich import enrich
from agents.extraction.actors import ActorType, Gazetteer, default_gazetteer, fold
from streams.ingest import read_document
from streams.models import ActorMention, CommentEvent, FileEvent

if TYPE_CHECKING:
    from agents.extraction.ner import EntityRecognizer

__all__ = [
    "TARGETS",
    "Annotation",
    "EvalDocument",
    "EvalSet",
    "Mismatch",
    "NerNames",
    "Rate",
    "Report",
    "Score",
    "Targets",
    "count_score",
    "evaluate",
    "load_set",
    "render_json",
    "render_text",
    "report_dict",
]

ACTOR_TYPES: tuple[ActorType, ...] = ("person", "organization", "country")
COMMENT_FIELDS = (
    "id", "parent", "depth", "author", "handle", "posted_at", "score", "quote_authors",
    "quote_comment_ids", "quote_resolved_authors",
)
Part = Literal["article", "comments"]
_MAX_BYTES = 64 * 1024 * 1024  # annotated documents are small; this only guards the reader


# --------------------------------------------------------------------------- scores


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


def _tally(rates: dict[str, Rate], name: str, right: bool) -> None:
    rates[name] = rates.get(name, Rate()) + Rate(int(right), 1)


# --------------------------------------------------------------------------- annotations


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AnnotatedComment(_Strict):
    """The expected reading of one comment."""

    id: str
    parent: str | None
    depth: int
    author: str | None
    handle: str | None
    posted_at: AwareDatetime | None
    score: int | None
    quote_authors: list[str] = Field(default_factory=list)
    quote_comment_ids: list[str | None] = Field(default_factory=list)


class AnnotatedActors(_Strict):
    """Expected mentions per actor id, in the article (headline and body) and the comments."""

    article: dict[str, int] = Field(default_factory=dict)
    comments: dict[str, int] = Field(default_factory=dict)


class NewActor(_Strict):
    """A named actor outside the set's id list, mentions summed over the document."""

    name: str
    type: ActorType
    mentions: int = Field(ge=1)


class Annotation(_Strict):
    """The expected output for one document (see ``tests/eval/README.md``)."""

    title: str
    title_derived: bool
    outlet: str | None
    published: date | None
    comment_count_declared: int | None
    comments: list[AnnotatedComment] = Field(default_factory=list)
    actors: AnnotatedActors = Field(default_factory=AnnotatedActors)
    new_actors: list[NewActor] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EvalDocument:
    """One annotated document: its name, its text file and what it should yield."""

    name: str
    path: Path
    annotation: Annotation


class _SetInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    received_at: AwareDatetime | None = None
    actor_ids: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class EvalSet:
    """An annotated set: its documents, and when they are taken to have arrived."""

    documents: tuple[EvalDocument, ...]
    received_at: datetime | None = None
    actor_ids: frozenset[str] | None = None

    @property
    def known_ids(self) -> frozenset[str]:
        """The ids the annotations count (``set.json``'s list, else every id they use)."""
        used = frozenset(
            actor_id
            for document in self.documents
            for counts in (document.annotation.actors.article,
                           document.annotation.actors.comments)
            for actor_id in counts
        )
        return used | (self.actor_ids or frozenset())


def load_set(directory: Path) -> EvalSet:
    """Read an annotated set: every ``*.txt`` that has a ``.json`` beside it.

    Raises ValueError when the folder holds no annotated document or an annotation is
    malformed (the message names the file).
    """
    documents = []
    for text_path in sorted(directory.glob("*.txt")):
        json_path = text_path.with_suffix(".json")
        if not json_path.is_file():
            continue
        try:
            annotation = Annotation.model_validate_json(json_path.read_bytes())
        except ValueError as exc:
            raise ValueError(f"{json_path.name}: {exc}") from exc
        documents.append(EvalDocument(text_path.stem, text_path, annotation))
    if not documents:
        raise ValueError(f"no annotated document (NNN_name.txt + NNN_name.json) in {directory}")
    info_path = directory / "set.json"
    info = _SetInfo.model_validate_json(info_path.read_bytes()) if info_path.is_file() else None
    if info is None:
        return EvalSet(tuple(documents))
    return EvalSet(tuple(documents), info.received_at, info.actor_ids)


# --------------------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class Targets:
    """The quality targets of the project (issue 5)."""

    actor_f1: float = 0.95
    actor_type_f1: float = 0.90
    comment_fields: float = 0.99
    article_fields: float = 0.95


TARGETS = Targets()
_TARGETED_ARTICLE_FIELDS = ("title", "outlet", "published")


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
    """Everything ``newswire eval`` measures on one annotated set."""

    directory: str
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
        """Mentions of the set's known actors, every type."""
        return sum(self.known.values(), Score())

    @property
    def new_overall(self) -> Score:
        """Mentions of actors outside the set's id list, every type."""
        return sum(self.new.values(), Score())

    @property
    def all_actors(self) -> dict[str, Score]:
        """Known and new actors together, per type."""
        return {kind: self.known[kind] + self.new[kind] for kind in ACTOR_TYPES}

    @property
    def comment_structure(self) -> Rate:
        """Every comment field of every comment."""
        return sum(self.comment_fields.values(), Rate())

    @property
    def docs_per_second(self) -> float:
        """Documents through read + enrich per second (the model already loaded)."""
        return self.documents / self.seconds if self.seconds else 0.0

    def failures(self, targets: Targets = TARGETS) -> list[str]:
        """One line per target that is not met; empty when all are."""
        failed = []
        overall = self.known_overall
        if overall.f1 < targets.actor_f1:
            failed.append(f"actor mentions: F1 {overall.f1:.3f} < {targets.actor_f1} overall")
        for kind, score in self.known.items():
            if score.f1 < targets.actor_type_f1:
                failed.append(
                    f"actor mentions: F1 {score.f1:.3f} < {targets.actor_type_f1} for {kind}"
                )
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


# --------------------------------------------------------------------------- scoring


def evaluate(
    directory: Path | EvalSet,
    *,
    gazetteer: Gazetteer | None = None,
    ner: EntityRecognizer | None = None,
) -> Report:
    """Run every annotated document through read + enrich and score the result."""
    evalset = directory if isinstance(directory, EvalSet) else load_set(directory)
    gazetteer = gazetteer or default_gazetteer()
    if ner is not None:
        ner.load()  # not part of the timing
    known_ids = evalset.known_ids
    report = Report(
        directory=str(directory) if isinstance(directory, Path) else "",
        ner=ner is not None,
        ner_names=NerNames() if ner is not None else None,
    )
    for document in evalset.documents:
        started = time.perf_counter()
        event = read_document(document.path, max_bytes=_MAX_BYTES)
        if isinstance(event, FileEvent):
            if evalset.received_at is not None:
                event = event.model_copy(update={"received_at": evalset.received_at})
            result = enrich(event, gazetteer, ner=ner)
        report.seconds += time.perf_counter() - started
        report.documents += 1
        report.comments += len(document.annotation.comments)
        if not isinstance(event, FileEvent):
            _score_rejected(report, document, known_ids, f"{event.reason}: {event.detail}")
            continue
        article = result.article
        _score_article(
            report, document, article.title, article.title_derived, article.outlet,
            article.published, article.comment_count_declared, len(result.comments),
        )
        _score_comments(report, document, result.comments)
        _score_actors(report, document, article.actors, result.comments, known_ids, gazetteer)
    return report


def _score_rejected(
    report: Report, document: EvalDocument, known_ids: frozenset[str], reason: str
) -> None:
    """A document the reader refused: everything expected of it is missed."""
    report.mismatches.append(Mismatch(document.name, "file", "rejected", "a document", reason))
    _score_article(report, document, None, None, None, None, None, 0)
    _score_comments(report, document, [])
    _score_actors(report, document, [], [], known_ids, None)


def _score_article(
    report: Report,
    document: EvalDocument,
    title: str | None,
    title_derived: bool | None,
    outlet: str | None,
    published: datetime | None,
    declared: int | None,
    comments: int,
) -> None:
    expected = document.annotation
    found_date = published.date() if published is not None else None
    checks: list[tuple[str, Any, Any]] = [
        ("title", expected.title, title),
        ("title_derived", expected.title_derived, title_derived),
    ]
    for name, want, got in (("outlet", expected.outlet, outlet),
                            ("published", expected.published, found_date)):
        if want is None:
            _tally(report.absent_fields, name, got is None)
            if got is not None:
                report.mismatches.append(Mismatch(document.name, "article", name, None, got))
        else:
            checks.append((name, want, got))
    for name, want, got in checks:
        _tally(report.article_fields, name, want == got)
        if want != got:
            report.mismatches.append(Mismatch(document.name, "article", name, want, got))
    counts: list[tuple[str, int | None, int | None]] = [
        ("comment_count_declared", expected.comment_count_declared, declared),
        ("comments", len(expected.comments), comments),
    ]
    for name, number, found in counts:
        _tally(report.counts, name, number == found)
        if number != found:
            report.mismatches.append(Mismatch(document.name, "counts", name, number, found))


def _comment_values(comment: CommentEvent) -> dict[str, Any]:
    return {
        "parent": comment.parent_id,
        "depth": comment.depth,
        "author": comment.author,
        "handle": comment.author_handle,
        "posted_at": comment.posted_at,
        "score": comment.score,
        "quote_authors": [quote.author for quote in comment.quotes],
        "quote_comment_ids": [quote.comment_id for quote in comment.quotes],
        "quote_resolved_authors": [quote.author_resolved for quote in comment.quotes],
    }


def _score_comments(
    report: Report, document: EvalDocument, comments: Sequence[CommentEvent]
) -> None:
    annotated = document.annotation.comments
    found = {comment.comment_id: comment for comment in comments}
    expected_ids = {comment.id for comment in annotated}
    # The author each quote should resolve to: the annotated author of the quoted comment.
    expected_authors = {comment.id: comment.author for comment in annotated}
    for want in annotated:
        got = found.get(want.id)
        _tally(report.comment_fields, "id", got is not None)
        expected = {
            "parent": want.parent,
            "depth": want.depth,
            "author": want.author,
            "handle": want.handle,
            "posted_at": want.posted_at,
            "score": want.score,
            "quote_authors": want.quote_authors,
            "quote_comment_ids": want.quote_comment_ids,
            "quote_resolved_authors": [
                expected_authors.get(quoted) if quoted else None
                for quoted in want.quote_comment_ids
            ],
        }
        if got is None:
            report.mismatches.append(Mismatch(document.name, f"comment {want.id}", "id",
                                              want.id, None))
            for name in expected:
                _tally(report.comment_fields, name, False)
            continue
        values = _comment_values(got)
        for name, value in expected.items():
            _tally(report.comment_fields, name, values[name] == value)
            if values[name] != value:
                report.mismatches.append(
                    Mismatch(document.name, f"comment {want.id}", name, value, values[name])
                )
    for comment in comments:
        if comment.comment_id not in expected_ids:  # a comment the parser made up
            _tally(report.comment_fields, "id", False)
            report.mismatches.append(
                Mismatch(document.name, f"comment {comment.comment_id}", "id", None,
                         comment.comment_id)
            )


def _score_actors(
    report: Report,
    document: EvalDocument,
    actors: Sequence[ActorMention],
    comments: Sequence[CommentEvent],
    known_ids: frozenset[str],
    gazetteer: Gazetteer | None,
) -> None:
    """Known actors per (actor, part); the others against ``new_actors``, per document."""
    total = {actor.id: actor.mentions for actor in actors}
    in_comments: Counter[str] = Counter()
    for comment in comments:
        for actor in comment.actors:
            in_comments[actor.id] += actor.mentions
    found: dict[Part, Mapping[str, int]] = {
        "article": {key: total[key] - in_comments[key] for key in total},
        "comments": in_comments,
    }
    expected: dict[Part, Mapping[str, int]] = {
        "article": document.annotation.actors.article,
        "comments": document.annotation.actors.comments,
    }
    kinds = {actor.id: actor.type for actor in actors}
    for part in ("article", "comments"):
        for actor_id in sorted(set(expected[part]) | (set(found[part]) & known_ids)):
            want, got = expected[part].get(actor_id, 0), found[part].get(actor_id, 0)
            score = count_score(want, got)
            kind = kinds.get(actor_id) or _known_type(gazetteer, actor_id)
            report.known[kind] = report.known.get(kind, Score()) + score
            report.known_parts[part] += score
            if want != got:
                report.mismatches.append(
                    Mismatch(document.name, f"actors/{part}", actor_id, want, got)
                )
    others = [actor for actor in actors if actor.id not in known_ids]
    _score_new(report, document, others, gazetteer)


def _known_type(gazetteer: Gazetteer | None, actor_id: str) -> str:
    actor = (gazetteer or default_gazetteer()).get(actor_id)
    return actor.type if actor is not None else "unknown"


def _name_key(name: str) -> list[str]:
    return fold(name.replace("’", "'")).replace("-", " ").split()


def _same_actor(name: str, actor: ActorMention, gazetteer: Gazetteer | None) -> bool:
    """Whether an annotated new name and an actor found are the same one."""
    wanted, got = _name_key(name), _name_key(actor.name)
    if wanted == got or "-".join(wanted) == actor.id:
        return True
    if gazetteer is not None and gazetteer.get(actor.id) is not None:
        return actor.id in gazetteer.extract(name)  # "Sergueï Riabkov" is an alias
    # A surname alone, or a fuller form of the same name.
    return bool(wanted and got) and wanted[-1] == got[-1] and len(wanted[-1]) > 2


def _score_new(
    report: Report,
    document: EvalDocument,
    actors: Iterable[ActorMention],
    gazetteer: Gazetteer | None,
) -> None:
    """Actors outside the set's ids against the annotated ``new_actors``, by name."""
    remaining = list(actors)
    names = report.ner_names
    for entry in document.annotation.new_actors:
        match = next((a for a in remaining if _same_actor(entry.name, a, gazetteer)), None)
        if match is None:
            report.new[entry.type] += Score(fn=entry.mentions)
            report.mismatches.append(
                Mismatch(document.name, "new actors", entry.name, entry.mentions, 0)
            )
            if names is not None and entry.type != "country":
                names.reachable += 1
            continue
        remaining.remove(match)
        by_ner = gazetteer is not None and gazetteer.get(match.id) is None
        if names is not None and by_ner and entry.type != "country":
            names.reachable += 1
        if match.type != entry.type:
            report.new[entry.type] += Score(fn=entry.mentions)
            report.new[match.type] += Score(fp=match.mentions)
            report.mismatches.append(Mismatch(
                document.name, "new actors", entry.name, entry.type, f"{match.id} {match.type}"
            ))
            if names is not None and by_ner:
                names.false += 1
                names.false_names.append(f"{document.name}: {match.name} ({match.type})")
            continue
        report.new[entry.type] += count_score(entry.mentions, match.mentions)
        if entry.mentions != match.mentions:
            report.mismatches.append(Mismatch(
                document.name, "new actors", entry.name, entry.mentions, match.mentions
            ))
        if names is not None and by_ner:
            names.true += 1
            names.true_names.append(f"{document.name}: {match.name}")
    for actor in remaining:
        report.new[actor.type] += Score(fp=actor.mentions)
        report.mismatches.append(
            Mismatch(document.name, "new actors", actor.id, 0, actor.mentions)
        )
        if names is not None and gazetteer is not None and gazetteer.get(actor.id) is None:
            names.false += 1
            names.false_names.append(f"{document.name}: {actor.name} ({actor.type})")


# --------------------------------------------------------------------------- rendering


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def report_dict(report: Report, targets: Targets = TARGETS) -> dict[str, Any]:
    """The report as plain JSON-ready data, with its verdict."""
    known_overall = report.known_overall
    data: dict[str, Any] = {
        "directory": report.directory,
        "documents": report.documents,
        "comments": report.comments,
        "ner": report.ner,
        "actors": {
            "known": {"overall": known_overall.as_dict(),
                      **{k: s.as_dict() for k, s in report.known.items()},
                      "parts": {k: s.as_dict() for k, s in report.known_parts.items()}},
            "new": {"overall": report.new_overall.as_dict(),
                    **{k: s.as_dict() for k, s in report.new.items()}},
            "all": {"overall": sum(report.all_actors.values(), Score()).as_dict(),
                    **{k: s.as_dict() for k, s in report.all_actors.items()}},
        },
        "comment_fields": {
            "overall": report.comment_structure.as_dict(),
            **{k: r.as_dict() for k, r in report.comment_fields.items()},
        },
        "article_fields": {k: r.as_dict() for k, r in report.article_fields.items()},
        "absent_fields": {k: r.as_dict() for k, r in report.absent_fields.items()},
        "counts": {k: r.as_dict() for k, r in report.counts.items()},
        "docs_per_second": round(report.docs_per_second, 1),
        "targets": asdict(targets),
        "failures": report.failures(targets),
        "passed": not report.failures(targets),
        "mismatches": [
            {**asdict(m), "expected": _plain(m.expected), "found": _plain(m.found)}
            for m in report.mismatches
        ],
    }
    if report.ner_names is not None:
        names = report.ner_names
        data["ner_names"] = {
            "true": names.true, "false": names.false, "reachable": names.reachable,
            "precision": round(names.precision, 4), "recall": round(names.recall, 4),
            "true_names": names.true_names, "false_names": names.false_names,
        }
    return data


def render_json(report: Report, targets: Targets = TARGETS) -> str:
    """The report as one JSON object."""
    return orjson.dumps(report_dict(report, targets)).decode()


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def render_text(report: Report, targets: Targets = TARGETS, *, details: int = 20) -> str:
    """The report as tables for people, with the first ``details`` mismatches."""
    from rich.console import Console
    from rich.table import Table

    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None, highlight=False)
    ner = "on" if report.ner else "off"
    console.print(
        f"newswire eval: {report.documents} documents, {report.comments} comments"
        f" ({report.directory or 'set'}); NER {ner}; {report.docs_per_second:.0f} documents/s"
    )

    actors = Table(
        title="Actor mentions", title_justify="left", caption_justify="left",
        caption="known: the set's actor ids (the targets); new: every other actor found,"
        " matched by name with new_actors; all: both",
    )
    for column in ("scope", "type", "tp", "fp", "fn", "precision", "recall", "F1"):
        actors.add_column(column, justify="left" if column in ("scope", "type") else "right")
    scopes = (
        ("known", {**report.known, "overall": report.known_overall}),
        ("known", {f"in {k}": s for k, s in report.known_parts.items()}),
        ("new", {**report.new, "overall": report.new_overall}),
        ("all", {**report.all_actors,
                 "overall": sum(report.all_actors.values(), Score())}),
    )
    for scope, scores in scopes:
        for kind, score in scores.items():
            actors.add_row(scope, kind, str(score.tp), str(score.fp), str(score.fn),
                           _percent(score.precision), _percent(score.recall), _percent(score.f1))
        actors.add_section()
    console.print(actors)
    if report.ner_names is not None:
        names = report.ner_names
        console.print(
            f"NER names: {names.true} true, {names.false} false"
            f" (precision {_percent(names.precision)}), recall {_percent(names.recall)} of"
            f" {names.reachable} annotated person/organisation names the gazetteer misses"
        )
        if names.true_names:
            console.print("  true: " + "; ".join(names.true_names))
        if names.false_names:
            console.print("  false: " + "; ".join(names.false_names))

    fields = Table(title="Exact match", title_justify="left")
    for column in ("what", "field", "correct", "total", "rate"):
        fields.add_column(column, justify="left" if column in ("what", "field") else "right")
    groups = (
        ("comment", {**report.comment_fields, "all fields": report.comment_structure}),
        ("article (given)", report.article_fields),
        ("article (null)", report.absent_fields),
        ("counts", report.counts),
    )
    for what, rates in groups:
        for name, rate in rates.items():
            fields.add_row(what, name, str(rate.correct), str(rate.total), _percent(rate.rate))
        fields.add_section()
    console.print(fields)

    if report.mismatches:
        shown = report.mismatches[:details]
        console.print(f"{len(report.mismatches)} mismatches" + (
            f" (first {len(shown)}; --json lists all)" if len(shown) < len(report.mismatches)
            else ""))
        for m in shown:
            console.print(f"  {m.document} {m.where} {m.field}: expected {_plain(m.expected)!r},"
                          f" found {_plain(m.found)!r}")
    failures = report.failures(targets)
    for line in failures:
        console.print(f"TARGET FAILED: {line}")
    if not failures:
        console.print("all targets met")
    return out.getvalue()
