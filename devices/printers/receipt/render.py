"""Turn the parser's events for one receipt into text and a PNG, as the simulator's "paper".

Knows only what ``parser.py`` emits. Text uses Noto Sans CJK SC at 24 dots per normal glyph
(font A height); raster images are pasted dot for dot; native QR codes are drawn with ``qrcode``.
Fails loudly (``FontNotFoundError``) without a CJK font. No I/O except ``save_png``.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageOps

from devices.printers.fonts import find_cjk_sc
from devices.printers.receipt import parser as p

GLYPH = 24
LINE_GAP = 6


@dataclass
class _Style:
    bold: bool = False
    underline: bool = False
    align: str = "left"
    width: int = 1
    height: int = 1


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool
    width: int
    height: int


@dataclass(frozen=True)
class TextLine:
    align: str
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class ImageBlock:
    align: str
    image: Image.Image  # mode "1"


@dataclass(frozen=True)
class QrBlock:
    align: str
    payload: str
    module: int


Block = TextLine | ImageBlock | QrBlock


@dataclass
class Page:
    """One receipt as it came off the printer, built event by event."""

    blocks: list[Block] = field(default_factory=list)
    cut: bool = False
    _style: _Style = field(default_factory=_Style)
    _spans: list[Span] = field(default_factory=list)

    def feed(self, event: p.Event) -> None:
        """Apply one parser event (status requests are ignored: they print nothing)."""
        st = self._style
        if isinstance(event, p.Initialized):
            self._style = _Style()
        elif isinstance(event, p.TextPrinted):
            self._spans.append(Span(event.text, st.bold, st.width, st.height))
        elif isinstance(event, p.LinesFed):
            if self._spans or event.count:
                self._end_line()
                for _ in range(max(0, event.count - 1)):
                    self.blocks.append(TextLine(st.align, ()))
        elif isinstance(event, p.StyleChanged):
            setattr(st, event.name, event.value)
        elif isinstance(event, p.RasterImage):
            self._end_line(only_if_text=True)
            self.blocks.append(ImageBlock(st.align, raster_to_image(event)))
        elif isinstance(event, p.QrPrinted):
            self._end_line(only_if_text=True)
            self.blocks.append(QrBlock(st.align, event.payload, event.module))
        elif isinstance(event, p.PaperCut):
            self._end_line(only_if_text=True)
            self.cut = True

    def _end_line(self, only_if_text: bool = False) -> None:
        if only_if_text and not self._spans:
            return
        self.blocks.append(TextLine(self._style.align, tuple(self._spans)))
        self._spans = []

    @property
    def printed_anything(self) -> bool:
        return bool(self._spans) or any(
            not isinstance(b, TextLine) or b.spans for b in self.blocks)

    def to_text(self) -> str:
        """Plain text: text lines as printed, ``[图像 WxH]`` for images, ``[二维码 payload]`` for QR."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, TextLine):
                out.append(block.text)
            elif isinstance(block, ImageBlock):
                out.append(f"[图像 {block.image.width}x{block.image.height}]")
            else:
                out.append(f"[二维码 {block.payload}]")
        return "\n".join(out)

    def to_image(self, width: int = 576) -> Image.Image:
        """Draw the page as a white strip ``width`` dots wide (grey rule marks the cut)."""
        tiles: list[tuple[str, Image.Image]] = []
        for block in self.blocks:
            if isinstance(block, TextLine):
                tiles.append((block.align, _draw_line(block, width)))
            elif isinstance(block, ImageBlock):
                tiles.append((block.align, block.image.convert("L")))
            else:
                code = qrcode.QRCode(box_size=block.module, border=1)
                code.add_data(block.payload)
                code.make(fit=True)
                tiles.append((block.align, code.make_image().get_image().convert("L")))
        height = sum(t.height for _, t in tiles) + 20
        page = Image.new("L", (width, max(height, 40)), 255)
        y = 10
        for align, tile in tiles:
            x = {"left": 0, "center": (width - tile.width) // 2, "right": width - tile.width}[align]
            page.paste(tile, (max(0, x), y))
            y += tile.height
        if self.cut:
            ImageDraw.Draw(page).line([(0, page.height - 2), (width, page.height - 2)], fill=160, width=2)
        return page

    def save_png(self, path: Path, width: int = 576) -> Path:
        self.to_image(width).save(path, format="PNG")
        return path


def raster_to_image(event: p.RasterImage) -> Image.Image:
    """``GS v 0`` data (1 = black) to a Pillow image (mode "1", 1 = white)."""
    img = Image.frombytes("1", (event.width_bytes * 8, event.height), event.data)
    return ImageOps.invert(img.convert("L")).convert("1")


def _draw_line(line: TextLine, width: int) -> Image.Image:
    """Lay text out on the printer's fixed pitch: 12-dot half-width cells, 24-dot full-width ones.

    A proportional layout would make our 48-dash rules look short and hide overflow that a real
    printer shows, so each character is centred in its own cell as font A does.
    """
    tall = max([s.height for s in line.spans] or [1])
    height = int(GLYPH * tall * 1.2) + LINE_GAP
    tile = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(tile)
    x = 0
    for span in line.spans:
        face = find_cjk_sc().bold() if span.bold else find_cjk_sc()
        font = face.pil(GLYPH * span.height)
        baseline = height - LINE_GAP - int(GLYPH * span.height * 1.2)
        for ch in span.text:
            cell = (GLYPH if unicodedata.east_asian_width(ch) in ("W", "F") else GLYPH // 2) * span.width
            glyph_w = draw.textlength(ch, font=font)
            draw.text((x + (cell - glyph_w) / 2, baseline), ch, font=font, fill=0)
            x += cell
    used = min(x, width)
    if line.align in ("center", "right") and used < width:
        shifted = Image.new("L", (width, height), 255)
        dx = (width - used) // 2 if line.align == "center" else width - used
        shifted.paste(tile.crop((0, 0, used, height)), (dx, 0))
        return shifted
    return tile
