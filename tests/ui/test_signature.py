"""The signature pad's strokes become a PNG; garbage strokes never raise."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ui.bridges.signature import strokes_to_png
from ui.qt import QImage

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_strokes_draw_ink_where_the_finger_went(qapp) -> None:
    png = strokes_to_png([[{"x": 10, "y": 50}, {"x": 190, "y": 50}]], 200, 100)
    assert png.startswith(PNG_MAGIC)
    image = QImage.fromData(png)
    assert (image.width(), image.height()) == (200, 100)
    assert image.pixelColor(100, 50).lightness() < 60       # ink on the line
    assert image.pixelColor(100, 10).lightness() > 240      # paper elsewhere
    assert image.format() == QImage.Format.Format_Grayscale8    # grey levels, not colour


def test_an_empty_pad_gives_no_image(qapp) -> None:
    assert strokes_to_png([], 400, 200) == b""
    assert strokes_to_png([[]], 400, 200) == b""
    assert strokes_to_png([[{"x": "a", "y": None}]], 400, 200) == b""


point = st.one_of(st.fixed_dictionaries({"x": st.floats(allow_nan=True), "y": st.floats()}),
                  st.tuples(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6)),
                  st.none(), st.text(max_size=3), st.dictionaries(st.text(max_size=2), st.integers()))
garbage = st.one_of(st.lists(st.one_of(st.lists(point, max_size=5), st.none(), st.integers()),
                             max_size=4), st.none(), st.text(max_size=5), st.integers())


@settings(max_examples=60, deadline=None)
@given(strokes=garbage, w=st.integers(-5, 5000), h=st.integers(-5, 5000))
def test_garbage_strokes_never_raise(qapp, strokes, w: int, h: int) -> None:
    png = strokes_to_png(strokes, w, h)
    assert png == b"" or png.startswith(PNG_MAGIC)
