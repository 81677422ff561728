"""Redaction: take ID numbers, phone numbers and names out of text bound for a log.

Personal data must never reach a log in clear, even when a message carries it by mistake (an
exception that quotes a field, a debug line left behind). ``Redactor.redact(text)`` replaces:

- long numbers: any run of 15 or more digits, spaces or hyphens allowed between them, with an
  optional final X (resident ID numbers of 15 and 18 characters, bank card numbers);
- permit numbers: 港澳台 travel permits (H/M and 8 or 10 digits) and foreign permanent
  residence numbers (three letters and 12 digits);
- phone numbers: mainland mobiles (+86 optional, 11 digits from 13-19) and landlines with an
  area code (010-12345678);
- labelled values: what follows a label such as ``name=``, ``"legal_person": "…"``, 姓名：,
  申请人：, 联系人：… up to the next separator;
- remembered values: the current visitor's name, English name, ID number and address as read
  from the card. The composition root calls ``remember`` when a card is read and ``forget`` when
  the visit ends, so the person's own name is recognised anywhere in a line, without guessing
  at what looks like a Chinese name (a surname list would blank out ordinary words such as
  张贴 or 王府井 in device messages, and still miss most names).

It does not decide what to log and keeps nothing but the remembered values, for one visit.
Thread-safe: the remembered values are replaced as a whole.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable

ID = "[ID]"
PHONE = "[PHONE]"
NAME = "[NAME]"
PERSONAL = "[PERSONAL]"

_NOT_WORD = r"(?<![0-9A-Za-z])"
_END = r"(?![0-9A-Za-z])"
_LONG_NUMBER = re.compile(_NOT_WORD + r"\d(?:[ \-]?\d){14,}(?:[ \-]?[Xx])?" + _END)
_PERMIT = re.compile(_NOT_WORD + r"(?:[HMhm]\d{8}(?:\d{2})?|[A-Z]{3}\d{12})" + _END)
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[ \-]?)?1[3-9]\d(?:[ \-]?\d{4}){2}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0\d{2,3}[ \-]\d{7,8}(?![0-9])")
# Field names that hold a person's name in our records and wire models, and the Chinese labels
# that precede one on paper and in messages.
_NAME_KEYS = ("name", "full_name", "person_name", "legal_person", "english_name", "applicant",
              "contact", "contact_name", "investor", "operator", "owner", "holder")
_NAME_LABELS = ("姓名", "名字", "申请人", "经营者", "投资人", "法定代表人", "负责人", "联系人",
                "股东", "持证人", "持卡人", "英文姓名")
_KEYED = re.compile(
    r"""(?P<key>["']?\b(?:%s)\b["']?\s*[:=]\s*)"""
    r"""(?:(?P<q>["'])[^"'\n]*(?P=q)"""                               # a quoted value, whole
    r"""|[^"',;)}\]\s]+(?:\s[A-Za-z\u00b7]+(?!\s*[=:]|[\w\u00b7]))?)"""  # or a word or two
    % "|".join(_NAME_KEYS), re.IGNORECASE)
_LABELLED = re.compile(r"(?P<key>(?:%s)\s*(?:[:：=]|为|是)\s*)(?P<value>[^\s,，;；。)）\]}\"']+)"
                       % "|".join(_NAME_LABELS))
MIN_REMEMBERED = 2          # a one-character value would blank out that character everywhere


def _quoted(quote: str | None, marker: str) -> str:
    return f"{quote}{marker}{quote}" if quote else marker


class Redactor:
    """Removes personal data from text (see the module docstring for what it recognises)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: re.Pattern[str] | None = None

    def remember(self, values: Iterable[str | None]) -> None:
        """Recognise these values (the current visitor's name, number...) until ``forget``."""
        keep = sorted({v.strip() for v in values if isinstance(v, str)
                       and len(v.strip()) >= MIN_REMEMBERED}, key=len, reverse=True)
        with self._lock:
            old = self._known.pattern.split("|") if self._known else []
            parts = sorted(set(old) | {re.escape(v) for v in keep}, key=len, reverse=True)
            self._known = re.compile("|".join(parts)) if parts else None

    def forget(self) -> None:
        """The visit ended: recognise no remembered value any more."""
        with self._lock:
            self._known = None

    @property
    def remembering(self) -> bool:
        return self._known is not None

    def redact(self, text: str) -> str:
        """``text`` with every personal value it recognises replaced by a marker."""
        if not text:
            return text
        known = self._known
        if known is not None:
            text = known.sub(PERSONAL, text)
        text = _KEYED.sub(lambda m: m.group("key") + _quoted(m.group("q"), NAME), text)
        text = _LABELLED.sub(lambda m: m.group("key") + NAME, text)
        text = _LONG_NUMBER.sub(ID, text)
        text = _PERMIT.sub(ID, text)
        text = _MOBILE.sub(PHONE, text)
        return _LANDLINE.sub(PHONE, text)
