"""Specification of the pure article parser: text helpers, articles, rule files, models.

Runs on small invented fixtures (tests/fixtures/parsing/) that cover every input shape
listed in docs/contract.md ("Input"); the comment threads are in test_parsing_comments.py
and the shared corpus in test_parsing_corpus.py.
"""

from __future__ import annotations

import time
from datetime import datetime
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
from agents.parsing.page import parse_document
from agents.parsing.text import (
    find_date,
    match_key,
    normalize_space,
    parse_french_date,
    split_lines,
)
from tests.parsing_helpers import read_fixture, utc

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


# --- models -------------------------------------------------------------------------


def test_models_are_frozen() -> None:
    article = parse_article("Titre\n\nTexte.")
    with pytest.raises(ValidationError):
        article.title = "Autre"
