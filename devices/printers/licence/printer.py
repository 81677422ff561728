"""The licence printer: a Licence to PDF, and to a system (CUPS) printer; health via ``lpstat``.

Output is chosen by a URI: ``pdf:///var/lib/kiosk/licences`` writes ``<uscc>-<copy>.pdf`` there
(only a credit code of the GB 32100 shape names a file, and the resolved path must lie inside
that folder, so no field of a licence can steer where a file goes);
``cups://QUEUE`` renders the same PDF in memory and hands it to ``lp -d QUEUE`` on its standard
input, so no file holds the person's name and address (the PDF is what we test and look at, so
the printer gets exactly those pages). A ``pdf://`` folder keeps each licence at mode 0600 for
``retention_s``. Painting needs the QGuiApplication to exist; it may run on a worker thread
(Qt paints PDFs off the GUI thread). It does not queue or retry: a licence is printed while the
person waits at the kiosk, and a failure is reported at once (``LicencePrintError``).
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QSize, QSizeF
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from devices.health import DeviceState, Health
from devices.printers.licence.layout import LayoutReport, draw_licence, ensure_gui_app
from devices.printers.licence.model import USCC_SHAPE, Licence, LicenceLayout, LicencePrinterStatus

log = logging.getLogger(__name__)
DEVICE_ID = "licence_printer"
PDF_DPI = 300


class LicencePrintError(RuntimeError):
    """The licence could not be rendered or handed to the printer."""


@dataclass(frozen=True)
class LicencePrintResult:
    pdf: Path | None           # the file written (pdf://); None when it went to CUPS
    report: LayoutReport
    cups_job: str | None = None


def render_pdf(licence: Licence, layout: LicenceLayout, path: Path) -> LayoutReport:
    """Write one licence page as a PDF of the layout's paper size, readable by its owner only
    (it holds the person's name and address).

    Raises:
        LicencePrintError: Qt could not paint the page, or the file cannot be written.
    """
    data, report = pdf_bytes(licence, layout)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(path, 0o600)              # an older file of the same name keeps no wider mode
    except OSError as exc:
        raise LicencePrintError(f"cannot write the licence PDF: {exc.strerror}") from None
    return report


def pdf_bytes(licence: Licence, layout: LicenceLayout) -> tuple[bytes, LayoutReport]:
    """One licence page as PDF bytes, in memory (no file holds the person's data on the way).

    Raises:
        LicencePrintError: Qt could not paint the page.
    """
    ensure_gui_app()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    size = QPageSize(QSizeF(layout.page_width_mm, layout.page_height_mm), QPageSize.Millimeter,
                     "licence", QPageSize.ExactMatch)
    writer.setPageLayout(QPageLayout(size, QPageLayout.Portrait, QMarginsF(0, 0, 0, 0)))
    writer.setTitle("营业执照")
    writer.setCreator("registration-kiosk")
    painter = QPainter()
    if not painter.begin(writer):
        raise LicencePrintError("cannot paint the licence PDF")
    try:
        report = draw_licence(painter, PDF_DPI, licence, layout)
    finally:
        painter.end()
    data = bytes(buffer.data().data())
    buffer.close()
    return data, report


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
        retention_s: how long a ``pdf://`` folder keeps a licence (it holds a person's name and
            address); older ones are removed whenever a licence is printed. ``cups://`` keeps
            nothing: the PDF goes to ``lp`` on its standard input.
        clock: seconds since the epoch, for the retention.
    """

    def __init__(self, uri: str, layout: LicenceLayout | None = None, *,
                 retention_s: float = 7 * 86400, clock: Callable[[], float] = time.time) -> None:
        self.retention_s = retention_s
        self._clock = clock
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
            self.purge_expired()
            report = render_pdf(licence, self.layout, out)
            log.info("licence written as PDF (%s)", out.name[:4] + "…")  # no full USCC in logs
            return LicencePrintResult(out, report)
        lp = shutil.which("lp")
        if not lp:
            raise LicencePrintError("lp not found: install cups-client to print licences")
        data, report = pdf_bytes(licence, self.layout)
        done = subprocess.run([lp, "-d", self.target, "-o", "fit-to-page=false", "--", "-"],
                              input=data, capture_output=True, timeout=30)
        if done.returncode != 0:
            raise LicencePrintError(f"lp -d {self.target} failed: "
                                    f"{done.stderr.decode(errors='replace').strip()[:200]}")
        return LicencePrintResult(None, report, done.stdout.decode(errors="replace").strip())

    def purge_expired(self) -> int:
        """Remove licences older than the retention from a ``pdf://`` folder; returns how many."""
        if self.kind != "pdf":
            return 0
        cutoff, removed = self._clock() - self.retention_s, 0
        for f in Path(self.target).glob("*.pdf"):
            if not f.name.endswith(("-original.pdf", "-duplicate.pdf")):
                continue                         # not ours: never touch it
            try:
                if f.is_file() and not f.is_symlink() and f.stat().st_mtime < cutoff:
                    f.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

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
