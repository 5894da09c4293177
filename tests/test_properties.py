"""Property-based: the parsers and the extractor never raise on arbitrary text and always
return valid models."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from agents.documents.enrich import enrich
from agents.extraction.actors import default_gazetteer
from agents.parsing.models import Document
from agents.parsing.page import parse_document
from streams.decode import Decoded, Refused, decode_bytes
from streams.ingest import doc_id_of
from streams.models import ArticleEvent, FileEvent

# Text that looks like the inputs: ordinals, indentation, dates, quotes, markers.
FRAGMENTS = st.sampled_from([
    "  1.", "    1.", "      2.", "  3. -1", " Офлайн ", "Citation: amer", "7 commentaires",
    "information", "Cher lecteur, pour laisser des commentaires sur la publication, vous devez"
    " autoriser.", "10 décembre 2021 11: 30", "+3", "(Sergey)", "\n", "\n\n", "\r\n", "\r",
    "« ", " »", "Poutine", "l'OTAN", "le président russe", "Source : Lire l'article complet par",
    "*****", "\t", "\ufeff", "\x00", "é", "ndlr.", "(AFP) –",
])
TEXT = st.one_of(
    st.text(max_size=2000),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=40)), max_size=120).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_parse_document_never_raises_and_returns_a_valid_document(text: str) -> None:
    document = parse_document(text)
    assert isinstance(document, Document)
    Document.model_validate(document.model_dump())
    ids = [c.comment_id for c in document.comments]
    assert len(ids) == len(set(ids))
    assert all(c.parent_id is None or c.parent_id in ids for c in document.comments)
    assert len(document.article.title) <= 300


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_enrich_never_raises_and_builds_valid_events(text: str) -> None:
    event = FileEvent(doc_id=doc_id_of(text), source_path="/inbox/x.txt", name="x.txt",
                      size=len(text), encoding="utf-8", text=text,
                      received_at=datetime(2021, 12, 10, tzinfo=UTC))
    result = enrich(event, default_gazetteer())
    ArticleEvent.model_validate(result.article.model_dump())
    assert result.article.comment_count == len(result.comments)
    assert all(m.mentions >= 1 for m in result.article.actors)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_decode_bytes_always_decides(data: bytes) -> None:
    verdict = decode_bytes(data)
    assert isinstance(verdict, Decoded | Refused)
    if isinstance(verdict, Refused):
        assert verdict.reason in {"empty_file", "not_text", "decode_error"} and verdict.detail
