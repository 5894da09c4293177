"""The report of ``newswire eval``, as JSON data or as tables for people."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import orjson

from agents.evaluation.scores import NerNames, Report, Score

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

__all__ = ["render_json", "render_summary", "render_text", "report_dict"]

_SCOPES = {"ids": ("known", "unknown"), "names": ("known", "new")}
_CAPTIONS = {
    "ids": "known: actors the gazetteer knows; unknown: the others (found by NER);"
           " all: both (the targets)",
    "names": "known: the set's actor ids (the targets); new: every other actor found,"
             " matched by name with new_actors; all: both",
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def report_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data, with its verdict."""
    known_overall = report.known_overall
    data: dict[str, Any] = {
        "directory": report.directory,
        "scheme": report.scheme,
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
        "targets": report.targets.model_dump(),
        "failures": report.failures(),
        "passed": not report.failures(),
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


def render_json(report: Report) -> str:
    """The report as one JSON object."""
    return orjson.dumps(report_dict(report)).decode()


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _actor_table(report: Report) -> Table:
    """Actor mentions per scope and type: tp, fp, fn, precision, recall and F1."""
    from rich.table import Table

    actors = Table(
        title="Actor mentions", title_justify="left", caption_justify="left",
        caption=_CAPTIONS[report.scheme],
    )
    for column in ("scope", "type", "tp", "fp", "fn", "precision", "recall", "F1"):
        actors.add_column(column, justify="left" if column in ("scope", "type") else "right")
    first, second = _SCOPES[report.scheme]
    parts = "all" if report.scheme == "ids" else first
    scopes = (
        (first, {**report.known, "overall": report.known_overall}),
        (second, {**report.new, "overall": report.new_overall}),
        (parts, {f"in {k}": s for k, s in report.known_parts.items()}),
        ("all", {**report.all_actors,
                 "overall": sum(report.all_actors.values(), Score())}),
    )
    for scope, scores in scopes:
        for kind, score in scores.items():
            actors.add_row(scope, kind, str(score.tp), str(score.fp), str(score.fn),
                           _percent(score.precision), _percent(score.recall), _percent(score.f1))
        actors.add_section()
    return actors


def _print_ner_names(console: Console, names: NerNames) -> None:
    """The names NER found beyond the gazetteer: how many true and false, and which."""
    console.print(
        f"NER names: {names.true} true, {names.false} false"
        f" (precision {_percent(names.precision)}), recall {_percent(names.recall)} of"
        f" {names.reachable} annotated person/organisation names the gazetteer misses"
    )
    if names.true_names:
        console.print("  true: " + "; ".join(names.true_names))
    if names.false_names:
        console.print("  false: " + "; ".join(names.false_names))


def _fields_table(report: Report) -> Table:
    """Exact-match rates of the comment fields, the article's fields and the counts."""
    from rich.table import Table

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
    return fields


def _print_mismatches(console: Console, report: Report, details: int) -> None:
    """How many mismatches, and the first ``details`` of them."""
    if report.mismatches:
        shown = report.mismatches[:details]
        console.print(f"{len(report.mismatches)} mismatches" + (
            f" (first {len(shown)}; --json lists all)" if len(shown) < len(report.mismatches)
            else ""))
        for m in shown:
            console.print(f"  {m.document} {m.where} {m.field}: expected {_plain(m.expected)!r},"
                          f" found {_plain(m.found)!r}")


def _print_verdict(console: Console, report: Report) -> None:
    """Each target failed, or that all are met."""
    failures = report.failures()
    for line in failures:
        console.print(f"TARGET FAILED: {line}")
    if not failures:
        console.print("all targets met")


def render_text(report: Report, *, details: int = 20) -> str:
    """The report as tables for people, with the first ``details`` mismatches."""
    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None, highlight=False)
    ner = "on" if report.ner else "off"
    console.print(
        f"newswire eval: {report.documents} documents, {report.comments} comments"
        f" ({report.directory or 'set'}); NER {ner}; {report.docs_per_second:.0f} documents/s"
    )
    console.print(_actor_table(report))
    if report.ner_names is not None:
        _print_ner_names(console, report.ner_names)
    console.print(_fields_table(report))
    _print_mismatches(console, report, details)
    _print_verdict(console, report)
    return out.getvalue()


def render_summary(reports: Sequence[Report]) -> str:
    """One line per set: actor F1 (all, per type, known and unknown), comment fields,
    and whether the set's targets are met."""
    from rich.console import Console
    from rich.table import Table

    out = io.StringIO()
    console = Console(file=out, width=120, color_system=None, highlight=False)
    table = Table(title="Sets (actor mention F1)", title_justify="left")
    for column in ("set", "docs", "all", "person", "organization", "country", "known",
                   "unknown", "comments", "targets"):
        table.add_column(column, justify="left" if column == "set" else "right")
    for report in reports:
        every = report.all_actors
        table.add_row(
            report.directory.rstrip("/").rsplit("/", 1)[-1], str(report.documents),
            _percent(sum(every.values(), Score()).f1),
            *(_percent(every[kind].f1) for kind in ("person", "organization", "country")),
            _percent(report.known_overall.f1), _percent(report.new_overall.f1),
            _percent(report.comment_structure.rate),
            "met" if not report.failures() else f"{len(report.failures())} failed",
        )
    console.print(table)
    return out.getvalue()
