"""What became of a submitted application: the states the session and the screens show.

At submit the visit coordinator makes one immediate delivery attempt; what is then known
becomes one ``Outcome`` (``kiosk.visit.delivery`` reads it from the outbox):

- ``APPROVED``: the platform approved it at once (秒批), from a decision whose signature verified;
- ``REVIEW``: the platform has it and a clerk decides (or its decision is not known yet);
- ``NEEDS_CORRECTION``: the platform's reasons say what to fix;
- ``REFUSED``: the platform rejected it;
- ``QUEUED``: it stays on this kiosk, sealed, until the network returns.

``SUBMITTING`` is the short time before that is known. Paper has its own states, for the
receipt and the licence each (``Paper``). No I/O, no queue: the coordinator decides when.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, replace


class Outcome(enum.Enum):
    SUBMITTING = "submitting"
    APPROVED = "approved"
    REVIEW = "review"
    NEEDS_CORRECTION = "needs_correction"
    REFUSED = "refused"
    QUEUED = "queued"

    @property
    def known(self) -> bool:
        return self is not Outcome.SUBMITTING


class Paper(enum.Enum):
    """Where one piece of paper (the receipt, the licence) stands."""

    NOT_NEEDED = "not_needed"    # nothing to print (no licence unless approved)
    PRINTING = "printing"
    PRINTED = "printed"
    HELD = "held"                # the printer cannot print now: staff hand it over later
    FAILED = "failed"            # it will not come out here: the window prints it


@dataclass(frozen=True)
class VisitOutcome:
    """One application's outcome as the person is told it; no personal data."""

    application_id: str
    outcome: Outcome = Outcome.SUBMITTING
    reasons: tuple[str, ...] = ()
    credit_code: str = ""          # the USCC, once approved
    receipt: Paper = Paper.PRINTING
    licence: Paper = Paper.NOT_NEEDED

    def with_receipt(self, paper: Paper) -> VisitOutcome:
        return replace(self, receipt=paper)

    def with_licence(self, paper: Paper) -> VisitOutcome:
        return replace(self, licence=paper)
