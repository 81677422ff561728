"""Every /v1/ request must be signed by a registered kiosk; refusals store nothing."""
from __future__ import annotations

import json
import time

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from platform_helpers import KIOSK_ID, build_submission

from central.auth import MAX_BODY
from contract.signing import sign_headers


def _raw_post(platform, headers, body: bytes, target: str = "/v1/submissions"):
    return requests.post(platform.base_url + target, data=body, headers=headers, timeout=10)


def _signed(platform, kiosk_key):
    built = build_submission(platform)
    body = json.dumps(built.body).encode()

    def headers(key=kiosk_key, kiosk_id=KIOSK_ID, now=None, nonce=None, path="/v1/submissions",
                method="POST", signed_body=body):
        h = sign_headers(key, kiosk_id, method, path, signed_body, now=now, nonce=nonce)
        h.update({"Idempotency-Key": built.sid, "Content-Type": "application/json"})
        return h

    return built, body, headers


@pytest.fixture
def signed(platform, client, kiosk_key):
    """A valid submission body and a function making headers for it, possibly spoiled."""
    return _signed(platform, kiosk_key)


@pytest.fixture
def shared_signed(shared_platform, shared_client, shared_key):
    return _signed(shared_platform, shared_key)


def _refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    payload = response.json()
    assert payload["error"] == code
    assert payload["message"]


def test_a_correctly_signed_request_is_accepted(platform, signed):
    built, body, headers = signed
    response = _raw_post(platform, headers(), body)
    assert response.status_code == 201, response.text
    assert platform.stored_submission_ids() == [built.sid]


@pytest.mark.parametrize("spoil, code", [
    ("unknown_kiosk", "unknown_kiosk"),
    ("no_headers", "missing_signature"),
    ("no_signature", "missing_signature"),
    ("bad_base64", "malformed_signature"),
    ("bad_timestamp", "malformed_signature"),
    ("short_nonce", "malformed_signature"),
    ("stale", "stale_request"),
    ("future", "stale_request"),
    ("other_key", "bad_signature"),
    ("other_path", "bad_signature"),
    ("other_method", "bad_signature"),
    ("tampered_body", "bad_signature"),
])
def test_wrongly_signed_requests_are_refused_and_nothing_is_stored(shared_platform, shared_signed,
                                                                   spoil, code):
    platform = shared_platform
    built, body, headers = shared_signed
    before = platform.table_counts()
    send_body = body
    if spoil == "unknown_kiosk":
        h = headers(kiosk_id="kiosk-nobody")
    elif spoil == "no_headers":
        h = {"Content-Type": "application/json", "Idempotency-Key": built.sid}
    elif spoil == "no_signature":
        h = headers()
        del h["X-Kiosk-Signature"]
    elif spoil == "bad_base64":
        h = headers()
        h["X-Kiosk-Signature"] = "not*base64!"
    elif spoil == "bad_timestamp":
        h = headers()
        h["X-Kiosk-Timestamp"] = "yesterday"
    elif spoil == "short_nonce":
        h = headers(nonce="abc")
    elif spoil == "stale":
        h = headers(now=time.time() - 301)
    elif spoil == "future":
        h = headers(now=time.time() + 400)
    elif spoil == "other_key":
        h = headers(key=Ed25519PrivateKey.generate())
    elif spoil == "other_path":
        h = headers(path="/v1/ratings")
    elif spoil == "other_method":
        h = headers(method="PUT")
    else:
        h = headers()
        send_body = body.replace(b'"kiosk_id"', b'"kiosk_id" ')
    _refused(_raw_post(platform, h, send_body), 401, code)
    assert platform.table_counts() == before
    assert platform.stored_submission_ids() == []


def test_a_replayed_request_is_refused(platform, signed):
    built, body, headers = signed
    h = headers()
    assert _raw_post(platform, h, body).status_code == 201
    before = platform.table_counts()
    _refused(_raw_post(platform, h, body), 401, "replayed_request")
    assert platform.table_counts() == before


def test_a_nonce_used_on_another_request_is_still_a_replay(platform, client, kiosk_key, signed):
    _, body, headers = signed
    nonce = "n" * 32
    target = "/v1/names/check?name=%E6%9D%AD%E5%B7%9E"
    h = sign_headers(kiosk_key, KIOSK_ID, "GET", target, b"", nonce=nonce)
    assert requests.get(platform.base_url + target, headers=h, timeout=10).status_code == 200
    _refused(_raw_post(platform, headers(nonce=nonce), body), 401, "replayed_request")
    assert platform.stored_submission_ids() == []


def test_the_query_string_is_part_of_what_is_signed(platform, client, kiosk_key):
    h = sign_headers(kiosk_key, KIOSK_ID, "GET", "/v1/names/check?name=A", b"")
    response = requests.get(platform.base_url + "/v1/names/check?name=B", headers=h, timeout=10)
    _refused(response, 401, "bad_signature")


def test_oversized_bodies_are_refused_before_auth_and_store_nothing(platform, signed):
    built, body, headers = signed
    before = platform.table_counts()
    big = b"{" + b" " * MAX_BODY + b"}"
    _refused(_raw_post(platform, headers(signed_body=big), big), 413, "too_large")

    def chunks():  # no Content-Length: the limit must hold while streaming too
        for _ in range(MAX_BODY // 65536 + 2):
            yield b" " * 65536

    response = requests.post(platform.base_url + "/v1/submissions", data=chunks(),
                             headers=headers(), timeout=10)
    _refused(response, 413, "too_large")
    assert platform.table_counts() == before


def test_unauthenticated_endpoints_stay_open(platform):
    health = requests.get(platform.base_url + "/healthz", timeout=10).json()
    assert health["ok"] is True and set(health) == {"ok", "time"}    # the clock, for kiosk diag
    spec = requests.get(platform.base_url + "/openapi.json", timeout=10).json()
    assert "/v1/submissions" in spec["paths"]
