"""Score the parsers and the actor extractor against annotated sets (``newswire eval``).

``annotations`` reads a set, ``scoring`` runs it through the worker's own path and
scores it, ``scores`` holds the arithmetic and the report, ``rendering`` prints it.
"""

from agents.evaluation.annotations import Annotation, EvalDocument, EvalSet, find_sets, load_set
from agents.evaluation.rendering import render_json, render_summary, render_text, report_dict
from agents.evaluation.scores import TARGETS, Mismatch, NerNames, Rate, Report, Score, count_score
from agents.evaluation.scoring import evaluate

__all__ = [
    "TARGETS",
    "Annotation",
    "EvalDocument",
    "EvalSet",
    "Mismatch",
    "NerNames",
    "Rate",
    "Report",
    "Score",
    "count_score",
    "evaluate",
    "find_sets",
    "load_set",
    "render_json",
    "render_summary",
    "render_text",
    "report_dict",
]
