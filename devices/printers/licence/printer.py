"""The licence printer: a Licence to PDF, and to a system (CUPS) printer; health via ``lpstat``.

Output is chosen by a URI: ``pdf:///var/lib/kiosk/licences`` writes ``<uscc>-<copy>.pdf`` there
(only a credit code of the GB 32100 shape names a file, and the resolved path must lie inside
that folder, so no field of a licence can steer where a file goes);
``cups://QUEUE`` renders the same PDF to a temporary file and sends it with ``lp -d QUEUE`` (the PDF
is what we test and look at, so the printer gets exactly those pages). Qt rules from ``layout.py``
apply: call from the main thread. It does not queue or retry: a licence is printed while the
person waits at the kiosk, and a failure is reported at once (``LicencePrintError``).
"""
from __future__ import annotations

import enum
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QMarginsF, QSize, QSizeF
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from devices.health import DeviceState, Health
from devices.printers.licence.layout import LayoutReport, draw_licence, ensure_gui_app
from devices.printers.licence.model import USCC_SHAPE, Licence, LicenceLayout

log = logging.getLogger(__name__)
DEVICE_ID = "licence_printer"
PDF_DPI = 300


class LicencePrintError(RuntimeError):
    """The licence could not be rendered or handed to the printer."""


class LicencePrinterStatus(enum.Enum):
    READY = "ready"
    BUSY = "busy"
    STOPPED = "stopped"  # CUPS queue disabled/paused (paper jam, out of paper, operator)
    NOT_FOUND = "not_found"
    NO_CUPS = "no_cups"  # lpstat/lp not installed
    NOT_WRITABLE = "not_writable"


@dataclass(frozen=True)
class LicencePrintResult:
    pdf: Path
    report: LayoutReport
    cups_job: str | None = None


def render_pdf(licence: Licence, layout: LicenceLayout, path: Path) -> LayoutReport:
    """Write one licence page as a PDF of the layout's paper size.

    Raises:
        LicencePrintError: Qt could not paint to ``path``.
    """
    ensure_gui_app()
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    size = QPageSize(QSizeF(layout.page_width_mm, layout.page_height_mm), QPageSize.Millimeter,
                     "licence", QPageSize.ExactMatch)
    writer.setPageLayout(QPageLayout(size, QPageLayout.Portrait, QMarginsF(0, 0, 0, 0)))
    writer.setTitle("营业执照")
    writer.setCreator("registration-kiosk")
    painter = QPainter()
    if not painter.begin(writer):
        raise LicencePrintError(f"cannot write PDF to {path}")
    try:
        report = draw_licence(painter, PDF_DPI, licence, layout)
    finally:
        painter.end()
    return report


def render_png(pdf: Path, png: Path, dpi: int = 100) -> QImage:
    """Rasterise page 1 of ``pdf`` with QtPdf (for tests and for looking at the result).

    Raises:
        LicencePrintError: the PDF cannot be loaded.
    """
    from PySide6.QtPdf import QPdfDocument  # optional module; only previews need it

    ensure_gui_app()
    doc = QPdfDocument()
    if doc.load(str(pdf)) != QPdfDocument.Error.None_:
        raise LicencePrintError(f"cannot load {pdf}")
    pts = doc.pagePointSize(0)
    page = doc.render(0, QSize(round(pts.width() / 72 * dpi), round(pts.height() / 72 * dpi)))
    doc.close()
    image = QImage(page.size(), QImage.Format_RGB32)  # paper is white; QtPdf renders transparent
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawImage(0, 0, page)
    painter.end()
    png.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(png))
    return image


def pdf_text(pdf: Path) -> str:
    """All text of page 1 as QtPdf extracts it (tests check the USCC is really in the PDF)."""
    from PySide6.QtPdf import QPdfDocument

    ensure_gui_app()
    doc = QPdfDocument()
    if doc.load(str(pdf)) != QPdfDocument.Error.None_:
        raise LicencePrintError(f"cannot load {pdf}")
    text = doc.getAllText(0).text()
    doc.close()
    return text


