"""Fictitious, valid applications for demos and tests: one per subject type.

The people are invented; their ID numbers carry correct check digits so every rule passes.
"""
from __future__ import annotations

import copy
import itertools
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

from kiosk.domain.application import Applicant, new_record
from kiosk.domain.identifiers import complete_credit_code, id_check_char


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """A syntactically valid ID number (odd sequence: male, even: female)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def sample_applicant(name: str = "林晓梅", birth: dt.date = dt.date(1985, 3, 12),
                     sequence: int = 124) -> Applicant:
    return Applicant(name=name, id_number=make_id_number("330106", birth, sequence),
                     sex="男" if sequence % 2 else "女", birth_date=birth,
                     address="浙江省杭州市西湖区文三路100号", ethnic="汉族",
                     authority="杭州市公安局西湖分局", valid_until=dt.date(2035, 3, 12))


PARENT_CREDIT_CODE = complete_credit_code("91330100MA2B3C4D5")

_ANSWERS: dict[str, dict[str, Any]] = {
    "individual_business": {
        "operation_form": "personal", "has_name": True,
        "name": {"region": "杭州市西湖区", "trade_name": "青禾", "industry": "百货", "form": "店"},
        "scope": ["F001"], "premises": {"region_code": "330106", "detail": "文三路200号1幢101室"},
        "capital": "5", "staff_count": 2,
    },
    "sole_proprietorship": {
        "name": {"region": "杭州市西湖区", "trade_name": "青禾", "industry": "百货", "form": "商行"},
        "scope": ["F001"], "premises": {"region_code": "330106", "detail": "文三路200号1幢102室"},
        "capital": "10", "contribution_mode": "personal_property",
    },
    "natural_person_llc": {
        "name": {"region": "杭州", "trade_name": "青禾", "industry": "百货", "form": "有限公司"},
        "scope": ["F001"], "premises": {"region_code": "330106", "detail": "文三路200号1幢103室"},
        "capital": "50",
    },
    "branch": {
        "parent": {"name": "杭州青禾百货有限公司", "credit_code": PARENT_CREDIT_CODE},
        "branch_name": {"place": "西湖", "form": "分公司"},
        "scope": ["F001"], "premises": {"region_code": "330106", "detail": "文三路200号1幢104室"},
    },
}
_SERVICES: dict[str, Any] = {
    "phone": "13800138000", "seals": ["official", "finance", "invoice", "legal_person"],
    "invoice": {"need": True, "taxpayer": "small"},
    "social_insurance": {"enrol": True, "employees": 2}, "housing_fund": False,
    "bank": {"appointment": False}, "delivery": "pickup", "commitment": True, "signature": True,
}


# Characters for made-up 字号 (trade names) when one process files many applications: the
# platform refuses a second name with the same 字号 and 行业, so each visit needs its own.
_TRADE_CHARS = "青禾松竹梅兰菊桂桃杏枫柳荷莲春秋晨曦朗悦康乐福顺祥瑞丰盛嘉禧鑫源润恒达信诚睿"


def _trade_names() -> Iterator[str]:
    from kiosk.domain import names, subject_types
    llc = subject_types.BY_ID["natural_person_llc"]
    k = len(_TRADE_CHARS)
    for i in itertools.count():
        candidate = "".join(_TRADE_CHARS[(i // k ** p + p) % k] for p in range(2 + i // (k * k)))
        parts = names.NameParts("杭州", candidate, "百货", "有限公司")
        if len(set(candidate)) == len(candidate) and not names.parts_problems(parts, llc):
            yield candidate


_TRADE_NAMES: list[str] = []
_TRADE_SOURCE = _trade_names()


def trade_name(n: int) -> str:
    """The ``n``-th made-up 字号 (0 is 青禾, the samples' own) that the naming rules accept."""
    while len(_TRADE_NAMES) <= n:
        _TRADE_NAMES.append(next(_TRADE_SOURCE))
    return _TRADE_NAMES[n]


def sample_answers(subject_type: str, applicant: Applicant, trade: str = "青禾") -> dict[str, Any]:
    """Answers to every question for ``subject_type``; ``trade`` replaces the 字号 青禾."""
    answers = copy.deepcopy(dict(_ANSWERS[subject_type], **_SERVICES))  # callers may edit it
    if "name" in answers:
        answers["name"]["trade_name"] = trade
    if subject_type == "branch":
        answers["branch_name"]["place"] = "西湖" if trade == "青禾" else trade
    if subject_type == "individual_business":
        answers.pop("housing_fund")
    if subject_type == "natural_person_llc":
        answers["shareholders"] = [{"name": applicant.name, "id_number": applicant.id_number,
                                    "amount": "50"}]
    return answers


def sample_record(subject_type: str = "individual_business", *,
                  created_at: dt.datetime | None = None) -> dict[str, Any]:
    """A complete, valid record (JSON dict) of the given subject type."""
    applicant = sample_applicant()
    return new_record(uuid.uuid4().hex, subject_type, applicant,
                      sample_answers(subject_type, applicant), identity_verified=True,
                      created_at=created_at)
