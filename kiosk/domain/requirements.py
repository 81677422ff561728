"""Which questions a registration needs, given its subject type and earlier answers.

The single source of "when does this apply": the flow builds its pages from ``FIELDS`` and asks
``applies``; ``review`` uses the same two to decide what a complete record holds. Sources:
domain.md §5 (items per subject type) and §9 (一表填报 follow-on items). No I/O.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.domain.subject_types import CapitalKind, SubjectType

Rule = Callable[[SubjectType, Mapping[str, Any]], bool]


def _always(st: SubjectType, a: Mapping[str, Any]) -> bool:
    return True


def _wants_name(st: SubjectType, a: Mapping[str, Any]) -> bool:
    return not st.is_branch and (st.name_required or a.get("has_name") is True)


# Order is the order of the questions. Optional fields may be skipped (shown as 未填写).
FIELDS: tuple[tuple[str, Rule, bool], ...] = (
    # field,            applies when,                                              optional
    ("operation_form",  lambda st, a: st.family_operation,                         False),
    ("family_members",  lambda st, a: st.family_operation and a.get("operation_form") == "family", False),
    ("has_name",        lambda st, a: not st.name_required,                        False),
    ("parent",          lambda st, a: st.is_branch,                                False),
    ("name",            _wants_name,                                               False),
    ("branch_name",     lambda st, a: st.is_branch,                                False),
    ("scope",           _always,                                                   False),
    ("premises",        _always,                                                   False),
    ("capital",         lambda st, a: st.capital is not CapitalKind.NONE,          False),
    ("contribution_mode", lambda st, a: st.capital is CapitalKind.CONTRIBUTION,    False),
    ("shareholders",    lambda st, a: st.shareholders,                             False),
    ("supervisor",      lambda st, a: st.shareholders,                             True),
    ("staff_count",     lambda st, a: st.family_operation,                         False),
    ("phone",           _always,                                                   False),
    ("seals",           lambda st, a: not st.family_operation or a.get("has_name") is True, False),
    ("invoice",         _always,                                                   False),
    ("social_insurance", _always,                                                  False),
    ("housing_fund",    lambda st, a: not st.family_operation,                     False),
    ("bank",            _always,                                                   False),
    ("delivery",        _always,                                                   False),
    ("mail_address",    lambda st, a: a.get("delivery") == "mail",                 False),
    ("commitment",      _always,                                                   False),
    ("signature",       _always,                                                   False),
)
_BY_FIELD = {f: (rule, optional) for f, rule, optional in FIELDS}


def applies(field: str, subject_type: SubjectType, answers: Mapping[str, Any]) -> bool:
    """Whether ``field`` is asked for this subject type after these answers."""
    return _BY_FIELD[field][0](subject_type, answers)


def is_optional(field: str, subject_type: SubjectType) -> bool:
    # A 个体工商户's 资金数额 is an application-form field only (domain.md §5, UNCONFIRMED).
    if field == "capital" and subject_type.capital is CapitalKind.FUNDS:
        return True
    return _BY_FIELD[field][1]


def needed(subject_type: SubjectType, answers: Mapping[str, Any]) -> list[str]:
    """The fields that apply, in question order."""
    return [f for f, rule, _ in FIELDS if rule(subject_type, answers)]
