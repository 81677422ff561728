"""The page table and the path through it, for every subject type and every condition."""
from __future__ import annotations

import pytest

from kiosk.domain import requirements, subject_types
from kiosk.flow.steps import PAGES, START, path

IB, SP, LLC, BR = (subject_types.get(t) for t in
                   ("individual_business", "sole_proprietorship", "natural_person_llc", "branch"))


def test_every_question_has_a_page_with_a_heading() -> None:
    for field, _, _ in requirements.FIELDS:
        assert field in PAGES and PAGES[field].title


def test_before_the_subject_type_is_chosen_only_the_start_is_known() -> None:
    assert path(None, {}) == list(START)


def test_individual_business_personal_without_a_name() -> None:
    steps = path(IB, {"operation_form": "personal", "has_name": False, "delivery": "pickup"})
    assert steps[:4] == ["id_card", "face", "subject_type", "operation_form"]
    assert "family_members" not in steps and "name" not in steps and "seals" not in steps
    assert "staff_count" in steps and "shareholders" not in steps and "housing_fund" not in steps
    assert steps[-3:] == ["review", "commitment", "signature"]


def test_family_operation_asks_for_family_members_and_a_name_asks_for_seals() -> None:
    steps = path(IB, {"operation_form": "family", "has_name": True})
    assert steps.index("family_members") == steps.index("operation_form") + 1
    assert "name" in steps and "seals" in steps


def test_sole_proprietorship_asks_contribution_mode_not_shareholders() -> None:
    steps = path(SP, {})
    assert "contribution_mode" in steps and "shareholders" not in steps and "has_name" not in steps


def test_company_asks_shareholders_and_an_optional_supervisor() -> None:
    steps = path(LLC, {})
    assert steps.index("capital") < steps.index("shareholders") < steps.index("supervisor")
    assert requirements.is_optional("supervisor", LLC)


def test_branch_asks_parent_and_branch_name_and_no_capital() -> None:
    steps = path(BR, {})
    assert steps.index("parent") < steps.index("branch_name")
    assert "capital" not in steps and "name" not in steps


@pytest.mark.parametrize("st", [IB, SP, LLC, BR])
def test_mail_address_only_when_mailing(st: subject_types.SubjectType) -> None:
    assert "mail_address" not in path(st, {"delivery": "pickup"})
    mail = path(st, {"delivery": "mail"})
    assert mail.index("mail_address") == mail.index("delivery") + 1


def test_review_lists_every_question_page_with_a_label() -> None:
    for field, _, _ in requirements.FIELDS:
        page = PAGES[field]
        if field not in ("commitment", "signature"):
            assert page.section and page.label, field


def test_funds_are_optional_only_for_individual_businesses() -> None:
    assert requirements.is_optional("capital", IB)
    assert not requirements.is_optional("capital", LLC)
