"""The name self-check (企业名称自主申报查重): form rules plus a collision check.

A name conflicts with one already registered on the platform when both have the same trade
name (字号) in the same industry (行业表述), as the 企业名称登记管理规定 treats them within one
registration authority. Form rules come from ``kiosk.domain.names.name_problems``, the kiosk's
own rules, so the kiosk and the platform never disagree on what a good name is.

No storage here: ``name_key`` gives the (字号, 行业) a name is registered and looked up under
(``Store.names_colliding`` is the index lookup), and ``check_name`` takes the collisions found.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

# A fresh database holds these, so a demo or a test can collide with something real-looking.
SEED_NAMES: tuple[tuple[str, str], ...] = (
    ("杭州市西湖区知味小吃店", "individual_business"),
    ("杭州市西湖区青禾餐饮店", "individual_business"),
    ("杭州市西湖区明远百货店", "individual_business"),
    ("杭州市西湖区春晖五金店", "individual_business"),
    ("杭州云栖科技有限公司", "natural_person_llc"),
    ("杭州西溪文化传媒有限公司", "natural_person_llc"),
    ("杭州山海信息技术有限公司", "natural_person_llc"),
    ("杭州翠苑商贸有限公司西湖分公司", "branch"),
    ("杭州市西湖区松木家具厂", "sole_proprietorship"),
)


@dataclass(frozen=True)
class NameCheck:
    """Outcome of ``check_name``: problems with the form, and registered names it collides with."""

    problems: list[str]
    conflicts: list[str]

    @property
    def available(self) -> bool:
        return not self.problems and not self.conflicts

    @property
    def message(self) -> str:
        if self.problems:
            return self.problems[0]
        if self.conflicts:
            return (f"该名称与已登记的“{self.conflicts[0]}”字号和行业相同，"
                    "请换一个字号，或在字号后加上能区分的字词。")
        return "该名称暂未发现重名，可以使用。最终以登记机关核准为准。"


@functools.lru_cache(maxsize=4096)
def name_key(full_name: str) -> tuple[str, str] | None:
    """(字号, 行业) of a full name, or None when it cannot be split into its parts."""
    try:
        from kiosk.domain.names import split_name
    except ImportError:
        return None
    parts = split_name(full_name)
    if parts is None or not parts.trade_name:
        return None
    return (parts.trade_name, parts.industry)


def form_problems(full_name: str, subject_type: str) -> list[str]:
    """The kiosk's naming rules; empty when the domain package is not importable."""
    try:
        from kiosk.domain.names import name_problems
    except ImportError:
        return [] if full_name.strip() else ["请填写名称。"]
    return list(name_problems(full_name, subject_type))


def check_name(full_name: str, subject_type: str, conflicts: list[str]) -> NameCheck:
    """Check a proposed name against the form rules, with the registered names it collides
    with (``Store.names_colliding(full_name, name_key(full_name))``).

    Args:
        full_name: the whole proposed name, e.g. "杭州市西湖区知味小吃店".
        subject_type: one of the four subject type ids.
        conflicts: registered names equal to it or sharing its 字号 and 行业.
    Returns:
        a NameCheck; ``available`` is true only with no problems and no conflicts.
    """
    return NameCheck(problems=form_problems(full_name, subject_type), conflicts=conflicts)
