"""Field rules: one function per kind of answer, each returning the cleaned value or one message.

Rules follow ux.md "Errors": the message reuses the label's words and says how to fix it;
separate messages for empty, too long, too short, wrong characters and wrong format; spaces and
hyphens in numbers are accepted and stripped; full-width digits are folded. Nothing here
raises on bad input, and nothing clears what the person typed (the flow keeps the raw text).
Identifier checks live in ``identifiers``; name rules in ``names``; scope rules in ``scope``.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.domain.identifiers import normalise, validate_id_number

ADULT_AGE = 18
NAME_MAX_CHARS = 15          # the card's name field holds 15 characters (domain.md §2.1)
ADDRESS_MIN_CHARS = 5
ADDRESS_MAX_CHARS = 80
CAPITAL_MAX_WAN = Decimal("100000000")   # 1 万亿元; beyond is a typo, not a kiosk business
CONTRIBUTION_YEARS = 5       # 公司法 (2023) Art. 47: subscribed capital paid within 5 years [C]
_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff]+$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class Checked:
    """A cleaned value, or the Chinese message that says what to fix (value is then None), and
    for a page with several fields, which one it belongs next to (``field``: "detail",
    "0.id_number" for the first person's number; "" for the page as a whole)."""

    value: Any = None
    message: str = ""
    field: str = ""

    @property
    def ok(self) -> bool:
        return not self.message

    def at(self, field: str) -> Checked:
        """This result, a failure belonging next to ``field``."""
        return self if self.ok else Checked(None, self.message, field)


def fail(message: str, field: str = "") -> Checked:
    return Checked(None, message, field)


def _text(raw: object) -> str:
    return unicodedata.normalize("NFKC", raw).strip() if isinstance(raw, str) else ""


def is_chinese(text: str) -> bool:
    """True when every character is a CJK ideograph (规范汉字 test, without the list itself)."""
    return bool(_CJK.match(text))


def person_name(raw: object, label: str = "姓名") -> Checked:
    text = _text(raw).replace(" ", "")
    if not text:
        return fail(f"请输入{label}")
    if len(text) < 2:
        return fail(f"{label}至少应有2个字")
    if len(text) > NAME_MAX_CHARS:
        return fail(f"{label}不能超过{NAME_MAX_CHARS}个字，您输入了{len(text)}个字")
    # Ethnic names use the middle dot: 买买提·艾力.
    if not is_chinese(text.replace("·", "").replace("•", "")):
        return fail(f"{label}应为汉字，请与身份证上的姓名一致")
    return Checked(text.replace("•", "·"))


def mobile_phone(raw: object, label: str = "手机号码") -> Checked:
    text = normalise(raw)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if not text:
        return fail(f"请输入{label}")
    if not text.isascii() or not text.isdigit():
        return fail(f"{label}只能包含数字")
    if len(text) != 11:
        return fail(f"{label}应为11位，您输入了{len(text)}位")
    if not _MOBILE.match(text):
        return fail(f"{label}应以1开头，第二位是3到9，请核对")
    return Checked(text)


def amount_wan(raw: object, label: str, *, required: bool = True) -> Checked:
    """An amount in 万元, e.g. "10" or "10.5". Returns a Decimal."""
    # Not ``normalise``: a hyphen here is a minus sign, not a separator.
    text = "".join(_text(raw).split()).replace(",", "").replace("，", "")
    for unit in ("万元", "万"):
        text = text.removesuffix(unit)
    if not text:
        return fail(f"请输入{label}（单位：万元）") if required else Checked(None)
    if text.startswith("-"):
        return fail(f"{label}应大于0")
    if not re.fullmatch(r"\d+(\.\d+)?", text) or not text.isascii():
        return fail(f"{label}只能填写数字，例如 10 或 10.5（单位：万元）")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return fail(f"{label}只能填写数字，例如 10 或 10.5（单位：万元）")
    if value <= 0:
        return fail(f"{label}应大于0")
    if value.as_tuple().exponent < -4:  # type: ignore[operator]
        return fail(f"{label}最多保留4位小数（精确到元）")
    if value > CAPITAL_MAX_WAN:
        return fail(f"{label}过大，请核对单位是否为万元")
    return Checked(value)


def address_detail(raw: object, label: str = "详细地址") -> Checked:
    text = _text(raw)
    if not text:
        return fail(f"请输入{label}，例如：某某街道某某路12号3幢101室")
    if len(text) < ADDRESS_MIN_CHARS:
        return fail(f"{label}太短，请写到门牌号，例如：某某路12号")
    if len(text) > ADDRESS_MAX_CHARS:
        return fail(f"{label}不能超过{ADDRESS_MAX_CHARS}个字，您输入了{len(text)}个字")
    if not any(is_chinese(ch) for ch in text):
        return fail(f"{label}应包含中文地名，例如：某某路12号")
    if not any(ch.isdigit() for ch in text) and not any(ch in text for ch in "号栋幢室铺组"):
        return fail(f"{label}请写到门牌号（例如：12号）")
    return Checked(text)


def whole_number(raw: object, label: str, *, minimum: int = 0, maximum: int = 100000) -> Checked:
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw               # not via str(): a huge integer makes str() itself raise
    else:
        text = normalise(raw)
        if not text:
            return fail(f"请输入{label}")
        if not text.isascii() or not text.isdigit():
            return fail(f"{label}只能填写整数，例如 3")
        if len(text.lstrip("0")) > len(str(maximum)):   # before int(): no 5,000-digit parse
            return fail(f"{label}不能超过{maximum}")
        value = int(text)
    if value < minimum:
        return fail(f"{label}不能少于{minimum}")
    if value > maximum:
        return fail(f"{label}不能超过{maximum}")
    return Checked(value)


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def adult(birth: dt.date, role: str, today: dt.date | None = None) -> Checked:
    """A person who must be at least 18, by the birth date on their card."""
    if age_on(birth, today or dt.date.today()) < ADULT_AGE:
        return fail(f"{role}应年满{ADULT_AGE}周岁，请由成年人办理")
    return Checked(birth)


def adult_id_number(raw: object, role: str, today: dt.date | None = None) -> Checked:
    """An ID number of a person who must be at least 18 (operator, investor, legal rep)."""
    today = today or dt.date.today()
    check = validate_id_number(raw, today)
    if not check.valid:
        return fail(check.message)
    assert check.birth_date is not None
    grown = adult(check.birth_date, role, today)
    return Checked(check.number) if grown.ok else grown


def card_not_expired(valid_until: dt.date | None, today: dt.date | None = None) -> Checked:
    """None means 长期 (valid long-term)."""
    today = today or dt.date.today()
    if valid_until is not None and valid_until < today:
        return fail(f"您的证件已于{valid_until:%Y年%m月%d日}过期，请持有效证件办理，"
                    "或到窗口咨询临时身份证明")
    return Checked(valid_until)


def contribution_date(raw: object, established: dt.date) -> Checked:
    """认缴出资日期: on or after today, within 5 years of establishment (公司法 Art. 47)."""
    text = "".join(_text(raw).split())
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    try:
        when = dt.date(*map(int, match.groups())) if match else None
    except ValueError:
        when = None
    if when is None:
        return fail("请输入认缴出资日期，例如 2030-06-30") if not text else \
            fail("认缴出资日期格式应为 年-月-日，例如 2030-06-30")
    if when < established:
        return fail("认缴出资日期不能早于成立日期")
    limit = established.replace(year=established.year + CONTRIBUTION_YEARS) \
        if not (established.month == 2 and established.day == 29) \
        else dt.date(established.year + CONTRIBUTION_YEARS, 2, 28)
    if when > limit:
        return fail(f"按照公司法，认缴出资应在公司成立之日起{CONTRIBUTION_YEARS}年内缴足，"
                    f"请选择{limit:%Y年%m月%d日}之前的日期")
    return Checked(when)
