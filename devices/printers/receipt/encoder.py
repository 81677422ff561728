"""Receipt -> ESC/POS bytes. Pure: no I/O, no clock, no printer state.

Commands come from python-escpos builders rendered into ``escpos.printer.Dummy`` (we take
``.output``); Chinese text is encoded here, because python-escpos's code-page machinery has no
Chinese tables. Two ways to print Chinese, chosen by ``EncoderOptions.text_mode``:

* ``GB18030``: select Chinese (Kanji) character mode with ``FS &`` (Epson *ESC/POS Command
  Reference*, "FS &: Select Kanji character mode"; on Chinese-model firmware the multi-byte code
  system is GB2312/GBK/GB18030, and ``ESC @`` may reset the mode, so we send ``FS &`` right after
  it) and send GB18030 bytes. Most printers sold in China only carry GBK glyphs (2-byte codes);
  a line holding a character a GBK font lacks (4-byte GB18030 codes such as 𠀾, or 2-byte codes
  in GBK's private areas such as 䶮 ``FE 9F``; rare characters do occur in names) is therefore
  printed as a raster image when ``rare_chars_as_image`` is set.
* ``RASTER``: every text line is drawn with Noto Sans CJK SC and sent as ``GS v 0`` raster images,
  for printers with no Chinese font at all.

The QR code is native (``GS ( k``, model 2) or an image (``GS v 0``), per ``qr_native``.
What this module does not do: talk to a printer, queue, or decide anything about the job.
"""
from __future__ import annotations

import copy
import enum
import textwrap
import unicodedata
from dataclasses import dataclass
from typing import Callable

import qrcode
from devices.printers.receipt import escpos_cache  # noqa: F401 - before escpos
from escpos.printer import Dummy
from PIL import Image, ImageDraw

from devices.printers.fonts import find_cjk_sc
from devices.printers.receipt.model import Receipt

FS = b"\x1c"
KANJI_ON = FS + b"&"  # FS &: select Kanji (Chinese) character mode
KANJI_OFF = FS + b"."  # FS .: cancel Kanji character mode
LF = b"\n"
FONT_A_DOTS = 12  # font A is 12x24 dots; a full-width (Chinese) glyph is 24x24


class TextMode(enum.Enum):
    GB18030 = "gb18030"
    RASTER = "raster"


@dataclass(frozen=True)
class EncoderOptions:
    """How to encode for one printer model.

    Attributes:
        text_mode: GB18030 text with the printer's font, or raster images of the text.
        paper_width_dots: printable width; 576 for 80 mm paper, 384 for 58 mm.
        qr_native: ``GS ( k`` QR (printer draws it) or an image.
        qr_module: QR module size in dots (1..16).
        rare_chars_as_image: in GB18030 mode, print lines with 4-byte GB18030 characters as images.
        cut: feed and cut at the end.
    """

    text_mode: TextMode = TextMode.GB18030
    paper_width_dots: int = 576
    qr_native: bool = True
    qr_module: int = 6
    rare_chars_as_image: bool = True
    cut: bool = True

    def __post_init__(self) -> None:
        if self.paper_width_dots % 8 or not 128 <= self.paper_width_dots <= 832:
            raise ValueError("paper_width_dots must be a multiple of 8 between 128 and 832")
        if not 1 <= self.qr_module <= 16:
            raise ValueError("qr_module must be 1..16")

    @property
    def columns(self) -> int:
        return self.paper_width_dots // FONT_A_DOTS


def _dummy(build: Callable[[Dummy], None]) -> bytes:
    d = Dummy()
    build(d)
    return d.output


