"""One kiosk process, visit after visit, each driven into a device fault through the simulators'
control channels while the person is at the device's page; then a clean visit.

Run as ``python tests/e2e/device_fault_child.py DATA_DIR FAMILY`` (``reader``, ``printer`` or
``camera``). For each scenario of the family it plays a whole scripted visit on the real window
(``ui.scripted_visit``), injecting the fault at the page it belongs to and waiting, as a person
would, for what the page then says before the fault is cleared (a cable put back, paper loaded,
the person stepping in). Prints one JSON line per visit: the scenario, whether it finished, its
outcome, the receipt's paper state and what the pages said (errors, notices, the done page's
paper lines). A crash or a stuck page ends the process with the scenario named.
"""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from devices.manager import CAMERA, IDCARD, RECEIPT_PRINTER  # noqa: E402
from devices.simcontrol import send  # noqa: E402
from kiosk.config.settings import Settings  # noqa: E402
from ui.main import kiosk_with_ui, trade_name  # noqa: E402
from ui.scripted_visit import ScriptedVisit  # noqa: E402

# Faults the reader gets over and over (its driver retries): one answer each.
READER_TRANSIENT = ("checksum", "garbage", "timeout", "no_card", "select_failure", "read_failure")


class FaultyVisit(ScriptedVisit):
    """A scripted visit with a fault at one page. ``fault(visit)`` runs on arrival at the page
    named by ``at`` (``id_card``, ``face`` or ``done``); the visit then goes on as scripted."""

    def __init__(self, *args, at: str, fault, **kw) -> None:
        super().__init__(*args, **kw)
        self.at, self.fault = at, fault
        self.said: list[str] = []
        self.receipt = ""                 # the receipt's paper state on the done page
        for signal in (self.bridge.errorsChanged, self.bridge.noticeChanged,
                       self.bridge.outcomeChanged):
            signal.connect(self._note)

    def _note(self) -> None:
        self.receipt = self.bridge.outcome.get("receipt", self.receipt)
        for text in [*self.bridge.errors, self.bridge.notice,
                     self.bridge.outcome.get("receiptText", "")]:
            if text and text not in self.said:
                self.said.append(text)

    def until_said(self, words: str, what: str) -> None:
        self.robot.wait(lambda: any(words in t for t in self.said), what, self.deadline_s)

    def until_page_clear(self, what: str) -> None:
        """The page takes its message back (the device is usable again)."""
        self.robot.wait(lambda: not self.bridge.errors, what, self.deadline_s)

    def _card_page(self, report, card):            # noqa: ANN001 - the base's signature
        if self.at == "id_card":
            self.fault(self)
        super()._card_page(report, card)

    def _face_page(self, report):                  # noqa: ANN001
        if self.at == "face":
            self.fault(self)
        super()._face_page(report)


def _reader(command: str):
    def fault(v: FaultyVisit) -> None:
        send(v.controls[IDCARD], command)
    return fault


def _reader_down(break_it: str, mend_it: str):
    def fault(v: FaultyVisit) -> None:
        send(v.controls[IDCARD], break_it)
        v.until_said("身份证阅读器暂时无法读卡", "the card page to say the reader is down")
        send(v.controls[IDCARD], mend_it)
        v.until_page_clear("the card page to take back that the reader is down")
    return fault


def _unplug_mid_read(v: FaultyVisit) -> None:
    reader = v.controls[IDCARD]
    send(reader, "fault unplug_mid_frame")
    send(reader, "place resident_valid")          # the read starts, and the cable comes out
    v.until_said("身份证阅读器暂时无法读卡", "the card page to say the reader is down")
    send(reader, "plug")
    v.until_page_clear("the card page to take back that the reader is down")


def _printer(command: str):
    def fault(v: FaultyVisit) -> None:      # before the outcome: the receipt waits for paper
        send(v.controls[RECEIPT_PRINTER], command)
    return fault


def _camera_absent(v: FaultyVisit) -> None:
    send(v.controls[CAMERA], "mode absent")
    v.until_said("未检测到人脸", "the face page to say no face is seen")
    send(v.controls[CAMERA], "mode live")        # the person steps in; the script retries


SCENARIOS = {
    "reader": [*((f"reader-{f}", "id_card", _reader(f"fault {f}")) for f in READER_TRANSIENT),
               ("reader-unplug", "id_card", _reader_down("unplug", "plug")),
               ("reader-unplug_mid_frame", "id_card", _unplug_mid_read),
               ("reader-sam_selftest", "id_card", _reader_down("fault sam_selftest sticky",
                                                               "clear"))],
    "printer": [("printer-paper_out", "id_card", _printer("state paper_out")),
                ("printer-silent", "id_card", _printer("silent"))],
    "camera": [("camera-absent", "face", _camera_absent)],
}
MENDED = {"printer": (RECEIPT_PRINTER, ("state ready", "delay 0"))}   # paper in, answering


def main() -> int:
    data, family = Path(sys.argv[1]), sys.argv[2]
    settings = Settings(data_dir=data)
    with kiosk_with_ui(settings, keyboard=False, tick=False) as (kiosk, ui):
        plan = [*SCENARIOS[family], (f"{family}-after", "none", lambda v: None)]
        for n, (name, at, fault) in enumerate(plan):
            if name.endswith("-after") and family in MENDED:
                device, commands = MENDED[family]
                for command in commands:
                    send(kiosk.devices.controls[device], command)
            visit = FaultyVisit(kiosk, ui, None, at=at, fault=fault, deadline_s=90)
            try:
                report = visit.run("individual_business", trade=trade_name(n))
            except Exception:   # noqa: BLE001 - reported, with where it stuck
                print(json.dumps({"scenario": name, "finished": False, "said": visit.said,
                                  "error": traceback.format_exc()[-1500:]}, ensure_ascii=False),
                      flush=True)
                return 1
            print(json.dumps({"scenario": name, "finished": True, "outcome": report.outcome,
                              "receipt": visit.receipt,
                              "said": visit.said}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
