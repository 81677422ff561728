"""Licence layout: real PDFs via QPdfWriter, rendered back with QtPdf and checked by text and pixels."""
from __future__ import annotations

import os
import unicodedata
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from devices.health import DeviceState
from devices.printers.licence import (
    Licence, LicenceLayout, LicencePrinter, LicencePrinterStatus, LicencePrintError, parse_lpstat,
    pdf_text, render_pdf, render_png,
)

DPI = 50


def _text(pdf: Path) -> str:
    """PDF text with line breaks removed and NFKC applied: Qt maps some CJK glyphs of Noto CJK to
    their Kangxi-radical twins (⼀ U+2F00 for 一) in the PDF's ToUnicode table; NFKC folds them back."""
    return unicodedata.normalize("NFKC", pdf_text(pdf)).replace("\r", "").replace("\n", "")


LIC = Licence(
    name="某某县张三小吃店", uscc="92110105MA01ABCD2X", licence_number="110105600123456",
    subject_type_label="个体工商户", person_label="经营者", person_name="张三",
    premises_label="经营场所", premises="某某省某某市某某县城关镇人民路88号1幢101室",
    scope="一般项目：餐饮服务（不产生油烟、异味、废气）；食品销售（仅销售预包装食品）。",
    established="2026年11月21日", authority="某某县市场监督管理局", issued_on="2026年11月21日",
    qr_payload="https://www.gsxt.gov.cn/92110105MA01ABCD2X", copy="副本",
)


def _ink(pdf: Path, png: Path) -> np.ndarray:
    img = render_png(pdf, png, dpi=DPI).convertToFormat(QImage.Format_Grayscale8)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width()] < 128


