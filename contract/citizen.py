"""What crosses HTTP for the citizen services a kiosk offers beyond filing (全城通办):
办件进度查询 and 营业执照自助打印, at any kiosk of the province's platform.

A kiosk may read its own submissions (``GET /v1/submissions/{id}``); a person may use any
kiosk. So the platform answers three more questions (``central/citizen.py``):

- the applications of this person (``ApplicationList``), after the kiosk read the card and
  checked the face (or staff verified the person);
- the public progress of one application number (``Progress``): what the receipt's tracking
  code shows, with nothing personal in it;
- a licence print for this application and this person (``SignedLicencePrint``): the licence
  to print, which print of it this is (the first is the original, every later one a 补打), and
  the platform's signature over both, for the kiosk that asked.

The person travels as ``person_key``: SHA-256 over a purpose prefix and the ID number. It keeps
the number out of the platform's request logs and indexes; it is a pseudonym, not a secret (the
number space is small enough to search), so these requests still go only over the platform's
signed, encrypted channel. Answers carry no ID number and no applicant name, except the
licence itself, which prints the legal person's name. Pure: no I/O.
"""
from __future__ import annotations

import base64
import enum
import hashlib
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import Field

from contract.canonical import canonical_json
from contract.wire import (ID_PATTERN, BusinessName, DecisionStatus, IsoTime, Licence, Reason,
                           _Answer)

__all__ = ["PERSON_KEY_PATTERN", "ApplicationList", "ApplicationSummary", "LicencePrint",
           "PrintSignatureError", "Progress", "SignedLicencePrint", "Verification",
           "person_key", "print_message", "sign_print", "verify_print"]

PERSON_KEY_PATTERN = r"^[0-9a-f]{64}$"
_PERSON_PURPOSE = "kiosk citizen person v1\n"
PRINT_PURPOSE = b"kiosk-platform licence print v1\n"
_SIGNATURE_PATTERN = r"^[A-Za-z0-9+/]{86}==$"
_NUMBER_SHAPE = re.compile(r"^[0-9A-Za-z]{15,18}$")


def person_key(id_number: str) -> str:
    """The person's key for lookups: hex SHA-256 of a purpose prefix and the ID number.

    The number is upper-cased first (a final ``x`` is an ``X``), so the card and a typed number
    give the same key.

    Raises:
        ValueError: not an ID number's shape (15-18 letters and digits).
    """
    number = id_number.strip().upper()
    if not _NUMBER_SHAPE.match(number):
        raise ValueError("not an identity number")
    return hashlib.sha256((_PERSON_PURPOSE + number).encode()).hexdigest()


class Verification(str, enum.Enum):
    """How the kiosk knows the person at it is the card's holder."""

    FACE = "face"      # the live face matched the card (人证比对)
    STAFF = "staff"    # a member of staff checked the person (the non-biometric fallback)


class ApplicationSummary(_Answer):
    """One application of the person, as the status page lists it."""

    application_id: str = Field(pattern=ID_PATTERN)
    subject_type: str = Field(pattern=r"^[a-z_]{1,40}$")
    business_name: BusinessName
    status: DecisionStatus
    reasons: list[Reason] = Field(max_length=50)
    received_at: IsoTime
    updated_at: IsoTime
    credit_code: str = Field(default="", max_length=18)
    prints: int = Field(ge=0, le=10_000, description="licence prints so far (all kiosks)")


class ApplicationList(_Answer):
    """``POST /v1/citizen/applications``: the person's applications, newest first."""

    applications: list[ApplicationSummary] = Field(max_length=200)


class Progress(_Answer):
    """``GET /v1/citizen/applications/{id}/progress``: nothing personal, as the receipt's
    tracking code would show to anyone holding the receipt."""

    application_id: str = Field(pattern=ID_PATTERN)
    subject_type: str = Field(pattern=r"^[a-z_]{1,40}$")
    status: DecisionStatus
    received_at: IsoTime
    updated_at: IsoTime


class LicencePrint(_Answer):
    """A licence print the platform counted: exactly what its signature covers."""

    application_id: str = Field(pattern=ID_PATTERN)
    kiosk_id: str = Field(pattern=ID_PATTERN, description="the kiosk that asked to print")
    print_id: str = Field(pattern=ID_PATTERN, description="the kiosk's id of this print")
    number: int = Field(ge=1, le=10_000, description="1: the original; more: a 补打")
    licence: Licence
    counted_at: IsoTime

    @property
    def reprint(self) -> bool:
        return self.number > 1


class SignedLicencePrint(LicencePrint):
    signature: str = Field(pattern=_SIGNATURE_PATTERN,
                           description="base64 Ed25519 by the platform's decision key over "
                                       "contract.citizen.print_message(print)")


class PrintSignatureError(Exception):
    """A licence print's signature does not verify against the trusted platform key."""


def print_message(grant: LicencePrint) -> bytes:
    """The bytes a print signature covers: a purpose prefix and the declared fields."""
    fields = grant.model_dump(mode="json", include=set(LicencePrint.model_fields))
    return PRINT_PURPOSE + canonical_json(fields)


def sign_print(key: Ed25519PrivateKey, grant: LicencePrint) -> SignedLicencePrint:
    signature = base64.b64encode(key.sign(print_message(grant))).decode()
    return SignedLicencePrint(**grant.model_dump(include=set(LicencePrint.model_fields)),
                              signature=signature)


def verify_print(key: Ed25519PublicKey, signed: SignedLicencePrint) -> LicencePrint:
    """Check the platform's signature; return the print it covers.

    Raises:
        PrintSignatureError: not the trusted key's signature over this print.
    """
    try:
        key.verify(base64.b64decode(signed.signature, validate=True), print_message(signed))
    except (InvalidSignature, ValueError):
        raise PrintSignatureError("the licence print's signature does not verify") from None
    return LicencePrint(**signed.model_dump(include=set(LicencePrint.model_fields)))
