"""Benchmark: encode + send a full receipt to the simulator vs. sending the same bytes raw.

Floor: the same number of bytes written with ``socket.sendall`` over the same loopback listener
(the simulator), so the ratio is the cost of our encoder, python-escpos and the transport.
Prints the median ratio over N runs. Run: ``python bench/printer_receipt.py``.
"""
from __future__ import annotations

import socket
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.result import Result, emit  # noqa: E402
from devices.printers.receipt.encoder import encode_receipt  # noqa: E402
from devices.printers.receipt.model import Receipt  # noqa: E402
from devices.printers.receipt.simulator import ReceiptPrinterSimulator  # noqa: E402
from devices.printers.receipt.transport import EscposTransport  # noqa: E402

RECEIPT = Receipt("bench", "业务受理回执", "A2026112100001",
                  (("名称", "某某县张三小吃店（个体工商户）"), ("经营者", "张*"),
                   ("经营范围", "一般项目：餐饮服务；食品销售（仅销售预包装食品）；日用百货销售")),
                  "https://ywtb.example.cn/t/A2026112100001", ("请凭此回执到窗口领取营业执照。",),
                  datetime(2026, 11, 21, 14, 0))


def main(runs: int = 30) -> None:
    with ReceiptPrinterSimulator() as sim:
        size = len(encode_receipt(RECEIPT))
        ours, floor = [], []
        for i in range(runs):
            t0 = time.perf_counter()
            t = EscposTransport(sim.uri)
            t.write(encode_receipt(RECEIPT))
            t.close()
            ours.append(time.perf_counter() - t0)
            sim.wait_for_receipts(2 * i + 1)
            payload = encode_receipt(RECEIPT)
            t0 = time.perf_counter()
            with socket.create_connection(("127.0.0.1", sim.port)) as s:
                s.sendall(payload)
            floor.append(time.perf_counter() - t0)
            sim.wait_for_receipts(2 * i + 2)
    m_ours, m_floor = statistics.median(ours), statistics.median(floor)
    print(f"receipt {size} bytes: encode+send median {m_ours * 1e3:.2f} ms, "
          f"raw sendall floor {m_floor * 1e3:.2f} ms, ratio {m_ours / m_floor:.1f}x")
    # A receipt comes out in seconds of paper; encoding it may cost a few loopback sends.
    emit(Result("receipt_encode_send", m_ours * 1e3, "ms", target=10.0, baseline=m_floor * 1e3))


if __name__ == "__main__":
    main()
