"""The card photo: keep the raw WLT, decode it only through a vendor library when one is set.

WLT is proprietary and no open decoder exists (domain.md §2.5): the decoder is bought with the
reader and called through ctypes. Decoding is optional and never fails a card read: every
outcome, "not configured" included, is a ``Photo`` with a Chinese message. What this module
cannot guard against is a vendor library that crashes the process; run a doubtful one in a
separate process.
"""
from __future__ import annotations

import ctypes
import io
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from devices.idcard.frames import PHOTO_BMP_LEN, PHOTO_HEIGHT, PHOTO_RAW_LEN, PHOTO_WIDTH

log = logging.getLogger(__name__)

NOT_CONFIGURED = "未配置照片解码库"

#: Output buffer handed to the vendor function. Larger than the 38862-byte BMP on purpose: one
#: vendor's note says its function overruns a buffer of exactly that size (domain.md §2.5 [wltrs]).
_OUT_BUFFER = 64 * 1024


@dataclass(frozen=True)
class Photo:
    """A card photo: the raw WLT, and the decoded pixels when a decoder managed.

    Attributes:
        wlt: the 1024 bytes read from the card.
        rgb: 102 × 126 pixels, 3 bytes each (R, G, B), rows top to bottom; None if not decoded.
        message: why ``rgb`` is None, in Chinese; empty when decoded.
    """

    wlt: bytes = field(repr=False)
    rgb: bytes | None = field(default=None, repr=False)
    message: str = ""

    @property
    def decoded(self) -> bool:
        return self.rgb is not None

    def to_png(self) -> bytes:
        """The decoded photo as PNG bytes.

        Raises:
            ValueError: the photo was not decoded (see ``message``).
        """
        if self.rgb is None:
            raise ValueError(self.message or NOT_CONFIGURED)
        from PIL import Image

        out = io.BytesIO()
        Image.frombytes("RGB", (PHOTO_WIDTH, PHOTO_HEIGHT), self.rgb).save(out, format="PNG")
        return out.getvalue()


class PhotoDecoder(Protocol):
    """Anything that turns a WLT into a ``Photo``. It must not raise."""

    def decode(self, wlt: bytes, sam_id: str | None = None) -> Photo: ...


class NoPhotoDecoder:
    """The decoder of a kiosk with no vendor library: keeps the WLT, says so."""

    def decode(self, wlt: bytes, sam_id: str | None = None) -> Photo:
        return Photo(bytes(wlt), None, NOT_CONFIGURED)


class VendorWltDecoder:
    """Call a vendor library's ``int fn(char *wlt, char *out, int code)`` through ctypes.

    This is the ``unpack(src, dst, 602|603)`` family (libwlt2bmp, libwlt2019; §2.5 [wltrs]): it
    returns ``success`` and writes either 38556 bytes of raw pixels in B, G, R order (rows top
    to bottom) or a 38862-byte BMP. Libraries with another entry point (WLTLib's
    ``CV_Initialize`` + ``CV_Decode``, licensed by the SAM number) get a class of their own with
    the same ``decode`` method.

    Args:
        library: path of the shared library (``.so``).
        function: exported function name.
        vendor_code: the third argument (厂商唯一代码值, e.g. 602 = decode in memory).
        output: ``"raw_bgr"`` or ``"bmp"``, what the function writes.
        success: the return value that means success.
    """

    def __init__(
        self,
        library: str | Path,
        *,
        function: str = "unpack",
        vendor_code: int = 602,
        output: Literal["raw_bgr", "bmp"] = "raw_bgr",
        success: int = 1,
    ) -> None:
        self.library = str(library)
        self.function = function
        self.vendor_code = vendor_code
        self.output = output
        self.success = success
        self._fn: ctypes._CFuncPtr | None = None  # type: ignore[name-defined]
        self._lock = threading.Lock()  # vendor decoders are rarely re-entrant

    def _load(self) -> ctypes._CFuncPtr:  # type: ignore[name-defined]
        if self._fn is None:
            fn = getattr(ctypes.CDLL(self.library), self.function)
            fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
            fn.restype = ctypes.c_int
            self._fn = fn
        return self._fn

    def decode(self, wlt: bytes, sam_id: str | None = None) -> Photo:
        wlt = bytes(wlt)
        try:
            fn = self._load()
        except (OSError, AttributeError) as exc:
            log.warning("photo decoder %s cannot be loaded: %s", self.library, exc)
            return Photo(wlt, None, f"照片解码库无法加载：{Path(self.library).name}")
        out = ctypes.create_string_buffer(_OUT_BUFFER)
        try:
            with self._lock:
                rc = fn(ctypes.create_string_buffer(wlt, max(len(wlt), 1024)), out, self.vendor_code)
            if rc != self.success:
                return Photo(wlt, None, f"照片解码失败（解码库返回 {rc}）")
            return Photo(wlt, self._pixels(out.raw), "")
        except Exception as exc:  # a bad image or a ctypes failure must not fail the read
            log.warning("photo decoding failed: %s", exc)
            return Photo(wlt, None, "照片解码失败")

    def _pixels(self, raw: bytes) -> bytes:
        if self.output == "bmp":
            from PIL import Image

            with Image.open(io.BytesIO(raw[:PHOTO_BMP_LEN])) as img:
                if img.size != (PHOTO_WIDTH, PHOTO_HEIGHT):
                    raise ValueError(f"decoded photo is {img.size}, not 102 x 126")
                return img.convert("RGB").tobytes()
        bgr = raw[:PHOTO_RAW_LEN]
        rgb = bytearray(bgr)
        rgb[0::3], rgb[2::3] = bgr[2::3], bgr[0::3]  # §2.5: B and R need swapping
        return bytes(rgb)


def load_decoder(library: str | Path | None = None, **options: object) -> PhotoDecoder:
    """The decoder for a kiosk's configuration: ``NoPhotoDecoder`` when no library is set.

    Loading is deferred to the first decode, so a missing file shows up as a ``Photo`` message
    ("照片解码库无法加载"), not as a start-up crash.
    """
    if not library:
        return NoPhotoDecoder()
    return VendorWltDecoder(library, **options)  # type: ignore[arg-type]
