"""Assigning identifiers on approval: the 统一社会信用代码 (USCC) and the licence number.

USCC layout (GB 32100-2015): position 1 the registration authority (9 = 市场监管/工商),
position 2 the subject type under it (1 enterprise, 2 individual business), positions 3-8 the
authority's administrative region code (GB/T 2260), positions 9-17 the organisation code
(GB 11714: eight body characters and a check character), position 18 the GB 32100 check
character from ``kiosk.domain.identifiers.complete_credit_code`` (python-stdnum's
arithmetic if the domain package cannot be imported).

Pure arithmetic on a sequence number the caller draws from the database; no I/O here.
"""
from __future__ import annotations

import datetime as dt

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714-1997 §5
_ORG_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
REGISTRATION_AUTHORITY = "9"  # 市场监督管理部门
TYPE_ENTERPRISE = "1"
TYPE_INDIVIDUAL_BUSINESS = "2"
# New registrations since 2015 commonly carry "MA" at the start of the organisation code body.
_BODY_PREFIX = "MA"
_BODY_DIGITS = 6


class CreditCodeError(ValueError):
    """Input to the code builders is out of range or has the wrong form."""


def organisation_check_char(body8: str) -> str:
    """GB 11714 check character for an eight-character organisation code body.

    Raises:
        CreditCodeError: not eight characters of 0-9 / A-Z.
    """
    if len(body8) != 8 or any(c not in _ORG_VALUES for c in body8):
        raise CreditCodeError("an organisation code body is eight characters 0-9 or A-Z")
    total = sum(_ORG_VALUES[c] * w for c, w in zip(body8, _ORG_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def organisation_code(sequence: int) -> str:
    """The nine-character organisation code for the ``sequence``-th approval (1-based).

    The body is "MA" and the sequence in base 31 over the USCC alphabet, so every character
    is one the USCC allows; distinct sequences give distinct codes.

    Raises:
        CreditCodeError: sequence below 1 or beyond 31**6 - 1.
    """
    if not 1 <= sequence < 31 ** _BODY_DIGITS:
        raise CreditCodeError("sequence out of range for an organisation code")
    digits = []
    n = sequence
    for _ in range(_BODY_DIGITS):
        n, r = divmod(n, 31)
        digits.append(CREDIT_ALPHABET[r])
    body = _BODY_PREFIX + "".join(reversed(digits))
    check = organisation_check_char(body)
    if check not in CREDIT_ALPHABET:  # cannot happen: the check is 0-9 or X
        raise CreditCodeError("organisation check character outside the USCC alphabet")
    return body + check


def type_code(subject_type: str) -> str:
    """GB 32100 type code under authority 9: individual businesses 2, enterprises 1."""
    return TYPE_INDIVIDUAL_BUSINESS if subject_type == "individual_business" else TYPE_ENTERPRISE


def credit_code(subject_type: str, region: str, sequence: int) -> str:
    """A complete, valid 18-character USCC.

    Raises:
        CreditCodeError: region not six digits, or sequence out of range.
    """
    if len(region) != 6 or not region.isdigit():
        raise CreditCodeError("the authority's region code is six digits")
    first17 = REGISTRATION_AUTHORITY + type_code(subject_type) + region + organisation_code(sequence)
    return _complete(first17)


def _complete(first17: str) -> str:
    try:  # the kiosk's own GB 32100 rule, so both sides agree on what is valid
        from kiosk.domain.identifiers import complete_credit_code
    except ImportError:  # the domain package is not importable: same arithmetic, from stdnum
        from stdnum.cn.uscc import calc_check_digit
        return first17 + calc_check_digit(first17)
    return complete_credit_code(first17)


def licence_number(region: str, issued_on: dt.date, sequence: int) -> str:
    """Licence serial: region, year and a seven-digit yearly-unique sequence, e.g.
    ``33010620260000001``."""
    if len(region) != 6 or not region.isdigit() or not 1 <= sequence < 10 ** 7:
        raise CreditCodeError("region must be six digits and sequence 1..9999999")
    return f"{region}{issued_on.year:04d}{sequence:07d}"
