"""The real driver, through pyserial, against the simulator on a pty.

Every test runs at 115200 baud with the simulator pacing its answers, with short poll
intervals and timeouts (conftest.FAST) so the whole file takes a few seconds.
"""
from __future__ import annotations

import pytest

from devices.health import DeviceState
from devices.idcard.frames import Command, Sw3
from devices.idcard.protocol import Response, build_response
from devices.idcard.reader import (
    CardPlaced,
    CardRead,
    CardRemoved,
    IdCardReader,
    ReaderConnected,
    ReaderDisconnected,
    ReaderError,
    ReaderFault,
    ReaderStatus,
)
from devices.idcard.simulator import CardSimulator, Fault, simulated_cards
from devices.idcard.transport import PortUnavailable, ReplyTimeout, SerialTransport
from tests.clock import Clock

CARDS = simulated_cards()


def test_normal_read(sim, make_reader, events) -> None:
    sim.place("resident_valid")
    reader = make_reader()
    read = events.wait_for(CardRead)
    assert read.identity == CARDS["resident_valid"]
    assert read.photo.wlt == CARDS["resident_valid"].photo_wlt
    assert read.photo.message == "未配置照片解码库"
    assert events.types()[:3] == ["ReaderConnected", "CardPlaced", "CardRead"]
    connected = events.of(ReaderConnected)[0]
    assert connected.sam_id == "05.01-20101129-0001228293-0296863149"
    health = reader.health()
    assert (health.device, health.state, health.code) == ("idcard", DeviceState.READY, "card_present")


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_simulated_card_reads(sim, make_reader, events, name: str) -> None:
    sim.place(name)
    make_reader()
    assert events.wait_for(CardRead).identity == CARDS[name]


def test_a_card_left_on_the_reader_is_not_read_twice(sim, make_reader, events, wait_until) -> None:
    sim.place("resident_valid")
    make_reader()
    events.wait_for(CardRead)
    finds = sim.requests[Command.FIND_CARD]
    wait_until(lambda: sim.requests[Command.FIND_CARD] >= finds + 10)  # ten more polls
    assert len(events.of(CardRead)) == 1 and len(events.of(CardPlaced)) == 1
    assert sim.requests[Command.READ_TEXT_PHOTO] == 1


def test_a_sam_quiet_after_read_still_counts_as_card_present(tmp_path, fast, events, wait_until) -> None:
    with CardSimulator("resident_valid", link_path=tmp_path / "quiet", quiet_after_read=True) as sim:
        with IdCardReader(sim.device_path, events, **fast) as reader:
            reader.start()
            events.wait_for(CardRead)
            selects = sim.requests[Command.SELECT_CARD]
            wait_until(lambda: sim.requests[Command.SELECT_CARD] >= selects + 5)  # probed by select
            assert not events.of(CardRemoved) and sim.requests[Command.READ_TEXT_PHOTO] == 1
            sim.remove()
            events.wait_for(CardRemoved)


def test_removal_then_a_new_card(sim, make_reader, events) -> None:
    sim.place("resident_valid")
    reader = make_reader()
    events.wait_for(CardRead)
    sim.remove()
    events.wait_for(CardRemoved)
    assert reader.health().code == "ready"
    sim.place("hmt_permit")
    assert events.wait_for(CardRead, 2).identity == CARDS["hmt_permit"]
    assert events.types()[1:] == ["CardPlaced", "CardRead", "CardRemoved", "CardPlaced", "CardRead"]


# --- SW3 faults -------------------------------------------------------------------------------

CARD_ERRORS = [
    (Command.SELECT_CARD, Sw3.SELECT_FAILED),
    (Command.READ_TEXT_PHOTO, Sw3.CARD_AUTH_SAM_FAILED),
    (Command.READ_TEXT_PHOTO, Sw3.SAM_AUTH_CARD_FAILED),
    (Command.READ_TEXT_PHOTO, Sw3.INFO_VERIFY_FAILED),
    (Command.READ_TEXT_PHOTO, Sw3.UNKNOWN_CARD_TYPE),
    (Command.READ_TEXT_PHOTO, Sw3.READ_FAILED),
    (Command.READ_TEXT_PHOTO, Sw3.RANDOM_FAILED),
]


