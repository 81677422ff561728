"""What the home screen offers now, and what it says is out of order (ux.md "Journey").

``offers`` answers, for every service, whether it can be finished now and, if not, why, from the
devices' latest health (``devices.health.Health`` by device id, the platform's reachability
among them as ``PLATFORM``) and whether the outbox can take one more application. A service
that cannot be finished is not offered. ``notices`` says what is out of order although the
services still finish: "回执打印机缺纸：回执将由工作人员补打". A device not reported yet counts
as working (it is starting). No I/O.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from devices.health import DeviceState, Health
from kiosk.flow.services import Service

CARD_READER, CAMERA, RECEIPT_PRINTER, LICENCE_PRINTER = (
    "idcard", "camera", "receipt_printer", "licence_printer")
PLATFORM = "platform"          # reported by the service desk's probe, as a device would be

_PAPER_PROBLEM = {"paper_out": "缺纸", "cover_open": "纸仓盖未合上", "offline": "暂停使用",
                  "error": "故障", "disconnected": "未连接"}


@dataclass(frozen=True)
class Offer:
    service: Service
    available: bool
    reason: str = ""           # why it is not offered now ("" when it is)


def _unusable(devices: Mapping[str, Health], device: str) -> bool:
    """Reported, and not usable now (a reader still connecting cannot read a card yet)."""
    health = devices.get(device)
    return health is not None and not health.usable


def _down(devices: Mapping[str, Health], device: str) -> bool:
    """Out of order: not usable, and not merely starting."""
    return _unusable(devices, device) and devices[device].state is not DeviceState.STARTING


def offers(devices: Mapping[str, Health], admission: str = "") -> tuple[Offer, ...]:
    """Every service, in the home screen's order. ``admission``: why the outbox refuses a new
    application ("" when it accepts one)."""
    reader = _unusable(devices, CARD_READER)
    offline = _down(devices, PLATFORM)
    reader_reason = (f"身份证阅读器暂时无法使用（{devices[CARD_READER].message}），暂不能办理。"
                     "请联系工作人员。" if reader else "")
    register = reader_reason or admission
    licence = (reader_reason or
               ("营业执照打印机暂停使用，请到登记窗口领取营业执照"
                if _down(devices, LICENCE_PRINTER) else "") or
               ("网络暂时中断，暂不能打印营业执照，请稍后再试或到登记窗口领取" if offline else ""))
    status = "网络暂时中断，暂不能查询办理进度，请稍后再试" if offline else ""
    return (Offer(Service.REGISTER, not register, register),
            Offer(Service.STATUS, not status, status),
            Offer(Service.LICENCE, not licence, licence),
            Offer(Service.GUIDE, True),
            Offer(Service.RATING, True))


def notices(devices: Mapping[str, Health]) -> tuple[str, ...]:
    """What is out of order now although the offered services still finish."""
    said: list[str] = []
    if _down(devices, RECEIPT_PRINTER):
        problem = _PAPER_PROBLEM.get(devices[RECEIPT_PRINTER].code, "暂停使用")
        said.append(f"回执打印机{problem}：回执将由工作人员补打，办事指南暂不能打印")
    if _down(devices, LICENCE_PRINTER):
        said.append("营业执照打印机暂停使用：审批通过的营业执照请到登记窗口领取")
    if _down(devices, CAMERA):
        said.append("摄像头暂时无法使用：身份核验改由工作人员协助完成，请按“呼叫工作人员”")
    if _down(devices, CARD_READER):
        said.append("身份证阅读器暂时无法使用：办理进度可输入或扫描申请编号查询")
    if _down(devices, PLATFORM):
        said.append("网络暂时中断：设立登记可以照常办理，申请保存在本机，网络恢复后自动上传")
    return tuple(said)


def status_methods(devices: Mapping[str, Health]) -> tuple[StatusMethod, ...]:
    """How a status query can be made now: by card (the reader), by the number typed, by the
    receipt's QR code (the camera)."""
    card = "身份证阅读器暂时无法使用" if _unusable(devices, CARD_READER) else ""
    scan = "摄像头暂时无法使用" if _down(devices, CAMERA) else ""
    return (StatusMethod("card", not card, card), StatusMethod("number", True),
            StatusMethod("scan", not scan, scan))


@dataclass(frozen=True)
class StatusMethod:
    method: str                # "card", "number" or "scan" (``Session.status_by``)
    available: bool
    reason: str = ""
