"""GB 11643 and GB 32100 checks: known numbers, every failure message, and laws."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.identifiers import (
    CREDIT_ALPHABET, complete_credit_code, id_check_char, validate_credit_code, validate_id_number)
from kiosk.domain.samples import make_id_number

TODAY = dt.date(2026, 11, 21)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", "360426199101010071"])
def test_reference_check_digits_from_the_spec(number: str) -> None:
    assert id_check_char(number[:17]) == number[17]


def test_reference_numbers_pass_and_an_1880_birth_is_implausible() -> None:
    assert validate_id_number("11010519491231002X", TODAY).valid
    assert validate_id_number("360426199101010071", TODAY).valid
    assert "早于1900年" in validate_id_number("440524188001010014", TODAY).message


def test_lower_case_x_spaces_hyphens_and_full_width_digits_are_accepted() -> None:
    for typed in ("11010519491231002x", "110105 19491231 002X", "110105-19491231-002X",
                  "１１０１０５１９４９１２３１００２Ｘ"):
        check = validate_id_number(typed, TODAY)
        assert check.valid and check.number == "11010519491231002X", typed


def test_what_the_number_says_about_the_person() -> None:
    check = validate_id_number("11010519491231002X", TODAY)
    assert check.birth_date == dt.date(1949, 12, 31)
    assert check.sex == "女"                # 17th digit 2 is even
    assert check.kind == "resident"
    assert check.region_name and "朝阳区" in check.region_name


@pytest.mark.parametrize("typed, message", [
    ("", "请输入18位身份证号码"),
    ("   ", "请输入18位身份证号码"),
    ("1101051949123100", "身份证号码应为18位，您输入了16位"),
    ("11010519491231002X1", "身份证号码应为18位，您输入了19位"),
    ("11010519491231002张", "身份证号码只能包含数字，最后一位可以是字母X"),
    ("11010519491231002A", "身份证号码只能包含数字，最后一位可以是字母X"),
    ("1101051949X231002X", "身份证号码前17位应为数字，只有最后一位可以是X"),
    ("110105194913310020", "身份证号码第7到14位应为有效的出生日期，请核对"),
    ("110105203001010010", "身份证号码中的出生日期晚于今天，请核对"),
    ("110105189001010010", "身份证号码中的出生年份早于1900年，请核对"),
    ("110105194912310021", "身份证号码最后一位（校验位）不符，请逐位核对"),
])
def test_each_failure_has_its_own_message(typed: str, message: str) -> None:
    check = validate_id_number(typed, TODAY)
    assert not check.valid
    assert check.message == message


def test_unknown_region_is_refused_but_retired_and_late_issued_regions_pass() -> None:
    unknown = make_id_number("000000", dt.date(1980, 1, 1), 11)
    assert validate_id_number(unknown, TODAY).message == "身份证号码前6位（地区代码）不存在，请核对"
    # 沂源县 370323 with a 1970s birth date: stdnum's birth-year heuristic would refuse it.
    assert validate_id_number(make_id_number("370323", dt.date(1975, 6, 1), 31), TODAY).valid


@pytest.mark.parametrize("region, kind", [("810000", "hmt_permit"), ("820000", "hmt_permit"),
                                           ("830000", "hmt_permit")])
def test_hong_kong_macau_taiwan_permit_numbers_pass(region: str, kind: str) -> None:
    check = validate_id_number(make_id_number(region, dt.date(1990, 5, 5), 17), TODAY)
    assert check.valid and check.kind == kind


def test_2023_foreign_permanent_resident_numbers_pass_on_check_digit_alone() -> None:
    number = "9" + "11234" + "19880808" + "123"
    check = validate_id_number(number + id_check_char(number), TODAY)
    assert check.valid and check.kind == "foreign_permanent"


@given(st.text(max_size=40))
def test_any_text_gives_a_result_never_an_exception(text: str) -> None:
    check = validate_id_number(text, TODAY)
    assert check.valid or check.message


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY), st.integers(0, 999))
def test_every_correctly_built_number_passes_and_every_wrong_check_digit_fails(
        birth: dt.date, seq: int) -> None:
    number = make_id_number("330106", birth, seq)
    assert validate_id_number(number, TODAY).valid
    for wrong in "0123456789X":
        if wrong != number[-1]:
            assert not validate_id_number(number[:-1] + wrong, TODAY).valid


def test_check_results_do_not_print_the_number() -> None:
    assert "11010519491231002X" not in repr(validate_id_number("11010519491231002X", TODAY))


# ---- unified social credit code ---------------------------------------------------------------

def test_reference_credit_code_passes() -> None:
    check = validate_credit_code("91110000600037341L")
    assert check.valid and check.department == "9" and check.category == "1"


def test_credit_code_normalisation() -> None:
    assert validate_credit_code(" 9111-0000-6000-3734-1l ").valid


@pytest.mark.parametrize("typed, fragment", [
    ("", "请输入18位统一社会信用代码"),
    ("91110000600037341", "应为18位，您输入了17位"),
    ("91110000600037341L0", "应为18位，您输入了19位"),
    ("9111000060003734中L", "只能包含数字和大写字母"),
    ("91110000600037341O", "不使用字母O"),
    ("91110000600037341I", "不使用字母I"),
    ("911A0000600037341L", "第3到8位应为数字"),
    ("91110000600037341M", "校验码）不符"),
])
def test_credit_code_failures(typed: str, fragment: str) -> None:
    check = validate_credit_code(typed)
    assert not check.valid and fragment in check.message


@given(st.text(alphabet=CREDIT_ALPHABET, min_size=2, max_size=2),
       st.text(alphabet="0123456789", min_size=6, max_size=6),
       st.text(alphabet=CREDIT_ALPHABET, min_size=9, max_size=9))
def test_completed_codes_always_validate(head: str, region: str, body: str) -> None:
    code = complete_credit_code(head + region + body)
    assert validate_credit_code(code).valid
    assert sum(validate_credit_code(code[:17] + c).valid for c in CREDIT_ALPHABET) == 1


def test_complete_credit_code_refuses_bad_input() -> None:
    for bad in ("", "9111000060003734", "91A1000060003734X", "91110000600037341O"[:16] + "O"):
        with pytest.raises(ValueError):
            complete_credit_code(bad)


@given(st.text(max_size=30))
def test_credit_code_never_raises(text: str) -> None:
    check = validate_credit_code(text)
    assert check.valid or check.message
