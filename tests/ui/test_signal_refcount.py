"""Guard against PySide6 builds whose Signal.emit() leaks or drops references to True/False.

PySide6 6.12.0 on CPython 3.11 drops one reference to True on every emit; a kiosk process then
aborts with "bool_dealloc" after about 60 visits. On CPython 3.12+ True is immortal and the
counts never move, so the test passes there whatever the binding does. The emitting runs in a
child process: the defect ends in an abort, which must fail this test, not kill the worker.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import PySide6

CHILD = Path(__file__).with_name("refcount_child.py")
EMITS = 20_000          # far more than the few hundred references True has in a fresh process
TOLERANCE = 64          # caches and interned objects may take a few references; never thousands
CASES = {"no_receiver", "python_receiver", "bool_argument", "str_argument", "property_change",
         "qml_binding", "session_bridge"}


def test_emitting_signals_keeps_the_reference_counts_of_true_and_false_steady() -> None:
    run = subprocess.run([sys.executable, str(CHILD), str(EMITS)], capture_output=True,
                         text=True, timeout=300, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert run.returncode == 0 and "DONE" in run.stdout, (
        f"PySide6 {PySide6.__version__} aborted while emitting signals (exit {run.returncode}); "
        f"after {[r['case'] for r in lines]}:\n{run.stderr[-1500:]}")
    assert {r["case"] for r in lines} == CASES
    for r in lines:
        for which in ("true", "false"):
            drift = r[f"{which}_after"] - r[f"{which}_before"]
            assert abs(drift) <= TOLERANCE, (
                f"PySide6 {PySide6.__version__}: {r['emits']} emits ({r['case']}) moved the "
                f"reference count of {which.title()} by {drift}")
