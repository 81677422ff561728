"""The domain rules behind the citizen services: application numbers, the guide, the name's
行政区划 from the hall's county, real ink on the signature pad, masked numbers."""
from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain import names
from kiosk.domain.application import application_number, new_application_id
from kiosk.domain.guide import guide_for
from kiosk.domain.identifiers import mask_id_number
from kiosk.domain.signature import TOO_LITTLE, ink, ink_problem
from kiosk.domain.subject_types import ALL, BY_ID


@given(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
       st.sampled_from(["", " ", "-", "  -  "]), st.booleans())
def test_an_issued_number_reads_back_however_it_is_typed(day: dt.date, gap: str,
                                                         lower: bool) -> None:
    issued = new_application_id(day)
    typed = issued.replace("-", gap)
    typed = typed.lower() if lower else typed
    assert application_number(typed) == (issued, "")


def test_letters_that_look_like_digits_are_read_as_the_digits() -> None:
    assert application_number("2026112l-7KQ4M2XO") == ("20261121-7KQ4M2X0", "")
    assert application_number("20261121-7KQ4M2XO") == ("20261121-7KQ4M2X0", "")
    assert application_number("20261121-IKQ4M2XP") == ("20261121-1KQ4M2XP", "")


@settings(max_examples=200)
@given(st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=300),
                 st.lists(st.text(max_size=3), max_size=3)))
def test_anything_typed_gets_a_number_or_one_message(junk: object) -> None:
    number, problem = application_number(junk)
    assert bool(number) != bool(problem)
    if number:
        assert application_number(number) == (number, "")


@pytest.mark.parametrize("subject", [t.id for t in ALL])
def test_the_guide_tells_everything_to_bring_at_once(subject: str) -> None:
    g = guide_for(BY_ID[subject])
    text = "\n".join(item for section in g.sections for item in section.items)
    assert "身份证" in text and BY_ID[subject].premises_label + "的使用证明" in text
    assert "免费" in text and "个工作日" in text and "分钟" in text
    assert "食品销售" in text and "市场监督管理部门" in text       # 许可 items and who grants them
    if subject == "branch":
        assert "隶属企业的营业执照" in text and "加盖隶属企业公章" in text
    if subject == "individual_business":
        assert "家庭成员" in text and "个体工商户不能申请以下项目" in text and "快递服务" in text
    if subject == "natural_person_llc":
        assert "股东" in text and "认缴出资额" in text


def test_the_name_s_region_starts_at_the_hall_s_county_and_goes_up() -> None:
    assert names.region_choices("330106") == ("杭州市西湖区", "杭州市", "杭州", "浙江省", "浙江")
    assert names.region_choices("110101")[0] == "北京市东城区"       # a 市辖区 never alone
    assert names.region_choices("370323")[:2] == ("淄博市沂源县", "沂源县")
    assert names.region_choices("999999") == () and names.region_choices("") == ()
    for choice in names.region_choices("330106"):                 # the rules accept each
        parts = names.NameParts(choice, "青禾", "百货", "店")
        assert not names.parts_problems(parts, "individual_business"), choice


def test_the_trade_name_hint_is_the_rule() -> None:
    assert names.trade_name_hint().startswith(
        f"{names.TRADE_NAME_MIN}到{names.TRADE_NAME_MAX}个汉字")


def test_a_tap_or_a_dash_is_no_signature_and_a_written_name_is() -> None:
    assert ink_problem([[{"x": 300, "y": 200}]], 900, 450) == TOO_LITTLE
    assert ink_problem([[(100, 100), (140, 100)]], 900, 450) == TOO_LITTLE
    written = [[(100 + i * 8, 200 + (i % 5) * 20) for i in range(40)], [(500, 100), (520, 380)]]
    assert ink_problem(written, 900, 450) == ""
    length, spread = ink(written, 900)
    assert length > 0.5 and math.isclose(spread, (520 - 100) / 900)


@settings(max_examples=150)
@given(st.recursive(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                              st.integers(), st.text(max_size=4)),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                        st.sampled_from(["x", "y", "z"]), inner, max_size=3), max_leaves=30),
       st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.none()))
def test_the_ink_rule_never_raises_on_garbage(strokes: object, width: object) -> None:
    assert ink_problem(strokes, width, 100) in ("", TOO_LITTLE)  # type: ignore[arg-type]


def test_numbers_are_masked_as_on_the_review_page() -> None:
    assert mask_id_number("110105198507041234") == "110105********1234"
    assert mask_id_number("123") == "***"
