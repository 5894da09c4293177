"""Specification of the pure parsers: articles, comment threads, quotes, rule files.

The first group runs on small invented fixtures (tests/fixtures/parsing/) that cover every
input shape listed in design.md; the second runs on the shared corpus of real files when
it sits next to the repository.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
from pydantic import ValidationError

from agents.parsing.article import (
    derive_title,
    guess_language,
    load_rules,
    parse_article,
    rules_from_text,
)
from agents.parsing.comments import parse_comments, split_comment_section
from agents.parsing.models import Comment, Document
from agents.parsing.page import parse_document
from agents.parsing.text import (
    find_date,
    match_key,
    normalize_space,
    parse_french_date,
    split_lines,
)

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


# --- text helpers -------------------------------------------------------------------


def test_split_lines_accepts_crlf_lone_cr_and_lf() -> None:
    assert split_lines("a\r\nb\rc\nd\n") == ["a", "b", "c", "d"]
    assert split_lines("") == []


def test_normalize_space_folds_french_typography_spaces() -> None:
    assert normalize_space("  «\u00a0gagné\u202f»\t ! ") == "« gagné » !"
    assert normalize_space("Pou\u200btine") == "Poutine"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 décembre 2021 11: 30", utc(2021, 12, 10, 11, 30)),
        ("24 décembre 2021 13: 31", utc(2021, 12, 24, 13, 31)),
        ("10 décembre 2021", utc(2021, 12, 10)),
        ("1er mars 2022 à 9h05", utc(2022, 3, 1, 9, 5)),
        ("3 févr. 2022", utc(2022, 2, 3)),
        ("10 decembre 2021", utc(2021, 12, 10)),
        ("31 février 2021", None),
        ("le 10 décembre", None),
    ],
)
def test_french_dates_are_parsed_as_utc(text: str, expected: datetime | None) -> None:
    assert parse_french_date(text) == expected


def test_find_date_reads_numeric_and_iso_dates() -> None:
    assert find_date("mis en ligne le 10/12/2021 à 08:15") == utc(2021, 12, 10, 8, 15)
    assert find_date("2021-12-10T07:00") == utc(2021, 12, 10, 7, 0)
    assert find_date("aucune date ici") is None


def test_match_key_ignores_case_punctuation_and_quote_style() -> None:
    assert match_key("« Le Kremlin »  a gagné !") == match_key('"le kremlin" a gagné')


# --- articles -----------------------------------------------------------------------


def test_headline_article_keeps_paragraphs_and_drops_credits() -> None:
    document = parse_document(read_fixture("topwar_thread"))
    article = document.article
    assert article.title == (
        "\"La Baltique n'est pas un lac\" : Berlin et Varsovie discutent d'un nouveau corridor"
    )
    assert article.headline == article.title
    assert not article.title_derived
    assert article.body.split("\n\n")[0].startswith("Le 3 février, les ministres")
    assert article.body.endswith("La Russie a qualifié le projet de provocation.")
    assert len(article.body.split("\n\n")) == 3
    assert article.credits == ("Photos utilisées: exemple-defense.org",)
    assert "Photos" not in article.body
    assert article.language == "fr"
    assert article.published is None  # "Le 3 février" is an event, not a publication date
    assert article.outlet is None


def test_badge_tags_and_subscription_block_are_not_body() -> None:
    article = parse_document(read_fixture("authorless_thread")).article
    assert article.title.startswith("« Aucune garantie écrite »")
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith("Mercredi 12 janvier")
    assert (
        paragraphs[-1]
        == "Le Kremlin a répondu que cette position rendait toute négociation difficile."
    )
    for furniture in ("5", "• OTAN", "Diplomatie", "Nos chaînes", "Abonnez-vous"):
        assert furniture not in paragraphs


def test_headline_less_file_derives_a_short_title_from_the_first_sentence() -> None:
    article = parse_document(read_fixture("no_headline")).article
    first_paragraph = article.body.split("\n\n")[0]
    assert article.title_derived
    assert article.headline is None
    assert len(article.title) <= 200
    assert first_paragraph.startswith(article.title)
    assert article.title.endswith("incidents inexpliqués survenus")  # cut on a word boundary
    assert "calendrier" not in article.title  # never beyond the first sentence


def test_outlet_prefers_the_full_article_credit_and_credits_leave_the_body() -> None:
    article = parse_document(read_fixture("no_headline")).article
    assert article.outlet == "Le Veilleur"
    assert article.credits == (
        "source : https://exemple-info.ru",
        "traduction Marc pour Le Veilleur",
        "Source : Lire l'article complet par Le Veilleur",
    )
    for leftover in ("source", "Adblock", "exemple-info", "traduction"):
        assert leftover not in article.body


def test_outlet_falls_back_to_an_attribution_in_the_lead_paragraph() -> None:
    text = (
        "Berlin a annoncé une hausse du budget militaire de dix pour cent, rapporte le "
        "journal allemand Die Welt. La mesure doit encore être votée.\n"
        "Le vote aura lieu en mars, selon le quotidien Le Soir."
    )
    article = parse_article(text)
    assert article.outlet == "Die Welt"


def test_wire_credit_and_repeated_caption_are_removed() -> None:
    article = parse_document(read_fixture("wire_caption")).article
    assert article.title == "Genève : les négociateurs se retrouvent pour un troisième cycle"
    assert article.body.startswith("Les négociateurs se sont retrouvés lundi")
    assert article.outlet == "PresseMonde.com"
    assert article.credits == ("Photo de Jean Exemple/Agence Image", "PresseMonde.com")
    assert "Palais des Nations" not in article.body  # the caption, printed twice, is gone


def test_trailing_pleas_and_asterisks_are_stripped() -> None:
    body = parse_document(read_fixture("wire_caption")).article.body
    assert body.endswith("« Nous avançons lentement », a déclaré un diplomate.")
    for furniture in ("Partagez-le", "****", "article original", "soutien", "financements"):
        assert furniture not in body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Titre\n\nPublié le 10 décembre 2021 à 11h30\n\nTexte.", utc(2021, 12, 10, 11, 30)),
        ("Titre\n\nVendredi 10 décembre 2021\n\nTexte.", utc(2021, 12, 10)),
        ("Titre\n\nMOSCOU, 9 décembre 2021 (AFP) – Le Kremlin a parlé.", utc(2021, 12, 9)),
        (
            "Titre\n\nPublié le 10/12/2021 08:15 par Jean Exemple\n\nTexte.",
            utc(2021, 12, 10, 8, 15),
        ),
        ("Titre\n\nLe 10 décembre 2021, les ministres se sont réunis.", None),
        ("Titre\n\nParu le 3 mars 2020, le livre a été traduit en russe.", None),
        ("Titre\n\nJeudi 23 décembre, lors d'un briefing, rien.", None),
    ],
)
def test_published_only_from_an_explicit_statement(text: str, expected: datetime | None) -> None:
    article = parse_article(text)
    assert article.published == expected
    assert "Publié" not in article.body
    assert article.body  # a sentence that starts like metadata stays in the body


def test_dateline_agency_gives_the_outlet_and_the_body_keeps_the_place() -> None:
    article = parse_article("Titre\n\nMOSCOU, 9 décembre 2021 (AFP) – Le Kremlin a parlé.")
    assert article.outlet == "AFP"
    assert article.body.startswith("MOSCOU")


def test_headline_only_file() -> None:
    document = parse_document("Poutine et Biden parleront mardi\n")
    assert document.article.title == "Poutine et Biden parleront mardi"
    assert document.article.headline == document.article.title
    assert document.article.body == ""
    assert document.comments == ()
    assert document.comment_count_declared is None


@pytest.mark.parametrize("text", ["", "   \n\t\r\n", "\ufeff", "*****\n7\n"])
def test_empty_text_gives_an_empty_article_rather_than_an_error(text: str) -> None:
    document = parse_document(text)
    assert document.article.title == ""
    assert document.article.body == ""
    assert document.article.language == "und"
    assert document.comments == ()


@pytest.mark.parametrize(
    "text",
    [
        "." * 20_000,
        "-" * 20_000 + "x",
        "(" * 20_000,
        "mot " * 20_000,
        "\x00\x01\ufffd" * 5_000,
        "Titre\n\n" + "9" * 5_000 + " commentaires\ninformation\n",
        "Titre\n\n1 commentaire\n  1." + " " * 20_000 + "x",
        "Titre\n\n1 commentaire\n  1. 0\n    Citation: " + "a" * 20_000 + "\n" + "b. " * 5_000,
    ],
    ids=["dots", "dashes", "parens", "one-line", "binary", "huge-count", "spaces", "quote"],
)
def test_hostile_text_neither_raises_nor_hangs(text: str) -> None:
    started = time.perf_counter()
    parse_document(text)
    assert time.perf_counter() - started < 0.5


def test_bom_crlf_and_lone_cr_do_not_change_the_result() -> None:
    text = read_fixture("topwar_thread")
    expected = parse_document(text)
    assert parse_document("\ufeff" + text.replace("\n", "\r\n")) == expected
    assert parse_document(text.replace("\n", "\r")) == expected


def test_language_guess() -> None:
    assert guess_language("Le président a dit que la Russie et les États-Unis sont") == "fr"
    assert guess_language("The president said that the talks with Russia were over") == "en"
    assert guess_language("OTAN 2021") == "und"


def test_derive_title_skips_abbreviations_and_never_exceeds_the_limit() -> None:
    paragraph = "M. Poutine a parlé avec J. Biden pendant deux heures. Rien n'a filtré."
    assert derive_title(paragraph) == "M. Poutine a parlé avec J. Biden pendant deux heures."
    long_sentence = " ".join(["mot"] * 120) + "."
    title = derive_title(long_sentence)
    assert len(title) <= 200
    assert long_sentence.startswith(title)
    assert not title.endswith(" ")


# --- rule files ---------------------------------------------------------------------


def test_a_boilerplate_pattern_is_added_without_code_change(tmp_path: Path) -> None:
    text = "Titre\n\nUn paragraphe utile.\n\nSuivez-nous sur Telegram !"
    assert "Telegram" in parse_article(text).body
    packaged = resources.files("agents.parsing").joinpath("boilerplate.txt").read_text("utf-8")
    extended = tmp_path / "boilerplate.txt"
    extended.write_text(packaged + "\nSuivez-nous sur \\w+ !\n", encoding="utf-8")
    rules = load_rules(boilerplate=extended)
    assert parse_article(text, rules=rules).body == "Un paragraphe utile."


def test_a_tail_pattern_drops_the_rest_but_keeps_credits() -> None:
    rules = rules_from_text("tail: Fin de l'article", "line Source ?: ?(?P<outlet>[A-Z][\\w ]+)")
    text = "Titre\n\nTexte.\nFin de l'article\nPublicité\nSource : Le Journal"
    article = parse_article(text, rules=rules)
    assert article.body == "Texte."
    assert article.outlet == "Le Journal"


def test_a_broken_rule_file_names_the_line() -> None:
    with pytest.raises(ValueError, match="boilerplate line 2"):
        rules_from_text("# comment\n(unclosed\n", "")
    with pytest.raises(ValueError, match="credits line 1"):
        rules_from_text("", "unknown-kind .*")


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


# --- models -------------------------------------------------------------------------


def test_models_are_frozen() -> None:
    article = parse_article("Titre\n\nTexte.")
    with pytest.raises(ValidationError):
        article.title = "Autre"


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
