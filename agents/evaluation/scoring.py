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
  document. Every mention found is scored once.
- comment structure: exact-match rate of each field over every annotated comment,
  matched by id; a comment the parser invents counts as a wrong id.
- the article: title and title_derived always; outlet and published where the
  annotation gives a value ("given", the targets), and separately whether the parser
  also says nothing where the annotation says null ("absent").
- comment counts: the declared "N commentaires" and the number of comments read.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from agents.documents.enrich import enrich
from agents.evaluation.annotations import ActorName, EvalDocument, EvalSet, load_set
from agents.evaluation.scores import Mismatch, NerNames, Report, Score, count_score, tally
from agents.extraction.actors import Gazetteer, default_gazetteer, fold
from streams.ingest import read_document
from streams.models import ActorMention, ArticleActor, CommentEvent, FileEvent

if TYPE_CHECKING:
    from agents.extraction.ner import EntityRecognizer

__all__ = ["evaluate"]

Part = Literal["article", "comments"]
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
            _score_actors(report, document, [], [], known_ids, gazetteer)
            continue
        article = result.article
        _score_article(
            report, document, article.title, article.title_derived, article.outlet,
            article.published, article.comment_count_declared, len(result.comments),
        )
        _score_comments(report, document, result.comments)
        _score_actors(report, document, article.actors, result.comments, known_ids, gazetteer)
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


def _found_by_part(
    actors: Sequence[ArticleActor], comments: Sequence[CommentEvent]
) -> dict[Part, Counter[str]]:
    """Mentions found per actor, in the article's own text and in the comments."""
    in_comments: Counter[str] = Counter()
    for comment in comments:
        for actor in comment.actors:
            in_comments[actor.id] += actor.mentions
    in_article = Counter({actor.id: actor.mentions - in_comments[actor.id] for actor in actors})
    return {"article": +in_article, "comments": in_comments}


def _score_actors(
    report: Report,
    document: EvalDocument,
    actors: Sequence[ArticleActor],
    comments: Sequence[CommentEvent],
    known_ids: frozenset[str],
    gazetteer: Gazetteer,
) -> None:
    if report.scheme == "ids":
        _score_by_id(report, document, actors, comments, gazetteer)
    else:
        _score_listed(report, document, actors, comments, known_ids, gazetteer)


# --------------------------------------------------------------------------- scheme ids


def _name_key(name: str) -> list[str]:
    return fold(name.replace("’", "'")).replace("-", " ").replace("'", " ").split()


_PARENTHESIS = re.compile(r"\s*\(([^)]*)\)\s*")


def _forms(forms: Iterable[str]) -> list[str]:
    """Annotated forms, "Parti action nationale (PAN)" read as both of its names."""
    found = []
    for form in forms:
        found.append(_PARENTHESIS.sub(" ", form).strip())
        found.extend(match.group(1) for match in _PARENTHESIS.finditer(form))
    return found


def _same_actor(
    name: ActorName, actor: ActorMention, gazetteer: Gazetteer
) -> bool:
    """Whether an annotated actor (by name, or a form the text writes it in) and an actor
    found are the same one."""
    if name.type != actor.type:
        return False
    wanted, got = _name_key(name.name), _name_key(actor.name)
    if wanted == got or "-".join(wanted) == actor.id:
        return True
    if any(_name_key(form) == got for form in _forms(name.forms)):
        return True  # "Parti travailliste" found, "Labour Party (UK)" annotated
    if gazetteer.get(actor.id) is not None:
        # "Volodymyr Zelenskyy" is an alias; so is a form the text uses.
        return any(gazetteer.lookup(form) == actor.id
                   for form in (name.name, *_forms(name.forms)))
    # A person's surname alone, or a fuller form of the same name.
    return (actor.type == "person" and bool(wanted and got) and wanted[-1] == got[-1]
            and len(wanted[-1]) > 2)


def _match_ids(
    names: Mapping[str, ActorName], found: Mapping[str, ActorMention], gazetteer: Gazetteer
) -> dict[str, str]:
    """Found id -> annotated id: the same id, else the same actor by name (one to one)."""
    matched = {actor_id: actor_id for actor_id in found if actor_id in names}
    free = [actor_id for actor_id in names if actor_id not in matched.values()]
    for actor_id, actor in found.items():
        if actor_id in matched:
            continue
        same = next((a for a in free if _same_actor(names[a], actor, gazetteer)), None)
        if same is not None:
            matched[actor_id] = same
            free.remove(same)
    return matched


