"""WAV bytes as the engines write them, read back and measured (the standard ``wave`` module).

espeak-ng writes to a pipe with a streaming header (its sizes say 2 GiB), so ``normalise``
reads what is really there and writes a header that says so. ``rms`` tells speech from
silence. No I/O beyond the bytes given, no playback.
"""
from __future__ import annotations

import array
import io
import math
import sys
import wave
from dataclasses import dataclass

MAX_BYTES = 64 * 1024 * 1024      # a page's speech is well under a megabyte; refuse a flood


@dataclass(frozen=True)
class Pcm:
    """Signed little-endian PCM samples and their format."""

    channels: int
    sample_width: int          # bytes per sample: 1, 2 or 4
    rate: int                  # frames a second
    frames: bytes

    @property
    def seconds(self) -> float:
        return len(self.frames) / (self.channels * self.sample_width * self.rate)


def read(data: bytes) -> Pcm:
    """The PCM inside a WAV. Raises ValueError for anything that is not a plain PCM WAV."""
    if len(data) > MAX_BYTES:
        raise ValueError(f"the WAV is larger than {MAX_BYTES} bytes")
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError, ValueError) as exc:
        raise ValueError(f"not a PCM WAV: {exc}") from None
    if channels < 1 or width not in (1, 2, 4) or not 4000 <= rate <= 192000:
        raise ValueError(f"unsupported WAV format: {channels} channels, {width} bytes, {rate} Hz")
    frame = channels * width
    return Pcm(channels, width, rate, frames[: len(frames) - len(frames) % frame])


def write(pcm: Pcm) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(pcm.channels)
        w.setsampwidth(pcm.sample_width)
        w.setframerate(pcm.rate)
        w.writeframes(pcm.frames)
    return out.getvalue()


def normalise(data: bytes) -> bytes:
    """The same sound with a header whose sizes are true. Raises ValueError as ``read``."""
    return write(read(data))


def rms(pcm: Pcm) -> float:
    """Root mean square of the samples, as a fraction of full scale (0 = silence, 1 = full)."""
    if not pcm.frames:
        return 0.0
    if pcm.sample_width == 1:                      # 8-bit WAV is unsigned, centred on 128
        samples = [b - 128 for b in pcm.frames]
        full = 128.0
    else:
        samples = array.array("h" if pcm.sample_width == 2 else "i", pcm.frames)
        if sys.byteorder == "big":
            samples.byteswap()
        full = float(2 ** (8 * pcm.sample_width - 1))
    return math.sqrt(sum(s * s for s in samples) / len(samples)) / full
