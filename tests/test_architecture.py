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


def fresh_python(code: str) -> None:
    """Run ``code`` in a new interpreter (what a module imports shows only there)."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_contract_imports_nothing_heavy() -> None:
    """The shared contract loads without Qt, requests, FastAPI or any other layer of ours."""
    code = ("import sys, contract.signing, contract.envelope, contract.wire, contract.decisions;"
            "heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'requests', 'fastapi', 'starlette', 'kiosk', 'offline_queue', "
            "'central', 'devices', 'ui')];"
            "assert not heavy, heavy")
    fresh_python(code)



def test_the_start_page_does_not_wait_for_opencv_the_outbox_or_the_licence_painter() -> None:
    """The window's imports leave the heavy parts to first use (bench/ui_startup.py)."""
    code = ("import sys, ui.app, kiosk.flow.session;"
            "heavy = [m for m in ('cv2', 'tuf', 'sqlite_utils', 'offline_queue.outbox', "
            "'devices.printers.licence.printer') if m in sys.modules];"
            "assert not heavy, heavy;"
            "import offline_queue, devices.printers.licence as lic;"
            "assert offline_queue.Outbox.__name__ == 'Outbox' and lic.LicencePrinter;"
            "assert 'offline_queue.outbox' in sys.modules")
    fresh_python(code)


def test_the_kiosk_core_loads_before_qt() -> None:
    """PySide6 installs an import hook that reads the source of every module imported after it
    (for its ``__feature__`` switches: some 0.1 ms a module). The composition root, the
    diagnostics and the visit's paperwork must not import it, so that the kiosk's hundreds of
    modules load before it; the licence printer, which paints with Qt, is imported when opened.
    The window's start needs no check digit either: python-stdnum (which loads pydoc and ssl)
    waits for the first number checked."""
    code = ("import sys, kiosk.app, kiosk.diagnostics.service, kiosk.visit.coordinator;"
            "assert 'PySide6' not in sys.modules, 'PySide6 imported by the core';"
            "import ui.app;"
            "assert 'stdnum' not in sys.modules;"
            "from kiosk.domain.identifiers import credit_check_char, id_check_char;"
            "assert id_check_char('11010519491231002') == 'X';"
            "assert credit_check_char('91350100M000100Y4') == '3'")
    fresh_python(code)


def test_the_camera_simulator_does_not_load_scipy() -> None:
    """Its person is scikit-image's astronaut, read from the package's data with OpenCV (the
    same pixels): importing scikit-image's reader loads SciPy, 0.2 s of every simulated start."""
    code = ("import sys, numpy as np;"
            "from devices.camera.simulator import SimulatedPerson, SimulatorSource, _photo;"
            "SimulatorSource(SimulatedPerson('live'));"
            "heavy = [m for m in ('scipy', 'skimage.io', 'imageio') if m in sys.modules];"
            "assert not heavy, heavy;"
            "import cv2; from skimage import data;"
            "assert np.array_equal(_photo(False), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))")
    fresh_python(code)


def test_the_lazy_packages_export_what_they_name() -> None:
    import devices.printers.licence as licence
    import devices.printers.receipt as receipt
    import offline_queue
    for package in (offline_queue, licence, receipt):
        assert set(package._lazy) <= set(package.__all__)    # and every name there resolves:
        for name in package.__all__:
            assert getattr(package, name) is not None
    try:
        offline_queue.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("an unknown name must raise AttributeError")


def test_the_receipt_package_loads_escpos_on_first_use_only() -> None:
    """The visit's wording takes ``Receipt`` from the package: that must not load python-escpos,
    qrcode or PIL before the start page is painted; the printer's names still resolve."""
    code = ("import sys, devices.printers.receipt as r;"
            "from devices.printers.receipt import Receipt;"
            "heavy = [m for m in ('escpos', 'qrcode', 'PIL', 'devices.printers.receipt.encoder')"
            " if m in sys.modules];"
            "assert not heavy, heavy;"
            "assert r.open_receipt_printer and r.ReceiptPrinter.__name__ == 'ReceiptPrinter';"
            "assert 'escpos' in sys.modules")
    fresh_python(code)


def test_the_start_page_does_not_build_pydantic_models() -> None:
    """The session and the window compare the wire's codes (contract.codes) but parse no answer
    before the start page is painted: pydantic and the wire's models load on first use."""
    code = ("import sys, ui.app, kiosk.flow.session;"
            "heavy = [m for m in ('pydantic', 'contract.wire', 'kiosk.config.schema')"
            " if m in sys.modules];"
            "assert not heavy, heavy;"
            "import contract.wire as w, contract.codes as c;"
            "assert w.DecisionStatus is c.DecisionStatus and w.HelpReason is c.HelpReason")
    fresh_python(code)
