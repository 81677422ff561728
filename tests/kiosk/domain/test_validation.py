"""Field rules: every message, clean-up of what people type, and garbage in."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain import validation as v
from kiosk.domain.samples import make_id_number

TODAY = dt.date(2026, 11, 21)


@pytest.mark.parametrize("typed, value", [("13800138000", "13800138000"),
                                           ("138 0013 8000", "13800138000"),
                                           ("138-0013-8000", "13800138000"),
                                           ("+86 13800138000", "13800138000"),
                                           ("１３８００１３８０００", "13800138000")])
def test_mobile_accepts_what_people_type(typed: str, value: str) -> None:
    assert v.mobile_phone(typed).value == value


@pytest.mark.parametrize("typed, message", [
    ("", "请输入手机号码"), ("1380013800", "手机号码应为11位，您输入了10位"),
    ("138001380001", "手机号码应为11位，您输入了12位"), ("1380013800a", "手机号码只能包含数字"),
    ("12800138000", "手机号码应以1开头，第二位是3到9，请核对"), ("一三八", "手机号码只能包含数字")])
def test_mobile_messages(typed: str, message: str) -> None:
    assert v.mobile_phone(typed).message == message


@pytest.mark.parametrize("typed, value", [("10", Decimal("10")), ("10.5", Decimal("10.5")),
                                           ("10万元", Decimal("10")), ("1,000", Decimal("1000")),
                                           ("１０", Decimal("10"))])
def test_amounts(typed: str, value: Decimal) -> None:
    assert v.amount_wan(typed, "注册资本").value == value


@pytest.mark.parametrize("typed, fragment", [
    ("", "请输入注册资本"), ("十万", "只能填写数字"), ("-5", "应大于0"), ("0", "应大于0"),
    ("1.00001", "最多保留4位小数"), ("1e5", "只能填写数字"), ("999999999999", "过大")])
def test_amount_messages(typed: str, fragment: str) -> None:
    assert fragment in v.amount_wan(typed, "注册资本").message


def test_optional_amount_may_be_empty() -> None:
    assert v.amount_wan("", "资金数额", required=False).ok


@pytest.mark.parametrize("typed, fragment", [
    ("", "请输入姓名"), ("林", "至少应有2个字"), ("Lin Xiaomei", "应为汉字"),
    ("林" * 16, "不能超过15个字"), ("林晓梅1", "应为汉字")])
def test_person_name_messages(typed: str, fragment: str) -> None:
    assert fragment in v.person_name(typed).message


def test_ethnic_names_with_middle_dot_pass() -> None:
    assert v.person_name("买买提·艾力").value == "买买提·艾力"


@pytest.mark.parametrize("typed, fragment", [
    ("", "请输入详细地址"), ("文三路", "太短"), ("文" * 81, "不能超过80个字"),
    ("No. 12 Wensan Road", "应包含中文地名"), ("文三路旁边的小巷子里", "请写到门牌号")])
def test_address_messages(typed: str, fragment: str) -> None:
    assert fragment in v.address_detail(typed).message


def test_adult_rule_counts_birthdays_exactly() -> None:
    turns_18_today = make_id_number("330106", dt.date(2008, 11, 21), 11)
    turns_18_tomorrow = make_id_number("330106", dt.date(2008, 11, 22), 11)
    assert v.adult_id_number(turns_18_today, "经营者", TODAY).ok
    assert v.adult_id_number(turns_18_tomorrow, "经营者", TODAY).message == "经营者应年满18周岁，请由成年人办理"


def test_expired_card_is_refused_and_long_term_card_is_fine() -> None:
    assert "已于2026年11月20日过期" in v.card_not_expired(dt.date(2026, 11, 20), TODAY).message
    assert v.card_not_expired(TODAY, TODAY).ok
    assert v.card_not_expired(None, TODAY).ok   # 长期


def test_contribution_date_within_five_years() -> None:
    assert v.contribution_date("2031-11-21", TODAY).ok
    assert "5年内缴足" in v.contribution_date("2031-11-22", TODAY).message
    assert "不能早于成立日期" in v.contribution_date("2026-01-01", TODAY).message
    assert v.contribution_date("2030年6月30日", TODAY).value == dt.date(2030, 6, 30)
    assert "格式" in v.contribution_date("明年", TODAY).message


ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=200),
                     st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2))


@given(ANYTHING)
def test_no_rule_raises_on_garbage(raw: object) -> None:
    for checked in (v.mobile_phone(raw), v.amount_wan(raw, "注册资本"), v.person_name(raw),
                    v.address_detail(raw), v.whole_number(raw, "从业人数"),
                    v.adult_id_number(raw, "经营者", TODAY), v.contribution_date(raw, TODAY)):
        assert checked.ok or checked.message
