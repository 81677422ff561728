"""WAVs are read back and measured; what a page says is worded from what it shows, and
anything the UI sends, however odd, reads as words or nothing (never an error)."""
from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.voice import wav
from kiosk.voice.script import (CHOICES_INTRO, ERRORS_INTRO, Shown, clean, errors_utterance,
                                utterance)
from tests.kiosk.voice.engines import tone


def test_a_streaming_header_is_made_true() -> None:
    data = bytearray(tone(0.1))
    struct.pack_into("<I", data, 4, 0x7FFFFFFF)        # what espeak-ng --stdout writes
    struct.pack_into("<I", data, 40, 0x7FFFFFFF)
    fixed = wav.normalise(bytes(data))
    assert wav.read(fixed) == wav.read(tone(0.1))
    assert struct.unpack_from("<I", fixed, 40)[0] == len(wav.read(fixed).frames)


@pytest.mark.parametrize("data", [b"", b"RIFF", b"not a wav at all" * 10, b"\x00" * 44,
                                  b"RIFF\xff\xff\xff\xffWAVEfmt "])
def test_garbage_is_not_a_wav(data: bytes) -> None:
    with pytest.raises(ValueError):
        wav.read(data)


def test_silence_and_full_scale_measure_zero_and_one() -> None:
    assert wav.rms(wav.Pcm(1, 2, 16000, b"\x00\x00" * 100)) == 0.0
    assert wav.rms(wav.Pcm(1, 2, 16000, struct.pack("<h", -32768) * 100)) == 1.0
    assert wav.rms(wav.Pcm(1, 1, 16000, bytes([128]) * 100)) == 0.0


def test_a_page_reads_heading_question_errors_words_then_choices() -> None:
    shown = Shown.from_plain({
        "kind": "choice", "heading": "请选择经营者类型", "question": "个体工商户可以由个人经营",
        "errors": ["请选择一项"], "texts": ["请选择经营者类型", "● 个人经营\n一个人经营"],
        "choices": ["○ 个人经营", "● 家庭经营"]})
    said = utterance(shown)
    assert said == ("请选择经营者类型。个体工商户可以由个人经营。" + ERRORS_INTRO + "请选择一项。"
                    "个人经营 一个人经营。" + CHOICES_INTRO + "个人经营；家庭经营，已选。")


def test_the_footer_says_which_button_goes_on_then_the_others() -> None:
    page = {"kind": "text", "heading": "请输入联系电话", "forward": "下一步",
            "actions": ["上一步", "跳过，不填写", "下一步"]}
    assert utterance(Shown.from_plain(page)) == (
        "请输入联系电话。完成后，请按屏幕下方的“下一步”；也可以按“上一步”或“跳过，不填写”。")
    assert utterance(Shown.from_plain({**page, "actions": []})).endswith(
        "完成后，请按屏幕下方的“下一步”。")
    # no button that goes on (a page that goes on by itself): the others alone, plainly
    assert utterance(Shown.from_plain({**page, "forward": "", "actions": ["上一步"]})).endswith(
        "。可以按屏幕下方的“上一步”。")
    assert utterance(Shown.from_plain({**page, "forward": "", "actions": []})) == "请输入联系电话。"


def test_the_review_page_keeps_the_persons_details_to_the_screen() -> None:
    shown = Shown.from_plain({"kind": "review", "heading": "请核对申请信息",
                              "texts": ["经营者", "司马青云", "联系电话", "13800138000"],
                              "choices": ["修改", "确认提交申请"]})
    said = utterance(shown)
    assert "司马青云" not in said and "13800138000" not in said
    assert said.startswith("请核对申请信息。") and "确认提交申请" in said


def test_errors_alone_are_read_when_they_appear() -> None:
    assert errors_utterance(["名称已被使用", "", "请填写字号"]) == \
        ERRORS_INTRO + "名称已被使用；请填写字号。"
    assert errors_utterance([]) == ""


def test_control_characters_markup_and_bullets_are_not_read() -> None:
    assert clean("· 个人\u202e经营\x00<b>重要</b>\n下一行") == "个人 经营 重要 下一行"
    assert clean(None) == "" and clean(42) == "" and len(clean("字" * 10_000)) == 400


json_like = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                         lambda inner: st.lists(inner, max_size=5)
                         | st.dictionaries(st.text(max_size=10), inner, max_size=5),
                         max_leaves=30)


@given(st.dictionaries(st.sampled_from(["kind", "heading", "question", "errors", "texts",
                                        "choices", "forward", "actions", "other"]), json_like)
       | json_like)
def test_anything_the_ui_sends_reads_as_text(value) -> None:
    said = utterance(Shown.from_plain(value))
    assert isinstance(said, str) and len(said) < 60 * 400 + 1000
    assert not any(ord(ch) < 32 for ch in said)
