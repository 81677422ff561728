"""The question table: one entry per page of a visit, in the order a person meets them.

This is the one place a question is written down. To add one, add its ``Question`` here, in
page order (and a checker in ``kiosk.domain.answers`` if none fits, and a screen if it needs a new
``Kind``); the session, the review page, the record, ``review_record`` and the bridge read it from
here. Wording that differs by subject type is written here too, from the ``SubjectType``'s own
labels (person_label, premises_label, capital_label) so the pages and the licence agree.
Sources: domain.md §5 (items per subject type), §9 (一表填报 follow-on services). No I/O.
"""
from __future__ import annotations

from typing import Any

from kiosk.domain import answers, catalogues, subject_types
from kiosk.domain.application import Applicant
from kiosk.domain.questions import describe
from kiosk.domain.questions.model import (Answers, Kind, Option, Question, Questionnaire, Stage)
from kiosk.domain.subject_types import CapitalKind, SubjectType
from kiosk.domain.validation import CONTRIBUTION_YEARS

S_SUBJECT, S_BUSINESS, S_PEOPLE, S_SERVICES, S_DELIVERY = (
    "主体信息", "经营信息", "人员信息", "一并办理", "领取方式")

SUBJECT_TYPE = "subject_type"
OPERATION_FORMS = (Option("personal", "个人经营"), Option("family", "家庭经营"))
CONTRIBUTION_MODES = (Option("personal_property", "个人财产出资"),
                      Option("family_property", "家庭共有财产出资"))
TAXPAYERS = (Option("small", "小规模纳税人", "年销售额500万元以下，多数新开办的小店选这一项"),
             Option("general", "一般纳税人"))
DELIVERY = (Option("pickup", "到服务大厅窗口领取"), Option("mail", "免费邮寄到家"))
BANKS = tuple(Option(b, b) for b in answers.BANKS)

# The free seal set (domain.md §9): which seals are free, and for which subject types, is local
# policy and UNCONFIRMED. Correct it here and nowhere else. The commonly cited set is 公章,
# 财务专用章, 发票专用章 and 法定代表人名章; the fourth is the name seal of the person the licence
# names (SubjectType.person_label), so 法定代表人名章 only where there is a legal representative
# (the company); a 个人独资企业 gets its 投资人名章, a 个体工商户 its 经营者名章, a branch its
# 负责人名章 (UNCONFIRMED for those three).
NAME_SEAL = "legal_person"   # schema 1's value for the name seal, whoever it names


def free_seals(st: SubjectType) -> tuple[Option, ...]:
    return (Option("official", "公章"), Option("finance", "财务专用章"),
            Option("invoice", "发票专用章"), Option(NAME_SEAL, f"{st.person_label}名章"))


def _values(options: tuple[Option, ...]) -> tuple[str, ...]:
    return tuple(o.value for o in options)


# ----- when a question applies (domain.md §5) --------------------------------------------------
def _family(st: SubjectType, a: Answers) -> bool:
    return st.family_operation


def _wants_name(st: SubjectType, a: Answers) -> bool:
    return not st.is_branch and (st.name_required or a.get("has_name") is True)


def _has_capital(st: SubjectType, a: Answers) -> bool:
    return st.capital is not CapitalKind.NONE


# ----- wording that differs by subject type ----------------------------------------------------
_CAPITAL_HEADING = {
    CapitalKind.REGISTERED: "注册资本是多少万元？",
    CapitalKind.CONTRIBUTION: "投资人的出资额是多少万元？",
    CapitalKind.FUNDS: "经营的资金数额是多少万元？",
}
_CAPITAL_HINT = {
    # 公司法 (2023) Art. 47 [C]: the five-year rule is the company's alone.
    CapitalKind.REGISTERED: f"单位：万元。注册资本是全体股东认缴的出资额，应在公司成立之日起"
                            f"{CONTRIBUTION_YEARS}年内缴足，并印在营业执照上",
    CapitalKind.CONTRIBUTION: "单位：万元。填写投资人申报的出资数额，它将印在营业执照上；"
                              "下一页选择以个人财产还是家庭共有财产出资",
    # A 个体工商户's 资金数额 is an application-form field only (domain.md §5, UNCONFIRMED).
    CapitalKind.FUNDS: "单位：万元。资金数额只用于登记申请，不印在营业执照上；不清楚可以跳过",
}


def _premises_hint(st: SubjectType, a: Answers) -> str:
    lead = {"住所": "住所是企业主要办事机构所在地。",
            "营业场所": "营业场所是分公司开展经营的地点。"}.get(st.premises_label, "")
    return f"{lead}请写到门牌号。{st.premises_label}的使用证明稍后由工作人员核对"


def _name_hint(st: SubjectType, a: Answers) -> str:
    form = catalogues.org_forms(st.id).suffixes[0]
    return f"名称由行政区划、字号、行业和组织形式组成，例如：西湖区 + 青禾 + 百货 + {form}"


