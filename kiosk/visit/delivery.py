"""What the outbox knows of a submitted application, as the outcome the person is told.

``outcome_of`` reads an ``offline_queue.SubmissionStatus`` after the immediate delivery attempt;
``licence_data`` gives an approved application's licence only from a decision whose platform
signature verified (``SubmissionStatus.decided``). No I/O.
"""
from __future__ import annotations

from contract.wire import DecisionStatus
from kiosk.flow.outcome import Outcome, VisitOutcome
from offline_queue.model import QueueState, SubmissionStatus

_DECIDED = {
    DecisionStatus.APPROVED: Outcome.APPROVED,
    DecisionStatus.NEEDS_CORRECTION: Outcome.NEEDS_CORRECTION,
    DecisionStatus.REJECTED: Outcome.REFUSED,
}


def outcome_of(status: SubmissionStatus) -> VisitOutcome:
    """The outcome the outbox's knowledge of one submission means for the person."""
    if status.state is not QueueState.SENT:
        # Queued, retrying, or held for a technician: it is safe on this kiosk either way.
        return VisitOutcome(status.submission_id, Outcome.QUEUED)
    if not status.decided or status.remote_status is None:
        # The platform holds it and a clerk decides, or its signed decision is not in yet.
        return VisitOutcome(status.submission_id, Outcome.REVIEW, tuple(status.reasons))
    outcome = _DECIDED[status.remote_status]
    licence = licence_data(status)
    if outcome is Outcome.APPROVED and licence is None:
        outcome = Outcome.REVIEW          # approved without licence data: a clerk finishes
    return VisitOutcome(status.submission_id, outcome, tuple(status.reasons),
                        str(licence["uscc"]) if licence else "")


def licence_data(status: SubmissionStatus) -> dict | None:
    """The licence data of an approved submission, only from a decision that verified."""
    if not status.decided or status.remote_status is not DecisionStatus.APPROVED:
        return None
    return status.licence or None