@pytest.mark.parametrize("command,sw3", CARD_ERRORS, ids=[s.name for _, s in CARD_ERRORS])
def test_card_errors_ask_to_replace_the_card_then_read(sim, make_reader, events, command, sw3) -> None:
    sim.inject_status(command, sw3)
    sim.place("resident_valid")
    reader = make_reader()
    fault = events.wait_for(ReaderFault)
    assert (fault.status, fault.sw3) == (ReaderStatus.CARD_ERROR, sw3)
    assert fault.message and hex(sw3)[2:].upper() in fault.detail
    assert reader.health().state is DeviceState.READY  # the reader works; the card needs placing again
    assert events.wait_for(CardRead).identity == CARDS["resident_valid"]


@pytest.mark.parametrize("fault", [Fault.SELECT_FAILURE, Fault.READ_FAILURE])
def test_named_faults_select_and_read_failure(sim, make_reader, events, fault) -> None:
    sim.inject(fault)
    sim.place("resident_valid")
    make_reader()
    assert events.wait_for(ReaderFault).status is ReaderStatus.CARD_ERROR
    events.wait_for(CardRead)


def test_no_card_fault_only_delays_the_read(sim, make_reader, events) -> None:
    sim.inject(Fault.NO_CARD, count=3)
    sim.place("resident_valid")
    make_reader()
    events.wait_for(CardRead)
    assert not events.of(ReaderFault)
    assert sim.requests[Command.FIND_CARD] >= 4


def test_a_persistent_card_error_is_reported_once(sim, make_reader, events, wait_until) -> None:
    sim.inject(Fault.READ_FAILURE, count=None)
    sim.place("resident_valid")
    make_reader()
    events.wait_for(ReaderFault)
    wait_until(lambda: sim.requests[Command.READ_TEXT_PHOTO] >= 5)
    assert len(events.of(ReaderFault)) == 1
    sim.clear_faults()
    events.wait_for(CardRead)


@pytest.mark.parametrize("sw3", [Sw3.CHECKSUM_ERROR, Sw3.LENGTH_ERROR])
def test_resend_statuses_are_retried_silently(sim, make_reader, events, sw3) -> None:
    sim.inject_status(Command.READ_TEXT_PHOTO, sw3)
    sim.place("resident_valid")
    make_reader()
    events.wait_for(CardRead)
    assert not events.of(ReaderFault)
    assert sim.requests[Command.READ_TEXT_PHOTO] == 2


def test_resend_statuses_that_persist_are_a_link_fault(sim, make_reader, events) -> None:
    sim.inject_status(Command.READ_TEXT_PHOTO, Sw3.CHECKSUM_ERROR, count=3)  # more than retries=2
    sim.place("resident_valid")
    reader = make_reader()
    fault = events.wait_for(ReaderFault)
    assert (fault.status, fault.sw3) == (ReaderStatus.LINK_FAULT, Sw3.CHECKSUM_ERROR)
    events.wait_for(CardRead)
    assert reader.health().state is DeviceState.READY


@pytest.mark.parametrize("sw3", [Sw3.COMMAND_ERROR, Sw3.UNAUTHORISED_OPERATION])
def test_host_errors_are_link_faults(sim, make_reader, events, sw3) -> None:
    sim.inject_status(Command.FIND_CARD, sw3)
    make_reader()
    fault = events.wait_for(ReaderFault)
    assert (fault.status, fault.sw3) == (ReaderStatus.LINK_FAULT, sw3)


def test_unknown_error_resets_the_sam(sim, make_reader, events, wait_until) -> None:
    sim.inject_status(Command.FIND_CARD, Sw3.UNKNOWN_ERROR)
    make_reader()
    assert events.wait_for(ReaderFault).sw3 == Sw3.UNKNOWN_ERROR
    wait_until(lambda: sim.requests[Command.RESET_SAM] == 1)


def test_sam_self_test_failure_is_reset_and_recovers(sim, make_reader, events, wait_until) -> None:
    sim.place("resident_valid")
    reader = make_reader()
    events.wait_for(CardRead)
    sim.remove()
    events.wait_for(CardRemoved)
    sim.inject(Fault.SAM_SELF_TEST)  # a reset repairs it
    fault = events.wait_for(ReaderFault)
    assert (fault.status, fault.sw3) == (ReaderStatus.SAM_FAULT, Sw3.SAM_SELF_TEST_FAILED)
    wait_until(lambda: sim.requests[Command.RESET_SAM] >= 1)
    sim.place("resident_valid")
    events.wait_for(CardRead, 2)
    assert reader.health().state is DeviceState.READY


