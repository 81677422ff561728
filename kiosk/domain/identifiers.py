"""Identifier checks: the 公民身份号码 (GB 11643) and the 统一社会信用代码 (GB 32100).

Public API::

    validate_id_number(text, today=None) -> IdNumberCheck
    validate_credit_code(text) -> CreditCodeCheck
    complete_credit_code(first17) -> str

Both validators accept what people type: spaces and hyphens are stripped, full-width
characters are folded to ASCII and a lower-case x is accepted. They never raise on bad input;
a check that fails carries one Chinese message that says what to fix.

The check-digit arithmetic is python-stdnum's. Its full ``validate`` is not used: it refuses
HK/Macau/Taiwan permit numbers (810000/820000/830000), 9-prefixed foreign permanent resident
numbers and county codes it believes did not exist in the birth year, and an ID number's region
is where it was first issued, often years after birth. The region is checked against our own
catalogue instead, retired codes included. Age and card expiry are person rules
(``kiosk.domain.validation``), not number rules.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from kiosk.domain import catalogues

ID_LENGTH = 18
CREDIT_CODE_LENGTH = 18
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
_EARLIEST_BIRTH_YEAR = 1900
_PERMIT_REGIONS = {"810000": "香港", "820000": "澳门", "830000": "台湾"}


def normalise(text: object) -> str:
    """Fold full-width forms to ASCII, drop spaces and hyphens, upper-case."""
    if not isinstance(text, str):
        return ""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "-‐‑–—_").upper()


@dataclass(frozen=True)
class IdNumberCheck:
    """Outcome of ``validate_id_number``.

    Attributes:
        valid: whether the number passed every check.
        number: the normalised number (what the person typed, cleaned).
        message: the Chinese message when not valid, else "".
        kind: "resident", "hmt_permit" (港澳台居民居住证) or "foreign_permanent" (2023 永居证).
        birth_date, sex: read from the number when valid ("男"/"女").
        region_name: where the number was first issued, when known.
    """

    valid: bool
    number: str
    message: str = ""
    kind: str = ""
    birth_date: dt.date | None = None
    sex: str | None = None
    region_name: str | None = None

    def __repr__(self) -> str:  # never print a person's number into a log
        return f"IdNumberCheck(valid={self.valid}, kind={self.kind!r}, message={self.message!r})"


def mask_id_number(number: str) -> str:
    """An identity number as screens and paper show it: 330106********1234."""
    return number[:6] + "*" * max(0, len(number) - 10) + number[-4:] if len(number) > 10 \
        else "*" * len(number)


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for 17 digits (GB 11643)."""
    # python-stdnum is imported on first use: its package loads pydoc and ssl (some 10 ms of
    # the window's start), and no number is checked before a visit begins.
    from stdnum.cn import ric
    return ric.calc_check_digit(first17 + "0")


def _fail(number: str, message: str) -> IdNumberCheck:
    return IdNumberCheck(False, number, message)


def validate_id_number(text: object, today: dt.date | None = None) -> IdNumberCheck:
    """Check a 公民身份号码 (also the numbers on 港澳台居民居住证 and the 2023 永居证).

    Args:
        text: what the person typed or the card gave; any object.
        today: the date to compare the birth date with (defaults to today).
    Returns:
        An ``IdNumberCheck``; never raises.
    """
    today = today or dt.date.today()
    number = normalise(text)
    if not number:
        return _fail(number, "请输入18位身份证号码")
    if not all(ch.isascii() and (ch.isdigit() or ch == "X") for ch in number):
        return _fail(number, "身份证号码只能包含数字，最后一位可以是字母X")
    if len(number) != ID_LENGTH:
        return _fail(number, f"身份证号码应为18位，您输入了{len(number)}位")
    if "X" in number[:-1]:
        return _fail(number, "身份证号码前17位应为数字，只有最后一位可以是X")
    birth = _birth_date(number)
    if birth is None:
        return _fail(number, "身份证号码第7到14位应为有效的出生日期，请核对")
    if birth > today:
        return _fail(number, "身份证号码中的出生日期晚于今天，请核对")
    if birth.year < _EARLIEST_BIRTH_YEAR:
        return _fail(number, "身份证号码中的出生年份早于1900年，请核对")
    if id_check_char(number[:17]) != number[17]:
        return _fail(number, "身份证号码最后一位（校验位）不符，请逐位核对")
    kind, region_name = _issuer(number[:6])
    if kind is None:
        return _fail(number, "身份证号码前6位（地区代码）不存在，请核对")
    sex = "男" if int(number[16]) % 2 else "女"
    return IdNumberCheck(True, number, "", kind, birth, sex, region_name)


def _birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def _issuer(code: str) -> tuple[str | None, str | None]:
    if code in _PERMIT_REGIONS:
        return "hmt_permit", _PERMIT_REGIONS[code]
    if code[0] == "9":
        # 2023 foreign permanent resident numbers start with 9 and carry no GB/T 2260 region
        # (domain.md §2.4 [S] eastcoms); only the check digit applies.
        return "foreign_permanent", None
    region = catalogues.region(code)
    if region is None:
        return None, None
    return "resident", region.full_name


@dataclass(frozen=True)
class CreditCodeCheck:
    """Outcome of ``validate_credit_code``: valid, the normalised code, a Chinese message."""

    valid: bool
    code: str
    message: str = ""
    department: str = ""   # first character: 9 = 市场监管 (formerly 工商)
    category: str = ""     # second character: for department 9, 1 企业, 2 个体工商户, 3 农民专业合作社


def credit_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters."""
    from stdnum.cn import uscc     # on first use, as in id_check_char
    return uscc.calc_check_digit(first17)


def complete_credit_code(first17: str) -> str:
    """Append the check character to a 17-character code.

    Raises:
        ValueError: if ``first17`` is not 17 characters of the GB 32100 alphabet with digits in
            positions 3-8.
    """
    if (len(first17) != 17 or any(c not in CREDIT_ALPHABET for c in first17)
            or not first17[2:8].isdigit()):
        raise ValueError("need 17 characters of the GB 32100 alphabet, digits in positions 3-8")
    return first17 + credit_check_char(first17)


def validate_credit_code(text: object) -> CreditCodeCheck:
    """Check a 统一社会信用代码; never raises."""
    code = normalise(text)
    if not code:
        return CreditCodeCheck(False, code, "请输入18位统一社会信用代码")
    if not code.isascii() or not code.isalnum():
        return CreditCodeCheck(False, code, "统一社会信用代码只能包含数字和大写字母")
    if len(code) != CREDIT_CODE_LENGTH:
        return CreditCodeCheck(False, code, f"统一社会信用代码应为18位，您输入了{len(code)}位")
    bad = sorted({c for c in code if c not in CREDIT_ALPHABET})
    if bad:
        return CreditCodeCheck(False, code,
                               f"统一社会信用代码不使用字母{'、'.join(bad)}，请核对（常见混淆：O与0、I与1、Z与2、S与5）")
    if not code[2:8].isdigit():
        return CreditCodeCheck(False, code, "统一社会信用代码第3到8位应为数字（登记机关行政区划码）")
    if credit_check_char(code[:17]) != code[17]:
        return CreditCodeCheck(False, code, "统一社会信用代码最后一位（校验码）不符，请逐位核对")
    return CreditCodeCheck(True, code, "", code[0], code[1])
