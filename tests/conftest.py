"""Suite-wide settings: Qt runs offscreen, long campaigns only on request."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", help="run long soaks and fault campaigns")


def pytest_configure(config: pytest.Config) -> None:
    # Modules that size their campaigns when imported (schemathesis, hypothesis settings) read
    # KIOSK_LONG_TESTS; --runslow means the same.
    if config.getoption("--runslow"):
        os.environ["KIOSK_LONG_TESTS"] = "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # xdist hands tests out in collection order: the longest one started last would leave the
    # other worker idle for minutes at the end.
    items.sort(key=lambda item: item.get_closest_marker("longest") is None)
    if config.getoption("--runslow") or os.environ.get("KIOSK_LONG_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="long campaign: pass --runslow or set KIOSK_LONG_TESTS=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
