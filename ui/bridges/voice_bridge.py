"""``VoiceBridge``: voice guidance as the QML singleton ``Kiosk.Voice``; ``Player`` plays it.

QML hands the bridge what the page shows (``show`` when a page or the idle warning appears,
``speak`` for 重听, ``showErrors`` when problems appear); the bridge words it (``kiosk.voice.script``), has the
``Speaker`` make the WAV on its own thread and plays the result through QtMultimedia's
``QAudioSink`` on the GUI thread. It stops whatever is in flight as soon as the session's page
or phase changes, and at every wipe it goes back to the start: voice off unless 长辈版, the settings'
volume. Whether voice is on is the session's (``Session.voice``); the bridge only says whether
the engine and a sound card are there. With no audio output (a kiosk without sound, a test
machine) speech is still made, then dropped: logged once, never an error on screen.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kiosk.voice import wav
from kiosk.voice.engines import Engine, NoEngine, VoiceError, engine_for
from kiosk.voice.script import Shown, errors_utterance, utterance
from kiosk.voice.speaker import Speaker
from ui.bridges.cached import plain
from ui.bridges.session_bridge import SessionBridge
from ui.qt import (Property, QBuffer, QByteArray, QIODevice, QObject, Qt, QtMsgType, Signal, Slot,
                   multimedia, qInstallMessageHandler)

if TYPE_CHECKING:   # the settings' pydantic models: not needed to build the start page
    from kiosk.config.schema import VoiceSettings

log = logging.getLogger(__name__)

VOLUME_STEP = 10
MIN_VOLUME = 10          # the person can make it quieter, not silent: 关闭 is for that
UNAVAILABLE = "语音播报暂时无法使用，请按“呼叫工作人员”"


@contextmanager
def _qt_messages_to_debug_log() -> Iterator[None]:
    """Loading QtMultimedia reports every sound and video library it looks for and does not
    find (a dozen stderr lines on a kiosk without PipeWire or VA-API): to the debug log."""
    def handle(kind: QtMsgType, context: object, message: str) -> None:
        log.debug("qt: %s", message)
    previous = qInstallMessageHandler(handle)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


class Player:
    """Plays one WAV at a time on the default audio output; ``stop`` cuts it off. QtMultimedia
    is loaded on the first sound, not before (most visits are in the standard mode, silent)."""

    def __init__(self) -> None:
        self._mm: Any = None
        self._sink: Any = None              # QAudioSink
        self._buffer: QBuffer | None = None
        self._warned: set[str] = set()
        self.on_finished = lambda: None

    def _multimedia(self) -> Any:
        if self._mm is None:
            with _qt_messages_to_debug_log():
                self._mm = multimedia()
                self._mm.QMediaDevices.audioOutputs()    # the backend starts here
        return self._mm

    def _once(self, why: str) -> None:
        if why not in self._warned:
            self._warned.add(why)
            log.warning("voice guidance is silent: %s", why)

    @property
    def playing(self) -> bool:
        return self._sink is not None and self._sink.state() == self._mm.QAudio.State.ActiveState

    def play(self, sound: bytes, volume: float) -> bool:
        """Start playing; False (logged once) when there is nothing to play it on."""
        self.stop()
        try:
            pcm = wav.read(sound)
        except ValueError as exc:
            self._once(f"unplayable speech ({exc})")
            return False
        mm = self._multimedia()
        if not mm.QMediaDevices.audioOutputs():
            self._once("no audio output device")
            return False
        device = mm.QMediaDevices.defaultAudioOutput()
        fmt = mm.QAudioFormat()
        fmt.setSampleRate(pcm.rate)
        fmt.setChannelCount(pcm.channels)
        fmt.setSampleFormat({1: fmt.SampleFormat.UInt8, 2: fmt.SampleFormat.Int16,
                             4: fmt.SampleFormat.Int32}[pcm.sample_width])
        if device.isNull() or not device.isFormatSupported(fmt):
            self._once(f"the audio output cannot play {pcm.rate} Hz, {pcm.channels} channel(s)")
            return False
        self._buffer = QBuffer()
        self._buffer.setData(QByteArray(pcm.frames))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = mm.QAudioSink(device, fmt)
        self._sink.setVolume(volume)
        self._sink.stateChanged.connect(self._state_changed)
        self._sink.start(self._buffer)
        return True

    def set_volume(self, volume: float) -> None:
        if self._sink is not None:
            self._sink.setVolume(volume)

    def _state_changed(self, state: Any) -> None:
        if state == self._mm.QAudio.State.IdleState:      # all played
            self.stop()
            self.on_finished()

    def stop(self) -> None:
        sink, self._sink = self._sink, None
        if sink is not None:
            sink.stateChanged.disconnect(self._state_changed)
            sink.stop()
            sink.deleteLater()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer = None


class VoiceBridge(QObject):
    """Args: ``session``, the session's bridge (its page changes stop speech); ``settings``,
    the ``[voice]`` section (None: this kiosk has no voice guidance, as a UI preview); ``engine``:
    use this engine instead of the one the settings name (tests); ``player``: where sound goes
    (default: the audio output)."""

    availableChanged = Signal()
    onChanged = Signal()
    speakingChanged = Signal()
    volumeChanged = Signal()
    problemChanged = Signal()
    # Speech made by the speaker's thread, moved to this object's (the GUI) thread.
    _made = Signal(int, bytes)
    _failed = Signal(int, str)
    spoken = Signal(str)          # an utterance was made and handed to the player (tests, logs)

    def __init__(self, session: SessionBridge, settings: VoiceSettings | None, *,
                 engine: Engine | None = None, player: Player | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._enabled = settings is not None and settings.enabled    # the hall wants voice
        # The level each visit starts at; without settings nothing speaks and no level shows.
        self._start_volume = settings.volume if settings is not None else MIN_VOLUME
        self._elderly_rate = settings.elderly_rate if settings is not None else None
        self._problem = ""
        if engine is None and settings is None:
            engine = NoEngine()
        elif engine is None:
            try:
                engine = engine_for(settings)
            except VoiceError as exc:
                log.warning("voice guidance unavailable: %s", exc)
                self._problem = str(exc)
                engine = NoEngine()
        self._available = not isinstance(engine, NoEngine)
        self.player = player or Player()
        self.player.on_finished = self._finished
        self._volume = self._start_volume
        self._ticket = 0                  # the utterance wanted now (0: none)
        self._speaking = False
        self.shown = Shown()              # the page as last shown
        self.last_text = ""               # what was last sent to the engine
        self._made.connect(self._play, Qt.ConnectionType.QueuedConnection)
        self._failed.connect(self._fail, Qt.ConnectionType.QueuedConnection)
        self.speaker = Speaker(engine, self._made.emit, self._failed.emit)
        for signal in (session.stepChanged, session.screenChanged):
            signal.connect(self.stop)          # a new page: what was said is no longer true
        self._was_on = self.on
        session.phaseChanged.connect(self._phase_changed)
        session.elderlyChanged.connect(self._on_maybe_changed)     # 长辈版 turns it on

    def shutdown(self) -> None:
        self.stop()
        self.speaker.close()

    # ----- properties -------------------------------------------------------------------------
    @Property(bool, notify=availableChanged)
    def available(self) -> bool:
        """An engine is there to speak with (the panel says so when not)."""
        return self._available

    @Property(bool, notify=onChanged)
    def on(self) -> bool:
        return self._available and self._session.session.voice

    @Property(bool, notify=speakingChanged)
    def speaking(self) -> bool:
        return self._speaking

    @Property(int, notify=volumeChanged)
    def volume(self) -> int:
        return self._volume

    @Property(str, notify=problemChanged)
    def problem(self) -> str:
        """Why voice guidance cannot be used, for the person ("" when it can)."""
        return UNAVAILABLE if not self._available and self._enabled else ""

    # ----- what the person did ----------------------------------------------------------------
    @Slot(bool)
    def setOn(self, on: bool) -> None:
        self._session.session.voice_choice = bool(on)
        self._on_maybe_changed()

    @Slot("QVariant")
    def show(self, page: Any) -> None:
        """A page appeared showing ``page`` ({kind, heading, question, errors, texts,
        choices}): read it when voice is on."""
        self.shown = Shown.from_plain(plain(page))
        if self.on:
            self._say(utterance(self.shown))

    @Slot("QVariant")
    def speak(self, page: Any) -> None:
        """重听: read the page now, as it shows now."""
        self.shown = Shown.from_plain(plain(page))
        self._say(utterance(self.shown))

    @Slot("QVariantList")
    def showErrors(self, errors: Any) -> None:
        """Problems appeared on the page (after continue): read them when voice is on."""
        values = plain(errors)
        if self.on and isinstance(values, list):
            self._say(errors_utterance(values))

    @Slot()
    def louder(self) -> None:
        self._set_volume(self._volume + VOLUME_STEP)

    @Slot()
    def softer(self) -> None:
        self._set_volume(self._volume - VOLUME_STEP)

    @Slot()
    def stop(self) -> None:
        """Stop speaking: the synthesis in flight is cancelled and the sound cut off."""
        self._ticket = 0
        self.speaker.cancel()
        self.player.stop()
        self._set_speaking(False)

    # ----- inside -----------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        if not self._available or not text:
            return
        self.player.stop()
        self.last_text = text
        slower = self._session.session.elderly and self._elderly_rate is not None
        self._ticket = self.speaker.say(text, self._elderly_rate if slower else None)
        self._set_speaking(True)

    def _play(self, ticket: int, sound: bytes) -> None:
        if ticket != self._ticket:
            return                        # the page changed while it was being made
        self.spoken.emit(self.last_text)
        if not self.player.play(sound, self._volume / 100):
            self._finished()

    def _fail(self, ticket: int, message: str) -> None:
        if ticket != self._ticket:
            return
        if message != self._problem:      # once per kind of failure, not once per page
            log.warning("voice guidance: %s", message)
            self._problem = message
        self._finished()

    def _finished(self) -> None:
        self._ticket = 0
        self._set_speaking(False)

    def _set_speaking(self, on: bool) -> None:
        if on != self._speaking:
            self._speaking = on
            self.speakingChanged.emit()

    def _set_volume(self, volume: int) -> None:
        volume = max(MIN_VOLUME, min(100, volume))
        if volume != self._volume:
            self._volume = volume
            self.player.set_volume(volume / 100)
            self.volumeChanged.emit()

    def _phase_changed(self) -> None:
        self.stop()                           # e.g. the idle warning came, or was answered
        if self._session.phase == "idle":     # the wipe: the next person starts afresh
            self._set_volume(self._start_volume)
        self._on_maybe_changed()

    def _on_maybe_changed(self) -> None:
        on = self.on
        if on == self._was_on:
            return
        self._was_on = on
        self.onChanged.emit()
        if on:
            self._say(utterance(self.shown))    # switched on: read the page it is on
        else:
            self.stop()
