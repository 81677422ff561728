"""The real window with a voice engine given by path that writes down what it is asked to say.

Run as ``python tests/ui/voice_child.py FOLDER`` (its own process: the QML singletons register
once per process). A person switches voice on in the voice panel, presses 重听, moves on,
presses continue with nothing chosen, lets the idle warning come, then the visit is wiped.
Prints one JSON line: what the engine was asked to say at each moment, and the voice's state.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

from kiosk.config.schema import VoiceSettings  # noqa: E402
from kiosk.flow.session import Session  # noqa: E402
from offline_queue.outbox import Outbox  # noqa: E402
from tests.clock import Clock  # noqa: E402
from tests.kiosk.voice.engines import program, tone  # noqa: E402
from tests.ui.conftest import person  # noqa: E402
from ui.app import create_app  # noqa: E402
from ui.bridges.session_bridge import EventRelay  # noqa: E402
from ui.robot import Robot  # noqa: E402


def main() -> None:
    folder = Path(sys.argv[1])
    (folder / "tone.wav").write_bytes(tone(0.05))
    said = folder / "said"
    said.mkdir()
    engine = program(folder, "tts", f'n=$(ls "{said}" | wc -l)\ncat > "{said}/$n.txt"\n'
                                    f'cat "{folder}/tone.wav"\n')
    clock = Clock(5000.0)
    relay = EventRelay()
    session = Session(Outbox(folder / "outbox.db", X25519PrivateKey.generate().public_key()),
                      folder / "sessions", clock=clock, listener=relay)
    ui = create_app(session, relay, keyboard=False, tick=False, clock=clock,
                    voice=VoiceSettings(engine=str(engine)))
    robot, voice = Robot(ui), ui.voice

    def texts() -> list[str]:
        return [(said / f"{i}.txt").read_text(encoding="utf-8")
                for i in range(len(list(said.iterdir())))]

    def heard(what: str) -> str:
        count = len(texts())
        robot.wait(lambda: len(texts()) > count and not voice.speaking, what)
        return texts()[-1]

    report: dict[str, object] = {}
    robot.tap("start_individual_business")
    robot.settle()
    report["off"] = texts()                           # standard mode: nothing said
    report["repeat_shown_when_off"] = robot.showing("voiceRepeat")
    robot.tap("voiceButton")
    count = len(texts())
    robot.tap("voiceToggle")                          # 打开语音播报: the page is read at once
    robot.wait(lambda: len(texts()) > count and not voice.speaking, "the page read")
    report["switched_on"] = texts()[-1]
    robot.tap("voicePanelClose")
    count = len(texts())
    robot.tap("voiceRepeat")
    robot.wait(lambda: len(texts()) > count and not voice.speaking, "重听")
    report["repeat"] = texts()[-1]
    count = len(texts())
    session.card_read(person())
    ui.session.refresh()
    robot.wait(lambda: len(texts()) > count and not voice.speaking, "the next page")
    report["identity"] = texts()[-1]
    robot.tap("confirmIdentity")
    session.face_checked(True, b"\xff\xd8jpeg")
    ui.session.refresh()
    robot.wait(lambda: session.step not in ("face", "confirm_identity"), "a question page")
    robot.wait(lambda: not voice.speaking and texts()[-1].startswith(ui.session.title),
               "the question page read")
    report["question"] = texts()[-1]
    count = len(texts())
    robot.tap("continueButton")                       # nothing chosen: an error
    robot.wait(lambda: len(texts()) > count and not voice.speaking, "the error read")
    report["errors"] = texts()[-1]
    report["errors_on_screen"] = list(ui.session.errors)
    count = len(texts())
    clock.advance(session.timeouts.idle_warning_s + 1)
    ui.session.tick()
    robot.wait(lambda: len(texts()) > count and not voice.speaking, "the idle warning read")
    report["warning"] = texts()[-1]
    ui.session.cancel()                               # the wipe
    robot.settle()
    report["after_wipe"] = {"on": voice.on, "volume": voice.volume}
    report["warnings"] = ui.warnings
    voice.shutdown()
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
