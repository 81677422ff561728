"""The checkers of the kiosk's questions: each ``(raw, ctx) -> Checked``, never raising.

The question table (``kiosk.domain.questions``) names one checker per question; the flow calls
it when the person presses 继续, and ``review`` calls it again over a whole record, so the kiosk
and the platform apply exactly the same rules. Each returns the cleaned value (JSON-safe: str,
int, bool, list, dict) or one Chinese message, whatever it is given (wrong types, NaN, huge or
deeply nested values). Options and their labels live in the table, not here: a choice checker
is built from the values the table offers (``one_of``, ``some_of``). No I/O, no clock: the day
comes in the ``Context``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kiosk.domain import catalogues, names, scope, validation
from kiosk.domain.identifiers import validate_credit_code, validate_id_number
from kiosk.domain.subject_types import BY_ID as SUBJECT_TYPES
from kiosk.domain.subject_types import CapitalKind, SubjectType
from kiosk.domain.validation import Checked, fail

MAX_FAMILY_MEMBERS = 10
MAX_SHAREHOLDERS = 50          # 公司法: an LLC has at most 50 shareholders [C]
MAX_STAFF = 1000
BANK_APPOINTMENT_DAYS = 30
BANKS = ("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "中国邮政储蓄银行",
         "农村商业银行", "其他银行")  # deployment config may replace this list


@dataclass(frozen=True)
class Context:
    """What a checker may need besides the raw answer."""

    subject_type: SubjectType | None   # None only while the type itself is being chosen
    applicant_id_number: str = ""
    today: dt.date = dt.date(1970, 1, 1)
    capital: Any = None            # the cleaned capital answer, for the shareholders' sum

    @property
    def day(self) -> dt.date:
        return self.today if self.today.year > 1970 else dt.date.today()


Checker = Callable[[object, Context], Checked]
Values = Collection[str] | Callable[[SubjectType | None], Collection[str]]


def _str(raw: object) -> str:
    """``raw`` when it is text, else "": never ``str()`` of a value the person did not type
    (a huge integer or a deeply nested list makes ``str`` itself raise)."""
    return raw if isinstance(raw, str) else ""


def _dict(raw: object) -> dict:
    return raw if isinstance(raw, dict) else {}


def _values(values: Values, ctx: Context) -> Collection[str]:
    return values(ctx.subject_type) if callable(values) else values


def one_of(values: Values, question: str) -> Checker:
    """A checker for one choice among ``values`` (or the values a subject type is offered)."""
    def check(raw: object, ctx: Context) -> Checked:
        return Checked(raw) if isinstance(raw, str) and raw in _values(values, ctx) \
            else fail(f"请选择{question}")
    return check


def some_of(values: Values, question: str) -> Checker:
    """A checker for any number of choices among ``values``, kept in the offered order."""
    def check(raw: object, ctx: Context) -> Checked:
        offered = list(_values(values, ctx))
        if not isinstance(raw, list) or not all(isinstance(v, str) and v in offered for v in raw):
            return fail(f"请选择{question}")
        return Checked([v for v in offered if v in raw])
    return check


def yes_no(question: str) -> Checker:
    def check(raw: object, ctx: Context) -> Checked:
        return Checked(raw) if isinstance(raw, bool) else fail(f"请选择“是”或“否”：{question}")
    return check


def must_be_true(message: str) -> Checker:
    """The declaration and the signature: only ``True`` goes on."""
    return lambda raw, ctx: Checked(True) if raw is True else fail(message)


def subject_type(raw: object, ctx: Context) -> Checked:
    return Checked(raw) if isinstance(raw, str) and raw in SUBJECT_TYPES \
        else fail("请选择要办理的市场主体类型")


def _people(raw: object, ctx: Context, *, role: str, adult: bool, limit: int,
            with_amount: bool = False) -> Checked:
    if not isinstance(raw, list) or not raw:
        return fail(f"请至少添加一位{role}")
    if len(raw) > limit:
        return fail(f"{role}最多{limit}位，您添加了{len(raw)}位")
    cleaned, seen = [], set()
    for i, person in enumerate(raw, 1):
        p = _dict(person)
        who = f"第{i}位{role}"
        at = f"{i - 1}."                 # the page's fields of this person: "0.name"
        name = validation.person_name(p.get("name"), f"{who}的姓名")
        if not name.ok:
            return name.at(at + "name")
        number = (validation.adult_id_number(p.get("id_number"), who, ctx.day) if adult
                  else _plain_id(p.get("id_number"), ctx.day))
        if not number.ok:
            return fail(f"{who}：{number.message}", at + "id_number")
        if number.value in seen:
            return fail(f"{who}的身份证号码与前面重复，请核对", at + "id_number")
        seen.add(number.value)
        item = {"name": name.value, "id_number": number.value}
        if with_amount:
            amount = validation.amount_wan(p.get("amount"), f"{who}的认缴出资额")
            if not amount.ok:
                return amount.at(at + "amount")
            item["amount"] = str(amount.value)
            if p.get("due_date"):
                due = validation.contribution_date(p["due_date"], ctx.day)
                if not due.ok:
                    return fail(f"{who}：{due.message}", at + "due_date")
                item["due_date"] = due.value.isoformat()
        cleaned.append(item)
    return Checked(cleaned)


def _plain_id(raw: object, today: dt.date) -> Checked:
    check = validate_id_number(raw, today)
    return Checked(check.number) if check.valid else fail(check.message)


def family_members(raw: object, ctx: Context) -> Checked:
    checked = _people(raw, ctx, role="家庭成员", adult=False, limit=MAX_FAMILY_MEMBERS)
    if checked.ok and any(m["id_number"] == ctx.applicant_id_number for m in checked.value):
        return fail("家庭成员中不用再添加经营者本人")
    return checked


def business_name(raw: object, ctx: Context) -> Checked:
    assert ctx.subject_type is not None
    parts = names.parts_from(raw)
    problems = names.parts_problem_fields(parts, ctx.subject_type)
    if problems:
        field, message = problems[0]
        return fail(message, field)
    return Checked({"region": parts.region, "trade_name": parts.trade_name,
                    "industry": parts.industry, "form": parts.form})


def parent(raw: object, ctx: Context) -> Checked:
    d = _dict(raw)
    pname = "".join(_str(d.get("name")).split())
    if not pname:
        return fail("请输入隶属企业的名称（与其营业执照一致）", "name")
    if not pname.endswith("公司") or not validation.is_chinese(pname.replace("（", "").replace("）", "")):
        return fail("隶属企业名称应与其营业执照一致，并以“公司”结尾", "name")
    if len(pname) > names.NAME_MAX:
        return fail(f"隶属企业名称不能超过{names.NAME_MAX}个字，请与其营业执照核对", "name")
    code = validate_credit_code(d.get("credit_code"))
    if not code.valid:
        return fail("隶属企业的" + code.message.removeprefix("请输入"), "credit_code")
    if code.department != "9" or code.category != "1":
        return fail("隶属企业应为企业法人，其统一社会信用代码以“91”开头", "credit_code")
    return Checked({"name": pname, "credit_code": code.code})


def branch_name(raw: object, ctx: Context) -> Checked:
    assert ctx.subject_type is not None
    d = _dict(raw)
    place = "".join(_str(d.get("place")).split())
    form = _str(d.get("form"))
    if place and (not validation.is_chinese(place) or len(place) > 10):
        return fail("分公司名称中的地名或特色用语应为汉字，不超过10个字", "place")
    if form not in catalogues.org_forms(ctx.subject_type.id).suffixes:
        return fail("请选择分支机构的名称结尾：分公司、分店或分厂", "form")
    problems = names.forbidden_in(place)
    return fail(problems[0], "place") if problems else Checked({"place": place, "form": form})


def scope_codes(raw: object, ctx: Context) -> Checked:
    assert ctx.subject_type is not None
    if isinstance(raw, list) and not all(isinstance(c, str) for c in raw):
        return fail("经营范围中有一项不在规范目录中，请重新选择")
    problems = scope.scope_problems(raw, ctx.subject_type)
    return fail(problems[0]) if problems else Checked(list(raw))  # type: ignore[call-overload]


def address(label: str) -> Checker:
    """A region picked from the catalogue plus the street and number, ``label`` naming the
    detail in messages as its field is labelled on the page (详细地址)."""
    def check(raw: object, ctx: Context) -> Checked:
        d = _dict(raw)
        region = catalogues.region(_str(d.get("region_code")))
        if region is None or not region.current:
            return fail("请选择所在的省、市、县（区）", "region_code")
        detail = validation.address_detail(d.get("detail"), label)
        if not detail.ok:
            return detail.at("detail")
        return Checked({"region_code": region.code, "detail": detail.value})
    return check


def capital(raw: object, ctx: Context) -> Checked:
    st = ctx.subject_type
    if st is None or st.capital is CapitalKind.NONE:
        return Checked(None)
    checked = validation.amount_wan(raw, st.capital_label or "金额",
                                    required=st.capital is not CapitalKind.FUNDS)
    return Checked(None if checked.value is None else str(checked.value)) if checked.ok else checked


def shareholders(raw: object, ctx: Context) -> Checked:
    checked = _people(raw, ctx, role="股东", adult=True, limit=MAX_SHAREHOLDERS, with_amount=True)
    if not checked.ok:
        return checked
    if not any(s["id_number"] == ctx.applicant_id_number for s in checked.value):
        return fail("您本人应是股东之一（自助办理时，由股东本人担任法定代表人）")
    if ctx.capital is not None:
        total = sum(Decimal(s["amount"]) for s in checked.value)
        if total != Decimal(str(ctx.capital)):
            return fail(f"各股东认缴出资额合计{total}万元，应等于注册资本{ctx.capital}万元")
    return checked


def supervisor(raw: object, ctx: Context) -> Checked:
    d = _dict(raw)
    if not d.get("name") and not d.get("id_number"):
        return Checked(None)  # optional: with all shareholders' consent (公司法 Art. 83, UNCONFIRMED)
    checked = _people([d], ctx, role="监事", adult=True, limit=1)
    if not checked.ok:
        return fail(checked.message.replace("第1位", ""), checked.field.removeprefix("0."))
    if checked.value[0]["id_number"] == ctx.applicant_id_number:
        return fail("法定代表人（执行董事）不能同时担任监事，请填写另一位成年人", "id_number")
    return Checked(checked.value[0])


def staff_count(raw: object, ctx: Context) -> Checked:
    return validation.whole_number(raw, "从业人数", minimum=1, maximum=MAX_STAFF)


def phone(raw: object, ctx: Context) -> Checked:
    return validation.mobile_phone(raw, "联系电话")


def invoice(taxpayers: Collection[str]) -> Checker:
    """Invoices wanted or not; if wanted, one of the ``taxpayers`` kinds."""
    def check(raw: object, ctx: Context) -> Checked:
        d = _dict(raw)
        need = d.get("need")
        if not isinstance(need, bool):
            return fail("请选择是否需要申领发票", "need")
        taxpayer = d.get("taxpayer")
        if need and not (isinstance(taxpayer, str) and taxpayer in taxpayers):
            return fail("请选择纳税人类型：小规模纳税人或一般纳税人", "taxpayer")
        return Checked({"need": need, "taxpayer": taxpayer if need else None})
    return check


def social_insurance(raw: object, ctx: Context) -> Checked:
    d = _dict(raw)
    enrol = d.get("enrol")
    if not isinstance(enrol, bool):
        return fail("请选择是否为员工办理社保和医保登记", "enrol")
    if not enrol:
        return Checked({"enrol": False, "employees": 0})
    n = validation.whole_number(d.get("employees"), "参保员工人数", minimum=1, maximum=MAX_STAFF)
    return Checked({"enrol": True, "employees": n.value}) if n.ok else n.at("employees")


def appointment_dates(today: dt.date) -> list[dt.date]:
    """The days a bank appointment may be made for: tomorrow to ``BANK_APPOINTMENT_DAYS`` on."""
    return [today + dt.timedelta(days=i) for i in range(1, BANK_APPOINTMENT_DAYS + 1)]


def bank_appointment(raw: object, ctx: Context) -> Checked:
    d = _dict(raw)
    appointment = d.get("appointment")
    if not isinstance(appointment, bool):
        return fail("请选择是否预约银行开户", "appointment")
    if not appointment:
        return Checked({"appointment": False})
    bank = d.get("bank")
    if not (isinstance(bank, str) and bank in BANKS):
        return fail("请选择开户银行", "bank")
    try:
        when = dt.date.fromisoformat(_str(d.get("date")))
    except ValueError:
        return fail("请选择预约开户的日期", "date")
    if when not in appointment_dates(ctx.day):
        return fail(f"预约日期应在明天到{BANK_APPOINTMENT_DAYS}天之内", "date")
    return Checked({"appointment": True, "bank": bank, "date": when.isoformat()})
