"""The citizen services a visit can be, and the pages of those that are not 设立登记.

``Service`` names what the person chose on the home screen. 设立登记 walks the question table
(``kiosk.domain.questions``); the others walk the pages here (``SERVICE_PAGES``, entries of the
same ``Question`` shape, so the screens and the bridge read them alike): 办件进度查询, 营业执照
自助打印, 办事指南 and 好差评. Those that need the person's identity go through the table's
identity pages first (card, confirmation, face). ``Lookup`` and ``PrintJob`` are the state of
what such a page waits for (the platform's answer, paper). The session decides when they
change; the service desk (``kiosk.services``) does the I/O. No I/O here.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from kiosk.domain.questions import Kind, Question, Questionnaire, Stage


class Service(enum.Enum):
    REGISTER = "register"      # 设立登记
    STATUS = "status"          # 办件进度查询
    LICENCE = "licence"        # 营业执照自助打印
    GUIDE = "guide"            # 办事指南（一次告知）
    RATING = "rating"          # 好差评

    @property
    def label(self) -> str:
        return _LABELS[self][0]

    @property
    def description(self) -> str:
        return _LABELS[self][1]


_LABELS = {
    Service.REGISTER: ("设立登记", "申请营业执照，一并办理免费刻章、税务登记和发票、社保医保、"
                                   "公积金登记和银行开户预约；符合条件的当场审批"),
    Service.STATUS: ("办件进度查询", "刷身份证查看本人在全省提交的申请，或输入、扫描回执上的申请编号"),
    Service.LICENCE: ("营业执照自助打印", "刷身份证核验后，当场打印已核发的营业执照；遗失或损坏可补打"),
    Service.GUIDE: ("办事指南（一次告知）", "办理需要带的材料、许可项目、费用和时间，一次说清，可以打印带走"),
    Service.RATING: ("好差评", "为我们的服务评价，帮助我们改进"),
}


# The first page of each service (a status query asks how first; identity may follow).
FIRST_PAGE = {Service.REGISTER: "id_card", Service.STATUS: "status_start",
              Service.LICENCE: "id_card", Service.GUIDE: "guide", Service.RATING: "rating"}


def _page(id: str, kind: Kind, heading: str, hint: str = "", continue_label: str = "完成") -> Question:
    return Question(id, kind, heading, hint=hint, stage=Stage.SERVICE,
                    continue_label=continue_label)


SERVICE_PAGES = Questionnaire((
    _page("status_start", Kind.STATUS_START, "您想怎样查询办理进度？",
          "刷身份证可查看您本人在全省各地自助机和窗口提交的全部申请；"
          "也可以输入或扫描回执上的申请编号"),
    _page("status_number", Kind.APPLICATION_NUMBER, "请输入回执上的申请编号",
          "申请编号印在回执上方，由8位日期和8位字母数字组成", continue_label="查询"),
    _page("status_scan", Kind.SCAN, "请把回执上的二维码对准摄像头",
          "二维码在回执中间。请把回执放在距离摄像头约20厘米处，慢慢移动，直到读取成功"),
    _page("status_list", Kind.APPLICATIONS, "办理进度",
          "如有疑问，请按“呼叫工作人员”，或拨打12345政务服务热线"),
    _page("licence_list", Kind.LICENCES, "请选择要打印的营业执照",
          "以下是您作为经营者、投资人、法定代表人或负责人的已核发营业执照"),
    _page("licence_print", Kind.LICENCE_PRINT, "营业执照打印"),
    _page("guide", Kind.GUIDE, "办事指南（一次告知）",
          "选择要办理的类型，查看需要带的材料和注意事项，也可以打印带走"),
    _page("rating", Kind.RATING, "请您为本次服务评价",
          "您的评价将匿名提交，用于改进政务服务（好差评）"),
))

# 上一步 on a service page: where it goes (the others have none).
SERVICE_BACK = {"status_number": "status_start", "status_scan": "status_start"}


class LookupState(enum.Enum):
    IDLE = "idle"
    LOADING = "loading"        # the platform is being asked
    READY = "ready"            # the answer is in (it may be an empty list)
    NOT_FOUND = "not_found"    # no application with this number
    OFFLINE = "offline"        # the platform cannot be reached now
    FAILED = "failed"          # the platform answered something unusable


@dataclass(frozen=True)
class Lookup:
    """A status or licence query and what came back. ``items`` are the platform's own answers
    (``contract.citizen`` models) or, for a number still queued on this kiosk, a ``Progress``
    built from the outbox; the bridge words them."""

    query_id: str = ""
    by: str = ""                   # "card", "number" or "scan"
    number: str = ""               # the application number asked about, when by number
    state: LookupState = LookupState.IDLE
    items: tuple[Any, ...] = field(default=())


class PrintState(enum.Enum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"              # nothing came out: where to get it instead


@dataclass(frozen=True)
class PrintJob:
    """One print a service page waits for: a licence (补打 when ``number`` > 1) or the guide."""

    job_id: str
    what: str                      # "licence" or "guide"
    application_id: str = ""
    state: PrintState = PrintState.PRINTING
    number: int = 0                # the licence's print number, once the platform counted it
    reason: str = ""               # why it failed, in words for the person
