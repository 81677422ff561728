"""The shared contract on its own: canonical JSON, decision signatures, strict wire parsing."""
from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from contract import signing
from contract.canonical import canonical_json
from contract.decisions import (PURPOSE, DecisionSignatureError, decision_message, sign_decision,
                                verify_decision)
from contract.wire import (AttachmentProgress, Decision, DecisionStatus, Licence, SignedDecision,
                           SubmissionAck, WireError, parse)

KEY = Ed25519PrivateKey.generate()
LICENCE = {
    "uscc": "92330106MA0000013A", "licence_number": "33010620260000001", "name": "杭州市西湖区青禾百货店",
    "subject_type_label": "个体工商户", "legal_person": "张三", "person_label": "经营者",
    "premises": "浙江省杭州市西湖区文三路200号", "premises_label": "经营场所",
    "scope": "一般项目：日用百货销售。\n许可项目：食品销售。", "capital": None,
    "established": "2026-11-21", "authority": "杭州市西湖区市场监督管理局", "issued_on": "2026-11-21",
}
DECISION = {"submission_id": "20261121-7KQ4M2XP", "kiosk_id": "kiosk-xihu-001",
            "status": "approved", "reasons": [], "licence": LICENCE,
            "updated_at": "2026-11-21T10:00:00+00:00"}


def test_canonical_json_refuses_what_has_no_single_spelling():
    assert canonical_json({"b": 1, "a": [True, None, "中"]}) == '{"a":[true,null,"中"],"b":1}'.encode()
    for bad in ({"x": 1.5}, {1: "x"}, {"x": {1, 2}}, {"x": float("nan")}):
        with pytest.raises(ValueError):
            canonical_json(bad)


def test_a_decision_round_trips_through_the_wire_and_still_verifies():
    signed = sign_decision(KEY, Decision.model_validate(DECISION))
    received = parse(SignedDecision, signed.model_dump_json())
    assert verify_decision(KEY.public_key(), received) == Decision.model_validate(DECISION)


def test_what_is_signed_is_the_purpose_and_the_canonical_decision_fields_only():
    signed = sign_decision(KEY, Decision.model_validate(DECISION))
    assert decision_message(signed) == PURPOSE + canonical_json(DECISION)
    # The same key's signature over the bare JSON (as a config bundle is signed) is no decision.
    bare = base64.b64encode(KEY.sign(canonical_json(DECISION))).decode()
    with pytest.raises(DecisionSignatureError):
        verify_decision(KEY.public_key(), signed.model_copy(update={"signature": bare}))


def test_extra_fields_are_ignored_and_not_signed():
    signed = json.loads(sign_decision(KEY, Decision.model_validate(DECISION)).model_dump_json())
    received = parse(SignedDecision, json.dumps({**signed, "note": "加急"}))
    assert verify_decision(KEY.public_key(), received).status is DecisionStatus.APPROVED


@pytest.mark.parametrize("model, body", [
    (AttachmentProgress, {"name": "face", "received": 79.0, "size": 100, "complete": False}),
    (AttachmentProgress, {"name": "face", "received": "79", "size": 100, "complete": False}),
    (AttachmentProgress, {"name": "face", "received": 1, "size": 100, "complete": 1}),
    (AttachmentProgress, {"name": "../face", "received": 1, "size": 100, "complete": False}),
    (SubmissionAck, {"submission_id": "x", "status": "received", "pending_attachments": [],
                     "received_at": "2026-11-21T10:00:00+00:00"}),
    (SubmissionAck, {"submission_id": "abc-1", "status": "received", "pending_attachments": [],
                     "received_at": "yesterday"}),
    (SubmissionAck, {"submission_id": "abc-1", "status": "received", "pending_attachments": [],
                     "received_at": "2026-11-21T10:00:00"}),           # no time zone
    (Decision, {**DECISION, "reasons": ["x"] * 51}),
    (Decision, {**DECISION, "reasons": ["请\x07核对"]}),
    (Decision, {**DECISION, "status": "approved", "licence": None}),
    (Licence, {**LICENCE, "premises": "杭" * 201}),
    (Licence, {**LICENCE, "name": "青禾\u200b百货"}),                # zero-width space
    (Licence, {**LICENCE, "name": "青禾\n百货"}),                    # only the scope breaks lines
])
def test_strict_parsing_refuses_what_the_contract_does_not_promise(model, body):
    with pytest.raises(WireError):
        parse(model, json.dumps(body))


def test_a_wire_error_never_quotes_the_value():
    with pytest.raises(WireError) as info:
        parse(Licence, json.dumps({**LICENCE, "legal_person": "张三\x00", "uscc": "张三-uscc"}))
    assert "张三" not in str(info.value) and "legal_person" in str(info.value)


@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode),
                 st.recursive(st.none() | st.booleans() | st.integers() | st.floats()
                              | st.text(max_size=10),
                              lambda c: st.lists(c, max_size=4)
                              | st.dictionaries(st.sampled_from(sorted(DECISION) + sorted(LICENCE)
                                                                + ["signature"]), c, max_size=8),
                              max_leaves=20).map(lambda v: json.dumps(v).encode())))
def test_garbage_is_a_wire_error_and_nothing_else(raw):
    for model in (SignedDecision, SubmissionAck, AttachmentProgress):
        try:
            parse(model, raw)
        except WireError:
            pass


def test_key_text_round_trips_and_refuses_garbage():
    text = signing.public_key_text(KEY.public_key())
    assert signing.public_key_text(signing.load_public_key(f" {text}\n")) == text
    for bad in ("", "不是密钥", "AAAA", base64.b64encode(b"x" * 33).decode()):
        with pytest.raises(signing.KeyTextError):
            signing.load_public_key(bad)
