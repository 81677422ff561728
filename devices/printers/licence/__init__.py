"""Business licence (营业执照) printer: layout with QtGui, output to PDF or CUPS.

The one package under ``devices/`` allowed to import Qt (QtGui/QtPrintSupport/QtPdf).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

# The printer (QtGui, QtPdf, the QR layout) loads on first use (PEP 562, through lazy_loader):
# the visit's wording needs only the model, and must not pay for the painter before the start
# page is shown.
__getattr__, __dir__, _lazy = lazy_loader.attach(__name__, submod_attrs={
    "model": ["Licence", "LicenceLayout", "LicencePrinterStatus"],
    "printer": ["DEVICE_ID", "LicencePrinter", "LicencePrintError",
                "LicencePrintResult", "parse_lpstat", "pdf_text", "render_pdf", "render_png"],
})
__all__ = [   # the same names, spelled out for tools that read __all__ literally
    "DEVICE_ID", "Licence", "LicenceLayout", "LicencePrinter", "LicencePrinterStatus",
    "LicencePrintError", "LicencePrintResult", "parse_lpstat", "pdf_text", "render_pdf", "render_png",
]

if TYPE_CHECKING:
    from devices.printers.licence.model import Licence, LicenceLayout, LicencePrinterStatus
    from devices.printers.licence.printer import (
        DEVICE_ID, LicencePrinter, LicencePrintError, LicencePrintResult,
        parse_lpstat, pdf_text, render_pdf, render_png,
    )

