"""The reliability campaigns' figures, gathered over one pytest run and printed at its end as one
JSON line (``conftest.py`` here), for the README's Reliability paragraph:

    python -m pytest -p no:xdist --runslow -q tests/reliability \\
        tests/devices/idcard/test_idcard_protocol.py tests/kiosk/config/test_settings.py

(one process: the fuzz counts live in the process that ran the cases). Numbers add up over the
campaigns of the run; ``lost`` and ``duplicated`` are what the campaigns' own checks found.
"""
from __future__ import annotations

from collections import Counter

FIGURES: dict[str, Counter] = {}


def record(campaign: str, **values: int) -> None:
    FIGURES.setdefault(campaign, Counter()).update(values)
