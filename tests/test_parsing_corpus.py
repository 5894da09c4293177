"""Specification of the pure parsers on the shared corpus of real files.

Runs when the corpus (../shared/corpus) sits next to the repository, skipped otherwise.
"""

from __future__ import annotations

import pytest

from agents.parsing.models import Document
from agents.parsing.page import parse_document
from tests.parsing_helpers import CORPUS, by_id, utc

# --- the shared corpus --------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> dict[str, Document]:
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus folder (../shared/corpus) is not next to the repository")
    return {
        path.name[:3]: parse_document(path.read_text(encoding="utf-8"))
        for path in sorted(CORPUS.glob("*.txt"))
    }


def test_corpus_headline_titles(corpus: dict[str, Document]) -> None:
    assert corpus["000"].article.title.startswith('"Le Kremlin a fait monter les enchères')
    assert corpus["002"].article.title.startswith("Kremlin : Poutine veut")
    assert corpus["004"].article.title.startswith("\"Nous n'avons pas fait de promesses")
    for key in ("000", "002", "004"):
        assert not corpus[key].article.title_derived


@pytest.mark.parametrize("key", ["001", "003"])
def test_corpus_derived_titles(corpus: dict[str, Document], key: str) -> None:
    article = corpus[key].article
    first_paragraph = article.body.split("\n\n")[0]
    assert article.title_derived
    assert article.headline is None
    assert 0 < len(article.title) <= 200
    assert first_paragraph.startswith(article.title)
    assert len(article.title) < len(first_paragraph)
    assert ". " not in article.title  # within the first sentence


def test_corpus_comment_counts(corpus: dict[str, Document]) -> None:
    assert corpus["000"].comment_count_declared == len(corpus["000"].comments) == 8
    assert corpus["004"].comment_count_declared == len(corpus["004"].comments) == 7
    for key in ("001", "002", "003"):
        assert corpus[key].comment_count_declared is None
        assert corpus[key].comments == ()


def test_corpus_thread_shapes(corpus: dict[str, Document]) -> None:
    assert [(c.comment_id, c.parent_id, c.depth) for c in corpus["000"].comments] == [
        ("1", None, 1),
        ("2", None, 1),
        ("2.1", "2", 2),
        ("2.1.1", "2.1", 3),
        ("2.1.1.1", "2.1.1", 4),
        ("3", None, 1),
        ("4", None, 1),
        ("5", None, 1),
    ]
    assert [(c.comment_id, c.parent_id) for c in corpus["004"].comments] == [
        ("1", None),
        ("1.1", "1"),
        ("2", None),
        ("2.1", "2"),
        ("3", None),
        ("4", None),
        ("5", None),
    ]


def test_corpus_comment_headers_and_quotes(corpus: dict[str, Document]) -> None:
    comments = by_id(corpus["000"])
    first = comments["1"]
    assert (first.author, first.author_handle, first.score) == ("Jarilo", "Sergey", -1)
    assert first.posted_at == utc(2021, 12, 10, 11, 30)
    assert (comments["2.1"].author, comments["2.1"].author_handle) == ("Bitter", None)
    assert comments["3"].score == 3
    (quote,) = comments["2.1.1"].quotes
    assert (quote.author, quote.comment_id) == ("amer", "2.1")
    assert quote.text.startswith("tous les chefs de sujets")
    assert comments["2.1.1"].text.startswith("en particulier, l'incohérence")
    assert "tous les chefs" not in comments["2.1.1"].text

    comments = by_id(corpus["004"])
    assert (comments["1"].author, comments["1"].score) == (None, -2)
    assert comments["1"].posted_at == utc(2021, 12, 24, 13, 31)
    (quote,) = comments["3"].quotes
    assert (quote.author, quote.comment_id) == ("Bulanov", "2")
    assert quote.text == comments["2"].text
    assert len(quote.text.split("\n")) == 2
    assert comments["3"].text.startswith("L'adhésion à l'OTAN est un non-sens.")
    assert "\n" not in comments["3"].text


def test_corpus_outlets_and_credits(corpus: dict[str, Document]) -> None:
    assert corpus["001"].article.outlet == "Financial Times"
    assert corpus["002"].article.outlet == "CNSNews.com"
    assert corpus["003"].article.outlet == "Réseau International"
    assert corpus["000"].article.outlet is None
    assert corpus["004"].article.outlet is None
    assert corpus["002"].article.body.startswith("Avant un appel vidéo")
    assert "CNSNews.com" in corpus["002"].article.credits
    assert "Photos utilisées: kremlin.ru" in corpus["000"].article.credits
    assert any("Réseau International" in credit for credit in corpus["003"].article.credits)


def test_corpus_bodies_hold_no_boilerplate_credits_or_captions(
    corpus: dict[str, Document],
) -> None:
    furniture = (
        "Adblock test",
        "Partagez-le",
        "Abonnez-vous",
        "****",
        "Nos chaînes",
        "Photos utilisées",
        "Vous pouvez lire",
        "Lire l'article complet",
        "newsletter",
        "financements",
        "topwar.ru",
        "Getty Images",
        "Cher lecteur",
    )
    for key, document in corpus.items():
        body = document.article.body
        for text in furniture:
            assert text not in body, (key, text)
        paragraphs = body.split("\n\n")
        assert "7" not in paragraphs, key  # the comment-count badge of 004
        assert not any(p.startswith("•") for p in paragraphs), key  # the "• NATO" tag
        assert document.article.language == "fr"
        assert document.article.published is None


def test_corpus_caption_is_kept_out_of_the_body(corpus: dict[str, Document]) -> None:
    article = corpus["002"].article
    assert "Genève en juin dernier" not in article.body
    assert article.credits.count("Photo de Mikhail Svetlov/Getty Images") == 1


def test_corpus_line_ends_and_bom_do_not_matter(corpus: dict[str, Document]) -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert parse_document("\ufeff" + text.replace("\n", "\r\n")) == corpus[path.name[:3]]
