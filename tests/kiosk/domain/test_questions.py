"""The question table: the path through it, its flags, its wording per subject type, and its
checkers, which never raise whatever they are given."""
from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.domain import subject_types
from kiosk.domain.answers import Context
from kiosk.domain.questions import OPTIONAL_MARK, QUESTIONS, Questionnaire, Stage
from kiosk.domain.review import licence_fields, review_record
from kiosk.domain.samples import sample_applicant, sample_record
from kiosk.flow.summary import review_sections

IB, SP, LLC, BR = (subject_types.get(t) for t in
                   ("individual_business", "sole_proprietorship", "natural_person_llc", "branch"))
TYPES = [IB, SP, LLC, BR]
# Answers that put every conditional question of a type on its path.
ALL_ON = {"operation_form": "family", "has_name": True, "delivery": "mail"}


def texts(st_: subject_types.SubjectType, answers: dict) -> list[str]:
    """Every text a person of this type reads on the way, and on the review page."""
    out = []
    for step in QUESTIONS.path(st_, answers):
        q = QUESTIONS[step]
        out += [q.heading_for(st_, answers), q.hint_for(st_, answers), q.label_for(st_, answers),
                q.body_for(st_, answers)]
        out += [o.label + o.description for o in q.options_for(st_)]
    return out


# ----- the path --------------------------------------------------------------------------------
def test_every_page_has_a_heading_and_every_listed_question_a_label() -> None:
    for t in TYPES:
        for q in (QUESTIONS[step] for step in QUESTIONS.path(t, ALL_ON)):
            assert q.heading_for(t, ALL_ON), q.id
            if q.listed:
                assert q.label_for(t, ALL_ON), (q.id, t)


def test_before_the_subject_type_is_chosen_only_the_start_is_known() -> None:
    assert QUESTIONS.path(None, {}) == ["id_card", "confirm_identity", "face", "subject_type"]


def test_individual_business_personal_without_a_name() -> None:
    steps = QUESTIONS.path(IB, {"operation_form": "personal", "has_name": False, "delivery": "pickup"})
    assert steps[:5] == ["id_card", "confirm_identity", "face", "subject_type", "operation_form"]
    assert "family_members" not in steps and "name" not in steps and "seals" not in steps
    assert "staff_count" in steps and "shareholders" not in steps and "housing_fund" not in steps
    assert steps[-3:] == ["commitment", "signature", "review"]


def test_family_operation_asks_for_family_members_and_a_name_asks_for_seals() -> None:
    steps = QUESTIONS.path(IB, {"operation_form": "family", "has_name": True})
    assert steps.index("family_members") == steps.index("operation_form") + 1
    assert "name" in steps and "seals" in steps


def test_sole_proprietorship_asks_contribution_mode_not_shareholders() -> None:
    steps = QUESTIONS.path(SP, {})
    assert "contribution_mode" in steps and "shareholders" not in steps and "has_name" not in steps


def test_company_asks_shareholders_and_an_optional_supervisor() -> None:
    steps = QUESTIONS.path(LLC, {})
    assert steps.index("capital") < steps.index("shareholders") < steps.index("supervisor")
    assert QUESTIONS["supervisor"].is_optional(LLC)


def test_branch_asks_parent_and_branch_name_and_no_capital() -> None:
    steps = QUESTIONS.path(BR, {})
    assert steps.index("parent") < steps.index("branch_name")
    assert "capital" not in steps and "name" not in steps


@pytest.mark.parametrize("st_", TYPES)
def test_mail_address_only_when_mailing(st_: subject_types.SubjectType) -> None:
    assert "mail_address" not in QUESTIONS.path(st_, {"delivery": "pickup"})
    mail = QUESTIONS.path(st_, {"delivery": "mail"})
    assert mail.index("mail_address") == mail.index("delivery") + 1


def test_funds_are_optional_only_for_individual_businesses() -> None:
    assert QUESTIONS["capital"].is_optional(IB)
    assert not any(QUESTIONS["capital"].is_optional(t) for t in (SP, LLC))


# ----- the flags the session and the bridge read -----------------------------------------------
def test_flags_follow_the_stage_of_each_page() -> None:
    flags = {q.id: (q.answered, q.in_record, q.revisitable, q.listed, q.declaration)
             for q in QUESTIONS}
    for device in ("id_card", "face"):
        assert flags[device] == (False, False, False, False, False)
    assert flags["subject_type"] == (True, False, True, True, False)   # the record's own field
    assert flags["phone"] == (True, True, True, True, False)
    assert flags["review"] == (False, False, True, False, False)
    assert flags["commitment"] == flags["signature"] == (True, True, True, False, True)
    assert flags["done"] == (False, False, False, False, False)
    assert "done" not in QUESTIONS.path(LLC, {})


def test_every_question_listed_on_the_review_is_asked_before_it() -> None:
    for q in QUESTIONS:
        assert q.listed == (q.stage in (Stage.TYPE, Stage.QUESTION)), q.id


