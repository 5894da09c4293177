"""Specification of the pure comment-thread parser: sections, headers, nesting, quotes.

Runs on small invented fixtures (tests/fixtures/parsing/) and on inline threads.
"""

from __future__ import annotations

import time

from agents.parsing.comments import parse_comments, split_comment_section
from agents.parsing.page import parse_document
from tests.parsing_helpers import PREAMBLE, by_id, read_fixture, utc

# --- comment section ----------------------------------------------------------------


def test_split_comment_section_returns_article_thread_and_declared_count() -> None:
    text = f"Titre\n\nTexte.\n3 commentaires\n{PREAMBLE}  1. -1\n    1 mars 2022 10: 00\n    Oui."
    article, section, declared = split_comment_section(text)
    assert article == "Titre\n\nTexte."
    assert section == "  1. -1\n    1 mars 2022 10: 00\n    Oui."
    assert declared == 3


def test_a_comment_count_inside_the_article_does_not_open_a_section() -> None:
    text = "Titre\n\n3 commentaires\nont été supprimés par la modération.\n"
    assert split_comment_section(text) == (text.rstrip("\n"), None, None)


def test_singular_header_and_a_section_without_comments() -> None:
    document = parse_document(f"Titre\n\nTexte.\n1 commentaire\n{PREAMBLE}")
    assert document.comment_count_declared == 1
    assert document.comments == ()
    assert document.article.body == "Texte."


def test_thread_with_authors_nesting_and_a_translated_quote() -> None:
    document = parse_document(read_fixture("topwar_thread"))
    comments = by_id(document)
    assert document.comment_count_declared == len(document.comments) == 4
    assert [(c.comment_id, c.parent_id, c.depth) for c in document.comments] == [
        ("1", None, 1),
        ("1.1", "1", 2),
        ("1.1.1", "1.1", 3),
        ("2", None, 1),
    ]
    first = comments["1"]
    assert (first.author, first.author_handle, first.score) == ("Boréal", "Pavel", 2)
    assert first.posted_at == utc(2022, 2, 4, 9, 15)
    assert (comments["1.1"].author, comments["1.1"].author_handle) == ("Amère", None)
    reply = comments["1.1.1"]
    (quote,) = reply.quotes
    assert quote.author == "amer"
    assert quote.text == "Aujourd'hui il faut trois études d'impact avant de poser un rail"
    assert quote.comment_id == "1.1"
    assert reply.text == "Et deux de plus pour l'enlever."


def test_text_lines_starting_with_digits_are_not_comments() -> None:
    comment = by_id(parse_document(read_fixture("topwar_thread")))["2"]
    assert (
        comment.text
        == "2000 soldats de plus ne changeront rien à l'équation.\nMais le symbole compte."
    )
    assert comment.score == 3
    assert comment.author_handle is None


def test_thread_without_authors_and_a_multi_paragraph_quote() -> None:
    document = parse_document(read_fixture("authorless_thread"))
    comments = by_id(document)
    assert document.comment_count_declared == len(document.comments) == 5
    assert [c.comment_id for c in document.comments] == ["1", "1.1", "2", "3", "4"]
    assert all(c.author is None and c.author_handle is None for c in document.comments)
    assert comments["1"].score == -4
    assert comments["1.1"].posted_at == utc(2022, 1, 12, 16, 45)
    quoting = comments["3"]
    (quote,) = quoting.quotes
    assert quote.author == "Kolomna"
    assert quote.text == comments["2"].text  # both paragraphs, matched on comment 2
    assert quote.comment_id == "2"
    assert quoting.text == "Les traités se relisent quand ils arrangent quelqu'un."


def test_a_quote_of_the_article_is_recognised_but_links_to_no_comment() -> None:
    section = (
        "  1. 0\n    2 mars 2022 10: 00\n    Citation: Ivan\n"
        "    Le Kremlin a répondu que cette position rendait toute négociation difficile.\n"
        "    Comme toujours.\n"
    )
    article = (
        "Un paragraphe.\n"
        "Le Kremlin a répondu que cette position rendait toute négociation difficile."
    )
    (comment,) = parse_comments(section, article_text=article)
    assert comment.quotes[0].comment_id is None
    assert comment.quotes[0].text.startswith("Le Kremlin a répondu")
    assert comment.text == "Comme toujours."


def test_an_unknown_quote_falls_back_to_its_first_paragraph_or_line() -> None:
    section = (
        "  1. 0\n    2 mars 2022 10: 00\n    Citation: Ivan\n"
        "    Un passage venu d'une autre page.\n    Deux lignes.\n\n    Ma réponse.\n"
        "  2. 0\n    2 mars 2022 10: 05\n    Citation: Olga\n"
        "    Introuvable aussi.\n    Ma réponse sans ligne vide.\n"
    )
    first, second = parse_comments(section)
    assert first.quotes[0].text == "Un passage venu d'une autre page.\nDeux lignes."
    assert first.text == "Ma réponse."
    assert second.quotes[0].text == "Introuvable aussi."
    assert second.text == "Ma réponse sans ligne vide."


