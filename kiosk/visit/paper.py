"""The words of an outcome: the done page, the receipt and the licence, worded in one place.

``done_words`` is what the done page says of a ``VisitOutcome``; ``receipt_for`` turns the same
words into a ``Receipt`` and ``licence_for`` the platform's verified licence data into a
``Licence``. The coordinator decides when to print and the printers decide how. Neither the
page nor the receipt shows an ID number; the name stays masked. No I/O.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from devices.printers.licence import Licence
from devices.printers.receipt import Receipt
from kiosk.flow.outcome import Outcome, Paper, VisitOutcome
from kiosk.flow.session import ReceiptFacts


@dataclass(frozen=True)
class HallTexts:
    """What a receipt says about the place: from the kiosk's settings."""

    hall: str
    hotline: str
    tracking_url: str          # with ``{id}`` where the application number goes

    def track(self, application_id: str) -> str:
        return self.tracking_url.format(id=application_id)

    def tracked(self, payload: str) -> str:
        """The application number in a scanned tracking code (the receipt's QR code), or the
        payload itself when it is not one of this hall's tracking URLs (a bare number)."""
        head, _, tail = self.tracking_url.partition("{id}")
        if head and payload.startswith(head) and payload.endswith(tail):
            return payload[len(head):len(payload) - len(tail)]
        return payload


_RESULT = {
    Outcome.SUBMITTING: "已受理，正在提交",
    Outcome.APPROVED: "已通过审批（秒批）",
    Outcome.REVIEW: "已受理，等待登记机关审核",
    Outcome.NEEDS_CORRECTION: "需要补正后重新提交",
    Outcome.REFUSED: "未予通过",
    Outcome.QUEUED: "已受理，网络恢复后自动上传",
}


def result_text(outcome: Outcome) -> str:
    """The one-line result the done page and the receipt share."""
    return _RESULT[outcome]


_TITLE = {
    Outcome.SUBMITTING: "正在提交您的申请，请稍候",
    Outcome.APPROVED: "审批通过，营业执照已核发",
    Outcome.REVIEW: "申请已受理，等待审核",
    Outcome.NEEDS_CORRECTION: "申请需要修改",
    Outcome.REFUSED: "申请未通过",
    Outcome.QUEUED: "申请已受理，网络恢复后自动上传",
}

_RECEIPT_PAPER = {
    Paper.PRINTING: "回执正在打印……",
    Paper.PRINTED: "回执已打印，请取走回执。",
    Paper.HELD: "回执打印机暂时无法打印。请记下上面的申请编号，到服务台由工作人员为您补打回执。",
    Paper.FAILED: "回执暂时无法打印。请记下上面的申请编号，到服务台由工作人员为您补打回执。",
}
_LICENCE_PAPER = {
    Paper.PRINTING: "营业执照正在打印，请稍候……",
    Paper.PRINTED: "请取走营业执照（正本）。",
    Paper.HELD: "营业执照打印机暂时无法打印。请凭申请编号到登记窗口领取营业执照。",
    Paper.FAILED: "营业执照暂时无法在本机打印。请凭申请编号到登记窗口领取营业执照。",
}


@dataclass(frozen=True)
class DoneWords:
    """What the done page says: a heading, what happens next, and where the paper is."""

    title: str
    result: str
    next_steps: tuple[str, ...]
    receipt: str
    licence: str
    delivery_label: str        # the label of the 领取方式 answer, as the receipt prints it


def done_words(o: VisitOutcome, texts: HallTexts) -> DoneWords:
    pending = o.outcome is Outcome.SUBMITTING
    title = _TITLE[o.outcome]
    if o.outcome is Outcome.APPROVED and o.licence is Paper.PRINTED:
        title = "请取走营业执照"
    return DoneWords(
        title=title, result=result_text(o.outcome),
        next_steps=() if pending else (*_next_steps(o),
                                       f"如有疑问，请拨打 {texts.hotline} 政务服务热线。"),
        receipt="" if pending else _RECEIPT_PAPER.get(o.receipt, ""),
        licence=_LICENCE_PAPER.get(o.licence, ""), delivery_label=delivery_label(o.outcome))


def _next_steps(o: VisitOutcome) -> tuple[str, ...]:
    if o.outcome is Outcome.APPROVED:
        return ("营业执照正本在本机打印，请当场取走；未能打印的，可凭申请编号到登记窗口领取。",
                "印章、发票等一并办理的事项，结果将以短信通知您。")
    if o.outcome is Outcome.REVIEW:
        return ("登记机关工作人员审核后，一般在3个工作日内办结，结果将以短信通知您。",
                "扫描二维码可查询办理进度。")
    if o.outcome is Outcome.NEEDS_CORRECTION:
        fix = "；".join(r.rstrip("。；") for r in o.reasons[:3]) or "请按短信提示修改"
        return (f"需要修改：{fix}。",
                "请修改后在本机重新提交，或携带身份证到窗口咨询。")
    if o.outcome is Outcome.REFUSED:
        why = "；".join(r.rstrip("。；") for r in o.reasons[:2]) or "详见短信通知"
        return (f"原因：{why}。", "请携带身份证到登记窗口办理，工作人员会协助您。")
    return ("您的申请已加密保存在本机，网络恢复后将自动上传，无需再次办理。",
            "审核结果将以短信通知您，也可扫描二维码查询办理进度。")


def delivery_label(outcome: Outcome) -> str:
    """What the person's 领取方式 answer still governs: approved here, the licence is printed on
    the spot, so only the seals are collected that way (the done page and the receipt)."""
    return "印章领取" if outcome is Outcome.APPROVED else "领取方式"


def receipt_for(facts: ReceiptFacts, outcome: VisitOutcome, texts: HallTexts) -> Receipt:
    """The receipt (回执) of one application, saying the outcome known when it prints."""
    rows = [("办理事项", f"设立登记（{facts.subject_type_label}）"),
            ("名称", facts.business_name), ("申请人", facts.applicant_masked),
            ("办理结果", result_text(outcome.outcome))]
    if outcome.credit_code:
        rows.append(("统一社会信用代码", outcome.credit_code))
    rows += [(delivery_label(outcome.outcome), facts.delivery or "未选择"), ("办理地点", texts.hall)]
    return Receipt(
        job_id=facts.application_id, title="自助申报回执",
        application_number=facts.application_id, rows=tuple(rows),
        qr_payload=texts.track(facts.application_id),
        notes=done_words(outcome, texts).next_steps,
        printed_at=dt.datetime.fromtimestamp(facts.submitted_at))


def _day(iso: str) -> str:
    """Licences print dates as 2026年11月21日."""
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def licence_for(application_id: str, data: dict, texts: HallTexts, copy: str = "正本",
                print_number: int = 1) -> Licence:
    """The licence of an approved application, from the platform's verified decision (or its
    counted print: ``print_number`` above 1 prints 补打).

    Raises:
        KeyError, ValueError: the licence data lacks a field or holds a malformed one.
    """
    return Licence(name=data["name"], uscc=data["uscc"], licence_number=data["licence_number"],
                   subject_type_label=data["subject_type_label"],
                   person_label=data["person_label"], person_name=data["legal_person"],
                   premises_label=data["premises_label"], premises=data["premises"],
                   scope=data["scope"], established=_day(data["established"]),
                   authority=data["authority"], issued_on=_day(data["issued_on"]),
                   qr_payload=texts.track(application_id), copy=copy, capital=data.get("capital"),
                   print_number=print_number)
