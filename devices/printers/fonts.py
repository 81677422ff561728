"""Find the Noto Sans CJK **SC** face for rendering Chinese on paper and in previews.

A ``.ttc`` collection lists several faces; the first one in ``NotoSansCJK-Regular.ttc`` is the
Japanese face, whose glyph shapes differ from the mainland standard (e.g. 直, 骨). We pick the face
whose family name ends in "SC". No font is downloaded here; when none is found we raise
``FontNotFoundError`` rather than render empty boxes.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

#: Searched in order; ``KIOSK_CJK_FONT`` (a path, optionally ``path#index``) wins when set.
CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
_BOLD = {"NotoSansCJK-Regular.ttc": "NotoSansCJK-Bold.ttc"}


class FontNotFoundError(RuntimeError):
    """No Simplified Chinese face is installed (install ``fonts-noto-cjk``)."""


@dataclass(frozen=True)
class CjkFace:
    """A font file and the index of its SC face inside the collection."""

    path: Path
    index: int
    family: str

    def pil(self, size: int) -> ImageFont.FreeTypeFont:
        """The face as a Pillow font of ``size`` pixels."""
        return _pil(str(self.path), self.index, size)

    def bold(self) -> CjkFace:
        """The bold face of the same family when installed, else this face."""
        name = _BOLD.get(self.path.name)
        if name and (self.path.parent / name).exists():
            try:
                return _find_sc(self.path.parent / name)
            except FontNotFoundError:
                pass
        return self


@functools.lru_cache(maxsize=64)
def _pil(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size=size, index=index)


def _find_sc(path: Path) -> CjkFace:
    for index in range(16):
        try:
            font = ImageFont.truetype(str(path), size=12, index=index)
        except OSError:
            break  # past the last face of the collection
        family = font.getname()[0] or ""
        if family.endswith(" SC") or family.endswith("SC"):
            return CjkFace(path, index, family)
    raise FontNotFoundError(f"{path} has no Simplified Chinese (SC) face")


@functools.lru_cache(maxsize=1)
def find_cjk_sc() -> CjkFace:
    """Locate the Noto Sans CJK SC face.

    Returns:
        The face (path, collection index, family name).

    Raises:
        FontNotFoundError: no candidate file exists or none has an SC face.
    """
    override = os.environ.get("KIOSK_CJK_FONT")
    if override:
        path, _, index = override.partition("#")
        if index:
            return CjkFace(Path(path), int(index), "override")
        return _find_sc(Path(path))
    for candidate in CANDIDATES:
        path = Path(candidate)
        if path.exists():
            try:
                return _find_sc(path)
            except FontNotFoundError:
                continue
    raise FontNotFoundError(
        "no Noto Sans CJK SC font found; install fonts-noto-cjk or set KIOSK_CJK_FONT "
        f"(searched {', '.join(CANDIDATES)})"
    )
