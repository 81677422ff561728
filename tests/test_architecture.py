"""The layers stay where DESIGN.md puts them: import-linter contracts in .importlinter."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(linter), "--config", str(ROOT / ".importlinter")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BROKEN" not in done.stdout and "5 kept" in done.stdout


def test_the_core_runs_without_qt() -> None:
    """The domain and flow import in a process that has never loaded PySide6."""
    code = ("import sys, kiosk.flow.session, kiosk.domain.review, offline_queue.outbox;"
            "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt loaded'")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