def _is_known(gazetteer: Gazetteer, actor_id: str, name: str) -> bool:
    return gazetteer.get(actor_id) is not None or gazetteer.lookup(name) is not None


def _score_by_id(
    report: Report,
    document: EvalDocument,
    actors: Sequence[ArticleActor],
    comments: Sequence[CommentEvent],
    gazetteer: Gazetteer,
) -> None:
    """Every actor by id (or name), per part; split by whether the gazetteer knows it."""
    annotation = document.annotation
    names = annotation.actor_names
    found_actors = {actor.id: actor for actor in actors}
    matched = _match_ids(names, found_actors, gazetteer)
    found = _found_by_part(actors, comments)
    expected: dict[Part, Mapping[str, int]] = {
        "article": annotation.actors.article, "comments": annotation.actors.comments,
    }
    for part in ("article", "comments"):
        got: Counter[str] = Counter()
        for actor_id, count in found[part].items():
            got[matched.get(actor_id, "?" + actor_id)] += count
        for actor_id in sorted(set(expected[part]) | set(got)):
            want, have = expected[part].get(actor_id, 0), got.get(actor_id, 0)
            score = count_score(want, have)
            if actor_id.startswith("?"):
                actor = found_actors[actor_id[1:]]
                kind, known = actor.type, gazetteer.get(actor.id) is not None
            else:
                kind = names[actor_id].type
                known = _is_known(gazetteer, actor_id, names[actor_id].name)
            scope = report.known if known else report.new
            scope[kind] = scope[kind] + score
            report.known_parts[part] += score
            if want != have:
                report.mismatches.append(Mismatch(
                    document.name, f"actors/{part}", actor_id.lstrip("?"), want, have))


# --------------------------------------------------------------------------- older scheme


def _score_listed(
    report: Report,
    document: EvalDocument,
    actors: Sequence[ArticleActor],
    comments: Sequence[CommentEvent],
    known_ids: frozenset[str],
    gazetteer: Gazetteer,
) -> None:
    """Known actors per (actor, part); the others against ``new_actors``, per document."""
    found = _found_by_part(actors, comments)
    expected: dict[Part, Mapping[str, int]] = {
        "article": document.annotation.actors.article,
        "comments": document.annotation.actors.comments,
    }
    kinds = {actor.id: actor.type for actor in actors}
    for part in ("article", "comments"):
        for actor_id in sorted(set(expected[part]) | (set(found[part]) & known_ids)):
            want, got = expected[part].get(actor_id, 0), found[part].get(actor_id, 0)
            score = count_score(want, got)
            known = gazetteer.get(actor_id)
            kind = kinds.get(actor_id) or (known.type if known else "unknown")
            report.known[kind] = report.known.get(kind, Score()) + score
            report.known_parts[part] += score
            if want != got:
                report.mismatches.append(
                    Mismatch(document.name, f"actors/{part}", actor_id, want, got)
                )
    others = [actor for actor in actors if actor.id not in known_ids]
    _score_new(report, document, others, gazetteer)


def _score_new(
    report: Report,
    document: EvalDocument,
    actors: Iterable[ActorMention],
    gazetteer: Gazetteer,
) -> None:
    """Actors outside the set's ids against the annotated ``new_actors``, by name."""
    remaining = list(actors)
    names = report.ner_names
    for entry in document.annotation.new_actors:
        wanted = ActorName(name=entry.name, type=entry.type)
        match = next((a for a in remaining if _same_actor(wanted, a, gazetteer)
                      or _same_actor(ActorName(name=entry.name, type=a.type), a, gazetteer)),
                     None)
        if match is None:
            report.new[entry.type] += Score(fn=entry.mentions)
            report.mismatches.append(
                Mismatch(document.name, "new actors", entry.name, entry.mentions, 0)
            )
            if names is not None and entry.type != "country":
                names.reachable += 1
            continue
        remaining.remove(match)
        by_ner = gazetteer.get(match.id) is None
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
        if names is not None and gazetteer.get(actor.id) is None:
            names.false += 1
            names.false_names.append(f"{document.name}: {actor.name} ({actor.type})")
