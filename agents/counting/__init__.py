"""Counting rules for the actor and commenter tables, as plain functions.

``records`` holds the rules of one record (buckets, windows, exactly-once marks),
``groups`` the surname groups that merge one person's names across documents,
``batches`` applies a batch of events to the stored values, ``values`` types them.
"""

from agents.counting.batches import Counted, count_commenters, count_mentions, merged_away
from agents.counting.records import (
    actor_counts,
    add_commenter,
    add_mention,
    already_applied,
    bucket_start,
    commenter_copy,
    format_time,
    new_actor,
    new_commenter,
    parse_time,
    window_counts,
    window_of,
    working_copy,
)
from agents.counting.values import (
    ActorGroup,
    ActorRecord,
    ActorValue,
    CommenterRecord,
    WindowCounts,
)

__all__ = [
    "ActorGroup",
    "ActorRecord",
    "ActorValue",
    "CommenterRecord",
    "Counted",
    "WindowCounts",
    "actor_counts",
    "add_commenter",
    "add_mention",
    "already_applied",
    "bucket_start",
    "commenter_copy",
    "count_commenters",
    "count_mentions",
    "format_time",
    "merged_away",
    "new_actor",
    "new_commenter",
    "parse_time",
    "window_counts",
    "window_of",
    "working_copy",
]
