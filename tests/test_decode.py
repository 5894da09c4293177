"""Bytes to text: every encoding a dropped file may have, and what is refused."""

from __future__ import annotations

import codecs

import pytest

from streams.decode import Decoded, Refused, decode_bytes

FRENCH = "L'OTAN et la Fédération de Russie : « négociations » à Genève, côté Kremlin."
LATIN1 = "L'OTAN et la Fédération de Russie : négociations à Genève, côté Kremlin."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (FRENCH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), "utf-16-be"),
        (FRENCH.encode("cp1252"), "cp1252"),
    ],
)
def test_text_in_any_common_encoding_decodes_to_the_same_text(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert isinstance(decoded, Decoded)
    assert decoded.encoding == encoding
    assert decoded.text == FRENCH


def test_latin1_french_decodes_through_its_windows_superset() -> None:
    decoded = decode_bytes(LATIN1.encode("latin-1"))
    assert decoded == Decoded(LATIN1, "cp1252")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty_file"),
        (b" \n\t\r\n  ", "empty_file"),
        (codecs.BOM_UTF8 + b"   ", "empty_file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "not_text"),
        (bytes(range(256)) * 20, "not_text"),
        (b"texte normal\x00puis un NUL au milieu", "not_text"),
        ("Kremlin é".encode() + b"\xff\xfe garbage", "decode_error"),
        (b"%PDF-1.7 ...", "not_text"),
    ],
)
def test_what_is_not_a_text_document_is_refused_with_a_stable_reason(
    data: bytes, reason: str
) -> None:
    refused = decode_bytes(data)
    assert isinstance(refused, Refused)
    assert refused.reason == reason
    assert refused.detail


def test_bom_is_not_part_of_the_text() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + b"Titre")
    assert isinstance(decoded, Decoded) and decoded.text == "Titre"