def test_the_table_refuses_two_entries_with_one_id() -> None:
    with pytest.raises(ValueError):
        Questionnaire((*QUESTIONS, QUESTIONS["phone"]))


def test_a_page_that_takes_no_answer_says_so() -> None:
    checked = QUESTIONS["review"].clean("anything", Context(LLC))
    assert not checked.ok and "不需要填写" in checked.message


# ----- wording per subject type: capital ---------------------------------------------------------
def test_only_the_company_page_speaks_of_registered_capital_and_the_five_year_rule() -> None:
    q = QUESTIONS["capital"]
    assert "注册资本" in q.heading_for(LLC) and "5年" in q.hint_for(LLC)
    assert q.label_for(LLC) == "注册资本"
    for t in (IB, SP):
        assert "注册资本" not in q.heading_for(t) + q.hint_for(t)
        assert "5年" not in q.hint_for(t)
    for t in (IB, SP, BR):
        assert not any("注册资本" in text for text in texts(t, ALL_ON)), t


def test_a_sole_proprietorship_states_its_contribution() -> None:
    q = QUESTIONS["capital"]
    assert "出资额" in q.heading_for(SP) and q.label_for(SP) == "出资额"
    assert not q.is_optional(SP) and OPTIONAL_MARK not in q.heading_for(SP)


def test_an_individual_business_may_leave_its_funds_out() -> None:
    q = QUESTIONS["capital"]
    assert "资金数额" in q.heading_for(IB) and q.label_for(IB) == "资金数额"
    assert q.heading_for(IB).endswith(OPTIONAL_MARK)
    assert "跳过" in q.hint_for(IB) and "不印在营业执照上" in q.hint_for(IB)


@pytest.mark.parametrize("st_", [IB, SP, LLC])
def test_the_capital_label_is_the_licence_s_and_the_checker_s(st_: subject_types.SubjectType) -> None:
    q = QUESTIONS["capital"]
    assert q.label_for(st_) == st_.capital_label
    refused = q.clean("abc", Context(st_))
    assert refused.message.startswith(st_.capital_label)


# ----- wording per subject type: seals -----------------------------------------------------------
@pytest.mark.parametrize("st_, name_seal", [(LLC, "法定代表人名章"), (SP, "投资人名章"),
                                            (IB, "经营者名章"), (BR, "负责人名章")])
def test_the_fourth_seal_is_named_for_who_the_business_has(st_: subject_types.SubjectType,
                                                          name_seal: str) -> None:
    q = QUESTIONS["seals"]
    labels = [o.label for o in q.options_for(st_)]
    assert labels == ["公章", "财务专用章", "发票专用章", name_seal]
    values = [o.value for o in q.options_for(st_)]
    assert q.clean(values, Context(st_)).value == values   # the record's values do not change
    assert q.shown(values, st_, {}).endswith(name_seal)


def test_only_the_company_mentions_a_legal_representative() -> None:
    for t in (IB, SP, BR):
        assert not any("法定代表人" in text for text in texts(t, ALL_ON)), t
    assert any("法定代表人" in text for text in texts(LLC, ALL_ON))


def test_the_free_seal_set_is_marked_unconfirmed_in_one_place() -> None:
    import inspect

    from kiosk.domain.questions import table
    source = inspect.getsource(table)
    seal_note = source[source.index("# The free seal set"):source.index("def free_seals")]
    assert "UNCONFIRMED" in seal_note and "domain.md §9" in seal_note


# ----- wording per subject type: the branch ------------------------------------------------------
@pytest.mark.parametrize("st_", TYPES)
def test_premises_are_named_as_on_the_licence(st_: subject_types.SubjectType) -> None:
    q = QUESTIONS["premises"]
    assert q.heading_for(st_).startswith(st_.premises_label)
    assert q.label_for(st_) == st_.premises_label
    assert st_.premises_label in QUESTIONS["commitment"].body_for(st_)
    record = sample_record(st_.id)
    assert licence_fields(record)["premises_label"] == q.label_for(st_)


def test_a_branch_has_a_person_in_charge_and_business_premises() -> None:
    assert QUESTIONS["premises"].heading_for(BR) == "营业场所在哪里？"
    body = QUESTIONS["commitment"].body_for(BR)
    assert "负责人" in body and "营业场所" in body and "经营场所" not in body
    assert "负责人" in QUESTIONS["parent"].hint_for(BR)


def test_the_branch_review_row_shows_the_real_name_the_licence_prints() -> None:
    record = sample_record("branch")
    rows = {r.step: r.value for s in review_sections(BR, record["answers"]) for r in s.rows}
    assert rows["branch_name"] == "杭州青禾百货有限公司西湖分公司"
    assert rows["branch_name"] == licence_fields(record)["name"]
    assert "杭州青禾百货有限公司" in QUESTIONS["branch_name"].hint_for(BR, record["answers"])


