"""The pages of a session, one question each, and the path through them.

``PAGES`` says how each step is presented (heading, hint, kind of input, options, review
section); ``path`` decides which steps a person goes through, from the subject type and the
answers so far, using ``kiosk.domain.requirements`` as the single source of "when does this
apply". The UI maps ``Page.kind`` to a QML screen and nothing else. No I/O, no Qt.
"""
from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.domain import requirements
from kiosk.domain.answers import BANKS, SEALS
from kiosk.domain.subject_types import ALL as SUBJECT_TYPES
from kiosk.domain.subject_types import SubjectType


class Kind(enum.Enum):
    ID_CARD = "id_card"
    FACE = "face"
    CHOICE = "choice"
    YES_NO = "yes_no"
    TEXT = "text"
    NAME = "name"
    PARENT = "parent"
    BRANCH_NAME = "branch_name"
    SCOPE = "scope"
    ADDRESS = "address"
    AMOUNT = "amount"
    NUMBER = "number"
    PEOPLE = "people"
    PERSON = "person"
    MULTI_CHOICE = "multi_choice"
    INVOICE = "invoice"
    SOCIAL = "social"
    BANK = "bank"
    COMMITMENT = "commitment"
    SIGNATURE = "signature"
    REVIEW = "review"
    DONE = "done"


@dataclass(frozen=True)
class Page:
    id: str
    kind: Kind
    title: str                 # the question: it is the page heading
    hint: str = ""
    section: str = ""          # group on the review page; "" = not listed there
    options: tuple[tuple[str, str], ...] = ()
    label: str = ""            # short label on the review page
    continue_label: str = "继续"


S_SUBJECT, S_BUSINESS, S_PEOPLE, S_SERVICES, S_DELIVERY = (
    "主体信息", "经营信息", "人员信息", "一并办理", "领取方式")

