"""Submissions: idempotency, shape checks, envelope checks and resumable attachments."""
from __future__ import annotations

import base64
import hashlib
import json
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from platform_helpers import build_submission, post, upload

from central.testing import SignedClient
from contract.envelope import seal


def test_first_post_is_201_and_repeats_answer_the_same(platform, client):
    built = build_submission(platform)
    first = post(client, built)
    assert first.status_code == 201
    assert first.json()["submission_id"] == built.sid
    assert first.json()["replayed"] is False
    again = post(client, built)
    assert again.status_code == 201
    assert again.json() == {**first.json(), "replayed": True}   # the first answer, marked
    assert platform.stored_submission_ids() == [built.sid]


def test_same_key_with_a_different_body_is_a_conflict(platform, client):
    built = build_submission(platform)
    assert post(client, built).status_code == 201
    other = build_submission(platform, submission_id=built.sid)
    response = post(client, other)
    assert response.status_code == 409
    assert response.json()["error"] == "idempotency_conflict"
    assert platform.stored_submission_ids() == [built.sid]


def test_key_must_equal_the_body_submission_id(platform, client):
    built = build_submission(platform)
    response = post(client, built, key="someone-else-0001")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert platform.stored_submission_ids() == []


def test_missing_idempotency_key_is_refused(platform, client):
    built = build_submission(platform)
    response = client.request("POST", "/v1/submissions", built.body)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.text
    assert platform.stored_submission_ids() == []


def test_a_kiosk_cannot_submit_in_another_kiosks_name(platform, client):
    built = build_submission(platform, kiosk_id="kiosk-other-002")
    response = post(client, built)
    assert response.status_code == 403
    assert platform.stored_submission_ids() == []


@pytest.mark.parametrize("raw", [
    b"", b"{", b'{"submission_id": "abc"', b"not json", b"\xff\xfe\x00", b"[1, 2",
])
def test_malformed_and_truncated_json_is_400(shared_platform, shared_client, raw):
    platform, client = shared_platform, shared_client
    before = platform.table_counts()
    response = client.request("POST", "/v1/submissions", raw,
                              {"Idempotency-Key": "abc-123", "Content-Type": "application/json"})
    assert response.status_code in (400, 422), response.text
    assert response.json()["error"] in ("bad_request", "invalid_request")
    assert platform.table_counts() == before


def _spoil(body: dict, path: str, value: object) -> dict:
    body = json.loads(json.dumps(body))
    *parents, last = path.split(".")
    target = body
    for p in parents:
        target = target[int(p)] if isinstance(target, list) else target[p]
    if value is KeyError:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


@pytest.mark.parametrize("path, value", [
    ("submission_id", 12345),
    ("submission_id", "../../etc/passwd"),
    ("kiosk_id", KeyError),
    ("subject_type", "limited_company"),
    ("created_at", "yesterday"),
    ("record", "%%%not base64%%%"),
    ("record", ["list"]),
    ("envelope", "header"),
    ("envelope.v", "1"),
    ("envelope.epk", KeyError),
    ("envelope.extra", "field"),
    ("attachments", {"name": "face"}),
    ("attachments.0.size", -1),
    ("attachments.0.size", "10"),
    ("attachments.0.sha256", "abc"),
    ("attachments.0.name", "../face.jpg"),
    ("unexpected", True),
])
def test_wrong_shapes_are_refused_with_a_message_and_store_nothing(shared_platform, shared_client,
                                                                   path, value):
    platform, client = shared_platform, shared_client
    built = build_submission(platform, attachments={"face.jpg": b"jpeg"})
    body = _spoil(built.body, path, value)
    before = platform.table_counts()
    response = client.request("POST", "/v1/submissions", body,
                              {"Idempotency-Key": str(body.get("submission_id", built.sid))})
    assert response.status_code in (400, 422), response.text
    assert response.json()["message"]
    assert platform.table_counts() == before


def test_duplicate_attachment_names_are_refused(platform, client):
    built = build_submission(platform, attachments={"face.jpg": b"jpeg"})
    built.body["attachments"].append(dict(built.body["attachments"][0]))
    response = post(client, built)
    assert response.status_code == 422
    assert platform.stored_submission_ids() == []


def test_a_record_sealed_for_another_platform_is_refused(platform, client):
    built = build_submission(platform)
    other = seal(X25519PrivateKey.generate().public_key(), built.sid, b"{}")
    built.body["envelope"] = other.header
    built.body["record"] = base64.b64encode(other.record).decode()
    response = post(client, built)
    assert response.status_code == 422
    assert response.json()["error"] == "envelope_invalid"
    assert platform.stored_submission_ids() == []


def test_an_envelope_of_another_submission_is_refused(platform, client):
    built = build_submission(platform)
    other = build_submission(platform)
    built.body["envelope"] = other.body["envelope"]
    response = post(client, built)
    assert response.status_code == 422
    assert response.json()["error"] == "envelope_invalid"


@pytest.mark.parametrize("plain", [b"not json", b"[1,2,3]", b"\xff\xfe"])
def test_a_sealed_record_that_is_not_a_json_object_is_refused(platform, client, plain):
    built = build_submission(platform, record=plain)
    response = post(client, built)
    assert response.status_code == 422
    assert platform.stored_submission_ids() == []


def test_subject_type_must_match_the_sealed_record(platform, client):
    built = build_submission(platform)
    built.body["subject_type"] = "branch"
    assert post(client, built).status_code == 422
    assert platform.stored_submission_ids() == []


