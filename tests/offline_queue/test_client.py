"""kiosk.platform.client: signed calls, and garbage answers from a loopback server that says
whatever the test wants. The client raises only PlatformError, and returns a decision only when
the platform's signature, its addressee and its licence all pass."""
from __future__ import annotations

import base64
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.canonical import canonical_json
from contract.decisions import PURPOSE
from contract.signing import verify_headers
from contract.wire import DecisionStatus
from kiosk.platform.client import PlatformClient
from offline_queue.port import (
    AttachmentMeta, ErrorKind, OutgoingSubmission, PlatformError, PlatformPort,
)
from tests.offline_queue.conftest import LICENCE, decision


class ScriptedServer:
    """A loopback HTTP server answering every request with `status`, `body` and `headers`,
    and keeping what it received (to check signatures)."""

    def __init__(self) -> None:
        self.status, self.body, self.headers = 200, b"{}", {"Content-Type": "application/json"}
        self.received: list[tuple[str, str, dict, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                outer.received.append((self.command, self.path, dict(self.headers),
                                       self.rfile.read(n)))
                self.send_response(outer.status)
                for k, v in outer.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            do_GET = do_POST = do_PUT = _any

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, status: int, body: bytes | dict | list) -> None:
        self.status = status
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()


@pytest.fixture(scope="module")
def scripted():
    server = ScriptedServer()
    yield server
    server.httpd.shutdown()


@pytest.fixture(scope="module")
def kiosk_key():
    return Ed25519PrivateKey.generate()


#: The platform's decision key in these tests; the client trusts its public half.
PLATFORM_DECISION_KEY = Ed25519PrivateKey.generate()


@pytest.fixture
def client(scripted, kiosk_key):
    c = PlatformClient(scripted.url, "kiosk-001", kiosk_key, timeout=(1, 1),
                       decision_key=PLATFORM_DECISION_KEY.public_key())
    yield c
    c.close()


OUT = OutgoingSubmission("SUB-000001", "2026-11-21T10:00:00.000+00:00", "individual_business",
                         {"v": 1, "submission_id": "SUB-000001"}, b"\x00cipher",
                         (AttachmentMeta("face", 100, "ab" * 32),))


def ack(**change) -> dict:
    body = {"submission_id": "SUB-000001", "status": "received", "pending_attachments": ["face"],
            "received_at": "2026-11-21T10:00:01+00:00"}
    return {**body, **change}


def signed(sid: str = "SUB-000001", key: Ed25519PrivateKey = PLATFORM_DECISION_KEY,
           in_licence: dict | None = None, **change) -> dict:
    """An approval the platform signed, as JSON; ``change`` and ``in_licence`` edit it first,
    bypassing the model's checks, so the platform could have sent exactly this."""
    body = decision(sid).model_dump(mode="json")
    body.update(change)
    if in_licence:
        body["licence"] = {**body["licence"], **in_licence}
    try:                                              # no model checks: a hostile platform
        message = PURPOSE + canonical_json(body)
    except ValueError:                                # NaN has no canonical form: sign any bytes
        message = json.dumps(body).encode()
    return {**body, "signature": base64.b64encode(key.sign(message)).decode()}


def test_client_is_a_platform_port(client):
    assert isinstance(client, PlatformPort)


def test_requests_are_signed_over_the_wire_path_and_body(scripted, client, kiosk_key):
    scripted.answer(201, ack())
    answer = client.post_submission(OUT)
    assert answer.status is DecisionStatus.RECEIVED and not answer.replayed
    method, path, headers, body = scripted.received[-1]
    assert headers["Idempotency-Key"] == "SUB-000001"
    verify_headers(kiosk_key.public_key(), headers, method, path, body)
    scripted.answer(200, {"available": True, "conflicts": [], "message": "可以使用"})
    assert client.check_name("杭州市西湖区青禾百货店 & 分店").available
    method, path, headers, body = scripted.received[-1]
    assert path.startswith("/v1/names/check?name=%E6%9D%AD")
    verify_headers(kiosk_key.public_key(), headers, method, path, body)


def test_retried_post_is_byte_equal(scripted, client):
    scripted.answer(201, ack())
    client.post_submission(OUT)
    first = scripted.received[-1]
    client.post_submission(OUT)
    second = scripted.received[-1]
    assert first[3] == second[3]
    assert first[2]["X-Kiosk-Nonce"] != second[2]["X-Kiosk-Nonce"]   # fresh nonce, same body


@pytest.mark.parametrize("status, body, kind, retryable", [
    (503, {"error": "unavailable"}, ErrorKind.SERVER, True),
    (500, b"<html>oops</html>", ErrorKind.SERVER, True),
    (429, {"error": "slow_down"}, ErrorKind.SERVER, True),
    (401, {"error": "bad_signature"}, ErrorKind.AUTH, True),
    (409, {"error": "idempotency_conflict"}, ErrorKind.CONFLICT, False),
    (409, {"error": "offset_mismatch", "offset": 7}, ErrorKind.OFFSET, True),
    (409, {"error": "offset_mismatch"}, ErrorKind.BAD_RESPONSE, True),
    (422, {"error": "checksum_mismatch", "offset": 0}, ErrorKind.CHECKSUM, True),
    (422, {"error": "invalid_request"}, ErrorKind.REFUSED, False),
    (400, {"detail": {"error": "bad_request"}}, ErrorKind.REFUSED, False),
    (413, b"", ErrorKind.REFUSED, False),
    (302, b"", ErrorKind.BAD_RESPONSE, True),
    (201, b"not json", ErrorKind.BAD_RESPONSE, True),
    (201, [1, 2], ErrorKind.BAD_RESPONSE, True),
    (201, {"status": "teleported"}, ErrorKind.BAD_RESPONSE, True),
    (201, ack(status="teleported"), ErrorKind.BAD_RESPONSE, True),
    (201, ack(submission_id="OTHER-1"), ErrorKind.BAD_RESPONSE, True),
    (201, ack(replayed="yes"), ErrorKind.BAD_RESPONSE, True),
    (201, ack(pending_attachments="face"), ErrorKind.BAD_RESPONSE, True),
])
def test_error_answers_map_to_one_exception(scripted, client, status, body, kind, retryable):
    scripted.answer(status, body)
    with pytest.raises(PlatformError) as info:
        client.post_submission(OUT)
    assert info.value.kind is kind and info.value.retryable is retryable
    if kind is ErrorKind.OFFSET:
        assert info.value.offset == 7
    assert "SUB-000001" not in info.value.summary


@pytest.mark.parametrize("body", [
    {"name": "face", "received": -1, "size": 10, "complete": False},
    {"name": "face", "received": 11, "size": 10, "complete": False},
    {"name": "face", "received": 1, "size": 10, "complete": "yes"},
    {"name": "face", "received": True, "size": 10, "complete": False},
    {"name": "face", "received": 1.0, "size": 10, "complete": False},
    {"name": "signature", "received": 1, "size": 10, "complete": False},
    {"received": 1, "size": 10, "complete": False},
    {"name": "face", "size": 10},
])
def test_bad_progress_is_a_bad_response(scripted, client, body):
    scripted.answer(200, body)
    with pytest.raises(PlatformError) as info:
        client.upload_chunk("SUB-000001", "face", 0, b"x")
    assert info.value.kind is ErrorKind.BAD_RESPONSE


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.sampled_from([200, 201, 400, 404, 409, 422, 500]),
       body=st.one_of(st.binary(max_size=200),
                      st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                                   lambda c: st.lists(c, max_size=3)
                                   | st.dictionaries(st.sampled_from(
                                       ["status", "received", "size", "complete", "error",
                                        "offset", "reasons", "licence", "available",
                                        "conflicts", "version", "payload", "signature"]), c,
                                       max_size=5), max_leaves=12).map(
                          lambda v: json.dumps(v).encode())))
