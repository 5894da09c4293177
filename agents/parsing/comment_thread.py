"""Cut the lines of a comment thread into draft comments placed in the reply tree.

A comment starts at an ordinal line; its depth in the tree comes from the line's
indentation, its id from the ordinal and its place among its siblings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from agents.parsing.comment_headers import (
    CITATION,
    CITATION_START,
    ORDINAL,
    ORDINAL_START,
    ThreadLines,
    read_header,
    read_ordinal,
)
from agents.parsing.text import indent_width


@dataclass(slots=True)
class _Node:
    """A comment's place in the reply tree while the thread is read."""

    indent: int
    comment_id: str
    last_child: int = 0


@dataclass(slots=True)
class Draft:
    """A comment read from the text, before its quotes are resolved."""

    comment_id: str
    parent_id: str | None
    depth: int
    author: str | None
    author_handle: str | None
    posted_at: datetime | None
    score: int | None
    lines: list[str] = field(default_factory=list)
    has_citation: bool = False


class _Tree:
    """The open branch of the reply tree (a stack of nodes) and the last top-level ordinal."""

    __slots__ = ("stack", "top_last")

    def __init__(self) -> None:
        self.stack: list[_Node] = []
        self.top_last = 0

    def place(self, indent: int, written: int | None) -> tuple[str, str | None]:
        """Open the comment of an ordinal line: its id and its parent's id.

        indent is the ordinal line's indentation width; written the number it carries.
        """
        stack = self.stack
        # Siblings may be off by one column (3 spaces instead of 2); a reply is at least
        # two columns deeper than its parent.
        while stack and stack[-1].indent >= indent - 1:
            stack.pop()
        parent = stack[-1] if stack else None
        last = parent.last_child if parent is not None else self.top_last
        # Ids must be unique: keep the written ordinal unless it is missing, repeated or
        # going backwards, then count on from the previous sibling.
        position = written if written is not None and written > last else last + 1
        if parent is not None:
            parent.last_child = position
            comment_id = f"{parent.comment_id}.{position}"
        else:
            self.top_last = position
            comment_id = str(position)
        stack.append(_Node(indent, comment_id))
        return comment_id, parent.comment_id if parent is not None else None


def read_thread(lines: ThreadLines) -> list[Draft]:
    """Cut the lines into comments and place them in the tree by indentation."""
    drafts: list[Draft] = []
    tree = _Tree()
    body: list[str] | None = None  # text lines of the current comment
    raw, contents = lines.raw, lines.contents
    total = len(raw)
    number = 0
    # The loop body runs once per line of a possibly huge thread: text lines take the
    # short path (one membership test), only ordinal-shaped lines reach the regexes.
    while number < total:
        content = contents[number] or ""
        match = ORDINAL.fullmatch(raw[number]) if content[:1] in ORDINAL_START else None
        ordinal = read_ordinal(match, lines, number) if match is not None else None
        if ordinal is None or match is None:
            if body is not None:
                body.append(content)
                if content[:1] in CITATION_START and CITATION.fullmatch(content):
                    drafts[-1].has_citation = True
            number += 1
            continue

        indent = indent_width(match["indent"])  # tabs count as one level
        comment_id, parent_id = tree.place(indent, ordinal.number)
        header, number = read_header(lines, number + 1, ordinal)
        body = []
        drafts.append(
            Draft(
                comment_id=comment_id,
                parent_id=parent_id,
                depth=len(tree.stack),
                author=header.author,
                author_handle=header.author_handle,
                posted_at=header.posted_at,
                score=header.score,
                lines=body,
            )
        )
    return drafts