def test_a_sam_that_stays_broken_makes_the_reader_unavailable(sim, make_reader, events, wait_until) -> None:
    sim.inject(Fault.SAM_SELF_TEST, count=None)  # a reset does not help
    clock = Clock(100.0)
    reader = make_reader(clock=clock)
    events.wait_for(ReaderConnected)
    fault = events.wait_for(ReaderFault)
    assert fault.status is ReaderStatus.SAM_FAULT and "工作人员" in fault.message
    health = reader.health()
    assert (health.state, health.code) == (DeviceState.UNAVAILABLE, "sam_fault")
    # Resets are rate-limited to one per status interval (0.3 s): while the reader's clock
    # stands still, many polls find the SAM broken and none resets it again.
    checks = sim.requests[Command.SAM_STATUS]
    wait_until(lambda: sim.requests[Command.SAM_STATUS] >= checks + 5)
    assert sim.requests[Command.RESET_SAM] == 1
    clock.advance(0.3)
    wait_until(lambda: sim.requests[Command.RESET_SAM] == 2)
    assert len(events.of(ReaderFault)) == 1
    sim.clear_faults()
    wait_until(lambda: reader.health().code == "ready")
    sim.place("resident_valid")
    events.wait_for(CardRead)


def test_sam_not_authorised_is_an_alarm(sim, make_reader, events) -> None:
    sim.inject_status(Command.FIND_CARD, Sw3.SAM_NOT_AUTHORISED)
    make_reader()
    fault = events.wait_for(ReaderFault)
    assert (fault.status, fault.sw3) == (ReaderStatus.SAM_FAULT, Sw3.SAM_NOT_AUTHORISED)


# --- Line faults ------------------------------------------------------------------------------


def test_a_bad_checksum_is_retried(sim, make_reader, events) -> None:
    sim.inject(Fault.CHECKSUM_ERROR, command=Command.READ_TEXT_PHOTO)
    sim.place("resident_valid")
    make_reader()
    assert events.wait_for(CardRead).identity == CARDS["resident_valid"]
    assert sim.requests[Command.READ_TEXT_PHOTO] == 2
    assert not events.of(ReaderFault)


def test_garbage_before_frames_is_skipped(sim, make_reader, events) -> None:
    sim.inject(Fault.GARBAGE, count=None)  # noise before every answer
    sim.place("resident_valid")
    reader = make_reader()
    assert events.wait_for(CardRead).identity == CARDS["resident_valid"]
    assert not events.of(ReaderFault)
    assert sim.requests[Command.READ_TEXT_PHOTO] == 1
    assert reader.transport.bytes_read > sim.bytes_out - 1  # everything sent was read


def test_one_timeout_is_retried_without_a_disconnect(sim, make_reader, events) -> None:
    sim.place("resident_valid")
    sim.inject(Fault.NO_ANSWER, command=Command.READ_TEXT_PHOTO)
    make_reader()
    events.wait_for(CardRead)
    assert not events.of(ReaderDisconnected)
    assert sim.requests[Command.READ_TEXT_PHOTO] == 2


def test_a_silent_reader_is_disconnected_then_found_again(sim, make_reader, events) -> None:
    reader = make_reader()
    events.wait_for(ReaderConnected)
    sim.inject(Fault.NO_ANSWER, count=None)
    gone = events.wait_for(ReaderDisconnected)
    assert "无应答" in gone.reason
    assert reader.health().state is DeviceState.DISCONNECTED
    sim.clear_faults()
    events.wait_for(ReaderConnected, 2)
    sim.place("resident_valid")
    events.wait_for(CardRead)


def test_unplug_mid_frame_then_plug_back(sim, make_reader, events, wait_until) -> None:
    sim.inject(Fault.UNPLUG_MID_FRAME)  # hits the read answer by default
    sim.place("resident_valid")
    reader = make_reader()
    events.wait_for(ReaderDisconnected)
    assert not sim.plugged and not events.of(CardRead)
    assert reader.health().state is DeviceState.DISCONNECTED
    # The reader keeps trying the vanished path with backoff, and stays disconnected meanwhile.
    tries = reader.transport.open_attempts
    wait_until(lambda: reader.transport.open_attempts >= tries + 2)
    assert reader.health().state is DeviceState.DISCONNECTED
    sim.plug()
    events.wait_for(ReaderConnected, 2)
    assert events.wait_for(CardRead).identity == CARDS["resident_valid"]
    assert events.types() == [
        "ReaderConnected", "CardPlaced", "ReaderDisconnected", "ReaderConnected", "CardPlaced", "CardRead",
    ]


