"""kiosk.platform.client: signed calls to the real platform, and garbage answers from a loopback
server that says whatever the test wants. The client raises only PlatformError."""
from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.platform.client import PlatformClient
from kiosk.platform.signing import verify_headers
from offline_queue.model import RemoteStatus
from offline_queue.port import (
    AttachmentMeta, ErrorKind, OutgoingSubmission, PlatformError, PlatformPort,
)


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


@pytest.fixture
def client(scripted, kiosk_key):
    c = PlatformClient(scripted.url, "kiosk-001", kiosk_key, timeout=(1, 1))
    yield c
    c.close()


OUT = OutgoingSubmission("SUB-000001", "2026-11-21T10:00:00.000+00:00", "individual_business",
                         {"v": 1, "submission_id": "SUB-000001"}, b"\x00cipher",
                         (AttachmentMeta("face", 100, "ab" * 32),))


def test_client_is_a_platform_port(client):
    assert isinstance(client, PlatformPort)


def test_requests_are_signed_over_the_wire_path_and_body(scripted, client, kiosk_key):
    scripted.answer(201, {"submission_id": "SUB-000001", "status": "received"})
    ack = client.post_submission(OUT)
    assert ack.status is RemoteStatus.RECEIVED and not ack.replayed
    method, path, headers, body = scripted.received[-1]
    assert headers["Idempotency-Key"] == "SUB-000001"
    verify_headers(kiosk_key.public_key(), headers, method, path, body)
    scripted.answer(200, {"available": True, "conflicts": [], "message": "可以使用"})
    assert client.check_name("杭州市西湖区青禾百货店 & 分店").available
    method, path, headers, body = scripted.received[-1]
    assert path.startswith("/v1/names/check?name=%E6%9D%AD")
    verify_headers(kiosk_key.public_key(), headers, method, path, body)


def test_retried_post_is_byte_equal(scripted, client):
    scripted.answer(201, {"submission_id": "SUB-000001", "status": "received"})
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
    (201, {"status": "received", "submission_id": "OTHER-1"}, ErrorKind.BAD_RESPONSE, True),
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
    {"received": -1, "size": 10, "complete": False},
    {"received": 11, "size": 10, "complete": False},
    {"received": 1, "size": 10, "complete": "yes"},
    {"received": True, "size": 10, "complete": False},
    {"size": 10},
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
                 lambda: client.get_config("default"),
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