def test_any_answer_gives_a_result_or_platform_error(scripted, client, status, body):
    scripted.answer(status, body)
    for call in (lambda: client.post_submission(OUT),
                 lambda: client.attachment_offset("SUB-000001", "face"),
                 lambda: client.get_status("SUB-000001"),
                 lambda: client.check_name("青禾"),
                 lambda: client.fetch_repository("metadata/timestamp.json"),
                 lambda: client.heartbeat({"queue": {}})):
        try:
            call()
        except PlatformError:
            pass


def test_unreachable_platform_is_a_retryable_network_error(kiosk_key):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()                                     # nothing listens there now
    c = PlatformClient(f"http://127.0.0.1:{port}", "kiosk-001", kiosk_key, timeout=(0.5, 0.5))
    with pytest.raises(PlatformError) as info:
        c.get_status("SUB-000001")
    assert info.value.kind is ErrorKind.NETWORK and info.value.retryable


def test_silent_server_times_out(kiosk_key):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)                                   # accepts, never answers
    c = PlatformClient(f"http://127.0.0.1:{sock.getsockname()[1]}", "kiosk-001", kiosk_key,
                       timeout=(0.5, 0.2))
    try:
        with pytest.raises(PlatformError) as info:
            c.heartbeat({})
        assert info.value.kind is ErrorKind.NETWORK and info.value.code == "timeout"
    finally:
        sock.close()


