"""The four kinds of market subject (市场主体) the kiosk registers, and what differs between them.

Everything that varies by subject type (labels on the licence, which registration items apply,
which credit-code category it gets) is a field of ``SubjectType``; code asks the type rather
than testing its id. Sources: domain.md §5 (registration items per type, [S]) and §4 (USCC
category: 1 企业, 2 个体工商户). No I/O.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class CapitalKind(enum.Enum):
    NONE = "none"                # a branch has no capital of its own
    FUNDS = "funds"              # 个体工商户: 资金数额 (application-form field, optional)
    CONTRIBUTION = "contribution"  # 个人独资企业: 出资额
    REGISTERED = "registered"    # 有限责任公司: 注册资本 (subscribed, paid within 5 years: 公司法 Art. 47)


@dataclass(frozen=True)
class SubjectType:
    id: str
    label: str                 # what a citizen picks
    description: str           # one line under the choice
    licence_type: str          # 类型 on the licence
    person_label: str          # 经营者 / 投资人 / 法定代表人 / 负责人
    premises_label: str        # 经营场所 / 住所 / 营业场所
    capital: CapitalKind
    capital_label: str | None
    name_required: bool        # a 个体工商户 may register without a name
    credit_category: str       # USCC 2nd character under department 9
    family_operation: bool     # can be 家庭经营
    shareholders: bool         # natural-person shareholders are collected
    is_branch: bool
    individual_scope_only: bool  # scope items closed to 个体工商户 are refused

    def __repr__(self) -> str:
        return f"SubjectType({self.id})"


INDIVIDUAL_BUSINESS = SubjectType(
    id="individual_business", label="个体工商户",
    description="个人或家庭经营的小店、摊位、工作室，手续最简单",
    licence_type="个体工商户", person_label="经营者", premises_label="经营场所",
    capital=CapitalKind.FUNDS, capital_label="资金数额", name_required=False,
    credit_category="2", family_operation=True, shareholders=False, is_branch=False,
    individual_scope_only=True)

SOLE_PROPRIETORSHIP = SubjectType(
    id="sole_proprietorship", label="个人独资企业",
    description="一个人投资，投资人以个人财产对企业债务承担无限责任",
    licence_type="个人独资企业", person_label="投资人", premises_label="住所",
    capital=CapitalKind.CONTRIBUTION, capital_label="出资额", name_required=True,
    credit_category="1", family_operation=False, shareholders=False, is_branch=False,
    individual_scope_only=False)

NATURAL_PERSON_LLC = SubjectType(
    id="natural_person_llc", label="有限责任公司（自然人投资）",
    description="由一位或几位自然人出资设立，股东以认缴出资额为限承担责任",
    licence_type="有限责任公司（自然人投资或控股）", person_label="法定代表人", premises_label="住所",
    capital=CapitalKind.REGISTERED, capital_label="注册资本", name_required=True,
    credit_category="1", family_operation=False, shareholders=True, is_branch=False,
    individual_scope_only=False)

BRANCH = SubjectType(
    id="branch", label="分公司",
    description="已有企业法人在本地设立的分支机构，不具有法人资格",
    licence_type="有限责任公司分公司", person_label="负责人", premises_label="营业场所",
    capital=CapitalKind.NONE, capital_label=None, name_required=True,
    credit_category="1", family_operation=False, shareholders=False, is_branch=True,
    individual_scope_only=False)

ALL: tuple[SubjectType, ...] = (INDIVIDUAL_BUSINESS, SOLE_PROPRIETORSHIP, NATURAL_PERSON_LLC, BRANCH)
BY_ID: dict[str, SubjectType] = {t.id: t for t in ALL}


def get(subject_type_id: str) -> SubjectType:
    """Look a subject type up by id. Raises KeyError for an unknown id."""
    return BY_ID[subject_type_id]
