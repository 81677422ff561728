"""Whole-record review: every subject type's sample passes; each defect is found and named."""
from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain import subject_types
from kiosk.domain.questions import QUESTIONS
from kiosk.domain.review import amount_in_words, review_record
from kiosk.domain.samples import make_id_number, sample_record

TYPES = [t.id for t in subject_types.ALL]


@pytest.mark.parametrize("subject", TYPES)
def test_each_sample_is_complete_and_valid(subject: str) -> None:
    review = review_record(sample_record(subject))
    assert review.problems == []
    fields = review.licence_fields()
    assert fields["name"] and fields["scope"].startswith("一般项目：")


@pytest.mark.parametrize("subject, instant", [("individual_business", True),
                                               ("sole_proprietorship", True),
                                               ("natural_person_llc", True), ("branch", False)])
def test_instant_approval_by_subject_type(subject: str, instant: bool) -> None:
    assert review_record(sample_record(subject)).instant is instant


def _with(subject: str, **answers: object) -> dict:
    record = sample_record(subject)
    record["answers"].update(answers)
    return record


def test_licensed_scope_goes_to_manual_review_with_the_reason() -> None:
    review = review_record(_with("individual_business", scope=["F001", "H001"],
                                 name={"region": "杭州市西湖区", "trade_name": "青禾",
                                       "industry": "百货", "form": "店"}))
    assert review.valid and not review.instant
    assert any("许可项目" in r and "餐饮服务" in r for r in review.reasons)


def test_name_industry_must_match_main_scope_for_instant_approval() -> None:
    review = review_record(_with("individual_business", name={
        "region": "杭州市西湖区", "trade_name": "青禾", "industry": "餐饮", "form": "店"}))
    assert review.valid and not review.instant
    assert any("主营项目" in r for r in review.reasons)


def test_unverified_face_and_permit_cards_go_to_a_clerk() -> None:
    record = sample_record("individual_business")
    record["identity_verified"] = False
    assert "人证比对" in review_record(record).reasons[0]
    record = sample_record("individual_business")
    record["applicant"]["card_type"] = "hmt_permit"
    assert any("港澳台" in r for r in review_record(record).reasons)


def test_minor_and_expired_card_are_problems() -> None:
    record = sample_record("individual_business", created_at=dt.datetime(2026, 11, 21))
    record["applicant"]["id_number"] = make_id_number("330106", dt.date(2010, 1, 1), 12)
    record["applicant"]["valid_until"] = "2026-01-01"
    problems = review_record(record).problems
    assert any("年满18周岁" in p for p in problems) and any("过期" in p for p in problems)


def test_missing_required_answers_are_named() -> None:
    record = sample_record("natural_person_llc")
    del record["answers"]["premises"], record["answers"]["shareholders"]
    problems = review_record(record).problems
    assert "请选择所在的省、市、县（区）" in problems
    assert "请至少添加一位股东" in problems


def test_shareholder_amounts_must_add_up_to_the_capital() -> None:
    record = sample_record("natural_person_llc")
    record["answers"]["shareholders"][0]["amount"] = "40"
    assert any("合计40万元，应等于注册资本50万元" in p for p in review_record(record).problems)


def test_sole_proprietorship_name_may_not_say_company() -> None:
    record = _with("sole_proprietorship", name={"region": "杭州市西湖区", "trade_name": "青禾",
                                                "industry": "百货", "form": "有限公司"})
    assert any("不能含有“有限”" in p for p in review_record(record).problems)


def test_individual_business_cannot_take_enterprise_only_scope() -> None:
    from kiosk.domain import catalogues
    closed = next(e for e in catalogues.scope_entries() if not e.individual_allowed)
    record = _with("individual_business", scope=["F001", closed.code])
    assert any("个体工商户不能申请" in p for p in review_record(record).problems)


def test_answers_that_do_not_apply_are_dropped_from_the_reviewed_record() -> None:
    record = _with("individual_business", shareholders=[{"name": "某某", "id_number": "1"}])
    assert "shareholders" not in review_record(record).record["answers"]


@pytest.mark.parametrize("record", [None, [], "text", {}, {"schema": 2}, {"schema": 1},
                                    {"schema": 1, "subject_type": "bank"},
                                    {"schema": 1, "subject_type": "branch", "applicant": "x"},
                                    {"schema": 1, "subject_type": "branch", "applicant": {}}])
def test_malformed_records_get_a_problem_not_an_exception(record: object) -> None:
    review = review_record(record)
    assert review.problems and not review.instant


@settings(max_examples=60)
@given(st.sampled_from(TYPES), st.sampled_from([q.id for q in QUESTIONS if q.in_record]),
       st.one_of(st.none(), st.integers(), st.text(max_size=20), st.booleans(),
                 st.lists(st.text(max_size=4), max_size=3),
                 st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3)))
def test_garbage_in_any_answer_is_a_problem_never_an_exception(subject: str, field: str,
                                                               garbage: object) -> None:
    record = copy.deepcopy(sample_record(subject))
    record["answers"][field] = garbage
    review_record(record)


@pytest.mark.parametrize("wan, words", [("50", "伍拾万元整"), ("100", "壹佰万元整"),
                                         ("1005", "壹仟零伍万元整"), ("10.5", "壹拾万伍仟元整"),
                                         ("10000.05", "壹亿零伍佰元整"), ("3", "叁万元整")])
def test_amount_in_capital_figures(wan: str, words: str) -> None:
    assert amount_in_words(wan) == words