@pytest.mark.parametrize("header, expected", [("7", 7.0), (" 30 ", 30.0), ("soon", None),
                                              ("Wed, 21 Oct 2015 07:28:00 GMT", None)])
def test_retry_after_seconds_are_carried(scripted, client, header, expected):
    scripted.answer(503, {"error": "unavailable"})
    scripted.headers = {"Content-Type": "application/json", "Retry-After": header}
    try:
        with pytest.raises(PlatformError) as info:
            client.get_status("SUB-000001")
    finally:
        scripted.headers = {"Content-Type": "application/json"}
    assert info.value.retry_after == expected


# -- decisions: only a signed, addressed, valid one comes back ---------------------------------

def test_a_signed_decision_comes_back_verified(scripted, client):
    scripted.answer(200, signed())
    got = client.get_status("SUB-000001")
    assert got == decision("SUB-000001") and got.licence == LICENCE


def _refused(scripted, client, body, code: str | None = None) -> PlatformError:
    scripted.answer(200, body)
    with pytest.raises(PlatformError) as info:
        client.get_status("SUB-000001")
    assert info.value.kind is ErrorKind.BAD_RESPONSE and info.value.retryable
    if code:
        assert info.value.code == code
    assert LICENCE.legal_person not in str(info.value)    # no personal data in the message
    return info.value


def test_an_unsigned_decision_is_a_bad_response(scripted, client):
    body = signed()
    del body["signature"]
    _refused(scripted, client, body, "bad_shape")


@pytest.mark.parametrize("field, value", [
    ("status", "rejected"), ("reasons", ["名称已被使用"]), ("kiosk_id", "kiosk-001"),
    ("updated_at", "2026-11-22T10:00:00+00:00"),
])
def test_a_decision_changed_after_signing_does_not_verify(scripted, client, field, value):
    body = signed()
    body[field] = value
    if field == "status":
        body["licence"] = None
    if field == "kiosk_id":            # unchanged value: the signature is still good
        scripted.answer(200, body)
        assert client.get_status("SUB-000001").kiosk_id == "kiosk-001"
        return
    _refused(scripted, client, body, "bad_decision_signature")


def test_a_tampered_licence_does_not_verify(scripted, client):
    body = signed()
    body["licence"] = {**body["licence"], "legal_person": "李四"}
    _refused(scripted, client, body, "bad_decision_signature")