class LicencePrinter:
    """Prints licences to a PDF folder or a CUPS queue.

    Args:
        uri: ``pdf:///dir`` or ``cups://QUEUE``.
        layout: paper size, offsets, pre-printed mode.
    """

    def __init__(self, uri: str, layout: LicenceLayout | None = None) -> None:
        parts = urlsplit(uri)
        if parts.scheme == "pdf" and parts.path:
            self.kind, self.target = "pdf", parts.path
        elif parts.scheme == "cups" and parts.netloc:
            self.kind, self.target = "cups", parts.netloc
        else:
            raise ValueError(f"{uri!r}: licence printer must be pdf:///DIR or cups://QUEUE")
        self.layout = layout or LicenceLayout()
        # Qt's application must belong to the thread that builds the printer (the main one),
        # never to a printing thread: made there, it would own every window drawn later.
        ensure_gui_app()

    def print_licence(self, licence: Licence) -> LicencePrintResult:
        """Render ``licence`` and deliver it.

        Raises:
            LicencePrintError: rendering failed, or ``lp`` refused the job.
        """
        if self.kind == "pdf":
            out = self._pdf_path(licence)
            report = render_pdf(licence, self.layout, out)
            log.info("licence written as PDF (%s)", out.name[:4] + "…")  # no full USCC in logs
            return LicencePrintResult(out, report)
        lp = shutil.which("lp")
        if not lp:
            raise LicencePrintError("lp not found: install cups-client to print licences")
        tmp = Path(tempfile.mkdtemp(prefix="licence-")) / "licence.pdf"
        report = render_pdf(licence, self.layout, tmp)
        done = subprocess.run([lp, "-d", self.target, "-o", "fit-to-page=false", str(tmp)],
                              capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise LicencePrintError(f"lp -d {self.target} failed: {done.stderr.strip()[:200]}")
        return LicencePrintResult(tmp, report, done.stdout.strip())

    def _pdf_path(self, licence: Licence) -> Path:
        """``<folder>/<uscc>-original.pdf`` (or ``-duplicate``; ``-reprint<n>`` added for a 补打),
        proven to lie inside the folder.

        Raises:
            LicencePrintError: the credit code cannot name a file, or the path leaves the folder.
        """
        if not USCC_SHAPE.fullmatch(licence.uscc):   # the model checks too; the path must not rely on it
            raise LicencePrintError("the credit code cannot name a file")
        folder = Path(self.target).resolve()
        copy = "original" if licence.copy == "正本" else "duplicate"
        again = f"-reprint{licence.print_number}" if licence.reprint else ""
        out = (folder / f"{licence.uscc}-{copy}{again}.pdf").resolve()
        if out.parent != folder:
            raise LicencePrintError("the licence file would leave its folder")
        return out

    def status(self) -> LicencePrinterStatus:
        if self.kind == "pdf":
            folder = Path(self.target)
            try:
                folder.mkdir(parents=True, exist_ok=True)
                probe = folder / ".write-probe"
                probe.write_bytes(b"")
                probe.unlink()
            except OSError:
                return LicencePrinterStatus.NOT_WRITABLE
            return LicencePrinterStatus.READY
        lpstat = shutil.which("lpstat")
        if not lpstat:
            return LicencePrinterStatus.NO_CUPS
        done = subprocess.run([lpstat, "-p", self.target], capture_output=True, text=True, timeout=10)
        return parse_lpstat(done.returncode, done.stdout + done.stderr)

    def health(self) -> Health:
        st = self.status()
        state, message = _HEALTH[st]
        return Health(DEVICE_ID, state, st.value, message)


_HEALTH = {
    LicencePrinterStatus.READY: (DeviceState.READY, "营业执照打印机工作正常"),
    LicencePrinterStatus.BUSY: (DeviceState.READY, "营业执照打印机正在打印"),
    LicencePrinterStatus.STOPPED: (DeviceState.UNAVAILABLE, "营业执照打印机已暂停（可能缺纸或卡纸），请技术人员检查"),
    LicencePrinterStatus.NOT_FOUND: (DeviceState.DISCONNECTED, "系统中找不到营业执照打印机，请检查打印机配置"),
    LicencePrinterStatus.NO_CUPS: (DeviceState.DISCONNECTED, "未安装打印服务（CUPS），无法打印营业执照"),
    LicencePrinterStatus.NOT_WRITABLE: (DeviceState.UNAVAILABLE, "营业执照输出目录不可写，请检查磁盘"),
}


def parse_lpstat(returncode: int, output: str) -> LicencePrinterStatus:
    """Read ``lpstat -p QUEUE``: "printer Q is idle." / "now printing" / "disabled since".

    Anything else (unknown queue, scheduler down, garbage) is NOT_FOUND: we cannot print there.
    """
    text = output.lower()
    if returncode != 0 or "printer" not in text:
        return LicencePrinterStatus.NOT_FOUND
    if "disabled" in text or "paused" in text:
        return LicencePrinterStatus.STOPPED
    if "now printing" in text:
        return LicencePrinterStatus.BUSY
    if "is idle" in text or "enabled" in text:
        return LicencePrinterStatus.READY
    return LicencePrinterStatus.NOT_FOUND
