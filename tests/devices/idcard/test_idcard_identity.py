"""The 256-byte text block: each card type decoded, encoded back, and fuzzed (domain.md §2)."""
from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from devices.idcard.frames import LAYOUTS, TEXT_LEN, CardType
from devices.idcard.identity import (
    CardDataError,
    Identity,
    card_type_of,
    decode_new_addresses,
    decode_text,
    encode_new_addresses,
    encode_text,
)
from devices.idcard.simulator import simulated_cards, with_check_digit


def field(text: str, length: int) -> bytes:
    """A field as a card holds it: UCS-2 LE, padded with spaces (§2.1)."""
    raw = text.encode("utf-16-le")
    assert len(raw) <= length
    return raw + " ".encode("utf-16-le") * ((length - len(raw)) // 2)


def resident_block(until: str = "20350302") -> bytes:
    """A resident block laid out by hand from the §2.1 table, independent of identity.py."""
    block = (
        field("张三", 30) + field("1", 2) + field("01", 4) + field("19850704", 16)
        + field("北京市朝阳区测试路1号院2号楼3单元401室", 70) + field("110105198507041231", 36)
        + field("北京市公安局朝阳分局", 30) + field("20150302", 16) + field(until, 16) + field("", 36)
    )
    assert len(block) == TEXT_LEN
    return block


def test_layouts_cover_256_bytes_contiguously() -> None:
    for card_type, layout in LAYOUTS.items():
        spans = sorted(layout.values())
        assert spans[0][0] == 0, card_type
        for (off, length), (next_off, _) in zip(spans, spans[1:], strict=False):
            assert off + length == next_off, (card_type, off)
        assert spans[-1][0] + spans[-1][1] == TEXT_LEN, card_type
        assert all(length % 2 == 0 for _, length in spans)


def test_resident_block_decodes_field_by_field() -> None:
    identity = decode_text(resident_block(), b"\x01" * 1024)
    assert identity.card_type is CardType.RESIDENT
    assert identity.name == "张三"
    assert (identity.sex_code, identity.sex) == ("1", "男")
    assert (identity.ethnic_code, identity.ethnic) == ("01", "汉族")
    assert identity.birth_date == date(1985, 7, 4)
    assert identity.address == "北京市朝阳区测试路1号院2号楼3单元401室"
    assert identity.id_number == "110105198507041231"
    assert identity.authority == "北京市公安局朝阳分局"
    assert (identity.valid_from, identity.valid_until) == (date(2015, 3, 2), date(2035, 3, 2))
    assert identity.english_name is identity.nationality is identity.permit_number is None
    assert identity.issue_count is None
    assert identity.photo_wlt == b"\x01" * 1024


def test_long_term_card_has_no_end_date() -> None:
    assert decode_text(resident_block(until="长期")).valid_until is None


def test_zero_padding_is_stripped_too() -> None:
    block = bytearray(resident_block())
    block[4:30] = bytes(26)  # name padded with NULs instead of spaces
    assert decode_text(bytes(block)).name == "张三"


def test_an_ethnic_code_outside_gb3304_is_shown_raw() -> None:
    block = bytearray(resident_block())
    block[32:36] = field("99", 4)
    identity = decode_text(bytes(block))
    assert (identity.ethnic_code, identity.ethnic) == ("99", "99")


@pytest.mark.parametrize(
    "flag,card_type",
    [(b"I\x00", CardType.FOREIGN_PERMANENT_2017), (b"J\x00", CardType.HMT_RESIDENCE_PERMIT),
     (b"Y\x00", CardType.FOREIGN_PERMANENT_2023), (b" \x00", CardType.RESIDENT), (b"\x00\x00", CardType.RESIDENT)],
)
def test_card_type_flag_at_248(flag: bytes, card_type: CardType) -> None:
    block = bytearray(TEXT_LEN)
    block[248:250] = flag
    assert card_type_of(bytes(block)) is card_type


def test_foreign_2017_block_decodes_field_by_field() -> None:
    block = (
        field("SMITH JOHN", 120) + field("1", 2) + field("USA110085070412", 30) + field("USA", 6)
        + field("", 30) + field("20180110", 16) + field("20280110", 16) + field("19850704", 16)
        + field("01", 4) + field("1100", 8) + b"I\x00" + field("", 6)
    )
    identity = decode_text(block)
    assert identity.card_type is CardType.FOREIGN_PERMANENT_2017
    assert identity.name == identity.english_name == "SMITH JOHN"  # no Chinese name on this card
    assert identity.id_number == "USA110085070412"
    assert identity.nationality == "USA"
    assert identity.birth_date == date(1985, 7, 4)
    assert (identity.card_version, identity.authority) == ("01", "1100")
    assert identity.ethnic_code is identity.ethnic is identity.address is None
    with_chinese = block[:158] + field("史密斯", 30) + block[188:]
    assert decode_text(with_chinese).name == "史密斯"


def test_hmt_permit_block_decodes_field_by_field() -> None:
    block = (
        field("陈港生", 30) + field("1", 2) + field("", 4) + field("19880229", 16) + field("广东省深圳市", 70)
        + field("810000198802293154", 36) + field("深圳市公安局", 30) + field("20230901", 16)
        + field("20280901", 16) + field("H12345678", 18) + field("03", 4) + field("", 6) + b"J\x00" + field("", 6)
    )
    identity = decode_text(block)
    assert identity.card_type is CardType.HMT_RESIDENCE_PERMIT
    assert identity.name == "陈港生"
    assert identity.birth_date == date(1988, 2, 29)
    assert identity.permit_number == "H12345678"
    assert identity.issue_count == 3
    assert identity.ethnic_code is None


def test_foreign_2023_english_name_spans_two_slices() -> None:
    english = "GARCIA MARTINEZ MARIA DE LOS ANGEL ISABELLA"  # 43 characters
    block = (
        field("玛丽亚", 30) + field("2", 2) + field("01", 4) + field("19921205", 16) + field(english[:35], 70)
        + field("911724199212050022", 36) + field("", 30) + field("20240115", 16) + field("20340115", 16)
        + field(english[35:], 22) + field("ESP", 6) + b"Y\x00" + field("", 6)
    )
    identity = decode_text(block)
    assert identity.card_type is CardType.FOREIGN_PERMANENT_2023
    assert english[34] == " "  # the split falls after a space, which must survive
    assert identity.english_name == english
    assert (identity.name, identity.sex, identity.issue_count) == ("玛丽亚", "女", 1)
    assert identity.nationality == "ESP"
    assert identity.authority is None


@pytest.mark.parametrize("name", sorted(simulated_cards()))
def test_simulated_cards_round_trip(name: str) -> None:
    card = simulated_cards()[name]
    assert decode_text(encode_text(card), card.photo_wlt) == card


@pytest.mark.parametrize("name", sorted(simulated_cards()))
def test_simulated_card_numbers_carry_correct_check_digits(name: str) -> None:
    number = simulated_cards()[name].id_number
    if name.startswith("resident"):
        assert ric.is_valid(number)
    elif len(number) == 18:  # 'J' and 'Y': stdnum lacks their address codes (§3), check digit only
        assert with_check_digit(number[:17]) == number
    else:
        assert len(number) == 15 and number[:3].isalpha() and number[3:].isdigit()


def test_simulated_cards_cover_what_the_kiosk_must_handle() -> None:
    cards = simulated_cards()
    today = date.today()
    assert cards["resident_valid"].valid_until > today
    assert cards["resident_expired"].valid_until < today
    assert cards["resident_long_term"].valid_until is None
    assert today.year - cards["resident_minor"].birth_date.year < 18
    assert {c.card_type for c in cards.values()} == set(CardType)


def test_repr_hides_name_and_number() -> None:
    card = simulated_cards()["resident_valid"]
    text = repr(card) + str(card) + repr([card])
    assert card.name not in text and card.id_number not in text
    assert card.address not in text and "1985" not in text
    assert "RESIDENT" in text


@pytest.mark.parametrize(
    "damage,match",
    [
        (lambda b: b[:255], "256 bytes"),
        (lambda b: b + b"\x00", "256 bytes"),
        (lambda b: b[:36] + field("19851332", 16) + b[52:], "calendar"),
        (lambda b: b[:36] + field("1985-7-4", 16) + b[52:], "YYYYMMDD"),
        (lambda b: b[:204] + field("永久", 16) + b[220:], "YYYYMMDD"),
        (lambda b: b[:30] + field("3", 2) + b[32:], "sex"),
        (lambda b: b[:30] + field("", 2) + b[32:], "sex"),
        (lambda b: b"\x00\xd8" + b[2:], "UCS-2"),  # a lone surrogate
        (lambda b: b[:36] + field("١٩٨٥٠٧٠٤", 16) + b[52:], "YYYYMMDD"),  # non-ASCII digits
    ],
)
def test_malformed_blocks_raise_card_data_error(damage, match: str) -> None:
    with pytest.raises(CardDataError, match=match):
        decode_text(damage(resident_block()))


def test_encode_refuses_fields_that_do_not_fit() -> None:
    card = simulated_cards()["resident_valid"]
    with pytest.raises(CardDataError, match="name"):
        encode_text(dataclasses.replace(card, name="张" * 16))
    with pytest.raises(CardDataError):
        encode_text(dataclasses.replace(card, name="\ud800"))


def test_new_addresses_round_trip() -> None:
    addresses = ("北京市海淀区新地址路1号", "北京市西城区另一路2号")
    data = encode_new_addresses(addresses)
    assert len(data) == 140
    assert decode_new_addresses(data) == addresses
    assert decode_new_addresses(b"") == ()
    with pytest.raises(CardDataError):
        decode_new_addresses(data[:75])


# --- Hypothesis -------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=TEXT_LEN, max_size=TEXT_LEN))
def test_fuzz_random_blocks_decode_or_raise_card_data_error(block: bytes) -> None:
    try:
        decode_text(block)
    except CardDataError:
        pass


@settings(max_examples=300, deadline=None)
@given(block=st.binary(min_size=TEXT_LEN, max_size=TEXT_LEN), flag=st.sampled_from([b"I\x00", b"J\x00", b"Y\x00"]))
def test_fuzz_random_blocks_of_every_type(block: bytes, flag: bytes) -> None:
    try:
        decode_text(block[:248] + flag + block[250:])
    except CardDataError:
        pass


def text(alphabet: str, max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    """Field text as a card could hold it: no padding at the ends."""
    return st.text(alphabet=alphabet, min_size=min_size, max_size=max_size).map(str.strip).filter(
        lambda s: len(s) >= min_size
    )


HANZI = "张王李赵陈刘杨黄周吴一二三明华玛丽亚北京上海市区路号"
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ "
DIGITS = "0123456789"
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), strategy.filter(bool))


