"""Speech engines: text in, WAV bytes out, run as a separate program that can be stopped.

- ``EspeakEngine``: the embedded default, ``espeak-ng -v cmn --stdout`` (Debian's espeak-ng);
- ``CommandEngine``: any engine a deployment names by absolute path, e.g. a better offline
  Mandarin voice. Its contract: the text arrives as UTF-8 on stdin, a PCM WAV leaves on
  stdout, exit status 0; ``KIOSK_VOICE_RATE`` (words a minute) is in its environment, for
  each utterance (长辈版 is spoken more slowly);
- ``NoEngine``: voice guidance switched off (``[voice] engine = "none"``).

``engine_for`` builds the one the settings name and says clearly, with ``VoiceError``, when a
named engine cannot be used (missing, not executable). Synthesis blocks its caller until the
WAV is made, the time limit passes or ``cancelled`` is set; the ``Speaker`` calls it on its own
thread. The text is never logged: a page may hold a masked name.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Protocol

from kiosk.voice import wav

ESPEAK = "espeak-ng"
NONE = "none"
POLL_S = 0.05           # how often a running engine is checked for cancellation
MAX_TEXT = 4000         # characters one utterance may hold (a page's words are far fewer)


class VoiceError(RuntimeError):
    """Speech could not be made; the message says why, for the log and the technician."""


class Cancelled(Exception):
    """The utterance was cancelled (the page changed) before its WAV was made."""


class VoiceConfig(Protocol):
    """What ``engine_for`` reads: ``kiosk.config.schema.VoiceSettings`` has these."""

    engine: str
    voice: str
    rate: int
    timeout_s: float


class Engine(Protocol):
    name: str

    def synthesise(self, text: str, cancelled: threading.Event, rate: int | None = None) -> bytes:
        """The WAV of ``text``, at ``rate`` words a minute (None: the engine's own rate).
        Raises VoiceError, or Cancelled when ``cancelled`` is set."""
        ...


class NoEngine:
    """No voice: nothing is ever spoken."""

    name = NONE

    def synthesise(self, text: str, cancelled: threading.Event, rate: int | None = None) -> bytes:
        raise VoiceError("voice guidance is switched off ([voice] engine = \"none\")")


class CommandEngine:
    """A program that reads text on stdin and writes a WAV on stdout."""

    def __init__(self, argv: list[str], *, timeout_s: float = 15.0, rate: int = 150,
                 name: str | None = None) -> None:
        self.argv = argv
        self.name = name or argv[0]
        self.timeout_s = timeout_s
        self.rate = rate

    def command(self, rate: int) -> tuple[list[str], dict[str, str]]:
        """The program and its environment for one utterance at ``rate``."""
        return self.argv, {**os.environ, "KIOSK_VOICE_RATE": str(rate)}

    def synthesise(self, text: str, cancelled: threading.Event, rate: int | None = None) -> bytes:
        data = text[:MAX_TEXT].encode("utf-8")
        argv, env = self.command(self.rate if rate is None else rate)
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env, start_new_session=True)
        except OSError as exc:
            raise VoiceError(f"voice engine {self.name} cannot be started: {exc.strerror}") from None
        deadline = time.monotonic() + self.timeout_s
        first: bytes | None = data
        try:
            while True:
                try:
                    out, err = proc.communicate(first, timeout=POLL_S)
                    break
                except subprocess.TimeoutExpired:
                    first = None                 # the input went with the first call
                if cancelled.is_set():
                    raise Cancelled
                if time.monotonic() > deadline:
                    raise VoiceError(f"voice engine {self.name} took longer than "
                                     f"{self.timeout_s:g} s")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        if proc.returncode != 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise VoiceError(f"voice engine {self.name} failed (exit {proc.returncode}) "
                             f"{detail[0][:200]}".rstrip())
        try:
            return wav.normalise(out)
        except ValueError as exc:
            raise VoiceError(f"voice engine {self.name} wrote no usable WAV: {exc}") from None


class EspeakEngine(CommandEngine):
    """espeak-ng with its Mandarin voice, to a WAV on stdout."""

    def __init__(self, executable: str, *, voice: str = "cmn", rate: int = 150,
                 timeout_s: float = 15.0) -> None:
        super().__init__([executable, "-v", voice, "-b", "1", "--stdin", "--stdout"],
                         timeout_s=timeout_s, rate=rate, name=ESPEAK)

    def command(self, rate: int) -> tuple[list[str], dict[str, str]]:
        argv, env = super().command(rate)
        return [*argv[:1], "-s", str(rate), *argv[1:]], env


def engine_for(config: VoiceConfig) -> Engine:
    """The engine the settings name. Raises VoiceError when it cannot be used here."""
    if config.engine == NONE:
        return NoEngine()
    if config.engine == ESPEAK:
        found = shutil.which(ESPEAK)
        if found is None:
            raise VoiceError("espeak-ng is not installed (Debian package espeak-ng; "
                             "scripts/bootstrap.sh installs it)")
        return EspeakEngine(found, voice=config.voice, rate=config.rate,
                            timeout_s=config.timeout_s)
    path = Path(config.engine)
    if not path.is_file():
        raise VoiceError(f"voice engine {path}: no such file")
    if not os.access(path, os.X_OK):
        raise VoiceError(f"voice engine {path}: not executable (chmod +x)")
    return CommandEngine([str(path)], timeout_s=config.timeout_s, rate=config.rate)
