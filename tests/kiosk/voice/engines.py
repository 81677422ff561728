"""Voice engines given by path, for the tests: small programs that keep the engine contract
(text on stdin, a WAV on stdout) or break it in one named way."""
from __future__ import annotations

import math
import os
import struct
from pathlib import Path

from kiosk.voice import wav


def tone(seconds: float = 0.3, rate: int = 16000) -> bytes:
    """A WAV of a 440 Hz tone: what a working engine hands back."""
    n = int(seconds * rate)
    frames = b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * 440 * i / rate)))
                      for i in range(n))
    return wav.write(wav.Pcm(1, 2, rate, frames))


def program(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def held_engine(folder: Path) -> tuple[Path, Path]:
    """An engine that keeps the text it was given, writes its pid, then waits until the test
    opens the gate (a FIFO) before it answers with a tone. Returns (engine, gate)."""
    gate = folder / "gate"
    os.mkfifo(gate)
    (folder / "tone.wav").write_bytes(tone())
    engine = program(folder, "held-engine",
                     f'echo $$ > "{folder}/pid"\ncat > "{folder}/text"\n'
                     f'read line < "{gate}"\ncat "{folder}/tone.wav"\n')
    return engine, gate


def release(gate: Path) -> None:
    with open(gate, "w") as f:
        f.write("go\n")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:       # a zombie is dead too: its parent has not reaped it yet
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False
