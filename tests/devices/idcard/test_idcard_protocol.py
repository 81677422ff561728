"""SAM frames: golden bytes from domain.md §1.3/§1.5, parser fuzzing, build/parse round trips."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import fuzz

from devices.idcard.frames import MAX_LEN, PREAMBLE, SW3_TABLE, Action, Command, Sw3, status_info
from devices.idcard.identity import encode_text
from devices.idcard.protocol import (
    NEED_DATA,
    FrameParser,
    ProtocolError,
    Request,
    Response,
    build_request,
    build_response,
    checksum,
    decode_sam_id,
    encode_sam_id,
    join_read_data,
    split_read_data,
)
from devices.idcard.simulator import simulated_cards


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# Every request frame listed in domain.md §1.3.
REQUESTS = [
    (Command.RESET_SAM, b"", "AA AA AA 96 69 00 03 10 FF EC"),
    (Command.SAM_STATUS, b"", "AA AA AA 96 69 00 03 11 FF ED"),
    (Command.SAM_ID, b"", "AA AA AA 96 69 00 03 12 FF EE"),
    (Command.FIND_CARD, b"", "AA AA AA 96 69 00 03 20 01 22"),
    (Command.SELECT_CARD, b"", "AA AA AA 96 69 00 03 20 02 21"),
    (Command.READ_TEXT_PHOTO, b"", "AA AA AA 96 69 00 03 30 01 32"),
    (Command.READ_NEW_ADDRESS, b"", "AA AA AA 96 69 00 03 30 03 30"),
    (Command.READ_CHIP_INFO, b"", "AA AA AA 96 69 00 03 30 05 36"),
    (Command.READ_TEXT_PHOTO_FINGER, b"", "AA AA AA 96 69 00 03 30 10 23"),
    (Command.SET_MAX_RF_BYTES, b"\x50", "AA AA AA 96 69 00 04 61 FF 50 CA"),
]

# Every response example in domain.md §1.5: (frame, sw3, data).
RESPONSES = [
    ("AA AA AA 96 69 00 04 00 00 90 94", 0x90, ""),
    ("AA AA AA 96 69 00 04 00 00 60 64", 0x60, ""),
    ("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97", 0x9F, "00 00 00 00"),
    ("AA AA AA 96 69 00 04 00 00 80 84", 0x80, ""),
    ("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C", 0x90, "00" * 8),
    ("AA AA AA 96 69 00 04 00 00 81 85", 0x81, ""),
    ("AA AA AA 96 69 00 04 00 00 41 45", 0x41, ""),
    (
        "AA AA AA 96 69 00 14 00 00 90 05 00 01 00 09 B8 32 01 05 BE 12 00 AD C5 B1 11 63",
        0x90,
        "05 00 01 00 09 B8 32 01 05 BE 12 00 AD C5 B1 11",
    ),
]


@pytest.mark.parametrize("command,data,frame", REQUESTS, ids=[c.name for c, _, _ in REQUESTS])
def test_request_frames_match_the_spec(command: Command, data: bytes, frame: str) -> None:
    assert build_request(command, data=data) == h(frame)
    assert build_request(command.cmd, command.para, data) == h(frame)


def test_set_baud_frame_matches_the_spec() -> None:
    assert build_request(0x60, 0x00) == h("AA AA AA 96 69 00 03 60 00 63")


@pytest.mark.parametrize("command,data,frame", REQUESTS, ids=[c.name for c, _, _ in REQUESTS])
def test_request_frames_parse_back(command: Command, data: bytes, frame: str) -> None:
    parser = FrameParser(Request)
    parser.receive_data(h(frame))
    request = parser.next_event()
    assert request == Request(command.cmd, command.para, data)
    assert request.command is command
    assert parser.next_event() is NEED_DATA


@pytest.mark.parametrize("frame,sw3,data", RESPONSES)
def test_response_examples_parse_and_rebuild(frame: str, sw3: int, data: str) -> None:
    assert checksum(h(frame)[5:]) == 0  # §1.2: XOR of Len..CHK is 0
    parser = FrameParser(Response)
    parser.receive_data(h(frame))
    response = parser.next_event()
    assert response == Response(0, 0, sw3, h(data))
    assert build_response(sw3, h(data)) == h(frame)
    assert response.to_bytes() == h(frame)


def test_sam_id_example_decodes_as_the_spec_says() -> None:
    data = h("05 00 01 00 09 B8 32 01 05 BE 12 00 AD C5 B1 11")
    assert decode_sam_id(data) == "05.01-20101129-0001228293-0296863149"
    assert encode_sam_id("05.01-20101129-0001228293-0296863149") == data
    with pytest.raises(ProtocolError):
        decode_sam_id(data[:-1])
    with pytest.raises(ProtocolError):
        encode_sam_id("not a sam id")


def test_read_answer_is_1295_bytes_with_text_at_14_and_photo_at_270() -> None:
    card = simulated_cards()["resident_valid"]
    text = encode_text(card)
    frame = build_response(Sw3.OK, join_read_data(text, card.photo_wlt))
    assert len(frame) == 1295
    assert frame[:14] == h("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")
    assert frame[14:270] == text
    assert frame[270:1294] == card.photo_wlt
    parser = FrameParser(Response)
    parser.receive_data(frame)
    assert split_read_data(parser.next_event().data) == (text, card.photo_wlt, b"")


@pytest.mark.parametrize("finger_len,total", [(1024, 2321), (512, 1809), (0, 1297)])
def test_read_with_fingerprint_frame_sizes(finger_len: int, total: int) -> None:
    card = simulated_cards()["resident_valid"]
    data = join_read_data(encode_text(card), card.photo_wlt, bytes(finger_len))
    frame = build_response(Sw3.OK, data)
    assert len(frame) == total
    if finger_len == 1024:
        assert frame[:16] == h("AA AA AA 96 69 09 0A 00 00 90 01 00 04 00 04 00")
    assert frame[16:272] == encode_text(card)  # text at offset 16
    assert split_read_data(data, with_fingerprint=True)[2] == bytes(finger_len)


def test_read_data_whose_lengths_do_not_add_up_is_refused() -> None:
    with pytest.raises(ProtocolError):
        split_read_data(b"\x01\x00\x04\x00" + bytes(10))
    with pytest.raises(ProtocolError):
        split_read_data(b"\x01")


def test_every_sw3_code_has_a_message_and_an_action() -> None:
    assert set(SW3_TABLE) == set(Sw3)
    for code in Sw3:
        info = status_info(code)
        assert info.meaning and isinstance(info.action, Action)
    assert status_info(0x55).action is Action.RESET_SAM  # outside §1.4: retry, then reset
    assert Response(0, 0, 0x55).status is None


def test_parser_skips_noise_and_splits_back_to_back_frames() -> None:
    a, b = h(RESPONSES[0][0]), h(RESPONSES[2][0])
    parser = FrameParser(Response)
    parser.receive_data(b"\x00\x13\xAA\xAA" + a + b"\xAA\x96" + b)
    assert parser.next_event().sw3 == 0x90
    assert parser.next_event().sw3 == 0x9F
    assert parser.next_event() is NEED_DATA
    assert parser.discarded == 6


def test_parser_handles_a_frame_split_byte_by_byte() -> None:
    frame = h(RESPONSES[-1][0])
    parser = FrameParser(Response)
    for i, byte in enumerate(frame):
        assert parser.next_event() is NEED_DATA
        parser.receive_data(bytes([byte]))
        if i < len(frame) - 1:
            assert parser.wanted() >= 1
    assert parser.next_event().sw3 == 0x90


def test_wanted_follows_header_then_len() -> None:
    frame = h(RESPONSES[-1][0])
    parser = FrameParser(Response)
    assert parser.wanted() == 7
    parser.receive_data(frame[:3])
    assert parser.wanted() == 4
    parser.receive_data(frame[3:7])
    assert parser.wanted() == len(frame) - 7
    assert parser.in_frame


def test_bad_checksum_is_rejected_then_parsing_resumes() -> None:
    bad = bytearray(h(RESPONSES[0][0]))
    bad[-1] ^= 0x01
    parser = FrameParser(Response)
    parser.receive_data(bytes(bad) + h(RESPONSES[3][0]))
    with pytest.raises(ProtocolError, match="checksum"):
        parser.next_event()
    assert parser.next_event().sw3 == 0x80


@pytest.mark.parametrize("length", [0, 1, 3, MAX_LEN + 1, 0xFFFF])
def test_length_out_of_range_is_rejected(length: int) -> None:
    parser = FrameParser(Response)
    parser.receive_data(PREAMBLE + length.to_bytes(2, "big") + bytes(8))
    with pytest.raises(ProtocolError, match="length"):
        parser.next_event()
    assert parser.next_event() is NEED_DATA


def test_builders_refuse_what_is_not_a_byte() -> None:
    with pytest.raises(ProtocolError):
        build_request(0x100, 0)
    with pytest.raises(ProtocolError):
        build_request(0x20)
    with pytest.raises(ProtocolError):
        build_response(0x90, bytes(MAX_LEN))
    with pytest.raises(ProtocolError):
        FrameParser(bytes)  # type: ignore[type-var]


# --- Hypothesis -------------------------------------------------------------------------------

noise = st.binary(max_size=40).filter(lambda b: PREAMBLE not in b)


@fuzz(300)
@given(chunks=st.lists(st.binary(max_size=64), max_size=20), kind=st.sampled_from([Request, Response]))
def test_fuzz_random_bytes_only_yield_frames_or_protocol_errors(chunks: list[bytes], kind: type) -> None:
    parser = FrameParser(kind)
    for chunk in chunks:
        parser.receive_data(chunk)
        for _ in range(len(chunk) + 2):
            try:
                event = parser.next_event()
            except ProtocolError:
                continue
            if event is NEED_DATA:
                break
            assert isinstance(event, kind)
        assert parser.wanted() >= 1


@fuzz(200)
@given(
    frames=st.lists(
        st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.binary(max_size=300)),
        min_size=1, max_size=5,
    ),
    gaps=st.lists(noise, min_size=5, max_size=5),
    cut=st.integers(1, 50),
)
def test_fuzz_frames_among_noise_come_out_whole_and_in_order(frames, gaps, cut) -> None:
    stream = b"".join(gap + build_response(sw3, data, sw1=sw1, sw2=sw2) for (sw1, sw2, sw3, data), gap in zip(frames, gaps, strict=False))
    parser = FrameParser(Response)
    got = []
    for i in range(0, len(stream), cut):  # arbitrary chunking
        parser.receive_data(stream[i : i + cut])
        while (event := parser.next_event()) is not NEED_DATA:
            got.append(event)
    assert got == [Response(sw1, sw2, sw3, data) for sw1, sw2, sw3, data in frames]


@fuzz(200)
@given(cmd=st.integers(0, 255), para=st.integers(0, 255), data=st.binary(max_size=200), keep=st.integers(0, 400))
def test_fuzz_truncated_frames_need_data_and_never_fail(cmd, para, data, keep) -> None:
    frame = build_request(cmd, para, data)
    parser = FrameParser(Request)
    parser.receive_data(frame[: min(keep, len(frame) - 1)])
    assert parser.next_event() is NEED_DATA
    parser.receive_data(frame[min(keep, len(frame) - 1) :])
    assert parser.next_event() == Request(cmd, para, data)


@fuzz(200)
@given(data=st.binary(max_size=300), flip=st.integers(5, 10_000), bit=st.integers(0, 7))
def test_fuzz_a_flipped_bit_after_the_length_is_caught(data: bytes, flip: int, bit: int) -> None:
    frame = bytearray(build_response(0x90, data))
    frame[7 + flip % (len(frame) - 7)] ^= 1 << bit  # SW, data or CHK: the XOR must catch it
    parser = FrameParser(Response)
    parser.receive_data(bytes(frame))
    with pytest.raises(ProtocolError, match="checksum"):
        parser.next_event()


@fuzz(300)
@given(garbage=st.binary(max_size=200), fake=st.booleans(), cut=st.integers(1, 97),
       data=st.binary(max_size=64))
def test_fuzz_the_parser_finds_the_frames_again_after_any_garbage(garbage, fake, cut, data):
    """Whatever came before, even a preamble with a length that swallows what follows, the
    parser raises only ProtocolError and finds whole frames again: a burst of line noise costs
    a read, never the reader."""
    if fake:      # a false start: a preamble and a length up to the largest frame
        garbage = PREAMBLE + garbage
    frame = build_response(0x90, data)
    alone = FrameParser(Response)
    alone.receive_data(frame)
    expected = alone.next_event()
    stream = garbage + frame * (2 * MAX_LEN // len(frame) + 4)
    parser = FrameParser(Response)
    good = 0
    for i in range(0, len(stream), cut):
        parser.receive_data(stream[i:i + cut])
        while True:
            try:
                event = parser.next_event()
            except ProtocolError:
                continue
            if event is NEED_DATA:
                break
            assert isinstance(event, Response)
            good += event == expected
    assert good >= 1
