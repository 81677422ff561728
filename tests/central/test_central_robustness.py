"""Races, retries through faults with attachments, nonce pruning and log privacy."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from platform_helpers import KIOSK_ID, build_submission, post

from central.store import Store
from central.testing import SignedClient
from kiosk.domain.samples import sample_record


def test_the_same_submission_raced_from_many_threads_is_stored_once(platform, kiosk_key):
    platform.register_kiosk(KIOSK_ID, kiosk_key.public_key())
    built = build_submission(platform, sample_record())

    def send(_: int) -> tuple[int, dict]:
        client = SignedClient(platform.base_url, KIOSK_ID, kiosk_key)  # own connection each
        response = post(client, built)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(16)))
    assert {code for code, _ in answers} == {201}
    # One request stored it; every other one was told it repeats that first answer.
    assert [body["replayed"] for _, body in answers].count(False) == 1
    first = next(body for _, body in answers if not body["replayed"])
    assert all(body == {**first, "replayed": body["replayed"]} for _, body in answers)
    assert platform.stored_submission_ids() == [built.sid]


def _upload_through_faults(client: SignedClient, built, name: str, chunk: int) -> dict:
    """Upload like a kiosk would: ask where to resume after any failure."""
    blob = built.attachments[name]
    target = f"/v1/submissions/{built.sid}/attachments/{name}"
    for _ in range(200):
        try:
            state = client.request("GET", target)
            if state.status_code != 200:
                continue
            offset = state.json()["received"]
            if state.json()["complete"]:
                return state.json()
            client.request("PUT", target, blob[offset:offset + chunk],
                           {"Upload-Offset": str(offset)})
        except requests.ConnectionError:
            continue
    raise AssertionError("upload never completed")


def _submit_through_faults(client: SignedClient, built) -> None:
    for _ in range(100):
        try:
            if post(client, built).status_code == 201:
                return
        except requests.ConnectionError:
            continue
    raise AssertionError("submission never acknowledged")


def _campaign(platform, client, count: int, seed: int) -> None:
    platform.set_faults(error_rate=0.2, drop_rate=0.15, lost_answer_rate=0.3, seed=seed)
    sent = []
    for index in range(count):
        record = sample_record("natural_person_llc")
        record["answers"] = {**record["answers"],
                             "name": {**record["answers"]["name"],
                                      "trade_name": "安邦成德丰和华嘉锦康乐联"[index % 12]
                                      + "茂宁平瑞盛顺泰通"[index // 12 % 8]}}
        built = build_submission(platform, record,
                                 attachments={"face.jpg": bytes(range(256)) * 12,
                                              "sign.png": b"\x89PNG" * 300})
        sent.append(built.sid)
        _submit_through_faults(client, built)
        _upload_through_faults(client, built, "face.jpg", chunk=1000)
        _upload_through_faults(client, built, "sign.png", chunk=700)
    platform.set_faults(error_rate=0, drop_rate=0, lost_answer_rate=0)
    assert sorted(platform.stored_submission_ids()) == sorted(sent)
    store = platform.platform.store()
    statuses = []
    for sid in sent:
        status = client.request("GET", f"/v1/submissions/{sid}").json()
        # Decided once everything arrived; a generated 字号 may break a naming rule.
        assert status["status"] in ("approved", "needs_correction"), status
        statuses.append(status["status"])
        for att in store.attachments(sid):
            assert att["complete"] and att["received"] == att["size"]
    assert statuses.count("approved") >= len(sent) // 2
    assert all(platform.fault_counts[k] for k in ("error", "drop", "lost_answer"))


def test_submissions_with_attachments_arrive_once_through_faults(platform, client):
    _campaign(platform, client, count=3, seed=11)


@pytest.mark.slow
def test_long_fault_campaign(platform, client):
    _campaign(platform, client, count=40, seed=12)


def test_nonces_are_pruned_after_twice_the_skew_window(tmp_path):
    store = Store.in_dir(tmp_path)
    assert store.remember_nonce("k1", "a" * 16, ts=1000, forget_before=0)
    assert not store.remember_nonce("k1", "a" * 16, ts=1000, forget_before=0)
    assert store.remember_nonce("k2", "a" * 16, ts=1000, forget_before=0)  # per kiosk
    assert store.remember_nonce("k1", "b" * 16, ts=2000, forget_before=1500)
    count = store.conn.execute("SELECT COUNT(*) FROM nonces").fetchone()[0]
    assert count == 1  # the two at ts=1000 were forgotten


def test_logs_never_hold_personal_data(platform, client, caplog):
    record = sample_record()
    applicant = record["applicant"]
    with caplog.at_level(logging.DEBUG):
        built = build_submission(platform, record)
        post(client, built)
        client.request("GET", f"/v1/submissions/{built.sid}")
        other = SignedClient(platform.base_url, "kiosk-unknown-9", Ed25519PrivateKey.generate())
        other.request("POST", "/v1/submissions", built.body, {"Idempotency-Key": built.sid})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert built.sid in text  # the log does say what happened
    for secret in (applicant["name"], applicant["id_number"], record["answers"]["phone"]):
        assert secret not in text


def test_a_restarted_platform_keeps_keys_kiosks_and_first_answers(tmp_path, kiosk_key):
    from central.testing import running_platform

    data = tmp_path / "central"
    with running_platform(data) as first:
        first.register_kiosk(KIOSK_ID, kiosk_key.public_key())
        built = build_submission(first, sample_record())
        answer = post(SignedClient(first.base_url, KIOSK_ID, kiosk_key), built).json()
        public = first.platform_public_key
    with running_platform(data) as second:
        assert second.platform_public_key.public_bytes_raw() == public.public_bytes_raw()
        client = SignedClient(second.base_url, KIOSK_ID, kiosk_key)
        again = post(client, built)
        assert again.status_code == 201 and again.json() == {**answer, "replayed": True}
        assert second.stored_submission_ids() == [built.sid]
        assert client.request("GET", f"/v1/submissions/{built.sid}").json()["status"] == "approved"
