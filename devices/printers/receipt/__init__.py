"""ESC/POS receipt printer (回执): encoder, status, transport, queue, simulator.

Typical use::

    printer = open_receipt_printer("tcp://127.0.0.1:9100", journal="/var/lib/kiosk/receipts.db")
    printer.start()                      # retries waiting jobs in the background
    result = printer.submit(receipt)     # PRINTED, WAITING ("回执稍后打印") or ALREADY_PRINTED
    printer.health()                     # devices.health.Health, device "receipt_printer"
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The encoder, status parser and transport import python-escpos (and with it qrcode, PIL,
# barcode and YAML): they load on first use (PEP 562). The visit's wording needs only the
# ``Receipt`` model, and must not pay for the printer's libraries before the start page shows.
_HOME = {
    **dict.fromkeys(("EncoderOptions", "TextMode", "encode_receipt"),
                    "devices.printers.receipt.encoder"),
    **dict.fromkeys(("Journal", "JobState"), "devices.printers.receipt.journal"),
    "Receipt": "devices.printers.receipt.model",
    **dict.fromkeys(("DEVICE_ID", "ReceiptEvent", "ReceiptPrinted", "ReceiptPrinter",
                     "ReceiptWaiting", "SubmitResult"), "devices.printers.receipt.printer"),
    **dict.fromkeys(("PrinterStatus", "StatusParseError", "parse_status"),
                    "devices.printers.receipt.status"),
    **dict.fromkeys(("EscposTransport", "PrinterUri", "TransportError"),
                    "devices.printers.receipt.transport"),
}
__all__ = [   # the names of _HOME and open_receipt_printer, spelled out for tools that read it
    "DEVICE_ID", "EncoderOptions", "EscposTransport", "Journal", "JobState", "PrinterStatus",
    "PrinterUri", "Receipt", "ReceiptEvent", "ReceiptPrinted", "ReceiptPrinter", "ReceiptWaiting",
    "StatusParseError", "SubmitResult", "TextMode", "TransportError", "encode_receipt",
    "open_receipt_printer", "parse_status",
]

if TYPE_CHECKING:
    from devices.printers.receipt.encoder import EncoderOptions, TextMode, encode_receipt
    from devices.printers.receipt.journal import Journal, JobState
    from devices.printers.receipt.model import Receipt
    from devices.printers.receipt.printer import (
        DEVICE_ID, ReceiptEvent, ReceiptPrinted, ReceiptPrinter, ReceiptWaiting, SubmitResult,
    )
    from devices.printers.receipt.status import PrinterStatus, StatusParseError, parse_status
    from devices.printers.receipt.transport import EscposTransport, PrinterUri, TransportError


def open_receipt_printer(uri: str, journal: Path | str, options: EncoderOptions | None = None,
                         **kwargs: object) -> ReceiptPrinter:
    """Build the queue for the printer at ``uri`` (see ``transport.PrinterUri`` for schemes)."""
    from devices.printers.receipt.printer import ReceiptPrinter
    from devices.printers.receipt.transport import EscposTransport
    return ReceiptPrinter(EscposTransport(uri), journal, options, **kwargs)  # type: ignore[arg-type]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value
