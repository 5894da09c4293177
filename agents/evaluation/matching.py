"""Whether an actor found is an annotated one: by id, by name or by a form the text uses."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from agents.evaluation.annotations import ActorName
from agents.extraction.actors import Gazetteer, fold
from streams.models import ActorMention

__all__ = ["is_known", "match_ids", "same_actor"]


def _name_key(name: str) -> list[str]:
    """A name's folded words, apostrophes and hyphens as spaces."""
    return fold(name.replace("’", "'")).replace("-", " ").replace("'", " ").split()


_PARENTHESIS = re.compile(r"\s*\(([^)]*)\)\s*")


def _forms(forms: Iterable[str]) -> list[str]:
    """Annotated forms, "Parti action nationale (PAN)" read as both of its names."""
    found = []
    for form in forms:
        found.append(_PARENTHESIS.sub(" ", form).strip())
        found.extend(match.group(1) for match in _PARENTHESIS.finditer(form))
    return found


def same_actor(
    name: ActorName, actor: ActorMention, gazetteer: Gazetteer
) -> bool:
    """Whether an annotated actor (by name, or a form the text writes it in) and an actor
    found are the same one."""
    if name.type != actor.type:
        return False
    wanted, got = _name_key(name.name), _name_key(actor.name)
    if wanted == got or "-".join(wanted) == actor.id:
        return True
    if any(_name_key(form) == got for form in _forms(name.forms)):
        return True  # "Parti travailliste" found, "Labour Party (UK)" annotated
    if gazetteer.get(actor.id) is not None:
        # "Volodymyr Zelenskyy" is an alias; so is a form the text uses.
        return any(gazetteer.lookup(form) == actor.id
                   for form in (name.name, *_forms(name.forms)))
    # A person's surname alone, or a fuller form of the same name.
    return (actor.type == "person" and bool(wanted and got) and wanted[-1] == got[-1]
            and len(wanted[-1]) > 2)


def match_ids(
    names: Mapping[str, ActorName], found: Mapping[str, ActorMention], gazetteer: Gazetteer
) -> dict[str, str]:
    """Found id -> annotated id: the same id, else the same actor by name (one to one)."""
    matched = {actor_id: actor_id for actor_id in found if actor_id in names}
    free = [actor_id for actor_id in names if actor_id not in matched.values()]
    for actor_id, actor in found.items():
        if actor_id in matched:
            continue
        same = next((a for a in free if same_actor(names[a], actor, gazetteer)), None)
        if same is not None:
            matched[actor_id] = same
            free.remove(same)
    return matched


def is_known(gazetteer: Gazetteer, actor_id: str, name: str) -> bool:
    """Whether the gazetteer knows an annotated actor, by its id or its name."""
    return gazetteer.get(actor_id) is not None or gazetteer.lookup(name) is not None
