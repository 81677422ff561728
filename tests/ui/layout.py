"""What a person would see wrong in the window's layout, from the real items: anything drawn
outside the window, under the footer, or past the sides of the area it scrolls in, and text
wider than its box. A scrolling area (the page body, the landscape side panel) is the one
place content may go below its fold (a person scrolls); the items a person must see whole
(the face oval, the signature pad) must fit in its view."""
from __future__ import annotations

from ui.qt import QObject, QPointF, QQuickItem, QQuickWindow

WHOLE = ("faceOval", "signaturePad")     # items that must show whole without scrolling
SLACK = 1.0                               # pixels of rounding

Rect = tuple[float, float, float, float]


def _rect(item: QQuickItem) -> Rect:
    a = item.mapToScene(QPointF(0, 0))
    b = item.mapToScene(QPointF(item.width(), item.height()))
    return min(a.x(), b.x()), min(a.y(), b.y()), max(a.x(), b.x()), max(a.y(), b.y())


def _name(item: QQuickItem) -> str:
    text = item.property("text")
    label = f" {text[:24]!r}" if isinstance(text, str) and text else ""
    return f"{item.metaObject().className()} {item.objectName() or ''}{label}".strip()


def problems(window: QQuickWindow) -> list[str]:
    """Every layout problem on the window as it is now (an empty list: it looks right)."""
    footer = window.findChild(QObject, "footer")
    assert isinstance(footer, QQuickItem)
    footer_top = _rect(footer)[1] if footer.isVisible() and footer.height() > 0 else window.height()
    found: list[str] = []
    # (item, the view of the scrolling area it is in or None, may it cover the footer's place)
    stack: list[tuple[QQuickItem, Rect | None, bool]] = [(window.contentItem(), None, False)]
    while stack:
        item, view, free = stack.pop()
        if not item.isVisible() or item.opacity() == 0:
            continue
        # The footer, the keyboard and full-window overlays (idle warning, confirmations) may
        # cover the footer's place; they must still lie inside the window.
        overlay = item.parentItem() == window.contentItem() \
            and item.width() >= window.width() and item.height() >= window.height()
        free = free or overlay or item == footer
        scroller = item.metaObject().className().startswith("QQuickFlickable")
        if item.width() > 0 and item.height() > 0 and item != window.contentItem():
            x0, y0, x1, y1 = _rect(item)
            if view is not None:
                vx0, vy0, vx1, vy1 = view
                if x0 < vx0 - SLACK or x1 > vx1 + SLACK:
                    found.append(f"{_name(item)} runs past the sides ({x0:.0f}..{x1:.0f})")
                if item.objectName() in WHOLE and (y0 < vy0 - SLACK or y1 > vy1 + SLACK):
                    found.append(f"{_name(item)} does not fit in view ({y0:.0f}..{y1:.0f})")
            else:
                if x0 < -SLACK or y0 < -SLACK or x1 > window.width() + SLACK \
                        or y1 > window.height() + SLACK:
                    found.append(f"{_name(item)} lies outside the window")
                elif not free and y1 > footer_top + SLACK:
                    found.append(f"{_name(item)} runs under the footer ({y1:.0f} > {footer_top:.0f})")
            if item.metaObject().className().startswith("QQuickText") \
                    and float(item.property("contentWidth")) > item.width() + SLACK:
                found.append(f"{_name(item)} is wider than its box")
        if scroller:
            inner = item.property("contentItem")
            stack.append((inner, _rect(item), free))
        else:
            stack.extend((c, view, free) for c in item.childItems())
    return found
