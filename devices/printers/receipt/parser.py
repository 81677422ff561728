"""A sans-I/O ESC/POS reader: bytes in, print events out. Used by the simulator (the printer side).

Feed bytes with ``receive_data``; call ``next_event`` until it returns ``NEED_DATA``. It understands
the commands our encoder and python-escpos emit (text and GB18030 in Kanji mode, ``ESC !``/``GS !``
sizes, emphasis, justification, feeds, ``GS v 0`` and ``GS ( L`` raster images, ``GS ( k`` QR codes,
``GS V`` cut, ``DLE EOT`` status requests). Anything else is an ``EscposParseError`` naming the byte
offset: a real printer would print junk or hang, a simulator should say so. After an error the
reader stays failed. It does no I/O and does not render (see ``render.py``).

Limits: real printers also act on ``DLE EOT`` inside another command's parameters; we do not.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Union

DLE, ESC, FS, GS = 0x10, 0x1B, 0x1C, 0x1D
MAX_IMAGE_BYTES = 4 * 1024 * 1024  # larger than any receipt; guards memory against garbage lengths


class EscposParseError(ValueError):
    """The byte stream is not ESC/POS this printer understands."""


class _NeedData:
    def __repr__(self) -> str:
        return "NEED_DATA"


NEED_DATA = _NeedData()


@dataclass(frozen=True)
class Initialized:
    """``ESC @``: style and modes reset."""


@dataclass(frozen=True)
class TextPrinted:
    text: str


@dataclass(frozen=True)
class LinesFed:
    count: int  # 1 for LF; n for ESC d n; 0 for a dot feed that ends the line


@dataclass(frozen=True)
class StyleChanged:
    """One style attribute: bold/underline (bool), align ("left"/"center"/"right"), width/height (1..8)."""

    name: str
    value: object


@dataclass(frozen=True)
class KanjiModeChanged:
    on: bool


@dataclass(frozen=True)
class RasterImage:
    """A bit image: ``width_bytes * 8`` dots wide, rows top to bottom, 1 bits are black."""

    width_bytes: int
    height: int
    data: bytes


@dataclass(frozen=True)
class QrPrinted:
    payload: str
    module: int
    error_level: str


@dataclass(frozen=True)
class PaperCut:
    pass


@dataclass(frozen=True)
class StatusRequested:
    n: int  # DLE EOT n


Event = Union[Initialized, TextPrinted, LinesFed, StyleChanged, KanjiModeChanged, RasterImage,
              QrPrinted, PaperCut, StatusRequested]

_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
# ESC commands with one parameter byte that change nothing we render.
_ESC_SKIP1 = {ord(c) for c in "GM{VtR J3"} | {0x20}
_GS_SKIP1 = {ord(c) for c in "BbHhwf"}


class EscposParser:
    """Incremental ESC/POS reader (printer side)."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._offset = 0  # stream offset of _buf[0], for error messages
        self._kanji = False
        self._decoder = codecs.getincrementaldecoder("gb18030")("strict")
        self._pending_text = ""
        self._qr_payload = b""
        self._qr_module = 3
        self._qr_level = "L"
        self._graphics: RasterImage | None = None
        self._failed: EscposParseError | None = None
        self._style_queue: list[StyleChanged] = []

    @property
    def kanji_mode(self) -> bool:
        return self._kanji

    def receive_data(self, data: bytes) -> None:
        """Add bytes from the wire. ``b""`` means nothing; there is no EOF handling here."""
        if self._failed:
            raise self._failed
        self._buf += data

    def next_event(self) -> Event | _NeedData:
        """Return the next complete event, or ``NEED_DATA``.

        Raises:
            EscposParseError: the stream holds an unknown command, a bad parameter or bad text.
        """
        if self._failed:
            raise self._failed
        try:
            while True:
                if self._style_queue:
                    return self._style_queue.pop(0)
                if self._pending_text:
                    text, self._pending_text = self._pending_text, ""
                    return TextPrinted(text)
                if not self._buf:
                    return NEED_DATA
                result = self._step()
                if result is NEED_DATA:
                    return NEED_DATA
                if result is not None:
                    return result
        except EscposParseError as exc:
            self._failed = exc
            raise

    def events(self, data: bytes = b"") -> list[Event]:
        """Convenience: feed ``data`` and drain all complete events."""
        self.receive_data(data)
        out: list[Event] = []
        while (ev := self.next_event()) is not NEED_DATA:
            out.append(ev)  # type: ignore[arg-type]
        return out

    # -- internals ----------------------------------------------------------------------------
    def _error(self, msg: str, at: int = 0) -> EscposParseError:
        return EscposParseError(f"ESC/POS error at byte {self._offset + at}: {msg}")

    def _take(self, n: int) -> bytes:
        chunk = bytes(self._buf[:n])
        del self._buf[:n]
        self._offset += n
        return chunk

    def _need(self, n: int) -> bool:
        return len(self._buf) >= n

    def _flush_text(self) -> None:
        try:
            tail = self._decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            self._decoder.reset()
            raise self._error(f"incomplete GB18030 character before a control byte ({exc.reason})")
        self._pending_text += tail

    def _step(self) -> Event | _NeedData | None:
        b = self._buf[0]
        if b >= 0x20:
            return self._text()
        self._flush_text()
        if self._pending_text:
            return None  # emit the finished text first; the control byte stays in the buffer
        if b == 0x0A:
            self._take(1)
            return LinesFed(1)
        if b in (0x0D, 0x00):  # CR is ignored with auto line feed off; NUL pads some drivers' jobs
            self._take(1)
            return None
        if b == 0x09:
            self._take(1)
            return TextPrinted("    ")
        if b == DLE:
            return self._dle()
        if b == ESC:
            return self._esc()
        if b == FS:
            return self._fs()
        if b == GS:
            return self._gs()
        raise self._error(f"unexpected control byte 0x{b:02X}")

    def _text(self) -> Event | None:
        end = 0
        while end < len(self._buf) and self._buf[end] >= 0x20:
            end += 1
        raw = self._take(end)
        if self._kanji:
            try:
                text = self._decoder.decode(raw, final=False)
            except UnicodeDecodeError as exc:
                self._decoder.reset()
                raise self._error(f"invalid GB18030 text ({exc.reason})", -end + exc.start)
        else:
            text = raw.decode("cp437")  # ESC t 0, the power-on code page
        return TextPrinted(text) if text else None

    def _dle(self) -> Event | _NeedData | None:
        if not self._need(2):
            return NEED_DATA
        if self._buf[1] == 0x04:  # EOT
            if not self._need(3):
                return NEED_DATA
            n = self._buf[2]
            if n not in (1, 2, 3, 4):
                raise self._error(f"DLE EOT n must be 1..4, got {n}")
            self._take(3)
            return StatusRequested(n)
        raise self._error(f"unsupported real-time command DLE 0x{self._buf[1]:02X}")

    def _esc(self) -> Event | _NeedData | None:
        if not self._need(2):
            return NEED_DATA
        cmd = self._buf[1]
        if cmd == ord("@"):
            self._take(2)
            self._kanji = False
            return Initialized()
        if cmd == ord("2"):
            self._take(2)
            return None
        if not self._need(3):
            return NEED_DATA
        n = self._buf[2]
        if cmd == ord("!"):
            self._take(3)
            self._queue_styles(bold=bool(n & 0x08), height=2 if n & 0x10 else 1,
                               width=2 if n & 0x20 else 1, underline=bool(n & 0x80))
            return None
        if cmd == ord("E"):
            self._take(3)
            return StyleChanged("bold", bool(n & 1))
        if cmd == ord("-"):
            self._take(3)
            return StyleChanged("underline", n in (1, 2, 49, 50))
        if cmd == ord("a"):
            if n not in _ALIGN:
                raise self._error(f"ESC a {n}: justification must be 0..2 or 48..50")
            self._take(3)
            return StyleChanged("align", _ALIGN[n])
        if cmd == ord("d"):
            self._take(3)
            return LinesFed(n)
        if cmd in _ESC_SKIP1:
            self._take(3)
            return None
        raise self._error(f"unknown command ESC 0x{cmd:02X}")

    def _queue_styles(self, **styles: object) -> None:
        # ESC ! and GS ! set several attributes at once; next_event hands them out one by one.
        self._style_queue.extend(StyleChanged(k, v) for k, v in styles.items())

    def _fs(self) -> Event | _NeedData | None:
        if not self._need(2):
            return NEED_DATA
        cmd = self._buf[1]
        if cmd == ord("&"):
            self._take(2)
            self._kanji = True
            return KanjiModeChanged(True)
        if cmd == ord("."):
            self._take(2)
            self._kanji = False
            return KanjiModeChanged(False)
        if cmd in (ord("C"), ord("!"), ord("-")):
            if not self._need(3):
                return NEED_DATA
            self._take(3)
            return None
        raise self._error(f"unknown command FS 0x{cmd:02X}")

    def _gs(self) -> Event | _NeedData | None:
        if not self._need(2):
            return NEED_DATA
        cmd = self._buf[1]
        if cmd == ord("V"):
            if not self._need(3):
                return NEED_DATA
            m = self._buf[2]
            if m in (0, 1, 48, 49):
                self._take(3)
                return PaperCut()
            if m in (65, 66, 97, 98, 103, 104):
                if not self._need(4):
                    return NEED_DATA
                self._take(4)
                return PaperCut()
            raise self._error(f"GS V {m}: unknown cut mode")
        if cmd == ord("!"):
            if not self._need(3):
                return NEED_DATA
            n = self._take(3)[2]
            w, h = (n >> 4) + 1, (n & 0x0F) + 1
            if w > 8 or h > 8:
                raise self._error(f"GS ! 0x{n:02X}: character size beyond 8x", -3)
            self._queue_styles(width=w, height=h)
            return None
        if cmd in _GS_SKIP1:
            if not self._need(3):
                return NEED_DATA
            self._take(3)
            return None
        if cmd in (ord("L"), ord("W")):
            if not self._need(4):
                return NEED_DATA
            self._take(4)
            return None
        if cmd == ord("v"):
            return self._raster()
        if cmd == ord("("):
            return self._gs_paren()
        raise self._error(f"unknown command GS 0x{cmd:02X}")

    def _raster(self) -> Event | _NeedData | None:
        if not self._need(8):
            return NEED_DATA
        if self._buf[2] != ord("0") or self._buf[3] not in (0, 1, 2, 3, 48, 49, 50, 51):
            raise self._error("GS v: only GS v 0 m (m = 0..3) is supported")
        xb = self._buf[4] | self._buf[5] << 8
        yb = self._buf[6] | self._buf[7] << 8
        if xb == 0 or yb == 0 or xb * yb > MAX_IMAGE_BYTES:
            raise self._error(f"GS v 0: bad image size {xb} bytes x {yb} rows")
        if not self._need(8 + xb * yb):
            return NEED_DATA
        chunk = self._take(8 + xb * yb)
        return RasterImage(xb, yb, chunk[8:])

    def _gs_paren(self) -> Event | _NeedData | None:
        if not self._need(5):
            return NEED_DATA
        kind = self._buf[2]
        p = self._buf[3] | self._buf[4] << 8
        if kind not in (ord("k"), ord("L")):
            raise self._error(f"GS ( 0x{kind:02X}: unsupported function group")
        if p < 2 or p > MAX_IMAGE_BYTES:
            raise self._error(f"GS ( {chr(kind)}: bad parameter length {p}")
        if not self._need(5 + p):
            return NEED_DATA
        body = self._take(5 + p)[5:]
        return self._qr(body) if kind == ord("k") else self._graphics_cmd(body)

    def _qr(self, body: bytes) -> Event | None:
        cn, fn, rest = body[0], body[1], body[2:]
        if cn != ord("1"):
            raise self._error(f"GS ( k: symbol type cn={cn} is not QR (49)", -len(body))
        if fn == 65:  # select model
            return None
        if fn == 67:  # module size
            if len(rest) != 1 or not 1 <= rest[0] <= 16:
                raise self._error("GS ( k 1 C: module size must be one byte 1..16", -len(body))
            self._qr_module = rest[0]
            return None
        if fn == 69:  # error correction
            if len(rest) != 1 or rest[0] not in (48, 49, 50, 51):
                raise self._error("GS ( k 1 E: error level must be 48..51", -len(body))
            self._qr_level = "LMQH"[rest[0] - 48]
            return None
        if fn == 80:  # store data (m = '0')
            if not rest or rest[0] != 48:
                raise self._error("GS ( k 1 P: expected m=48", -len(body))
            self._qr_payload = rest[1:]
            return None
        if fn == 81:  # print the stored symbol
            try:
                payload = self._qr_payload.decode("utf-8")
            except UnicodeDecodeError:
                raise self._error("GS ( k 1 Q: stored QR data is not UTF-8", -len(body))
            if not payload:
                raise self._error("GS ( k 1 Q: no QR data stored", -len(body))
            return QrPrinted(payload, self._qr_module, self._qr_level)
        if fn == 82:
            return None
        raise self._error(f"GS ( k 1: unknown function {fn}", -len(body))

    def _graphics_cmd(self, body: bytes) -> Event | None:
        m, fn = body[0], body[1]
        if fn == 112 and m == 48:  # store raster graphics: a bx by c xL xH yL yH d...
            if len(body) < 10:
                raise self._error("GS ( L p: header too short", -len(body))
            x = body[6] | body[7] << 8
            y = body[8] | body[9] << 8
            xb = (x + 7) // 8
            data = body[10:]
            if x == 0 or y == 0 or len(data) != xb * y:
                raise self._error(f"GS ( L p: {len(data)} data bytes for {x}x{y} dots", -len(body))
            self._graphics = RasterImage(xb, y, data)
            return None
        if fn in (50, 2):  # print stored graphics
            image, self._graphics = self._graphics, None
            if image is None:
                raise self._error("GS ( L 2: no graphics stored", -len(body))
            return image
        if fn in (48, 49, 65, 66, 67, 69, 80, 81, 82, 83, 84, 85):
            return None
        raise self._error(f"GS ( L: unknown function {fn}", -len(body))
