"""The check-your-answers page: answers grouped by section, each row with a 修改 target.

Rows come from the question table, in page order: every question on this person's path that is
listed on the review page (``Question.listed``), worded for the person's subject type; a skipped
optional answer reads 未填写 (ux.md "Check your answers"). No I/O.
"""
from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

from kiosk.domain.questions import NOT_GIVEN, QUESTIONS, Questionnaire
from kiosk.domain.subject_types import SubjectType

__all__ = ["NOT_GIVEN", "Row", "Section", "review_sections"]


@dataclass(frozen=True)
class Row:
    step: str
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]


def review_sections(subject_type: SubjectType, answers: Mapping[str, Any],
                    skipped: Set[str] = frozenset(), *,
                    questions: Questionnaire = QUESTIONS) -> list[Section]:
    """Sections in page order; only answered (or skipped) steps on this person's path."""
    grouped: dict[str, list[Row]] = {}
    for step in questions.path(subject_type, answers):
        q = questions[step]
        if not q.listed:
            continue
        value = answers.get(step)
        if value is None and step not in skipped:
            continue
        grouped.setdefault(q.section, []).append(
            Row(step, q.label_for(subject_type, answers), q.shown(value, subject_type, answers)))
    return [Section(title, tuple(rows)) for title, rows in grouped.items()]