def test_unplug_while_idle_then_plug_back(sim, make_reader, events) -> None:
    make_reader()
    events.wait_for(ReaderConnected)
    sim.unplug()
    assert "中断" in events.wait_for(ReaderDisconnected).reason
    sim.place("foreign_2017")
    sim.plug()
    assert events.wait_for(CardRead).identity == CARDS["foreign_2017"]


def test_a_reader_started_before_the_device_exists_finds_it(sim, make_reader, events) -> None:
    sim.unplug()
    reader = make_reader()
    events.wait_for(ReaderDisconnected)
    assert reader.health().code == "disconnected"
    sim.plug()
    events.wait_for(ReaderConnected)


# --- Life cycle and one-by-one commands --------------------------------------------------------


def test_start_and_stop_are_idempotent(sim, make_reader, events) -> None:
    reader = make_reader(start=False)
    assert reader.health().code == "stopped"
    reader.stop()
    reader.start()
    reader.start()
    events.wait_for(ReaderConnected)
    reader.stop()
    reader.stop()
    assert reader.status is ReaderStatus.STOPPED and not reader.transport.is_open
    reader.start()
    events.wait_for(ReaderConnected, 2)
    assert len(events.of(ReaderConnected)) == 2


def test_a_failing_event_handler_does_not_stop_the_reader(sim, fast, events) -> None:
    def handler(event):
        events(event)
        raise RuntimeError("handler bug")

    sim.place("resident_valid")
    with IdCardReader(sim.device_path, handler, **fast) as reader:
        reader.start()
        events.wait_for(CardRead)
        sim.remove()
        events.wait_for(CardRemoved)


def test_commands_one_by_one(sim, make_reader) -> None:
    reader = make_reader(start=False)
    reader.open()
    reader.check_sam()
    assert reader.read_sam_id() == "05.01-20101129-0001228293-0296863149"
    assert reader.read_once() is None
    sim.place("resident_long_term")
    assert reader.read_once() == CARDS["resident_long_term"]
    assert reader.read_new_addresses() == ()  # 0x91: nothing to add
    sim.new_addresses = ("北京市海淀区新地址路1号",)
    assert reader.read_new_addresses() == ("北京市海淀区新地址路1号",)
    reader.reset_sam()
    with pytest.raises(ReaderError) as info:
        reader.select_card()  # select without find
    assert (info.value.status, info.value.sw3) == (ReaderStatus.CARD_ERROR, Sw3.SELECT_FAILED)


def test_new_addresses_ride_along_when_configured(sim, make_reader, events) -> None:
    sim.new_addresses = ("北京市海淀区新地址路1号",)
    sim.place("resident_valid")
    make_reader(read_new_address=True)
    assert events.wait_for(CardRead).identity.new_addresses == ("北京市海淀区新地址路1号",)


def test_transport_timeout_counts_what_arrived(sim) -> None:
    sim.inject(Fault.NO_ANSWER)
    transport = SerialTransport(sim.device_path, header_timeout=0.1, frame_timeout=0.2)
    transport.open()
    try:
        with pytest.raises(ReplyTimeout) as info:
            transport.exchange(bytes.fromhex("AA AA AA 96 69 00 03 11 FF ED"))
        assert info.value.received == 0
    finally:
        transport.close()


def test_transport_works_over_loop_url() -> None:
    transport = SerialTransport("loop://")
    transport.open()
    try:  # the loop echoes what is written: send a response frame, parse it back
        assert transport.exchange(build_response(Sw3.OK, b"\x01")) == Response(0, 0, 0x90, b"\x01")
    finally:
        transport.close()


def test_an_exchange_on_an_unplugged_port_is_port_unavailable(sim) -> None:
    # After a hang-up pyserial raises termios.error from tcflush, which is no OSError.
    transport = SerialTransport(sim.device_path, header_timeout=0.2, frame_timeout=0.5)
    transport.open()
    sim.unplug()
    with pytest.raises(PortUnavailable):
        transport.exchange(bytes.fromhex("AA AA AA 96 69 00 03 11 FF ED"))
    transport.close()
    with pytest.raises(PortUnavailable):
        transport.open()  # the path went away with the device
