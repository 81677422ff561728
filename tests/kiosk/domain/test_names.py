"""Enterprise name rules, on parts and on whole names."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.names import NameParts, industry_matches_scope, name_problems, parts_problems, split_name

GOOD = NameParts("杭州市西湖区", "青禾", "餐饮", "店")


def test_a_good_name_has_no_problems() -> None:
    assert parts_problems(GOOD, "individual_business") == []
    assert GOOD.full == "杭州市西湖区青禾餐饮店"


@pytest.mark.parametrize("parts, subject, fragment", [
    (NameParts("杭州市西湖区", "", "餐饮", "店"), "individual_business", "请输入字号"),
    (NameParts("杭州市西湖区", "青", "餐饮", "店"), "individual_business", "字号至少应有2个汉字"),
    (NameParts("杭州市西湖区", "青禾青禾青禾青禾青禾青", "餐饮", "店"), "individual_business", "字号不能超过10个字"),
    (NameParts("杭州市西湖区", "QH", "餐饮", "店"), "individual_business", "只能使用规范汉字"),
    (NameParts("杭州市西湖区", "青禾8", "餐饮", "店"), "individual_business", "只能使用规范汉字"),
    (NameParts("杭州市西湖区", "杭州", "餐饮", "店"), "individual_business", "不能只用行政区划名称"),
    (NameParts("杭州市西湖区", "青禾", "餐饮", "有限公司"), "sole_proprietorship", "不能含有“有限”"),
    (NameParts("杭州市西湖区", "青禾", "百货", "公司"), "individual_business", "不能含有“公司”"),
    (NameParts("杭州", "青禾", "科技", "店"), "natural_person_llc", "有限责任公司"),
    (NameParts("杭州", "赌场", "娱乐", "有限公司"), "natural_person_llc", "不能含有“赌场”"),
    (NameParts("", "中华", "科技", "有限公司"), "natural_person_llc", "须经国务院批准"),
    (NameParts("", "青禾", "科技", "有限公司"), "natural_person_llc", "请选择名称中的行政区划"),
])
def test_each_rule_has_its_message(parts: NameParts, subject: str, fragment: str) -> None:
    problems = parts_problems(parts, subject)
    assert any(fragment in p for p in problems), problems


def test_split_name_recovers_the_parts() -> None:
    assert split_name("杭州市西湖区青禾餐饮店") == GOOD
    assert split_name("杭州青禾百货有限公司") == NameParts("杭州", "青禾", "百货", "有限公司")
    assert split_name("没有组织形式的名字") is None


def test_whole_name_problems() -> None:
    assert name_problems("杭州青禾百货有限公司", "natural_person_llc") == []
    assert name_problems("", "natural_person_llc") == ["请输入名称"]
    assert "组织形式结尾" in name_problems("杭州青禾百货", "natural_person_llc")[0]


def test_industry_in_the_name_must_agree_with_the_main_scope_item() -> None:
    assert industry_matches_scope("百货", "F001")        # 日用百货销售
    assert not industry_matches_scope("餐饮", "F001")
    assert not industry_matches_scope("不存在的行业", "F001")


@given(st.text(max_size=30), st.text(max_size=12), st.text(max_size=8), st.text(max_size=6),
       st.sampled_from(["individual_business", "sole_proprietorship", "natural_person_llc", "branch"]))
def test_rules_never_raise(region: str, trade: str, industry: str, form: str, subject: str) -> None:
    parts_problems(NameParts(region, trade, industry, form), subject)
    name_problems(region + trade + industry + form, subject)
