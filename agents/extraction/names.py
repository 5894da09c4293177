"""From the names a recogniser found in a document to actors and counts (pure).

A name found by the model is dropped when it is obviously not a new actor:

- it overlaps a phrase the gazetteer decided on (an alias, a role phrase, a non-mention
  such as "Washington Post" or "App Store"): the gazetteer has said what those words are;
- it is a commenter's name or handle, a quoted name, or the article's outlet;
- it does not start with a capital letter or a digit once leading articles and titles
  are removed ("l'", "M.") and trailing elided words ("Meta n'"), or it has fewer than
  two letters;
- it is one capitalised word opening a sentence or a line ("Rappelez", "Doubler"), the
  place where every French word takes a capital, unless it appears elsewhere in the
  document where a capital means a name; acronyms ("SWIFT", "G7") are kept;
- it is one ordinary French word ("Jeunes" of "les Jeunes agriculteurs"; the lexicon
  comes with the model) or the name of a large city ("Kano": ``places.txt``): such a
  name only counts as the short form of a longer one;
- it follows a word that makes it a thing rather than an actor ("traité ABM", "gazoduc
  Yamal"), or it is on the ignore list (months, weekdays, page furniture).

A place (LOC) counts only when the gazetteer knows it as a state (a spelling its aliases
miss); other places are not actors.

Within one document, short forms are linked to the one full name they abbreviate: a
surname to the full name that ends with it ("Baerbock": "Annalena Baerbock"), a word of a
person's name to that name ("Lula": "Luiz Inácio Lula da Silva"), an acronym to the name
whose initials it spells ("RN": "Rassemblement national"), the first word of an
organisation to its full name ("Inter": "Inter Milan"). The actor takes the full name
and its id.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from agents.extraction.entries import Actor
from agents.extraction.folding import fold
from agents.extraction.ner_rules import APOSTROPHES, NerRules, default_rules, key_of, slug

__all__ = ["Candidate", "Found", "NerRules", "default_rules", "key_of", "select", "slug"]

_PREVIOUS_WORD = re.compile(r"([^\W\d_]+)[^\w\n]*$")
_LETTER = re.compile(r"[^\W\d_]")
_SPACED_DASH = re.compile(r"\s[-–—]\s")  # "Vladimir – ndlr": an aside, not one name
_ALNUM = re.compile(r"[^\W_]")
# A trailing elided word the model took into the name: "Meta n'", "Apple qu'".
_ELIDED_TAIL = re.compile(
    r"(?:\s+(?:[nldjmsct]|qu|jusqu|lorsqu|puisqu)['’ʼ]|['’ʼ])\s*$", re.IGNORECASE
)
_LOWER_HEAD = re.compile(r"(?:(?!della\s|dos\s|das\s)[a-zà-ÿ][^\W\d_]{3,}\s+)+(?=[A-ZÀ-Þ])")
# "le Bureau d'enquête sur la corruption (CIO)": the document's own acronym of a name.
_DEFINED = re.compile(r"[^\S\n]*\([^\S\n]*([A-Z][A-Z0-9&]{1,11})[^\S\n]*\)")
_LINK_WORDS = frozenset(
    {"de", "du", "des", "la", "le", "les", "l", "d", "et", "pour", "en", "a", "au", "aux", "sur"}
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name the model found: in which text of the document, where, and its label."""

    part: int
    start: int
    end: int
    label: str
    initial: bool = False  # first word of a sentence or of a line


@dataclass(frozen=True, slots=True)
class Found:
    """What NER adds to one document: mentions per text, and the actors they count for."""

    counts: list[Counter[str]]
    actors: dict[str, Actor]
    spans: list[list[tuple[int, int, str]]] = field(default_factory=list)  # start, end, actor


def _strip_leading(name: str, rules: NerRules, initial: bool) -> tuple[str, int]:
    """``name`` without its leading articles and titles, and how many characters went.

    In mid-sentence a capitalised article belongs to the name ("le journal Le Monde").
    """
    removed = 0
    changed = True
    while changed:
        changed = False
        flat = name.translate(APOSTROPHES)
        for word in rules.leading:
            head = flat[: len(word)]
            same = head.lower() == word.lower() if initial or removed else head == word
            if not same:
                continue
            rest = name[len(word) :]
            if word.endswith("'"):
                cut = len(word)
            elif rest[:1].isspace():
                cut = len(word) + len(rest) - len(rest.lstrip())
            else:
                continue
            name, removed, changed = name[cut:], removed + cut, True
            break
    return name, removed


