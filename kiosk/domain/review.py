"""Review of a whole application record: complete? valid? eligible for instant approval (秒批)?

``review_record`` is what the kiosk runs before submit and what the platform runs on receipt,
so both apply exactly the same rules. Instant approval is the kiosk's pre-check: an application
that passes goes to automatic approval; any reason sends it to a clerk, and the reasons say why.
No I/O.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kiosk.domain import catalogues, names, scope, subject_types, validation
from kiosk.domain.answers import Context
from kiosk.domain.application import GB11643_CARDS, SCHEMA, Applicant
from kiosk.domain.questions import QUESTIONS, Questionnaire
from kiosk.domain.subject_types import CapitalKind

# Subject types the platform approves without a clerk (configurable per deployment).
INSTANT_TYPES = frozenset({"individual_business", "natural_person_llc", "sole_proprietorship"})
_CAPITAL_WORDS = "零壹贰叁肆伍陆柒捌玖"


@dataclass
class Review:
    """Outcome of ``review_record``."""

    problems: list[str] = field(default_factory=list)  # empty: complete and valid
    instant: bool = False                                # eligible for 秒批
    reasons: list[str] = field(default_factory=list)    # why not instant
    record: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def valid(self) -> bool:
        return not self.problems

    def licence_fields(self) -> dict[str, Any]:
        """The text fields a licence prints, from a valid record."""
        return licence_fields(self.record)


def _today(record: dict[str, Any]) -> dt.date:
    try:
        return dt.datetime.fromisoformat(record["created_at"]).date()
    except (KeyError, TypeError, ValueError):
        return dt.date.today()


def review_record(record: object, questions: Questionnaire = QUESTIONS) -> Review:
    """Check a record completely against the question table; never raises on a malformed record.

    Every question that applies to the record's subject type and answers is checked with its own
    checker (the one the kiosk ran on 继续); optional ones may be missing; answers to questions
    that do not apply are dropped from ``Review.record``.
    """
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        return Review(problems=["申请数据格式无法识别"], reasons=["申请数据格式无法识别"])
    st = subject_types.BY_ID.get(str(record.get("subject_type")))
    if st is None:
        return Review(problems=["请选择市场主体类型"], reasons=["主体类型无法识别"], record=record)
    try:
        applicant = Applicant.from_dict(record["applicant"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return Review(problems=["身份证信息不完整，请重新读取身份证"], reasons=["身份信息不完整"],
                      record=record)
    today = _today(record)
    given = record.get("answers") if isinstance(record.get("answers"), dict) else {}
    problems: list[str] = []

    problems.extend(applicant_problems(applicant, st.person_label, today))

    # The shareholders' amounts are checked against the cleaned capital, as on the kiosk.
    capital = (questions["capital"].clean(given.get("capital"), Context(st, today=today))
               if "capital" in questions else None)
    ctx = Context(st, applicant.id_number, today, capital.value if capital and capital.ok else None)
    cleaned: dict[str, Any] = {}
    for q in questions.needed(st, given):
        raw = given.get(q.id)
        if raw is None and q.is_optional(st):
            continue
        checked = q.clean(raw, ctx)
        if checked.ok:
            cleaned[q.id] = checked.value
        else:
            problems.append(checked.message)

    result = Review(problems=problems, record=dict(record, answers=cleaned))
    result.reasons = _not_instant(st, record, applicant, cleaned) + problems
    result.instant = not result.reasons
    return result


def applicant_problems(applicant: Applicant, role: str, today: dt.date | None = None) -> list[str]:
    """The card holder may apply: number valid where it is a GB 11643 number, adult, card valid."""
    checks = [validation.adult(applicant.birth_date, role, today),
              validation.card_not_expired(applicant.valid_until, today)]
    if applicant.card_type in GB11643_CARDS:
        checks.insert(0, validation.adult_id_number(applicant.id_number, role, today))
    return list(dict.fromkeys(c.message for c in checks if not c.ok))


def _not_instant(st: subject_types.SubjectType, record: dict[str, Any], applicant: Applicant,
                 answers: dict[str, Any]) -> list[str]:
    reasons: list[str] = []
    if st.id not in INSTANT_TYPES:
        reasons.append(f"{st.label}需要工作人员核对隶属企业信息")
    if not record.get("identity_verified"):
        reasons.append("人证比对未通过或未完成，需要工作人员核验身份")
    if applicant.card_type != "resident":
        reasons.append("使用港澳台居民居住证或外国人永久居留身份证办理，需要工作人员核验")
    licensed = scope.licensed(answers.get("scope", []))
    if licensed:
        reasons.append("经营范围含许可项目（" + "、".join(e.name for e in licensed) +
                       "），需要取得相关部门许可")
    name = answers.get("name")
    codes = answers.get("scope") or []
    if name and codes and not names.industry_matches_scope(name.get("industry", ""), codes[0]):
        reasons.append("名称中的行业用语与第一项经营范围（主营项目）不一致，需要人工审核")
    return reasons


def _section(v: int) -> str:
    """0 < v < 10000 in capital figures, zeros between digits written once."""
    out, pending_zero = "", False
    for digit, unit in zip(f"{v:04d}", ("仟", "佰", "拾", "")):
        if digit == "0":
            pending_zero = bool(out)
            continue
        out += ("零" if pending_zero else "") + _CAPITAL_WORDS[int(digit)] + unit
        pending_zero = False
    return out


def amount_in_words(wan: str) -> str:
    """An amount in 万元 in capital figures, as licences print it: "50" -> "伍拾万元整"."""
    yuan = int(Decimal(wan) * 10000)
    if yuan <= 0:
        return "零元整"
    parts, unit_index, need_zero = [], 0, False
    while yuan:
        yuan, v = divmod(yuan, 10000)
        if v:
            text = _section(v) + ("", "万", "亿", "万亿")[unit_index]
            if need_zero:
                text += "零"
            parts.append(text)
            need_zero = v < 1000 and yuan > 0
        else:
            need_zero = bool(parts) and yuan > 0
        unit_index += 1
    return "".join(reversed(parts)) + "元整"


def full_name(st: subject_types.SubjectType, record: dict[str, Any]) -> str:
    """The name the licence prints (and the review page shows)."""
    a = record.get("answers", {})
    if st.is_branch:
        return names.branch_full_name(a.get("parent"), a.get("branch_name"))
    if a.get("name"):
        return names.parts_from(a["name"]).full
    return "（无字号）"


def licence_fields(record: dict[str, Any]) -> dict[str, Any]:
    st = subject_types.get(record["subject_type"])
    a = record.get("answers", {})
    premises = a.get("premises", {})
    region = catalogues.region(premises.get("region_code", ""))
    capital = a.get("capital")
    return {
        "name": full_name(st, record),
        "subject_type_label": st.licence_type,
        "person_label": st.person_label,
        "person_name": record["applicant"]["name"],
        "premises_label": st.premises_label,
        "premises": (region.full_name if region else "") + premises.get("detail", ""),
        "scope": scope.scope_text(a.get("scope", [])),
        # A 个体工商户's 资金数额 is a form field, not printed on its licence.
        "capital": amount_in_words(capital) if capital and st.capital is not CapitalKind.FUNDS
        else None,
    }
