"""One person under a short and a full name ends as one actor, across documents.

Within a document, NER already links a surname to the full name it follows ("Attal" after
"Gabriel Attal"). Across documents, one article may name only "Attal" and another
"Gabriel Attal". Every person NER found (the gazetteer's people have their own ids) is
therefore counted under the key of its surname, ``surname:attal``: all the names that end
with it reach the same table value, on the same partition, in order, on whichever worker
owns it. That value holds one record per name (``members``). When one name is the end of
exactly one other ("Attal" of "Gabriel Attal"; "Leyen" of "von der Leyen" of "Ursula von
der Leyen"), the short one is merged into the long one: its counts are added, it is
recorded in ``merged`` so that its later mentions count for the long one, and it leaves
the members. While two full names share the short one ("Gabriel Attal", "Marie
Attal"), it stays apart. A merge is final: a second full name that appears later does
not take the short one back.

What it does to counts already emitted: the short name's ``newswire.actor-counts``
events so far stand; its last event has zero counts and ``merged_into`` the full name's
id, and the full name's next event carries the sum. Articles events already sent keep the
id they were sent with.

Exactly-once: each member keeps its own ``applied`` marks; a merge keeps the higher mark
per partition, so a replayed document counted in either name is skipped in the merged one
(documents of one files partition reach a key in offset order).
"""

from __future__ import annotations

from agents.counting.records import new_actor, working_copy
from agents.counting.values import ActorGroup, ActorRecord
from streams.models import MentionEvent

__all__ = ["PREFIX", "group_key", "member_for", "merge_short_forms", "new", "working_copy_of"]

PREFIX = "surname:"


def group_key(actor_id: str) -> str:
    """The table key of a person NER found: its surname's (the last word of its id)."""
    return PREFIX + actor_id.rsplit("-", 1)[-1]


def new(key: str) -> ActorGroup:
    """An empty group."""
    return {"group": key, "members": {}, "merged": {}}


def working_copy_of(value: ActorGroup) -> ActorGroup:
    """A copy of a group that :func:`member_for` and :func:`merge_short_forms` may change."""
    return {
        "group": value["group"],
        "members": {actor: working_copy(record) for actor, record in value["members"].items()},
        "merged": dict(value["merged"]),
    }


def member_for(value: ActorGroup, mention: MentionEvent) -> str:
    """The member a mention counts for (created if new): its actor, or the name that
    actor was merged into."""
    actor = mention.actor
    merged = value["merged"]
    while actor in merged:
        actor = merged[actor]
    if actor not in value["members"]:
        value["members"][actor] = new_actor(mention.model_copy(update={"actor": actor}))
    return actor


def _is_end_of(short: str, full: str) -> bool:
    return full.endswith("-" + short)


def merge_short_forms(value: ActorGroup) -> dict[str, str]:
    """Merge every member that is the end of exactly one other into it; the merges made."""
    members = value["members"]
    done: dict[str, str] = {}
    changed = True
    while changed:  # "von-der-leyen" first, then "leyen" has one longer name left
        changed = False
        for short in sorted(members, key=len, reverse=True):
            longer = [full for full in members if _is_end_of(short, full)]
            if len(longer) == 1:
                full = longer[0]
                _absorb(members[full], members.pop(short))
                value["merged"][short] = full
                done[short] = full
                changed = True
    return done


def _absorb(into: ActorRecord, record: ActorRecord) -> None:
    """Add ``record``'s counts, buckets and marks to ``into``."""
    into["article_mentions"] += record["article_mentions"]
    into["comment_mentions"] += record["comment_mentions"]
    into["articles"] += record["articles"]
    into["comments"] += record["comments"]
    buckets = into["buckets"]
    for start, counts in record["buckets"].items():
        held = buckets.get(start, [0, 0, 0])
        buckets[start] = [a + b for a, b in zip(held, counts, strict=True)]
    into["newest"] = max(into["newest"] or "", record["newest"] or "") or None
    applied = into["applied"]
    for partition, offset in record["applied"].items():
        applied[partition] = max(applied.get(partition, -1), offset)
