"""Help calls (帮办) against the real platform: a kiosk calls, staff answer, the kiosk sees it;
calls are idempotent, private to their kiosk, carry nothing personal, and refuse garbage."""
from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from central.testing import SignedClient, running_platform
from central.models import HelpCallIn
from contract.wire import HelpCallStatus, HelpReason
from kiosk.platform.client import PlatformClient
from offline_queue.port import ErrorKind, PlatformError


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with running_platform(tmp_path_factory.mktemp("central")) as handle:
        yield handle


def kiosk(platform, kiosk_id: str) -> PlatformClient:
    key = Ed25519PrivateKey.generate()
    platform.register_kiosk(kiosk_id, key.public_key())
    return PlatformClient(platform.base_url, kiosk_id, key, decision_key=platform.decision_public_key)


def test_a_call_is_answered_by_staff_and_the_kiosk_sees_who_is_coming(platform) -> None:
    k = kiosk(platform, "kiosk-help-01")
    call = k.call_help("help-0001", "face", HelpReason.FACE_FAILED)
    assert (call.status, call.page, call.reason) == (HelpCallStatus.OPEN, "face",
                                                     HelpReason.FACE_FAILED)
    assert [c["call_id"] for c in platform.platform.store().help_calls()] == ["help-0001"]
    platform.answer_help_call("help-0001", "王工")
    seen = k.help_call("help-0001")
    assert (seen.status, seen.answered_by) == (HelpCallStatus.ANSWERED, "王工")
    assert k.cancel_help("help-0001").status is HelpCallStatus.CANCELLED
    assert platform.platform.store().help_calls() == []


def test_the_same_call_twice_answers_as_the_first_time(platform) -> None:
    k = kiosk(platform, "kiosk-help-02")
    first = k.call_help("help-0002", "scope")
    again = k.call_help("help-0002", "scope")
    assert again.replayed and not first.replayed and again.opened_at == first.opened_at
    with pytest.raises(PlatformError) as raised:
        k.call_help("help-0002", "review")                # same id, another body
    assert raised.value.kind is ErrorKind.CONFLICT


def test_another_kiosks_call_does_not_exist_for_it(platform) -> None:
    owner, other = kiosk(platform, "kiosk-help-03"), kiosk(platform, "kiosk-help-04")
    owner.call_help("help-0003", "phone")
    for act in (other.help_call, other.cancel_help):
        with pytest.raises(PlatformError) as raised:
            act("help-0003")
        assert raised.value.http_status == 404
    assert owner.help_call("help-0003").status is HelpCallStatus.OPEN


def _valid(body: object) -> bool:
    try:
        HelpCallIn.model_validate_json(json.dumps(body))
    except (ValueError, TypeError):
        return False
    return True


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=2000),
                 st.lists(st.text(max_size=5), max_size=5),
                 st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=5)))
def test_garbage_is_refused_and_nothing_stored(platform, junk) -> None:
    key = Ed25519PrivateKey.generate()
    platform.register_kiosk("kiosk-help-junk", key.public_key())
    client = SignedClient(platform.base_url, "kiosk-help-junk", key)
    before = platform.table_counts()["help_calls"]
    opened = 0
    for body in ({"call_id": "help-junk-1", "page": junk},
                 {"call_id": junk, "page": "face"},
                 {"call_id": "help-junk-2", "page": "face", "reason": junk}, junk):
        resp = client.request("POST", "/v1/help-calls", body if isinstance(body, dict) else
                              (str(body).encode() if body is not None else b"null"),
                              headers={"Content-Type": "application/json"})
        # Junk that happens to be a valid value ("z" as a page, "000" as a call id) opens one
        # call; everything else is refused.
        valid = _valid(body)
        assert resp.status_code in (400, 409, 422) or (resp.status_code == 201 and valid), (
            resp.status_code, resp.text)
        opened += resp.status_code == 201 and not resp.json().get("replayed")
    # Only what was accepted is stored: one row per call opened, none for a refusal.
    assert platform.table_counts()["help_calls"] - before == opened
