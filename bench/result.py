"""One benchmark's result, and the one JSON line every benchmark ends with.

``{"name", "value", "unit", "baseline", "ratio", "target", "better", "met"}``: ``ratio`` is
``value / baseline`` measured in the same run; the target applies to the ratio when there is a
baseline, else to the value; ``better`` says which way is good. ``python -m bench`` collects
these lines from every benchmark. No measuring here.
"""
from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    target: float
    better: str = "lower"              # "lower" or "higher"
    baseline: float | None = None      # the floor or the peer, measured in the same run

    def __post_init__(self) -> None:
        if self.better not in ("lower", "higher"):
            raise ValueError("better is 'lower' or 'higher'")

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None

    @property
    def met(self) -> bool:
        measured = self.ratio if self.baseline else self.value
        if measured is None or not math.isfinite(measured):
            return False
        return measured <= self.target if self.better == "lower" else measured >= self.target

    def line(self) -> str:
        ratio = self.ratio
        return json.dumps({"name": self.name, "value": round(self.value, 4), "unit": self.unit,
                           "baseline": None if self.baseline is None else round(self.baseline, 4),
                           "ratio": None if ratio is None else round(ratio, 4),
                           "target": self.target, "better": self.better, "met": self.met},
                          ensure_ascii=False)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def emit(*results: Result) -> None:
    """Print each result's JSON line (the last lines a benchmark prints)."""
    for r in results:
        print(r.line(), flush=True)
