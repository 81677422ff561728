"""The application record: the applicant read from the card, and the answers, as one JSON dict.

Shape (schema 1)::

    {"schema": 1, "application_id": str, "subject_type": str, "created_at": ISO datetime,
     "identity_verified": bool,           # the live face matched the card (人证比对)
     "applicant": {name, id_number, sex, ethnic, birth_date, address, authority,
                   card_type, valid_until},  # valid_until null = 长期
     "answers": {field: cleaned value}}   # one per question of ``kiosk.domain.questions``

This dict is what the offline queue seals and the platform reviews. ``Applicant`` never prints
personal data in its repr. No I/O.
"""
from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import asdict, dataclass
from typing import Any

SCHEMA = 1
# Card types as the reader names them (devices.idcard CardType values) -> the record's names.
CARD_TYPES = {"resident": "resident", "J": "hmt_permit", "I": "foreign_permanent_2017",
              "Y": "foreign_permanent_2023"}
# Cards whose number is a GB 11643 number (check digit and all); the 2017 foreign card's is not.
GB11643_CARDS = frozenset({"resident", "hmt_permit", "foreign_permanent_2023"})
_READABLE = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread


# What a person may type for a readable character (Crockford's base32 decoding rules).
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
APPLICATION_ID_EXAMPLE = "20261121-7KQ4M2XP"


def application_number(text: object) -> tuple[str, str]:
    """A typed or scanned application number, cleaned: ``(number, "")`` or ``("", message)``.

    Spaces and hyphens are accepted anywhere, lower case is read as upper case, and letters
    that look like digits are read as the digits they stand for (O as 0, I and L as 1).
    """
    if not isinstance(text, str) or not text.strip():
        return "", f"请输入回执上的申请编号，例如：{APPLICATION_ID_EXAMPLE}"
    plain = "".join(ch for ch in text.upper() if ch not in " -－—\t").translate(_MISREAD)
    if len(plain) != 16:
        return "", (f"申请编号应为16位（8位日期和8位字母数字），您输入了{len(plain)}位，"
                    f"例如：{APPLICATION_ID_EXAMPLE}")
    day, code = plain[:8], plain[8:]
    if not day.isdigit() or not all(ch in _READABLE for ch in code):
        return "", f"申请编号的前8位是数字日期，后8位是字母和数字，例如：{APPLICATION_ID_EXAMPLE}"
    try:
        dt.date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        return "", f"申请编号的前8位应是办理日期，例如：{APPLICATION_ID_EXAMPLE}"
    return f"{day}-{code}", ""


def new_application_id(today: dt.date | None = None) -> str:
    """An application number a person can read out on the phone: ``20261121-7KQ4M2XP``.

    40 random bits per day make a clash between kiosks negligible; the platform's idempotency
    key is this number, so a clash would be refused (409), never merged.
    """
    day = today or dt.date.today()
    return f"{day:%Y%m%d}-" + "".join(secrets.choice(_READABLE) for _ in range(8))


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str
    sex: str
    birth_date: dt.date
    address: str = ""
    ethnic: str | None = None
    authority: str = ""
    card_type: str = "resident"
    valid_until: dt.date | None = None   # None: 长期

    def __repr__(self) -> str:
        return f"Applicant(card_type={self.card_type!r}, <personal data withheld>)"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["birth_date"] = self.birth_date.isoformat()
        d["valid_until"] = self.valid_until.isoformat() if self.valid_until else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Applicant:
        """Raises ValueError/KeyError/TypeError on a malformed dict."""
        return cls(
            name=str(d["name"]), id_number=str(d["id_number"]), sex=str(d.get("sex", "")),
            birth_date=dt.date.fromisoformat(d["birth_date"]),
            address=str(d.get("address", "")), ethnic=d.get("ethnic"),
            authority=str(d.get("authority", "")), card_type=str(d.get("card_type", "resident")),
            valid_until=dt.date.fromisoformat(d["valid_until"]) if d.get("valid_until") else None)

    @classmethod
    def from_identity(cls, identity: Any) -> Applicant:
        """From a ``devices.idcard`` identity (duck-typed so the domain does not import devices)."""
        raw_type = str(getattr(identity.card_type, "value", identity.card_type))
        card_type = CARD_TYPES.get(raw_type, raw_type)
        return cls(name=identity.name, id_number=identity.id_number, sex=identity.sex,
                   birth_date=identity.birth_date, address=identity.address or "",
                   ethnic=getattr(identity, "ethnic", None), authority=identity.authority or "",
                   card_type=str(card_type), valid_until=identity.valid_until)


def new_record(application_id: str, subject_type: str, applicant: Applicant,
               answers: dict[str, Any], *, identity_verified: bool,
               created_at: dt.datetime | None = None) -> dict[str, Any]:
    """Assemble the record the kiosk submits."""
    created = created_at or dt.datetime.now(dt.timezone.utc)
    return {
        "schema": SCHEMA,
        "application_id": application_id,
        "subject_type": subject_type,
        "created_at": created.isoformat(timespec="seconds"),
        "identity_verified": bool(identity_verified),
        "applicant": applicant.to_dict(),
        "answers": dict(answers),
    }


def same_application(record: dict[str, Any]) -> str:
    """What makes two records one application whatever their ids: the same person (ID number),
    the same subject type and business name (字号 and the rest of the name, or the branch's
    parent and name), on the same local day of ``created_at``.

    A person who submits again after a crash, in a new visit, gets a new application id; this
    text is how the kiosk and the platform tell it is the same application. It is personal:
    callers keep only a keyed hash of it (``LocalSealer.fingerprint``, the platform's accept
    log), never the text.
    """
    answers = record.get("answers") or {}
    applicant = record.get("applicant") or {}
    return json.dumps({
        "id_number": str(applicant.get("id_number", "")).upper(),
        "subject_type": record.get("subject_type"),
        "name": [answers.get(k) for k in ("name", "parent", "branch_name")],
        "day": str(record.get("created_at", ""))[:10],
    }, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
