"""The names of the readiness checks, as a kiosk reports the failed ones in its heartbeat, and
what each is called in Chinese.

A kiosk's nightly readiness check (``kiosk.maintenance``) sends the ``name`` of every check
that failed (``kiosk.diagnostics.report.Check``); the diagnostics pages and the platform's
fleet console name them for people with ``CHECK_LABELS``, so the two say the same. No I/O.
"""
from __future__ import annotations

#: A check that could not run at all (the maintenance step raised): ``kiosk.maintenance``.
READINESS_CHECK = "readiness_check"

CHECK_LABELS = {
    "idcard_reader": "身份证阅读器", "camera": "摄像头", "receipt_printer": "回执打印机",
    "licence_printer": "营业执照打印机", "platform": "网络与平台", "clock": "时钟",
    "queue": "离线队列", "config": "配置", "disk": "磁盘", "memory": "内存",
    "uptime": "运行时间", "version": "软件版本", "audit": "审计日志",
    READINESS_CHECK: "就绪检查本身未能运行",
}


def check_label(name: str) -> str:
    """The Chinese name of a check; an unknown one is named as itself, marked."""
    return CHECK_LABELS.get(name, f"未知检查 {name}")
