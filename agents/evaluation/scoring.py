"""Run an annotated set through the worker's own path and score what it yields.

Each document goes through ``streams.ingest.read_document`` then ``agents.documents.enrich.enrich``;
only the events that path yields are compared with the annotations. Nothing here touches
Kafka or Faust.

- actor mentions, counted per document and per (actor, article | comments):
  tp = min(expected, found), fp = found - tp, fn = expected - tp; precision, recall and
  F1 per actor type. Scheme ``ids``: an actor found is the annotated one with its id, or
  else with its name (a spelling the gazetteer knows, the same surname for a person);
  the report splits actors the gazetteer knows from the others. Older scheme: the
  listed ids per part, every other actor against ``new_actors`` by name on the whole
  document. Every mention found is scored once (:mod:`agents.evaluation.actor_scoring`,
  names matched by :mod:`agents.evaluation.matching`).
- comment structure: exact-match rate of each field over every annotated comment,
  matched by id; a comment the parser invents counts as a wrong id.
- the article: title and title_derived always; outlet and published where the
  annotation gives a value ("given", the targets), and separately whether the parser
  also says nothing where the annotation says null ("absent").
- comment counts: the declared "N commentaires" and the number of comments read.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents.documents.enrich import enrich
from agents.evaluation.actor_scoring import score_actors
from agents.evaluation.annotations import EvalDocument, EvalSet, load_set
from agents.evaluation.scores import Mismatch, NerNames, Report, tally
from agents.extraction.actors import Gazetteer, default_gazetteer
from streams.ingest import read_document
from streams.models import CommentEvent, FileEvent

if TYPE_CHECKING:
    from agents.extraction.ner import EntityRecognizer

__all__ = ["evaluate"]

_MAX_BYTES = 64 * 1024 * 1024  # annotated documents are small; this only guards the reader


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
        directory=str(directory) if isinstance(directory, Path) else evalset.name,
        scheme=evalset.scheme,
        targets=evalset.targets,
        ner=ner is not None,
        ner_names=NerNames() if ner is not None and evalset.scheme != "ids" else None,
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
            report.mismatches.append(Mismatch(document.name, "file", "rejected",
                                              "a document", f"{event.reason}: {event.detail}"))
            _score_article(report, document, None, None, None, None, None, 0)
            _score_comments(report, document, [])
            score_actors(report, document, [], known_ids, gazetteer)
            continue
        article = result.article
        _score_article(
            report, document, article.title, article.title_derived, article.outlet,
            article.published, article.comment_count_declared, len(result.comments),
        )
        _score_comments(report, document, result.comments)
        score_actors(report, document, article.actors, known_ids, gazetteer)
    return report


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
            tally(report.absent_fields, name, got is None)
            if got is not None:
                report.mismatches.append(Mismatch(document.name, "article", name, None, got))
        else:
            checks.append((name, want, got))
    for name, want, got in checks:
        tally(report.article_fields, name, want == got)
        if want != got:
            report.mismatches.append(Mismatch(document.name, "article", name, want, got))
    counts: list[tuple[str, int | None, int | None]] = [
        ("comment_count_declared", expected.comment_count_declared, declared),
        ("comments", len(expected.comments), comments),
    ]
    for name, number, found in counts:
        tally(report.counts, name, number == found)
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
        tally(report.comment_fields, "id", got is not None)
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
                tally(report.comment_fields, name, False)
            continue
        values = _comment_values(got)
        for name, value in expected.items():
            tally(report.comment_fields, name, values[name] == value)
            if values[name] != value:
                report.mismatches.append(
                    Mismatch(document.name, f"comment {want.id}", name, value, values[name])
                )
    for comment in comments:
        if comment.comment_id not in expected_ids:  # a comment the parser made up
            tally(report.comment_fields, "id", False)
            report.mismatches.append(
                Mismatch(document.name, f"comment {comment.comment_id}", "id", None,
                         comment.comment_id)
            )
