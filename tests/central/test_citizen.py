"""全城通办 against the real platform: a person's applications and licence prints at any kiosk,
the public progress of a number, and never another person's; counted, signed prints; garbage
refused with nothing stored."""
from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from platform_helpers import build_submission, post

from central.testing import SignedClient, running_platform
from contract.citizen import (LicencePrint, PrintSignatureError, SignedLicencePrint,
                              Verification, person_key, sign_print, verify_print)
from contract.wire import DecisionStatus
from kiosk.domain.samples import sample_applicant, sample_record
from kiosk.platform.client import PlatformClient
from offline_queue.port import ErrorKind, PlatformError

OWNER = sample_applicant()
STRANGER = sample_applicant("周大成", sequence=357)
FACE = Verification.FACE


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with running_platform(tmp_path_factory.mktemp("citizen")) as handle:
        yield handle


def kiosk(platform, kiosk_id: str) -> tuple[PlatformClient, SignedClient]:
    key = Ed25519PrivateKey.generate()
    platform.register_kiosk(kiosk_id, key.public_key())
    return (PlatformClient(platform.base_url, kiosk_id, key,
                           decision_key=platform.decision_public_key),
            SignedClient(platform.base_url, kiosk_id, key))


def file(platform, client: SignedClient, kiosk_id: str, subject: str = "individual_business",
         applicant=OWNER) -> str:
    record = sample_record(subject)
    record["applicant"] = applicant.to_dict()
    built = build_submission(platform, record, kiosk_id=kiosk_id)
    assert post(client, built).status_code == 201
    return built.sid


@pytest.fixture(scope="module")
def filed(platform):
    """The owner filed twice at kiosk A (approved, then a taken name); a stranger once."""
    _, signed = kiosk(platform, "kiosk-hall-a")
    approved = file(platform, signed, "kiosk-hall-a")
    taken = file(platform, signed, "kiosk-hall-a")
    strangers = file(platform, signed, "kiosk-hall-a", "natural_person_llc", STRANGER)
    return {"approved": approved, "taken": taken, "stranger": strangers}


def test_any_kiosk_lists_the_persons_applications_and_nobody_elses(platform, filed) -> None:
    other, signed = kiosk(platform, "kiosk-township-b")
    mine = other.citizen_applications(person_key(OWNER.id_number), FACE).applications
    assert [a.application_id for a in mine] == [filed["taken"], filed["approved"]]  # newest first
    approved, taken = mine[1], mine[0]
    assert approved.status is DecisionStatus.APPROVED and approved.credit_code
    assert approved.business_name.endswith("店") and approved.prints == 0
    assert taken.status is DecisionStatus.NEEDS_CORRECTION and "字号" in taken.reasons[0]
    raw = signed.request("POST", "/v1/citizen/applications",
                         {"person_key": person_key(OWNER.id_number), "verified_by": "staff"})
    assert OWNER.id_number not in raw.text and OWNER.name not in raw.text
    strangers = other.citizen_applications(person_key(STRANGER.id_number), FACE).applications
    assert [a.application_id for a in strangers] == [filed["stranger"]]
    nobody = person_key(sample_applicant("吴无名", sequence=999).id_number)
    assert other.citizen_applications(nobody, FACE).applications == []


def test_the_public_progress_says_the_state_and_nothing_personal(platform, filed) -> None:
    other, signed = kiosk(platform, "kiosk-bank-c")
    progress = other.citizen_progress(filed["approved"])
    assert progress.status is DecisionStatus.APPROVED
    raw = signed.request("GET", f"/v1/citizen/applications/{filed['approved']}/progress")
    assert set(raw.json()) == {"application_id", "subject_type", "status", "received_at",
                               "updated_at"}
    with pytest.raises(PlatformError) as unknown:
        other.citizen_progress("20261121-ZZZZZZZZ")
    assert unknown.value.http_status == 404


