"""Business licence (营业执照) printer: layout with QtGui, output to PDF or CUPS.

The one package under ``devices/`` allowed to import Qt (QtGui/QtPrintSupport/QtPdf).
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The printer (QtGui, QtPdf, the QR layout) loads on first use (PEP 562): the visit's wording
# needs only the model, and must not pay for the painter before the start page is shown.
_HOME = {
    **dict.fromkeys(("Licence", "LicenceLayout"), "devices.printers.licence.model"),
    **dict.fromkeys(("DEVICE_ID", "LicencePrinter", "LicencePrinterStatus", "LicencePrintError",
                     "LicencePrintResult", "parse_lpstat", "pdf_text", "render_pdf",
                     "render_png"), "devices.printers.licence.printer"),
}
__all__ = [   # the same names as _HOME, spelled out for tools that read __all__ literally
    "DEVICE_ID", "Licence", "LicenceLayout", "LicencePrinter", "LicencePrinterStatus",
    "LicencePrintError", "LicencePrintResult", "parse_lpstat", "pdf_text", "render_pdf", "render_png",
]

if TYPE_CHECKING:
    from devices.printers.licence.model import Licence, LicenceLayout
    from devices.printers.licence.printer import (
        DEVICE_ID, LicencePrinter, LicencePrinterStatus, LicencePrintError, LicencePrintResult,
        parse_lpstat, pdf_text, render_pdf, render_png,
    )


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value
