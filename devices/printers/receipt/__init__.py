"""ESC/POS receipt printer (回执): encoder, status, transport, queue, simulator.

Typical use::

    printer = open_receipt_printer("tcp://127.0.0.1:9100", journal="/var/lib/kiosk/receipts.db")
    printer.start()                      # retries waiting jobs in the background
    result = printer.submit(receipt)     # PRINTED, WAITING ("回执稍后打印") or ALREADY_PRINTED
    printer.health()                     # devices.health.Health, device "receipt_printer"
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import lazy_loader

# The encoder, status parser and transport import python-escpos (and with it qrcode, PIL,
# barcode and YAML): they load on first use (PEP 562, through lazy_loader). The visit's wording
# needs only the ``Receipt`` model, and must not pay for the printer's libraries before the
# start page shows.
__getattr__, _, _lazy = lazy_loader.attach(__name__, submod_attrs={
    "encoder": ["EncoderOptions", "TextMode", "encode_receipt"],
    "journal": ["Journal", "JobState"],
    "model": ["Receipt"],
    "printer": ["DEVICE_ID", "ReceiptEvent", "ReceiptPrinted", "ReceiptPrinter", "ReceiptWaiting",
                "SubmitResult"],
    "status": ["PrinterStatus", "StatusParseError", "parse_status"],
    "transport": ["EscposTransport", "PrinterUri", "TransportError"],
})
__all__ = [   # the lazy names and open_receipt_printer, spelled out for tools that read it
    "DEVICE_ID", "EncoderOptions", "EscposTransport", "Journal", "JobState", "PrinterStatus",
    "PrinterUri", "Receipt", "ReceiptEvent", "ReceiptPrinted", "ReceiptPrinter", "ReceiptWaiting",
    "StatusParseError", "SubmitResult", "TextMode", "TransportError", "encode_receipt",
    "open_receipt_printer", "parse_status",
]


def __dir__() -> list[str]:
    return list(__all__)

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