def test_status_is_visible_only_to_the_submitting_kiosk(platform, client):
    built = build_submission(platform)
    post(client, built)
    mine = client.request("GET", f"/v1/submissions/{built.sid}")
    assert mine.status_code == 200
    assert mine.json()["status"] in ("received", "approved", "needs_correction", "rejected")
    other_key = Ed25519PrivateKey.generate()
    platform.register_kiosk("kiosk-other-002", other_key.public_key())
    other = SignedClient(platform.base_url, "kiosk-other-002", other_key)
    assert other.request("GET", f"/v1/submissions/{built.sid}").status_code == 404
    assert client.request("GET", "/v1/submissions/no-such-id").status_code == 404


# -- attachments -------------------------------------------------------------------------

def _target(built, name="face.jpg") -> str:
    return f"/v1/submissions/{built.sid}/attachments/{name}"


def test_attachment_upload_resumes_from_the_platforms_offset(platform, client):
    built = build_submission(platform, attachments={"face.jpg": os.urandom(5000)})
    assert post(client, built).json()["pending_attachments"] == ["face.jpg"]
    blob = built.attachments["face.jpg"]
    r = client.request("PUT", _target(built), blob[:2000], {"Upload-Offset": "0"})
    assert r.json() == {"name": "face.jpg", "received": 2000, "size": len(blob),
                        "complete": False, "status": None, "decision": None}
    # The kiosk lost its place: it asks, then continues from there.
    status = client.request("GET", _target(built)).json()
    assert status["received"] == 2000 and status["complete"] is False
    wrong = client.request("PUT", _target(built), blob[1000:], {"Upload-Offset": "1000"})
    assert wrong.status_code == 409
    assert wrong.json()["error"] == "offset_mismatch" and wrong.json()["offset"] == 2000
    last = client.request("PUT", _target(built), blob[2000:], {"Upload-Offset": "2000"})
    assert last.status_code == 200
    assert last.json()["complete"] is True
    assert last.json()["status"] is not None
    # The completing chunk carries the signed decision: the kiosk need not ask for it.
    decision = last.json()["decision"]
    assert decision["status"] == last.json()["status"] and decision["submission_id"] == built.sid
    assert decision["signature"] and decision == client.request(
        "GET", f"/v1/submissions/{built.sid}").json()
    again = client.request("PUT", _target(built), blob[2000:], {"Upload-Offset": "2000"})
    assert again.status_code == 409 and again.json()["complete"] is True
    assert platform.platform.store().attachment_bytes(built.sid, "face.jpg") == blob


def test_checksum_mismatch_restarts_the_upload_from_zero(platform, client):
    built = build_submission(platform, attachments={"face.jpg": os.urandom(3000)})
    post(client, built)
    blob = bytearray(built.attachments["face.jpg"])
    blob[-1] ^= 0xFF
    client.request("PUT", _target(built), bytes(blob[:1000]), {"Upload-Offset": "0"})
    bad = client.request("PUT", _target(built), bytes(blob[1000:]), {"Upload-Offset": "1000"})
    assert bad.status_code == 422
    assert bad.json()["error"] == "checksum_mismatch" and bad.json()["offset"] == 0
    assert client.request("GET", _target(built)).json()["received"] == 0
    assert platform.platform.store().attachment_bytes(built.sid, "face.jpg") == b""
    done = upload(client, built, "face.jpg")
    assert done.json()["complete"] is True


def test_chunks_past_the_declared_size_or_empty_are_refused(platform, client):
    built = build_submission(platform, attachments={"face.jpg": b"x" * 100})
    post(client, built)
    blob = built.attachments["face.jpg"]
    too_long = client.request("PUT", _target(built), blob + b"extra", {"Upload-Offset": "0"})
    assert too_long.status_code == 422 and too_long.json()["error"] == "size_exceeded"
    empty = client.request("PUT", _target(built), b"", {"Upload-Offset": "0"})
    assert empty.status_code == 400
    bad_offset = client.request("PUT", _target(built), blob, {"Upload-Offset": "minus one"})
    assert bad_offset.status_code == 422
    assert client.request("GET", _target(built)).json()["received"] == 0


def test_undeclared_attachments_and_unknown_submissions_are_404(platform, client):
    built = build_submission(platform, attachments={"face.jpg": b"x"})
    post(client, built)
    assert client.request("PUT", _target(built, "photo.png"), b"x",
                          {"Upload-Offset": "0"}).status_code == 404
    ghost = build_submission(platform, attachments={"face.jpg": b"x"})
    assert client.request("PUT", _target(ghost), b"x", {"Upload-Offset": "0"}).status_code == 404


def test_sha256_is_of_the_ciphertext_as_declared(platform, client):
    built = build_submission(platform, attachments={"a.bin": b"1" * 10, "b.bin": b"2" * 20})
    post(client, built)
    for name, blob in built.attachments.items():
        declared = {a["name"]: a for a in built.body["attachments"]}[name]
        assert declared["sha256"] == hashlib.sha256(blob).hexdigest()
    upload(client, built, "a.bin")
    mid = client.request("GET", f"/v1/submissions/{built.sid}").json()
    assert mid["status"] == "received"
    final = upload(client, built, "b.bin", chunk=7)
    assert final.json()["status"] in ("received", "approved", "needs_correction")
