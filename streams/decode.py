"""Bytes to text: encoding detection and the refusal of what is not text.

A pure function, shared by the watcher, ``newswire send`` and ``newswire parse``, so
that a file gets the same verdict wherever it is read.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from streams.reasons import Reason

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
)
# Control characters that never occur in a text file (tab, LF, CR and FF excepted).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A valid UTF-8 multi-byte sequence: if the bytes hold some, they were meant as UTF-8.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from a file, with the encoding that was used."""

    text: str
    encoding: str


@dataclass(frozen=True, slots=True)
class Refused:
    """Why bytes are not accepted as a document: a stable reason code and a human detail."""

    reason: Reason
    detail: str


def decode_bytes(data: bytes) -> Decoded | Refused:
    """Decode a dropped file's bytes, or say why it is refused.

    Order: byte-order marks (UTF-8/16/32), strict UTF-8, then Windows-1252 for legacy
    French text. Binary content, control characters and half-valid UTF-8 are refused.
    """
    if not data:
        return Refused(Reason.EMPTY_FILE, "the file is empty")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return Refused(Reason.NOT_TEXT, f"the file is {what}, not text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding.removesuffix("-sig"))
            except UnicodeDecodeError as exc:
                return Refused(
                    Reason.DECODE_ERROR,
                    f"the file starts with a {encoding} byte-order mark but byte {exc.start}"
                    f" is not valid {encoding}; re-save it as UTF-8",
                )
            return _checked(text, encoding)
    head = data[:65536]
    controls = len(_CONTROL_BYTES.findall(head))
    if b"\x00" in head or controls > max(3, len(head) // 1000):
        return Refused(
            Reason.NOT_TEXT, "the file holds NUL or control bytes: it is binary, not text"
        )
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data):
            return Refused(
                Reason.DECODE_ERROR,
                f"invalid UTF-8 at byte {exc.start} in a file that is otherwise UTF-8;"
                " re-save it as UTF-8",
            )
    try:
        return _checked(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        return _checked(data.decode("latin-1"), "latin-1")


def _checked(text: str, encoding: str) -> Decoded | Refused:
    if not text.strip():
        return Refused(Reason.EMPTY_FILE, "the file holds only whitespace")
    controls = len(_CONTROL.findall(text[:65536]))
    if controls:
        if "\x00" in text:
            return Refused(Reason.NOT_TEXT, "the text holds NUL characters: it is binary, not text")
        if controls > max(3, len(text[:65536]) // 1000):
            return Refused(
                Reason.NOT_TEXT, f"{controls} control characters: this is not a text file"
            )
    return Decoded(text.removeprefix("\ufeff"), encoding)