def test_prints_are_counted_everywhere_signed_and_only_for_the_person(platform, filed) -> None:
    sid, owner = filed["approved"], person_key(OWNER.id_number)
    far, _ = kiosk(platform, "kiosk-far-d")
    first = far.citizen_print(sid, "print-0001", owner, FACE)
    assert (first.number, first.reprint, first.kiosk_id) == (1, False, "kiosk-far-d")
    assert first.licence.legal_person == OWNER.name           # the licence prints the name
    again = far.citizen_print(sid, "print-0001", owner, FACE)  # a retried request: not counted
    assert again.number == 1
    near, _ = kiosk(platform, "kiosk-near-e")
    second = near.citizen_print(sid, "print-0002", owner, FACE)
    assert (second.number, second.reprint) == (2, True)       # 补打, at another kiosk
    listed = near.citizen_applications(owner, FACE).applications
    assert next(a for a in listed if a.application_id == sid).prints == 2

    for person, kiosk_client in ((person_key(STRANGER.id_number), near), (None, near)):
        with pytest.raises(PlatformError) as refused:            # not theirs, not its own
            kiosk_client.citizen_print(sid, f"print-x{len(str(person))}", person, FACE)
        assert refused.value.http_status == 404
    with pytest.raises(PlatformError) as conflict:              # same print id, other body
        near.citizen_print(sid, "print-0002", owner, Verification.STAFF)
    assert conflict.value.kind is ErrorKind.CONFLICT
    with pytest.raises(PlatformError) as no_licence:
        near.citizen_print(filed["taken"], "print-0003", owner, FACE)
    assert no_licence.value.http_status == 409


def test_the_submitting_kiosk_prints_its_original_without_a_person(platform) -> None:
    client, signed = kiosk(platform, "kiosk-spot-f")
    applicant = sample_applicant("冯现场", sequence=531)
    record = sample_record("natural_person_llc")
    record["applicant"] = applicant.to_dict()
    record["answers"]["name"]["trade_name"] = "现场"
    record["answers"]["shareholders"] = [{"name": applicant.name, "id_number": applicant.id_number,
                                          "amount": "50"}]
    built = build_submission(platform, record, kiosk_id="kiosk-spot-f")
    assert post(signed, built).status_code == 201
    grant = client.citizen_print(built.sid, "print-spot", None, None)
    assert grant.number == 1 and grant.licence.name.startswith("杭州现场")


def test_a_print_whose_signature_does_not_verify_is_refused(platform, filed) -> None:
    _, signed = kiosk(platform, "kiosk-sig-g")
    resp = signed.request("POST", f"/v1/citizen/applications/{filed['approved']}/prints",
                          {"print_id": "print-sig", "person_key": person_key(OWNER.id_number),
                           "verified_by": "face"})
    real = SignedLicencePrint.model_validate_json(resp.content)
    assert verify_print(platform.decision_public_key, real).number == real.number
    for forged in (real.model_copy(update={"number": 1 if real.number > 1 else 7}),
                   real.model_copy(update={"kiosk_id": "kiosk-other"}),
                   sign_print(Ed25519PrivateKey.generate(), LicencePrint(**real.model_dump(
                       include=set(LicencePrint.model_fields))))):
        with pytest.raises(PrintSignatureError):
            verify_print(platform.decision_public_key, forged)


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=300),
                 st.lists(st.text(max_size=5), max_size=5),
                 st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=5)))
def test_garbage_is_refused_and_nothing_counted(platform, filed, junk) -> None:
    _, signed = kiosk(platform, "kiosk-junk-h")
    before = platform.table_counts()["licence_prints"]
    sid = filed["approved"]
    for target, body in (
            ("/v1/citizen/applications", {"person_key": junk, "verified_by": "face"}),
            ("/v1/citizen/applications", {"person_key": "a" * 64, "verified_by": junk}),
            ("/v1/citizen/applications", junk),
            # junk that happens to be a fine print id ("000") would be a real print: never valid
            (f"/v1/citizen/applications/{sid}/prints",
             {"print_id": [junk], "person_key": person_key(OWNER.id_number), "verified_by": "face"}),
            (f"/v1/citizen/applications/{sid}/prints",
             {"print_id": f"{junk}\u0000", "person_key": person_key(OWNER.id_number),
              "verified_by": "face"}),
            (f"/v1/citizen/applications/{sid}/prints",
             {"print_id": "print-junk-1", "person_key": junk, "verified_by": "face"}),
            (f"/v1/citizen/applications/{sid}/prints", junk)):
        raw = body if isinstance(body, dict) else json.dumps(body).encode()
        resp = signed.request("POST", target, raw, headers={"Content-Type": "application/json"})
        assert resp.status_code in (400, 404, 409, 422), (target, resp.status_code, resp.text)
        assert "Traceback" not in resp.text
    for path in (str(junk)[:40], "../etc", "%00", "x" * 300):
        resp = signed.request("GET", f"/v1/citizen/applications/{path}/progress")
        assert resp.status_code in (400, 404, 422), resp.text
    assert platform.table_counts()["licence_prints"] == before
