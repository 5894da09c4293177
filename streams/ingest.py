"""A file on disk to a ``newswire.files`` event, or to a rejection with a reason code."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from streams.decode import Refused, decode_bytes
from streams.models import FileEvent, RejectedEvent, utcnow
from streams.reasons import Reason

# Editor swap files, partial downloads, lock files: never documents, never rejected.
_TEMPORARY = re.compile(
    r"""^(\..*            # hidden, vim .swp, emacs .#lock
        |.*~              # backup
        |\#.*\#           # emacs autosave
        |.*\.(swp|swo|swx|tmp|temp|part|partial|crdownload|download|lock|bak)
        |~\$.*            # office lock
        |4913             # vim's write probe
        )$""",
    re.VERBOSE | re.IGNORECASE,
)


def is_candidate(name: str) -> bool:
    """True for names that may be documents (not hidden, temporary or editor files)."""
    return not _TEMPORARY.match(name)


def doc_id_of(text: str) -> str:
    """A document's identity: the sha256 of its decoded text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_document(
    path: Path, *, max_bytes: int, inbox: Path | None = None
) -> FileEvent | RejectedEvent:
    """Read and decode one file. Never raises for a bad file: it becomes a rejection."""
    source = str(path)

    def rejected(reason: Reason, detail: str, stage: str = "decode") -> RejectedEvent:
        return RejectedEvent(
            source_path=source, doc_id=None, stage=stage,  # type: ignore[arg-type]
            reason=reason, detail=detail, at=utcnow(),
        )

    try:
        if inbox is not None and path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(inbox.resolve()):
                return rejected(
                    Reason.SYMLINK_OUTSIDE_INBOX,
                    "the file is a symbolic link to a file outside the inbox; copy the file in",
                    "watch",
                )
        info = path.stat()
        if not path.is_file():
            return rejected(
                Reason.NOT_A_FILE, "not a regular file (a directory or a device)", "watch"
            )
        if info.st_size > max_bytes:
            return rejected(
                Reason.TOO_LARGE,
                f"{info.st_size} bytes is over the limit of {max_bytes} bytes"
                " (NEWSWIRE_MAX_FILE_BYTES)",
                "watch",
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        return rejected(Reason.VANISHED, "the file was removed before it could be read", "watch")
    except OSError as exc:
        reason = os.strerror(exc.errno or 0)
        return rejected(Reason.UNREADABLE, f"cannot read the file: {reason}", "watch")
    if len(data) > max_bytes:
        return rejected(
            Reason.TOO_LARGE, f"the file grew over the limit of {max_bytes} bytes", "watch"
        )
    decoded = decode_bytes(data)
    if isinstance(decoded, Refused):
        return rejected(decoded.reason, decoded.detail)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    return FileEvent(
        doc_id=doc_id_of(text),
        source_path=source,
        name=path.name,
        size=len(data),
        encoding=decoded.encoding,
        text=text,
        received_at=utcnow(),
    )