_PAGES: tuple[Page, ...] = (
    Page("id_card", Kind.ID_CARD, "请将身份证放在读卡区",
         hint="请将第二代居民身份证平放在下方读卡区，读取需要约3秒，读完前请不要移开"),
    Page("face", Kind.FACE, "请正对摄像头，进行人脸核验",
         hint="请摘下帽子和口罩，按屏幕提示转头或靠近。核验照片只用于本次申请"),
    Page("subject_type", Kind.CHOICE, "您要办理哪一类市场主体？", section=S_SUBJECT, label="主体类型",
         options=tuple((t.id, t.label) for t in SUBJECT_TYPES),
         hint="不确定时，请按屏幕上方的“呼叫工作人员”"),
    Page("operation_form", Kind.CHOICE, "是个人经营还是家庭经营？", section=S_SUBJECT, label="组成形式",
         options=(("personal", "个人经营"), ("family", "家庭经营")),
         hint="家庭经营需要登记参加经营的家庭成员"),
    Page("family_members", Kind.PEOPLE, "参加经营的家庭成员有哪些？", section=S_PEOPLE,
         label="家庭成员", hint="请逐一添加姓名和身份证号码，不包括您本人"),
    Page("has_name", Kind.YES_NO, "您的个体工商户要使用名称吗？", section=S_SUBJECT, label="使用名称",
         hint="个体工商户可以不起名称。使用名称便于开店招牌、刻章和开票"),
    Page("parent", Kind.PARENT, "分公司隶属于哪家企业？", section=S_SUBJECT, label="隶属企业",
         hint="请按隶属企业营业执照填写名称和统一社会信用代码"),
    Page("name", Kind.NAME, "企业名称是什么？", section=S_SUBJECT, label="名称",
         hint="名称由行政区划、字号、行业和组织形式组成，例如：西湖区 + 青禾 + 餐饮 + 店"),
    Page("branch_name", Kind.BRANCH_NAME, "分公司的名称怎么写？", section=S_SUBJECT, label="分公司名称",
         hint="分公司名称为隶属企业名称加地名和“分公司”，例如：某某有限公司西湖分公司"),
    Page("scope", Kind.SCOPE, "您要经营哪些项目？", section=S_BUSINESS, label="经营范围",
         hint="可按拼音首字母或关键词搜索，第一项为主营项目。带“许可”标记的项目需要另外办理许可证"),
    Page("premises", Kind.ADDRESS, "经营场所在哪里？", section=S_BUSINESS, label="经营场所",
         hint="请写到门牌号。场所使用证明稍后由工作人员核对"),
    Page("capital", Kind.AMOUNT, "注册资本（出资额）是多少万元？", section=S_BUSINESS, label="资本",
         hint="单位：万元。有限责任公司股东认缴的出资应在公司成立之日起5年内缴足"),
    Page("contribution_mode", Kind.CHOICE, "投资人以什么财产出资？", section=S_BUSINESS, label="出资方式",
         options=(("personal_property", "个人财产出资"), ("family_property", "家庭共有财产出资")),
         hint="以家庭共有财产出资的，投资人以家庭共有财产对企业债务承担无限责任"),
    Page("shareholders", Kind.PEOPLE, "公司的股东有哪些？", section=S_PEOPLE, label="股东",
         hint="您本人已列为第一位股东，并担任执行董事和法定代表人。各股东认缴额合计应等于注册资本"),
    Page("supervisor", Kind.PERSON, "由谁担任监事？（选填）", section=S_PEOPLE, label="监事",
         hint="监事不能由执行董事兼任。经全体股东一致同意，规模较小的公司可以不设监事"),
    Page("staff_count", Kind.NUMBER, "有多少人参加经营（包括您本人）？", section=S_BUSINESS,
         label="从业人数"),
    Page("phone", Kind.TEXT, "您的手机号码是多少？", section=S_PEOPLE, label="联系电话",
         hint="用于接收办理进度短信，请填写本人正在使用的号码"),
    Page("seals", Kind.MULTI_CHOICE, "需要免费刻制哪些印章？", section=S_SERVICES, label="免费刻章",
         options=tuple(SEALS.items()), hint="新开办企业可免费刻制以下印章，不需要的可以取消勾选"),
    Page("invoice", Kind.INVOICE, "需要申领发票吗？", section=S_SERVICES, label="发票申领",
         hint="选择需要的，税务部门会同步办理税务登记和发票申领"),
    Page("social_insurance", Kind.SOCIAL, "需要为员工办理社保和医保登记吗？", section=S_SERVICES,
         label="社保医保"),
    Page("housing_fund", Kind.YES_NO, "需要办理住房公积金单位缴存登记吗？", section=S_SERVICES,
         label="住房公积金"),
    Page("bank", Kind.BANK, "需要预约银行开户吗？", section=S_SERVICES, label="预约开户",
         options=tuple((b, b) for b in BANKS), hint="预约后请按预约日期带身份证到银行网点办理"),
    Page("delivery", Kind.CHOICE, "营业执照和印章怎么领取？", section=S_DELIVERY, label="领取方式",
         options=(("pickup", "到服务大厅窗口领取"), ("mail", "免费邮寄到家"))),
    Page("mail_address", Kind.ADDRESS, "邮寄到哪里？", section=S_DELIVERY, label="邮寄地址",
         hint="收件人为您本人，电话为您填写的手机号码"),
    Page("review", Kind.REVIEW, "请核对您的申请", continue_label="以上信息无误，继续",
         hint="如需修改，请按该项右侧的“修改”"),
    Page("commitment", Kind.COMMITMENT, "请阅读告知承诺书", label="告知承诺",
         hint="我承诺所填信息和提交的材料真实、合法、有效，愿意承担不实承诺的法律责任",
         continue_label="我已阅读并承诺"),
    Page("signature", Kind.SIGNATURE, "请在下方签名", label="签名",
         hint="请用手指在方框内写下您的姓名", continue_label="确认提交申请"),
    Page("done", Kind.DONE, "申请已提交", continue_label="完成"),
)
PAGES: dict[str, Page] = {p.id: p for p in _PAGES}

# Pages after the review: the declaration and the signature that submits.
AFTER_REVIEW = ("commitment", "signature")
START = ("id_card", "face", "subject_type")


def path(subject_type: SubjectType | None, answers: Mapping[str, Any]) -> list[str]:
    """The steps this person goes through, in order, from the card to the signature."""
    if subject_type is None:
        return list(START)
    questions = [f for f in requirements.needed(subject_type, answers) if f not in AFTER_REVIEW]
    return [*START, *questions, "review", *AFTER_REVIEW]
