"""The check-your-answers page: answers grouped by section, each row with a 修改 target.

Turns cleaned answers back into words a person recognises (ux.md "Check your answers"):
skipped optional answers read 未填写. No I/O.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.domain import catalogues, names, scope, subject_types
from kiosk.domain.answers import SEALS
from kiosk.flow.steps import PAGES, path

NOT_GIVEN = "未填写"
_TAXPAYER = {"small": "小规模纳税人", "general": "一般纳税人"}


@dataclass(frozen=True)
class Row:
    step: str
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]


def _option(step: str, value: Any) -> str:
    return dict(PAGES[step].options).get(value, str(value))


def _address(value: dict[str, Any]) -> str:
    region = catalogues.region(value.get("region_code", ""))
    return (region.full_name if region else "") + value.get("detail", "")


def _people(value: list[dict[str, Any]]) -> str:
    def one(p: dict[str, Any]) -> str:
        masked = p["id_number"][:6] + "********" + p["id_number"][-4:]
        amount = f"，认缴{p['amount']}万元" if "amount" in p else ""
        return f"{p['name']}（{masked}{amount}）"
    return "；".join(one(p) for p in value)


def describe(step: str, value: Any, st: subject_types.SubjectType | None = None) -> str:
    """A cleaned answer in words; ``NOT_GIVEN`` for None."""
    if value is None:
        return NOT_GIVEN
    if step == "subject_type":
        return subject_types.BY_ID[value].label
    if step in ("operation_form", "contribution_mode", "delivery"):
        return _option(step, value)
    if step in ("has_name", "housing_fund"):
        return "是" if value else "否"
    if step == "name":
        return names.parts_from(value).full
    if step == "parent":
        return f"{value['name']}（{value['credit_code']}）"
    if step == "branch_name":
        return f"（隶属企业名称）{value['place']}{value['form']}"
    if step == "scope":
        items = scope.entries(value)
        return "；".join(f"{e.name}{'（许可）' if e.kind == 'licensed' else ''}" for e in items)
    if step in ("premises", "mail_address"):
        return _address(value)
    if step == "capital":
        return f"{value} 万元"
    if step in ("family_members", "shareholders"):
        return _people(value)
    if step == "supervisor":
        return _people([value])
    if step == "staff_count":
        return f"{value} 人"
    if step == "seals":
        return "、".join(SEALS[s] for s in value) or "不刻制"
    if step == "invoice":
        return f"需要（{_TAXPAYER[value['taxpayer']]}）" if value["need"] else "暂不需要"
    if step == "social_insurance":
        return f"需要，{value['employees']} 人" if value["enrol"] else "暂不需要"
    if step == "bank":
        return f"{value['bank']}，{value['date']}" if value["appointment"] else "暂不预约"
    return str(value)


def review_sections(subject_type: subject_types.SubjectType, answers: dict[str, Any],
                    skipped: set[str] | frozenset[str] = frozenset()) -> list[Section]:
    """Sections in page order; only steps on this person's path that have a review label."""
    grouped: dict[str, list[Row]] = {}
    for step in path(subject_type, answers):
        page = PAGES[step]
        if not page.section:
            continue
        value = answers.get(step)
        if value is None and step not in skipped:
            continue
        label = subject_type.capital_label if step == "capital" else page.label
        grouped.setdefault(page.section, []).append(
            Row(step, label or page.label, describe(step, value, subject_type)))
    return [Section(title, tuple(rows)) for title, rows in grouped.items()]
