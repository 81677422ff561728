"""Voice guidance in the UI: every page's words become real speech, speech never holds up the
GUI thread and stops when the page changes, a broken engine is said plainly, and the voice
follows the person (on in 长辈版, reset at the wipe)."""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.config.schema import VoiceSettings
from kiosk.domain.subject_types import ALL
from kiosk.voice import wav
from kiosk.voice.engines import engine_for
from kiosk.voice.script import utterance
from tests.kiosk.voice.engines import alive, held_engine, program, release, tone
from tests.ui.conftest import Kit, UiKit, walk_every_page
from ui.bridges.voice_bridge import UNAVAILABLE, Player, VoiceBridge
from ui.qt import QTimer, multimedia
from ui.robot import Robot

PAGE = {"kind": "choice", "heading": "请选择经营者类型", "question": "个体工商户可以个人经营",
        "texts": [], "choices": ["个人经营", "家庭经营"], "errors": []}


@pytest.fixture()
def held(kit: Kit, tmp_path: Path):
    """A voice whose engine (given by path, as a deployment would) waits for the test."""
    engine, gate = held_engine(tmp_path)
    voice = VoiceBridge(kit.bridge, VoiceSettings(engine=str(engine)))
    yield voice, gate, tmp_path
    voice.shutdown()


def engine_pid(qtbot, folder: Path) -> int:
    pid = folder / "pid"
    qtbot.waitUntil(lambda: pid.exists() and pid.read_text().strip() != "", timeout=5000)
    return int(pid.read_text())


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed "
                    "(scripts/bootstrap.sh installs it)")
def test_every_page_of_every_visit_is_spoken_out_loud(fresh_ui: UiKit, tmp_path: Path) -> None:
    """What each page shows, as Main.qml's PageReader hands it to Kiosk.Voice, made into
    speech with the default engine (espeak-ng, Mandarin): never silent."""
    b, voice = fresh_ui.bridge, fresh_ui.ui.voice
    said: dict[str, str] = {}

    def hear(robot: Robot, step: str) -> None:
        assert voice.shown.heading == b.title and voice.shown.kind == b.kind, step
        said[f"{b.session.subject_type.id}/{step}"] = utterance(voice.shown)

    fresh_ui.settle()
    said["start"] = utterance(voice.shown)
    assert "开办企业" in said["start"] and "个体工商户" in said["start"]
    for subject in ALL:
        walk_every_page(fresh_ui, subject.id, tmp_path / subject.id, on_page=hear)
    for service in ("status", "licence", "guide", "rating"):     # the other services' pages
        fresh_ui.ui.services.begin(service, "")
        fresh_ui.settle()
        assert voice.shown.heading == b.title != "", service
        said[service] = utterance(voice.shown)
        b.cancel()
        fresh_ui.settle()
    assert len(said) > 4 * 15
    engine = engine_for(VoiceSettings())
    for page, text in sorted(said.items()):
        assert text, f"{page} says nothing"
        pcm = wav.read(engine.synthesise(text, threading.Event()))
        assert pcm.seconds > 0.5 and wav.rms(pcm) > 0.02, f"{page} is silent: {text}"


def test_the_review_page_is_read_without_the_persons_details(fresh_ui: UiKit,
                                                             tmp_path: Path) -> None:
    voice, seen = fresh_ui.ui.voice, {}

    def hear(robot: Robot, step: str) -> None:
        if step == "review":
            seen["review"] = utterance(voice.shown)
            seen["texts"] = voice.shown.texts

    walk_every_page(fresh_ui, "individual_business", tmp_path, on_page=hear)
    assert "13800138000" in seen["texts"]             # on the screen ...
    assert "13800138000" not in seen["review"] and "重新签名" in seen["review"]  # not aloud


def test_speech_never_holds_up_the_gui_thread(held, qtbot) -> None:
    voice, gate, folder = held
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    started = time.monotonic()
    voice.speak(PAGE)
    assert time.monotonic() - started < 0.2 and voice.speaking
    pid = engine_pid(qtbot, folder)
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=5000)    # the GUI turns meanwhile
    assert alive(pid) and voice.speaking                       # ... while the engine works
    assert (folder / "text").read_text(encoding="utf-8") == utterance(voice.shown)
    with qtbot.waitSignal(voice.spoken, timeout=10000) as spoken:
        release(gate)
    timer.stop()
    assert spoken.args[0].startswith("请选择经营者类型。")
    qtbot.waitUntil(lambda: not voice.speaking, timeout=10000)  # played, or no sound card


def test_a_page_change_stops_the_speech_in_flight(held, kit: Kit, qtbot) -> None:
    voice, gate, folder = held
    voice.speak(PAGE)
    pid = engine_pid(qtbot, folder)
    with qtbot.assertNotEmitted(voice.spoken, wait=300):
        kit.bridge.begin()                          # the person moved on: the card page
        assert not voice.speaking
        qtbot.waitUntil(lambda: not alive(pid), timeout=5000)   # the engine was stopped
    assert not voice.speaker.busy


def test_the_person_can_stop_the_reading(held, qtbot) -> None:
    voice, _gate, folder = held
    voice.speak(PAGE)
    pid = engine_pid(qtbot, folder)
    with qtbot.waitSignal(voice.speakingChanged, timeout=1000):
        voice.stop()                                # 停止 (the header's 重听 while it reads)
    assert not voice.speaking
    qtbot.waitUntil(lambda: not alive(pid), timeout=5000)


