"""The platform's signature over its decisions, and the kiosk's check of it.

The platform signs every decision it answers with (``GET /v1/submissions/{id}``, and the POST
answer when it already carries one) with its decision key, an Ed25519 key of its own
(``central/keys.py`` says why it is not the config key). The signed bytes are
``decision_message``: a purpose prefix, then the canonical JSON (``contract.canonical``) of
the ``Decision`` fields: submission id, kiosk id, status, reasons, licence, updated_at. The
prefix keeps a decision signature from ever being valid as anything else.

A kiosk prints a licence only from a decision that ``verify_decision`` accepted against the
platform decision key it trusts. Pure: no I/O, no clock; key rotation is not handled here.
"""
from __future__ import annotations

import base64

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from contract.canonical import canonical_json
from contract.wire import Decision, SignedDecision

PURPOSE = b"kiosk-platform decision v1\n"


class DecisionSignatureError(Exception):
    """A decision's signature does not verify against the trusted platform key."""


def decision_message(decision: Decision) -> bytes:
    """The exact bytes a decision signature covers: only the fields ``Decision`` declares."""
    fields = decision.model_dump(mode="json", include=set(Decision.model_fields))
    return PURPOSE + canonical_json(fields)


def sign_decision(key: Ed25519PrivateKey, decision: Decision) -> SignedDecision:
    """The decision with the platform's signature attached."""
    signature = base64.b64encode(key.sign(decision_message(decision))).decode()
    fields = decision.model_dump(include=set(Decision.model_fields))
    return SignedDecision(**fields, signature=signature)


def verify_decision(key: Ed25519PublicKey, signed: SignedDecision) -> Decision:
    """Check the platform's signature; return the decision it covers.

    Raises:
        DecisionSignatureError: the signature is not the trusted key's over this decision.
    """
    try:
        key.verify(base64.b64decode(signed.signature, validate=True), decision_message(signed))
    except (InvalidSignature, ValueError):
        raise DecisionSignatureError("the decision's signature does not verify") from None
    return Decision(**signed.model_dump(include=set(Decision.model_fields)))
