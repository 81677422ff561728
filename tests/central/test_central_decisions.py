"""Decisions on complete submissions: 秒批 with a valid USCC, corrections, manual review."""
from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from platform_helpers import build_submission, post, upload
from stdnum.cn import uscc

from central.credit import organisation_check_char
from kiosk.domain.identifiers import validate_credit_code
from kiosk.domain.review import review_record
from kiosk.domain.samples import sample_record as _sample_record


def sample_record(subject_type: str = "individual_business") -> dict:
    # Deep copy: sample_record shares nested answer dicts between calls, and tests edit them.
    return copy.deepcopy(_sample_record(subject_type))


def renamed(record: dict, trade_name: str) -> dict:
    record["answers"]["name"]["trade_name"] = trade_name
    return record


def _status(client, sid: str) -> dict:
    response = client.request("GET", f"/v1/submissions/{sid}")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("subject_type", ["individual_business", "sole_proprietorship",
                                          "natural_person_llc"])
def test_an_eligible_application_is_approved_with_a_valid_credit_code(platform, client,
                                                                      subject_type):
    record = sample_record(subject_type)
    assert review_record(record).instant
    built = build_submission(platform, record)
    ack = post(client, built)
    assert ack.status_code == 201 and ack.json()["status"] == "approved"
    status = _status(client, built.sid)
    assert status["status"] == "approved" and status["reasons"] == []
    licence = status["licence"]
    code = licence["uscc"]
    assert uscc.is_valid(code) and validate_credit_code(code).valid
    assert code[:2] == ("92" if subject_type == "individual_business" else "91")
    assert code[2:8] == "330106"
    assert organisation_check_char(code[8:16]) == code[16]
    fields = review_record(record).licence_fields()
    assert licence["name"] == fields["name"]
    assert licence["legal_person"] == fields["person_name"]
    assert licence["scope"] == fields["scope"]
    assert licence["authority"] == "杭州市西湖区市场监督管理局"
    assert licence["issued_on"] == dt.date.today().isoformat()
    assert licence["licence_number"].startswith("330106" + str(dt.date.today().year))


def test_every_approval_gets_a_different_code_and_number(platform, client):
    codes, numbers = set(), set()
    for subject_type, trade in (("individual_business", "青禾"), ("sole_proprietorship", "远山"),
                                ("natural_person_llc", "德润")):
        built = build_submission(platform, renamed(sample_record(subject_type), trade))
        post(client, built)
        licence = _status(client, built.sid)["licence"]
        codes.add(licence["uscc"])
        numbers.add(licence["licence_number"])
    assert len(codes) == 3 and len(numbers) == 3


def test_an_approval_waits_for_its_attachments(platform, client):
    built = build_submission(platform, sample_record(), attachments={"face.jpg": b"\xff" * 4000})
    assert post(client, built).json()["status"] == "received"
    assert _status(client, built.sid)["licence"] is None
    final = upload(client, built, "face.jpg", chunk=1500)
    assert final.json()["status"] == "approved"
    assert _status(client, built.sid)["status"] == "approved"


def test_an_approved_name_is_registered_and_the_next_identical_one_must_change(platform, client):
    first = build_submission(platform, sample_record())
    post(client, first)
    # Same 字号 and industry under another organisation form still collides.
    second = build_submission(platform, sample_record("sole_proprietorship"))
    post(client, second)
    status = _status(client, second.sid)
    assert status["status"] == "needs_correction"
    assert any("字号" in reason for reason in status["reasons"])
    third = build_submission(platform, renamed(sample_record("sole_proprietorship"), "远山"))
    post(client, third)
    assert _status(client, third.sid)["status"] == "approved"


def test_a_seeded_name_blocks_the_same_trade_name_and_industry(platform, client):
    record = sample_record()
    record["answers"]["name"].update(trade_name="明远")  # 杭州市西湖区明远百货店 is seeded
    built = build_submission(platform, record)
    post(client, built)
    assert _status(client, built.sid)["status"] == "needs_correction"


