"""A scripted person who arrives while the nightly maintenance runs. Run as ``python
tests/e2e/nightly_child.py SETTINGS.toml`` (a maintenance window around now): the night's run
is started by hand and held at its readiness step until the person has met it (turned away by
a tap, or the start page no longer offering 设立登记); then it finishes, and the person files.
Prints one JSON line: what the person was told when turned away, whether visits were blocked
when the person came, and the visit's outcome."""
from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.config import settings  # noqa: E402
from ui.main import kiosk_with_ui  # noqa: E402
from ui.qt import QTimer  # noqa: E402
from ui.scripted_visit import ScriptedVisit  # noqa: E402


DEADLINE_S = 10.0    # the visit's longest wait for any one thing but the night


def main() -> None:
    with kiosk_with_ui(settings.load(Path(sys.argv[1])), keyboard=False, tick=False) as (kiosk, ui):
        nightly, turned_away, held = kiosk.maintenance, [], threading.Event()
        report = nightly._readiness            # the real step, held until the person came

        def readiness():
            held.wait(120)
            return report()

        releasing = []

        def release_later() -> None:
            # The person has met the night: it goes on for longer than the visit's own
            # deadline for any one wait, as a slow night would on a loaded machine.
            if not releasing:
                releasing.append(QTimer.singleShot(int(DEADLINE_S * 1000 * 2), held.set))

        def ended(reason: str, message: str) -> None:
            if reason == "refused":
                turned_away.append(message)
                release_later()

        nightly._readiness = readiness
        ui.session.sessionEnded.connect(ended)
        night = threading.Thread(target=nightly.tick)
        night.start()
        visit = ScriptedVisit(kiosk, ui, None, deadline_s=DEADLINE_S)
        visit.robot.wait(lambda: bool(nightly.blocks_visits), "the night's run to begin", 30)
        blocked = bool(nightly.blocks_visits)

        def met() -> None:           # the page says why: the person has seen it
            if not visit.robot.showing("start_individual_business"):
                release_later()
        looking = QTimer()
        looking.timeout.connect(met)
        looking.start(50)
        outcome = visit.run("individual_business").outcome
        looking.stop()
        night.join(60)
        print(json.dumps({"turned_away": turned_away, "blocked": blocked, "outcome": outcome}))


if __name__ == "__main__":
    main()
