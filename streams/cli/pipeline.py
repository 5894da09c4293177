"""Commands on the pipeline's rules, without a broker: event schemas, parsing, evaluation."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click
import orjson

from streams.cli.common import (
    load_settings,
)
from streams.settings import Settings

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "inbox"


@click.command()
@click.option("--asyncapi", is_flag=True,
              help="An AsyncAPI 3 document of every public topic, with examples from the"
              " sample inbox, instead of the bare JSON Schemas")
def schemas(asyncapi: bool) -> None:
    """Print the JSON Schema of every event type (one JSON object keyed by topic)."""
    from streams.models import PUBLIC_EVENTS

    settings = load_settings()
    if asyncapi:
        from streams.asyncapi import document

        doc = document(settings, _examples(settings))
    else:
        doc = {settings.topic(name): model.event_schema()
               for name, model in PUBLIC_EVENTS.items()}
    click.echo(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode())


def _examples(settings: Settings) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Events of each public topic for two sample documents and an empty file, made by
    the functions the agents run (gazetteer only: the same on every machine)."""
    import tempfile
    from datetime import timedelta

    from agents.counting import count_mentions
    from agents.documents.enrich import enrich
    from agents.extraction.actors import default_gazetteer
    from streams.ingest import read_document
    from streams.models import FileEvent, Source

    samples = sorted(SAMPLES.glob("*.txt"))[:2]
    examples: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def add(topic: str, key: str, event: Any) -> None:
        examples.setdefault(topic, []).append((key, event.model_dump(mode="json")))

    for offset, path in enumerate(samples):
        event = read_document(path, max_bytes=settings.max_file_bytes)
        if not isinstance(event, FileEvent):
            continue
        result = enrich(event, default_gazetteer(), bucket_seconds=settings.bucket_seconds,
                        source=Source(partition=0, offset=offset))
        add("files", event.doc_id, event)
        add("articles", event.doc_id, result.article)
        for comment in result.comments[:1]:
            add("comments", event.doc_id, comment)
        counted = count_mentions({}, result.mentions,
                                 retention=timedelta(hours=settings.retention_hours),
                                 bucket_seconds=settings.bucket_seconds,
                                 rolling_hours=settings.rolling_hours)
        for counts in counted.events[:1]:
            add("actor-counts", counts.actor, counts)
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "vide.txt"
        empty.write_bytes(b"")
        rejected = read_document(empty, max_bytes=settings.max_file_bytes)
        add("rejected", rejected.source_path, rejected)
    return examples


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--ner/--no-ner", default=None,
              help="Also find unknown persons and organisations (default: NEWSWIRE_NER)")
def parse(files: Sequence[Path], ner: bool | None) -> None:
    """Offline, no broker: one JSON line per file, {"article", "comments"} or {"rejected"}."""
    settings = load_settings()
    for line in _parse_lines(settings, files, recognizer_for(settings, ner)):
        sys.stdout.buffer.write(line + b"\n")
    sys.stdout.flush()


def _parse_lines(settings: Settings, files: Sequence[Path], ner: Any = None) -> Iterator[bytes]:
    from agents.documents.enrich import enrich
    from agents.extraction.actors import default_gazetteer
    from streams.codecs import dumps
    from streams.models import FileEvent

    gazetteer = default_gazetteer()
    for path in files:
        from streams.ingest import read_document

        event = read_document(path, max_bytes=settings.max_file_bytes)
        if not isinstance(event, FileEvent):
            yield dumps({"rejected": event.model_dump()})
            continue
        result = enrich(event, gazetteer, bucket_seconds=settings.bucket_seconds, ner=ner)
        yield dumps({"article": result.article.model_dump(),
                     "comments": [c.model_dump() for c in result.comments]})




def check_ner(settings: Settings) -> None:
    """Stop with one clear line when NER is on and its model is not installed (the worker's
    parsing processes load it; the worker itself does not)."""
    if not settings.ner:
        return
    from agents.extraction.ner import NerUnavailable, check_installed

    try:
        check_installed(settings.ner_model)
    except NerUnavailable as exc:
        raise click.ClickException(str(exc)) from None


def recognizer_for(settings: Settings, ner: bool | None) -> Any:
    """The NER recogniser, loaded, when the flag (else NEWSWIRE_NER) asks for it."""
    if not (settings.ner if ner is None else ner):
        return None
    from agents.extraction.ner import NerUnavailable, default_recognizer

    recognizer = default_recognizer(settings.ner_model)
    try:
        recognizer.load()
    except NerUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    return recognizer




def _default_eval_dir() -> Path:
    """The annotated sets of the repository (tests/eval), from the checkout or the cwd."""
    for candidate in (Path("tests") / "eval",
                      Path(__file__).resolve().parents[1] / "tests" / "eval"):
        if candidate.is_dir():
            return candidate
    raise click.UsageError("no tests/eval here: give the annotated set's folder as DIR")


@click.command("eval")
@click.argument("directory", required=False,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON instead of tables: one object per set, one line each")
@click.option("--ner/--no-ner", default=None,
              help="Also find unknown persons and organisations (default: NEWSWIRE_NER)")
@click.option("--details", default=20, show_default=True,
              help="How many mismatches the text report lists")
def eval_command(
    directory: Path | None, as_json: bool, ner: bool | None, details: int
) -> None:
    """Score the parsers and the actor extractor against annotated sets.

    DIR is one set, or a folder of sets (default tests/eval: every set there, each
    reported apart). Exits with 2 when a quality target of a set is not met, naming it.
    """
    from agents.evaluation import (
        evaluate,
        find_sets,
        render_json,
        render_summary,
        render_text,
    )

    settings = load_settings()
    directory = directory or _default_eval_dir()
    sets = find_sets(directory) or [directory]
    recognizer = recognizer_for(settings, ner)
    reports = []
    for folder in sets:
        try:
            report = evaluate(folder, ner=recognizer)
        except ValueError as exc:  # no annotated document, or a malformed annotation
            raise click.ClickException(str(exc)) from None
        reports.append(report)
        if as_json:
            click.echo(render_json(report))
        else:
            click.echo(render_text(report, details=details), nl=False)
    if len(reports) > 1 and not as_json:
        click.echo(render_summary(reports), nl=False)
    failed = False
    for report in reports:
        for line in report.failures():
            failed = True
            if as_json or len(reports) > 1:
                click.echo(f"eval: {report.directory}: target failed: {line}", err=True)
    if failed:
        raise SystemExit(2)
