"""Shared helpers of the parser tests (tests/test_parsing_*.py): fixtures, dates, lookups."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from agents.parsing.models import Comment, Document

FIXTURES = Path(__file__).parent / "fixtures" / "parsing"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

PREAMBLE = (
    "information\n"
    "Cher lecteur, pour laisser des commentaires sur la publication, vous devez autoriser.\n"
)


def read_fixture(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def by_id(document: Document) -> dict[str, Comment]:
    return {comment.comment_id: comment for comment in document.comments}


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
