"""The speaker's thread: the caller never waits for the engine, the newest utterance wins,
and a cancelled one is never handed back."""
from __future__ import annotations

import queue
import threading

from kiosk.voice.engines import Cancelled, VoiceError
from kiosk.voice.speaker import Speaker


class GatedEngine:
    """Makes b"<text>" once the test opens its gate; honours cancellation like a real one."""

    name = "gated"

    def __init__(self) -> None:
        self.started: queue.Queue[str] = queue.Queue()
        self.gate = threading.Event()

    def synthesise(self, text: str, cancelled: threading.Event, rate: int | None = None) -> bytes:
        self.started.put(text)
        while not self.gate.wait(0.01):
            if cancelled.is_set():
                raise Cancelled
        if text == "broken":
            raise VoiceError("engine broke")
        if text == "bug":
            raise ZeroDivisionError
        return text.encode()


def make() -> tuple[GatedEngine, Speaker, queue.Queue]:
    engine, heard = GatedEngine(), queue.Queue()
    speaker = Speaker(engine, lambda t, w: heard.put(("done", t, w)),
                      lambda t, m: heard.put(("error", t, m)))
    return engine, speaker, heard


def test_say_returns_while_the_engine_works_and_the_result_comes_back() -> None:
    engine, speaker, heard = make()
    try:
        ticket = speaker.say("继续")
        assert engine.started.get(timeout=5) == "继续" and speaker.busy   # still working
        engine.gate.set()
        assert heard.get(timeout=5) == ("done", ticket, "继续".encode())
    finally:
        speaker.close()


def test_the_newest_utterance_wins_and_the_cancelled_one_never_comes_back() -> None:
    engine, speaker, heard = make()
    try:
        speaker.say("第一页")
        assert engine.started.get(timeout=5) == "第一页"
        second = speaker.say("第二页")                  # the page changed
        assert engine.started.get(timeout=5) == "第二页"
        engine.gate.set()
        assert heard.get(timeout=5) == ("done", second, "第二页".encode())
        assert heard.empty()
    finally:
        speaker.close()


def test_cancel_drops_everything() -> None:
    engine, speaker, heard = make()
    try:
        speaker.say("第一页")
        engine.started.get(timeout=5)
        speaker.cancel()
        engine.gate.set()
        speaker.close()
        assert heard.empty() and not speaker.busy
    finally:
        speaker.close()


def test_engine_failures_are_reported_and_the_thread_carries_on() -> None:
    engine, speaker, heard = make()
    engine.gate.set()
    try:
        first = speaker.say("broken")
        assert heard.get(timeout=5) == ("error", first, "engine broke")
        second = speaker.say("bug")
        assert heard.get(timeout=5) == ("error", second, "voice engine gated failed: ZeroDivisionError")
        third = speaker.say("好")
        assert heard.get(timeout=5) == ("done", third, "好".encode())
    finally:
        speaker.close()