def test_voice_follows_the_person_and_is_reset_at_the_wipe(held, kit: Kit, qtbot) -> None:
    voice, _gate, folder = held
    kit.bridge.begin()
    assert not voice.on                         # standard mode: off until asked
    with qtbot.waitSignal(voice.onChanged, timeout=1000):
        kit.bridge.setElderly(True)
    assert voice.on                             # 长辈版: on by default, reading the page
    kit.bridge.setElderly(False)
    voice.setOn(True)
    voice.louder()
    assert voice.on and voice.volume == 80
    voice.softer(); voice.softer()
    assert voice.volume == 60
    for _ in range(20):
        voice.softer()
    assert voice.volume == 10                   # quieter, never silent: 关闭 is for that
    kit.bridge.cancel()                         # the wipe
    assert not voice.on and voice.volume == 70 and not voice.speaking


def test_in_the_elderly_mode_the_page_is_read_more_slowly(kit: Kit, tmp_path: Path, qtbot) -> None:
    (tmp_path / "tone.wav").write_bytes(tone())
    engine = program(tmp_path, "engine", f'cat > /dev/null\necho "$KIOSK_VOICE_RATE" >> "{tmp_path}/rates"\n'
                                         f'cat "{tmp_path}/tone.wav"\n')
    voice = VoiceBridge(kit.bridge, VoiceSettings(engine=str(engine), rate=160, elderly_rate=110))
    try:
        rates = tmp_path / "rates"
        for elderly, expected in ((False, "160"), (True, "110"), (False, "160")):
            kit.bridge.setElderly(elderly)
            with qtbot.waitSignal(voice.spoken, timeout=10000):
                voice.speak(PAGE)
            assert rates.read_text().split()[-1] == expected, elderly
    finally:
        kit.bridge.setElderly(False)
        voice.shutdown()


def test_a_missing_engine_path_is_said_plainly_and_nothing_breaks(kit: Kit, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        voice = VoiceBridge(kit.bridge, VoiceSettings(engine="/opt/no-such-voice/tts"))
    try:
        assert not voice.available and voice.problem == UNAVAILABLE
        assert "voice engine /opt/no-such-voice/tts: no such file" in caplog.text
        assert "Traceback" not in caplog.text
        voice.setOn(True)
        voice.speak(PAGE)
        assert not voice.on and not voice.speaking
    finally:
        voice.shutdown()
    silent = VoiceBridge(kit.bridge, VoiceSettings(engine="none"))
    assert not silent.available and silent.problem == ""     # switched off: no complaint
    silent.shutdown()


def test_an_engine_that_fails_is_logged_once_and_the_voice_carries_on(kit: Kit, tmp_path: Path,
                                                                      qtbot, caplog) -> None:
    engine = program(tmp_path, "tts", "cat >/dev/null\necho 'no voice model' >&2\nexit 2\n")
    voice = VoiceBridge(kit.bridge, VoiceSettings(engine=str(engine)))
    try:
        with caplog.at_level(logging.WARNING):
            for _ in range(3):
                voice.speak(PAGE)
                qtbot.waitUntil(lambda: not voice.speaking, timeout=5000)
        failures = [r for r in caplog.records if "no voice model" in r.getMessage()]
        assert len(failures) == 1 and failures[0].exc_info is None
    finally:
        voice.shutdown()


@pytest.mark.skipif(bool(multimedia().QMediaDevices.audioOutputs()),
                    reason="this machine has a sound card")
def test_without_a_sound_card_speech_is_dropped_quietly_and_said_once(qapp, caplog) -> None:
    player = Player()
    from tests.kiosk.voice.engines import tone
    with caplog.at_level(logging.WARNING):
        assert not player.play(tone(), 0.7) and not player.play(tone(), 0.7)
    assert [r.getMessage() for r in caplog.records if "silent" in r.getMessage()] == \
        ["voice guidance is silent: no audio output device"]
    assert not player.play(b"garbage", 0.7)


def test_the_voice_panel_opens_from_the_header_and_says_when_there_is_no_voice(
        fresh_ui: UiKit) -> None:
    robot = Robot(fresh_ui.ui)
    robot.tap("start_individual_business")
    assert robot.showing("voiceButton") and not robot.showing("voiceRepeat")   # voice is off
    robot.tap("voiceButton")
    assert robot.showing("voicePanel") and robot.showing("voiceProblem")
    assert not robot.showing("voiceToggle")        # this test window has no engine
    robot.tap("voicePanelClose")
    assert not robot.showing("voicePanel")


def test_the_window_reads_aloud_what_the_person_sees(tmp_path: Path) -> None:
    """The real window with an engine by path that writes down what it is asked to say
    (tests/ui/voice_child.py): switched on in the panel, 重听, a new page, an error, the idle
    warning, the wipe."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("voice_child.py")),
                           str(tmp_path)], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    r = json.loads(done.stdout.strip().splitlines()[-1])
    assert r["off"] == [] and r["repeat_shown_when_off"] is False    # standard mode: silent
    assert r["switched_on"].startswith("请将身份证放在读卡区。") and r["repeat"] == r["switched_on"]
    assert r["identity"].startswith("请确认是您本人的身份证。") and "是本人，继续" in r["identity"]
    assert "*" not in r["identity"]              # the masked name and number stay on screen
    assert r["question"].endswith("您可以选择：个人经营；家庭经营。"
                                  "完成后，请按屏幕下方的“继续”。")     # the footer, last
    assert r["errors"] == "有以下问题需要处理：" + "；".join(r["errors_on_screen"]) + "。"
    assert r["warning"].startswith("您还在办理吗？") and "继续办理" in r["warning"]
    assert r["after_wipe"] == {"on": False, "volume": 70} and r["warnings"] == []
