"""Shared receipts for the printer tests."""
from __future__ import annotations

from datetime import datetime

import pytest

from devices.printers.receipt.model import Receipt


def make_receipt(job_id: str = "job-1", **changes: object) -> Receipt:
    fields: dict[str, object] = dict(
        job_id=job_id,
        title="业务受理回执",
        application_number="A2026112100001",
        rows=(("名称", "某某县张三小吃店（个体工商户）"), ("经营者", "张*"),
              ("经营范围", "一般项目：餐饮服务（不产生油烟、异味、废气）；食品销售（仅销售预包装食品）")),
        qr_payload="https://ywtb.example.cn/t/A2026112100001",
        notes=("请凭此回执到窗口领取营业执照。", "咨询电话：12345"),
        printed_at=datetime(2026, 11, 21, 14, 0),
    )
    fields.update(changes)
    return Receipt(**fields)  # type: ignore[arg-type]


@pytest.fixture
def receipt() -> Receipt:
    return make_receipt()


@pytest.fixture(name="make_receipt")
def make_receipt_fixture():  # noqa: ANN201 - returns the factory above
    return make_receipt
