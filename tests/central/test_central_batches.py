"""Batches (``POST /v1/submission-batches``): the single POST's rules item by item, one durable
transaction, idempotency shared with the single POST, one refused item refusing only itself."""
from __future__ import annotations

import base64
import json

import pytest
from platform_helpers import KIOSK_ID, build_submission, post, upload

from contract.decisions import verify_decision
from contract.wire import BatchAck, DecisionStatus, parse

TARGET = "/v1/submission-batches"


def item(built, attachments: dict[str, bytes] | None = None) -> dict:
    """A batch item: the very text a single POST of ``built`` sends (``SignedClient``'s JSON),
    with its attachments whole."""
    whole = built.attachments if attachments is None else attachments
    return {"body": json.dumps(built.body, ensure_ascii=False, separators=(",", ":")),
            "attachments": [{"name": n, "data": base64.b64encode(b).decode()}
                            for n, b in sorted(whole.items())]}


def send(client, *items: dict):
    response = client.request("POST", TARGET, {"submissions": list(items)})
    assert response.status_code == 200, response.text
    return parse(BatchAck, response.content).items


def accepted(platform) -> list[str]:
    return [r["submission_id"] for r in platform.accept_log()]


def test_a_batch_stores_each_submission_whole_and_answers_its_signed_decision(platform, client):
    built = [build_submission(platform, attachments={"face": bytes([i]) * 3000, "signature":
                                                     b"s" * 500}) for i in range(3)]
    answers = send(client, *(item(b) for b in built))
    assert [a.submission_id for a in answers] == [b.sid for b in built]
    for b, answer in zip(built, answers):
        assert answer.error is None and answer.ack is not None
        assert answer.ack.pending_attachments == [] and not answer.ack.replayed
        decision = verify_decision(platform.decision_public_key, answer.ack.decision)
        assert decision.submission_id == b.sid and decision.kiosk_id == KIOSK_ID
        stored = platform.submission(b.sid)
        assert decision.status is DecisionStatus(stored["status"])
        for name in ("face", "signature"):
            progress = client.request("GET", f"/v1/submissions/{b.sid}/attachments/{name}").json()
            assert progress["complete"] and progress["received"] == len(b.attachments[name])
    assert accepted(platform) == [b.sid for b in built]


def test_a_repeated_batch_is_replayed_and_stores_nothing_new(platform, client):
    built = build_submission(platform, attachments={"face": b"f" * 2000})
    first = send(client, item(built))[0].ack
    counts = platform.table_counts()
    again = send(client, item(built))[0].ack
    assert again.replayed and again.decision == first.decision
    assert again.model_copy(update={"replayed": False}) == first
    assert platform.table_counts() == counts and accepted(platform) == [built.sid]


def test_one_refused_item_refuses_only_itself_and_leaves_nothing(platform, client):
    good = build_submission(platform, attachments={"face": b"g" * 1000})
    spoiled = build_submission(platform, attachments={"face": b"b" * 1000})
    foreign = build_submission(platform, kiosk_id="kiosk-other-002")
    answers = send(client, item(good), item(spoiled, {"face": b"x" * 1000}), item(foreign))
    assert answers[0].ack is not None
    assert (answers[1].error.status, answers[1].error.error) == (422, "checksum_mismatch")
    assert (answers[2].error.status, answers[2].error.error) == (403, "kiosk_mismatch")
    assert platform.stored_submission_ids() == [good.sid]
    assert platform.table_counts()["attachment_chunks"] == 1


@pytest.mark.parametrize("spoil, code", [
    (lambda b: {**b, "attachments": [{"name": "other", "data": "AAAA"}]}, "invalid_request"),
    (lambda b: {**b, "attachments": b["attachments"] * 2}, "invalid_request"),
    (lambda b: {**b, "attachments": [{"name": "face", "data": "not base64!"}]},
     "invalid_request"),
    (lambda b: {**b, "body": b["body"][:-1]}, "invalid_request"),
    (lambda b: {**b, "body": "[]"}, "invalid_request"),
])
def test_an_item_that_breaks_a_rule_is_refused_alone(platform, client, spoil, code):
    built = build_submission(platform, attachments={"face": b"f" * 100})
    answer = send(client, spoil(item(built)))[0]
    assert answer.ack is None and answer.error.status == 422 and answer.error.error == code
    assert platform.stored_submission_ids() == []


