"""Comment authors: normalised names, quotes linked to the commenter they quote, replies."""

from __future__ import annotations

from datetime import UTC, datetime

from agents.documents.enrich import enrich
from agents.extraction.actors import default_gazetteer
from streams.ingest import doc_id_of
from streams.models import CommenterEvent, CommentEvent, FileEvent

TEXT = """L'OTAN répond à Moscou

Le texte de l'article.

4 commentaires
information
Cher lecteur, pour laisser des commentaires sur la publication, vous devez autoriser.
  1. Bitter Офлайн Bitter
    Bitter (Amer) 10 décembre 2021 11: 30
    +2
    Les garanties écrites ne valent rien sans ratification.
    1. Jarilo Онлайн Jarilo
      Jarilo (Sergey) 10 décembre 2021 12: 05
      -1
      Citation: amer
      Les garanties écrites ne valent rien sans ratification.

      Même ratifiées, elles ne valent rien.
    2. Vieux  Marin Hors ligne Vieux  Marin
      Vieux Marin 10 décembre 2021 12: 40
      0
      Tout dépend de qui signe.
  2. BITTER Офлайн BITTER
    BITTER (Amer) 10 décembre 2021 13: 00
    +1
    Je maintiens.
"""


def enriched() -> tuple[dict[str, CommentEvent], dict[str, CommenterEvent]]:
    event = FileEvent(doc_id=doc_id_of(TEXT), source_path="a.txt", name="a.txt",
                      size=len(TEXT), encoding="utf-8", text=TEXT,
                      received_at=datetime(2021, 12, 11, tzinfo=UTC))
    result = enrich(event, default_gazetteer())
    return ({c.comment_id: c for c in result.comments},
            {c.commenter: c for c in result.commenters})


def test_display_name_and_handle_lose_the_online_marker() -> None:
    comments, _ = enriched()
    names = {cid: (c.author, c.author_handle) for cid, c in comments.items()}
    assert names == {
        "1": ("Bitter", "Amer"),
        "1.1": ("Jarilo", "Sergey"),
        "1.2": ("Vieux Marin", None),
        "2": ("BITTER", "Amer"),
    }


def test_a_translated_quoted_name_is_linked_to_the_commenter_it_quotes() -> None:
    comments, _ = enriched()
    (quote,) = comments["1.1"].quotes
    assert quote.author == "amer"  # as written: the translation of "Bitter"
    assert quote.comment_id == "1"  # found by the quoted passage
    assert quote.author_resolved == "Bitter"
    assert comments["1.1"].text == "Même ratifiées, elles ne valent rien."


def test_replies_received_are_counted_per_commenter_whatever_the_case() -> None:
    _, commenters = enriched()
    bitter = commenters["bitter"]
    assert (bitter.comments, bitter.replies_received, bitter.score_sum) == (2, 2, 3)
    assert commenters["jarilo"].replies_received == 0
    assert commenters["vieux marin"].name == "Vieux Marin"


def test_article_actors_tell_the_article_from_its_thread() -> None:
    text = TEXT.replace("Tout dépend de qui signe.", "Tout dépend de Moscou et de l'OTAN.")
    event = FileEvent(doc_id=doc_id_of(text), source_path="a.txt", name="a.txt",
                      size=len(text), encoding="utf-8", text=text,
                      received_at=datetime(2021, 12, 10, tzinfo=UTC))
    actors = {a.id: a for a in enrich(event, default_gazetteer()).article.actors}
    assert (actors["nato"].article_mentions, actors["nato"].comment_mentions) == (1, 1)
    assert (actors["russia"].article_mentions, actors["russia"].comment_mentions) == (1, 1)
    assert all(a.mentions == a.article_mentions + a.comment_mentions for a in actors.values())
