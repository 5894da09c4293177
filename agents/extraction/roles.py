"""Which person a role phrase counts for, from the words around it.

A role in apposition to a name counts once, for the name ("le président russe Vladimir
Poutine", "Jens Stoltenberg, le secrétaire général de l'OTAN"); a qualifier makes it a
past holder ("l'ancien président soviétique") or someone else ("le vice-ministre", "le
secrétaire d'État adjoint", "de l'époque"); otherwise it is the office holder on the
article's date. The words are those of ``roles.json``.
"""

from __future__ import annotations

import re
from datetime import date

from agents.extraction.entries import RoleTable
from agents.extraction.folding import APOSTROPHES
from agents.extraction.phrases import Hit, alternation

__all__ = ["RoleReader"]

_APOS_UNIT = "[" + APOSTROPHES + r"]\s*"
_ARTICLE = re.compile(r"(?:l[ae]s?|du|aux?|des)[^\S\n]|l" + _APOS_UNIT)


class RoleReader:
    """The role table's words, compiled into the patterns around a role phrase."""

    def __init__(self, table: RoleTable) -> None:
        self._roles = table
        titles = alternation(self._roles.titles)
        former = alternation(self._roles.former)
        other = alternation(self._roles.other_before)
        before = alternation(self._roles.former + self._roles.other_before)
        # What may stand between a role and the name it is in apposition to, on one
        # line: a comma, an opening parenthesis, titles ("M.", "le général"), initials.
        self.gap_after = re.compile(
            r"[^\S\n]*(?P<comma>,)?[^\S\n]*\(?[^\S\n]*"
            rf"(?:(?:{titles})(?!\w)[^\S\n]*,?[^\S\n]*)*"
            r"(?:[^\W\d_]\.[^\S\n]*)*"
        )
        # ... and between a name and the role that follows it ("Jens Stoltenberg, le
        # secrétaire général", "Donald Trump, l'ancien président américain").
        self._gap_before = re.compile(
            rf"[^\S\n]*[,(][^\S\n]*(?:l{_APOS_UNIT}|la[^\S\n]+|le[^\S\n]+)?"
            rf"(?:(?:{before})[^\S\n]*-?[^\S\n]*)?"
        )
        # A qualifier stands between the article and the noun ("l'ancien président"),
        # so these only apply to a role found without its article.
        self._former = re.compile(rf"(?<!\w)(?:{former})[^\S\n]*-?[^\S\n]*$")
        self._other_before = re.compile(rf"(?<!\w)(?:{other})[^\S\n]*-?[^\S\n]*$")
        self._other_after = re.compile(
            rf"[^\S\n]*+,?[^\S\n]*+(?:{alternation(self._roles.other_after)})(?!\w)"
        )
        self._word = re.compile(r"[^\W\d_][\w'\u2019-]*")

    def is_name(self, text: str, at: int) -> bool:
        """Whether a capitalised word (not all capitals: a headline) starts at ``at``."""
        word = self._word.match(text, at)
        return word is not None and word.group()[0].isupper() and not word.group().isupper()

    def person(
        self, text: str, lowered: str, hits: list[Hit], index: int, day: date
    ) -> str | None:
        """The person a role phrase counts for; None when a name beside it counts instead.

        For a bare role, the empty string: a person, of the state the document is about.
        """
        hit = hits[index]
        entry = hit.entry
        holders = entry.holders
        gap = self.gap_after.match(lowered, hit.end)
        assert gap is not None  # every part of it is optional
        after = gap.end()
        nxt = hits[index + 1] if index + 1 < len(hits) else None
        named = nxt.entry if nxt is not None and nxt.start == after else None
        if gap.group("comma"):
            # "le secrétaire à la Défense, le général Lloyd Austin" is one person only if
            # the name is one of the office's holders; otherwise a new clause names
            # someone else ("selon le président américain, Poutine ...").
            if named is not None and (named.actor in holders or named.short_of & holders):
                return None
        elif named is not None and named.person:
            return None  # "le président russe Vladimir Poutine", "... M. Poutine"
        elif named is None and self.is_name(text, after):
            # "(le président russe Vladimir – ndlr.) Poutine", "le président russe Ivan
            # Petrov": a capitalised name right after the role is the person it
            # describes; the name counts if it is known, the role does not.
            return None
        prev = hits[index - 1] if index else None
        if (
            prev is not None
            and (prev.entry.actor in holders or prev.entry.short_of & holders)
            and hit.start - prev.end < 40
            and self._gap_before.fullmatch(lowered, prev.end, hit.start)
        ):
            return None  # "Jens Stoltenberg, le secrétaire général de l'OTAN"
        if self._other_after.match(lowered, hit.end):
            return None  # "le secrétaire d'État adjoint", "... américain de l'époque"
        if not _ARTICLE.match(lowered, hit.start):  # "mardi dernier le président russe"
            window = max(0, hit.start - 24), hit.start
            if self._former.search(lowered, *window):
                return entry.role.former_holder(day) if entry.role else None
            if self._other_before.search(lowered, *window):
                return None  # "le vice-ministre russe des Affaires étrangères"
        if entry.role is None:
            return ""  # a bare role: resolved with the whole document
        return entry.role.holder_on(day)

    def apposed_holder(
        self, lowered: str, hits: list[Hit], index: int, day: date
    ) -> str | None:
        """The person a surname names when a role stands in apposition to it ("le
        président du gouvernement espagnol, Sánchez"): the role's holder, if it is one."""
        entry = hits[index].entry
        if not index:
            return None
        before = hits[index - 1]
        if before.entry.role is None:
            return None
        gap = self.gap_after.match(lowered, before.end)
        if gap is None or gap.end() != hits[index].start:
            return None
        holder = before.entry.role.holder_on(day)
        return holder if holder in entry.short_of else None
