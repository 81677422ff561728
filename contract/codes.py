"""The wire's codes: the string enumerations the platform's answers carry, without pydantic.

``contract.wire`` re-exports them inside its models (the same names, the same values, so
``central/openapi.json`` does not change). They live here so that what only compares a code
(the session's 帮办 reason, the words of a status) does not build pydantic's models first: the
start page is painted before any answer is parsed (bench/ui_startup.py).
"""
from __future__ import annotations

import enum


class DecisionStatus(str, enum.Enum):
    """Where the platform's decision on a submission stands (docs/platform-contract.md)."""

    RECEIVED = "received"                  # not decided yet: parts missing, or a clerk reviews it
    APPROVED = "approved"                  # 秒批 or a clerk: the licence is issued
    NEEDS_CORRECTION = "needs_correction"  # the applicant must fix what ``reasons`` say
    REJECTED = "rejected"                  # refused for good (e.g. unreadable materials)

    @property
    def final(self) -> bool:
        """A final status does not change any more and is not polled again."""
        return self is not DecisionStatus.RECEIVED


class HelpReason(str, enum.Enum):
    """Why a kiosk calls for staff (帮办); never anything about the person."""

    HELP = "help"                  # the person pressed 呼叫工作人员
    FACE_FAILED = "face_failed"    # the face check failed three times: verify identity by hand
    DEVICE = "device"              # a device the visit needs is out of order


class HelpCallStatus(str, enum.Enum):
    OPEN = "open"                  # waiting for staff
    ANSWERED = "answered"          # a member of staff is on the way
    CANCELLED = "cancelled"        # the person cancelled, or the visit ended
    CLOSED = "closed"              # staff finished at the kiosk

    @property
    def waiting(self) -> bool:
        """Someone is (or should be) coming."""
        return self in (HelpCallStatus.OPEN, HelpCallStatus.ANSWERED)