def _bbox(ink: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(ink)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def test_pdf_has_the_uscc_and_is_not_blank(tmp_path: Path) -> None:
    pdf = tmp_path / "l.pdf"
    report = render_pdf(LIC, LicenceLayout(), pdf)
    assert "92110105MA01ABCD2X" in pdf_text(pdf)  # the raw extraction, without any folding
    text = _text(pdf)
    assert "营业执照" in text and "某某县市场监督管理局" in text
    assert "凭营业执照依法自主开展经营活动" in text
    ink = _ink(pdf, tmp_path / "l.png")
    assert 0.01 < ink.mean() < 0.3
    assert report.truncated == []


def test_offsets_move_the_content(tmp_path: Path) -> None:
    base = LicenceLayout(preprinted=True)
    a = _ink(tmp_path / "a.pdf", tmp_path / "a.png") if render_pdf(LIC, base, tmp_path / "a.pdf") else None
    moved = replace(base, offset_x_mm=10, offset_y_mm=5)
    render_pdf(LIC, moved, tmp_path / "b.pdf")
    b = _ink(tmp_path / "b.pdf", tmp_path / "b.png")
    ax, ay, _, _ = _bbox(a)
    bx, by, _, _ = _bbox(b)
    px_per_mm = DPI / 25.4
    assert abs((bx - ax) - 10 * px_per_mm) <= 2
    assert abs((by - ay) - 5 * px_per_mm) <= 2


def test_preprinted_prints_only_variable_text(tmp_path: Path) -> None:
    render_pdf(LIC, LicenceLayout(preprinted=True), tmp_path / "p.pdf")
    text = _text(tmp_path / "p.pdf")
    assert "92110105MA01ABCD2X" in text and "张三" in text
    assert not text.startswith("营业执照")
    assert "经营范围" not in text and "统一社会信用代码" not in text and "登记机关" not in text


def test_overlong_scope_shrinks_and_never_leaves_the_page(tmp_path: Path) -> None:
    layout = LicenceLayout(offset_x_mm=30, offset_y_mm=30)
    long = replace(LIC, scope="一般项目：" + "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；" * 60,
                   name="某某县" + "特别长的名称" * 12 + "有限责任公司")
    report = render_pdf(long, layout, tmp_path / "s.pdf")
    assert report.font_mm["scope"] < 4.0
    assert "scope" in report.truncated  # 1 800 characters cannot fit: clipped, and said so
    for key, (x, y, w, h) in report.boxes.items():
        assert x >= layout.margin_mm - 0.01 and y >= layout.margin_mm - 0.01, key
        assert x + w <= layout.page_width_mm - layout.margin_mm + 0.01, key
        assert y + h <= layout.page_height_mm - layout.margin_mm + 0.01, key
    ink = _ink(tmp_path / "s.pdf", tmp_path / "s.png")
    margin = int(layout.margin_mm * DPI / 25.4) - 1
    assert not ink[:margin].any() and not ink[-margin:].any()
    assert not ink[:, :margin].any() and not ink[:, -margin:].any()


def test_moderately_long_scope_wraps_without_truncation(tmp_path: Path) -> None:
    mid = replace(LIC, scope="一般项目：" + "日用百货销售；五金产品零售；" * 12)
    report = render_pdf(mid, LicenceLayout(), tmp_path / "m.pdf")
    assert "scope" not in report.truncated
    assert "五金产品零售" in _text(tmp_path / "m.pdf")


def test_a4_portrait_duplicate_fits(tmp_path: Path) -> None:
    report = render_pdf(replace(LIC, capital="伍拾万元整", subject_type_label="有限责任公司(自然人独资)",
                                person_label="法定代表人", premises_label="住所"),
                        LicenceLayout(page_width_mm=210, page_height_mm=297), tmp_path / "a4.pdf")
    text = _text(tmp_path / "a4.pdf")
    assert "伍拾万元整" in text and "92110105MA01ABCD2X" in text
    assert "title" not in report.truncated


def test_printer_writes_pdf_and_reports_health(tmp_path: Path) -> None:
    printer = LicencePrinter(f"pdf://{tmp_path / 'out'}")
    result = printer.print_licence(LIC)
    assert result.pdf.exists() and result.pdf.parent == tmp_path / "out"
    h = printer.health()
    assert (h.device, h.state, h.code) == ("licence_printer", DeviceState.READY, "ready")


def test_cups_without_cups_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    printer = LicencePrinter("cups://Licence_A3")
    assert printer.status() is LicencePrinterStatus.NO_CUPS
    assert printer.health().state is DeviceState.DISCONNECTED


@pytest.mark.parametrize(("rc", "out", "expected"), [
    (0, "printer Licence_A3 is idle.  enabled since Sat 21 Nov 2026", LicencePrinterStatus.READY),
    (0, "printer Licence_A3 now printing Licence_A3-12.  enabled since", LicencePrinterStatus.BUSY),
    (0, "printer Licence_A3 disabled since Sat 21 Nov 2026 -\n\tPaper jam", LicencePrinterStatus.STOPPED),
    (1, "lpstat: Invalid destination name in list \"Nope\".", LicencePrinterStatus.NOT_FOUND),
    (0, "\x00\xff garbage", LicencePrinterStatus.NOT_FOUND),
    (0, "", LicencePrinterStatus.NOT_FOUND),
])
def test_parse_lpstat(rc: int, out: str, expected: LicencePrinterStatus) -> None:
    assert parse_lpstat(rc, out) is expected


@pytest.mark.parametrize("uri", ["", "pdf://", "cups://", "lp://x"])
def test_bad_licence_uri(uri: str) -> None:
    with pytest.raises(ValueError):
        LicencePrinter(uri)


def test_licence_validates() -> None:
    with pytest.raises(ValueError):
        replace(LIC, copy="复印件")
    with pytest.raises(ValueError):
        replace(LIC, uscc="123")
    with pytest.raises(ValueError):
        LicenceLayout(offset_x_mm=80)


@pytest.mark.parametrize("uscc", [
    "../../evil/pwn_xyz",         # 18 characters, as a hostile platform sent them
    "/etc/cron.d/pwn_xy",
    "..\\..\\evil\\pwn_xy",
    "92110105MA01ABCD2\x00",
    "92110105MA01ABCD2x",
    "92110105MA01ABCDOI",         # O and I are not in the GB 32100 alphabet
    "9211010５MA01ABCD2X",         # a full-width digit
])
def test_a_credit_code_that_could_steer_a_path_is_refused(uscc: str) -> None:
    with pytest.raises(ValueError, match="GB 32100"):
        replace(LIC, uscc=uscc)


def test_the_printer_never_writes_outside_its_folder(tmp_path: Path) -> None:
    out = tmp_path / "licences" / "kiosk"
    printer = LicencePrinter(f"pdf://{out}")
    # Even a value that slipped past the model (frozen dataclasses can be forced) cannot name
    # a path: the printer checks again before it builds one.
    forged = replace(LIC)
    object.__setattr__(forged, "uscc", "../../evil/pwn_xyz")
    with pytest.raises(LicencePrintError):
        printer.print_licence(forged)
    assert not (tmp_path / "evil").exists() and list(tmp_path.rglob("*.pdf")) == []


def test_a_symlink_planted_in_the_folder_is_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "licences"
    out.mkdir()
    outside = tmp_path / "outside.pdf"
    (out / f"{LIC.uscc}-duplicate.pdf").symlink_to(outside)
    with pytest.raises(LicencePrintError):
        LicencePrinter(f"pdf://{out}").print_licence(LIC)
    assert not outside.exists()


def test_a_licence_pdf_is_private_and_kept_only_for_its_retention(tmp_path: Path) -> None:
    from tests.clock import Clock
    clock = Clock(1_000_000.0)
    folder = tmp_path / "licences"
    printer = LicencePrinter(f"pdf://{folder}", retention_s=3600, clock=clock)
    first = printer.print_licence(LIC).pdf
    assert first is not None and first.stat().st_mode & 0o777 == 0o600
    os.utime(first, (clock.now - 3601, clock.now - 3601))
    stranger = folder / "notes.pdf"
    stranger.write_bytes(b"%PDF not ours")
    assert printer.purge_expired() == 1 and not first.exists() and stranger.exists()
    second = printer.print_licence(LIC).pdf
    assert second is not None and second.exists()


def test_cups_gets_the_pdf_on_standard_input_and_no_file_is_left(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in for CUPS' lp(1) with its command line: it keeps what it was given to print.
    spool, bin_dir = tmp_path / "spool.pdf", tmp_path / "bin"
    bin_dir.mkdir()
    lp = bin_dir / "lp"
    lp.write_text(f"#!/bin/sh\n[ \"$1\" = -d ] || exit 9\ncat > {spool}\necho 'request id is Q-7 (1 file(s))'\n")
    lp.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    result = LicencePrinter("cups://Licence_A3").print_licence(LIC)
    assert result.pdf is None and result.cups_job == "request id is Q-7 (1 file(s))"
    assert spool.read_bytes().startswith(b"%PDF") and "92110105MA01ABCD2X" in _text(spool)
    assert list((tmp_path / "tmp").iterdir()) == []
