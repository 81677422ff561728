"""The engines: espeak-ng's Mandarin voice makes real speech, an engine by path keeps its
contract or fails with a message that says what is wrong, and a running engine is stopped
when the utterance is cancelled or takes too long."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from kiosk.config.schema import VoiceSettings
from kiosk.voice import wav
from kiosk.voice.engines import Cancelled, CommandEngine, NoEngine, VoiceError, engine_for
from tests.kiosk.voice.engines import alive, held_engine, program, release, tone

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng not installed (scripts/bootstrap.sh installs it)")


@needs_espeak
def test_espeak_ng_speaks_mandarin_out_loud() -> None:
    engine = engine_for(VoiceSettings())
    pcm = wav.read(engine.synthesise("请将身份证放在读卡区。", threading.Event()))
    assert pcm.seconds > 0.5 and wav.rms(pcm) > 0.02
    silent = wav.read(engine.synthesise("。", threading.Event()))
    assert wav.rms(silent) < wav.rms(pcm) / 4      # the measure tells speech from silence


@needs_espeak
def test_a_slower_rate_makes_longer_speech() -> None:
    text = "请选择要办理的类型"
    fast = engine_for(VoiceSettings(rate=300)).synthesise(text, threading.Event())
    slow = engine_for(VoiceSettings(rate=100)).synthesise(text, threading.Event())
    assert wav.read(slow).seconds > 1.5 * wav.read(fast).seconds


@needs_espeak
def test_a_slower_rate_for_one_utterance_makes_it_longer_and_leaves_the_engines_own() -> None:
    text = "请选择要办理的类型"
    engine = engine_for(VoiceSettings(rate=300))
    slow = engine.synthesise(text, threading.Event(), rate=100)
    fast = engine.synthesise(text, threading.Event())
    assert wav.read(slow).seconds > 1.5 * wav.read(fast).seconds


def test_an_engine_by_path_is_told_each_utterances_rate(tmp_path: Path) -> None:
    (tmp_path / "tone.wav").write_bytes(tone())
    path = program(tmp_path, "engine", f'cat > /dev/null\necho "$KIOSK_VOICE_RATE" >> "{tmp_path}/rates"\n'
                                       f'cat "{tmp_path}/tone.wav"\n')
    engine = engine_for(VoiceSettings(engine=str(path), rate=170))
    engine.synthesise("继续", threading.Event())
    engine.synthesise("继续", threading.Event(), rate=110)
    assert (tmp_path / "rates").read_text().split() == ["170", "110"]


def test_an_engine_by_path_gets_the_text_and_its_wav_is_used(tmp_path: Path) -> None:
    (tmp_path / "tone.wav").write_bytes(tone())
    path = program(tmp_path, "engine", f'cat > "{tmp_path}/text"\ncat "{tmp_path}/tone.wav"\n')
    engine = engine_for(VoiceSettings(engine=str(path)))
    pcm = wav.read(engine.synthesise("继续。", threading.Event()))
    assert (tmp_path / "text").read_text(encoding="utf-8") == "继续。"
    assert pcm.rate == 16000 and wav.rms(pcm) > 0.2


@pytest.mark.parametrize("setup, message", [
    (lambda d: d / "missing", "no such file"),
    (lambda d: (d / "plain").write_text("#!/bin/sh\n") and d / "plain", "not executable"),
    (lambda d: d, "no such file"),                          # a folder is no engine
])
def test_an_engine_path_that_cannot_run_is_named_with_why(tmp_path: Path, setup, message) -> None:
    path = setup(tmp_path)
    with pytest.raises(VoiceError, match=message) as err:
        engine_for(VoiceSettings(engine=str(path)))
    assert str(path) in str(err.value)


@pytest.mark.parametrize("body, message", [
    ("echo 'model file missing' >&2\nexit 3\n", r"failed \(exit 3\) model file missing"),
    ("echo 'not a wav'\n", "wrote no usable WAV"),
    ("head -c 44 /dev/zero\n", "wrote no usable WAV"),
    ("exec 1>&-\n", "wrote no usable WAV"),
])
def test_an_engine_that_breaks_its_contract_says_how(tmp_path: Path, body: str,
                                                      message: str) -> None:
    engine = CommandEngine([str(program(tmp_path, "engine", "cat >/dev/null\n" + body))])
    with pytest.raises(VoiceError, match=message):
        engine.synthesise("继续", threading.Event())


def test_an_engine_that_vanishes_after_start_up_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = program(tmp_path, "engine", "exit 0\n")
    engine = engine_for(VoiceSettings(engine=str(path)))
    path.unlink()
    with pytest.raises(VoiceError, match="cannot be started"):
        engine.synthesise("继续", threading.Event())


def test_cancelling_stops_the_running_engine(tmp_path: Path) -> None:
    path, gate = held_engine(tmp_path)
    engine = CommandEngine([str(path)])
    cancelled = threading.Event()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            engine.synthesise("继续", cancelled)
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    pid_file = tmp_path / "pid"
    while not pid_file.exists() or not pid_file.read_text().strip():
        worker.join(0.01)            # the engine is starting (no sleep: waiting on the thread)
    pid = int(pid_file.read_text())
    cancelled.set()
    worker.join(10)
    assert not worker.is_alive() and isinstance(outcome[0], Cancelled)
    assert not alive(pid)


def test_an_engine_that_takes_too_long_is_stopped_and_named(tmp_path: Path) -> None:
    path, _gate = held_engine(tmp_path)       # the gate never opens
    engine = CommandEngine([str(path)], timeout_s=0.3)
    with pytest.raises(VoiceError, match=r"took longer than 0.3 s"):
        engine.synthesise("继续", threading.Event())
    assert not alive(int((tmp_path / "pid").read_text()))


def test_released_engine_answers(tmp_path: Path) -> None:
    path, gate = held_engine(tmp_path)
    engine = CommandEngine([str(path)])
    threading.Thread(target=release, args=(gate,), daemon=True).start()
    assert wav.rms(wav.read(engine.synthesise("继续", threading.Event()))) > 0.2


def test_no_engine_never_speaks() -> None:
    engine = engine_for(VoiceSettings(engine="none"))
    assert isinstance(engine, NoEngine)
    with pytest.raises(VoiceError, match="switched off"):
        engine.synthesise("继续", threading.Event())


def test_a_missing_espeak_ng_is_named_with_its_package(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(VoiceError, match="espeak-ng is not installed"):
        engine_for(VoiceSettings())
