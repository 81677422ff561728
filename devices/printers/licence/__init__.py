"""Business licence (营业执照) printer: layout with QtGui, output to PDF or CUPS.

The one package under ``devices/`` allowed to import Qt (QtGui/QtPrintSupport/QtPdf).
"""
from __future__ import annotations

from devices.printers.licence.model import Licence, LicenceLayout
from devices.printers.licence.printer import (
    DEVICE_ID, LicencePrinter, LicencePrinterStatus, LicencePrintError, LicencePrintResult,
    parse_lpstat, pdf_text, render_pdf, render_png,
)

__all__ = [
    "DEVICE_ID", "Licence", "LicenceLayout", "LicencePrinter", "LicencePrinterStatus",
    "LicencePrintError", "LicencePrintResult", "parse_lpstat", "pdf_text", "render_pdf", "render_png",
]
