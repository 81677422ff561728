"""Draw a licence page with QPainter: the plain, emblem-free layout, or only the variable text.

This is the one place under ``devices/`` that uses Qt (QtGui), as the house rules allow for the
licence printer. QPainter needs a ``QGuiApplication``; ``ensure_gui_app()`` creates an offscreen one
if none exists, and must be called on the main thread when it does. With the application there,
drawing may run on another thread: Qt paints on QImage, QPrinter and QPdfWriter devices off the
GUI thread and renders text there since Qt 5 (one thread per paint device at a time); the visit
coordinator prints licences from its worker thread.

Coordinates are millimetres from the paper's top-left, moved by the layout's offsets; text that
does not fit its box is wrapped, then shrunk step by step to a floor, and if it still does not fit
it is clipped to its box and reported in ``LayoutReport.truncated``: nothing is ever drawn outside
the box or off the page. It does not open files or printers (see ``printer.py``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import qrcode
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QGuiApplication, QImage, QPainter, QPen

from devices.printers.fonts import find_cjk_sc
from devices.printers.licence.model import Licence, LicenceLayout

_APP: QGuiApplication | None = None
_FAMILY: str | None = None

LATIN_FAMILY = "DejaVu Sans"
GENERAL_SUFFIX = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"


def ensure_gui_app() -> QGuiApplication:
    """Return the running QGuiApplication, creating an offscreen one if there is none."""
    global _APP
    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _APP = QGuiApplication([])
        app = _APP
    return app  # type: ignore[return-value]


def cjk_family() -> str:
    """Register Noto Sans CJK SC with Qt and return its family name.

    Raises:
        devices.printers.fonts.FontNotFoundError: no SC face is installed.
        RuntimeError: Qt could not load the font file.
    """
    global _FAMILY
    if _FAMILY:
        return _FAMILY
    ensure_gui_app()
    face = find_cjk_sc()
    font_id = QFontDatabase.addApplicationFont(str(face.path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    sc = [f for f in families if f.endswith("SC")]
    if not sc:
        raise RuntimeError(f"Qt could not load the SC face from {face.path}")
    _FAMILY = sc[0]
    return _FAMILY


@dataclass
class LayoutReport:
    """What the layout had to do to fit the text."""

    font_mm: dict[str, float] = field(default_factory=dict)
    truncated: list[str] = field(default_factory=list)
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)  # mm x,y,w,h


class _Page:
    def __init__(self, painter: QPainter, dpi: float, layout: LicenceLayout) -> None:
        self.p = painter
        self.dpi = dpi
        self.layout = layout
        self.family = cjk_family()
        self.report = LayoutReport()

    def px(self, mm: float) -> float:
        return mm * self.dpi / 25.4

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        lo = self.layout
        # Clamp inside the page margin so an offset can never push ink off the paper.
        x0 = min(max(x + lo.offset_x_mm, lo.margin_mm), lo.page_width_mm - lo.margin_mm)
        y0 = min(max(y + lo.offset_y_mm, lo.margin_mm), lo.page_height_mm - lo.margin_mm)
        w = max(0.0, min(w, lo.page_width_mm - lo.margin_mm - x0))
        h = max(0.0, min(h, lo.page_height_mm - lo.margin_mm - y0))
        return QRectF(self.px(x0), self.px(y0), self.px(w), self.px(h))

    def font(self, size_mm: float, bold: bool = False) -> QFont:
        f = QFont(self.family)
        # Qt's PDF writer emits a broken ToUnicode map for the digits and Latin letters of the
        # Noto CJK collection (they extract as control bytes), so the USCC would not be
        # searchable or copyable. A Latin face listed first takes those characters; CJK falls
        # through to Noto Sans CJK SC.
        f.setFamilies([LATIN_FAMILY, self.family])
        f.setPixelSize(max(1, round(self.px(size_mm))))
        f.setBold(bold)
        return f

    def text(self, key: str, text: str, box: QRectF, size_mm: float, *, min_mm: float | None = None,
             bold: bool = False, align: Qt.AlignmentFlag = Qt.AlignLeft | Qt.AlignTop,
             wrap: bool = True) -> None:
        """Fit ``text`` into ``box``: wrap, shrink by 5 % steps to ``min_mm``, else clip and report."""
        flags = int(align) | (int(Qt.TextWordWrap) if wrap else 0)
        size = size_mm
        floor = min_mm if min_mm is not None else size_mm
        while True:
            font = self.font(size, bold)
            need = QFontMetricsF(font).boundingRect(box, flags, text)
            if need.height() <= box.height() + 0.5 and need.width() <= box.width() + 0.5:
                break
            if size <= floor:
                self.report.truncated.append(key)
                break
            size = max(floor, size * 0.95)
        self.report.font_mm[key] = round(size, 2)
        self.report.boxes[key] = tuple(round(v * 25.4 / self.dpi, 2) for v in (
            box.x(), box.y(), box.width(), box.height()))  # type: ignore[assignment]
        self.p.save()
        self.p.setClipRect(box)
        self.p.setFont(font)
        self.p.drawText(box, flags, text)
        self.p.restore()


def scope_text(scope: str) -> str:
    """The scope as printed: add the standard general-items suffix when the text lacks it."""
    if scope.startswith("一般项目") and "凭营业执照依法自主开展经营活动" not in scope:
        head, sep, tail = scope.partition("许可项目")
        return head.rstrip() + GENERAL_SUFFIX + (("\n" + sep + tail) if sep else "")
    return scope


def draw_licence(painter: QPainter, dpi: float, licence: Licence, layout: LicenceLayout) -> LayoutReport:
    """Draw one licence page on an active painter whose device is the page at ``dpi``.

    Returns:
        Font sizes used, boxes, and any field that had to be clipped.
    """
    pg = _Page(painter, dpi, layout)
    W, H, M = layout.page_width_mm, layout.page_height_mm, layout.margin_mm
    pre = layout.preprinted
    painter.setPen(QPen(QColor("black")))
    if not pre:
        pen = QPen(QColor("#8a1c1c"))
        pen.setWidthF(pg.px(0.8))
        painter.setPen(pen)
        painter.drawRect(pg.rect(M, M, W - 2 * M, H - 2 * M))
        pen.setWidthF(pg.px(0.3))
        painter.setPen(pen)
        painter.drawRect(pg.rect(M + 2, M + 2, W - 2 * M - 4, H - 2 * M - 4))
        painter.setPen(QPen(QColor("black")))
        pg.text("title", "营业执照", pg.rect(0, M + 6, W, 26), 16, bold=True,
                align=Qt.AlignHCenter | Qt.AlignTop, wrap=False)
    pg.text("copy", f"（{licence.copy[0]}　{licence.copy[1]}）", pg.rect(0, M + 30, W, 8), 5,
            align=Qt.AlignHCenter | Qt.AlignTop, wrap=False)
    if licence.reprint:
        # Printed on stock and plain paper alike: a reprint must never pass for the original.
        pg.text("reprint", f"补打（第{licence.print_number}次打印）", pg.rect(0, M + 38, W, 8), 4.6,
                bold=True, align=Qt.AlignHCenter | Qt.AlignTop, wrap=False)
    top = M + 8
    left = M + 10
    qr_mm = min(34.0, H * 0.18)
    pg.text("uscc", ("" if pre else "统一社会信用代码\n") + licence.uscc, pg.rect(left, top, 80, 14), 4.2,
            min_mm=3, wrap=True)
    pg.text("licence_number", ("" if pre else "证照编号：") + licence.licence_number,
            pg.rect(left, top + 15, 80, 6), 3.2, min_mm=2.4, wrap=False)
    _draw_qr(pg, licence.qr_payload, W - M - 10 - qr_mm, top, qr_mm)

    body_top = M + 48
    body_bottom = H - M - 38
    col_gap = 10
    col_w = (W - 2 * M - 20 - col_gap) / 2
    label_w = 0 if pre else 30
    left_rows = [("name", "名　　称", licence.name, 2),
                 ("subject_type", "类　　型", licence.subject_type_label, 1),
                 ("person", _spaced(licence.person_label), licence.person_name, 1)]
    right_rows = []
    if licence.capital:
        right_rows.append(("capital", _spaced("注册资本" if licence.subject_type_label.startswith("有限")
                                              else "出资额"), licence.capital, 1))
    right_rows += [("established", "成立日期", licence.established, 1),
                   ("premises", _spaced(licence.premises_label), licence.premises, 3)]
    row_h = 9.0
    y = body_top
    for key, label, value, lines in left_rows:
        _field(pg, key, label, value, left, y, col_w, row_h * lines, label_w)
        y += row_h * lines
    scope_y = y
    _field(pg, "scope", "经营范围", scope_text(licence.scope), left, scope_y, col_w,
           body_bottom - scope_y, label_w, size=4.0, min_size=2.0)
    y = body_top
    right = left + col_w + col_gap
    for key, label, value, lines in right_rows:
        _field(pg, key, label, value, right, y, col_w, row_h * lines, label_w)
        y += row_h * lines

    auth_x, auth_w = W - M - 110, 100
    pg.text("authority", ("" if pre else "登记机关　") + licence.authority,
            pg.rect(auth_x, H - M - 34, auth_w, 14), 4.2, min_mm=3, align=Qt.AlignRight | Qt.AlignTop)
    pg.text("issued_on", licence.issued_on, pg.rect(auth_x, H - M - 18, auth_w, 8), 4.2, min_mm=3,
            align=Qt.AlignRight | Qt.AlignTop, wrap=False)
    if not pre:
        pg.text("footer", "国家企业信用信息公示系统网址：https://www.gsxt.gov.cn",
                pg.rect(left, H - M - 10, W - 2 * M - 20, 6), 2.8, min_mm=2, wrap=False)
    return pg.report


def _spaced(label: str) -> str:
    return "　　".join(label) if len(label) == 2 else label


def _field(pg: _Page, key: str, label: str, value: str, x: float, y: float, w: float, h: float,
           label_w: float, size: float = 4.2, min_size: float = 2.6) -> None:
    if label_w:
        pg.text(key + ".label", label, pg.rect(x, y, label_w, 8), 4.2, min_mm=3, wrap=False)
    pg.text(key, value, pg.rect(x + label_w, y, w - label_w, h), size, min_mm=min_size)


def _draw_qr(pg: _Page, payload: str, x: float, y: float, size_mm: float) -> None:
    if not payload:
        return
    code = qrcode.QRCode(border=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    img = QImage(n, n, QImage.Format_Grayscale8)
    img.fill(QColor("white"))
    black = QColor("black")
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                img.setPixelColor(c, r, black)
    box = pg.rect(x, y, size_mm, size_mm)
    side = min(box.width(), box.height())
    pg.p.save()
    pg.p.setRenderHint(QPainter.SmoothPixmapTransform, False)
    pg.p.drawImage(QRectF(box.x(), box.y(), side, side), img)
    pg.p.restore()
    pg.report.boxes["qr"] = (x, y, size_mm, size_mm)