def _overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of ``spans`` (sorted, not overlapping each other)."""
    index = bisect_left(spans, (start, start))
    if index and spans[index - 1][1] > start:
        return True
    return index < len(spans) and spans[index][0] < end


def _acronyms(name: str) -> set[str]:
    """The acronyms a multi-word name may go by: "Rassemblement national" -> RN,
    "Organisation mondiale du commerce" -> OMC, "La France insoumise" -> LFI, FI."""
    words = [w for w in re.split(r"[\s'’-]+", key_of(name)) if w]
    if len(words) < 2:
        return set()
    content = [w for w in words if w not in _LINK_WORDS]
    found = {"".join(w[0] for w in content)}
    if words[0] in ("la", "le", "les", "l"):
        found.add("".join(w[0] for w in [words[0], *content]))
    return {a for a in found if len(a) >= 2}


@dataclass(frozen=True, slots=True)
class _Kept:
    """A candidate that passed the filters, with its cleaned name."""

    key: str
    name: str
    part: int
    label: str
    start: int
    end: int
    opening: bool  # first word of a sentence, no article or title before it
    common: bool  # one ordinary French word


@dataclass(slots=True)
class _Name:
    display: str
    labels: Counter[str] = field(default_factory=Counter)
    mentions: list[tuple[int, int, int]] = field(default_factory=list)  # part, start, end
    target: str | None = None  # key of the longer name it stands for
    common: bool = True


def _clean(
    candidate: Candidate, text: str, rules: NerRules, demonyms: frozenset[str],
    is_verb: Callable[[str], bool],
) -> tuple[str, bool] | None:
    """The name a candidate stands for, and whether a word before it was removed (an
    article, a title, a verb opening the sentence: "Attendons la Banque mondiale")."""
    raw = text[candidate.start : candidate.end]
    verb, _, rest = raw.partition(" ")
    if candidate.initial and is_verb(verb.lower()):
        if not rest:
            return None
        raw = rest
    name, removed = _strip_leading(raw, rules, candidate.initial)
    removed += candidate.end - candidate.start - len(raw)
    head, _, rest = name.partition(" ")
    if rest and key_of(head) in demonyms:  # "le Roumain Dragoș Tudorache"
        name, removed = rest, True
    lowered_head = _LOWER_HEAD.match(name)  # "roumain Dragos Tudorache": the adjective goes
    if lowered_head is not None and lowered_head.end() < len(name):
        name, removed = name[lowered_head.end() :], removed + lowered_head.end()
    name = _ELIDED_TAIL.sub("", name.strip())
    name = name.strip().rstrip(".,;:!?»”\"')").strip()
    if not _LETTER.search(name) or len(_ALNUM.findall(name)) < 2 or _SPACED_DASH.search(name):
        return None
    if not (name[0].isupper() or name[0].isdigit()):
        return None
    return name, bool(removed)


def _filtered(
    candidates: Iterable[Candidate],
    texts: Sequence[str],
    known: Sequence[Sequence[tuple[int, int]]],
    ignored: set[str],
    rules: NerRules,
    is_word: Callable[[str], bool],
    place: Callable[[str], str | None],
    demonyms: frozenset[str],
    places: frozenset[str],
    is_verb: Callable[[str], bool],
) -> tuple[list[_Kept], list[tuple[int, int, int, str]]]:
    """The candidates that may be names, and the places that are known states."""
    spans = [sorted(part) for part in known]
    kept: list[_Kept] = []
    states: list[tuple[int, int, int, str]] = []
    wanted = set(rules.labels) | rules.link_labels | rules.place_labels
    for candidate in candidates:
        if candidate.label not in wanted:
            continue
        text = texts[candidate.part]
        raw = text[candidate.start : candidate.end]
        if "\n" in raw or _overlaps(spans[candidate.part], candidate.start, candidate.end):
            continue
        cleaned = _clean(candidate, text, rules, demonyms, is_verb)
        if cleaned is None:
            continue
        name, removed = cleaned
        if candidate.label in rules.place_labels:
            state = place(name)
            if state is not None:
                states.append((candidate.part, candidate.start, candidate.end, state))
            if candidate.label not in rules.link_labels:
                continue
        previous = _PREVIOUS_WORD.search(text, max(0, candidate.start - 40), candidate.start)
        if previous is not None and fold(previous.group(1)) in rules.not_after:
            continue
        key = key_of(name)
        if key in ignored or key in demonyms:
            continue
        single = " " not in key and not name.isupper()
        common = (single and is_word(name.lower())) or key in places
        kept.append(_Kept(key, name, candidate.part, candidate.label, candidate.start,
                          candidate.end, candidate.initial and not removed, common))
    return kept, states


def _short_forms(
    kept: Iterable[_Kept], rules: NerRules, texts: Sequence[str]
) -> dict[str, set[str]]:
    """Every short form of the document's full names, and the full names it may stand
    for: surnames and inner words of persons, acronyms and first words of organisations,
    and the acronym the document gives in parentheses after a name."""
    forms: dict[str, set[str]] = {}
    for item in kept:
        if item.label not in rules.labels:
            continue
        defined = _DEFINED.match(texts[item.part], item.end)
        if defined is not None and key_of(defined.group(1)) != item.key:
            forms.setdefault(key_of(defined.group(1)), set()).add(item.key)
        if " " not in item.key:
            continue
        words = item.key.split(" ")
        short: set[str] = set()
        if rules.labels[item.label] == "person":
            short.update(" ".join(words[start:]) for start in range(1, len(words)))
            short.update(w for w in words[1:-1] if len(w) > 3 and w not in _LINK_WORDS)
        else:
            short.update(a for a in _acronyms(item.name))
            if words[0] not in _LINK_WORDS and len(words[0]) > 2:
                short.add(words[0])
        for form in short:
            forms.setdefault(form, set()).add(item.key)
    return forms


def select(
    candidates: Iterable[Candidate],
    texts: Sequence[str],
    known: Sequence[Sequence[tuple[int, int]]],
    ignore: Iterable[str] = (),
    rules: NerRules | None = None,
    *,
    is_word: Callable[[str], bool] = lambda word: False,
    place: Callable[[str], str | None] = lambda name: None,
    demonyms: frozenset[str] = frozenset(),
    places: frozenset[str] = frozenset(),
    is_verb: Callable[[str], bool] = lambda word: False,
) -> Found:
    """Filter the model's candidates and turn the rest into actors and counts per text.

    ``known[i]`` are the spans of ``texts[i]`` the gazetteer decided on; ``ignore`` holds
    names that are not actors here (commenters, the outlet); ``is_word`` tells an
    ordinary French word (lowercase); ``place`` the state a place name is, if any;
    ``demonyms`` are folded adjectives of states ("roumain"), never names; ``places``
    folded names of cities ("kano"), names of actors only as a short form of a longer one;
    ``is_verb`` a conjugated verb (lowercase), dropped where it opens a sentence.
    """
    rules = rules or default_rules()
    ignored = {key_of(name) for name in ignore if name} | rules.ignore
    kept, states = _filtered(candidates, texts, known, ignored, rules, is_word, place, demonyms,
                             places, is_verb)
    shorts = _short_forms(kept, rules, texts)
    # A lone capitalised word that opens a sentence is a name only if the document also
    # writes it with a capital where a capital means something, or it is the short form
    # of one of its full names. A place or misc label ("Donfried" read as a place) and an
    # ordinary word count only as such short forms.
    named_inside = {item.key for item in kept if item.label in rules.labels and not item.opening}
    names: dict[str, _Name] = {}
    for item in kept:
        short_form = len(shorts.get(item.key, ())) == 1
        if item.label not in rules.labels or item.common:
            if not short_form:
                continue
        elif (
            item.opening
            and " " not in item.key
            and not (item.name.isupper() or any(ch.isdigit() for ch in item.name))
            and item.key not in named_inside
            and not short_form
        ):
            continue
        entry = names.setdefault(item.key, _Name(item.name))
        if item.label in rules.labels:
            entry.labels[item.label] += 1
        entry.mentions.append((item.part, item.start, item.end))
    for key, entry in names.items():  # a short form stands for its one full name
        fulls = shorts.get(key, set()) - {key}
        if len(fulls) == 1:
            entry.target = next(iter(fulls))
    return _actors(names, texts, states, rules)


def _actors(
    names: dict[str, _Name],
    texts: Sequence[str],
    places: Iterable[tuple[int, int, int, str]],
    rules: NerRules,
) -> Found:
    counts: list[Counter[str]] = [Counter() for _ in texts]
    spans: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    actors: dict[str, Actor] = {}
    groups: dict[str, list[_Name]] = {}
    for key, entry in names.items():
        head_key, target, seen = key, entry.target, {key}
        while target is not None and target in names and target not in seen:
            head_key, target = target, names[target].target  # "Baerbock" -> full name
            seen.add(head_key)
        groups.setdefault(head_key, []).append(entry)
    for key, group in groups.items():
        head = names[key]
        labels = sum((entry.labels for entry in group), Counter[str]())
        if not labels:  # only ambiguous short forms: nothing says what it is
            continue
        label = max(labels, key=lambda item: (labels[item], item == "PER"))
        actor = Actor(id=slug(head.display), name=head.display, type=rules.labels[label])
        actors[actor.id] = actor
        for entry in group:
            for part, start, end in entry.mentions:
                spans[part].append((start, end, actor.id))
    for part, start, end, state in places:
        spans[part].append((start, end, state))
    for part, found in enumerate(spans):
        found.sort()
        spans[part] = _once_with_acronym(texts[part], found)
        counts[part].update(actor_id for _, _, actor_id in spans[part])
    return Found(counts=counts, actors=actors, spans=spans)


_OPEN_PAREN = re.compile(r"[^\S\n]*\([^\S\n]*")
_CLOSE_PAREN = re.compile(r"[^\S\n]*\)")


def _once_with_acronym(
    text: str, found: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Mentions, a name followed by its acronym in parentheses counted once."""
    kept: list[tuple[int, int, str]] = []
    for start, end, actor_id in found:
        if kept and kept[-1][2] == actor_id and _OPEN_PAREN.fullmatch(text, kept[-1][1], start) \
                and _CLOSE_PAREN.match(text, end):
            continue
        kept.append((start, end, actor_id))
    return kept