def display_width(text: str) -> int:
    """Columns ``text`` takes in font A: full-width (East Asian W/F) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def wrap(text: str, columns: int, indent: int = 0) -> list[str]:
    """Wrap ``text`` to ``columns`` display columns; continuation lines get ``indent`` spaces.

    Chinese has no spaces, so we break between any two characters, but keep ASCII words whole
    when they fit (an application number must not be split in the middle if avoidable).
    """
    lines: list[str] = []
    for paragraph in text.split("\n") or [""]:
        current, width = "", 0
        limit = columns
        tokens = _tokens(paragraph)
        for token in tokens:
            w = display_width(token)
            if width + w > limit and current.strip():
                lines.append(current.rstrip())
                current, width = " " * indent, indent
                limit = columns
                if token == " ":
                    continue
            if w > limit - width:  # a single token wider than the line: hard split
                for ch in token:
                    cw = display_width(ch)
                    if width + cw > limit:
                        lines.append(current.rstrip())
                        current, width = " " * indent, indent
                    current += ch
                    width += cw
                continue
            current += token
            width += w
        lines.append(current.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    word = ""
    for ch in text:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            out.append(word)
            word = ""
        out.append(ch)
    if word:
        out.append(word)
    return out


def _risky_code(code: bytes) -> bool:
    if len(code) == 4:
        return True  # outside GBK altogether: CJK Ext. B+, most of Ext. A
    if len(code) != 2:
        return False
    lead, trail = code
    return (
        (0xAA <= lead <= 0xAF and trail >= 0xA1)  # user-defined area 1
        or (0xF8 <= lead <= 0xFE and trail >= 0xA1)  # user-defined area 2
        or (0xA1 <= lead <= 0xA7 and 0x40 <= trail <= 0xA0)  # user-defined area 3
        or (lead == 0xFE and 0x50 <= trail <= 0xA0)  # GBK PUA codes GB18030 remapped to Ext. A
    )


def needs_image(text: str) -> bool:
    """True when ``text`` holds a character a GBK printer font will not draw right.

    That is a 4-byte GB18030 code, or a 2-byte code in GBK's user-defined or remapped areas
    (e.g. 䶮 U+4DAE is ``FE 9F``, a code GBK fonts treat as private use).
    """
    return any(ord(c) > 0x7F and _risky_code(c.encode("gb18030")) for c in text)


def render_text_image(lines: list[str], options: EncoderOptions, scale: int = 1, bold: bool = False,
                      center: bool = False) -> Image.Image:
    """Draw text lines as a 1-bit image as wide as the paper (24-dot glyphs times ``scale``)."""
    face = find_cjk_sc().bold() if bold else find_cjk_sc()
    size = 24 * scale
    font = face.pil(size)
    line_h = size + 6 * scale
    img = Image.new("1", (options.paper_width_dots, max(1, line_h * len(lines))), 1)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        x = 0
        if center:
            x = max(0, (options.paper_width_dots - int(draw.textlength(line, font=font))) // 2)
        draw.text((x, i * line_h), line, font=font, fill=0)
    return img


def _image(img: Image.Image) -> bytes:
    def build(d: Dummy) -> None:
        # A private copy of the profile with the paper width set, so escpos neither prints its
        # "media.width.pixel ... not set" notice nor mutates the shared default profile.
        d.profile.profile_data = copy.deepcopy(d.profile.profile_data)
        d.profile.profile_data["media"]["width"]["pixels"] = img.width
        d.image(img, impl="bitImageRaster")
    return _dummy(build)


def encode_init(options: EncoderOptions) -> bytes:
    """``ESC @`` (initialise), plus ``FS &`` in GB18030 mode."""
    out = _dummy(lambda d: d.hw("INIT"))
    return out + (KANJI_ON if options.text_mode is TextMode.GB18030 else b"")


def encode_style(*, bold: bool = False, double: bool = False, align: str = "left") -> bytes:
    """Character size, emphasis and justification via escpos ``set``."""
    return _dummy(lambda d: d.set(align=align, bold=bold, double_width=double,
                                  double_height=double, normal_textsize=not double))


def encode_lines(lines: list[str], options: EncoderOptions, *, scale: int = 1, bold: bool = False,
                 center: bool = False) -> bytes:
    """Text lines as GB18030 bytes, or as a raster image when the mode or a rare character asks."""
    as_image = options.text_mode is TextMode.RASTER or (
        options.rare_chars_as_image and any(needs_image(line) for line in lines)
    )
    if as_image:
        return encode_style(align="left") + _image(render_text_image(lines, options, scale, bold, center))
    return b"".join(line.encode("gb18030") + LF for line in lines)


def encode_heading(title: str, options: EncoderOptions) -> bytes:
    """Bold, double-size, centred title."""
    cols = options.columns // 2
    lines = wrap(title, cols)
    if options.text_mode is TextMode.RASTER or (options.rare_chars_as_image and needs_image(title)):
        return encode_lines(lines, options, scale=2, bold=True, center=True)
    return (encode_style(bold=True, double=True, align="center") + encode_lines(lines, options)
            + encode_style(align="left"))


def qr_image(payload: str, options: EncoderOptions) -> Image.Image:
    """The QR code as an image centred on a paper-wide canvas (module = ``qr_module`` dots)."""
    code = qrcode.QRCode(box_size=options.qr_module, border=2,
                         error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    img = code.make_image().get_image().convert("1")
    if img.width > options.paper_width_dots:
        raise ValueError("QR payload too long for the paper width at this module size")
    canvas = Image.new("1", (options.paper_width_dots, img.height), 1)
    canvas.paste(img, ((options.paper_width_dots - img.width) // 2, 0))
    return canvas


def encode_qr(payload: str, options: EncoderOptions) -> bytes:
    """Centred QR code: ``GS ( k`` model 2, level M, or a ``GS v 0`` image."""
    if not payload:
        return b""
    if options.qr_native:
        return (encode_style(align="center")
                + _dummy(lambda d: d.qr(payload, ec=1, size=options.qr_module, native=True))
                + encode_style(align="left"))
    return _image(qr_image(payload, options))


def encode_cut() -> bytes:
    """Feed past the cutter and cut (``ESC d 6``, ``GS V 0``)."""
    return _dummy(lambda d: d.cut())


def row_lines(label: str, value: str, columns: int) -> list[str]:
    """``label：value`` wrapped with a hanging indent under the value when the label is short."""
    head = f"{label}："
    indent = display_width(head) if display_width(head) <= columns // 3 else 0
    return wrap(head + value, columns, indent)


def encode_receipt(receipt: Receipt, options: EncoderOptions | None = None) -> bytes:
    """Encode a whole receipt.

    Args:
        receipt: what to print.
        options: printer model settings; defaults to 80 mm, GB18030, native QR.

    Returns:
        The ESC/POS byte stream, starting with ``ESC @`` and ending with a cut.

    Raises:
        ValueError: the QR payload does not fit the paper as an image.
        devices.printers.fonts.FontNotFoundError: an image is needed and no CJK font exists.
    """
    options = options or EncoderOptions()
    cols = options.columns
    rule = ["-" * cols]
    parts = [encode_init(options), encode_heading(receipt.title, options), LF]
    if receipt.application_number:   # a printed guide belongs to no application
        parts.append(encode_style(bold=True))
        parts.append(encode_lines(row_lines(receipt.number_label, receipt.application_number,
                                            cols), options, bold=True))
        parts.append(encode_style(bold=False))
    parts.append(encode_lines(rule, options))
    for label, value in receipt.rows:
        parts.append(encode_lines(row_lines(label, value, cols), options))
    parts.append(encode_lines(rule, options))
    parts.append(encode_qr(receipt.qr_payload, options))
    for note in receipt.notes:
        parts.append(encode_lines(wrap(note, cols), options))
    parts.append(encode_lines([f"打印时间：{receipt.printed_at:%Y-%m-%d %H:%M}"], options))
    if options.cut:
        parts.append(encode_cut())
    return b"".join(parts)


__all__ = [
    "EncoderOptions", "TextMode", "encode_receipt", "encode_init", "encode_heading", "encode_lines",
    "encode_qr", "encode_cut", "encode_style", "wrap", "display_width", "needs_image",
    "qr_image", "render_text_image", "row_lines", "KANJI_ON", "KANJI_OFF",
]
_ = textwrap  # textwrap is not used for CJK: it counts characters, not display columns
