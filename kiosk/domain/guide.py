"""办事指南（一次告知）: for each subject type, everything to bring and to know, at once.

``guide_for(subject_type)`` builds a ``Guide``: what the service is, what to bring (the ID card;
the premises proof; a branch's parent licence and authorisation; who else to name), the permits
that 许可 scope items need (from the scope catalogue, by approving department), what it costs
and how long it takes. The kiosk shows it on the guide page and prints it on the receipt
printer; both read this one value. Sources: domain.md §5 (items and materials per subject type,
[S] and UNCONFIRMED where marked there), §7 (许可 items), §9 (the joint services); the
materials' exact wording is local practice and UNCONFIRMED: correct it here. No I/O.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kiosk.domain import catalogues
from kiosk.domain.subject_types import CapitalKind, SubjectType

# How long things take (local practice, UNCONFIRMED): one place to correct.
FILL_IN_MINUTES = 15
REVIEW_WORKING_DAYS = 3
PERMIT_EXAMPLES = 3     # items named per approving department
PERMIT_DEPARTMENTS = 10  # departments named; the scope page marks every other 许可 item


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[str, ...]
    lead: str = ""       # one line before the items


@dataclass(frozen=True)
class Guide:
    """What one subject type's applicant needs to know before starting."""

    subject_type: str
    title: str
    summary: str
    sections: tuple[Section, ...]


def _materials(st: SubjectType) -> tuple[str, ...]:
    items = ["本人有效的第二代居民身份证原件（放在读卡区读取，并刷脸核验；港澳台居民居住证、"
             "外国人永久居留身份证也可以使用，由工作人员协助核验）",
             f"{st.premises_label}的使用证明：自有房屋的不动产权证书，或租赁合同和出租方的"
             "产权证明（本机填写地址，原件由工作人员核对）",
             "本人正在使用的手机号码，用于接收办理进度短信"]
    if st.family_operation:
        items.append("家庭经营的，参加经营的每位家庭成员的姓名和身份证号码")
    if st.shareholders:
        items.append("每位股东的姓名、身份证号码和认缴出资额（合计等于注册资本）；"
                     "设监事的，监事的姓名和身份证号码")
    if st.capital is CapitalKind.CONTRIBUTION:
        items.append("投资人的出资额，以及以个人财产还是家庭共有财产出资")
    if st.is_branch:
        items.append("隶属企业的营业执照（副本原件）和统一社会信用代码")
        items.append("隶属企业同意设立分公司的决定，以及任命您为分公司负责人的文件，"
                     "均须加盖隶属企业公章")
        items.append("分公司的经营范围不能超出隶属企业的经营范围")
    return tuple(items)


PERMITS_LEAD = ("经营范围中带“许可”标记的项目，领取营业执照后，须取得相关部门的许可证件"
                "才能开展经营。常见的有：")


def _permits(st: SubjectType) -> tuple[str, ...]:
    by_department: dict[str, list[str]] = defaultdict(list)
    closed: list[str] = []
    for entry in catalogues.scope_entries():
        if not entry.licensed:
            continue
        if st.individual_scope_only and not entry.individual_allowed:
            closed.append(entry.name)
            continue
        by_department[entry.department].append(entry.name)
    items = []
    ranked = sorted(by_department.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    for department, names in ranked[:PERMIT_DEPARTMENTS]:
        more = "等" if len(names) > PERMIT_EXAMPLES else ""
        items.append(f"{'、'.join(names[:PERMIT_EXAMPLES])}{more}：向{department}申请")
    if len(ranked) > PERMIT_DEPARTMENTS:
        items.append("其他许可项目：在本机选择经营范围时，会标明所需的许可和审批部门")
    if closed:
        items.append(f"个体工商户不能申请以下项目（须由企业法人经营）：{'、'.join(closed)}")
    return tuple(items)


def guide_for(st: SubjectType) -> Guide:
    """The whole 一次告知 of one subject type."""
    name_rule = ("个体工商户可以不起名称" if not st.name_required else
                 "名称由行政区划、字号、行业和组织形式组成" if not st.is_branch else
                 "分公司的名称为隶属企业名称加地名或特色用语和“分公司”等字样")
    return Guide(
        subject_type=st.id,
        title=f"{st.label}设立登记",
        summary=f"{st.description}。{name_rule}。",
        sections=(
            Section("请带好", _materials(st)),
            Section("一并办理（免费，可选）",
                    ("印章刻制（公章、财务专用章、发票专用章、" + st.person_label + "名章，"
                     "以当地政策为准）",
                     "税务登记和发票申领", "员工社保、医保登记",
                     *(() if st.family_operation else ("住房公积金单位缴存登记",)),
                     "银行开户预约", "营业执照和印章领取：到窗口领取或免费邮寄")),
            Section("许可项目", _permits(st), PERMITS_LEAD),
            Section("费用和时间",
                    ("设立登记和营业执照免费，不收取任何费用",
                     f"在本机自助填写约需{FILL_IN_MINUTES}分钟",
                     "符合条件的当场审批（秒批），可在本机当场打印营业执照",
                     f"需要人工审核的，一般在{REVIEW_WORKING_DAYS}个工作日内办结，结果以短信通知")),
        ))
