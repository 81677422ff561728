"""Suite-wide settings: Qt runs offscreen, long campaigns only on request."""
from __future__ import annotations

import os
import sys
import warnings

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


@pytest.fixture(autouse=True)
def _qt_event_loop_left_usable():
    """Qt must not be left quitting: an exit() or a Quit event delivered outside ``app.exec()``
    makes every later QEventLoop, so every qtbot wait of every later test in the worker, return
    at once, and the failures land on innocent tests (a CI run lost three voice tests that way,
    after the SIGTERM test on the other thread). The loop is made usable again and the test
    that left it so is named in the warnings."""
    yield
    core = sys.modules.get("PySide6.QtCore")      # only where the test used Qt at all
    app = core.QCoreApplication.instance() if core is not None else None
    if app is None:
        return
    loop = core.QEventLoop()
    core.QTimer.singleShot(0, loop.quit)
    if loop.exec() == 0:
        return
    core.QTimer.singleShot(0, app.quit)
    app.exec()                                      # starting exec() clears the quit
    warnings.warn("this test left Qt's event loop quitting (exit() or a Quit event outside "
                  "app.exec())", pytest.PytestWarning)
