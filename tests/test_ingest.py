"""Reading files from the inbox: candidates, rejections, identity by content."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from streams.ingest import doc_id_of, is_candidate, read_document
from streams.models import FileEvent, RejectedEvent


@pytest.mark.parametrize(
    "name", [".hidden.txt", "article.txt~", "#article.txt#", ".article.txt.swp", "a.swx",
             "download.part", "x.crdownload", "~$rapport.docx", "4913", "note.tmp"],
)
def test_hidden_temporary_and_editor_files_are_not_candidates(name: str) -> None:
    assert not is_candidate(name)


@pytest.mark.parametrize("name", ["article.txt", "l'OTAN à Genève (2).txt", "2021-12-10", "a b"])
def test_ordinary_names_are_candidates(name: str) -> None:
    assert is_candidate(name)


def test_same_text_same_doc_id_whatever_the_encoding_and_line_ends(tmp_path: Path) -> None:
    text = "Titre\n\nLe Kremlin répond à l'OTAN.\n"
    (tmp_path / "a.txt").write_bytes(text.encode())
    (tmp_path / "b.txt").write_bytes(codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode(
        "utf-16-le"))
    (tmp_path / "c.txt").write_bytes(text.replace("\n", "\r").encode("cp1252"))
    events = [read_document(tmp_path / n, max_bytes=1000) for n in ("a.txt", "b.txt", "c.txt")]
    assert all(isinstance(e, FileEvent) for e in events)
    assert {e.doc_id for e in events if isinstance(e, FileEvent)} == {doc_id_of(text)}
    assert [e.encoding for e in events if isinstance(e, FileEvent)] == [
        "utf-8", "utf-16-le", "cp1252"]


def test_too_large_is_rejected_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 1001)
    event = read_document(path, max_bytes=1000)
    assert isinstance(event, RejectedEvent)
    assert (event.reason, event.stage) == ("too_large", "watch")
    assert "1001" in event.detail and "NEWSWIRE_MAX_FILE_BYTES" in event.detail


def test_symlink_out_of_the_inbox_is_refused(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("Le Kremlin.")
    (inbox / "link.txt").symlink_to(secret)
    event = read_document(inbox / "link.txt", max_bytes=1000, inbox=inbox)
    assert isinstance(event, RejectedEvent) and event.reason == "symlink_outside_inbox"


def test_vanished_file_and_directory_are_rejections_not_crashes(tmp_path: Path) -> None:
    gone = read_document(tmp_path / "gone.txt", max_bytes=1000)
    assert isinstance(gone, RejectedEvent) and gone.reason == "vanished"
    folder = read_document(tmp_path, max_bytes=1000)
    assert isinstance(folder, RejectedEvent) and folder.reason == "not_a_file"