def test_a_decision_signed_by_another_key_does_not_verify(scripted, client):
    _refused(scripted, client, signed(key=Ed25519PrivateKey.generate()),
             "bad_decision_signature")


@pytest.mark.parametrize("change", [{"submission_id": "SUB-000002"},
                                    {"kiosk_id": "kiosk-other-9"}])
def test_a_decision_for_another_submission_or_kiosk_is_refused(scripted, client, change):
    _refused(scripted, client, signed(**change), "wrong_submission")


def test_without_a_trusted_key_no_decision_verifies(scripted, kiosk_key):
    c = PlatformClient(scripted.url, "kiosk-001", kiosk_key, timeout=(1, 1))
    try:
        _refused(scripted, c, signed(), "no_decision_key")
    finally:
        c.close()


def test_a_signed_licence_with_a_wrong_check_character_is_refused(scripted, client):
    wrong = LICENCE.uscc[:-1] + ("B" if LICENCE.uscc[-1] != "B" else "C")
    _refused(scripted, client, signed(in_licence={"uscc": wrong}), "bad_licence")


@pytest.mark.parametrize("licence", [
    {"uscc": "../../evil/pwn_xyz"},                      # 18 characters that walk out of a folder
    {"uscc": "92330106MA0000013a"},
    {"uscc": "92330106MA000001"},
    {"uscc": 923301060000013},
    {"licence_number": "3301062026000000１"},            # a full-width digit
    {"licence_number": "33010620260000001; rm -rf /"},
    {"name": "青禾\x00百货"},
    {"name": "青禾\u202e货百"},                            # right-to-left override
    {"legal_person": "张三\r\n李四"},
    {"premises": "杭" * 100_000},
    {"scope": ""},
    {"authority": "   "},
    {"established": "2026-02-30"},
    {"established": "2027-01-01"},                       # after issued_on
    {"issued_on": 20261121},
    {"capital": float("nan")},
    {"capital": 50},
    {"name": ["青禾"]},
    {"name": None},
])
def test_a_signed_but_invalid_licence_is_refused(scripted, client, licence):
    body = signed(in_licence=licence)
    scripted.answer(200, json.dumps(body, allow_nan=True).encode())
    with pytest.raises(PlatformError) as info:
        client.get_status("SUB-000001")
    assert info.value.kind is ErrorKind.BAD_RESPONSE


def test_an_approval_without_a_licence_or_a_refusal_with_one_is_refused(scripted, client):
    _refused(scripted, client, signed(licence=None), "bad_shape")
    _refused(scripted, client, signed(status="needs_correction"), "bad_shape")


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["submission_id", "status", "reasons", "licence", "updated_at"]),
       value=st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                       st.lists(st.text(max_size=5), max_size=3)))
def test_any_change_to_a_signed_decision_is_refused_or_harmless(scripted, client, field, value):
    original = signed()
    body = dict(original, **{field: value})
    scripted.answer(200, body)
    try:
        got = client.get_status("SUB-000001")
    except PlatformError as exc:
        assert exc.kind is ErrorKind.BAD_RESPONSE
    else:                              # accepted only if the change changed nothing signed
        assert got == decision("SUB-000001")


def test_a_post_answer_keeps_a_verified_decision_and_drops_a_bad_one(scripted, client):
    scripted.answer(201, ack(status="approved", pending_attachments=[], decision=signed()))
    kept = client.post_submission(OUT).decision
    assert kept is not None and kept.status is DecisionStatus.APPROVED and kept.licence == LICENCE
    forged = signed(key=Ed25519PrivateKey.generate())
    scripted.answer(201, ack(status="approved", pending_attachments=[], decision=forged))
    answer = client.post_submission(OUT)      # delivered all the same...
    assert answer.status is DecisionStatus.APPROVED and answer.decision is None   # ...unproven


def test_a_replayed_post_answer_says_so(scripted, client):
    scripted.answer(201, ack(replayed=True))
    assert client.post_submission(OUT).replayed
