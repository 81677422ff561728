"""Business scope (经营范围) rules, over entries of the standard catalogue (domain.md §7).

Scope is only ever chosen from the catalogue (free text is never allowed); entries are stored
by code; the first entry is the main business. No I/O.
"""
from __future__ import annotations

from collections.abc import Sequence

from kiosk.domain import catalogues
from kiosk.domain.subject_types import SubjectType

MAX_ITEMS = 30  # a licence's scope box; local practice, UNCONFIRMED
# Conventional licence suffixes (domain.md §7, wording UNCONFIRMED: one place to correct).
GENERAL_SUFFIX = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
LICENSED_SUFFIX = ("（依法须经批准的项目，经相关部门批准后方可开展经营活动，"
                   "具体经营项目以相关部门批准文件或许可证件为准）")


def entries(codes: Sequence[str]) -> list[catalogues.ScopeEntry]:
    """Catalogue entries for known codes, in order (unknown codes skipped)."""
    return [e for e in (catalogues.scope_entry(c) for c in codes) if e is not None]


def scope_problems(codes: object, subject_type: SubjectType,
                   parent_codes: Sequence[str] | None = None) -> list[str]:
    """Everything wrong with a chosen scope; empty when acceptable."""
    if not isinstance(codes, (list, tuple)) or not codes:
        return ["请至少选择一项经营范围（第一项为主营项目）"]
    problems: list[str] = []
    if len(codes) > MAX_ITEMS:
        problems.append(f"经营范围最多选择{MAX_ITEMS}项，您选择了{len(codes)}项")
    if len(set(map(str, codes))) != len(codes):
        problems.append("经营范围中有重复的项目，请删除重复项")
    for code in codes:
        entry = catalogues.scope_entry(str(code))
        if entry is None:
            problems.append("经营范围中有一项不在规范目录中，请重新选择")
        elif subject_type.individual_scope_only and not entry.individual_allowed:
            problems.append(f"“{entry.name}”需要由企业法人经营，个体工商户不能申请；"
                            "您可以改为设立公司，或到窗口咨询")
    if parent_codes is not None:
        beyond = [e.name for e in entries([str(c) for c in codes]) if e.code not in set(parent_codes)]
        if beyond:
            problems.append("分公司的经营范围不能超出隶属企业的经营范围：" + "、".join(beyond))
    return problems


def licensed(codes: Sequence[str]) -> list[catalogues.ScopeEntry]:
    """The 许可 items among the codes: each needs a permit from its department."""
    return [e for e in entries(codes) if e.kind == "licensed"]


def scope_text(codes: Sequence[str]) -> str:
    """The scope as the licence prints it: 一般项目 and 许可项目 blocks with their suffixes."""
    chosen = entries(codes)
    general = [e.name for e in chosen if e.kind != "licensed"]
    permit = [e.name for e in chosen if e.kind == "licensed"]
    blocks = []
    if general:
        blocks.append("一般项目：" + "；".join(general) + "。" + GENERAL_SUFFIX)
    if permit:
        blocks.append("许可项目：" + "；".join(permit) + "。" + LICENSED_SUFFIX)
    return "\n".join(blocks)
