"""The licence printer's check (the CUPS queue's state from ``lpstat``) and its test page.

The test page is a specimen laid out by the licence printer itself, so it shows that the paper,
the offsets and the fonts are right; every field says it is a test page and not a licence, and
its credit code is all zeros, which no real subject has. Printing goes through the printer's
public ``print_licence``; nothing here talks to CUPS directly.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from devices.health import DeviceState, Health
from devices.printers.licence import Licence, LicencePrinterStatus
from kiosk.diagnostics.report import Check
from kiosk.diagnostics.tests import DeviceTest

if TYPE_CHECKING:       # the printer paints with Qt; the kiosk opens it (kiosk.app)
    from devices.printers.licence import LicencePrinter

SPECIMEN_USCC = "0" * 18
FIX = {
    LicencePrinterStatus.STOPPED.value: "打印队列已暂停：检查缺纸或卡纸，然后执行 cupsenable <队列名>",
    LicencePrinterStatus.NOT_FOUND.value: "用 lpstat -p 查看打印机队列名，与配置 [devices] licence_printer 一致",
    LicencePrinterStatus.NO_CUPS.value: "安装打印服务：apt-get install cups cups-client",
    LicencePrinterStatus.NOT_WRITABLE.value: "检查数据目录所在磁盘是否已满或只读",
}


def where(printer: LicencePrinter) -> str:
    return f"CUPS 队列 {printer.target}" if printer.kind == "cups" else f"输出到 PDF（{printer.target}）"


def check(printer: LicencePrinter, health: Health) -> Check:
    fix = "" if health.state in (DeviceState.READY, DeviceState.STARTING) else FIX.get(health.code, "")
    return Check("licence_printer", health.usable, f"{health.message}；{where(printer)}", fix)


def specimen(today: dt.date) -> Licence:
    day = f"{today.year}年{today.month}月{today.day}日"
    return Licence(name="打印机测试页（非营业执照，无效）", uscc=SPECIMEN_USCC,
                   licence_number="测试页", subject_type_label="测试页", person_label="测试",
                   person_name="测试页", premises_label="测试", premises="打印位置校准用测试页",
                   scope="本页仅用于检测营业执照打印机的纸张、位置和字体，不具有任何效力。",
                   established=day, authority="自助机技术维护", issued_on=day,
                   qr_payload="kiosk-test:licence", copy="副本")


def print_test_page(printer: LicencePrinter, today: dt.date) -> DeviceTest:
    health = printer.health()
    if not health.usable:
        return DeviceTest(False, f"测试页未能打印：{health.message}", FIX.get(health.code, ""),
                          {"status": health.code})
    try:
        result = printer.print_licence(specimen(today))
    except Exception as exc:  # noqa: BLE001 - rendering or lp failed: say which, go on
        return DeviceTest(False, "测试页未能打印", str(exc)[:200], {"status": "error"})
    detail = f"已发送到 {where(printer)}" + (f"，作业号 {result.cups_job}" if result.cups_job else
                                             f"：{result.pdf.name}")
    if result.report.truncated:
        detail += f"；有 {len(result.report.truncated)} 处文字放不下，请检查纸张尺寸设置"
    return DeviceTest(True, "测试页已打印", detail, {"status": "printed", "file": result.pdf.name})
