"""WLT photo decoding: optional, pluggable, and never failing a read (domain.md §2.5)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from devices.idcard.frames import PHOTO_HEIGHT, PHOTO_RAW_LEN, PHOTO_WIDTH
from devices.idcard.photo import NOT_CONFIGURED, NoPhotoDecoder, VendorWltDecoder, load_decoder

WLT = bytes(range(256)) * 4

# A stand-in for a vendor library with the unpack(src, dst, code) entry point: it writes
# B, G, R = (1, 2, 3) for every pixel, or refuses a wrong vendor code as the real ones do.
STUB = r"""
int unpack(char *src, char *dst, int code) {
    if (code != 602) return 0;
    for (int i = 0; i < 102 * 126; i++) { dst[3*i] = 1; dst[3*i+1] = 2; dst[3*i+2] = src[0] + 3; }
    return 1;
}
"""


@pytest.fixture(scope="module")
def stub_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build the stub vendor library")
    folder = tmp_path_factory.mktemp("wlt")
    (folder / "stub.c").write_text(STUB)
    library = folder / "libwltstub.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-o", str(library), str(folder / "stub.c")], check=True)
    return library


def test_without_a_library_the_photo_stays_raw_and_says_so() -> None:
    photo = load_decoder(None).decode(WLT)
    assert isinstance(load_decoder(""), NoPhotoDecoder)
    assert photo.wlt == WLT and photo.rgb is None and not photo.decoded
    assert photo.message == NOT_CONFIGURED == "未配置照片解码库"
    with pytest.raises(ValueError, match=NOT_CONFIGURED):
        photo.to_png()


def test_a_missing_library_is_a_message_not_a_crash(tmp_path: Path) -> None:
    photo = load_decoder(tmp_path / "libwlt2bmp.so").decode(WLT)
    assert photo.wlt == WLT and not photo.decoded
    assert "照片解码库无法加载" in photo.message


def test_a_library_without_the_function_is_a_message(stub_library: Path) -> None:
    photo = VendorWltDecoder(stub_library, function="Wlt2Bmp").decode(WLT)
    assert not photo.decoded and "无法加载" in photo.message


def test_vendor_library_decodes_and_swaps_b_and_r(stub_library: Path) -> None:
    photo = load_decoder(stub_library).decode(WLT, sam_id="05.01-20101129-0001228293-0296863149")
    assert photo.decoded and photo.message == ""
    assert len(photo.rgb) == PHOTO_RAW_LEN
    assert photo.rgb[:6] == bytes([3, 2, 1, 3, 2, 1])  # R, G, B after the swap
    png = photo.to_png()
    assert png.startswith(b"\x89PNG")
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (PHOTO_WIDTH, PHOTO_HEIGHT)


def test_a_refusing_library_is_a_message(stub_library: Path) -> None:
    photo = load_decoder(stub_library, vendor_code=603).decode(WLT)
    assert not photo.decoded and "照片解码失败" in photo.message and photo.wlt == WLT


def test_a_bmp_that_is_not_a_photo_is_a_message(stub_library: Path) -> None:
    photo = load_decoder(stub_library, output="bmp").decode(WLT)  # the stub writes no BMP
    assert not photo.decoded and photo.message == "照片解码失败"