def test_the_same_id_with_another_body_is_a_conflict_in_a_batch_too(platform, client):
    built = build_submission(platform)
    assert post(client, built).status_code == 201
    other = build_submission(platform, submission_id=built.sid)
    answer = send(client, item(other))[0]
    assert (answer.error.status, answer.error.error) == (409, "idempotency_conflict")
    assert accepted(platform) == [built.sid]


def test_a_submission_begun_alone_is_completed_by_a_batch(platform, client):
    """A kiosk POSTed it and uploaded part of the photo (then crashed, or was updated): the
    batch replays the POST and completes the photo from the whole one; accepted once."""
    built = build_submission(platform, attachments={"face": bytes(range(256)) * 40,
                                                    "signature": b"s" * 300})
    assert post(client, built).status_code == 201
    face = built.attachments["face"]
    client.request("PUT", f"/v1/submissions/{built.sid}/attachments/face", face[:4096],
                   {"Upload-Offset": "0"})
    ack = send(client, item(built))[0].ack
    assert ack.replayed and ack.pending_attachments == [] and ack.decision is not None
    assert platform.submission(built.sid)["status"] == ack.decision.status.value
    assert accepted(platform) == [built.sid]
    # And a later single POST of it replays, as any repeat does.
    assert post(client, built).json()["replayed"] is True


def test_a_submission_sent_in_a_batch_replays_as_a_single_post(platform, client):
    built = build_submission(platform, attachments={"face": b"f" * 500})
    first = send(client, item(built))[0].ack
    again = post(client, built)
    assert again.status_code == 201 and again.json()["replayed"] is True
    assert again.json()["decision"] == first.decision.model_dump(mode="json")
    upload_again = client.request("GET", f"/v1/submissions/{built.sid}/attachments/face")
    assert upload_again.json()["complete"] is True


def test_an_attachment_left_out_of_the_batch_stays_pending_for_a_chunked_upload(platform,
                                                                              client):
    built = build_submission(platform, attachments={"face": b"f" * 500, "signature": b"s" * 50})
    ack = send(client, item(built, {"signature": built.attachments["signature"]}))[0].ack
    assert ack.pending_attachments == ["face"] and ack.decision is None
    done = upload(client, built, "face").json()
    assert done["complete"] and done["decision"] is not None


def test_the_same_submission_twice_in_one_batch_is_accepted_once(platform, client):
    built = build_submission(platform, attachments={"face": b"f" * 500})
    first, second = send(client, item(built), item(built))
    assert not first.ack.replayed and second.ack.replayed
    assert accepted(platform) == [built.sid]


@pytest.mark.parametrize("body", [
    {}, {"submissions": []}, {"submissions": "x"}, {"submissions": [{}]},
    {"submissions": [{"body": 5}]}, {"submissions": [{"body": "{}", "extra": 1}]},
    {"submissions": [{"body": "{}"}] * 65},
])
def test_a_batch_of_the_wrong_shape_is_refused_whole(shared_platform, shared_client, body):
    before = shared_platform.table_counts()
    response = shared_client.request("POST", TARGET, body)
    assert response.status_code in (400, 422), response.text
    assert response.json()["error"] in ("bad_request", "invalid_request")
    assert shared_platform.table_counts() == before


def test_another_kiosks_submission_id_is_the_same_neutral_conflict(platform, client, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from central.testing import SignedClient

    built = build_submission(platform)
    assert post(client, built).status_code == 201
    other_key = Ed25519PrivateKey.generate()
    platform.register_kiosk("kiosk-other-002", other_key.public_key())
    other = SignedClient(platform.base_url, "kiosk-other-002", other_key)
    theirs = build_submission(platform, kiosk_id="kiosk-other-002", submission_id=built.sid)
    answer = send(other, item(theirs))[0]
    assert (answer.error.status, answer.error.error) == (409, "idempotency_conflict")
    mine = send(client, item(build_submission(platform, submission_id=built.sid)))[0]
    assert mine.error == answer.error          # the same words: it says nothing about whose
    assert accepted(platform) == [built.sid]
