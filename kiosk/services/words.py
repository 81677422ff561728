"""The words of the citizen services' pages and paper, in one place.

What a status page says of an application in each state and what the person does next
(``status_words``), what the licence print page says (``print_words``), what the rating says
once given (``rating_words``), and the printed 办事指南 (``guide_receipt``, from
``kiosk.domain.guide``). The done page and the receipt of a filing are ``kiosk.visit.paper``'s.
No I/O; no ID number or name is ever worded here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from contract.codes import DecisionStatus
from devices.printers.receipt import Receipt
from kiosk.domain import guide as guides
from kiosk.domain import subject_types
from kiosk.flow.services import PrintJob, PrintState
from kiosk.visit.paper import HallTexts

QUEUED_HERE = "queued_here"     # a number still in this kiosk's outbox, not yet uploaded

_STATE = {
    DecisionStatus.RECEIVED.value: "审核中",
    DecisionStatus.APPROVED.value: "已办结，营业执照已核发",
    DecisionStatus.NEEDS_CORRECTION.value: "需要补正",
    DecisionStatus.REJECTED.value: "未予通过",
    QUEUED_HERE: "已受理，等待上传",
}
_NEXT = {
    DecisionStatus.RECEIVED.value: (f"登记机关工作人员正在审核，一般在{guides.REVIEW_WORKING_DAYS}"
                                    "个工作日内办结，结果将以短信通知您。"),
    DecisionStatus.APPROVED.value: "可在本机“营业执照自助打印”打印营业执照（凭身份证），"
                                   "也可以到登记窗口领取。",
    DecisionStatus.NEEDS_CORRECTION.value: "请按上面的原因修改后重新申请，或携带身份证到登记窗口咨询。",
    DecisionStatus.REJECTED.value: "请携带身份证到登记窗口咨询，工作人员会协助您。",
    QUEUED_HERE: "您的申请已加密保存在本机，网络恢复后将自动上传，无需再次办理。",
}


@dataclass(frozen=True)
class StatusWords:
    application_id: str
    subject_type: str            # the label, e.g. 个体工商户
    business_name: str           # "" when the answer carries none (a public progress)
    state: str
    good: bool                   # on its way or done (not colour alone: the words say it)
    reasons: tuple[str, ...]
    next_step: str
    received: str                # 2026年11月21日
    credit_code: str
    prints: int


def _day(iso: str) -> str:
    try:
        d = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


def status_words(item: Any) -> StatusWords:
    """One application as the status page words it: a ``contract.citizen`` summary (the
    person's), a public ``Progress`` (by number), or a ``LocalProgress`` from this kiosk."""
    state = getattr(item, "status", QUEUED_HERE)
    state = state.value if isinstance(state, DecisionStatus) else str(state)
    st = subject_types.BY_ID.get(getattr(item, "subject_type", ""))
    return StatusWords(
        application_id=item.application_id, subject_type=st.label if st else "",
        business_name=getattr(item, "business_name", ""), state=_STATE.get(state, "审核中"),
        good=state not in (DecisionStatus.NEEDS_CORRECTION.value, DecisionStatus.REJECTED.value),
        reasons=tuple(getattr(item, "reasons", ())), next_step=_NEXT.get(state, ""),
        received=_day(getattr(item, "received_at", "")),
        credit_code=getattr(item, "credit_code", ""), prints=getattr(item, "prints", 0))


@dataclass(frozen=True)
class LocalProgress:
    """A number this kiosk holds, sealed, not yet on the platform."""

    application_id: str
    subject_type: str
    received_at: str
    status: str = QUEUED_HERE


def print_words(job: PrintJob | None) -> tuple[str, str]:
    """(heading, what to do) for the licence or guide print a page waits for."""
    if job is None:
        return "", ""
    what = "营业执照" if job.what == "licence" else "办事指南"
    if job.state is PrintState.PRINTING:
        return f"{what}正在打印，请稍候……", "打印需要约半分钟，请不要离开。"
    if job.state is PrintState.FAILED:
        return f"{what}未能打印", job.reason
    if job.what == "licence" and job.number > 1:
        return ("请取走营业执照（补打）",
                f"这是该营业执照的第{job.number}次打印，营业执照上印有“补打”字样。")
    if job.what == "licence":
        return "请取走营业执照", "营业执照在下方出纸口，请妥善保管。"
    return "请取走办事指南", "办事指南在下方回执出纸口。"


RATING_WORDS = {"saving": "正在提交您的评价……", "sent": "感谢您的评价！",
                "queued": "感谢您的评价！网络暂时中断，评价已保存在本机，联网后自动提交。",
                "failed": "评价暂时无法保存，给您带来不便，请谅解。"}


def guide_receipt(subject_type: str, job_id: str, texts: HallTexts,
                  printed_at: dt.datetime) -> Receipt:
    """The 办事指南 as the receipt printer prints it: the same content as the page."""
    g = guides.guide_for(subject_types.get(subject_type))
    notes: list[str] = [g.summary]
    for section in g.sections:
        notes.append(f"【{section.title}】" + section.lead)
        notes.extend(f"{i}. {item}" for i, item in enumerate(section.items, 1))
    notes.append(f"咨询电话：{texts.hotline}（政务服务热线）")
    return Receipt(job_id=job_id, title="办事指南（一次告知）", application_number="",
                   rows=(("办理事项", g.title), ("办理地点", texts.hall or "本服务大厅")),
                   qr_payload="", notes=tuple(notes), printed_at=printed_at)
