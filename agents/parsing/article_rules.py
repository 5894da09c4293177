"""Read and compile the site-specific article rules: boilerplate.txt and credits.txt.

boilerplate.txt holds one regular expression per line (a ``tail:`` one also drops the
lines after it); credits.txt holds ``<kind> <regex>`` lines, kind being ``line``,
``caption``, ``prefix`` or ``lead``, file order giving the outlet priority.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal, cast

from agents.parsing.text import split_lines

CreditKind = Literal["line", "caption", "prefix", "lead"]
_KINDS: frozenset[str] = frozenset({"line", "caption", "prefix", "lead"})


@dataclass(frozen=True, slots=True)
class CreditRule:
    """One line of credits.txt: its kind, its pattern and its rank (line order)."""

    kind: CreditKind
    pattern: re.Pattern[str]
    rank: int


@dataclass(frozen=True, slots=True)
class ArticleRules:
    """The compiled content of boilerplate.txt and credits.txt."""

    boilerplate: re.Pattern[str] | None = None
    tail: re.Pattern[str] | None = None
    lines: tuple[CreditRule, ...] = ()
    captions: tuple[CreditRule, ...] = ()
    prefixes: tuple[CreditRule, ...] = ()
    leads: tuple[CreditRule, ...] = ()
    # One alternation of every line and caption pattern: most lines are body text, and
    # one failed match is much cheaper than one per rule.
    any_credit: re.Pattern[str] | None = field(default=None)


def _data_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank, non-comment lines of a data file with their 1-based line numbers."""
    return [
        (number, line.strip())
        for number, line in enumerate(split_lines(text), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _compile(pattern: str, flags: int, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(f"{where}: invalid regular expression {pattern!r}: {exc}") from exc


def _alternation(patterns: list[str], flags: int, where: str) -> re.Pattern[str] | None:
    if not patterns:
        return None
    # Named groups may repeat across rules; the alternation is only a yes/no filter.
    plain = [re.sub(r"\(\?P<\w+>", "(?:", pattern) for pattern in patterns]
    return _compile("|".join(f"(?:{pattern})" for pattern in plain), flags, where)


def rules_from_text(boilerplate: str, credits: str) -> ArticleRules:
    """Compile the text of a boilerplate file and of a credits file into ArticleRules."""
    drop: list[str] = []
    tail: list[str] = []
    for number, line in _data_lines(boilerplate):
        where = f"boilerplate line {number}"
        if line.startswith("tail:"):
            pattern = line.removeprefix("tail:").strip()
            _compile(pattern, re.IGNORECASE, where)
            tail.append(pattern)
        else:
            _compile(line, re.IGNORECASE, where)
            drop.append(line)
    by_kind: dict[str, list[CreditRule]] = {kind: [] for kind in _KINDS}
    for rank, (number, line) in enumerate(_data_lines(credits)):
        where = f"credits line {number}"
        kind, _, pattern = line.partition(" ")
        if kind not in _KINDS or not pattern.strip():
            raise ValueError(f"{where}: expected '<{'|'.join(sorted(_KINDS))}> <regex>'")
        compiled = _compile(pattern.strip(), 0, where)
        by_kind[kind].append(CreditRule(cast(CreditKind, kind), compiled, rank))
    whole_line = by_kind["line"] + by_kind["caption"]
    return ArticleRules(
        boilerplate=_alternation(drop, re.IGNORECASE, "boilerplate"),
        tail=_alternation(tail, re.IGNORECASE, "boilerplate"),
        lines=tuple(by_kind["line"]),
        captions=tuple(by_kind["caption"]),
        prefixes=tuple(by_kind["prefix"]),
        leads=tuple(by_kind["lead"]),
        any_credit=_alternation([rule.pattern.pattern for rule in whole_line], 0, "credits"),
    )


def load_rules(boilerplate: Path | None = None, credits: Path | None = None) -> ArticleRules:
    """Read and compile the rule files; None means the file shipped with the package."""
    package = resources.files("agents.parsing")
    boilerplate_text = (
        boilerplate.read_text(encoding="utf-8")
        if boilerplate is not None
        else package.joinpath("boilerplate.txt").read_text(encoding="utf-8")
    )
    credits_text = (
        credits.read_text(encoding="utf-8")
        if credits is not None
        else package.joinpath("credits.txt").read_text(encoding="utf-8")
    )
    return rules_from_text(boilerplate_text, credits_text)


@cache
def default_rules() -> ArticleRules:
    """The packaged rules, read and compiled once, on first use."""
    return load_rules()
