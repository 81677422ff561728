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
    assert "BROKEN" not in done.stdout and "9 kept" in done.stdout


def test_contract_imports_nothing_heavy() -> None:
    """The shared contract loads without Qt, requests, FastAPI or any other layer of ours."""
    code = ("import sys, contract.signing, contract.envelope, contract.wire, contract.decisions;"
            "heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'requests', 'fastapi', 'starlette', 'kiosk', 'offline_queue', "
            "'central', 'devices', 'ui')];"
            "assert not heavy, heavy")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

