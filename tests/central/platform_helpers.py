"""Helpers for the central tests: sealed submission bodies, posting and uploading."""
from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass

from central.testing import PlatformHandle, SignedClient
from contract.envelope import seal

KIOSK_ID = "kiosk-xihu-001"


def minimal_record(subject_type: str = "individual_business") -> dict:
    return {"schema": 1, "subject_type": subject_type, "applicant": {}, "answers": {}}


@dataclass
class Built:
    """A sealed submission: the JSON body to POST and the attachment ciphertexts to PUT."""

    body: dict
    attachments: dict[str, bytes]

    @property
    def sid(self) -> str:
        return self.body["submission_id"]


def build_submission(platform: PlatformHandle, record: dict | bytes | None = None,
                     attachments: dict[str, bytes] | None = None, kiosk_id: str = KIOSK_ID,
                     submission_id: str | None = None) -> Built:
    sid = submission_id or uuid.uuid4().hex
    rec = record if record is not None else minimal_record()
    plain = rec if isinstance(rec, bytes) else json.dumps(rec, ensure_ascii=False).encode()
    subject = rec.get("subject_type", "individual_business") if isinstance(rec, dict) \
        else "individual_business"
    sealed = seal(platform.platform_public_key, sid, plain, attachments or {})
    body = {
        "submission_id": sid, "kiosk_id": kiosk_id, "created_at": "2026-11-21T10:00:00+08:00",
        "subject_type": subject, "envelope": sealed.header,
        "record": base64.b64encode(sealed.record).decode(),
        "attachments": [{"name": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                        for n, b in sealed.attachments.items()],
    }
    return Built(body, dict(sealed.attachments))


def post(client: SignedClient, built: Built, key: str | None = None):
    return client.request("POST", "/v1/submissions", built.body,
                          {"Idempotency-Key": key or built.sid})


def upload(client: SignedClient, built: Built, name: str, chunk: int = 1 << 20):
    blob = built.attachments[name]
    target = f"/v1/submissions/{built.sid}/attachments/{name}"
    response = None
    for offset in range(0, len(blob), chunk):
        response = client.request("PUT", target, blob[offset:offset + chunk],
                                  {"Upload-Offset": str(offset)})
        assert response.status_code == 200, response.text
    return response
