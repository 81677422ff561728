"""The person on the card: decode the 256-byte text block into ``Identity``, and back.

One frozen ``Identity`` serves all four card types (domain.md §2.1, §2.4). ``decode_text`` is
the driver's side; ``encode_text`` is the simulator's, so a round trip can be tested. Pure: no
I/O besides reading the ethnic-group catalogue once, no clock. Whether a card has expired or
its number's check digit is right is the kiosk domain's business, not this module's: it
decodes what the chip holds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import assets
from devices.idcard.frames import (
    CARD_TYPE_OFFSET,
    LAYOUTS,
    LONG_TERM,
    NEW_ADDRESS_RECORD_LEN,
    PAD,
    SEX_CODES,
    TEXT_ENCODING,
    TEXT_LEN,
    CardType,
)


class CardDataError(ValueError):
    """A text block cannot be decoded, or an ``Identity`` cannot be encoded into one.

    Raised by ``decode_text`` for a block that is not 256 bytes, holds invalid UCS-2, or has a
    date or sex code that is not well-formed; by ``encode_text`` for a field that does not fit
    its slot. Never anything else. Messages name the field, never its content (they get logged).
    """


@dataclass(frozen=True, repr=False)
class Identity:
    """What a card says about its holder.

    Attributes:
        card_type: which of the four cards this is.
        name: the Chinese name; on a foreign permanent-residence card without one, the English
            name.
        sex_code: GB/T 2261.1 code ``"0"``, ``"1"``, ``"2"`` or ``"9"``; ``sex`` is its text.
        birth_date: 出生日期.
        id_number: the card's own number: 公民身份号码 (resident, 'J'), 永久居留证号码 ('I'),
            证件号码 ('Y').
        valid_from, valid_until: 有效期; ``valid_until`` is None for a 长期 card.
        english_name: foreign cards only.
        ethnic_code: 民族 code (resident card only); ``ethnic`` is its display text.
        address: 住址 (resident, 'J').
        authority: 签发机关 (resident, 'J'); the 受理机关代码 on an 'I' card.
        nationality: three-letter 国籍 code (foreign cards).
        permit_number: 通行证号码 ('J').
        issue_count: 签发次数 ('J') or 换证次数 ('Y').
        card_version: 证件版本号 ('I').
        photo_wlt: the raw 1024-byte WLT photo, kept as read (decoding is optional, photo.py).
        new_addresses: 追加住址 records, when the reader was asked for them (§1.5).
    """

    card_type: CardType
    name: str
    sex_code: str
    birth_date: date
    id_number: str
    valid_from: date
    valid_until: date | None
    english_name: str | None = None
    ethnic_code: str | None = None
    address: str | None = None
    authority: str | None = None
    nationality: str | None = None
    permit_number: str | None = None
    issue_count: int | None = None
    card_version: str | None = None
    photo_wlt: bytes = field(default=b"", repr=False)
    new_addresses: tuple[str, ...] = ()

    @property
    def sex(self) -> str:
        """男, 女, 未知 or 未说明."""
        return SEX_CODES[self.sex_code]

    @property
    def ethnic(self) -> str | None:
        """The 民族 as displayed (汉族); the raw code for one outside GB 3304 (§2.3)."""
        if self.ethnic_code is None:
            return None
        return _ethnic_names().get(self.ethnic_code, self.ethnic_code)

    def __repr__(self) -> str:
        # Logs see this: never the name or the number in clear (privacy).
        return (
            f"Identity(card_type={self.card_type.name}, name={_mask(self.name, 1, 0)!r}, "
            f"id_number={_mask(self.id_number, 0, 2)!r}, photo_wlt=<{len(self.photo_wlt)} bytes>)"
        )


def _mask(text: str, keep_start: int, keep_end: int) -> str:
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[len(text) - keep_end :]


@lru_cache(maxsize=1)
def _ethnic_names() -> dict[str, str]:
    groups = assets.load_json("catalogues", "ethnic_groups.json")["groups"]
    return {g["code"]: g["display"] for g in groups}


# --- Decoding ---------------------------------------------------------------------------------

_DATE = re.compile(r"[0-9]{8}")
_COUNT = re.compile(r"[0-9]{1,2}")


def card_type_of(block: bytes) -> CardType:
    """The card type from the flag at bytes 248–249 (§2.4); anything unknown is resident."""
    flag = block[CARD_TYPE_OFFSET : CARD_TYPE_OFFSET + 2]
    for t in (CardType.HMT_RESIDENCE_PERMIT, CardType.FOREIGN_PERMANENT_2017, CardType.FOREIGN_PERMANENT_2023):
        if flag == t.value.encode(TEXT_ENCODING):
            return t
    return CardType.RESIDENT


def _raw(block: bytes, layout: dict[str, tuple[int, int]], name: str) -> str:
    off, length = layout[name]
    try:
        return block[off : off + length].decode(TEXT_ENCODING)
    except UnicodeDecodeError:
        raise CardDataError(f"field {name} is not valid UCS-2") from None


def _strip(text: str) -> str:
    return text.rstrip(PAD + "\x00")


def _date(text: str, what: str) -> date:
    if not _DATE.fullmatch(text):
        raise CardDataError(f"{what} is not YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise CardDataError(f"{what} is not a calendar date") from None


def _optional(text: str | None) -> str | None:
    """An empty or absent field is None, so an Identity says "not on this card" one way."""
    return text or None


def decode_text(block: bytes, photo_wlt: bytes = b"") -> Identity:
    """Decode a 256-byte text block (§2.1, §2.4).

    Args:
        block: the text block as read (``split_read_data``'s first part).
        photo_wlt: the WLT photo read with it, kept raw on the ``Identity``.

    Returns:
        The ``Identity``.

    Raises:
        CardDataError: the block is not 256 bytes, a field is not valid UCS-2, a date is not
            YYYYMMDD (or 长期 where allowed), the sex code is not GB/T 2261.1, or a count is not
            a number.
    """
    block = bytes(block)
    if len(block) != TEXT_LEN:
        raise CardDataError(f"text block must be {TEXT_LEN} bytes, got {len(block)}")
    card_type = card_type_of(block)
    layout = LAYOUTS[card_type]
    f = {name: _strip(_raw(block, layout, name)) for name in layout if name != "english_name_2"}
    if card_type is CardType.FOREIGN_PERMANENT_2023:
        # The English name runs on from characters 1–35 into 36–46: join before stripping.
        english = _raw(block, layout, "english_name") + _raw(block, layout, "english_name_2")
        f["english_name"] = _strip(english)

    sex_code = f["sex"]
    if sex_code not in SEX_CODES:
        raise CardDataError("sex code is not GB/T 2261.1")
    count = f.get("issue_count", "")
    if count and not _COUNT.fullmatch(count):
        raise CardDataError("issue count is not a number")
    until = f["valid_until"]
    english = f.get("english_name")
    chinese = f.get("chinese_name", f.get("name", ""))
    return Identity(
        card_type=card_type,
        name=chinese or english or "",
        sex_code=sex_code,
        birth_date=_date(f["birth_date"], "birth date"),
        id_number=f["id_number"].upper(),
        valid_from=_date(f["valid_from"], "valid-from date"),
        valid_until=None if until == LONG_TERM else _date(until, "valid-until date"),
        english_name=_optional(english),
        ethnic_code=_optional(f.get("ethnic")) if card_type is CardType.RESIDENT else None,
        address=_optional(f.get("address")),
        authority=_optional(f.get("authority")),
        nationality=_optional(f.get("nationality")),
        permit_number=_optional(f.get("permit_number")),
        issue_count=int(count) if count else None,
        card_version=_optional(f.get("card_version")),
        photo_wlt=bytes(photo_wlt),
    )


def decode_new_addresses(data: bytes) -> tuple[str, ...]:
    """Split the answer to ``30 03`` into address records of 70 bytes each (§1.5).

    Raises:
        CardDataError: a record is not valid UCS-2.
    """
    records = []
    for off in range(0, len(data), NEW_ADDRESS_RECORD_LEN):
        try:
            text = _strip(data[off : off + NEW_ADDRESS_RECORD_LEN].decode(TEXT_ENCODING))
        except UnicodeDecodeError:
            raise CardDataError("additional address is not valid UCS-2") from None
        if text:
            records.append(text)
    return tuple(records)


# --- Encoding (the simulator's side) ----------------------------------------------------------


def _put(block: bytearray, layout: dict[str, tuple[int, int]], name: str, text: str) -> None:
    off, length = layout[name]
    raw = text.encode(TEXT_ENCODING, errors="strict") if text else b""
    if len(raw) > length:
        raise CardDataError(f"{name} needs {len(raw)} bytes, the field holds {length}")
    block[off : off + length] = raw + PAD.encode(TEXT_ENCODING) * ((length - len(raw)) // 2)


def _date_text(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def encode_text(identity: Identity) -> bytes:
    """Encode an ``Identity`` as its card would hold it: the inverse of ``decode_text``.

    Unused and reserved areas are spaces. On a foreign card the Chinese-name field holds
    ``name`` unless ``name`` is the English name (the card had no Chinese name).

    Raises:
        CardDataError: a field does not fit its slot, or cannot be encoded as UCS-2.
    """
    t = identity.card_type
    layout = LAYOUTS[t]
    values: dict[str, str | None] = {
        "sex": identity.sex_code,
        "birth_date": _date_text(identity.birth_date),
        "id_number": identity.id_number,
        "valid_from": _date_text(identity.valid_from),
        "valid_until": LONG_TERM if identity.valid_until is None else _date_text(identity.valid_until),
        "address": identity.address,
        "authority": identity.authority,
        "nationality": identity.nationality,
        "permit_number": identity.permit_number,
        "issue_count": None if identity.issue_count is None else f"{identity.issue_count:02d}",
        "card_version": identity.card_version,
        "ethnic": identity.ethnic_code,
    }
    if t in (CardType.RESIDENT, CardType.HMT_RESIDENCE_PERMIT):
        values["name"] = identity.name
    else:
        english = identity.english_name or ""
        values["chinese_name"] = "" if identity.name == english else identity.name
        if t is CardType.FOREIGN_PERMANENT_2023:
            first = layout["english_name"][1] // 2
            values["english_name"], values["english_name_2"] = english[:first], english[first:]
        else:
            values["english_name"] = english
    if t is not CardType.RESIDENT:
        values["flag"] = t.flag
    block = bytearray(PAD.encode(TEXT_ENCODING) * (TEXT_LEN // 2))
    try:
        for name in layout:
            text = values.get(name)
            if text:
                _put(block, layout, name, text)
    except UnicodeEncodeError:
        raise CardDataError("a field cannot be encoded as UCS-2") from None
    return bytes(block)


def encode_new_addresses(addresses: tuple[str, ...]) -> bytes:
    """The answer data to ``30 03`` for these addresses (simulator side).

    Raises:
        CardDataError: an address does not fit 35 characters or is not UCS-2.
    """
    layout = {"record": (0, NEW_ADDRESS_RECORD_LEN)}
    out = b""
    for address in addresses:
        record = bytearray(NEW_ADDRESS_RECORD_LEN)
        try:
            _put(record, layout, "record", address)
        except UnicodeEncodeError:
            raise CardDataError("an address cannot be encoded as UCS-2") from None
        out += bytes(record)
    return out
