"""The platform signs what it decides, builds only printable licences, and keeps ids private."""
from __future__ import annotations

import copy

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from platform_helpers import KIOSK_ID, build_submission, post

from central.decide import MANUAL_REVIEW, PlatformSettings
from central.idempotency import CONFLICT_MESSAGE
from central.testing import SignedClient, running_platform
from contract.decisions import DecisionSignatureError, verify_decision
from contract.wire import DecisionStatus, SignedDecision, SubmissionAck, parse
from kiosk.domain.samples import sample_record as _sample_record

OTHER_KIOSK = "kiosk-binjiang-002"


def sample_record(subject_type: str = "individual_business") -> dict:
    return copy.deepcopy(_sample_record(subject_type))


def _decision(client, sid: str) -> SignedDecision:
    response = client.request("GET", f"/v1/submissions/{sid}")
    assert response.status_code == 200, response.text
    return parse(SignedDecision, response.content)


def test_a_status_answer_is_signed_with_the_decision_key_not_the_config_key(platform, client):
    built = build_submission(platform, sample_record())
    post(client, built)
    signed = _decision(client, built.sid)
    decision = verify_decision(platform.decision_public_key, signed)
    assert decision.status is DecisionStatus.APPROVED and decision.kiosk_id == KIOSK_ID
    assert decision.licence is not None and decision.licence.legal_person
    with pytest.raises(DecisionSignatureError):
        verify_decision(platform.config_public_key, signed)


def test_the_post_answer_carries_the_signed_decision_when_decided_at_once(platform, client):
    built = build_submission(platform, sample_record())
    ack = parse(SubmissionAck, post(client, built).content)
    assert ack.status is DecisionStatus.APPROVED and ack.decision is not None
    assert verify_decision(platform.decision_public_key, ack.decision) == \
        verify_decision(platform.decision_public_key, _decision(client, built.sid))


def test_an_undecided_submission_is_signed_too_and_its_ack_has_no_decision(platform, client):
    built = build_submission(platform, sample_record(), attachments={"face.jpg": b"\xff" * 900})
    ack = parse(SubmissionAck, post(client, built).content)
    assert ack.status is DecisionStatus.RECEIVED and ack.decision is None
    assert ack.pending_attachments == ["face.jpg"]
    decision = verify_decision(platform.decision_public_key, _decision(client, built.sid))
    assert decision.status is DecisionStatus.RECEIVED and decision.licence is None


def test_an_address_the_rules_let_through_but_a_licence_cannot_print_goes_to_a_clerk(
        platform, client):
    # A right-to-left override (U+202E) passes the answer rules today, but would reorder the
    # printed address: the platform must not issue a licence with it.
    record = sample_record()
    record["answers"]["premises"]["detail"] = "文三路\u202e200号"
    built = build_submission(platform, record)
    post(client, built)
    decision = _decision(client, built.sid)
    assert decision.status is DecisionStatus.RECEIVED and decision.reasons == [MANUAL_REVIEW]
    assert decision.licence is None


def test_an_authority_name_too_long_to_print_approves_nothing(tmp_path, kiosk_key):
    settings = PlatformSettings(authority="杭州市西湖区" * 11 + "市场监督管理局")
    with running_platform(tmp_path / "central", settings=settings) as platform:
        platform.register_kiosk(KIOSK_ID, kiosk_key.public_key())
        client = SignedClient(platform.base_url, KIOSK_ID, kiosk_key)
        built = build_submission(platform, sample_record())
        assert post(client, built).json()["status"] == "received"
        assert _decision(client, built.sid).licence is None
        with pytest.raises(ValueError):
            platform.clerk_decide(built.sid, "approved")


# -- one idempotency rule: another kiosk's id is no different from an id it may not use -----

@pytest.fixture
def other(platform) -> SignedClient:
    key = Ed25519PrivateKey.generate()
    platform.register_kiosk(OTHER_KIOSK, key.public_key())
    return SignedClient(platform.base_url, OTHER_KIOSK, key)


def test_another_kiosks_submission_id_is_a_neutral_conflict_and_never_overwritten(
        platform, client, other):
    built = build_submission(platform, sample_record())
    first = post(client, built)
    row = platform.submission(built.sid)
    # The second kiosk posts its own application under the same number.
    theirs = post(other, build_submission(platform, sample_record(), kiosk_id=OTHER_KIOSK,
                                          submission_id=built.sid))
    # The first kiosk reuses its own number with another body.
    mine = post(client, build_submission(platform, sample_record(), submission_id=built.sid))
    assert theirs.status_code == mine.status_code == 409
    assert theirs.json() == mine.json() == {"error": "idempotency_conflict",
                                            "message": CONFLICT_MESSAGE}
    # To the second kiosk the number reads as unknown; the first kiosk's record is untouched.
    unknown = other.request("GET", "/v1/submissions/never-used-0001")
    taken = other.request("GET", f"/v1/submissions/{built.sid}")
    assert taken.status_code == unknown.status_code == 404 and taken.json() == unknown.json()
    assert platform.submission(built.sid) == row
    assert platform.stored_submission_ids() == [built.sid]
    again = post(client, built)
    assert again.json() == {**first.json(), "replayed": True}


def _rating(rating_id: str, level: int = 5) -> dict:
    return {"rating_id": rating_id, "submission_id": "20261121-7KQ4M2XP", "level": level,
            "indicators": {}, "comment": "", "tags": []}


def test_ratings_follow_the_same_rule(platform, client, other):
    first = client.request("POST", "/v1/ratings", _rating("rating-0001"))
    assert first.status_code == 201
    stored = platform.platform.store().rating("rating-0001")
    theirs = other.request("POST", "/v1/ratings", _rating("rating-0001"))        # same body
    mine = client.request("POST", "/v1/ratings", _rating("rating-0001", level=1))
    assert theirs.status_code == mine.status_code == 409
    assert theirs.json() == mine.json() == {"error": "idempotency_conflict",
                                            "message": CONFLICT_MESSAGE}
    assert platform.platform.store().rating("rating-0001") == stored
    summary = client.request("GET", "/v1/ratings/summary").json()
    assert summary["total"] == 1 and summary["counts"]["5"] == 1
    replay = client.request("POST", "/v1/ratings", _rating("rating-0001"))
    assert replay.status_code == 201 and replay.json() == {**first.json(), "replayed": True}
