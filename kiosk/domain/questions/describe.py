"""How the review page words a cleaned answer: one function per shape of answer.

Each is ``(question, value, subject_type, answers) -> str`` and is named by an entry of the
table (``Question.describe``); a choice needs none, its options' labels are used. The values are
cleaned (they passed their checker). ID numbers are shown masked. No I/O.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.domain import catalogues, names, scope as scope_rules
from kiosk.domain.identifiers import mask_id_number
from kiosk.domain.subject_types import SubjectType

if TYPE_CHECKING:
    from kiosk.domain.questions.model import Answers, Question


def yes_no(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    return "是" if value else "否"


def business_name(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    return names.parts_from(value).full


def parent(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    return f"{value['name']}（{value['credit_code']}）"


def branch_name(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    """The branch's real name, as its licence prints it."""
    return names.branch_full_name(a.get("parent"), value)


def scope(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    return "；".join(f"{e.name}{'（许可）' if e.licensed else ''}"
                    for e in scope_rules.entries(value))


def address(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    region = catalogues.region(value.get("region_code", ""))
    return (region.full_name if region else "") + value.get("detail", "")


def wan(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    return f"{value} 万元"


def people_count(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    return f"{value} 人"


def _one(p: dict[str, Any]) -> str:
    masked = mask_id_number(p["id_number"])
    amount = f"，认缴{p['amount']}万元" if "amount" in p else ""
    return f"{p['name']}（{masked}{amount}）"


def people(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    return "；".join(_one(p) for p in value)


def person(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    return _one(value)


def seals(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    return "、".join(q.option_label(v, st) for v in value) or "不刻制"


def invoice(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    return f"需要（{q.option_label(value['taxpayer'], st)}）" if value["need"] else "暂不需要"


def social_insurance(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    return f"需要，{value['employees']} 人" if value["enrol"] else "暂不需要"


def bank(q: Question, value: Any, st: SubjectType, a: Answers) -> str:
    return f"{value['bank']}，{value['date']}" if value["appointment"] else "暂不预约"