def _branch_name_hint(st: SubjectType, a: Answers) -> str:
    parent = (a.get("parent") or {}).get("name") or "隶属企业名称"
    return f"分公司的名称为“{parent}”加地名或特色用语和名称结尾，例如：{parent}西湖分公司"


def _commitment(st: SubjectType, a: Answers) -> str:
    return (f"本人作为{st.person_label}承诺：\n"
            "1. 所填写的信息和提交的材料真实、合法、有效，与原件一致；\n"
            f"2. {st.premises_label}可以合法使用，符合安全要求；\n"
            "3. 经营范围中的许可项目，取得许可证件后再开展经营；\n"
            "4. 如有不实，愿意承担相应的法律责任，登记机关可依法撤销登记。")


# ----- what a page starts from (ask each thing once) -------------------------------------------
def _offer_shareholders(applicant: Applicant | None, a: Answers) -> Any:
    if applicant is None:
        return None
    return [{"name": applicant.name, "id_number": applicant.id_number,
             "amount": a.get("capital") or ""}]


def _offer_mail_address(applicant: Applicant | None, a: Answers) -> Any:
    return dict(a["premises"]) if a.get("premises") else None


QUESTIONS = Questionnaire((
    Question("id_card", Kind.ID_CARD, "请将身份证放在读卡区", stage=Stage.IDENTITY,
             hint="请将第二代居民身份证平放在下方读卡区，读取需要约3秒，读完前请不要移开"),
    Question("confirm_identity", Kind.IDENTITY, "请确认是您本人的身份证", stage=Stage.IDENTITY,
             hint="核对下方信息（已隐去部分内容）。如果不是您本人的身份证，请取走后放上您本人的"),
    Question("face", Kind.FACE, "请正对摄像头，进行人脸核验", stage=Stage.IDENTITY,
             hint="请摘下帽子和口罩，按屏幕提示转头或靠近。核验照片只用于本次申请"),
    Question(SUBJECT_TYPE, Kind.CHOICE, "您要办理哪一类市场主体？", stage=Stage.TYPE,
             section=S_SUBJECT, label="主体类型", check=answers.subject_type,
             options=tuple(Option(t.id, t.label, t.description) for t in subject_types.ALL),
             hint="不确定时，请按屏幕上方的“呼叫工作人员”"),
    Question("operation_form", Kind.CHOICE, "是个人经营还是家庭经营？", when=_family,
             section=S_SUBJECT, label="组成形式", options=OPERATION_FORMS,
             check=answers.one_of(_values(OPERATION_FORMS), "组成形式"),
             hint="家庭经营需要登记参加经营的家庭成员"),
    Question("family_members", Kind.PEOPLE, "参加经营的家庭成员有哪些？",
             when=lambda st, a: st.family_operation and a.get("operation_form") == "family",
             section=S_PEOPLE, label="家庭成员", check=answers.family_members,
             describe=describe.people, hint="请逐一添加姓名和身份证号码，不包括您本人"),
    Question("has_name", Kind.YES_NO, "您的个体工商户要使用名称吗？",
             when=lambda st, a: not st.name_required, section=S_SUBJECT, label="使用名称",
             check=answers.yes_no("是否使用名称"), describe=describe.yes_no,
             hint="个体工商户可以不起名称。使用名称便于开店招牌、刻章和开票"),
    Question("parent", Kind.PARENT, "分公司隶属于哪家企业？", when=lambda st, a: st.is_branch,
             section=S_SUBJECT, label="隶属企业", check=answers.parent, describe=describe.parent,
             hint="请按隶属企业营业执照填写名称和统一社会信用代码。分公司的负责人为您本人"),
    Question("name", Kind.NAME,
             lambda st, a: "个体工商户的名称是什么？" if not st.name_required else "企业名称是什么？",
             when=_wants_name, section=S_SUBJECT, label="名称", check=answers.business_name,
             describe=describe.business_name, hint=_name_hint),
    Question("branch_name", Kind.BRANCH_NAME, "分公司的名称怎么写？",
             when=lambda st, a: st.is_branch, section=S_SUBJECT, label="分公司名称",
             check=answers.branch_name, describe=describe.branch_name, hint=_branch_name_hint),
    Question("scope", Kind.SCOPE, "您要经营哪些项目？", section=S_BUSINESS, label="经营范围",
             check=answers.scope_codes, describe=describe.scope,
             hint="可按拼音首字母或关键词搜索，第一项为主营项目。带“许可”标记的项目需要另外办理许可证"),
    Question("premises", Kind.ADDRESS, lambda st, a: f"{st.premises_label}在哪里？",
             section=S_BUSINESS, label=lambda st, a: st.premises_label,
             check=answers.address("详细地址"), describe=describe.address, hint=_premises_hint),
    Question("capital", Kind.AMOUNT, lambda st, a: _CAPITAL_HEADING.get(st.capital, ""),
             when=_has_capital, optional=lambda st: st.capital is CapitalKind.FUNDS,
             section=S_BUSINESS, label=lambda st, a: st.capital_label or "",
             check=answers.capital, describe=describe.wan,
             hint=lambda st, a: _CAPITAL_HINT.get(st.capital, "")),
    Question("contribution_mode", Kind.CHOICE, "投资人以什么财产出资？",
             when=lambda st, a: st.capital is CapitalKind.CONTRIBUTION,
             section=S_BUSINESS, label="出资方式", options=CONTRIBUTION_MODES,
             check=answers.one_of(_values(CONTRIBUTION_MODES), "出资方式"),
             hint="以家庭共有财产出资的，投资人以家庭共有财产对企业债务承担无限责任"),
    Question("shareholders", Kind.PEOPLE, "公司的股东有哪些？",
             when=lambda st, a: st.shareholders, section=S_PEOPLE, label="股东",
             check=answers.shareholders, describe=describe.people, offer=_offer_shareholders,
             hint="您本人已列为第一位股东，并担任执行董事和法定代表人。各股东认缴额合计应等于注册资本"),
    Question("supervisor", Kind.PERSON, "由谁担任监事？", when=lambda st, a: st.shareholders,
             optional=True, section=S_PEOPLE, label="监事", check=answers.supervisor,
             describe=describe.person,
             hint="监事不能由执行董事兼任。经全体股东一致同意，规模较小的公司可以不设监事"),
    Question("staff_count", Kind.NUMBER, "有多少人参加经营（包括您本人）？", when=_family,
             section=S_BUSINESS, label="从业人数", check=answers.staff_count,
             describe=describe.people_count),
    Question("phone", Kind.TEXT, "您的手机号码是多少？", section=S_PEOPLE, label="联系电话",
             check=answers.phone, hint="用于接收办理进度短信，请填写本人正在使用的号码"),
    Question("seals", Kind.MULTI_CHOICE, "需要免费刻制哪些印章？",
             when=lambda st, a: not st.family_operation or a.get("has_name") is True,
             section=S_SERVICES, label="免费刻章", options=free_seals,
             check=answers.some_of(lambda st: _values(free_seals(st)) if st else (), "需要刻制的印章"),
             describe=describe.seals,
             hint="新开办可免费刻制以下印章（以当地政策为准），不需要的可以取消勾选"),
    Question("invoice", Kind.INVOICE, "需要申领发票吗？", section=S_SERVICES, label="发票申领",
             options=TAXPAYERS, check=answers.invoice(_values(TAXPAYERS)),
             describe=describe.invoice, hint="选择需要的，税务部门会同步办理税务登记和发票申领"),
    Question("social_insurance", Kind.SOCIAL, "需要为员工办理社保和医保登记吗？",
             section=S_SERVICES, label="社保医保", check=answers.social_insurance,
             describe=describe.social_insurance),
    Question("housing_fund", Kind.YES_NO, "需要办理住房公积金单位缴存登记吗？",
             when=lambda st, a: not st.family_operation, section=S_SERVICES, label="住房公积金",
             check=answers.yes_no("是否办理住房公积金缴存登记"), describe=describe.yes_no),
    Question("bank", Kind.BANK, "需要预约银行开户吗？", section=S_SERVICES, label="预约开户",
             options=BANKS, check=answers.bank_appointment, describe=describe.bank,
             hint="预约后请按预约日期带身份证到银行网点办理"),
    Question("delivery", Kind.CHOICE, "营业执照和印章怎么领取？", section=S_DELIVERY,
             label="领取方式", options=DELIVERY, check=answers.one_of(_values(DELIVERY), "领取方式")),
    Question("mail_address", Kind.ADDRESS, "邮寄到哪里？",
             when=lambda st, a: a.get("delivery") == "mail", section=S_DELIVERY, label="邮寄地址",
             check=answers.address("详细地址"), describe=describe.address,
             offer=_offer_mail_address, hint="收件人为您本人，电话为您填写的手机号码"),
    Question("commitment", Kind.COMMITMENT, "请阅读告知承诺书", stage=Stage.DECLARATION,
             label="告知承诺", body=_commitment,
             check=answers.must_be_true("请阅读告知承诺书，并勾选“我已阅读以上内容，同意承诺”"),
             hint="请逐条阅读。不实承诺要承担法律责任，有疑问请按“呼叫工作人员”",
             continue_label="我已阅读并承诺"),
    Question("signature", Kind.SIGNATURE, "请在下方签名", stage=Stage.DECLARATION, label="签名",
             check=answers.must_be_true("请在签名框内签名"),
             hint="请用手指在方框内写下您的姓名", continue_label="确认签名"),
    # The last look before submit: every answer with 修改, and the signature itself.
    Question("review", Kind.REVIEW, "请核对您的申请", stage=Stage.REVIEW,
             hint="如需修改，请按该项右侧的“修改”。核对无误后提交申请",
             continue_label="确认提交申请"),
    Question("done", Kind.DONE, "申请已提交", stage=Stage.DONE, continue_label="完成"),
))
