"""Encoder: golden bytes against python-escpos's Dummy, GB18030 round trips, wrapping, images."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from escpos.printer import Dummy
from hypothesis import given
from hypothesis import strategies as st

from devices.printers.receipt import encoder as enc
from devices.printers.receipt.encoder import EncoderOptions, TextMode
from devices.printers.receipt.parser import EscposParser, QrPrinted, RasterImage, TextPrinted
from devices.printers.receipt.render import Page, raster_to_image


def test_init_is_esc_at_then_fs_ampersand() -> None:
    d = Dummy()
    d.hw("INIT")
    assert d.output == b"\x1b@"
    assert enc.encode_init(EncoderOptions()) == d.output + b"\x1c&"
    assert enc.encode_init(EncoderOptions(text_mode=TextMode.RASTER)) == b"\x1b@"


def test_heading_is_bold_double_centered_gb18030() -> None:
    d = Dummy()
    d.set(align="center", bold=True, double_width=True, double_height=True)
    on = d.output
    d.clear()
    d.set(align="left", bold=False, normal_textsize=True)
    off = d.output
    assert enc.encode_heading("业务受理回执", EncoderOptions()) == on + "业务受理回执".encode("gb18030") + b"\n" + off
    assert on.endswith(b"\x1bE\x01\x1ba\x01") and b"\x1b!0" in on  # bold, centre, double W+H


def test_native_qr_and_cut_match_escpos() -> None:
    d = Dummy()
    d.qr("https://x.cn/1", ec=1, size=6, native=True)
    qr = d.output
    assert qr.startswith(b"\x1d(k\x04\x001A2\x00")  # GS ( k: model 2
    assert qr in enc.encode_qr("https://x.cn/1", EncoderOptions())
    d.clear()
    d.cut()
    assert enc.encode_cut() == d.output == b"\x1bd\x06\x1dV\x00"
    assert enc.encode_qr("", EncoderOptions()) == b""


def test_line_golden_bytes() -> None:
    assert enc.encode_lines(["申请编号：A1"], EncoderOptions()) == (
        b"\xc9\xea\xc7\xeb\xb1\xe0\xba\xc5\xa3\xbaA1\n")


RARE = "𠀾䶮龘㐀𪚥𫓧"  # Ext B, Ext A, common rare, Ext A first, Ext B, Ext C


@given(st.text(alphabet=st.sampled_from(list("张王李赵钱孙有限责任公司（）：；、。ABC123 -") + list(RARE)),
               min_size=1, max_size=40))
def test_gb18030_round_trip_through_the_printer_parser(text: str) -> None:
    text = text.strip() or "空"
    raw = enc.KANJI_ON + text.encode("gb18030") + b"\n"
    got = "".join(e.text for e in EscposParser().events(raw) if isinstance(e, TextPrinted))
    assert got == text


def test_rare_characters_are_four_bytes_and_go_to_image_by_default() -> None:
    for ch in RARE[:1] + RARE[4:]:
        assert len(ch.encode("gb18030")) == 4
    assert "䶮".encode("gb18030") == b"\xfe\x9f"  # GBK private-use code in GB18030's 2-byte form
    for ch in RARE[:2] + RARE[3:]:
        assert enc.needs_image(ch), ch
    assert not enc.needs_image("张三有限责任公司龘，。（）")
    out = enc.encode_lines(["经营者：张䶮"], EncoderOptions())
    assert b"\x1dv0" in out and "张".encode("gb18030") not in out
    plain = enc.encode_lines(["经营者：张䶮"], EncoderOptions(rare_chars_as_image=False))
    assert plain == "经营者：张䶮\n".encode("gb18030")


def test_raster_mode_sends_no_text_bytes(receipt) -> None:  # noqa: ANN001
    out = enc.encode_receipt(receipt, EncoderOptions(text_mode=TextMode.RASTER, qr_native=False))
    events = EscposParser().events(out)
    assert not [e for e in events if isinstance(e, TextPrinted) and e.text.strip()]
    images = [e for e in events if isinstance(e, RasterImage)]
    assert len(images) >= 5
    assert all(e.width_bytes * 8 == 576 for e in images)
    assert "业务".encode("gb18030") not in out


def test_image_qr_decodes_to_payload() -> None:
    options = EncoderOptions(qr_native=False, paper_width_dots=384)
    events = EscposParser().events(enc.encode_qr("https://ywtb.example.cn/t/A1", options))
    (img_ev,) = [e for e in events if isinstance(e, RasterImage)]
    img = np.array(raster_to_image(img_ev).convert("L"))
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(img)
    assert text == "https://ywtb.example.cn/t/A1"


@given(st.text(alphabet=st.sampled_from(list("营业执照经营范围一般项目，。ABCdef123 ")), max_size=200),
       st.integers(8, 48))
def test_wrap_never_exceeds_columns(text: str, columns: int) -> None:
    for line in enc.wrap(text, columns):
        assert enc.display_width(line) <= columns
    assert "".join(enc.wrap(text, columns)).replace(" ", "") == text.replace(" ", "")


def test_row_wraps_with_hanging_indent() -> None:
    lines = enc.row_lines("经营范围", "一般项目：" + "餐饮服务；" * 10, 32)
    assert lines[0].startswith("经营范围：一般项目")
    assert all(line.startswith(" " * 10) for line in lines[1:])
    assert all(enc.display_width(line) <= 32 for line in lines)


def test_full_receipt_structure(receipt) -> None:  # noqa: ANN001
    out = enc.encode_receipt(receipt)
    assert out.startswith(b"\x1b@\x1c&") and out.endswith(b"\x1bd\x06\x1dV\x00")
    page = Page()
    events = EscposParser().events(out)
    for e in events:
        page.feed(e)
    text = page.to_text()
    assert "申请编号：A2026112100001" in text
    assert "名称：某某县张三小吃店（个体工商户）" in text
    assert "打印时间：2026-11-21 14:00" in text
    assert [e.payload for e in events if isinstance(e, QrPrinted)] == [receipt.qr_payload]
    assert page.cut


def test_58mm_lines_fit(make_receipt) -> None:  # noqa: ANN001
    options = EncoderOptions(paper_width_dots=384)
    page = Page()
    for e in EscposParser().events(enc.encode_receipt(make_receipt(), options)):
        page.feed(e)
    for block in page.blocks:
        if hasattr(block, "spans") and block.spans and block.spans[0].width == 1:
            assert enc.display_width(block.text) <= 32


def test_options_validate() -> None:
    with pytest.raises(ValueError):
        EncoderOptions(paper_width_dots=577)
    with pytest.raises(ValueError):
        EncoderOptions(qr_module=0)
