"""The readiness report: every check's result, the versions and the queue state, no personal data.

A ``Check`` is one line of it: a stable ``name`` (``idcard_reader``, ``camera``, …), whether
the part is ready (``ok``), what was found (``detail``) and, for a fault, what to do about it
(``fix``), in words a technician acts on. ``Report`` holds the checks in a fixed order and
renders them as JSON (``kiosk diag --json``), as text lines (the file exported to a drive) and
as the rows of the printed report. Values only: the checks are made elsewhere.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from contract.readiness import CHECK_LABELS

LABELS = CHECK_LABELS       # shared with the platform's fleet console
#: The names the issue promises to every script that reads ``kiosk diag --json``.
REQUIRED = ("idcard_reader", "camera", "receipt_printer", "licence_printer", "platform", "clock",
            "queue", "config", "disk")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail, "fix": self.fix,
                "label": self.label}


@dataclass(frozen=True)
class Report:
    kiosk_id: str
    version: str
    generated_at: float                        # seconds since the epoch
    checks: tuple[Check, ...]
    queue: dict[str, int] = field(default_factory=dict)   # counts by state

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def faults(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def when(self) -> str:
        return dt.datetime.fromtimestamp(self.generated_at).strftime("%Y-%m-%d %H:%M:%S")

    def as_json(self) -> dict[str, Any]:
        return {"checks": [{"name": c.name, "ok": c.ok, "detail": c.detail, "fix": c.fix}
                           for c in self.checks],
                "ok": self.ok, "kiosk_id": self.kiosk_id, "version": self.version,
                "generated_at": dt.datetime.fromtimestamp(self.generated_at, dt.timezone.utc)
                .isoformat(timespec="seconds"), "queue": dict(self.queue)}

    def summary(self) -> str:
        if self.ok:
            return f"全部 {len(self.checks)} 项检查正常，可以办理业务"
        names = "、".join(c.label for c in self.faults)
        return f"{len(self.faults)} 项需要处理：{names}"

    def lines(self) -> list[str]:
        """The report as plain text, one fact per line (what is exported to a drive)."""
        out = ["自助申报一体机就绪报告 (readiness report)",
               f"设备编号 (kiosk): {self.kiosk_id}", f"生成时间 (time): {self.when}",
               f"软件版本 (version): {self.version}", f"结论 (result): {self.summary()}", ""]
        for c in self.checks:
            out.append(f"[{'正常 OK' if c.ok else '故障 FAULT'}] {c.label} ({c.name}): {c.detail}")
            if c.fix:
                out.append(f"    处理 (fix): {c.fix}")
        if self.queue:
            out += ["", "离线队列 (queue): " + ", ".join(f"{k} {v}" for k, v in self.queue.items())]
        return out

    def rows(self) -> tuple[tuple[str, str], ...]:
        """The printed report's rows: one per check, the fix after a fault."""
        rows = [("结论", self.summary())]
        for c in self.checks:
            rows.append((c.label, ("正常：" if c.ok else "故障：") + c.detail))
            if c.fix:
                rows.append(("处理", c.fix))
        return tuple(rows)