# ----- one set of labels ---------------------------------------------------------------------------
@pytest.mark.parametrize("step, value", [("delivery", "pickup"), ("delivery", "mail"),
                                         ("operation_form", "family"),
                                         ("contribution_mode", "family_property")])
def test_a_choice_reads_the_same_on_its_page_and_on_the_review(step: str, value: str) -> None:
    q = QUESTIONS[step]
    st_ = SP if step == "contribution_mode" else IB
    page_label = next(o.label for o in q.options_for(st_) if o.value == value)
    assert q.shown(q.clean(value, Context(st_)).value, st_, {}) == page_label


def test_the_invoice_review_names_the_taxpayer_kind_the_page_offers() -> None:
    q = QUESTIONS["invoice"]
    offered = {o.value: o.label for o in q.options_for(LLC)}
    assert offered == {"small": "小规模纳税人", "general": "一般纳税人"}
    value = q.clean({"need": True, "taxpayer": "general"}, Context(LLC)).value
    assert q.shown(value, LLC, {}) == "需要（一般纳税人）"
    assert not q.clean({"need": True, "taxpayer": "large"}, Context(LLC)).ok


@pytest.mark.parametrize("st_", TYPES)
def test_every_sample_is_worded_on_the_review_without_raw_values(st_: subject_types.SubjectType) -> None:
    record = sample_record(st_.id)
    review = review_record(record)
    assert review.valid
    for section in review_sections(st_, dict(review.record["answers"], subject_type=st_.id)):
        for row in section.rows:
            assert row.value and "{" not in row.value and "[" not in row.value, row


# ----- the checkers never raise ----------------------------------------------------------------
_KEYS = ["name", "id_number", "amount", "due_date", "region_code", "detail", "place", "form",
         "credit_code", "need", "taxpayer", "enrol", "employees", "appointment", "bank", "date",
         "region", "trade_name", "industry"]


def _deep(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


# Values whose repr() itself raises or is huge: drawn by index, so that neither the strategy's
# repr nor a falsifying example's has to print them.
_ODD = [math.nan, math.inf, -math.inf, 10 ** 5000, -(10 ** 5000), "一" * 200_000, "1" * 100_000,
        "\x00" * 1000, "9" * 5000 + ".5", _deep(50_000), {"name": _deep(50_000)},
        [{"name": "一" * 100_000, "id_number": 10 ** 5000, "amount": math.nan}]]


def _odd(i: int) -> object:
    return _ODD[i]


_PLAUSIBLE = ["2031-02-30", "１２３", "13800138000", "small", "mail", "F001", "330106", "分公司",
              "natural_person_llc", "official", "中国银行"]
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),                                          # control characters included
    st.sampled_from(_PLAUSIBLE), st.binary(max_size=20),
    st.integers(0, len(_ODD) - 1).map(_odd))
_GARBAGE = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.one_of(st.sampled_from(_KEYS), st.text(max_size=5)), inner, max_size=6),
    max_leaves=12)


class Raw:
    """A garbage value with a repr that never raises (for hypothesis' report)."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __repr__(self) -> str:
        try:
            text = repr(self.value)
        except (ValueError, RecursionError):
            return "Raw(<unprintable>)"
        return f"Raw({text[:200]})"


_CHECKED = [q for q in QUESTIONS if q.check is not None]


def _check(q, garbage: object, st_: subject_types.SubjectType, capital: str | None) -> None:  # noqa: ANN001
    ctx = Context(st_, sample_applicant().id_number, dt.date(2026, 11, 21), capital)
    checked = q.check(garbage, ctx)              # the checker itself, not the defensive wrapper
    assert checked.ok or checked.message
    if checked.ok and checked.value is not None:
        assert isinstance(q.shown(checked.value, st_, {}), str)   # the review can word it


@pytest.mark.parametrize("q", _CHECKED, ids=lambda q: q.id)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st_=st.sampled_from(TYPES), capital=st.sampled_from([None, "50"]),
       garbage=_GARBAGE.map(Raw))
def test_no_checker_raises_on_garbage(q, st_, capital, garbage) -> None:  # noqa: ANN001
    _check(q, garbage.value, st_, capital)


def _shapes(value: object) -> list[object]:
    """``value`` alone and in every place an answer's shape has room for it."""
    flags = {"need": True, "enrol": True, "appointment": True}
    every_key = dict({k: value for k in _KEYS}, **flags)
    return [value, [value], {k: value for k in _KEYS}, every_key, [every_key],
            dict(every_key, bank="中国银行", region_code="330106", form="分公司")]


@pytest.mark.parametrize("q", _CHECKED, ids=lambda q: q.id)
def test_no_checker_raises_on_odd_values_anywhere(q) -> None:  # noqa: ANN001
    for value in _ODD:
        for shape in _shapes(value):
            for st_ in TYPES:
                _check(q, shape, st_, "50")
