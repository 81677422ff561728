"""What a session tells its listeners, as past-tense frozen dataclasses.

Events carry no personal data: a listener that logs them logs nothing about the person.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.flow.outcome import VisitOutcome


@dataclass(frozen=True)
class SessionStarted:
    session_id: str


@dataclass(frozen=True)
class StepChanged:
    step: str
    position: int     # 1-based, in the current path
    total: int


@dataclass(frozen=True)
class AnswerRefused:
    step: str
    message: str      # Chinese; built from the rule, never from the person's text


@dataclass(frozen=True)
class NoticeChanged:
    step: str
    text: str         # a device's instruction (the camera's liveness prompt)


@dataclass(frozen=True)
class IdleWarned:
    seconds_left: float
    extensions_left: int


@dataclass(frozen=True)
class SessionExtended:
    extensions_left: int


@dataclass(frozen=True)
class SubmissionQueued:
    application_id: str


@dataclass(frozen=True)
class OutcomeChanged:
    outcome: VisitOutcome  # what became of the application, and of its paper


@dataclass(frozen=True)
class DeviceChanged:
    device: str       # "idcard", "camera", "receipt_printer", "licence_printer"
    state: str        # devices.health.DeviceState value
    message: str      # for the person or a technician; never personal data


@dataclass(frozen=True)
class SessionEnded:
    reason: str       # "finished", "timeout", "cancelled", "home", "staff", "refused"
    message: str      # what the attract screen says next, e.g. that the data was deleted


# ----- the citizen services (kiosk.flow.services) and 帮办 -------------------------------------

@dataclass(frozen=True)
class HelpCalled:
    call_id: str
    page: str         # the step id the person is on ("home" on the start page)
    reason: str       # contract.wire.HelpReason value


@dataclass(frozen=True)
class HelpCancelled:
    call_id: str      # the person cancelled, staff arrived, or the visit ended


@dataclass(frozen=True)
class HelpChanged:
    status: str       # kiosk.flow.help.HelpStatus value


@dataclass(frozen=True)
class StaffChanged:
    unlocked: bool    # the staff actions are open (never the PIN, never who)


@dataclass(frozen=True)
class LookupRequested:
    query_id: str
    query: str        # "mine" (the verified person's), "licences", "number"
    number: str = ""  # the application number, for "number"


@dataclass(frozen=True)
class LicencePrintRequested:
    application_id: str
    print_id: str


@dataclass(frozen=True)
class GuidePrintRequested:
    subject_type: str
    job_id: str


@dataclass(frozen=True)
class RatingGiven:
    rating_id: str    # the body is the session's; it holds nothing about the person


@dataclass(frozen=True)
class ServiceChanged:
    what: str         # "lookup", "print", "rating", "guide": a service page's state moved


Event = (SessionStarted | StepChanged | AnswerRefused | NoticeChanged | IdleWarned | SessionExtended
         | SubmissionQueued | OutcomeChanged | DeviceChanged | SessionEnded | HelpCalled
         | HelpCancelled | HelpChanged | StaffChanged | LookupRequested | LicencePrintRequested
         | GuidePrintRequested | RatingGiven | ServiceChanged)


class Fanout:
    """A session listener that tells each of its listeners, in the order they were added."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[Event], None]] = []

    def add(self, *listeners: Callable[[Event], None]) -> None:
        self._listeners.extend(listeners)

    def __call__(self, event: Event) -> None:
        for listener in self._listeners:
            listener(event)
