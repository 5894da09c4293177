"""Score the actor mentions of a document against its annotation.

Counted per document and per (actor, article | comments): tp = min(expected, found),
fp = found - tp, fn = expected - tp. Scheme ``ids``: an actor found is the annotated one
with its id, or else with its name; split by whether the gazetteer knows it. Older
scheme: the listed ids per part, every other actor against ``new_actors`` by name on the
whole document. Every mention found is scored once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from agents.evaluation.annotations import ActorName, EvalDocument
from agents.evaluation.matching import is_known, match_ids, same_actor
from agents.evaluation.scores import Mismatch, Report, Score, count_score
from agents.extraction.actors import Gazetteer
from streams.models import ActorMention, ArticleActor

__all__ = ["Part", "score_actors"]

Part = Literal["article", "comments"]


def _found_by_part(actors: Sequence[ArticleActor]) -> dict[Part, Counter[str]]:
    """Mentions found per actor, in the article's own text and in the comments."""
    return {
        "article": +Counter({actor.id: actor.article_mentions for actor in actors}),
        "comments": +Counter({actor.id: actor.comment_mentions for actor in actors}),
    }


def score_actors(
    report: Report,
    document: EvalDocument,
    actors: Sequence[ArticleActor],
    known_ids: frozenset[str],
    gazetteer: Gazetteer,
) -> None:
    """Add one document's actor scores to ``report``, by the set's scheme."""
    if report.scheme == "ids":
        _score_by_id(report, document, actors, gazetteer)
    else:
        _score_listed(report, document, actors, known_ids, gazetteer)


# --------------------------------------------------------------------------- scheme ids


def _score_by_id(
    report: Report,
    document: EvalDocument,
    actors: Sequence[ArticleActor],
    gazetteer: Gazetteer,
) -> None:
    """Every actor by id (or name), per part; split by whether the gazetteer knows it."""
    annotation = document.annotation
    names = annotation.actor_names
    found_actors = {actor.id: actor for actor in actors}
    matched = match_ids(names, found_actors, gazetteer)
    found = _found_by_part(actors)
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
                known = is_known(gazetteer, actor_id, names[actor_id].name)
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
    known_ids: frozenset[str],
    gazetteer: Gazetteer,
) -> None:
    """Known actors per (actor, part); the others against ``new_actors``, per document."""
    found = _found_by_part(actors)
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
        match = next((a for a in remaining if same_actor(wanted, a, gazetteer)
                      or same_actor(ActorName(name=entry.name, type=a.type), a, gazetteer)),
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