@st.composite
def identities(draw: st.DrawFn) -> Identity:
    card_type = draw(st.sampled_from(list(CardType)))
    common = dict(
        card_type=card_type,
        sex_code=draw(st.sampled_from(["0", "1", "2", "9"])),
        birth_date=draw(dates),
        valid_from=draw(dates),
        valid_until=draw(st.one_of(st.none(), dates)),
        photo_wlt=draw(st.binary(max_size=1024)),
    )
    if card_type in (CardType.RESIDENT, CardType.HMT_RESIDENCE_PERMIT):
        return Identity(
            name=draw(text(HANZI, 15)),
            id_number=draw(text(DIGITS + "X", 18)),
            address=draw(optional(text(HANZI + DIGITS, 35))),
            authority=draw(optional(text(HANZI, 15))),
            ethnic_code=draw(optional(text(DIGITS, 2))) if card_type is CardType.RESIDENT else None,
            permit_number=draw(optional(text(LATIN.strip() + DIGITS, 9))) if card_type is not CardType.RESIDENT else None,
            issue_count=draw(st.one_of(st.none(), st.integers(0, 99))) if card_type is not CardType.RESIDENT else None,
            **common,
        )
    english_max = 60 if card_type is CardType.FOREIGN_PERMANENT_2017 else 46
    english = draw(optional(text(LATIN, english_max)))
    chinese = draw(text(HANZI, 15))
    i_card = card_type is CardType.FOREIGN_PERMANENT_2017
    return Identity(
        name=chinese or english or "",
        english_name=english,
        id_number=draw(text(LATIN.strip() + DIGITS, 15 if i_card else 18)),
        nationality=draw(optional(text(LATIN.strip(), 3))),
        authority=draw(optional(text(DIGITS, 4))) if i_card else None,
        card_version=draw(optional(text(DIGITS, 2))) if i_card else None,
        issue_count=None if i_card else draw(st.one_of(st.none(), st.integers(0, 99))),
        **common,
    )


@settings(max_examples=400, deadline=None)
@given(identities())
def test_fuzz_identity_round_trip(identity: Identity) -> None:
    block = encode_text(identity)
    assert len(block) == TEXT_LEN
    assert decode_text(block, identity.photo_wlt) == identity
