"""One checker per question the kiosk asks: ``check(field, raw, ctx) -> Checked``.

The flow calls this when the person presses 继续; ``review`` calls it again over a whole record,
so the kiosk and the platform apply exactly the same rules. Each checker returns the cleaned
value (JSON-safe: str, int, bool, list, dict) or one Chinese message. Never raises on bad input.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kiosk.domain import catalogues, names, scope, validation
from kiosk.domain.identifiers import validate_credit_code, validate_id_number
from kiosk.domain.subject_types import CapitalKind, SubjectType
from kiosk.domain.validation import Checked, fail

MAX_FAMILY_MEMBERS = 10
MAX_SHAREHOLDERS = 50          # 公司法: an LLC has at most 50 shareholders [C]
MAX_STAFF = 1000
BANK_APPOINTMENT_DAYS = 30
SEALS = {"official": "公章", "finance": "财务专用章", "invoice": "发票专用章", "legal_person": "法定代表人名章"}
BANKS = ("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "中国邮政储蓄银行",
         "农村商业银行", "其他银行")  # deployment config may replace this list


@dataclass(frozen=True)
class Context:
    """What a checker may need besides the raw answer."""

    subject_type: SubjectType
    applicant_id_number: str = ""
    today: dt.date = dt.date(1970, 1, 1)
    capital: Any = None            # the cleaned capital answer, for the shareholders' sum

    @property
    def day(self) -> dt.date:
        return self.today if self.today.year > 1970 else dt.date.today()


def _choice(raw: object, options: dict[str, str], question: str) -> Checked:
    return Checked(raw) if isinstance(raw, str) and raw in options else fail(f"请选择{question}")


def _yes_no(raw: object, question: str) -> Checked:
    return Checked(raw) if isinstance(raw, bool) else fail(f"请选择“是”或“否”：{question}")


def _dict(raw: object) -> dict:
    return raw if isinstance(raw, dict) else {}


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
        name = validation.person_name(p.get("name"), f"{who}的姓名")
        if not name.ok:
            return name
        number = (validation.adult_id_number(p.get("id_number"), who, ctx.day) if adult
                  else _plain_id(p.get("id_number"), who, ctx.day))
        if not number.ok:
            return fail(f"{who}：{number.message}")
        if number.value in seen:
            return fail(f"{who}的身份证号码与前面重复，请核对")
        seen.add(number.value)
        item = {"name": name.value, "id_number": number.value}
        if with_amount:
            amount = validation.amount_wan(p.get("amount"), f"{who}的认缴出资额")
            if not amount.ok:
                return amount
            item["amount"] = str(amount.value)
            if p.get("due_date"):
                due = validation.contribution_date(p["due_date"], ctx.day)
                if not due.ok:
                    return fail(f"{who}：{due.message}")
                item["due_date"] = due.value.isoformat()
        cleaned.append(item)
    return Checked(cleaned)


def _plain_id(raw: object, who: str, today: dt.date) -> Checked:
    check = validate_id_number(raw, today)
    return Checked(check.number) if check.valid else fail(check.message)


def _family_members(raw: object, ctx: Context) -> Checked:
    checked = _people(raw, ctx, role="家庭成员", adult=False, limit=MAX_FAMILY_MEMBERS)
    if checked.ok and any(m["id_number"] == ctx.applicant_id_number for m in checked.value):
        return fail("家庭成员中不用再添加经营者本人")
    return checked


def _name(raw: object, ctx: Context) -> Checked:
    parts = names.parts_from(raw)
    problems = names.parts_problems(parts, ctx.subject_type)
    if problems:
        return fail(problems[0])
    return Checked({"region": parts.region, "trade_name": parts.trade_name,
                    "industry": parts.industry, "form": parts.form})


def _parent(raw: object, ctx: Context) -> Checked:
    d = _dict(raw)
    pname = "".join(str(d.get("name") or "").split())
    if not pname:
        return fail("请输入隶属企业的名称（与其营业执照一致）")
    if not pname.endswith("公司") or not validation.is_chinese(pname.replace("（", "").replace("）", "")):
        return fail("隶属企业名称应与其营业执照一致，并以“公司”结尾")
    code = validate_credit_code(d.get("credit_code"))
    if not code.valid:
        return fail("隶属企业的" + code.message.removeprefix("请输入"))
    if code.department != "9" or code.category != "1":
        return fail("隶属企业应为企业法人，其统一社会信用代码以“91”开头")
    return Checked({"name": pname, "credit_code": code.code})


def _branch_name(raw: object, ctx: Context) -> Checked:
    d = _dict(raw)
    place = "".join(str(d.get("place") or "").split())
    form = str(d.get("form") or "")
    if place and (not validation.is_chinese(place) or len(place) > 10):
        return fail("分公司名称中的地名或特色用语应为汉字，不超过10个字")
    if form not in catalogues.org_forms(ctx.subject_type.id).suffixes:
        return fail("请选择分支机构的名称结尾：分公司、分店或分厂")
    problems = names.forbidden_in(place)
    return fail(problems[0]) if problems else Checked({"place": place, "form": form})


def _scope(raw: object, ctx: Context) -> Checked:
    problems = scope.scope_problems(raw, ctx.subject_type)
    return fail(problems[0]) if problems else Checked([str(c) for c in raw])  # type: ignore[union-attr]


def _address(raw: object, ctx: Context, label: str = "详细地址") -> Checked:
    d = _dict(raw)
    region = catalogues.region(str(d.get("region_code") or ""))
    if region is None or not region.current:
        return fail("请选择所在的省、市、县（区）")
    detail = validation.address_detail(d.get("detail"), label)
    if not detail.ok:
        return detail
    return Checked({"region_code": region.code, "detail": detail.value})


def _capital(raw: object, ctx: Context) -> Checked:
    st = ctx.subject_type
    if st.capital is CapitalKind.NONE:
        return Checked(None)
    checked = validation.amount_wan(raw, st.capital_label or "金额",
                                    required=st.capital is not CapitalKind.FUNDS)
    return Checked(None if checked.value is None else str(checked.value)) if checked.ok else checked


def _shareholders(raw: object, ctx: Context) -> Checked:
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


def _supervisor(raw: object, ctx: Context) -> Checked:
    d = _dict(raw)
    if not d.get("name") and not d.get("id_number"):
        return Checked(None)  # optional: with all shareholders' consent (公司法 Art. 83, UNCONFIRMED)
    checked = _people([d], ctx, role="监事", adult=True, limit=1)
    if not checked.ok:
        return fail(checked.message.replace("第1位", ""))
    if checked.value[0]["id_number"] == ctx.applicant_id_number:
        return fail("法定代表人（执行董事）不能同时担任监事，请填写另一位成年人")
    return Checked(checked.value[0])


def _seals(raw: object, ctx: Context) -> Checked:
    if not isinstance(raw, list) or any(s not in SEALS for s in raw):
        return fail("请选择需要刻制的印章")
    return Checked([s for s in SEALS if s in raw])


def _invoice(raw: object, ctx: Context) -> Checked:
    d = _dict(raw)
    if not isinstance(d.get("need"), bool):
        return fail("请选择是否需要申领发票")
    if d["need"] and d.get("taxpayer") not in ("small", "general"):
        return fail("请选择纳税人类型：小规模纳税人或一般纳税人")
    return Checked({"need": d["need"], "taxpayer": d.get("taxpayer") if d["need"] else None})


def _social_insurance(raw: object, ctx: Context) -> Checked:
    d = _dict(raw)
    if not isinstance(d.get("enrol"), bool):
        return fail("请选择是否为员工办理社保和医保登记")
    if not d["enrol"]:
        return Checked({"enrol": False, "employees": 0})
    n = validation.whole_number(d.get("employees"), "参保员工人数", minimum=1, maximum=MAX_STAFF)
    return Checked({"enrol": True, "employees": n.value}) if n.ok else n


def _bank(raw: object, ctx: Context) -> Checked:
    d = _dict(raw)
    if not isinstance(d.get("appointment"), bool):
        return fail("请选择是否预约银行开户")
    if not d["appointment"]:
        return Checked({"appointment": False})
    if d.get("bank") not in BANKS:
        return fail("请选择开户银行")
    try:
        when = dt.date.fromisoformat(str(d.get("date") or ""))
    except ValueError:
        return fail("请选择预约开户的日期")
    if not ctx.day < when <= ctx.day + dt.timedelta(days=BANK_APPOINTMENT_DAYS):
        return fail(f"预约日期应在明天到{BANK_APPOINTMENT_DAYS}天之内")
    return Checked({"appointment": True, "bank": d["bank"], "date": when.isoformat()})


def _must_be_true(message: str) -> Callable[[object, Context], Checked]:
    return lambda raw, ctx: Checked(True) if raw is True else fail(message)


CHECKERS: dict[str, Callable[[object, Context], Checked]] = {
    "operation_form": lambda r, c: _choice(r, {"personal": "个人经营", "family": "家庭经营"}, "组成形式"),
    "family_members": _family_members,
    "has_name": lambda r, c: _yes_no(r, "是否使用名称"),
    "name": _name,
    "parent": _parent,
    "branch_name": _branch_name,
    "scope": _scope,
    "premises": _address,
    "capital": _capital,
    "contribution_mode": lambda r, c: _choice(
        r, {"personal_property": "个人财产出资", "family_property": "家庭共有财产出资"}, "出资方式"),
    "shareholders": _shareholders,
    "supervisor": _supervisor,
    "staff_count": lambda r, c: validation.whole_number(r, "从业人数", minimum=1, maximum=MAX_STAFF),
    "phone": lambda r, c: validation.mobile_phone(r, "联系电话"),
    "seals": _seals,
    "invoice": _invoice,
    "social_insurance": _social_insurance,
    "housing_fund": lambda r, c: _yes_no(r, "是否办理住房公积金缴存登记"),
    "bank": _bank,
    "delivery": lambda r, c: _choice(r, {"pickup": "窗口领取", "mail": "免费邮寄"}, "领取方式"),
    "mail_address": lambda r, c: _address(r, c, "收件地址"),
    "commitment": _must_be_true("请阅读告知承诺书，并勾选“我已阅读并承诺”"),
    "signature": _must_be_true("请在签名框内签名"),
}


def check(field: str, raw: object, ctx: Context) -> Checked:
    """Check one answer. Raises KeyError only for a field id the kiosk never asks (a bug)."""
    try:
        return CHECKERS[field](raw, ctx)
    except (TypeError, ValueError, AttributeError):
        # Defence in depth: a checker must not let odd input through as an exception.
        return fail("这一项的内容无法识别，请重新填写")
