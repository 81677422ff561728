"""The PIN rule (the technicians' and the hall staff's): Argon2id, five tries, then a lockout
of 15 s doubling with each failure; every attempt audited. Time moves on an injected clock."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.pin import MAX_LOCKOUT_S, TECHNICIAN, PinGate, PinRefusal, hash_pin

MAX_FAILURES, BASE_LOCKOUT_S, lockout_s = (TECHNICIAN.max_failures, TECHNICIAN.base_lockout_s,
                                           TECHNICIAN.lockout_s)
from tests.clock import Clock
from tests.kiosk.conftest import CHEAP, PIN, Recorded


def gate(pin_hash: str, audit: Recorded, clock: Clock) -> PinGate:
    return PinGate(pin_hash, audit=audit, clock=clock)


def test_the_right_pin_opens_and_is_audited(pin_hash: str, audit: Recorded) -> None:
    result = gate(pin_hash, audit, Clock()).attempt(PIN)
    assert result.ok and result.message == ""
    assert audit.entries == [("diagnostics-pin-accepted", {"failures_before": 0})]


def test_five_failures_lock_out_for_15_s_then_each_failure_doubles(pin_hash: str,
                                                                     audit: Recorded) -> None:
    clock = Clock()
    g = gate(pin_hash, audit, clock)
    for n in range(1, MAX_FAILURES):
        r = g.attempt("000000")
        assert not r.ok and r.refusal is PinRefusal.WRONG and r.locked_for_s == 0
        assert f"还可以再试{MAX_FAILURES - n}次" in r.message
    fifth = g.attempt("000000")
    assert fifth.locked_for_s == 15.0 and "请15秒后再试" in fifth.message
    # During the lockout even the right PIN is not checked, and does not count as a failure.
    clock.advance(14.9)
    early = g.attempt(PIN)
    assert not early.ok and early.refusal is PinRefusal.LOCKED and g.failures == 5
    assert early.locked_for_s == pytest.approx(0.1)
    clock.advance(0.1)
    assert g.locked_for() == 0
    assert g.attempt("111111").locked_for_s == 30.0          # the sixth failure
    clock.advance(30)
    assert g.attempt("111111").locked_for_s == 60.0          # the seventh
    clock.advance(60)
    assert g.attempt(PIN).ok and g.failures == 0 and g.locked_for() == 0
    assert g.attempt("000000").locked_for_s == 0             # counting starts afresh
    refused = [f for e, f in audit.entries if e == "diagnostics-pin-refused"]
    assert [f["reason"] for f in refused] == ["wrong"] * 5 + ["locked", "wrong", "wrong", "wrong"]
    assert [f["locked_for_s"] for f in refused][4:] == [15.0, 0.1, 30.0, 60.0, 0.0]
    assert audit.events().count("diagnostics-pin-accepted") == 1


def test_the_lockout_stops_growing_at_a_day() -> None:
    assert [lockout_s(n) for n in range(4, 8)] == [0, BASE_LOCKOUT_S, 30, 60]
    assert lockout_s(10_000) == MAX_LOCKOUT_S


@pytest.mark.parametrize("text", ["", "12", "1234567890123", "12a4", "１２３４５６", " 246810",
                                  None, 246810, ["246810"], "246810\n", "\x00\x00\x00\x00"])
def test_malformed_input_is_a_failure_not_a_crash(pin_hash: str, audit: Recorded,
                                                  text: object) -> None:
    r = gate(pin_hash, audit, Clock()).attempt(text)
    assert not r.ok and r.refusal is PinRefusal.MALFORMED and r.failures == 1
    assert "4到12位数字" in r.message


def test_without_a_configured_hash_nothing_opens(audit: Recorded) -> None:
    for configured in ("", "$argon2id$v=19$m=8,t=1,p=1$garbage"):
        r = gate(configured, audit, Clock()).attempt(PIN)
        assert not r.ok and r.refusal is PinRefusal.NO_PIN and "未设置维护密码" in r.message


def test_hash_pin_makes_an_argon2id_hash_and_refuses_a_bad_pin() -> None:
    h = hash_pin("4321", CHEAP)
    assert h.startswith("$argon2id$") and PinGate(h).attempt("4321").ok
    with pytest.raises(ValueError):
        hash_pin("43a1")


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=40), st.binary(max_size=20), st.integers(), st.none(),
                 st.floats(allow_nan=True)))
def test_garbage_never_opens_and_never_raises(text: object) -> None:
    g = PinGate(CHEAP.hash(PIN), clock=Clock())
    result = g.attempt(text)
    assert result.ok is (text == PIN)