def test_problems_come_back_as_needs_correction_with_chinese_reasons(platform, client):
    record = sample_record()
    record["applicant"]["valid_until"] = "2001-01-01"
    assert review_record(record).problems
    built = build_submission(platform, record)
    post(client, built)
    status = _status(client, built.sid)
    assert status["status"] == "needs_correction"
    assert status["reasons"] == review_record(record).problems
    assert status["licence"] is None


def test_a_valid_but_not_instant_application_stays_received_with_reasons(platform, client):
    record = sample_record("branch")
    review = review_record(record)
    assert not review.problems and not review.instant
    built = build_submission(platform, record)
    post(client, built)
    status = _status(client, built.sid)
    assert status["status"] == "received"
    assert status["reasons"] == review.reasons


def test_a_tampered_attachment_is_rejected_not_approved(platform, client):
    built = build_submission(platform, sample_record(), attachments={"face.jpg": b"face" * 100})
    blob = bytearray(built.attachments["face.jpg"])
    blob[20] ^= 1  # the kiosk declares the checksum of what it sends, but the seal is broken
    built.attachments["face.jpg"] = bytes(blob)
    import hashlib
    built.body["attachments"][0]["sha256"] = hashlib.sha256(blob).hexdigest()
    post(client, built)
    assert upload(client, built, "face.jpg").json()["status"] == "rejected"
    status = _status(client, built.sid)
    assert status["status"] == "rejected" and status["reasons"]


def test_the_region_and_authority_are_configurable(tmp_path, kiosk_key):
    from central.decide import PlatformSettings
    from central.testing import SignedClient, running_platform

    settings = PlatformSettings(region="330281", authority="余姚市市场监督管理局")
    with running_platform(tmp_path, settings=settings) as handle:
        handle.register_kiosk("kiosk-yy-01", kiosk_key.public_key())
        client = SignedClient(handle.base_url, "kiosk-yy-01", kiosk_key)
        built = build_submission(handle, sample_record(), kiosk_id="kiosk-yy-01")
        post(client, built)
        licence = json.loads(handle.submission(built.sid)["licence"])
        assert licence["uscc"][2:8] == "330281" and uscc.is_valid(licence["uscc"])
        assert licence["authority"] == "余姚市市场监督管理局"
    with pytest.raises(ValueError):
        PlatformSettings(region="33")


def test_a_clerk_decides_what_was_left_for_manual_review(platform, client):
    waiting = build_submission(platform, sample_record("branch"))
    post(client, waiting)
    decided = platform.clerk_decide(waiting.sid, "approved")
    status = _status(client, waiting.sid)
    assert status["status"] == "approved" and uscc.is_valid(status["licence"]["uscc"])
    assert decided["licence"] == status["licence"]
    with pytest.raises(ValueError):
        platform.clerk_decide(waiting.sid, "rejected", ["重复决定"])  # already decided

    record = sample_record("branch")
    record["answers"]["branch_name"]["place"] = "翠苑"
    other = build_submission(platform, record)
    post(client, other)
    with pytest.raises(ValueError):
        platform.clerk_decide(other.sid, "rejected")  # a refusal must say why
    with pytest.raises(ValueError):
        platform.clerk_decide(other.sid, "received", ["x"])
    platform.clerk_decide(other.sid, "rejected", ["隶属企业信息与登记记录不符，请到窗口办理"])
    assert _status(client, other.sid)["status"] == "rejected"
    with pytest.raises(ValueError):
        platform.clerk_decide("no-such-submission", "approved")


def test_a_clerk_cannot_decide_before_the_attachments_are_in(platform, client):
    built = build_submission(platform, sample_record("branch"), attachments={"face.jpg": b"x"})
    post(client, built)
    with pytest.raises(ValueError):
        platform.clerk_decide(built.sid, "approved")
