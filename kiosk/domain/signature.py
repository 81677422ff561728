"""Whether the signature pad holds real ink: a written name, not a tap or a stray line.

``ink_problem(strokes, width, height)`` measures the finger's strokes in pad widths: how much
ink in all (a tap leaves none), and how far across the pad it spreads. Thresholds are our own
synthesis (a two-character name written small runs about one pad width of ink); they judge
only that something was written, never what. Malformed points are ignored. No I/O.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

MIN_INK = 0.5          # total stroke length, in pad widths
MIN_SPREAD = 0.15      # from the leftmost to the rightmost ink, in pad widths
TOO_LITTLE = "请用手指在方框内写下您的姓名；轻点一下或一笔短线不能作为签名"
MAX_POINTS = 20_000    # a hostile or stuck pointer cannot make the measure slow


def _point(p: Any) -> tuple[float, float] | None:
    try:
        x, y = (p["x"], p["y"]) if isinstance(p, dict) else (p[0], p[1])
        x, y = float(x), float(y)
    except (KeyError, IndexError, TypeError, ValueError, OverflowError):
        return None
    return (x, y) if math.isfinite(x) and math.isfinite(y) else None


def ink(strokes: object, width: float) -> tuple[float, float]:
    """(total length, horizontal spread) of the strokes, both in pad widths."""
    if not isinstance(strokes, (list, tuple)) or not width or width <= 0:
        return 0.0, 0.0
    total, xs, seen = 0.0, [], 0
    for stroke in strokes:
        points = [q for q in (_point(p) for p in (stroke if isinstance(stroke, (list, tuple))
                                                   else [])[:MAX_POINTS]) if q is not None]
        seen += len(points)
        if seen > MAX_POINTS:
            break
        xs.extend(x for x, _ in points)
        total += sum(math.dist(a, b) for a, b in zip(points, points[1:]))
    spread = (max(xs) - min(xs)) if xs else 0.0
    return total / width, spread / width


def ink_problem(strokes: Sequence[Any] | object, width: float, height: float) -> str:
    """"" when the pad holds a written signature, else what to do."""
    length, spread = ink(strokes, float(width) if isinstance(width, (int, float)) else 0.0)
    return "" if length >= MIN_INK and spread >= MIN_SPREAD else TOO_LITTLE