def test_several_quotes_in_one_comment() -> None:
    section = (
        "  1. Anna Офлайн Anna\n    Anna 1 mars 2022 10: 00\n    0\n    Le gaz arrive en avril.\n"
        "  2. Boris Офлайн Boris\n    Boris 1 mars 2022 10: 01\n    0\n    Le pétrole en mai.\n"
        "  3. Clara Офлайн Clara\n    Clara 1 mars 2022 10: 02\n    0\n"
        "    Citation: Anna\n    Le gaz arrive en avril\n\n    Trop tard.\n"
        "    Citation: Boris\n    Le pétrole en mai\n\n    Trop tôt.\n"
    )
    third = parse_comments(section)[2]
    assert [(q.author, q.comment_id) for q in third.quotes] == [("Anna", "1"), ("Boris", "2")]
    assert third.text == "Trop tard.\nTrop tôt."


def test_numbered_list_inside_a_comment_is_text() -> None:
    section = (
        "  1. Anna Офлайн Anna\n    Anna 1 mars 2022 10: 00\n    +1\n    Deux raisons :\n"
        "    1. Premièrement, le prix.\n    2. Deuxièmement, le délai.\n"
    )
    (comment,) = parse_comments(section)
    assert comment.text == "Deux raisons :\n1. Premièrement, le prix.\n2. Deuxièmement, le délai."


def test_robust_to_odd_indentation_and_broken_ordinals() -> None:
    section = (
        "\t1. Anna Офлайн Anna\n\t\tAnna (anna) 1 mars 2022 10: 00\n\t\t+1\n\t\tTabulations.\n"
        "\t\t1. Boris Офлайн Boris\n\t\t\tBoris 1 mars 2022 10: 01\n\t\t\tRéponse sans score.\n"
        "   2. Clara Офлайн Clara\n     Trois espaces, sans date ni score.\n"
        "  2. Denis Офлайн Denis\n    Denis 1 mars 2022 10: 03\n    0\n    Numéro répété.\n"
        "  . Emma Офлайн Emma\n    Emma 1 mars 2022 10: 04\n    -2\n    Numéro perdu.\n"
    )
    comments = parse_comments(section)
    assert [(c.comment_id, c.parent_id, c.depth) for c in comments] == [
        ("1", None, 1),
        ("1.1", "1", 2),
        ("2", None, 1),
        ("3", None, 1),
        ("4", None, 1),
    ]
    boris, clara = comments[1], comments[2]
    assert (boris.score, boris.posted_at) == (None, utc(2022, 3, 1, 10, 1))
    assert (clara.author, clara.posted_at, clara.score) == ("Clara", None, None)
    assert clara.text == "Trois espaces, sans date ni score."
    assert comments[4].author == "Emma"
    assert comments[4].text == "Numéro perdu."


def test_bare_name_ordinal_needs_a_header_line_after_it() -> None:
    section = (
        "  1. Anna\n    Anna (anna) 1 mars 2022 10: 00\n    +1\n    Bonjour.\n"
        "  2. Pas un commentaire\n    Suite du texte.\n"
    )
    (comment,) = parse_comments(section)
    assert comment.author == "Anna"
    assert comment.text == "Bonjour.\n2. Pas un commentaire\nSuite du texte."


def _big_thread(size: int) -> str:
    lines: list[str] = []
    for number in range(1, size + 1):
        lines += [
            f"  {number}. Lecteur{number} Офлайн Lecteur{number}",
            f"    Lecteur{number} 1 mars 2022 10: {number % 60:02d}",
            f"    {number % 7 - 3:+d}",
        ]
        if number % 2 == 0 and number > 5:  # every other comment quotes an earlier one
            lines += [
                f"    Citation: Lecteur{number - 5}",
                f"    Le message {number - 5} parle du sujet{number - 5}",
                "",
            ]
        lines.append(f"    Le message {number} parle du sujet{number}, et voilà.")
    return "\n".join(lines)


def test_ten_thousand_comments_with_thousands_of_quotes_parse_in_linear_time() -> None:
    section = _big_thread(10_000)
    started = time.perf_counter()
    comments = parse_comments(section)
    elapsed = time.perf_counter() - started
    assert len(comments) == 10_000
    assert comments[-1].comment_id == "10000"
    assert comments[9_999].quotes[0].comment_id == "9995"
    assert comments[9_999].text == "Le message 10000 parle du sujet10000, et voilà."
    # Linear work is ~0.3 s here; comparing each quote with every earlier comment would
    # take several times longer.
    assert elapsed < 2.0
