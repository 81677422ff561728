"""Hypothesis feeds garbage to the live platform: every refusal is a clear 4xx and stores nothing."""
from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from platform_helpers import KIOSK_ID, build_submission, post

from central.testing import PlatformHandle, SignedClient, running_platform

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=12)


# Printable ASCII: control characters in a header are refused by the HTTP parser itself (400,
# before any application code runs), which the next test pins down separately.
_HEADER_CHARS = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[PlatformHandle, SignedClient]]:
    key = Ed25519PrivateKey.generate()
    with running_platform(tmp_path_factory.mktemp("garbage")) as handle:
        handle.register_kiosk(KIOSK_ID, key.public_key())
        yield handle, SignedClient(handle.base_url, KIOSK_ID, key)


def _error_body(response) -> dict:
    payload = response.json()
    assert isinstance(payload["error"], str) and payload["error"]
    assert isinstance(payload["message"], str) and payload["message"]
    return payload


@FUZZ
@given(raw=st.binary(max_size=300))
def test_random_bytes_as_a_submission_are_refused(live, raw):
    platform, client = live
    before = platform.table_counts()
    response = client.request("POST", "/v1/submissions", raw,
                              {"Idempotency-Key": "fuzz-0001", "Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    _error_body(response)
    assert platform.table_counts() == before


@FUZZ
@given(value=json_values)
def test_random_json_as_a_submission_is_refused(live, value):
    platform, client = live
    before = platform.table_counts()
    body = json.dumps(value).encode()
    response = client.request("POST", "/v1/submissions", body,
                              {"Idempotency-Key": "fuzz-0002", "Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    _error_body(response)
    assert platform.table_counts() == before


@FUZZ
@given(field=st.sampled_from(["submission_id", "kiosk_id", "created_at", "subject_type",
                              "envelope", "record", "attachments"]),
       value=json_values)
def test_a_valid_body_with_one_field_replaced_is_stored_once_or_not_at_all(live, field, value):
    platform, client = live
    built = build_submission(platform)
    sid = built.sid
    built.body[field] = value
    before = len(platform.stored_submission_ids())
    response = client.request("POST", "/v1/submissions", built.body, {"Idempotency-Key": sid})
    after = len(platform.stored_submission_ids())
    if response.status_code == 201:
        assert after == before + 1
    else:
        assert response.status_code in (400, 403, 409, 422)
        _error_body(response)
        assert after == before


@FUZZ
@given(timestamp=st.text(_HEADER_CHARS, max_size=20), nonce=st.text(_HEADER_CHARS, max_size=40),
       signature=st.text(_HEADER_CHARS, max_size=100), kiosk=st.sampled_from([KIOSK_ID, "", "nobody-01"]))
def test_garbage_auth_headers_are_refused_with_401(live, timestamp, nonce, signature, kiosk):
    platform, _ = live
    before = platform.table_counts()
    headers = {"X-Kiosk-Id": kiosk, "X-Kiosk-Timestamp": timestamp, "X-Kiosk-Nonce": nonce,
               "X-Kiosk-Signature": signature}
    try:
        response = requests.get(platform.base_url + "/v1/config/stable", headers=headers,
                                timeout=10)
    except ValueError:  # requests itself refuses headers with newlines or leading spaces
        return
    assert response.status_code == 401
    assert _error_body(response)["error"] in (
        "unknown_kiosk", "missing_signature", "malformed_signature", "stale_request",
        "bad_signature")
    assert platform.table_counts() == before


@FUZZ
@given(steps=st.lists(st.tuples(st.integers(min_value=-5, max_value=400),
                                st.binary(max_size=120)), min_size=1, max_size=6))
def test_attachment_chunks_at_random_offsets_never_corrupt_the_upload(live, steps):
    platform, client = live
    built = build_submission(platform, attachments={"face.jpg": b"f" * 200})
    assert post(client, built).status_code == 201
    blob = built.attachments["face.jpg"]
    target = f"/v1/submissions/{built.sid}/attachments/face.jpg"
    for offset, chunk in steps:
        response = client.request("PUT", target, chunk, {"Upload-Offset": str(offset)})
        assert response.status_code in (200, 400, 409, 422), response.text
        if response.status_code != 200:
            _error_body(response)
        state = client.request("GET", target).json()
        stored = platform.platform.store().attachment_bytes(built.sid, "face.jpg")
        assert state["received"] == len(stored) <= len(blob)
        if state["complete"]:
            assert stored == blob


def test_control_characters_in_headers_are_refused_by_the_http_layer(live):
    platform, _ = live
    before = platform.table_counts()
    with socket.create_connection(("127.0.0.1", platform.port), timeout=5) as sock:
        sock.sendall(b"GET /v1/config/stable HTTP/1.1\r\nHost: x\r\n"
                     b"X-Kiosk-Signature: 0\x0c\r\n\r\n")
        assert sock.recv(1024).startswith(b"HTTP/1.1 400")
    assert platform.table_counts() == before


def test_a_405_allows_every_method_of_the_path(platform, client) -> None:
    r = client.request("DELETE", "/v1/submissions/SUB-ALLOW-01/attachments/face")
    assert r.status_code == 405 and r.headers["allow"] == "GET, PUT"
    assert r.json()["error"] == "method_not_allowed"


def test_an_integer_field_takes_79_0_as_json_schema_does_but_never_text_or_fractions(client) -> None:
    def rating(n: str, level: object) -> int:
        return client.request("POST", "/v1/ratings", {"rating_id": f"rating-int-{n}",
                                                        "submission_id": "SUB-INT-0001",
                                                        "level": level}).status_code
    assert rating("a", 4.0) == 201 and rating("b", 4) == 201
    for n, bad in (("c", "4"), ("d", 4.5), ("e", True), ("f", 1e308), ("g", None)):
        assert rating(n, bad) == 422, bad
