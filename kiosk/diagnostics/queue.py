"""The offline queue's check, and what staff may do to it: release, reprint, force a sync.

``check`` is the report's ``queue`` line: counts by state, the oldest unsent submission's age,
the last error; submissions the platform refused (held) are a fault a technician must look at.
``held_receipts`` lists the applications whose receipt never came out (the person left while
the printer was out of paper), from the receipt printer's journal, newest first.
``reprint_receipt`` builds a receipt for one application from what the outbox knows of it, its
number, subject type and state, and the platform's verified decision (``kiosk.visit``'s own
wording), never from the person's data, which the visit's wipe removed. No I/O here beyond
the reads the callers pass in.
"""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from devices.printers.receipt import Receipt
from devices.printers.receipt.journal import JobState
from kiosk.diagnostics.report import Check
from kiosk.domain import subject_types
from kiosk.visit.delivery import outcome_of
from kiosk.visit.paper import HallTexts, done_words, result_text
from offline_queue.model import QueueState, QueueSummary, SubmissionStatus

STATE_ZH = {QueueState.QUEUED: "待发送", QueueState.SENDING: "发送中", QueueState.FAILED: "失败待重试",
            QueueState.HELD: "被拒待处理", QueueState.SENT: "已送达"}
REPRINT = "#reprint-"          # a reprint's job id: <application id>#reprint-<n>
_reprints = itertools.count(1)


def counts_text(summary: QueueSummary) -> str:
    return "，".join(f"{STATE_ZH[s]} {summary.counts.get(s, 0)}" for s in QueueState)


def check(summary: QueueSummary | None) -> Check:
    if summary is None:
        return Check("queue", True, "离线队列尚未建立（本机还没有受理过申请）")
    parts = [counts_text(summary)]
    if summary.oldest_age_s is not None:
        parts.append(f"最早未送达 {summary.oldest_text}")
    if summary.last_error:
        parts.append(f"最近错误：{summary.last_error}")
    held = summary.counts.get(QueueState.HELD, 0)
    if held:
        return Check("queue", False, "；".join(parts),
                     f"有 {held} 份申请被平台拒收：查明原因（见最近错误）后在“离线队列”页放行重发")
    return Check("queue", True, "；".join(parts))


@dataclass(frozen=True)
class HeldReceipt:
    application_id: str
    reprinted: bool


def held_receipts(jobs: list[tuple[str, JobState, float]]) -> list[HeldReceipt]:
    """Applications whose receipt was discarded unprinted, newest first (from ``Journal.recent``)."""
    reprinted = {job.split(REPRINT)[0] for job, state, _ in jobs
                 if REPRINT in job and state is JobState.PRINTED}
    return [HeldReceipt(job, job in reprinted) for job, state, _ in jobs
            if state is JobState.DISCARDED and REPRINT not in job and not job.startswith("diag-")]


def reprint_receipt(status: SubmissionStatus, texts: HallTexts, now: dt.datetime) -> Receipt:
    """A receipt for ``status``'s application, saying what the outbox knows of it now."""
    outcome = outcome_of(status)
    kind = subject_types.BY_ID.get(status.subject_type)
    rows = [("办理事项", f"设立登记（{kind.label if kind else status.subject_type}）"),
            ("办理结果", result_text(outcome.outcome))]
    if outcome.credit_code:
        rows.append(("统一社会信用代码", outcome.credit_code))
    rows += [("提交时间", dt.datetime.fromtimestamp(status.created_at).strftime("%Y-%m-%d %H:%M")),
             ("办理地点", texts.hall), ("补打说明", "工作人员按申请编号补打，不含申请人信息")]
    return Receipt(job_id=f"{status.submission_id}{REPRINT}{now:%Y%m%d%H%M%S}-{next(_reprints)}",
                   title="自助申报回执（补打）", application_number=status.submission_id,
                   rows=tuple(rows), qr_payload=texts.track(status.submission_id),
                   notes=done_words(outcome, texts).next_steps, printed_at=now)
