"""The receipt printer's check, its test page, and the printed readiness report.

``check`` is the report's ``receipt_printer`` line (paper, cover, error, as the printer's
real-time status says). ``test_print`` prints a test page now, or says why it cannot: a page
that cannot print now is withdrawn at once, never left to come out later in front of a citizen.
``print_report`` prints the readiness report the same way. Both build an ordinary ``Receipt``
for the printer's own queue; nothing here speaks ESC/POS.
"""
from __future__ import annotations

import datetime as dt
import itertools

from devices.health import DeviceState, Health
from devices.printers.receipt import PrinterStatus, Receipt, ReceiptPrinter, SubmitResult
from kiosk.diagnostics.report import Check, Report
from kiosk.diagnostics.tests import DeviceTest

FIX = {
    PrinterStatus.PAPER_NEAR_END.value: "准备好新纸卷，纸用完前更换",
    PrinterStatus.PAPER_OUT.value: "打开纸仓，装入新的热敏纸卷（光面朝向打印头），合上纸仓盖",
    PrinterStatus.COVER_OPEN.value: "把纸仓盖按到“咔哒”一声合好",
    PrinterStatus.OFFLINE.value: "按打印机面板上的联机键，或重新开关打印机电源",
    PrinterStatus.ERROR.value: "检查切刀是否卡纸，清除卡纸后重新开机；仍报错请联系厂商",
    PrinterStatus.DISCONNECTED.value: "检查打印机电源、数据线或网线，以及配置中的打印机地址",
}
_jobs = itertools.count(1)


def check(health: Health) -> Check:
    fix = "" if health.state in (DeviceState.READY, DeviceState.STARTING) else FIX.get(health.code, "")
    return Check("receipt_printer", health.usable, health.message, fix)


def _job(kind: str, now: dt.datetime) -> str:
    # Unique per print: the printer's journal prints a job id at most once.
    return f"diag-{kind}-{now:%Y%m%d%H%M%S}-{next(_jobs)}"


def test_page(kiosk_id: str, now: dt.datetime) -> Receipt:
    return Receipt(
        job_id=_job("test", now), title="打印测试页", application_number=kiosk_id,
        number_label="设备编号",
        rows=(("用途", "技术人员检测回执打印机，不是办事回执"),
              ("中文", "营业执照 统一社会信用代码 一表填报"),
              ("数字字母", "0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
              ("宽度", "=" * 20)),
        qr_payload=f"kiosk-test:{kiosk_id}",
        notes=("看到完整的中文、二维码和切纸，说明打印机正常。",),
        printed_at=now)


def report_receipt(report: Report) -> Receipt:
    now = dt.datetime.fromtimestamp(report.generated_at)
    return Receipt(job_id=_job("report", now), title="自助机就绪报告",
                   application_number=report.kiosk_id, number_label="设备编号",
                   rows=(("软件版本", report.version), *report.rows()),
                   qr_payload="", notes=("本报告不含任何群众个人信息。",), printed_at=now)


def print_now(printer: ReceiptPrinter, receipt: Receipt, what: str) -> DeviceTest:
    """Print ``receipt`` now, or withdraw it and say why not (``what`` names it)."""
    try:
        result = printer.submit(receipt)
    except Exception as exc:  # noqa: BLE001 - a printer bug: say so, the kiosk goes on
        printer.discard(receipt.job_id)
        return DeviceTest(False, f"{what}失败", type(exc).__name__, {"status": "error"})
    if result is SubmitResult.PRINTED:
        return DeviceTest(True, f"{what}已打印", "请检查纸上的中文、二维码和切纸是否完整",
                          {"status": PrinterStatus.READY.value, "job_id": receipt.job_id})
    printer.discard(receipt.job_id)        # never print it later, in front of a citizen
    status = printer.status()
    health = printer.health()
    return DeviceTest(False, f"{what}未能打印：{health.message}", FIX.get(status.value, ""),
                      {"status": status.value})


def test_print(printer: ReceiptPrinter, kiosk_id: str, now: dt.datetime) -> DeviceTest:
    return print_now(printer, test_page(kiosk_id, now), "测试页")


def print_report(printer: ReceiptPrinter, report: Report) -> DeviceTest:
    return print_now(printer, report_receipt(report), "就绪报告")
