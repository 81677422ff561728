"""The result of a device test (test read, test print, test page), the same shape for every one.

``DeviceTest.ok`` says whether the device did what was asked; ``title`` is the one-line answer
a technician reads first, ``detail`` what was measured, ``data`` the non-personal facts (a card
type, a printer status code) that the touch page and ``kiosk diag --json`` show. Values only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BUSY = "正在为群众办理业务：请等本次办理结束、回到首页后再测试"


@dataclass(frozen=True)
class DeviceTest:
    ok: bool
    title: str
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "title": self.title, "detail": self.detail, "data": dict(self.data)}

    @classmethod
    def busy(cls) -> DeviceTest:
        return cls(False, BUSY, data={"status": "busy"})
