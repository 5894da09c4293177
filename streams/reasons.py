"""Why a file or an event was rejected: the stable codes of ``newswire.rejected``.

Consumers switch on these codes; they never change meaning and are only ever added to.
``docs/contract.md`` and the README list them; ``tests/test_reasons.py`` checks the lists.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """A rejection's ``reason``."""

    EMPTY_FILE = "empty_file"
    NOT_TEXT = "not_text"
    DECODE_ERROR = "decode_error"
    TOO_LARGE = "too_large"
    SYMLINK_OUTSIDE_INBOX = "symlink_outside_inbox"
    NOT_A_FILE = "not_a_file"
    VANISHED = "vanished"
    UNREADABLE = "unreadable"
    DUPLICATE = "duplicate"
    PARSE_ERROR = "parse_error"
    PARSE_TIMEOUT = "parse_timeout"
    MALFORMED_EVENT = "malformed_event"


MEANINGS: dict[Reason, str] = {
    Reason.EMPTY_FILE: "the file is empty or holds only whitespace",
    Reason.NOT_TEXT: "binary content, control characters, or a document format (PDF, image)",
    Reason.DECODE_ERROR: "bytes no supported encoding decodes (half-valid UTF-8, odd UTF-16)",
    Reason.TOO_LARGE: "larger than NEWSWIRE_MAX_FILE_BYTES",
    Reason.SYMLINK_OUTSIDE_INBOX: "a symbolic link to a file outside the inbox",
    Reason.NOT_A_FILE: "a directory, a device or a pipe",
    Reason.VANISHED: "removed before it could be read",
    Reason.UNREADABLE: "the system refused to read it (permissions)",
    Reason.DUPLICATE: "the same text as a document already counted: counted once",
    Reason.PARSE_ERROR: "the parser failed on this document (raised, or its process died twice)",
    Reason.PARSE_TIMEOUT: "parsing took longer than NEWSWIRE_PARSE_TIMEOUT",
    Reason.MALFORMED_EVENT: "a newswire.files record that is not a files event",
}
